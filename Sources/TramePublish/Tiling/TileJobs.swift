import Crypto
import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameScheme

/// A plan's folder on disk: PLAN/plan.json, the tiles' outputs in PLAN/tiles/N/, their `done` markers.
public struct PlanFolder: Sendable {
    /// Absolute.
    public let path: String
    public let plan: TilePlan
    /// SHA-256 of plan.json: a `done` marker holds it, so that a task done for another plan is not taken as done.
    public let hash: String

    public static func planFile(_ folder: String) -> String { (folder as NSString).appendingPathComponent("plan.json") }

    public init(_ folder: String) throws {
        let abs = URL(fileURLWithPath: folder).standardizedFileURL.path
        let file = Self.planFile(abs)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw GeodataError(file, "no plan here; make one with `trame plan PROJECT --tile 50km -o \(folder)`")
        }
        path = abs
        do { plan = try TilePlan.decode(data) } catch let e as TilePlanError { throw GeodataError(file, e.description) }
        hash = SchemeInputs.sha256(file)
    }

    public func tileFolder(_ task: Int) -> String { "\(path)/tiles/\(task)" }
    public func doneMarker(_ task: Int) -> String { "\(tileFolder(task))/done" }
    public func resistance(task: Int, subnetwork: String) -> String { "\(tileFolder(task))/\(subnetwork)_resistance.tif" }
    /// Where the plan's own merge job writes (`merge.sbatch`), and its marker.
    public var mergedFolder: String { "\(path)/merged" }
    public static func mergeMarker(_ out: String) -> String { (out as NSString).appendingPathComponent("trame-merge.json") }

    /// Whether task `task` (a tile) is done for this plan: its marker is there and names this plan's hash.
    public func isDone(_ task: Int) -> Bool {
        guard let data = FileManager.default.contents(atPath: doneMarker(task)),
              let marker = try? JSONDecoder().decode(DoneMarker.self, from: data) else { return false }
        return marker.plan == hash && marker.task == task
            && marker.outputs.allSatisfy { FileManager.default.fileExists(atPath: "\(tileFolder(task))/\($0)") }
    }

    /// Whether the plan's own merge (into PLAN/merged) is done for this plan.
    public var isMerged: Bool {
        guard let data = FileManager.default.contents(atPath: Self.mergeMarker(mergedFolder)),
              let marker = try? JSONDecoder().decode(DoneMarker.self, from: data) else { return false }
        return marker.plan == hash
    }
}

/// What a finished task leaves: the plan's hash, the task, the files it wrote (relative to its folder).
public struct DoneMarker: Codable, Equatable, Sendable {
    public var plan: String
    public var task: Int
    public var outputs: [String]
    public var finished: String
}

/// Writes `data` to `path` under a temporary name and renames it: the marker is whole or absent.
func writeAtomically(_ data: Data, to path: String) throws {
    let tmp = "\(path).tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: tmp, contents: data) else { throw GeodataError(path, "cannot write") }
    guard rename(tmp, path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(atPath: tmp)
        throw GeodataError(path, "cannot move into place: \(reason)")
    }
}

/// `trame plan`: the project read (its land cover's grid only, not its cells), the plan made and written.
public enum TilePlanning {
    /// Makes the plan of the project at `projectPath`.
    /// - Throws: a one-line error for a land cover given as polygons or in another CRS (the tiles read windows of a
    ///   raster on the territory's grid), a tile under 10 cells, and whatever `trame check` would refuse in the grid.
    public static func plan(project projectPath: String, tileMetres: Double, haloMetres: Double?, trame: String) throws -> TilePlan {
        let absProject = URL(fileURLWithPath: projectPath).standardizedFileURL.path
        let project = try ProjectFile.load(absProject)
        if project.landCoverVector != nil {
            throw ProjectError(project.file, "a tiled plan reads windows of a land-cover raster; [land_cover] is given as polygons: rasterise it once (gdal_rasterize -tr …) and give [land_cover] raster")
        }
        let landCover = URL(fileURLWithPath: project.landCover).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: landCover) else { throw GeodataError(landCover, "no such file (the land cover)") }
        let spec = try RasterIO.describe(landCover).spec
        let reader = SchemeReader(project: project, lang: project.lang, progress: { _ in }, warn: { _ in })
        do { _ = try reader.checkGrid(spec) } catch let e as GeodataError where e.problem.hasPrefix("is in ") {
            throw GeodataError(landCover, e.problem + " (a tiled plan reads the raster's own grid: warp it once with gdalwarp)")
        }
        let table = try FrictionTable.read(project.friction)
        do {
            return try TilePlan.make(project: project, spec: spec, friction: table, tileMetres: tileMetres, haloMetres: haloMetres,
                                     paths: (absProject, landCover, URL(fileURLWithPath: project.friction).standardizedFileURL.path, trame))
        } catch let e as CostError {
            throw GeodataError(project.friction, e.description)
        }
    }

    /// The Slurm jobs' name for the plan in `folder` (absolute): `trame-` and 8 hex digits of its path's SHA-256,
    /// so that two plans on one cluster never mix their jobs.
    public static func jobName(folder: String) -> String {
        "trame-" + SHA256.hash(data: Data(folder.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Writes PLAN/trame.sbatch, PLAN/merge.sbatch and PLAN/submit.sh (executable), each atomically.
    public static func writeScripts(_ s: SlurmScripts) throws {
        try FileManager.default.createDirectory(atPath: s.folder + "/slurm", withIntermediateDirectories: true)
        for (name, text) in [("trame.sbatch", s.tiles), ("merge.sbatch", s.merge), ("submit.sh", s.submit)] {
            let path = "\(s.folder)/\(name)"
            try writeAtomically(Data(text.utf8), to: path)
            chmod(path, name.hasSuffix(".sh") ? 0o755 : 0o644)
        }
    }

    /// Writes PLAN/plan.json atomically (and PLAN/logs for the scheduler's output files).
    public static func write(_ plan: TilePlan, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        try writeAtomically(try plan.encoded(), to: PlanFolder.planFile(folder))
    }
}

/// `trame step PLAN --task N`: one tile's resistance for every sub-network over its core and halo.
public enum TileStep {
    public enum Outcome: Equatable, Sendable {
        /// Its `done` marker already matched the plan: nothing was computed.
        case skipped
        /// Computed: the files written, relative to the tile's folder.
        case computed([String])
    }

    /// Runs task `task` of the plan: a tile's resistance rasters (the merge task is `TileMerge`).
    ///
    /// Memory: the tile's window as Int32 and one resistance at a time as Float32 (see `TileMemory`).
    /// - Complexity: O(window cells × sub-networks).
    public static func run(_ folder: PlanFolder, task: Int, progress: (String) -> Void) throws -> Outcome {
        let plan = folder.plan
        guard let tile = plan.tiles.first(where: { $0.task == task }) else {
            throw GeodataError(PlanFolder.planFile(folder.path), task == plan.mergeTask
                               ? "task \(task) is the merge: run `trame merge \(folder.path) -o OUT`"
                               : "has tasks 1–\(plan.mergeTask) (tiles 1–\(plan.tiles.count), then the merge); there is no task \(task)")
        }
        if folder.isDone(task) { return .skipped }
        let dir = folder.tileFolder(task)
        try? FileManager.default.removeItem(atPath: folder.doneMarker(task))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let w = tile.window
        progress("tile \(task): reading the land cover's window of \(w.cols) × \(w.rows) cells")
        var lc = try RasterIO.read(plan.landCover, as: Int32.self, col: w.col, row: w.row, cols: w.cols, rows: w.rows)
        guard lc.spec.cols == w.cols, lc.spec.rows == w.rows else { throw GeodataError(plan.landCover, "changed since the plan was made") }
        // [land_cover] nodata as `trame run` applies it (Inputs.landCover): the declared value becomes the file's own.
        if let d = plan.landCoverNoData.flatMap({ Int32(exactly: $0) }), lc.noData != d {
            if let own = lc.noData {
                lc.values.withUnsafeMutableBufferPointer { V in for i in V.indices where V[i] == d { V[i] = own } }
            } else {
                lc.noData = d
            }
        }
        let table = try FrictionTable.read(plan.friction)
        var outputs: [String] = []
        for sub in plan.subnetworks {
            progress("tile \(task): \(sub.name) resistance")
            let res: Grid<Float>
            do { res = try table.resistance(for: lc, column: sub.frictionColumn) } catch let e as CostError { throw GeodataError(plan.friction, e.description) }
            let name = "\(sub.name)_resistance.tif"
            try RasterIO.write(res, to: "\(dir)/\(name)", format: .geotiff, bandDescription: "resistance (\(sub.name)), cost units per metre")
            outputs.append(name)
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        let marker = DoneMarker(plan: folder.hash, task: task, outputs: outputs, finished: ISO8601DateFormatter().string(from: Date()))
        try writeAtomically(try e.encode(marker), to: folder.doneMarker(task))
        return .computed(outputs)
    }
}

/// `trame merge PLAN -o OUT`: the tiles' cores joined into OUT/rasters/SUB_resistance.tif, the same rasters as
/// `trame run` writes for the whole grid.
public enum TileMerge {
    /// - Throws: naming every task that is not done (for this plan), before anything is written.
    /// - Complexity: O(grid cells × sub-networks); memory: one tile's core at a time and GDAL's cache.
    public static func run(_ folder: PlanFolder, output: String, progress: (String) -> Void) throws -> [String] {
        let plan = folder.plan
        let missing = plan.tiles.map(\.task).filter { !folder.isDone($0) }
        if !missing.isEmpty {
            throw GeodataError(PlanFolder.planFile(folder.path), "task\(missing.count > 1 ? "s" : "") \(SlurmStatus.arrayList(missing)) of \(plan.tiles.count) \(missing.count > 1 ? "are" : "is") not done: run `trame step \(folder.path) --task N` for each (or `sbatch --array=\(SlurmStatus.arrayList(missing)) trame.sbatch`), then merge")
        }
        let out = URL(fileURLWithPath: output).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: out + "/rasters", withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: PlanFolder.mergeMarker(out))
        let spec = plan.grid.spec
        var written: [String] = []
        for sub in plan.subnetworks {
            progress("merging \(plan.tiles.count) tiles of \(sub.name) resistance")
            let rel = "rasters/\(sub.name)_resistance.tif"
            let mosaic = try RasterMosaic(path: "\(out)/\(rel)", spec: spec, noData: ResistanceTable.impassable,
                                          description: "resistance (\(sub.name)), cost units per metre")
            for tile in plan.tiles {
                let file = folder.resistance(task: tile.task, subnetwork: sub.name)
                let c = tile.core.relative(to: tile.window)
                let g = try RasterIO.read(file, as: Float.self, col: c.col, row: c.row, cols: c.cols, rows: c.rows)
                try mosaic.write(g.values, col: tile.core.col, row: tile.core.row, cols: tile.core.cols, rows: tile.core.rows)
            }
            try mosaic.finish()
            written.append(rel)
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        let marker = DoneMarker(plan: folder.hash, task: plan.mergeTask, outputs: written, finished: ISO8601DateFormatter().string(from: Date()))
        try writeAtomically(try e.encode(marker), to: PlanFolder.mergeMarker(out))
        return written
    }
}
