import Foundation
import TrameCost
import TrameGDAL
import TrameGraph
import TrameRaster
import TrameScheme
import TrameVector

/// Which works reconnect the network most: for every link's worst barrier and every conflict point, the gain in
/// equivalent connected area (EC) if the barrier were fixed.
///
/// A work restores the cells of a circular window (radius `radius`) that resist more than the permeable part
/// of the link's path (the first quartile of its cells' resistances): they take that value — a crossing or a
/// hedge gives the land back the permeability of what surrounds it. On a link, the window is placed where the
/// path gains most (the largest sum of excess resistance × step along the path within the window, as
/// Linkage Mapper's Barrier Mapper scans a moving window); at a conflict point, on the point. The link's
/// cost is recomputed on the restored resistance (accumulated cost from one reservoir's cells to the
/// other's, the scheme's own rule), its probability follows, and PC and EC are recomputed on the whole graph
/// (Saura & Pascual-Hortal 2007): the gain is EC after − EC before (ha), dPC = 100 · (PC after − PC before)
/// / PC before.
public struct RestorationPriorities {
    public struct Work: Sendable {
        public var subNetwork: String
        /// "barrier" (the worst stretch of a link) or "conflict" (a conflict point).
        public var kind: String
        public var point: Point
        public var link: Int
        public var from: Int
        public var to: Int
        public var name: String
        public var costBefore: Double
        public var costAfter: Double
        public var functionalBefore: Bool
        public var functionalAfter: Bool
        public var ecBefore: Double
        public var ecAfter: Double
        public var dPC: Double
        public var ecGain: Double { ecAfter - ecBefore }
        public var rank = 0
    }

    public var works: [Work] = []
    /// Per sub-network, Barrier Mapper's improvement score (cost units per metre restored).
    public var improvement: [(subNetwork: String, grid: Grid<Float>)] = []
    /// Per sub-network, the EC recomputed from the links (ha) and the one the scheme reported.
    public var checks: [(subNetwork: String, recomputed: Double, reported: Double)] = []

    /// - Parameters:
    ///   - radius: of the restored window, metres.
    ///   - candidates: per sub-network, the links with the largest potential evaluated exactly.
    public static func evaluate(_ s: SchemeOutput, radius: Double, candidates: Int = 40, barrierLinks: Int = 0,
                                progress: (String) -> Void = { _ in }) throws -> RestorationPriorities {
        var out = RestorationPriorities()
        let reservoirs = try s.layer("reservoirs"), links = try s.layer("links"), conflicts = try s.layer("conflict_points")
        let territory = s.figures.first { $0.key.hasPrefix("territory\u{1F}") }?.value ?? [:]
        guard let areaHa = territory["area_ha"], areaHa > 0 else { throw GeodataError(s.folder, "figures.csv has no territory area") }
        for sub in s.subNetworks {
            let (dispersal, probability) = try s.dispersal(of: sub)
            guard var resistance = try s.raster("rasters/\(sub)_resistance.tif", as: Float.self) else { continue }
            progress("\(sub): reservoirs and links")
            let decay = try ExponentialDecay(distance: dispersal, probability: probability)
            let subRes = reservoirs.features.filter { $0["subnetwork"].stringValue == sub }
            let subLinks = links.features.filter { $0["subnetwork"].stringValue == sub }
            guard subRes.count >= 2, !subLinks.isEmpty else { continue }
            // Reservoir cells, by id.
            let ids = try s.reservoirIds(subRes)
            var cellsOf: [Int: [Int]] = [:]
            for i in 0..<ids.count where ids.values[i] != 0 { cellsOf[Int(ids.values[i]), default: []].append(i) }
            let nodes = subRes.map { (id: String(int($0, "reservoir")), capacity: $0["area_ha"].doubleValue ?? 0) }
            struct L { var id: Int, from: Int, to: Int, cost: Double, line: [Point] }
            let ls: [L] = subLinks.map { f in
                let line: [Point] = if case .lineString(let p)? = f.geometry { p } else { [] }
                return L(id: int(f, "link"), from: int(f, "from_reservoir"), to: int(f, "to_reservoir"), cost: f["cost"].doubleValue ?? .infinity, line: line)
            }
            func ec(_ costs: [Double]) throws -> (ec: Double, pc: Double) {
                let g = try LandscapeGraph(nodes: nodes, edges: zip(ls, costs).map { (String($0.from), String($0.to), $1) })
                let m = try ConnectivityMetrics.compute(g, decay: decay, landscapeArea: areaHa, linkImportance: false)
                return (m.global.EC, m.global.PC)
            }
            let before = try ec(ls.map(\.cost))
            out.checks.append((sub, before.ec, territory["\(sub)_EC_ha"] ?? .nan))

            // Candidate windows: each link's best stretch, and each conflict point of the sub-network.
            let t = s.spec.transform, cell = abs(t.pixelWidth)
            func index(_ p: Point) -> Int? { s.spec.cell(x: p.x, y: p.y).map { s.spec.index(col: $0.col, row: $0.row) } }
            // What the path is like where it is permeable: the first quartile of its cells' resistances (its
            // two end cells, in the reservoirs, left out). A barrier that takes most of a path is still one.
            func median(_ line: [Point]) -> Float {
                let inner = line.count > 2 ? Array(line.dropFirst().dropLast()) : line
                var v = inner.compactMap(index).map { resistance.values[$0] }.filter { !resistance.isNoData($0) }
                v.sort()
                return v.isEmpty ? 1 : v[v.count / 4]
            }
            struct Candidate { var link: Int; var point: Point; var potential: Double; var kind: String; var name: String }
            var cands: [Candidate] = []
            for (k, l) in ls.enumerated() where l.line.count >= 2 {
                let med = median(l.line)
                // Excess along the path, per vertex (the path runs through cell centres).
                let excess = l.line.map { p -> Double in
                    guard let i = index(p) else { return 0 }
                    let r = resistance.values[i]
                    return resistance.isNoData(r) ? 0 : max(0, Double(r - med)) * cell
                }
                var best = 0.0, at = 0
                var lo = 0, sum = 0.0
                for hi in 0..<l.line.count {
                    sum += excess[hi]
                    while l.line[lo].distance(to: l.line[hi]) > 2 * radius { sum -= excess[lo]; lo += 1 }
                    if sum > best { best = sum; at = (lo + hi) / 2 }
                }
                if best > 0 { cands.append(Candidate(link: k, point: l.line[at], potential: best, kind: "barrier", name: "")) }
            }
            cands.sort { $0.potential > $1.potential }
            cands = Array(cands.prefix(candidates))
            for f in conflicts.features where f["subnetwork"].stringValue == sub {
                guard case .point(let p)? = f.geometry, let k = ls.firstIndex(where: { $0.id == int(f, "link") }) else { continue }
                let name = [f["infrastructure"].stringValue, f["name"].stringValue].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                cands.append(Candidate(link: k, point: p, potential: 0, kind: "conflict", name: name))
            }
            if barrierLinks > 0 {
                // Barrier Mapper on the links of lowest cost (those a restoration can bring under the dispersal
                // distance first).
                let chosen = ls.filter { $0.cost.isFinite }.sorted { $0.cost < $1.cost }.prefix(barrierLinks)
                progress("\(sub): Barrier Mapper on \(chosen.count) links")
                let g = try BarrierMapper.improvement(resistance: resistance, links: chosen.compactMap { l in
                    guard let a = cellsOf[l.from], let b = cellsOf[l.to] else { return nil }
                    return (a, b, l.cost)
                }, radius: radius)
                out.improvement.append((sub, g))
            }
            progress("\(sub): \(cands.count) works evaluated")
            for c in cands {
                let l = ls[c.link]
                guard let a = cellsOf[l.from], let b = Set(cellsOf[l.to] ?? []).nilIfEmpty else { continue }
                let med = median(l.line)
                // The window is restored in place and put back after (no copy of the grid per work).
                var saved: [(Int, Float)] = []
                let r2 = radius * radius
                let w = Int((radius / cell).rounded(.up))
                if let (cc, rr) = s.spec.cell(x: c.point.x, y: c.point.y) {
                    for dr in -w...w {
                        for dc in -w...w where Double(dr * dr + dc * dc) * cell * cell <= r2 {
                            let x = cc + dc, y = rr + dr
                            guard s.spec.contains(col: x, row: y) else { continue }
                            let i = s.spec.index(col: x, row: y)
                            let v = resistance.values[i]
                            // An impassable cell (NoData) in the window is a barrier too: it takes the median.
                            if resistance.isNoData(v) || v > med { saved.append((i, v)) }
                        }
                    }
                }
                func pairCost(_ grid: Grid<Float>) throws -> Double {
                    let sources = a.filter { !grid.isNoData(grid.values[$0]) }.map { CostSource(cell: $0, id: 1) }
                    guard !sources.isEmpty else { return .infinity }
                    let surf = try CostDistance.compute(resistance: grid, sources: sources, maxCost: l.cost.isFinite ? l.cost * 1.0001 + 1 : nil, backLinks: false)
                    var m = Double.infinity
                    for i in b { let v = surf.cost.values[i]; if v >= 0 && v < m { m = v } }
                    return m
                }
                // The link's own rule, measured twice on the same footing: the gain is the difference.
                let mine = try pairCost(resistance)
                for (i, _) in saved { resistance.values[i] = med }
                let after = try pairCost(resistance)
                for (i, v) in saved { resistance.values[i] = v }
                guard mine.isFinite, after.isFinite else { continue }
                let newCost = max(0, l.cost - max(0, mine - after))
                var costs = ls.map(\.cost)
                costs[c.link] = newCost
                let m = try ec(costs)
                out.works.append(Work(subNetwork: sub, kind: c.kind, point: c.point, link: l.id, from: l.from, to: l.to, name: c.name,
                                      costBefore: l.cost, costAfter: newCost, functionalBefore: l.cost <= dispersal, functionalAfter: newCost <= dispersal,
                                      ecBefore: before.ec, ecAfter: m.ec, dPC: before.pc > 0 ? 100 * (m.pc - before.pc) / before.pc : 0))
            }
        }
        out.works.sort { ($0.ecGain, $1.subNetwork, $1.link) > ($1.ecGain, $0.subNetwork, $0.link) }
        for k in out.works.indices { out.works[k].rank = k + 1 }
        return out
    }

    static func int(_ f: Feature, _ k: String) -> Int { f[k].doubleValue.map(Int.init) ?? 0 }

    /// The `restoration` layer: one point per work, ranked.
    public func layer(crsWKT: String, lang: String) -> VectorLayer {
        let w = Words(lang)
        let fields: [FieldDefinition] = [
            FieldDefinition("rank", .integer), FieldDefinition("subnetwork", .string), FieldDefinition("kind", .string), FieldDefinition("kind_label", .string),
            FieldDefinition("name", .string), FieldDefinition("link", .integer), FieldDefinition("from_reservoir", .integer), FieldDefinition("to_reservoir", .integer),
            FieldDefinition("cost_before", .real), FieldDefinition("cost_after", .real), FieldDefinition("functional_before", .integer),
            FieldDefinition("functional_after", .integer), FieldDefinition("EC_gain_ha", .real), FieldDefinition("EC_gain_pct", .real), FieldDefinition("dPC_gain_pct", .real),
        ]
        return VectorLayer(name: "restoration", geometryKind: .point, fields: fields, features: works.map { x in
            Feature(geometry: .point(x.point), attributes: [
                "rank": .integer(x.rank), "subnetwork": .string(x.subNetwork), "kind": .string(x.kind),
                "kind_label": .string(w[x.kind == "conflict" ? .restoreConflict : .restoreBarrier]), "name": .string(x.name),
                "link": .integer(x.link), "from_reservoir": .integer(x.from), "to_reservoir": .integer(x.to),
                "cost_before": .real(x.costBefore), "cost_after": .real(x.costAfter), "functional_before": .integer(x.functionalBefore ? 1 : 0),
                "functional_after": .integer(x.functionalAfter ? 1 : 0), "EC_gain_ha": .real(x.ecGain),
                "EC_gain_pct": .real(x.ecBefore > 0 ? 100 * x.ecGain / x.ecBefore : 0), "dPC_gain_pct": .real(x.dPC),
            ])
        }, crsWKT: crsWKT)
    }

    /// The page for partners: the works that reconnect most.
    public func html(title: String, top: Int, radius: Double, lang: String) -> String {
        let w = Words(lang)
        let esc = HTMLPage.escape
        var h = HTMLPage.start(lang: w.lang, title: "\(w[.restoreTitle]) — \(title)", heading: "\(w[.restoreTitle]) — \(title)", subheading: w.madeOn(Date()))
        h += """
        <p>\(esc(w[.restoreMethod].replacingOccurrences(of: "%@", with: "\(w.number(radius, decimals: 0)) m")))</p>
        """
        let shown = works.filter { $0.ecGain > 0 }.prefix(top)
        if shown.isEmpty { h += "<p>\(esc(w[.restoreNone]))</p>" } else {
            h += "<table><thead><tr>" + ["#", w.subNetwork, w[.cmpChange], w[.link], w[.cost], w[.restoreBecomesFunctional], w[.restoreECGain], "dPC"].map { "<th>\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
            for x in shown {
                let kind = w[x.kind == "conflict" ? .restoreConflict : .restoreBarrier] + (x.name.isEmpty ? "" : " (\(x.name))")
                let cells = ["\(x.rank)", w.subNetworkName(x.subNetwork, label: x.subNetwork), kind, "\(x.link) (\(x.from) – \(x.to))",
                             "\(w.number(x.costBefore, decimals: 0)) → \(w.number(x.costAfter, decimals: 0)) \(w.costUnits)",
                             x.functionalAfter && !x.functionalBefore ? w[.yesWord] : (x.functionalBefore ? w[.alreadyWord] : w[.noWord]),
                             "+\(w.ha(x.ecGain)) (+\(w.number(x.ecBefore > 0 ? 100 * x.ecGain / x.ecBefore : 0, decimals: 2)) %)",
                             "+\(w.number(x.dPC, decimals: 2)) %"]
                h += "<tr>" + cells.map { "<td>\(esc($0))</td>" }.joined() + "</tr>"
            }
            h += "</tbody></table>"
        }
        return h + "</main></body></html>\n"
    }
}

extension Set {
    var nilIfEmpty: Set? { isEmpty ? nil : self }
}

/// Linkage Mapper's Barrier Mapper (McRae et al. 2012): where restoring a window of the landscape would cut a
/// link's cost most, per metre restored.
///
/// For a link between reservoirs A and B of least cost LCD, with cwd_A and cwd_B the accumulated costs from
/// each, a window of radius R centred on a cell, fully restored, would give the link the cost
/// min_window(cwd_A) + min_window(cwd_B) + 2R · r_min (crossing the window at the landscape's least
/// resistance). The improvement score of the cell is (LCD − that cost) / 2R, in cost units per metre restored
/// (0 where restoring does not help); each cell keeps its best score over the links evaluated.
public enum BarrierMapper {
    /// - Parameters:
    ///   - links: (from cells, to cells, least cost) of the links to evaluate.
    ///   - radius: of the window, metres (a disc of cells whose centres lie within it).
    /// - Complexity: per link two cost searches bounded by its cost, and two minimum filters of O(cells × window).
    public static func improvement(resistance: Grid<Float>, links: [(from: [Int], to: [Int], cost: Double)], radius: Double) throws -> Grid<Float> {
        let spec = resistance.spec
        let cell = abs(spec.transform.pixelWidth)
        var rmin = Float.infinity
        for v in resistance.values where !resistance.isNoData(v) && v > 0 { rmin = min(rmin, v) }
        var out = Grid<Float>(spec: spec, fill: 0, noData: -1)
        for i in 0..<spec.count where resistance.isNoData(resistance.values[i]) { out.values[i] = -1 }
        let w = Int((radius / cell).rounded(.down))
        var offsets: [(Int, Int)] = []
        for dr in -w...w { for dc in -w...w where Double(dr * dr + dc * dc) * cell * cell <= radius * radius { offsets.append((dc, dr)) } }
        let across = 2 * radius * Double(rmin)
        for l in links where l.cost.isFinite {
            func surface(_ cells: [Int]) throws -> [Double] {
                let src = cells.filter { !resistance.isNoData(resistance.values[$0]) }.map { CostSource(cell: $0, id: 1) }
                guard !src.isEmpty else { return [] }
                return try CostDistance.compute(resistance: resistance, sources: src, maxCost: l.cost, backLinks: false).cost.values
            }
            let a = try surface(l.from), b = try surface(l.to)
            guard !a.isEmpty, !b.isEmpty else { continue }
            // Minimum of each surface over the window around every cell.
            func windowMin(_ v: [Double]) -> [Double] {
                var m = [Double](repeating: .infinity, count: spec.count)
                for r in 0..<spec.rows {
                    for c in 0..<spec.cols {
                        var best = Double.infinity
                        for (dc, dr) in offsets {
                            let x = c + dc, y = r + dr
                            guard x >= 0, y >= 0, x < spec.cols, y < spec.rows else { continue }
                            let u = v[y * spec.cols + x]
                            if u >= 0 && u < best { best = u }
                        }
                        m[r * spec.cols + c] = best
                    }
                }
                return m
            }
            let ma = windowMin(a), mb = windowMin(b)
            for i in 0..<spec.count where out.values[i] >= 0 {
                let restored = ma[i] + mb[i] + across
                guard restored.isFinite, restored < l.cost else { continue }
                let score = Float((l.cost - restored) / (2 * radius))
                if score > out.values[i] { out.values[i] = score }
            }
        }
        return out
    }
}
