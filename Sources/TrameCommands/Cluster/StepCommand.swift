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
        array only computes what is missing. The last task (tiles + 1) is the merge into PLAN/merged.

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
            let written = try TileMerge.run(folder, output: folder.mergedFolder) { progress.step($0) }
            if !common.quiet { print("task \(task) (merge): wrote \(written.map { "\(folder.mergedFolder)/\($0)" }.joined(separator: ", "))") }
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
        abstract: "Join the tiles of a plan into the rasters `trame run` writes for the whole territory.",
        discussion: """
        Writes OUT/rasters/SUB_resistance.tif for every sub-network (Cloud-Optimized GeoTIFF, cost units per \
        metre, impassable = NoData −9999): each tile's core window, the halo left out, assembled on the \
        territory's grid a tile at a time (the whole raster is never held in memory). For every least-cost \
        sub-network, joins the tiles' reservoir fragments across the tiles' edges (a union-find over the cells \
        on the cores' sides, 8-connected) and writes OUT/rasters/SUB_reservoirs.tif (reservoir ids 1…n as \
        `trame run` numbers them, 0 = NoData) and OUT/SUB_reservoirs.csv (reservoir, cells, area_ha, \
        perimeter_m, from_inventory, inventories); then OUT/reservoirs.gpkg, every sub-network's reservoir \
        polygons with the same figures (a layer to open in QGIS). Then each least-cost sub-network's \
        functional links (least-cost links of cost ≤ its dispersal cost, between reservoirs whose cost zones \
        touch, as `trame run` keeps them), found a tile at a time on the merged rasters (each tile's window, \
        the crossings of its core), into OUT/SUB_links.csv (from_reservoir, to_reservoir, cost, length_m) and \
        OUT/links.gpkg; a sub-network gets none, with a warning saying why, when the halo is under its \
        dispersal cost ÷ its least resistance and the windows do not reach the territory's edge. \
        Then OUT/trame-merge.json. Refuses, before writing anything, when a tile task is not done, naming which.

        Not yet tiled: the links above the dispersal cost, corridors and metrics, and the watercourse \
        sub-network's reservoirs; they still need `trame run`.
        """)

    @Argument(help: "The plan's folder.")
    var plan: String

    @Option(name: .shortAndLong, help: "Output folder (created).")
    var output: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        let folder = try PlanFolder(plan)
        let written = try TileMerge.run(folder, output: output, progress: { progress.step($0) },
                                       warn: { FileHandle.standardError.write(Data("trame: warning: \($0)\n".utf8)) })
        if !common.quiet { print("merged \(folder.plan.tiles.count) tiles: \(written.map { "\(output)/\($0)" }.joined(separator: ", "))") }
    }
}
