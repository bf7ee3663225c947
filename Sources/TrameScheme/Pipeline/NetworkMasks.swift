import TrameCost
import TrameRaster

/// What the scheme keeps of every sub-network once its grids are freed: one flag per sub-network and cell
/// for its reservoirs and its corridors (at most 16 sub-networks; one byte a cell for each of the two up to 8
/// sub-networks, two up to 16), and the cells of its pinch points (a few, kept as a set).
public struct NetworkMasks: Sendable {
    public var reservoirs: CellBits
    public var corridors: CellBits
    /// Per sub-network, the cells of its pinch points.
    public var pinchPoints: [Set<Int>]

    public init(count: Int, subNetworks: Int) {
        reservoirs = CellBits(count: count, flags: subNetworks)
        corridors = reservoirs
        pinchPoints = [Set<Int>](repeating: [], count: subNetworks)
    }

    /// Sets the sub-network's flags of its reservoirs and corridors; returns its corridor mask (1 in a corridor).
    public mutating func add(_ a: SubNetworkAnalysis) -> [UInt8] {
        let n = reservoirs.count
        var corridorMask = [UInt8](repeating: 0, count: n)
        if let corridors = a.corridors {
            let link = corridors.link.values
            for i in 0..<n where link[i] > 0 { corridorMask[i] = 1 }
            self.corridors.insert(a.index, where: corridorMask)
        }
        let labels = a.patches.labels.values
        for i in 0..<n where labels[i] > 0 { reservoirs.insert(a.index, at: i) }
        return corridorMask
    }

    /// Sets the sub-network's flags at the cells of its pinch points.
    public mutating func addPinchPoints(_ index: Int, cells: [Int]) {
        pinchPoints[index].formUnion(cells)
    }

    /// 1 where any sub-network has a reservoir or a corridor: the green network the buffer zones frame.
    public var network: [UInt8] {
        var out = [UInt8](repeating: 0, count: reservoirs.count)
        for i in 0..<out.count where !reservoirs.isEmpty(at: i) || !corridors.isEmpty(at: i) { out[i] = 1 }
        return out
    }
}

/// The figures of one sub-network: its area and corridor length per unit, and its connectivity (PC, EC)
/// per unit and for the territory.
public enum SubNetworkFigures {
    public static func add(_ a: SubNetworkAnalysis, corridorMask: [UInt8], to tally: inout FigureTally) {
        let s = a.index
        let perUnit = tally.addSubNetwork(s, reservoirs: a.patches.labels.values, corridor: corridorMask)
        if let w = a.watercourse {
            tally.addCorridorLength(s, lines: w.network.pieces.map(\.line))
        } else {
            tally.addCorridorLength(s, lines: a.functional.map(\.element.line))
        }
        let unitAreas = tally.units.map(\.areaHa)
        let local = UnitConnectivity.compute(nodes: a.patches.patches.count, edges: a.links.map { ($0.from, $0.to, $0.cost) },
                                             alpha: a.decay.alpha, areas: perUnit, unitArea: unitAreas)
        for u in tally.units.indices { tally.units[u].pc[s] = local[u].pc; tally.units[u].ec[s] = local[u].ec }
        tally.units[0].pc[s] = a.metrics.global.PC
        tally.units[0].ec[s] = a.metrics.global.EC
    }

    /// Per reservoir id (index = id), the bits of the inventories with a site in it.
    public static func inventoriesOfReservoirs(_ a: SubNetworkAnalysis, inventoryBits: CellBits) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: a.patches.patches.count + 1)
        let labels = a.patches.labels.values
        for i in 0..<labels.count where labels[i] > 0 { out[Int(labels[i])] |= inventoryBits[i] }
        return out
    }

    /// The sub-network's line of the report: counts, areas, metrics and its five most important reservoirs and links.
    public static func summary(_ a: SubNetworkAnalysis, corridorCells: Int, conflicts: Int, cellArea: Double,
                               reservoirInventories: (Int32) -> String) -> SchemeResult.SubNetworkSummary {
        let sub = a.sub, patches = a.patches, links = a.links, metrics = a.metrics
        var summary = SchemeResult.SubNetworkSummary(
            name: sub.name, label: sub.label, colour: sub.colour, reservoirs: patches.patches.count,
            reservoirHa: patches.patches.reduce(0) { $0 + $1.areaHa }, links: links.count, functionalLinks: a.functional.count,
            corridorHa: Double(corridorCells) * cellArea / 10_000,
            corridorKm: (a.watercourse?.network.stretchLength ?? a.functional.reduce(0) { $0 + $1.element.length }) / 1000,
            pc: metrics.global.PC, ec: metrics.global.EC, components: metrics.global.NC, conflicts: conflicts,
            dispersalCost: sub.dispersalCost, dispersalProbability: sub.dispersalProbability, corridorWidth: sub.corridorWidth)
        summary.topReservoirs = patches.patches.indices.sorted { metrics.nodes[$0].dPC > metrics.nodes[$1].dPC }.prefix(5).map {
            (patches.patches[$0].id, patches.patches[$0].areaHa, metrics.nodes[$0].dPC, reservoirInventories(patches.patches[$0].id))
        }
        summary.topLinks = links.indices.sorted { metrics.linkDPC[$0] > metrics.linkDPC[$1] }.prefix(5).map {
            ($0 + 1, links[$0].from, links[$0].to, links[$0].cost, links[$0].length, metrics.linkDPC[$0])
        }
        return summary
    }
}

/// Conflict points: where roads, railways or built-up land cut a sub-network's corridors; then all of
/// them ranked by the importance (dPC) of the link they cut.
public enum ConflictStage {
    /// A corridor is cut by built-up land from half a hectare of it on (a few houses do not cut it).
    public static func minBuiltCells(cellArea: Double) -> Int { max(2, Int((0.5 / (cellArea / 10_000)).rounded(.up))) }

    public static func find(_ a: SubNetworkAnalysis, input: SchemeInput) -> [ConflictPoint] {
        guard let corridors = a.corridors else { return [] }
        return ConflictFinder.find(links: a.corridorLinks, owner: corridors.link.values, infrastructure: input.infrastructure,
                                   landCover: input.landCover, builtUp: input.builtUp,
                                   minBuiltCells: minBuiltCells(cellArea: input.spec.cellArea), minCrossing: input.project.minCrossing,
                                   classLabel: input.label)
    }

    /// All sub-networks' conflict points, ranked by dPC then crossing length (both decreasing), numbered from 1;
    /// ties (rare) by position, west then north, so that the ranks are the same at every run.
    public static func rank(_ all: [(subNetwork: String, point: ConflictPoint)]) -> [SchemeResult.Conflict] {
        let ranked = all.sorted {
            ($0.point.dPC, $0.point.crossingLength, -$0.point.point.x, $0.point.point.y, $0.subNetwork) > ($1.point.dPC, $1.point.crossingLength, -$1.point.point.x, $1.point.point.y, $1.subNetwork)
        }
        return ranked.enumerated().map { SchemeResult.Conflict(subNetwork: $0.element.subNetwork, point: $0.element.point, rank: $0.offset + 1) }
    }
}
