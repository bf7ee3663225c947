import CSV
import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameScheme

/// `trame merge PLAN -o OUT`: the tiles joined (`TileJoin`, into PLAN/joined), then the whole scheme built into
/// OUT as `trame run` builds it, its least-cost sub-networks starting from the joined resistance and reservoirs
/// instead of computing them (`JoinedSubNetworks`). OUT is then what `trame run` writes: scheme.gpkg, rasters,
/// figures.csv, maps, atlas and report, the same figures.
///
/// What the tiles do not yet compute (the links, corridors and metrics, the watercourse sub-network, nature
/// spaces, buffer zones, figures) runs here on the whole grid, so the merge needs about the memory of `trame run`.
public enum TileMerge {
    /// - Parameters:
    ///   - checkLinks: also find the functional links a tile at a time (`TileJoin`'s links) and check them against
    ///     the whole grid's: a difference stops the merge, naming the sub-network.
    /// - Throws: naming every tile task not done; when the project no longer matches the plan; as `trame run`.
    public static func run(_ folder: PlanFolder, output: String, lang: String? = nil, checkLinks: Bool = false,
                           progress: @escaping (String) -> Void, warn: @escaping (String) -> Void) throws -> SchemeResult {
        let plan = folder.plan
        let project = try SchemeJob.loadProject(plan.project)
        try check(project, against: plan)
        try folder.checkInputs()
        // OUT is checked before the join's work: a folder `trame run` would refuse is refused at once.
        let out = OutputFolder.resolved(output), planPath = OutputFolder.resolved(folder.path)
        if out != planPath + "/merged" && (out == planPath || out.hasPrefix(planPath + "/")) {
            throw GeodataError(output, "is inside the plan's folder \(folder.path): give a folder outside it (the plan's own merge job writes \(folder.mergedFolder))")
        }
        if planPath.hasPrefix(out + "/") { throw GeodataError(output, "holds the plan's folder \(folder.path): give another folder") }
        if FileManager.default.fileExists(atPath: out + "/trame-merge.json") && !FileManager.default.fileExists(atPath: out + "/" + OutputFolder.markerName) {
            throw GeodataError(output, "holds a merge by an earlier Trame (trame-merge.json, the tiles' rasters only): remove it (rm -r \(out)) and merge again")
        }
        _ = try OutputFolder.check(output, command: "run", version: TrameVersion.current, inputs: SchemeJob.inputFiles(project))
        if checkLinks && !TileJoin.anyLinksTileable(plan) {
            throw GeodataError(PlanFolder.planFile(folder.path), "--check-links: no sub-network's links can be found tile by tile with this plan's halo of \(plan.halo.cells) cells (each needs its dispersal cost ÷ its least resistance): make the plan without --halo")
        }
        try? FileManager.default.removeItem(atPath: folder.mergeMarker)
        let joined = try TileJoin.run(folder, links: checkLinks, progress: progress, warn: warn)
        let joinedMarker = folder.joined()
        var job = SchemeJob(project: project, out: output, lang: lang ?? project.lang, progress: progress)
        job.warn = warn
        job.model = JoinedSubNetworks(folder: folder, checkLinks: checkLinks ? Set(joined.filter { $0.hasSuffix("_links.csv") }) : [])
        let result = try job.run()
        // A tile computed again while the scheme was being built (its step forgets the join): this scheme is stale.
        guard let still = folder.joined(), still == joinedMarker else {
            throw GeodataError(folder.joinedFolder, "a tile was computed again while the scheme was being built: \(output) holds a scheme of the earlier tiles; merge again")
        }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        let marker = DoneMarker(plan: folder.hash, task: plan.mergeTask, outputs: [URL(fileURLWithPath: output).standardizedFileURL.path],
                                finished: ISO8601DateFormatter().string(from: Date()))
        try writeAtomically(try e.encode(marker), to: folder.mergeMarker)
        return result
    }

    /// The project as the plan recorded it: the same land cover, friction table, inventories and sub-networks
    /// (names, friction columns, habitat, minimum area, inventories). A project edited since needs a new plan.
    static func check(_ p: Project, against plan: TilePlan) throws {
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        var changed: [String] = []
        if absolute(p.landCover) != plan.landCover { changed.append("its land cover is \(p.landCover), the plan's \(plan.landCover)") }
        if p.landCoverNoData != plan.landCoverNoData { changed.append("its land cover's NoData") }
        if absolute(p.friction) != plan.friction { changed.append("its friction table is \(p.friction), the plan's \(plan.friction)") }
        if p.inventories.map(\.name) != plan.inventories { changed.append("its inventories") }
        let subs = p.subNetworks.map { PlanSubNetwork($0, inventories: p.inventories) }
        if subs.map(\.name) != plan.subnetworks.map(\.name) {
            changed.append("its sub-networks (\(subs.map(\.name).joined(separator: ", ")); the plan's \(plan.subnetworks.map(\.name).joined(separator: ", ")))")
        } else {
            for (a, b) in zip(subs, plan.subnetworks) where a != b { changed.append("sub-network '\(a.name)' (friction column, habitat, minimum area or inventories)") }
        }
        guard changed.isEmpty else {
            throw GeodataError(plan.project, "changed since the plan was made (\(changed.joined(separator: "; "))): make the plan again with `trame plan` and run its tiles")
        }
    }
}

/// The sub-networks of a merge: a least-cost sub-network of the plan takes its resistance and reservoirs from
/// PLAN/joined (the tiles' mosaics and joined reservoirs) and goes on as `trame run` does (`LeastCostSubNetwork`:
/// links, cost distance, corridors, metrics on the whole grid); any other is built as `trame run` builds it.
struct JoinedSubNetworks: SubNetworkModel {
    let folder: PlanFolder
    /// The tiled links files (SUB_links.csv in PLAN/joined) to check the whole grid's functional links against.
    let checkLinks: Set<String>
    var base = ProjectSubNetworkModel()

    func analyse(_ index: Int, of input: SchemeInput, sink: RasterSink, progress: (String) -> Void) throws -> SubNetworkAnalysis {
        let sub = input.project.subNetworks[index]
        guard sub.model == .leastCost, folder.plan.subnetworks.contains(where: { $0.name == sub.name && $0.reservoirs != nil }) else {
            return try base.analyse(index, of: input, sink: sink, progress: progress)
        }
        let dir = folder.joinedFolder, spec = input.spec
        progress("\(sub.name): resistance and reservoirs joined from \(folder.plan.tiles.count) tiles")
        let resFile = "\(dir)/rasters/\(sub.name)_resistance.tif", labelFile = "\(dir)/rasters/\(sub.name)_reservoirs.tif"
        let res = try Self.read(resFile, as: Float.self, on: spec, noData: ResistanceTable.impassable)
        try Self.checkResistance(res, file: resFile)
        let labels = try Self.read(labelFile, as: Int32.self, on: spec, noData: 0)
        let patches = try Self.reservoirs("\(dir)/\(sub.name)_reservoirs.csv", labels: labels, labelFile: labelFile)
        let a = try LeastCostSubNetwork().analyse(index, of: input, resistance: res, patches: patches, sink: sink, progress: progress)
        let csv = "\(sub.name)_links.csv"
        if checkLinks.contains(csv) { try Self.check(a, tiled: "\(dir)/\(csv)") }
        return a
    }

    /// What the tiles wrote: resistances > 0, impassable as NoData. Anything else (a file replaced by hand) is
    /// refused before the search, which assumes it.
    static func checkResistance(_ res: Grid<Float>, file: String) throws {
        if let bad = res.values.first(where: { $0 != ResistanceTable.impassable && !($0 > 0 && $0.isFinite) }) {
            throw GeodataError(file, "holds the resistance \(bad); resistances are > 0 (impassable = NoData): remove \(((file as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent) and merge again")
        }
    }

    /// A joined raster on the territory's grid, its NoData the one `trame run`'s own grid carries.
    static func read<T: GridScalar>(_ file: String, as: T.Type, on spec: GridSpec, noData: T) throws -> Grid<T> {
        let g = try RasterIO.read(file, as: T.self)
        guard g.spec.cols == spec.cols, g.spec.rows == spec.rows, g.spec.isGeometricallyAligned(with: spec) else {
            throw GeodataError(file, "is \(g.spec.cols) × \(g.spec.rows) cells, not on the land cover's grid (\(spec.cols) × \(spec.rows)): the land cover changed since the plan was made; make the plan again")
        }
        guard g.noData == noData else { throw GeodataError(file, "has NoData \(g.noData.map { "\($0)" } ?? "none"), not \(noData): not written by `trame merge`") }
        return Grid(spec: spec, values: g.values, noData: noData)
    }

    /// The joined reservoirs (`TileJoin`'s SUB_reservoirs.csv: ids 1…n in order, cells, hectares, metres, inventory
    /// flag) as `trame run`'s patch set; every cell id of the raster must be one of them.
    static func reservoirs(_ file: String, labels: Grid<Int32>, labelFile: String) throws -> PatchSet {
        guard let data = FileManager.default.contents(atPath: file) else { throw GeodataError(file, "missing: run `trame merge` again") }
        guard let text = String(data: data, encoding: .utf8) else { throw GeodataError(file, "is not UTF-8 text: run `trame merge` again") }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch { throw GeodataError(file, "cannot be read as CSV (\(error))") }
        guard reader.headerRow == TileJoin.reservoirColumns else { throw GeodataError(file, "is not a reservoir table written by `trame merge`") }
        var patches: [PatchSet.Patch] = []
        var line = 1
        let cellHa = labels.spec.cellArea / 10_000, side = abs(labels.spec.transform.pixelWidth)
        while let row = reader.next() {
            line += 1
            // Its area is its cells' (to the last digits of a double); its perimeter at most 4 cell sides a cell.
            guard row.count == TileJoin.reservoirColumns.count, let id = Int32(row[0]), id == Int32(patches.count + 1), let cells = Int(row[1]), cells > 0,
                  cells <= labels.count, let ha = Double(row[2]), abs(ha - Double(cells) * cellHa) <= 1e-9 * ha,
                  let perimeter = Double(row[3]), perimeter > 0, perimeter <= 4 * side * Double(cells) * (1 + 1e-12), row[4] == "0" || row[4] == "1" else {
                throw GeodataError(file, "line \(line) is not a reservoir written by `trame merge` (reservoirs numbered 1, 2, … in order, areas their cells'); remove \((file as NSString).deletingLastPathComponent) and merge again")
            }
            patches.append(PatchSet.Patch(id: id, cells: cells, areaHa: ha, perimeter: perimeter, fromInventory: row[4] == "1"))
        }
        if let e = reader.error { throw GeodataError(file, "cannot be read as CSV (\(e))") }
        var counted = [Int](repeating: 0, count: patches.count + 1)
        for v in labels.values where v != 0 {
            guard v > 0, Int(v) <= patches.count else { throw GeodataError(labelFile, "holds reservoir \(v); \(file) has \(patches.count): run `trame merge` again") }
            counted[Int(v)] += 1
        }
        for p in patches where counted[Int(p.id)] != p.cells {
            throw GeodataError(labelFile, "reservoir \(p.id) has \(counted[Int(p.id)]) cells; \(file) says \(p.cells): run `trame merge` again")
        }
        return PatchSet(labels: labels, patches: patches)
    }

    /// The functional links found a tile at a time must be the whole grid's: the same pairs in the same order,
    /// the same costs and lengths to the last bit.
    static func check(_ a: SubNetworkAnalysis, tiled file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let rows = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map(String.init) }
        let whole = a.functional.map(\.element)
        var differ: [String] = []
        if rows.count != whole.count { differ.append("\(rows.count) links tiled, \(whole.count) on the whole grid") }
        for (row, l) in zip(rows, whole) where row.count != 4 || row[0] != String(l.from) || row[1] != String(l.to)
            || Double(row[2]) != l.cost || Double(row[3]) != l.length {
            differ.append("\(row.joined(separator: " ")) against \(l.from)–\(l.to) cost \(l.cost) length \(l.length) m")
            if differ.count >= 3 { break }
        }
        guard differ.isEmpty else {
            throw GeodataError(file, "the links found tile by tile differ from the whole grid's (\(a.sub.name)): \(differ.joined(separator: "; ")); this is Trame's fault: please report it with plan.json (remove \((file as NSString).deletingLastPathComponent) to join again)")
        }
    }
}
