import Foundation

/// Circuitscape's network advanced mode: current sources and grounds on nodes, one solve.
public enum NetworkAdvanced {
    public struct Result {
        /// Voltage and current of every node; currents of the branches in the components with a source or ground.
        public var voltages: [CircuitNetwork.NodeValue]
        public var nodeCurrents: [CircuitNetwork.NodeValue]
        public var branchCurrents: [CircuitNetwork.BranchValue]
    }

    /// - Parameters:
    ///   - sources: (node id, current in A); currents into one node add up; ids not in the network are skipped.
    ///   - grounds: (node id, resistance or conductance to ground); ids not in the network are skipped.
    ///   - groundIsResistance: ground values are resistances (0: direct ground), else conductances.
    ///   - directGrounds: every ground is held at 0 V.
    public static func solve(_ net: CircuitNetwork, sources: [(id: Int, value: Double)], grounds: [(id: Int, value: Double)],
                             groundIsResistance: Bool, directGrounds: Bool, solver: CircuitSolverKind = .cg) throws -> Result {
        let c = net.circuit, comp = net.components
        var inj: [Int32: Double] = [:]
        for s in sources { if let k = net.index[s.id] { inj[k, default: 0] += s.value } }
        var direct: [Int32] = [], tied: [(Int32, Double)] = []
        for g in grounds {
            guard let k = net.index[g.id] else { continue }
            let res = groundIsResistance ? g.value : (g.value > 0 ? 1 / g.value : .infinity)
            if directGrounds || res == 0 { direct.append(k) } else if res.isFinite { tied.append((k, 1 / res)) }
        }
        let sol = try MultiSolve.solve(c, sources: inj.map { ([$0.key], $0.value) }, grounds: direct.isEmpty ? [] : [direct], groundConductance: tied, solver: solver)
        // Currents with the ground branches, each node apart.
        let withGround = Circuit(nodeCount: c.nodeCount + 1, branches: c.branches + tied.map { ($0.0, Int32(c.nodeCount), $0.1) })
        var v = [Double](repeating: 0, count: c.nodeCount + 1)
        for b in 0..<c.nodeCount { v[b] = sol.voltages[Int(sol.node[b])] }
        let nodeI = Array(withGround.nodeCurrents(v).prefix(c.nodeCount))
        let branchI = c.branches.map { abs($0.2 * (v[Int($0.0)] - v[Int($0.1)])) }
        let used = Set((Array(inj.keys) + direct + tied.map(\.0)).map { comp[Int($0)] })
        let all = Set(comp)
        return Result(voltages: net.nodeTable(Array(v.prefix(c.nodeCount)), in: all), nodeCurrents: net.nodeTable(nodeI, in: all),
                      branchCurrents: net.branchTable(branchI, in: used))
    }
}
