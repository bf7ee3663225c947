import Foundation

/// Circuitscape's network pairwise mode: the resistance between every pair of focal nodes, with the
/// voltages and currents of each pair's solve and the cumulative currents.
public enum NetworkPairwise {
    /// One pair's tables, over the nodes and branches of its component.
    public struct PairTables {
        public var from: Int, to: Int
        /// When voltages are asked for.
        public var voltages: [CircuitNetwork.NodeValue]?
        /// When currents are asked for.
        public var nodeCurrents: [CircuitNetwork.NodeValue]?, branchCurrents: [CircuitNetwork.BranchValue]?
    }

    public struct Result {
        /// The focal ids, sorted.
        public var ids: [Int]
        /// Resistances between `ids` (Ω): 0 on the diagonal, −1 for ids not connected or not in the network.
        public var resistances: [[Double]]
        /// Cumulative node currents (every component) and branch currents (the solved components), when
        /// currents are asked for.
        public var nodeCurrents: [CircuitNetwork.NodeValue]?, branchCurrents: [CircuitNetwork.BranchValue]?
    }

    /// - Parameters:
    ///   - focalIDs: the focal node ids, sorted and distinct.
    ///   - perPair: sees each pair's tables as it is solved (when currents or voltages are asked for).
    public static func solve(_ net: CircuitNetwork, focalIDs: [Int], currents: Bool, voltages: Bool, solver: CircuitSolverKind = .cg,
                             perPair: ((PairTables) throws -> Void)? = nil) throws -> Result {
        let c = net.circuit, comp = net.components
        let present = focalIDs.filter { net.index[$0] != nil }
        var cumNode = [Double](repeating: 0, count: c.nodeCount), cumBranch = [Double](repeating: 0, count: c.branches.count)
        var solvedComps = Set<Int32>()
        let m = try Pairwise.resistances(c, focalNodes: present.map { [net.index[$0]!] }, solver: solver, visit: currents || voltages ? { sol in
            guard currents || voltages else { return }
            let r = net.results(sol.node, sol.voltages)
            let here: Set<Int32> = [comp[Int(net.index[present[sol.i]]!)]]
            solvedComps.formUnion(here)
            try perPair?(PairTables(from: present[sol.i], to: present[sol.j], voltages: voltages ? net.nodeTable(r.volt, in: here) : nil,
                                    nodeCurrents: currents ? net.nodeTable(r.node, in: here) : nil,
                                    branchCurrents: currents ? net.branchTable(r.branch, in: here) : nil))
            if currents {
                for k in 0..<cumNode.count { cumNode[k] += r.node[k] }
                for k in 0..<cumBranch.count { cumBranch[k] += r.branch[k] }
            }
        } : nil)
        let row = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        let resistances = focalIDs.map { a in
            focalIDs.map { b -> Double in
                if a == b { return 0 }
                guard let i = row[a], let j = row[b], m[i][j] >= 0 else { return -1 }
                return m[i][j]
            }
        }
        return Result(ids: focalIDs, resistances: resistances,
                      nodeCurrents: currents ? net.nodeTable(cumNode, in: Set(comp)) : nil,
                      branchCurrents: currents ? net.branchTable(cumBranch, in: solvedComps) : nil)
    }
}
