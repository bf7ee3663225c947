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
            lock.lock(); busy += 1; lock.unlock()
            defer { lock.lock(); busy -= 1; lock.unlock() }
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    private static let lock = NSLock()
    /// Parallel passes running now (`perform` with several threads, and passes holding `claimCores`).
    nonisolated(unsafe) private static var busy = 0

    /// Claims the cores for a pass whose threads run in lockstep (they wait for each other at every step,
    /// so they must each have a core): true when no other parallel pass runs now, and the caller then calls
    /// `releaseCores` when done; false inside another pass's part, or beside one on another thread.
    public static func claimCores() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if busy > 0 { return false }
        busy += 1
        return true
    }

    /// Ends a pass that `claimCores` let run.
    public static func releaseCores() {
        lock.lock(); busy -= 1; lock.unlock()
    }
}
