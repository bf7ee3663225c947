import Foundation

/// One folder per test process under the system's temporary folder, removed when the process exits: tests
/// that make scratch files in helpers (where no tearDown reaches) make them here, so that running the suite
/// again and again leaves nothing behind.
public enum TestScratch {
    /// `$TMPDIR/trame-tests-PID/`, created on first use (with its trailing slash).
    public static let folder: String = {
        let path = NSTemporaryDirectory() + "trame-tests-\(getpid())/"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestScratch.folder) }
        return path
    }()
}
