import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Follow a plan's jobs on a Slurm cluster.",
        subcommands: [SlurmStatusCommand.self])
}

struct SlurmStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each task of a plan: done, pending, running, failed; and the command to resubmit only the failed ones.",
        discussion: """
        A task is done when its `done` marker matches the plan (whatever Slurm says). Otherwise squeue tells \
        whether it is pending or running (jobs are found by the plan's job name), and sacct how its last run \
        ended: each array task appends its job id to PLAN/slurm/tasks/N when it starts, and sacct is asked \
        about those ids — from the accounting database when the cluster has one, else from the job \
        completion log (`sacct --completion`, JobCompType=jobcomp/filetxt). With neither, a task that ran \
        and left no marker is counted failed.

        States: done; pending; running; failed (FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED…); outputs missing \
        (it completed but its outputs are gone or belong to another plan); not run. Failed, missing and \
        not-run tasks are named in the command that resubmits them alone, with the merge after them: \
        PLAN/submit.sh --array=3,7 (that is `sbatch --array=3,7 trame.sbatch`, then merge.sbatch with \
        --dependency=afterok). Exit status 0 whatever the states.
        """)

    @Argument(help: "The plan's folder (with the scripts of `trame plan --slurm`).")
    var plan: String

    @Flag(help: "Print one JSON object: {tasks: [{task, state, slurm, job}], merge, resubmit, accounting}.")
    var json = false

    /// Runs a Slurm client (found on PATH); nil when it cannot be run or exits non-zero.
    static func client(_ name: String, _ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [name] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, n - s.count))
        return right ? fill + s : s + fill
    }

    func run() throws {
        let folder = try PlanFolder(plan)
        let p = folder.plan, name = TilePlanning.jobName(folder: folder.path)
        let tiles = p.tiles.count
        let fm = FileManager.default

        // What the tasks recorded of their runs, and the merges submit.sh recorded.
        var lastJobs: [Int: String] = [:]
        for t in 1...max(tiles, 1) where t <= tiles {
            if let d = fm.contents(atPath: "\(folder.path)/slurm/tasks/\(t)"), let j = SlurmStatus.lastJob(inRecord: String(decoding: d, as: UTF8.self)) { lastJobs[t] = j }
        }
        let merges = fm.contents(atPath: "\(folder.path)/slurm/merges").map { String(decoding: $0, as: UTF8.self) } ?? ""
        let lastMerge = merges.split(whereSeparator: \.isNewline).last.map(String.init)

        let queueText = Self.client("squeue", ["-h", "-r", "--name=\(name),\(name)-merge", "-o", "%A|%K|%T|%j|%r"])
        let queue = SlurmStatus.parseQueue(queueText ?? "")
        // The merge is not an array task: squeue shows it with %K = N/A, found by its name.
        let mergeQueued = (queueText ?? "").split(whereSeparator: \.isNewline).map { $0.split(separator: "|").map(String.init) }
            .first { $0.count >= 4 && $0[3] == "\(name)-merge" }

        let ids = Array(Set(lastJobs.values)) + (lastMerge.map { [$0] } ?? [])
        var accounting: [String: String] = [:], source = "none"
        if !ids.isEmpty {
            let list = ids.joined(separator: ",")
            if let t = Self.client("sacct", ["-n", "-P", "-X", "-j", list, "-o", "JobIDRaw,State"]) {
                accounting = SlurmStatus.parseAccounting(t); source = "sacct"
            } else if let t = Self.client("sacct", ["--completion", "-n", "-P", "-j", list, "-o", "JobIDRaw,State"]) {
                accounting = SlurmStatus.parseAccounting(t); source = "sacct --completion"
            }
        }
        let done = Set((1...max(tiles, 1)).filter { $0 <= tiles && folder.isDone($0) })
        let states = tiles == 0 ? [] : SlurmStatus.resolve(tasks: 1...tiles, done: done, queue: queue, lastJobs: lastJobs, accounting: accounting)

        var mergeState: String
        if folder.isMerged { mergeState = "done" }
        else if let q = mergeQueued {
            mergeState = q[2] != "PENDING" ? "running"
                : q.count > 4 && q[4] == "DependencyNeverSatisfied" ? "pending for ever (a tile failed; submit.sh cancels it when it resubmits)" : "pending"
        }
        else if let m = lastMerge, let s = accounting[m] { mergeState = s == "COMPLETED" ? "outputs missing" : (s == "CANCELLED" ? "cancelled" : "failed") }
        else { mergeState = lastMerge == nil ? "not run" : "failed" }

        let again = states.filter { $0.state.needsResubmission }.map(\.task)
        let list = SlurmStatus.arrayList(again)
        if json {
            struct Row: Encodable { var task: Int; var state: String; var slurm: String?; var job: String? }
            struct Output: Encodable { var tasks: [Row]; var merge: String; var resubmit: String?; var accounting: String; var jobName: String }
            let out = Output(tasks: states.map { Row(task: $0.task, state: $0.state.rawValue, slurm: $0.slurmState, job: $0.jobID) },
                             merge: mergeState, resubmit: again.isEmpty ? nil : list, accounting: source, jobName: name)
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(out), as: UTF8.self))
            return
        }
        print("plan \(folder.path): \(tiles) tile task\(tiles == 1 ? "" : "s"), jobs named \(name)")
        print("task  state            slurm          job")
        for s in states {
            print(pad(String(s.task), 4, right: true) + "  " + pad(s.state.rawValue, 15) + "  " + pad(s.slurmState ?? "-", 13) + "  " + (s.jobID ?? "-"))
        }
        print(pad(String(p.mergeTask), 4, right: true) + "  merge: " + mergeState)
        var counts: [String] = []
        for st in [SlurmStatus.State.done, .running, .pending, .failed, .missing, .notRun] {
            let n = states.filter { $0.state == st }.count
            if n > 0 { counts.append("\(n) \(st.rawValue)") }
        }
        print("\(counts.joined(separator: ", "))" + (source == "none" ? " (no sacct records: states from the tasks' markers and squeue)" : " (runs from \(source))"))
        if !again.isEmpty {
            print("resubmit only these: \(folder.path)/submit.sh --array=\(list)")
            print("  (that is: cd \(folder.path) && sbatch --array=\(list) trame.sbatch, then sbatch --dependency=afterok:ID merge.sbatch)")
        }
    }
}
