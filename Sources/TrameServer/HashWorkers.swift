import Foundation

/// A few dedicated threads for bcrypt: a password check takes a quarter of a second of CPU at cost 12,
/// which must never run on the server's event loops nor on Swift concurrency's small cooperative pool
/// (four wrong sign-ins at once would stall every other request). Jobs wait in a bounded queue; past
/// its bound a caller is told the server is busy instead of queueing for ever.
public final class HashWorkers: @unchecked Sendable {
    public struct Busy: Error, CustomStringConvertible {
        public var description: String { "too many sign-ins at once: try again in a moment" }
    }

    /// The pool the partner stores share: half the cores (one at least, four at most).
    public static let shared = HashWorkers(threads: min(4, max(1, ProcessInfo.processInfo.activeProcessorCount / 2)), maxWaiting: 64)

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private let maxWaiting: Int
    public let threadCount: Int

    public init(threads: Int, maxWaiting: Int) {
        precondition(threads > 0 && maxWaiting > 0)
        self.maxWaiting = maxWaiting
        self.threadCount = threads
        for k in 0..<threads {
            // The threads live as long as the process (the pool is meant to be made once).
            // Foundation's Thread.name is not applied on Linux; `threads` tells the pool's threads instead.
            let t = Thread { self.work() }
            t.name = "trame-bcrypt-\(k)"
            t.start()
        }
    }

    /// The pool's threads (pthread ids), to tell whether code runs on one of them.
    private var threads: [pthread_t] = []

    /// Whether the caller runs on one of this pool's threads.
    public var isCurrentThreadAWorker: Bool {
        let me = pthread_self()
        condition.lock(); defer { condition.unlock() }
        return threads.contains { pthread_equal($0, me) != 0 }
    }

    private func work() {
        condition.lock()
        threads.append(pthread_self())
        condition.unlock()
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on one of the pool's threads and resumes the caller with its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (k: CheckedContinuation<T, Error>) in
            condition.lock()
            guard jobs.count < maxWaiting else {
                condition.unlock()
                k.resume(throwing: Busy())
                return
            }
            jobs.append { k.resume(with: Result { try body() }) }
            condition.signal()
            condition.unlock()
        }
    }
}
