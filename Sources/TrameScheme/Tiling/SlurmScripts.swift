/// The Slurm batch scripts of a plan (`trame plan … --slurm`): the tiles as one job array, the merge after them.
///
/// - `trame.sbatch`: `#SBATCH --array=1-N`, one task per tile, each running `trame step PLAN --task $SLURM_ARRAY_TASK_ID`
///   with `--mem` from the plan's estimate (`TileMemory`) and two CPUs; each task first appends its job id to
///   PLAN/slurm/tasks/N, which `trame slurm status` reads back to match sacct's records with the tiles.
/// - `merge.sbatch`: `trame merge PLAN -o PLAN/merged`, with `--mem` for the whole scheme (`TileMemory.mergeMegabytes`).
/// - `submit.sh [--array=LIST]`: submits the array (all tiles, or those of LIST), then the merge with
///   `--dependency=afterok:ARRAY`, recording both job ids in PLAN/slurm/; a merge still waiting from an
///   earlier submission is cancelled first (its dependency can no longer be met once a task has failed).
public struct SlurmScripts: Sendable {
    public var plan: TilePlan
    /// The plan's folder, absolute.
    public var folder: String
    /// The jobs' name (`--job-name`): the array is NAME, the merge NAME-merge; `trame slurm status` finds them by it.
    public var jobName: String
    public var partition: String?
    /// `--time`, HH:MM:SS (or any form sbatch takes).
    public var time: String?
    public var cpusPerTask = 2

    /// The merge job's own partition and time limit (a large-memory partition, hours rather than minutes);
    /// nil: the tiles'.
    public var mergePartition: String?
    public var mergeTime: String?

    public init(plan: TilePlan, folder: String, jobName: String, partition: String? = nil, time: String? = nil,
                mergePartition: String? = nil, mergeTime: String? = nil) {
        self.plan = plan; self.folder = folder; self.jobName = jobName; self.partition = partition; self.time = time
        self.mergePartition = mergePartition; self.mergeTime = mergeTime
    }

    /// Single-quoted for the shell.
    public static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func common(megabytes: Int, partition: String?, time: String?) -> [String] {
        var lines = ["#SBATCH --cpus-per-task=\(cpusPerTask)", "#SBATCH --mem=\(megabytes)M", "#SBATCH --chdir=\(folder)"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        return lines
    }

    public var tiles: String {
        let q = Self.quote
        return (["#!/bin/bash",
                 "# Written by `trame plan --slurm`: one array task per tile of \(folder)/plan.json (\(plan.tiles.count) tiles).",
                 "# --mem: \(plan.memory.bytesPerCell) bytes per cell × \(plan.memory.largestWindowCells) cells (the largest tile with its halo) + \(plan.memory.overheadMegabytes) MB.",
                 "#SBATCH --job-name=\(jobName)",
                 "#SBATCH --array=1-\(plan.tiles.count)",
                 "#SBATCH --output=\(folder)/logs/%A_%a.out"] + common(megabytes: plan.memory.megabytes, partition: partition, time: time) + [
                 "set -euo pipefail",
                 "mkdir -p \(q(folder + "/slurm/tasks"))",
                 "echo \"$SLURM_JOB_ID $SLURM_ARRAY_JOB_ID\" >> \(q(folder + "/slurm/tasks/"))\"$SLURM_ARRAY_TASK_ID\"",
                 "exec \(q(plan.trame)) step \(q(folder)) --task \"$SLURM_ARRAY_TASK_ID\"",
                 ""]).joined(separator: "\n")
    }

    public var merge: String {
        let q = Self.quote
        return (["#!/bin/bash",
                 "# Written by `trame plan --slurm`: joins the tiles of \(folder)/plan.json once they have all succeeded, then builds the scheme.",
                 "# --mem: \(TileMemory.mergeBytesPerCell) bytes per cell × \(plan.grid.cols * plan.grid.rows) cells (the whole territory) + \(TileMemory.mergeOverheadMegabytes) MB.",
                 "#SBATCH --job-name=\(jobName)-merge",
                 "#SBATCH --output=\(folder)/logs/merge_%j.out"] + common(megabytes: TileMemory.mergeMegabytes(cells: plan.grid.cols * plan.grid.rows),
                                                                                    partition: mergePartition ?? partition, time: mergeTime ?? time) + [
                 "set -euo pipefail",
                 "exec \(q(plan.trame)) merge \(q(folder)) -o \(q(folder + "/merged"))",
                 ""]).joined(separator: "\n")
    }

    public var submit: String {
        """
        #!/usr/bin/env bash
        # Written by `trame plan --slurm`: submits the \(plan.tiles.count) tiles of this plan as one job array, then the merge
        # once every tile has succeeded (--dependency=afterok).
        #
        #   ./submit.sh                  all the tiles, then the merge
        #   ./submit.sh --array=3,7      only tiles 3 and 7 (those `trame slurm status` names), then the merge
        #
        # Tasks are idempotent: a tile already done (its `done` marker matches the plan) is skipped.
        set -euo pipefail
        cd "$(dirname "$0")"
        mkdir -p slurm logs
        if [ -s slurm/merges ]; then
          # A merge still waiting on an earlier array would wait for ever once a task failed: cancel it.
          previous="$(tail -n 1 slurm/merges)"
          if squeue -h -j "$previous" -t PENDING -o %i 2>/dev/null | grep -q .; then scancel "$previous"; fi
        fi
        array="$(sbatch --parsable "$@" trame.sbatch)"
        array="${array%%;*}"
        echo "$array" >> slurm/arrays
        merge="$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)"
        merge="${merge%%;*}"
        echo "$merge" >> slurm/merges
        echo "tiles: job $array; merge: job $merge (after every tile succeeds); follow with: \(Self.quote(plan.trame)) slurm status \(Self.quote(folder))"

        """
    }
}
