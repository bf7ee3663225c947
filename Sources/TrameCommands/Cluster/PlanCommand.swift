import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Cut a territory into tiles for a cluster: the plan that `trame step`, `trame merge` and Slurm read.",
        discussion: """
        Reads the project and its land cover's grid (size, cell, CRS; not its cells) and cuts the grid into \
        square tiles of --tile, each widened by a halo so that nothing inside a tile depends on a cell beyond \
        it: the largest dispersal cost of the sub-networks ÷ the least resistance of that sub-network's \
        friction column (cost units ÷ cost units per metre = metres), rounded up to whole cells, capped at 3 \
        tiles (the cap is stated when it applies). --halo gives it instead.

        Writes PLAN/plan.json: the project, land cover and friction table (absolute paths), the grid, the tile \
        size, the halo (metres and cells, and where it comes from), every tile with its core and its window \
        (core + halo, clipped at the grid's edge) in cells and in map coordinates, and the steps: tasks 1…N \
        one tile each (`trame step PLAN --task N`), task N+1 the merge (`trame merge PLAN -o OUT`).

        With --slurm also PLAN/trame.sbatch (a job array, one task per tile; --mem from the plan's estimate: \
        16 bytes per cell of the largest tile with its halo + 256 MB; 2 CPUs per task), PLAN/merge.sbatch \
        and PLAN/submit.sh, which submits the array and then the merge with --dependency=afterok. Follow it \
        with `trame slurm status PLAN`.

        Tiled today: each sub-network's resistance and the reservoirs of the least-cost sub-networks (found \
        per tile, joined across the tiles' edges by the merge). The merge then builds the whole scheme from \
        them on one machine, as `trame run` does (links, corridors, metrics, nature spaces, buffer zones, \
        figures, maps, report), so merge.sbatch asks for the whole territory's memory: 44 bytes per cell + \
        512 MB.

        Example:
          trame plan project.toml --tile 50km -o plan --slurm --partition normal --time 02:00:00 \
              --merge-partition bigmem --merge-time 12:00:00
          plan/submit.sh
        """)

    @Argument(help: "The project file (TOML).")
    var project: String

    @Option(help: ArgumentHelp("Tile side with its unit: 50km, 20000m (at least 10 cells).", valueName: "length"))
    var tile: String

    @Option(name: .shortAndLong, help: "The plan's folder (created; plan.json and the scripts are replaced).")
    var output: String

    @Option(help: ArgumentHelp("Halo with its unit instead of the one the dispersal gives: 5km, 800m.", valueName: "length"))
    var halo: String?

    @Flag(help: "Also write the Slurm scripts: trame.sbatch (job array), merge.sbatch and submit.sh.")
    var slurm = false

    @Option(help: "Slurm partition for the jobs (#SBATCH --partition); with --slurm.")
    var partition: String?

    @Option(help: ArgumentHelp("Slurm time limit per tile task, HH:MM:SS or D-HH:MM:SS (#SBATCH --time); with --slurm.", valueName: "time"))
    var time: String?

    @Option(help: "Slurm partition for the merge job when not --partition: one with nodes of the merge's memory; with --slurm.")
    var mergePartition: String?

    @Option(help: ArgumentHelp("Slurm time limit of the merge job when not --time (it builds the whole scheme: hours on a region or a country); with --slurm.", valueName: "time"))
    var mergeTime: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if !slurm && (partition != nil || time != nil || mergePartition != nil || mergeTime != nil) {
            throw ValidationError("--partition, --time, --merge-partition and --merge-time go with --slurm")
        }
        for (option, value) in [("--time", time), ("--merge-time", mergeTime)] {
            if let value, value.range(of: #"^([0-9]+-)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}$"#, options: .regularExpression) == nil {
                throw ValidationError("\(option) '\(value)' is not HH:MM:SS or D-HH:MM:SS (e.g. 02:00:00)")
            }
        }
        for (option, value) in [("--partition", partition), ("--merge-partition", mergePartition)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
                throw ValidationError("\(option) '\(value)' is not a partition name")
            }
        }
        do { _ = try Quantity.length(tile) } catch let e as Quantity.UnitError { throw ValidationError("--tile: \(e.description)") }
        if let halo { do { _ = try Quantity.length(halo) } catch let e as Quantity.UnitError { throw ValidationError("--halo: \(e.description)") } }
    }

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        let folder = URL(fileURLWithPath: output).standardizedFileURL.path
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), !isDir.boolValue {
            throw GeodataError(output, "is a file; give a folder for the plan")
        }
        let trame = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        progress.step("reading the project and its land cover's grid")
        let plan: TilePlan
        do {
            plan = try TilePlanning.plan(project: project, tileMetres: try Quantity.length(tile), haloMetres: try halo.map(Quantity.length), trame: trame)
        } catch let e as TilePlanError { throw GeodataError(project, e.description) }
        try TilePlanning.write(plan, to: folder)
        var written = ["plan.json"]
        if slurm {
            let scripts = SlurmScripts(plan: plan, folder: folder, jobName: TilePlanning.jobName(folder: folder), partition: partition, time: time,
                                       mergePartition: mergePartition, mergeTime: mergeTime)
            try TilePlanning.writeScripts(scripts)
            written += ["trame.sbatch", "merge.sbatch", "submit.sh"]
        }
        guard !common.quiet else { return }
        let g = plan.grid, n = plan.tiles.count
        let across = (plan.tiles.map(\.tileCol).max() ?? 0) + 1, down = (plan.tiles.map(\.tileRow).max() ?? 0) + 1
        print("\(n) tile\(n > 1 ? "s" : "") (\(across) × \(down)) of \(plan.tileCells) cells (\(fmt(Double(plan.tileCells) * plan.cellSize)) m) over \(g.cols) × \(g.rows) cells of \(fmt(plan.cellSize)) m")
        print(plan.haloStatement)
        print("memory per task: \(plan.memory.megabytes) MB (\(plan.memory.bytesPerCell) bytes × \(plan.memory.largestWindowCells) cells of the largest tile with its halo + \(plan.memory.overheadMegabytes) MB)")
        print("memory of the merge: \(TileMemory.mergeMegabytes(cells: g.cols * g.rows)) MB (\(TileMemory.mergeBytesPerCell) bytes × \(g.cols * g.rows) cells of the territory + \(TileMemory.mergeOverheadMegabytes) MB: it builds the whole scheme)")
        print("wrote \(written.map { "\(folder)/\($0)" }.joined(separator: ", "))")
        if slurm {
            print("next: \(folder)/submit.sh, then `trame slurm status \(folder)`")
        } else {
            print("next: `trame step \(folder) --task N` for N = 1…\(n), then `trame merge \(folder) -o OUT`")
        }
    }
}
