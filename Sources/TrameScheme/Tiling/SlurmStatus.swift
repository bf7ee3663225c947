/// The state of each task of a plan on a Slurm cluster, from what the task left (its `done` marker), what
/// squeue shows (pending, running) and what sacct recorded of its last run (completed, failed, …).
///
/// Pure: the command runs squeue and sacct and hands their text here.
public enum SlurmStatus {
    public enum State: String, Sendable, Equatable {
        /// Its `done` marker is there and matches the plan.
        case done
        case pending
        case running
        /// Its last run ended in failure (FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED, NODE_FAIL, …).
        case failed
        /// Its last run completed but its outputs are gone (or were made for another plan).
        case missing = "outputs missing"
        /// No run of it is known (never submitted, or cancelled before it started).
        case notRun = "not run"

        /// Whether resubmitting it is the thing to do.
        public var needsResubmission: Bool { self == .failed || self == .missing || self == .notRun }
    }

    public struct TaskStatus: Sendable, Equatable {
        public var task: Int
        public var state: State
        /// Slurm's word for its last run (COMPLETED, FAILED, OUT_OF_MEMORY, PENDING…), when known.
        public var slurmState: String?
        public var jobID: String?
    }

    /// squeue's lines for `-h -r -o '%A|%K|%T'`: raw job id, array task id (`N/A` outside arrays), state.
    /// - Returns: array task → (state, raw job id).
    public static func parseQueue(_ text: String) -> [Int: (state: String, jobID: String)] {
        var out: [Int: (state: String, jobID: String)] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 3, let task = Int(f[1]) else { continue }
            out[task] = (state: f[2], jobID: f[0])
        }
        return out
    }

    /// sacct's lines for `-n -P -o JobIDRaw,State`: raw job id → state ("CANCELLED by 0" → CANCELLED).
    public static func parseAccounting(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let f = line.split(separator: "|", omittingEmptySubsequences: false)
            guard f.count >= 2, !f[0].isEmpty, !f[0].contains(".") else { continue }
            out[String(f[0])] = String(f[1].split(separator: " ").first ?? "")
        }
        return out
    }

    /// A task's record of its runs (PLAN/slurm/tasks/N: one `JOBID ARRAYJOBID` line per run): the last run's job id.
    public static func lastJob(inRecord text: String) -> String? {
        text.split(whereSeparator: \.isNewline).last.flatMap { $0.split(separator: " ").first }.map(String.init)
    }

    /// Each task's state: done by its marker first, then pending or running by squeue, then by sacct's record of
    /// its last run. `lastJobs` maps a task to the raw job id of its last run, `accounting` raw job ids to states.
    public static func resolve(tasks: ClosedRange<Int>, done: Set<Int>, queue: [Int: (state: String, jobID: String)],
                               lastJobs: [Int: String], accounting: [String: String]) -> [TaskStatus] {
        tasks.map { t in
            let job = lastJobs[t]
            let recorded = job.flatMap { accounting[$0] }
            if done.contains(t) { return TaskStatus(task: t, state: .done, slurmState: recorded, jobID: job) }
            if let q = queue[t] {
                let running = ["RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED", "STAGE_OUT"].contains(q.state)
                return TaskStatus(task: t, state: running ? .running : .pending, slurmState: q.state, jobID: q.jobID)
            }
            guard let recorded else {
                // A run recorded by the task but unknown to sacct (no accounting): it started and left no marker.
                return TaskStatus(task: t, state: job == nil ? .notRun : .failed, slurmState: nil, jobID: job)
            }
            switch recorded {
            case "COMPLETED": return TaskStatus(task: t, state: .missing, slurmState: recorded, jobID: job)
            case "RUNNING", "COMPLETING", "CONFIGURING":
                return TaskStatus(task: t, state: .running, slurmState: recorded, jobID: job)
            case "PENDING", "REQUEUED", "RESIZING": return TaskStatus(task: t, state: .pending, slurmState: recorded, jobID: job)
            default: return TaskStatus(task: t, state: .failed, slurmState: recorded, jobID: job)
            }
        }
    }

    /// Task numbers as sbatch's `--array` writes them: runs of three or more as ranges ("1-4,7,9").
    public static func arrayList(_ tasks: [Int]) -> String {
        let s = Array(Set(tasks)).sorted()
        var parts: [String] = [], i = 0
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            if j - i >= 2 { parts.append("\(s[i])-\(s[j])") } else { parts += s[i...j].map(String.init) }
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
