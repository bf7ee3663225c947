import Foundation
import TrameCost
import TrameGDAL
import TrameGraph
import TrameRaster
import TrameScheme
import TrameVector

/// Where new habitat would reconnect the network most: Graphab's patch addition (Foltête et al. 2014,
/// `--addpatch`), greedy. Candidates are squares of a given area on cells of given classes (farmland,
/// grassland…), outside the reservoirs, on a lattice; each is tried as a new reservoir of the sub-network:
/// its cells take the habitat's resistance, its links to every reservoir are the accumulated cost from its
/// cells to theirs (8 neighbours, the scheme's rule), and PC is recomputed on the whole graph. The candidate
/// that raises EC most is kept (its cells become habitat for the next rounds), and the search starts again,
/// `count` times.
///
/// Links costlier than three dispersal distances (probability below 0.05³ ≈ 1.25 × 10⁻⁴ at the usual
/// p = 0.05) are left out of a candidate's links: the cost search stops there.
public struct HabitatAddition {
    public struct Choice: Sendable {
        public var order: Int
        public var cells: [Int]
        public var polygon: Polygon
        public var areaHa: Double
        public var ecBefore: Double
        public var ecAfter: Double
        public var pcBefore: Double
        public var pcAfter: Double
        public var links: Int
        public var candidates: Int
        public var ecGain: Double { ecAfter - ecBefore }
    }

    public var subNetwork: String
    public var choices: [Choice] = []

    /// - Parameters:
    ///   - classes: land-cover classes a new patch may take.
    ///   - side: the square's side in cells; `step`: the lattice of candidates, in cells.
    ///   - maxCandidates: at most this many candidates per round (taken at a regular stride).
    public static func greedy(_ s: SchemeOutput, subNetwork sub: String, classes: Set<Int32>, side: Int, count: Int, step: Int,
                              maxCandidates: Int = 2000, progress: (String) -> Void = { _ in }) throws -> HabitatAddition {
        guard s.subNetworks.contains(sub) else {
            throw GeodataError(s.folder, "has no sub-network '\(sub)' (it has \(s.subNetworks.joined(separator: ", ")))")
        }
        let (dispersal, probability) = try s.dispersal(of: sub)
        guard var resistance = try s.raster("rasters/\(sub)_resistance.tif", as: Float.self) else {
            throw GeodataError(s.folder, "lacks rasters/\(sub)_resistance.tif")
        }
        let landCover = try landCover(s)
        let spec = s.spec
        let territory = s.figures.first { $0.key.hasPrefix("territory\u{1F}") }?.value ?? [:]
        guard let areaHa = territory["area_ha"], areaHa > 0 else { throw GeodataError(s.folder, "figures.csv has no territory area") }
        let decay = try ExponentialDecay(distance: dispersal, probability: probability)
        let reservoirs = try s.layer("reservoirs").features.filter { $0["subnetwork"].stringValue == sub }
        let links = try s.layer("links").features.filter { $0["subnetwork"].stringValue == sub }
        let ids = try s.reservoirIds(reservoirs)
        var cellsOf: [[Int]] = []
        var nodeOf: [Int32: Int] = [:]
        var nodes: [(id: String, capacity: Double)] = []
        for f in reservoirs {
            nodeOf[Int32(RestorationPriorities.int(f, "reservoir"))] = nodes.count
            nodes.append((String(RestorationPriorities.int(f, "reservoir")), f["area_ha"].doubleValue ?? 0))
            cellsOf.append([])
        }
        for i in 0..<spec.count where ids.values[i] != 0 { if let k = nodeOf[ids.values[i]] { cellsOf[k].append(i) } }
        var edges: [(from: String, to: String, distance: Double)] = links.map {
            (String(RestorationPriorities.int($0, "from_reservoir")), String(RestorationPriorities.int($0, "to_reservoir")), $0["cost"].doubleValue ?? .infinity)
        }
        var habitatResistance = Float.infinity
        for k in cellsOf.indices { for i in cellsOf[k] where !resistance.isNoData(resistance.values[i]) { habitatResistance = min(habitatResistance, resistance.values[i]) } }
        if !habitatResistance.isFinite { habitatResistance = 1 }

        func ec(_ ns: [(id: String, capacity: Double)], _ es: [(from: String, to: String, distance: Double)]) throws -> (Double, Double) {
            let m = try ConnectivityMetrics.compute(try LandscapeGraph(nodes: ns, edges: es), decay: decay, landscapeArea: areaHa, linkImportance: false)
            return (m.global.EC, m.global.PC)
        }
        var used = [Bool](repeating: false, count: spec.count)
        for i in 0..<spec.count where ids.values[i] != 0 { used[i] = true }
        let cellHa = spec.cellArea / 10_000
        var out = HabitatAddition(subNetwork: sub)
        var (ecNow, pcNow) = try ec(nodes, edges)
        for round in 1...max(1, count) {
            // Candidates: squares wholly on the classes, in the territory, on no reservoir nor earlier choice.
            var cands: [[Int]] = []
            var r = 0
            while r + side <= spec.rows {
                var c = 0
                while c + side <= spec.cols {
                    var cells: [Int] = [], ok = true
                    outer: for dr in 0..<side {
                        for dc in 0..<side {
                            let i = spec.index(col: c + dc, row: r + dr)
                            let v = landCover.values[i]
                            if used[i] || landCover.isNoData(v) || !classes.contains(v) || resistance.isNoData(resistance.values[i]) { ok = false; break outer }
                            cells.append(i)
                        }
                    }
                    if ok { cands.append(cells) }
                    c += step
                }
                r += step
            }
            guard !cands.isEmpty else { break }
            let total = cands.count
            if cands.count > maxCandidates {
                let stride = Double(cands.count) / Double(maxCandidates)
                cands = (0..<maxCandidates).map { cands[Int(Double($0) * stride)] }
            }
            progress("\(sub): round \(round), \(cands.count) of \(total) candidate places")
            var best: (ec: Double, pc: Double, cells: [Int], edges: [(from: String, to: String, distance: Double)])? = nil
            let newId = "new\(round)"
            for cells in cands {
                var saved: [(Int, Float)] = []
                for i in cells { saved.append((i, resistance.values[i])); resistance.values[i] = habitatResistance }
                defer { for (i, v) in saved { resistance.values[i] = v } }
                let surf = try CostDistance.compute(resistance: resistance, sources: cells.map { CostSource(cell: $0, id: 1) },
                                                    maxCost: 3 * dispersal, backLinks: false)
                var es: [(from: String, to: String, distance: Double)] = []
                for (k, rc) in cellsOf.enumerated() {
                    var m = Double.infinity
                    for i in rc { let v = surf.cost.values[i]; if v >= 0 && v < m { m = v } }
                    if m.isFinite { es.append((newId, nodes[k].id, m)) }
                }
                let (e, p) = try ec(nodes + [(newId, Double(cells.count) * cellHa)], edges + es)
                if best == nil || e > best!.ec + 1e-12 * e { best = (e, p, cells, es) }
            }
            guard let b = best else { break }
            let cols = spec.cols, t = spec.transform
            let c0 = b.cells[0] % cols, r0 = b.cells[0] / cols
            let x0 = t.originX + Double(c0) * t.pixelWidth, y0 = t.originY + Double(r0) * t.pixelHeight
            let x1 = x0 + Double(side) * t.pixelWidth, y1 = y0 + Double(side) * t.pixelHeight
            out.choices.append(Choice(order: round, cells: b.cells, polygon: Polygon(exterior: [Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1)]),
                                      areaHa: Double(b.cells.count) * cellHa, ecBefore: ecNow, ecAfter: b.ec, pcBefore: pcNow, pcAfter: b.pc,
                                      links: b.edges.count, candidates: cands.count))
            // Kept: its cells are habitat, it is a reservoir of the next rounds.
            for i in b.cells { used[i] = true; resistance.values[i] = habitatResistance }
            nodes.append((newId, Double(b.cells.count) * cellHa))
            cellsOf.append(b.cells)
            edges += b.edges
            ecNow = b.ec; pcNow = b.pc
        }
        return out
    }

    /// The land cover the scheme was built on: rasters/land_cover.tif when the run made it, else the file its
    /// metadata name (relative to the output folder).
    static func landCover(_ s: SchemeOutput) throws -> Grid<Int32> {
        if let g = try s.raster("rasters/land_cover.tif", as: Int32.self) { return g }
        guard let rel = s.metadata["TRAME_PARAM_LAND_COVER"] else { throw GeodataError(s.gpkg, "its metadata do not name the land cover") }
        let path = rel.hasPrefix("/") ? rel : URL(fileURLWithPath: (s.folder as NSString).appendingPathComponent(rel)).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else { throw GeodataError(path, "no such file (the land cover the scheme was built on)") }
        let g = try RasterIO.read(path, as: Int32.self)
        guard g.spec.cols == s.spec.cols, g.spec.rows == s.spec.rows else {
            throw GeodataError(path, "is not the grid of the scheme (\(g.spec.cols) × \(g.spec.rows) cells against \(s.spec.cols) × \(s.spec.rows))")
        }
        return g
    }

    public func layer(crsWKT: String) -> VectorLayer {
        VectorLayer(name: "habitat_additions", geometryKind: .polygon,
                    fields: [FieldDefinition("order", .integer), FieldDefinition("subnetwork", .string), FieldDefinition("area_ha", .real),
                             FieldDefinition("links", .integer), FieldDefinition("EC_before_ha", .real), FieldDefinition("EC_after_ha", .real),
                             FieldDefinition("EC_gain_ha", .real), FieldDefinition("dPC_gain_pct", .real)],
                    features: choices.map { c in
                        Feature(geometry: .polygon(c.polygon), attributes: [
                            "order": .integer(c.order), "subnetwork": .string(subNetwork), "area_ha": .real(c.areaHa), "links": .integer(c.links),
                            "EC_before_ha": .real(c.ecBefore), "EC_after_ha": .real(c.ecAfter), "EC_gain_ha": .real(c.ecGain),
                            "dPC_gain_pct": .real(c.pcBefore > 0 ? 100 * (c.pcAfter - c.pcBefore) / c.pcBefore : 0),
                        ])
                    }, crsWKT: crsWKT)
    }
}
