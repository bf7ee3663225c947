import Foundation

/// Slows password guessing: failures are counted per account name and per client address; past a few
/// free failures the key is locked for a delay that doubles at each further failure, up to a cap. A
/// locked key is answered 429 without checking the password (the right one too). Every attempt counts
/// as a failure from its start, so parallel guesses cannot slip through together; a success takes it
/// back: it resets the account name's count and removes its own count from the address's (so the
/// address of someone who signs in often is never locked, and an attacker cannot clear the address's
/// count by signing in to an account of their own). A record is forgotten an hour after its last lock
/// ended (or its last failure).
public final class LoginThrottle: @unchecked Sendable {
    public struct Limits: Sendable {
        /// Failures allowed before the first lock.
        public var freeFailures: Int
        /// The first lock; each further failure doubles it.
        public var firstDelay: Double
        public var maxDelay: Double
        public init(freeFailures: Int, firstDelay: Double, maxDelay: Double) {
            self.freeFailures = freeFailures; self.firstDelay = firstDelay; self.maxDelay = maxDelay
        }
        /// The lock after `failures` failures (0 while free).
        func delay(after failures: Int) -> Double {
            guard failures >= freeFailures else { return 0 }
            let doublings = min(failures - freeFailures, 40)
            return min(maxDelay, firstDelay * pow(2, Double(doublings)))
        }
    }

    /// Per account name: 5 free failures, then 1 s, 2 s, 4 s … up to 15 minutes.
    public static let accountLimits = Limits(freeFailures: 5, firstDelay: 1, maxDelay: 900)
    /// Per client address (many people may share one): 20 free failures, then the same doubling.
    public static let addressLimits = Limits(freeFailures: 20, firstDelay: 1, maxDelay: 900)
    /// How long a quiet record is kept.
    public static let forgetAfter: Double = 3600

    struct Record { var failures = 0; var lockedUntil = 0.0; var last = 0.0 }

    let accountLimits: Limits, addressLimits: Limits
    private let lock = NSLock()
    private var records: [String: Record] = [:]

    public init(account: Limits = LoginThrottle.accountLimits, address: Limits = LoginThrottle.addressLimits) {
        accountLimits = account; addressLimits = address
    }

    /// Seconds on a steady clock.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func accountKey(_ name: String) -> String { "account:" + name.prefix(256).lowercased() }
    static func addressKey(_ address: String) -> String { "address:" + address }

    /// What an attempt was told before its password is checked.
    public enum Verdict: Equatable, Sendable {
        /// Check the password; report the outcome with `finish`.
        case proceed
        /// Locked: answer 429 with this many seconds to wait (the password is not checked).
        case locked(retryAfter: Int, failures: Int)
    }

    /// Called before checking a password: either locked, or the attempt is counted as a failure until
    /// `finish(success: true)` takes it back.
    public func begin(account: String, address: String, at now: Double = LoginThrottle.now()) -> Verdict {
        let a = LoginThrottle.accountKey(account), b = LoginThrottle.addressKey(address)
        lock.lock(); defer { lock.unlock() }
        prune(now)
        let ra = records[a] ?? Record(), rb = records[b] ?? Record()
        let wait = max(ra.lockedUntil, rb.lockedUntil) - now
        if wait > 0 {
            return .locked(retryAfter: Int(wait.rounded(.up)), failures: max(ra.failures, rb.failures))
        }
        records[a] = failed(ra, accountLimits, now)
        records[b] = failed(rb, addressLimits, now)
        return .proceed
    }

    /// The outcome of an attempt that `begin` let through.
    public func finish(account: String, address: String, success: Bool, at now: Double = LoginThrottle.now()) {
        guard success else { return }
        let a = LoginThrottle.accountKey(account), b = LoginThrottle.addressKey(address)
        lock.lock(); defer { lock.unlock() }
        records[a] = nil
        if var rb = records[b] {
            rb.failures = max(0, rb.failures - 1)
            if rb.failures < addressLimits.freeFailures { rb.lockedUntil = 0 }
            records[b] = rb.failures == 0 ? nil : rb
        }
    }

    /// Takes back the failure `begin` counted for an attempt that could not be checked (server busy),
    /// without the reset a success brings.
    public func cancel(account: String, address: String) {
        lock.lock(); defer { lock.unlock() }
        for (key, limits) in [(LoginThrottle.accountKey(account), accountLimits), (LoginThrottle.addressKey(address), addressLimits)] {
            guard var r = records[key] else { continue }
            r.failures = max(0, r.failures - 1)
            if r.failures < limits.freeFailures { r.lockedUntil = 0 }
            records[key] = r.failures == 0 ? nil : r
        }
    }

    /// Forgets the account name's failures (an admin's reset).
    public func reset(account: String) {
        lock.lock(); records[LoginThrottle.accountKey(account)] = nil; lock.unlock()
    }

    /// Failures counted for an account name (for the log and the tests).
    public func failures(account: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return records[LoginThrottle.accountKey(account)]?.failures ?? 0
    }

    private func failed(_ r: Record, _ limits: Limits, _ now: Double) -> Record {
        var r = r
        r.failures += 1
        r.last = now
        let d = limits.delay(after: r.failures)
        if d > 0 { r.lockedUntil = now + d }
        return r
    }

    private var lastPrune = 0.0

    /// Drops quiet records (at most once a minute, or when there are very many).
    private func prune(_ now: Double) {
        guard now - lastPrune > 60 || records.count > 100_000 else { return }
        lastPrune = now
        records = records.filter { now - max($0.value.last, $0.value.lockedUntil) < LoginThrottle.forgetAfter }
    }
}
