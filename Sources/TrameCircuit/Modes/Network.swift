import Foundation

/// A Circuitscape network: nodes as numbered in its file, branches with conductances.
public struct CircuitNetwork: Sendable {
    /// Node ids as written, in order of first appearance (the circuit's node k is ids[k]).
    public var ids: [Int]
    /// Circuit node of each id.
    public var index: [Int: Int32]
    public var circuit: Circuit
    /// Component of each circuit node.
    public var components: [Int32]

    /// A node's value, or a branch's.
    public typealias NodeValue = (id: Int, value: Double)
    public typealias BranchValue = (from: Int, to: Int, value: Double)

    /// - Parameters:
    ///   - branches: `from to value` as read (`CircuitscapeText.branches`).
    ///   - isResistance: values are resistances (else conductances).
    public init(branches: [(from: Int, to: Int, value: Double)], isResistance: Bool) throws {
        var index: [Int: Int32] = [:], ids: [Int] = []
        func node(_ id: Int) -> Int32 { if let k = index[id] { return k }; let k = Int32(ids.count); index[id] = k; ids.append(id); return k }
        var list: [(Int32, Int32, Double)] = []
        for r in branches {
            guard r.value > 0 else { throw CircuitInputError.nonPositiveBranch(from: r.from, to: r.to, value: r.value) }
            list.append((node(r.from), node(r.to), isResistance ? 1 / r.value : r.value))
        }
        self.ids = ids
        self.index = index
        circuit = Circuit(nodeCount: ids.count, branches: list)
        components = circuit.components()
    }

    /// The nodes of the components `comps`, by id, with their values (Circuitscape lists the nodes of the
    /// components that carry the solve).
    public func nodeTable(_ values: [Double], in comps: Set<Int32>) -> [NodeValue] {
        ids.indices.filter { comps.contains(components[$0]) }.sorted { ids[$0] < ids[$1] }.map { (ids[$0], values[$0]) }
    }

    /// The branches of the components `comps` that carry current, in the file's order: those under 1e-9
    /// of the largest (dead ends) are left out, as Circuitscape does.
    public func branchTable(_ values: [Double], in comps: Set<Int32>) -> [BranchValue] {
        let top = values.max() ?? 0
        return circuit.branches.indices.filter { comps.contains(components[Int(circuit.branches[$0].0)]) && values[$0] > 1e-9 * max(top, 1e-300) }
            .map { (ids[Int(circuit.branches[$0].0)], ids[Int(circuit.branches[$0].1)], values[$0]) }
    }

    /// Node voltages, node currents and branch currents of a solution on `circuit` (whose nodes `map`
    /// sends to the solved circuit's, nil when they are the same).
    func results(_ map: [Int32]?, _ v: [Double]) -> (node: [Double], branch: [Double], volt: [Double]) {
        let c = circuit
        let nodeV = (0..<c.nodeCount).map { v[Int(map?[$0] ?? Int32($0))] }
        let nodeI = c.nodeCurrents(nodeV)
        let branchI = c.branches.map { abs($0.2 * (nodeV[Int($0.0)] - nodeV[Int($0.1)])) }
        return (nodeI, branchI, nodeV)
    }
}
