import Foundation
import ServiceLifecycle
import TrameGDAL
import TrameUploads
import TrameVector

#if canImport(Glibc)
import Glibc
#endif

/// Runs `UploadCheck` on an upload in a child process (`trame check-upload DIR`), so that a hostile
/// or merely huge file can neither hang nor crash the server: the child limits its own processor time
/// and memory, cannot reach the network, and is killed (SIGKILL) past a wall-clock budget, when the
/// request is cancelled, or when the server stops. The server waits for it without holding a thread.
/// Each check has its own scratch folder (`incoming/check-…`), removed afterwards; folders left by a
/// crash are removed when the next checker starts.
public final class UploadChecker: @unchecked Sendable {
    public struct Limits: Sendable {
        /// Wall-clock time a check may take before it is killed.
        public var seconds: Double
        /// Processor time the child may use (RLIMIT_CPU).
        public var cpuSeconds: Int
        /// Address space the child may map (RLIMIT_AS), which bounds its memory.
        public var memoryBytes: UInt64
        /// Checks running at once; more are answered 503.
        public var concurrent: Int
        public init(seconds: Double = 60, cpuSeconds: Int = 45, memoryBytes: UInt64 = 3 << 30, concurrent: Int = 2) {
            self.seconds = seconds; self.cpuSeconds = cpuSeconds; self.memoryBytes = memoryBytes; self.concurrent = concurrent
        }
    }

    /// This executable (the server's own `trame`), found as the re-runs find it.
    public static var selfExecutable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    public let executable: String
    /// Arguments before the check's folder (`check-upload` for `trame`).
    public let arguments: [String]
    public let scratch: String
    public let limits: Limits

    private let lock = NSLock()
    private var running: [Int32: RunningCheck] = [:]
    private var slots = 0
    private var stopped = false

    public init(executable: String = UploadChecker.selfExecutable, arguments: [String] = ["check-upload"], scratch: String,
                limits: Limits = Limits()) {
        self.executable = executable; self.arguments = arguments; self.scratch = scratch; self.limits = limits
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        sweep()
    }

    /// Removes what earlier checks left (a server killed mid-check): scratch folders and files.
    public func sweep() {
        let fm = FileManager.default
        for f in (try? fm.contentsOfDirectory(atPath: scratch)) ?? [] where f.hasPrefix("check-") || f.hasPrefix("upload-") {
            try? fm.removeItem(atPath: (scratch as NSString).appendingPathComponent(f))
        }
    }

    /// Children running now (their process ids).
    public var runningChildren: [Int32] { lock.lock(); defer { lock.unlock() }; return Array(running.keys) }

    /// Kills every running check; later checks are refused (the server is stopping).
    public func stopAll() {
        lock.lock()
        stopped = true
        let all = Array(running.values)
        lock.unlock()
        for c in all { c.kill(.stopping) }
    }

    /// Checks `data` (an upload named `name`) in a child process and answers what it found, or throws
    /// `UploadCheck.Failure` (415, 422, or 503 when the server is busy or stopping).
    public func check(_ data: Data, name: String, schemeCRS: String, territory: LonLatBox) async throws -> UploadCheck.Passed {
        guard let ext = UploadCheck.type(of: data) else {
            throw UploadCheck.Failure(status: 415, description: "\(name): not a GeoPackage, a GeoJSON file or a zipped Shapefile")
        }
        let refusal: String? = lock.withLock {
            if stopped { return "the server is stopping; send \(name) again later" }
            guard slots < limits.concurrent else { return "the server is checking other uploads; send \(name) again in a minute" }
            slots += 1
            return nil
        }
        if let refusal { throw UploadCheck.Failure(status: 503, description: refusal) }
        defer { lock.withLock { slots -= 1 } }

        let dir = (scratch as NSString).appendingPathComponent("check-\(UUID().uuidString)")
        let fm = FileManager.default
        defer { try? fm.removeItem(atPath: dir) }
        let verdictFile = (dir as NSString).appendingPathComponent("verdict.json")
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let file = (dir as NSString).appendingPathComponent("upload.\(ext)")
            try data.write(to: URL(fileURLWithPath: file))
            let request = UploadCheck.Request(name: name, file: file, ext: ext, crs: schemeCRS,
                                              territory: [territory.west, territory.south, territory.east, territory.north])
            try JSONEncoder().encode(request).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("request.json")))
            _ = fm.createFile(atPath: verdictFile, contents: nil)
        } catch {
            throw UploadCheck.Failure(status: 503, description: "\(name): the server cannot store it for checking (disk full?)")
        }

        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: executable)
        proc.arguments = arguments + [dir, "--cpu-seconds", String(limits.cpuSeconds), "--memory-mb", String(limits.memoryBytes >> 20)]
        proc.currentDirectoryURL = URL(fileURLWithPath: dir)
        proc.standardInput = FileHandle.nullDevice
        proc.standardError = FileHandle.nullDevice
        guard let out = FileHandle(forWritingAtPath: verdictFile) else {
            throw UploadCheck.Failure(status: 503, description: "\(name): the server cannot store it for checking")
        }
        proc.standardOutput = out
        let child = RunningCheck(proc)
        let ended = try await child.run(budget: limits.seconds, register: { pid in
            self.lock.lock()
            let stopping = self.stopped
            self.running[pid] = child
            self.lock.unlock()
            if stopping { child.kill(.stopping) }
        })
        try? out.close()
        lock.withLock { running[child.pid] = nil }

        switch ended.reason {
        case .budget:
            throw UploadCheck.Failure(status: 422, description: "\(name): took longer than \(Int(limits.seconds)) s to check; simplify or split the layer")
        case .stopping, .cancelled:
            throw UploadCheck.Failure(status: 503, description: "the server is stopping; send \(name) again later")
        case nil:
            break
        }
        if ended.signal == SIGXCPU || ended.signal == SIGKILL {
            throw UploadCheck.Failure(status: 422, description: "\(name): needed more than \(limits.cpuSeconds) s of processor time to check; simplify or split the layer")
        }
        guard let bytes = fm.contents(atPath: verdictFile), let line = bytes.split(separator: UInt8(ascii: "\n")).last,
              let verdict = try? JSONDecoder().decode(UploadCheck.Verdict.self, from: Data(line)) else {
            throw UploadCheck.Failure(status: 422, description: "\(name): could not be checked (the check stopped: too large for its memory, or malformed)")
        }
        if verdict.ok, let p = verdict.passed { return p }
        let status = verdict.status ?? 422
        throw UploadCheck.Failure(status: status == 415 ? 415 : status == 500 ? 503 : 422,
                                  description: verdict.error ?? "\(name): does not pass the checks")
    }
}

/// One child process: started, waited for without a thread, killed at most once.
final class RunningCheck: @unchecked Sendable {
    enum Reason { case budget, stopping, cancelled }
    struct Ended { var status: Int32; var signal: Int32?; var reason: Reason? }

    let proc: Process
    private let lock = NSLock()
    private var killedFor: Reason?
    private var finished = false
    private(set) var pid: Int32 = 0

    init(_ proc: Process) { self.proc = proc }

    func kill(_ reason: Reason) {
        lock.lock()
        if finished { lock.unlock(); return }
        if killedFor == nil { killedFor = reason }
        let p = pid
        lock.unlock()
        // Not started yet: `run` kills it as soon as it has a process id.
        if p > 0 { _ = Glibc.kill(p, SIGKILL) }
    }

    /// Starts the child and waits for its end; kills it past `budget` seconds, on the task's
    /// cancellation, and on the server's graceful shutdown (SIGTERM, SIGINT).
    func run(budget: Double, register: @escaping @Sendable (Int32) -> Void) async throws -> Ended {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (k: CheckedContinuation<Ended, Error>) in
                    proc.terminationHandler = { p in
                        self.lock.lock()
                        self.finished = true
                        let reason = self.killedFor
                        self.lock.unlock()
                        let signalled = p.terminationReason == .uncaughtSignal
                        k.resume(returning: Ended(status: p.terminationStatus, signal: signalled ? p.terminationStatus : nil, reason: reason))
                    }
                    do {
                        try proc.run()
                    } catch {
                        proc.terminationHandler = nil
                        k.resume(throwing: UploadCheck.Failure(status: 503, description: "the upload checker cannot start"))
                        return
                    }
                    lock.lock()
                    pid = proc.processIdentifier
                    let early = killedFor
                    lock.unlock()
                    register(pid)
                    if let early { kill(early) }
                    DispatchQueue.global().asyncAfter(deadline: .now() + budget) { [weak self] in self?.kill(.budget) }
                }
            } onGracefulShutdown: {
                self.kill(.stopping)
            }
        } onCancel: {
            self.kill(.cancelled)
        }
    }
}
