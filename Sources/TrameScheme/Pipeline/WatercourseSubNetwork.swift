import Foundation
import TrameCost
import TrameGraph
import TrameRaster
import TrameVector

/// What a sub-network built on the watercourses adds to its analysis.
public struct WatercourseAnalysis: Sendable {
    public var network: WatercourseNetwork
    public var settings: Hydrography
    /// The obstacles of the input (`network.obstacles[k].index` indexes it).
    public var obstacles: [Obstacle]
    /// Per obstacle of `network.obstacles`: the PC gain (%) if it were made wholly passable (its two
    /// stretches joined at cost 0); 0 when it has a stretch on one side only or the same on both.
    public var removalDPC: [Double]

    /// Metres of watercourse in good continuity.
    public var goodContinuityLength: Double { network.goodContinuityLength(minReach: settings.goodContinuity) }
}

/// Each sub-network with the model its project names (`model = "…"` in [[subnetwork]]).
public struct ProjectSubNetworkModel: SubNetworkModel {
    public var leastCost = LeastCostSubNetwork()
    public var watercourse = WatercourseSubNetwork()
    public init() {}

    public func analyse(_ index: Int, of input: SchemeInput, sink: RasterSink, progress: (String) -> Void) throws -> SubNetworkAnalysis {
        switch input.project.subNetworks[index].model {
        case .leastCost: try leastCost.analyse(index, of: input, sink: sink, progress: progress)
        case .watercourse: try watercourse.analyse(index, of: input, sink: sink, progress: progress)
        }
    }
}

/// The watercourse model (blue network): the watercourses of [hydrography] cut at breaking obstacles and
/// barrier classes into stretches (`WatercourseBuilder`).
///
/// - Reservoirs (graph nodes): the stretches, drawn as their bed — the cells the axis crosses, the
///   sub-network's habitat cells and the sites of its inventories inside the riparian strip (nearest
///   stretch). A node's capacity is that area (ha), as for patches.
/// - Links: the passable obstacles joining two stretches, at the cost whose dispersal probability is the
///   obstacle's passability (cost = −ln(passability) / α, α from dispersal_distance and
///   dispersal_probability): PC, EC and dPC keep their meaning. Breaking obstacles join nothing.
/// - Corridors: the riparian strip (cells within `riparian_strip` of a stretch's axis), owned by the
///   nearest stretch: `corridors.link` holds stretch ids, not link numbers (see `watercourse`).
/// - No pinch points: current through a strip a few cells wide says nothing the strip does not.
public struct WatercourseSubNetwork: SubNetworkModel {
    public init() {}

    public func analyse(_ index: Int, of input: SchemeInput, sink: RasterSink, progress: (String) -> Void) throws -> SubNetworkAnalysis {
        let p = input.project, sub = p.subNetworks[index], spec = input.spec
        guard let h = p.hydrography, let hydro = input.hydrography else {
            throw ProjectError(p.file, line: sub.line, "sub-network '\(sub.name)' is built on the watercourses but the project has no [hydrography] section")
        }
        progress("\(sub.name): watercourse stretches")
        let res = try input.friction.resistance(for: input.landCover, column: sub.frictionColumn)
        sink.write(res, to: "rasters/\(sub.name)_resistance.tif", description: "resistance (\(sub.name)), cost units per metre")
        let cell = abs(spec.transform.pixelWidth)
        let net = WatercourseBuilder.build(watercourses: hydro.watercourses, obstacles: hydro.obstacles, landCover: input.landCover,
                                           barrier: ClassSet(h.barrierClasses), breakingPassability: h.breakingPassability,
                                           snap: max(h.riparianStrip, cell))
        guard !net.stretches.isEmpty else {
            throw InputFileError(h.watercourses.file, "no watercourse of \(h.watercourses.label) crosses the land cover outside the barrier classes (sub-network '\(sub.name)')")
        }
        let strip = WatercourseBuilder.strip(net, spec: spec, width: h.riparianStrip)
        let patches = reservoirs(net, strip: strip.owner.values, sub: sub, input: input)
        let decay = try ExponentialDecay(distance: sub.dispersalCost, probability: sub.dispersalProbability)
        let links = net.links.map { l in
            PatchLink(from: l.from, to: l.to, cost: -log(l.passability) / decay.alpha, length: 0, euclidean: 0, line: l.line)
        }
        let functional = links.enumerated().filter { $0.element.cost <= sub.dispersalCost }
        progress("\(sub.name): \(net.stretches.count) stretches, \(net.obstacles.count) obstacles (\(net.obstacles.filter(\.breaks).count) breaking), \(String(format: "%.1f", net.stretchLength / 1000)) km; connectivity metrics")
        let graph = try LandscapeGraph(nodes: patches.patches.map { (String($0.id), $0.areaHa) },
                                       edges: links.map { (String($0.from), String($0.to), $0.cost) })
        let metrics = try ConnectivityMetrics.compute(graph, decay: decay, landscapeArea: input.areaHa)
        let removal = removalDPC(net, links: links, areas: patches.patches.map(\.areaHa), alpha: decay.alpha, landArea: input.areaHa)
        var a = SubNetworkAnalysis(index: index, sub: sub, resistance: res, patches: patches, links: links, functional: functional,
                                   corridors: CorridorMap(value: strip.distance, link: strip.owner), decay: decay, metrics: metrics)
        a.watercourse = WatercourseAnalysis(network: net, settings: h, obstacles: hydro.obstacles, removalDPC: removal)
        return a
    }

    /// The stretches' beds as reservoirs: axis cells first (the first stretch drawn keeps a cell two
    /// cross), then the habitat and inventory cells of the strip, each with the stretch owning it.
    func reservoirs(_ net: WatercourseNetwork, strip owner: [Int32], sub: SubNetwork, input: SchemeInput) -> PatchSet {
        let spec = input.spec, n = spec.count, lc = input.landCover
        var labels = [Int32](repeating: 0, count: n)
        WatercourseBuilder.axisCells(net, spec: spec, into: &labels)
        // A stretch whose axis cells were all taken by stretches drawn before it (a piece shorter than a
        // cell between two obstacles) keeps the cell at the middle of its longest piece: every node is drawn.
        var drawn = [Bool](repeating: false, count: net.stretches.count + 1)
        for v in labels where v > 0 { drawn[Int(v)] = true }
        for s in net.stretches where !drawn[Int(s.id)] {
            let piece = net.pieces[s.pieces.max { net.pieces[$0].length < net.pieces[$1].length }!]
            let m = piece.line[piece.line.count / 2], q = piece.line[(piece.line.count - 1) / 2]
            if let c = spec.cell(x: (m.x + q.x) / 2, y: (m.y + q.y) / 2) { labels[spec.index(col: c.col, row: c.row)] = s.id }
        }
        let habitat = ClassSet(sub.habitat)
        var invMask: UInt32 = 0
        for name in sub.inventories { invMask |= UInt32(1) << UInt32(input.project.inventories.firstIndex { $0.name == name }!) }
        var fromInventory = [Bool](repeating: false, count: net.stretches.count + 1)
        for i in 0..<n where owner[i] > 0 {
            let inv = input.inventoryBits[i] & invMask != 0
            if labels[i] == 0 && (inv || (!input.landCover.isNoData(lc[i]) && habitat.contains(lc[i]))) { labels[i] = owner[i] }
            if inv && labels[i] > 0 { fromInventory[Int(labels[i])] = true }
        }
        // Cells and outline (cell edges facing another label or the border) per stretch.
        var cells = [Int](repeating: 0, count: net.stretches.count + 1), edges = cells
        let cols = spec.cols, rows = spec.rows
        for r in 0..<rows {
            for c in 0..<cols {
                let v = labels[r * cols + c]
                guard v > 0 else { continue }
                cells[Int(v)] += 1
                if c == 0 || labels[r * cols + c - 1] != v { edges[Int(v)] += 1 }
                if c == cols - 1 || labels[r * cols + c + 1] != v { edges[Int(v)] += 1 }
                if r == 0 || labels[(r - 1) * cols + c] != v { edges[Int(v)] += 1 }
                if r == rows - 1 || labels[(r + 1) * cols + c] != v { edges[Int(v)] += 1 }
            }
        }
        let ha = spec.cellArea / 10_000, side = abs(spec.transform.pixelWidth)
        let patches = net.stretches.map { s in
            PatchSet.Patch(id: s.id, cells: cells[Int(s.id)], areaHa: Double(cells[Int(s.id)]) * ha, perimeter: Double(edges[Int(s.id)]) * side,
                           fromInventory: fromInventory[Int(s.id)])
        }
        return PatchSet(labels: Grid(spec: spec, values: labels, noData: 0), patches: patches)
    }

    /// Per placed obstacle, the PC gain (%) of joining its two stretches at cost 0 (its own link, if any,
    /// replaced), PC computed as Σ a_i a_j p*_ij / A² (`UnitConnectivity` over the whole territory).
    func removalDPC(_ net: WatercourseNetwork, links: [PatchLink], areas: [Double], alpha: Double, landArea: Double) -> [Double] {
        let all = [Dictionary(uniqueKeysWithValues: areas.enumerated().map { (Int32($0.offset + 1), $0.element) })]
        let edges = links.map { ($0.from, $0.to, $0.cost) }
        let pc = UnitConnectivity.compute(nodes: areas.count, edges: edges, alpha: alpha, areas: all, unitArea: [landArea])[0].pc
        return net.obstacles.map { o in
            guard o.from > 0, o.to > 0, o.from != o.to, pc > 0 else { return 0 }
            var e = edges
            if let l = o.link { e.remove(at: l) }
            e.append((o.from, o.to, 0))
            let after = UnitConnectivity.compute(nodes: areas.count, edges: e, alpha: alpha, areas: all, unitArea: [landArea])[0].pc
            return 100 * (after - pc) / pc
        }
    }
}
