import Foundation

/// The worker threads of the parallel passes.
///
/// Every parallel pass splits its work into a fixed number of parts (independent of the thread count), each
/// part writing its own output, merged in part order: results are then identical whatever the number of
/// threads that run the parts. `TRAME_THREADS=1` runs every part on the calling thread (to check that, or on a
/// shared machine); the default is 2 (the target machines' two cores: more threads than parts do not help).
public enum Workers {
    /// Threads for the parallel passes: `TRAME_THREADS` (1…64), else 2.
    public static let threads: Int = {
        guard let t = ProcessInfo.processInfo.environment["TRAME_THREADS"] else { return 2 }
        if let n = Int(t), (1...64).contains(n) { return n }
        FileHandle.standardError.write(Data("trame: warning: TRAME_THREADS=\(t) is not a whole number from 1 to 64; using 2 threads\n".utf8))
        return 2
    }()

    /// Runs `body(part)` for every part in `0..<parts`, on up to `threads` threads, and returns when all are done.
    public static func perform(parts: Int, _ body: (Int) -> Void) {
        guard parts > 0 else { return }
        if threads == 1 || parts == 1 {
            for p in 0..<parts { body(p) }
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }
}
