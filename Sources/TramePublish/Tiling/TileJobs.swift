import CSV
import Crypto
import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

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
    /// A tile's reservoir fragments of one sub-network: their local ids over the core (Int32 GeoTIFF) and their table.
    public func fragmentLabels(task: Int, subnetwork: String) -> String { "\(tileFolder(task))/\(subnetwork)_fragments.tif" }
    public func fragmentTable(task: Int, subnetwork: String) -> String { "\(tileFolder(task))/\(subnetwork)_fragments.json" }
    /// Where the plan's own merge job writes its scheme (`merge.sbatch`).
    public var mergedFolder: String { "\(path)/merged" }
    /// Where the merge joins the tiles (`TileJoin`): the territory's resistance and reservoir rasters, the
    /// reservoirs' table and polygons, the tiled links; then PLAN/joined/done.
    public var joinedFolder: String { "\(path)/joined" }
    public var joinMarker: String { "\(joinedFolder)/done" }
    /// Written once a merge has built its scheme: the plan's hash and the scheme's folder.
    public var mergeMarker: String { "\(path)/merge-done.json" }

    /// Whether task `task` (a tile) is done for this plan: its marker is there and names this plan's hash.
    public func isDone(_ task: Int) -> Bool {
        guard let data = FileManager.default.contents(atPath: doneMarker(task)),
              let marker = try? JSONDecoder().decode(DoneMarker.self, from: data) else { return false }
        return marker.plan == hash && marker.task == task
            && marker.outputs.allSatisfy { FileManager.default.fileExists(atPath: "\(tileFolder(task))/\($0)") }
    }

    /// Whether the plan's own merge (a scheme in PLAN/merged) is done for this plan: its marker names this plan
    /// and that folder, and the scheme is there.
    public var isMerged: Bool {
        guard let data = FileManager.default.contents(atPath: mergeMarker),
              let marker = try? JSONDecoder().decode(DoneMarker.self, from: data) else { return false }
        return marker.plan == hash && marker.outputs == [mergedFolder]
            && FileManager.default.fileExists(atPath: (mergedFolder as NSString).appendingPathComponent(OutputFolder.markerName))
    }

    /// The join's marker, when it names this plan and its files are all there as the join left them (size and time).
    func joined() -> DoneMarker? {
        guard let data = FileManager.default.contents(atPath: joinMarker),
              let marker = try? JSONDecoder().decode(DoneMarker.self, from: data), marker.plan == hash, let stamps = marker.stamps,
              marker.outputs.allSatisfy({ f in
                  guard let was = stamps[f], let now = InputStamp.of("\(joinedFolder)/\(f)") else { return false }
                  return now.bytes == was.bytes && now.modifiedNanoseconds == was.modifiedNanoseconds
              }) else { return nil }
        return marker
    }

    /// The plan's inputs as they were when it was made (`TilePlan.inputs`): a file whose size or time changed is
    /// refused (unless its SHA-256 is recorded and still the same), naming it.
    public func checkInputs() throws {
        for stamp in plan.inputs {
            guard let now = InputStamp.of(stamp.path) else { throw GeodataError(stamp.path, "is gone since the plan \(path) was made") }
            if now.bytes == stamp.bytes && now.modifiedNanoseconds == stamp.modifiedNanoseconds { continue }
            if let sha = stamp.sha256, now.bytes == stamp.bytes, SchemeInputs.sha256(stamp.path) == sha { continue }
            throw GeodataError(stamp.path, "changed since the plan \(path) was made: make the plan again with `trame plan` (its tiles are then all due) and run them")
        }
    }

    /// A tile computed again makes the join and the merge stale.
    func forgetMerge() {
        try? FileManager.default.removeItem(atPath: joinMarker)
        try? FileManager.default.removeItem(atPath: mergeMarker)
    }
}

/// What a finished task leaves: the plan's hash, the task, the files it wrote (relative to its folder).
public struct DoneMarker: Codable, Equatable, Sendable {
    public var plan: String
    public var task: Int
    public var outputs: [String]
    public var finished: String
    /// The join's files as it left them (size and time, by relative path): one changed since is joined again.
    public var stamps: [String: InputStamp]? = nil
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
        let friction = URL(fileURLWithPath: project.friction).standardizedFileURL.path
        var plan: TilePlan
        do {
            plan = try TilePlan.make(project: project, spec: spec, friction: table, tileMetres: tileMetres, haloMetres: haloMetres,
                                     paths: (absProject, landCover, friction, trame))
        } catch let e as CostError {
            throw GeodataError(project.friction, e.description)
        }
        guard let lcStamp = InputStamp.of(landCover) else { throw GeodataError(landCover, "cannot be examined") }
        plan.inputs = [lcStamp]
        // The friction table and the inventories (the tiles rasterise their sites into the reservoirs): small
        // files, so their SHA-256 too.
        let inventories = project.inventories.map { $0.source.file.hasPrefix("/vsizip/") ? String($0.source.file.dropFirst(8)) : $0.source.file }
        var seen = Set<String>()
        for file in [friction] + inventories.map({ URL(fileURLWithPath: $0).standardizedFileURL.path }) where seen.insert(file).inserted {
            guard var stamp = InputStamp.of(file) else { throw GeodataError(file, "cannot be examined") }
            stamp.sha256 = SchemeInputs.sha256(file)
            plan.inputs.append(stamp)
        }
        return plan
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

/// `trame step PLAN --task N`: one tile's resistance for every sub-network over its core and halo, and the
/// fragments of the reservoirs of every least-cost sub-network over its core.
public enum TileStep {
    public enum Outcome: Equatable, Sendable {
        /// Its `done` marker already matched the plan: nothing was computed.
        case skipped
        /// Computed: the files written, relative to the tile's folder.
        case computed([String])
    }

    /// Runs task `task` of the plan: a tile's reservoir fragments, then its resistance rasters (the merge task is `TileMerge`, which starts with `TileJoin`).
    ///
    /// Memory: first the core and its ring of cells (land cover, inventories, habitat and fragment ids: 13 bytes a
    /// cell) and the fragment tables, freed before the resistance: the tile's window as Int32 and one resistance at a
    /// time as Float32 (see `TileMemory`).
    /// - Complexity: O(window cells × sub-networks).
    public static func run(_ folder: PlanFolder, task: Int, progress: (String) -> Void) throws -> Outcome {
        let plan = folder.plan
        guard let tile = plan.tiles.first(where: { $0.task == task }) else {
            throw GeodataError(PlanFolder.planFile(folder.path), task == plan.mergeTask
                               ? "task \(task) is the merge: run `trame merge \(folder.path) -o OUT`"
                               : "has tasks 1–\(plan.mergeTask) (tiles 1–\(plan.tiles.count), then the merge); there is no task \(task)")
        }
        try folder.checkInputs()
        if folder.isDone(task) { return .skipped }
        let dir = folder.tileFolder(task)
        try? FileManager.default.removeItem(atPath: folder.doneMarker(task))
        folder.forgetMerge()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var outputs = try fragments(folder, tile: tile, progress: progress)
        let w = tile.window
        progress("tile \(task): reading the land cover's window of \(w.cols) × \(w.rows) cells")
        let lc = try landCover(plan, w)
        let table = try FrictionTable.read(plan.friction)
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

extension TileStep {
    /// The land cover over window `w`, with the project's NoData as `trame run` applies it (`Inputs.landCover`):
    /// the declared value becomes the file's own.
    static func landCover(_ plan: TilePlan, _ w: CellWindow) throws -> Grid<Int32> {
        var lc = try RasterIO.read(plan.landCover, as: Int32.self, col: w.col, row: w.row, cols: w.cols, rows: w.rows)
        guard lc.spec.cols == w.cols, lc.spec.rows == w.rows else { throw GeodataError(plan.landCover, "changed since the plan was made") }
        if let d = plan.landCoverNoData.flatMap({ Int32(exactly: $0) }), lc.noData != d {
            if let own = lc.noData {
                lc.values.withUnsafeMutableBufferPointer { V in for i in V.indices where V[i] == d { V[i] = own } }
            } else {
                lc.noData = d
            }
        }
        return lc
    }

    /// The project's inventories over `spec` (a window of the territory's grid): bit k set where inventory k
    /// covers the cell, rasterised as `trame run` rasterises them on the whole grid (`SchemeReader.inventoryGrid`:
    /// cells whose centre a site covers). nil when the project has none.
    static func inventoryBits(_ plan: TilePlan, spec: GridSpec) throws -> [UInt32]? {
        guard !plan.inventories.isEmpty else { return nil }
        let project = try ProjectFile.load(plan.project)
        guard project.inventories.map(\.name) == plan.inventories else {
            throw GeodataError(plan.project, "its inventories (\(project.inventories.map(\.name).joined(separator: ", "))) are not the plan's (\(plan.inventories.joined(separator: ", "))): the project changed since the plan was made; make the plan again with `trame plan`")
        }
        let whole = plan.grid.spec
        var bits = [UInt32](repeating: 0, count: spec.count)
        for (k, inv) in project.inventories.enumerated() {
            let layer = try SchemeInputs.layer(inv.source, role: "inventory '\(inv.name)'", crsWKT: whole.crsWKT, extent: whole.extent, warn: { _ in })
            let g = try Rasterizer.rasterize(layer, onto: spec, as: UInt8.self, burn: .value(1), fill: 0)
            let bit = UInt32(1) << UInt32(k)
            bits.withUnsafeMutableBufferPointer { B in for i in 0..<B.count where g.values[i] != 0 { B[i] |= bit } }
        }
        return bits
    }

    /// Writes PLAN/tiles/N/SUB_fragments.tif (local fragment ids over the core, Int32, 0 = NoData) and
    /// SUB_fragments.json (`ReservoirFragments`) for every least-cost sub-network; returns the files written.
    ///
    /// Reads the core grown by one cell (`FragmentFinder.ring`): the perimeter across the core's sides is counted
    /// against the next tile's cells, as the whole-grid run counts it.
    static func fragments(_ folder: PlanFolder, tile: Tile, progress: (String) -> Void) throws -> [String] {
        let plan = folder.plan
        let tiled = plan.subnetworks.filter { $0.reservoirs != nil }
        guard !tiled.isEmpty else { return [] }
        let whole = plan.grid.spec
        let ring = FragmentFinder.ring(of: tile.core, gridCols: whole.cols, gridRows: whole.rows)
        progress("tile \(tile.task): reservoir fragments over the core of \(tile.core.cols) × \(tile.core.rows) cells")
        let lc = try landCover(plan, ring)
        let bits = try inventoryBits(plan, spec: lc.spec)
        let coreSpec = tile.core.spec(in: whole)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        var written: [String] = []
        for sub in tiled {
            let r = sub.reservoirs!
            let (labels, table) = try FragmentFinder.find(landCover: lc.values, noData: lc.noData, ring: ring, core: tile.core, gridCols: whole.cols,
                                                          gridRows: whole.rows, habitat: Set(r.habitat.map(Int32.init)), inventoryBits: bits,
                                                          subnetworkInventories: r.inventoryMask, connexity: r.neighbourhood)
            let tif = folder.fragmentLabels(task: tile.task, subnetwork: sub.name), json = folder.fragmentTable(task: tile.task, subnetwork: sub.name)
            try RasterIO.write(Grid(spec: coreSpec, values: labels, noData: 0), to: tif, format: .geotiff,
                               bandDescription: "reservoir fragments (\(sub.name)) of tile \(tile.task), local ids 1…\(table.count)")
            try writeAtomically(try e.encode(table), to: json)
            written += [(tif as NSString).lastPathComponent, (json as NSString).lastPathComponent]
        }
        return written
    }
}

/// The first stage of `trame merge`: the tiles joined into PLAN/joined — rasters/SUB_resistance.tif (each tile's
/// core, the same rasters as `trame run` writes for the whole grid), and for every least-cost sub-network its
/// reservoirs joined across the tiles' edges (rasters/SUB_reservoirs.tif, SUB_reservoirs.csv, reservoirs.gpkg);
/// with `links`, their functional links found a tile at a time (SUB_links.csv, links.gpkg). Then PLAN/joined/done.
/// A join whose marker names this plan is kept (its links added when asked for and missing).
public enum TileJoin {
    /// - Returns: the files of PLAN/joined, relative to it.
    /// - Throws: naming every task that is not done (for this plan), before anything is written.
    /// - Complexity: O(grid cells × sub-networks); memory: one tile's core at a time, GDAL's cache and one
    ///   sub-network's fragment tables (`ReservoirJoin`); the links one window at a time.
    /// `warn` hears what the join leaves out and why (a sub-network's links when the halo is too short).
    @discardableResult
    public static func run(_ folder: PlanFolder, links: Bool = false, progress: (String) -> Void, warn: (String) -> Void = { _ in }) throws -> [String] {
        let plan = folder.plan
        let missing = plan.tiles.map(\.task).filter { !folder.isDone($0) }
        if !missing.isEmpty {
            throw GeodataError(PlanFolder.planFile(folder.path), "task\(missing.count > 1 ? "s" : "") \(SlurmStatus.arrayList(missing)) of \(plan.tiles.count) \(missing.count > 1 ? "are" : "is") not done for this plan: run `trame step \(folder.path) --task N` for each (or `sbatch --array=\(SlurmStatus.arrayList(missing)) trame.sbatch`), then merge")
        }
        let out = folder.joinedFolder
        let previous = folder.joined()
        if let done = previous, !links || done.outputs.contains(where: { $0.hasSuffix("_links.csv") || $0 == noLinksNote }) {
            progress("the \(plan.tiles.count) tiles are already joined for this plan (\(out))")
            if links {
                for sub in plan.subnetworks where sub.reservoirs != nil && !done.outputs.contains("\(sub.name)_links.csv") {
                    warn("\(sub.name): links not tiled: the plan's halo of \(plan.halo.cells) cells is under what its dispersal needs")
                }
            }
            return done.outputs
        }
        try? FileManager.default.removeItem(atPath: folder.joinMarker)
        try FileManager.default.createDirectory(atPath: out + "/rasters", withIntermediateDirectories: true)
        let spec = plan.grid.spec
        var written: [String] = []
        if let done = previous {
            // Joined already, without the links now asked for: only they are added.
            written = done.outputs
        } else {
            try joinTiles(folder, into: out, written: &written, progress: progress)
        }
        if links {
            var lines: [Feature] = []
            for sub in plan.subnetworks where sub.reservoirs != nil {
                guard let (file, features) = try functionalLinks(folder, sub: sub, output: out, progress: progress, warn: warn) else { continue }
                written.append(file)
                lines += features
            }
            if !lines.isEmpty {
                progress("writing the links' lines")
                try VectorIO.write([VectorLayer(name: "links", geometryKind: .lineString, fields: linkFields, features: lines, crsWKT: spec.crsWKT)],
                                   to: "\(out)/links.gpkg")
                written.append("links.gpkg")
            }
            if !written.contains(where: { $0.hasSuffix("_links.csv") }) {
                // Asked for, none could be tiled: noted, so that the next merge does not try again.
                try writeAtomically(Data("no sub-network's links could be tiled with this plan's halo\n".utf8), to: "\(out)/\(noLinksNote)")
                written.append(noLinksNote)
            }
        }
        var stamps: [String: InputStamp] = [:]
        for f in written {
            guard let st = InputStamp.of("\(out)/\(f)") else { throw GeodataError("\(out)/\(f)", "vanished while the tiles were being joined") }
            stamps[f] = st
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        let marker = DoneMarker(plan: folder.hash, task: plan.mergeTask, outputs: written, finished: ISO8601DateFormatter().string(from: Date()), stamps: stamps)
        try writeAtomically(try e.encode(marker), to: folder.joinMarker)
        return written
    }

    /// The resistance mosaics and the joined reservoirs (rasters, tables, polygons) into `out`.
    static func joinTiles(_ folder: PlanFolder, into out: String, written: inout [String], progress: (String) -> Void) throws {
        let plan = folder.plan, spec = plan.grid.spec
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
        var polygons: [Feature] = []
        for sub in plan.subnetworks where sub.reservoirs != nil {
            let (files, features) = try reservoirs(folder, sub: sub, output: out, progress: progress)
            written += files
            polygons += features
        }
        if plan.subnetworks.contains(where: { $0.reservoirs != nil }) {
            progress("writing the reservoirs' polygons")
            try VectorIO.write([VectorLayer(name: "reservoirs", geometryKind: .multiPolygon, fields: reservoirFields,
                                            features: polygons, crsWKT: spec.crsWKT)], to: "\(out)/reservoirs.gpkg")
            written.append("reservoirs.gpkg")
        }
    }

    /// Left in PLAN/joined when links were asked for and none could be tiled.
    static let noLinksNote = "links-not-tiled.txt"
}

extension TileJoin {
    /// The header of OUT/SUB_links.csv.
    public static let linkColumns = ["from_reservoir", "to_reservoir", "cost", "length_m"]

    /// The fields of OUT/links.gpkg's layer `links`.
    public static let linkFields = [FieldDefinition("subnetwork", .string), FieldDefinition("from_reservoir", .integer),
                                    FieldDefinition("to_reservoir", .integer), FieldDefinition("cost", .real), FieldDefinition("length_m", .real)]

    /// The sub-network's dispersal cost, and how many cells beyond a core a window must reach (or meet the
    /// grid's edge) for its links of cost ≤ that to be exact there: its reach (dispersal ÷ least resistance) in
    /// cells, rounded up as the plan's halo is (see `LinkBuilder.tileLinks`); nil when nothing is passable.
    public static func linkHalo(_ plan: TilePlan, sub: String) -> (dispersal: Double, cells: Int)? {
        guard let r = plan.halo.reaches.first(where: { $0.subnetwork == sub }), let minR = r.minResistance, minR > 0 else { return nil }
        return (r.dispersalCost, TileHalo.cells(metres: r.metres, cellSize: plan.cellSize))
    }

    /// The tiles whose window falls short of `need` cells beyond the core on some side (short of the grid's edge).
    static func shortTiles(_ plan: TilePlan, need: Int) -> [Tile] {
        let spec = plan.grid.spec
        return plan.tiles.filter { t in
            let c = t.core, w = t.window
            return (c.col - w.col < need && w.col > 0) || (c.row - w.row < need && w.row > 0)
                || (w.col + w.cols - c.col - c.cols < need && w.col + w.cols < spec.cols) || (w.row + w.rows - c.row - c.rows < need && w.row + w.rows < spec.rows)
        }
    }

    /// Whether some least-cost sub-network's links can be tiled exactly with the plan's windows.
    public static func anyLinksTileable(_ plan: TilePlan) -> Bool {
        plan.subnetworks.contains { sub in
            guard sub.reservoirs != nil, let (_, need) = linkHalo(plan, sub: sub.name) else { return false }
            return shortTiles(plan, need: need).isEmpty
        }
    }

    /// One least-cost sub-network's functional links (planar links of cost ≤ its dispersal cost, as `trame run`
    /// keeps them), found a tile at a time on the merged rasters (`LinkBuilder.tileLinks`: each tile's window of
    /// OUT/rasters/SUB_resistance.tif and SUB_reservoirs.tif, the crossings of its core) and joined
    /// (`LinkBuilder.mergeTiles`) into OUT/SUB_links.csv and their lines. Memory: one window at a time.
    /// Nil, with a warning saying why, when some tile's window falls short of `linkHalo` (a capped
    /// or hand-set halo): the links would not be exact.
    static func functionalLinks(_ folder: PlanFolder, sub: PlanSubNetwork, output out: String, progress: (String) -> Void, warn: (String) -> Void) throws -> (file: String, lines: [Feature])? {
        let plan = folder.plan, spec = plan.grid.spec
        guard let (dispersal, need) = linkHalo(plan, sub: sub.name) else { return nil }
        let short = shortTiles(plan, need: need)
        guard short.isEmpty else {
            warn("\(sub.name): links not tiled: the halo of \(plan.halo.cells) cells is under the \(need) cells its dispersal needs (tile\(short.count > 1 ? "s" : "") \(SlurmStatus.arrayList(short.map(\.task))))")
            return nil
        }
        var perTile: [[TileLink]] = []
        for tile in plan.tiles {
            progress("\(sub.name): links of cost ≤ \(fmt(dispersal)) in tile \(tile.task) of \(plan.tiles.count)")
            let w = tile.window, c = tile.core.relative(to: w)
            let res = try RasterIO.read("\(out)/rasters/\(sub.name)_resistance.tif", as: Float.self, col: w.col, row: w.row, cols: w.cols, rows: w.rows)
            let labels = try RasterIO.read("\(out)/rasters/\(sub.name)_reservoirs.tif", as: Int32.self, col: w.col, row: w.row, cols: w.cols, rows: w.rows)
            perTile.append(try LinkBuilder.tileLinks(resistance: res, labels: labels, core: (cols: c.col..<(c.col + c.cols), rows: c.row..<(c.row + c.rows)),
                                                     origin: (col: w.col, row: w.row), wholeCols: spec.cols, maxCost: dispersal))
        }
        let links = LinkBuilder.mergeTiles(perTile)
        let csv = "\(sub.name)_links.csv"
        try AtomicOutput.write(to: "\(out)/\(csv)") { tmp in
            guard let stream = OutputStream(toFileAtPath: tmp, append: false) else { throw GeodataError(tmp, "cannot create") }
            let w = try CSVWriter(stream: stream)
            try w.write(row: linkColumns)
            for l in links { try w.write(row: [String(l.from), String(l.to), String(format: "%.17g", l.cost), String(format: "%.17g", l.length)]) }
            w.stream.close()
        }
        progress("\(sub.name): \(links.count) links of cost ≤ \(fmt(dispersal))")
        return (csv, links.map { l in
            Feature(geometry: .lineString(l.line), attributes: ["subnetwork": .string(sub.name), "from_reservoir": .integer(Int(l.from)),
                                                                 "to_reservoir": .integer(Int(l.to)), "cost": .real(l.cost), "length_m": .real(l.length)])
        })
    }

    /// The header of OUT/SUB_reservoirs.csv.
    public static let reservoirColumns = ["reservoir", "cells", "area_ha", "perimeter_m", "from_inventory", "inventories"]

    /// The fields of OUT/reservoirs.gpkg's layer `reservoirs` (every sub-network's, as in `trame run`'s
    /// scheme.gpkg; the connectivity metrics come later, with the links).
    public static let reservoirFields = [FieldDefinition("subnetwork", .string), FieldDefinition("reservoir", .integer),
                                         FieldDefinition("cells", .integer), FieldDefinition("area_ha", .real),
                                         FieldDefinition("perimeter_m", .real), FieldDefinition("from_inventory", .integer),
                                         FieldDefinition("inventories", .string)]

    /// One least-cost sub-network's reservoirs: the tiles' fragment tables joined (`ReservoirJoin`), then each
    /// tile's fragment ids relabelled into OUT/rasters/SUB_reservoirs.tif (reservoir ids 1…count as `trame run`
    /// numbers them, 0 = NoData) a tile at a time, and the table OUT/SUB_reservoirs.csv (areas in hectares and
    /// perimeters in metres written with 17 significant digits: the same doubles as `trame run`'s).
    /// - Throws: as `trame run` does, when the sub-network has no habitat or no patch reaches its minimum area.
    static func reservoirs(_ folder: PlanFolder, sub: PlanSubNetwork, output out: String, progress: (String) -> Void) throws -> (files: [String], polygons: [Feature]) {
        let plan = folder.plan, r = sub.reservoirs!
        progress("joining the reservoir fragments of \(sub.name) across \(plan.tiles.count) tiles")
        let d = JSONDecoder()
        var tables: [(tile: Tile, fragments: ReservoirFragments)] = []
        for tile in plan.tiles {
            let file = folder.fragmentTable(task: tile.task, subnetwork: sub.name)
            guard let data = FileManager.default.contents(atPath: file) else { throw GeodataError(file, "missing: run `trame step \(folder.path) --task \(tile.task)` again") }
            do { tables.append((tile, try d.decode(ReservoirFragments.self, from: data))) } catch {
                throw GeodataError(file, "not a fragment table written by `trame step` (\(error.localizedDescription)): run the step again")
            }
        }
        let spec = plan.grid.spec
        var joined = try ReservoirJoin.join(tables, spec: spec, minAreaHa: r.minAreaHa, connexity: r.neighbourhood)
        tables = []
        guard joined.habitatCells > 0 else {
            throw GeodataError(plan.project, "sub-network '\(sub.name)' has no habitat: none of the classes \(r.habitat.map(String.init).joined(separator: ", ")) occurs in \((plan.landCover as NSString).lastPathComponent) and no inventory site is given to it")
        }
        guard !joined.patches.isEmpty else {
            throw GeodataError(plan.project, "sub-network '\(sub.name)': no habitat patch reaches \(fmt(r.minAreaHa)) ha (min_reservoir_area)")
        }
        progress("\(sub.name): \(joined.patches.count) reservoirs; writing their raster a tile at a time")
        let rel = "rasters/\(sub.name)_reservoirs.tif"
        let mosaic = try RasterMosaic(path: "\(out)/\(rel)", spec: spec, noData: Int32(0), description: "reservoirs (\(sub.name)), ids 1…\(joined.patches.count)")
        for (t, tile) in plan.tiles.enumerated() {
            let file = folder.fragmentLabels(task: tile.task, subnetwork: sub.name)
            var g = try RasterIO.read(file, as: Int32.self)
            guard g.cols == tile.core.cols, g.rows == tile.core.rows else { throw GeodataError(file, "is not tile \(tile.task)'s core: run the step again") }
            let map = joined.relabel[t]
            try g.values.withUnsafeMutableBufferPointer { V in
                for i in 0..<V.count {
                    let k = Int(V[i])
                    guard k >= 0, k < map.count else { throw GeodataError(file, "holds fragment \(k); its table has \(map.count - 1): run the step again") }
                    V[i] = map[k]
                }
            }
            try mosaic.write(g.values, col: tile.core.col, row: tile.core.row, cols: tile.core.cols, rows: tile.core.rows)
            joined.relabel[t] = []
        }
        try mosaic.finish()
        // Their polygons, from the raster just written (8-connected cells, as `trame run`'s layer).
        let parts = try Layers.polygons(file: "\(out)/\(rel)")
        var polygons: [Feature] = []
        let csv = "\(sub.name)_reservoirs.csv"
        try AtomicOutput.write(to: "\(out)/\(csv)") { tmp in
            guard let stream = OutputStream(toFileAtPath: tmp, append: false) else { throw GeodataError(tmp, "cannot create") }
            let w = try CSVWriter(stream: stream)
            try w.write(row: reservoirColumns)
            for (k, p) in joined.patches.enumerated() {
                let bits = joined.inventoryBits[k]
                let names = plan.inventories.enumerated().filter { bits & (UInt32(1) << UInt32($0.offset)) != 0 }.map(\.element)
                try w.write(row: [String(p.id), String(p.cells), String(format: "%.17g", p.areaHa), String(format: "%.17g", p.perimeter),
                                  p.fromInventory ? "1" : "0", names.joined(separator: "; ")])
                polygons.append(Feature(geometry: .multiPolygon(parts[Int(p.id)] ?? []), attributes: [
                    "subnetwork": .string(sub.name), "reservoir": .integer(Int(p.id)), "cells": .integer(p.cells), "area_ha": .real(p.areaHa),
                    "perimeter_m": .real(p.perimeter), "from_inventory": .integer(p.fromInventory ? 1 : 0), "inventories": .string(names.joined(separator: "; "))]))
            }
            w.stream.close()
        }
        return ([rel, csv], polygons)
    }
}
