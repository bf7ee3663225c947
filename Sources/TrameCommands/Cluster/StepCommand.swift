import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct StepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Run one task of a plan (`trame plan`): a tile, or the merge.",
        discussion: """
        Task N ≤ the number of tiles: for each least-cost sub-network, finds the fragments of its reservoirs \
        over the tile's core (its core and one ring of cells around it read) and writes their local ids to \
        PLAN/tiles/N/SUB_fragments.tif and their table (cells, perimeter edges, inventories, first cell, the ids \
        along the core's sides) to SUB_fragments.json; then reads the tile's window of the land cover (its core \
        and halo) and writes each sub-network's resistance over it to PLAN/tiles/N/SUB_resistance.tif (cost \
        units per metre, impassable = NoData −9999); then PLAN/tiles/N/done, written last and atomically, \
        holding the plan's SHA-256. A task whose marker matches the plan is skipped (say so and exit 0): rerunning a whole \
        array only computes what is missing, and a tile computed again makes the merge due again. The last task \
        (tiles + 1) is the merge into PLAN/merged (see `trame merge`).

        Runs anywhere the plan's files are visible: a cluster node (trame.sbatch calls it with \
        $SLURM_ARRAY_TASK_ID), a workstation, a loop in a shell.
        """)

    @Argument(help: "The plan's folder.")
    var plan: String

    @Option(help: "The task: 1…N a tile, N+1 the merge.")
    var task: Int

    @OptionGroup var common: CommonOptions

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        let folder = try PlanFolder(plan)
        if task == folder.plan.mergeTask {
            if folder.isMerged {
                print("task \(task) (merge): already done for this plan (\(folder.mergeMarker)); skipped")
                return
            }
            let result = try TileMerge.run(folder, output: folder.mergedFolder, progress: { progress.step($0) }, warn: warnOnStderr)
            if !common.quiet { SchemeSummary.print(result, out: folder.mergedFolder, lang: "en") }
            return
        }
        switch try TileStep.run(folder, task: task, progress: { progress.step($0) }) {
        case .skipped:
            print("task \(task): already done for this plan (\(folder.doneMarker(task))); skipped")
        case .computed(let files):
            if !common.quiet { print("task \(task): wrote \(files.count) file\(files.count == 1 ? "" : "s") in \(folder.tileFolder(task)): \(files.joined(separator: ", "))") }
        }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the tiles of a plan and build the scheme from them: the same outputs as `trame run`.",
        discussion: """
        First joins the tiles into PLAN/joined: every sub-network's resistance (each tile's core, the halo \
        left out, assembled a tile at a time into rasters/SUB_resistance.tif, the same cells as `trame run`'s), \
        and for every least-cost sub-network the reservoir fragments joined across the tiles' edges (a \
        union-find over the cells on the cores' sides, 8-connected) into rasters/SUB_reservoirs.tif (ids 1…n \
        as `trame run` numbers them), SUB_reservoirs.csv (reservoir, cells, area_ha, perimeter_m, \
        from_inventory, inventories) and reservoirs.gpkg. A join already done for this plan is kept while no tile \
        is computed again and none of its files changed.

        Then builds the scheme into OUT exactly as `trame run` does, each least-cost sub-network starting \
        from the joined resistance and reservoirs: links, corridors, metrics, the watercourse sub-network, \
        nature spaces, buffer zones, conflict points, figures, maps and report, on the whole territory (this \
        stage needs about the memory of `trame run`; merge.sbatch asks for 44 bytes per cell + 512 MB). OUT follows `trame run`'s rule: a new \
        folder, an empty one or an earlier scheme, built aside and swapped in at the end.

        --check-links also finds each least-cost sub-network's functional links (cost ≤ its dispersal cost) \
        a tile at a time on the joined rasters (PLAN/joined/SUB_links.csv and links.gpkg), and stops if they \
        are not the whole grid's, to the last bit; this needs a halo of the dispersal cost ÷ the least \
        resistance (a sub-network whose windows fall short is left out, with a warning).

        Refuses, before writing anything, when a tile task is not done (naming which), when the project, its \
        land cover, its friction table or its inventories' files changed since the plan was made, or when OUT is inside the plan's \
        folder (but PLAN/merged, where the plan's own merge task writes).
        """)

    @Argument(help: "The plan's folder.")
    var plan: String

    @Option(name: .shortAndLong, help: "Output folder for the scheme: new, empty or an earlier scheme.")
    var output: String

    @Option(help: "Language of maps and report: fr or en (default: the project's [report] lang).")
    var lang: Language?

    @Flag(help: "Also find the functional links tile by tile and check them against the whole grid's.")
    var checkLinks = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        let folder = try PlanFolder(plan)
        let result = try TileMerge.run(folder, output: output, lang: lang?.rawValue, checkLinks: checkLinks,
                                       progress: { progress.step($0) }, warn: warnOnStderr)
        if !common.quiet { SchemeSummary.print(result, out: output, lang: "en") }
    }
}

/// A warning on stderr, shown also with --quiet.
func warnOnStderr(_ text: String) { FileHandle.standardError.write(Data("trame: warning: \(text)\n".utf8)) }
