import Foundation

/// Circuitscape's one-to-all mode (1 A into each focal node in turn, every other focal node of its
/// component grounded; its resistance is the voltage it takes) and all-to-one mode (1 A into every
/// other focal node of the component, the one grounded; Circuitscape reports 0 for it).
public enum RasterOneToAll {
    /// The maps of one focal node's solve (per cell; 0 off the circuit).
    public struct NodeMaps: Sendable {
        public var id: Int32
        public var current: [Double]
        public var voltage: [Double]
    }

    public struct Result: Sendable {
        /// The focal ids, sorted.
        public var ids: [Int32]
        /// Per id (Ω): −1 when it has no partner in its component (or lies on a removed cell).
        public var resistances: [Double]
        /// Sum of the focal nodes' current maps, when asked for.
        public var cumulativeCurrent: [Double]?
    }

    /// - Parameters:
    ///   - toAll: one-to-all (true) or all-to-one (false).
    ///   - include: whether an id takes another as partner (nil: all); `onlyIDs` limits the ids.
    ///   - perNode: sees each focal node's maps as it is solved (when per-node current or voltage maps are asked for).
    public static func solve(toAll: Bool, conductance: [Double], cols: Int, rows: Int, options: RasterCircuitOptions, focal: [(id: Int32, cell: Int)],
                             include: ((Int32, Int32) -> Bool)? = nil, onlyIDs: Set<Int32>? = nil, maps: MapRequest = MapRequest(),
                             perNode: ((NodeMaps) throws -> Void)? = nil) throws -> Result {
        let ids = try focalIDs(focal, onlyIDs: onlyIDs)
        let rc = RasterCircuit(conductance: conductance, cols: cols, rows: rows, neighbourhood: options.neighbourhood, connection: options.connection,
                               regions: options.regions, focal: focal)
        let nodesOf = Dictionary(uniqueKeysWithValues: zip(rc.focalIDs, rc.focalNodes))
        // The circuit with the cells of each focal id joined into one node, as Circuitscape joins them in
        // these modes (even across otherwise separate parts of the grid; ids sharing a cell or a
        // short-circuit region become one node).
        let (base, joinedNode) = rc.circuit.merging(rc.focalNodes)
        let comp = base.components()
        let focalNode = nodesOf.mapValues { Array(Set($0.map { joinedNode[Int($0)] })).sorted() }
        let cellNode = rc.nodeOfCell.map { $0 >= 0 ? joinedNode[Int($0)] : -1 }
        let n = cols * rows
        var cumulative = [Double](repeating: 0, count: n)
        var resistances: [Double] = []
        for id in ids {
            guard let mine = focalNode[id] else { resistances.append(-1); continue }
            let myComps = Set(mine.map { comp[Int($0)] })
            // Partners: focal nodes of the same component that are not this one's node.
            let others = ids.filter { $0 != id && (include?(id, $0) ?? true) }.compactMap { o in
                focalNode[o].flatMap { ns in ns.contains { myComps.contains(comp[Int($0)]) } && Set(ns).isDisjoint(with: mine) ? ns : nil }
            }
            guard !others.isEmpty else { resistances.append(-1); continue }
            let sol = toAll
                ? try MultiSolve.solve(base, sources: [(mine, 1)], grounds: others, solver: options.solver)
                : try MultiSolve.solve(base, sources: others.map { ($0, 1.0) }, grounds: [mine], solver: options.solver)
            resistances.append(toAll ? sol.voltages[Int(sol.node[Int(mine[0])])] : 0)
            guard maps.any else { continue }
            // Currents on the circuit where each focal node is one node but the grounds (or sources)
            // stay apart, so that each focal node reports its own current, as Circuitscape does.
            let (regionCircuit, rmap) = base.merging([mine] + others)
            var vr = [Double](repeating: 0, count: regionCircuit.nodeCount)
            for b in 0..<base.nodeCount { vr[Int(rmap[b])] = sol.voltages[Int(sol.node[b])] }
            let currents = regionCircuit.nodeCurrents(vr)
            var cur = [Double](repeating: 0, count: n), volt = [Double](repeating: 0, count: n)
            for i in 0..<n where cellNode[i] >= 0 {
                let b = Int(cellNode[i])
                cur[i] = currents[Int(rmap[b])]; volt[i] = sol.voltages[Int(sol.node[b])]
            }
            if maps.perPairCurrent || maps.voltage { try perNode?(NodeMaps(id: id, current: cur, voltage: volt)) }
            for i in 0..<n { cumulative[i] += cur[i] }
        }
        return Result(ids: ids, resistances: resistances, cumulativeCurrent: maps.cumulative ? cumulative : nil)
    }
}
