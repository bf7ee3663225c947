import Foundation

/// Circuitscape's raster pairwise mode: the effective resistance between every pair of focal nodes
/// (focal regions short-circuited while their own pair is solved), with current and voltage maps.
public enum RasterPairwise {
    /// The maps of one solved pair (per cell; 0 off the circuit).
    public struct PairMaps: Sendable {
        public var from: Int32, to: Int32
        public var current: [Double]
        /// When voltage maps are asked for.
        public var voltage: [Double]?
    }

    public struct Result: Sendable {
        /// Every focal id, sorted (those on removed cells included).
        public var ids: [Int32]
        /// Resistances between `ids` (Ω): 0 on the diagonal, −1 for ids not connected or on removed cells.
        public var resistances: [[Double]]
        /// Sum and cell-wise maximum of the pairs' current maps, when asked for.
        public var cumulativeCurrent: [Double]?, maximumCurrent: [Double]?
        /// The largest relative residual of the solves.
        public var maxResidual: Double
        /// Pairs with a positive resistance.
        public var solvedPairs: Int {
            resistances.enumerated().reduce(0) { acc, row in acc + row.element.enumerated().filter { $0.offset > row.offset && $0.element > 0 }.count }
        }
    }

    /// - Parameters:
    ///   - conductance: per cell (NaN or ≤ 0: removed).
    ///   - focal: focal nodes as (id, cell); the cells of one id form a focal region.
    ///   - include: whether a pair of ids is solved (nil: all); `onlyIDs` limits the ids.
    ///   - perPair: sees each pair's maps as it is solved (when per-pair current or voltage maps are asked for).
    public static func solve(conductance: [Double], cols: Int, rows: Int, options: RasterCircuitOptions, focal: [(id: Int32, cell: Int)],
                             include: ((Int32, Int32) -> Bool)? = nil, onlyIDs: Set<Int32>? = nil, maps: MapRequest = MapRequest(),
                             perPair: ((PairMaps) throws -> Void)? = nil) throws -> Result {
        let allIDs = try focalIDs(focal, onlyIDs: onlyIDs)
        let rc = RasterCircuit(conductance: conductance, cols: cols, rows: rows, neighbourhood: options.neighbourhood, connection: options.connection,
                               regions: options.regions, focal: focal)
        let nodesOf = Dictionary(uniqueKeysWithValues: zip(rc.focalIDs, rc.focalNodes))
        let present = allIDs.filter { nodesOf[$0] != nil }
        let n = cols * rows
        var cumulative = maps.cumulative ? [Double](repeating: 0, count: n) : []
        var maximum = maps.maximum ? [Double](repeating: 0, count: n) : []
        let m = try Pairwise.resistances(rc.circuit, focalNodes: present.map { nodesOf[$0]! }, include: include.map { f in { f(present[$0], present[$1]) } },
                                        solver: options.solver, visit: maps.any ? { sol in
            guard maps.any else { return }
            let currents = sol.circuit.nodeCurrents(sol.voltages)
            var cur = [Double](repeating: 0, count: n), volt = maps.voltage ? [Double](repeating: 0, count: n) : []
            for i in 0..<n {
                let base = rc.nodeOfCell[i]
                guard base >= 0 else { continue }
                let node = Int(sol.node.map { $0[Int(base)] } ?? base)
                cur[i] = currents[node]
                if maps.voltage { volt[i] = sol.voltages[node] }
            }
            if maps.perPairCurrent || maps.voltage {
                try perPair?(PairMaps(from: present[sol.i], to: present[sol.j], current: cur, voltage: maps.voltage ? volt : nil))
            }
            if maps.cumulative { for i in 0..<n { cumulative[i] += cur[i] } }
            if maps.maximum { for i in 0..<n { maximum[i] = max(maximum[i], cur[i]) } }
        } : nil)
        // Circuitscape's layout: every focal id, −1 for those on removed cells or in other components.
        let row = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        let resistances = allIDs.map { a in
            allIDs.map { b -> Double in
                if a == b { return 0 }
                guard let i = row[a], let j = row[b] else { return -1 }
                return m[i][j]
            }
        }
        return Result(ids: allIDs, resistances: resistances, cumulativeCurrent: maps.cumulative ? cumulative : nil,
                      maximumCurrent: maps.maximum ? maximum : nil, maxResidual: Pairwise.maxResidual)
    }
}
