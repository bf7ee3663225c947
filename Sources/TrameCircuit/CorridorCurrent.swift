import Foundation
import TrameRaster

/// Current flow through one corridor between its two reservoirs, the Linkage Mapper way (Pinchpoint
/// Mapper): a circuit on the corridor's cells only, the edge cells of each reservoir along the corridor
/// short-circuited into one focal node, 1 A from one reservoir to the other.
public enum CorridorCurrent {
    public struct Result: Sendable {
        /// Current through each corridor cell (A), in the order of `cells`.
        public var current: [Double]
        /// Effective resistance between the two reservoirs through the corridor (Ω), −1 when they do not meet.
        public var resistance: Double
    }

    /// - Parameters:
    ///   - cells: the corridor's cells (grid indices).
    ///   - reservoirA, reservoirB: cells of each reservoir next to the corridor (focal regions).
    ///   - conductance: per grid cell (1 / resistance; ≤ 0 or NaN = barrier).
    public static func solve(cells: [Int], reservoirA: [Int], reservoirB: [Int], cols: Int, rows: Int,
                             conductance: (Int) -> Double, neighbourhood: Neighbourhood = .queen) throws -> Result {
        var local: [Int: Int32] = [:]
        // In cell order, never in hash order: the same corridor gives the same circuit, hence the same
        // floating-point sums, in every run.
        let all = Array(Set(cells + reservoirA + reservoirB)).sorted()
        for c in all where conductance(c) > 0 && conductance(c).isFinite { local[c] = Int32(local.count) }
        var branches: [(Int32, Int32, Double)] = []
        let steps = neighbourhood.forwardSteps
        for cell in all {
            guard let i = local[cell] else { continue }
            let c = cell % cols, r = cell / cols
            for step in steps {
                let cc = c + step.dc, rr = r + step.dr, d = step.length
                guard cc >= 0, cc < cols, rr < rows, let j = local[rr * cols + cc] else { continue }
                let a = conductance(cell), b = conductance(rr * cols + cc)
                branches.append((i, j, 1 / ((1 / a + 1 / b) / 2) / d))
            }
        }
        let circuit = Circuit(nodeCount: local.count, branches: branches)
        let fa = reservoirA.compactMap { local[$0] }, fb = reservoirB.compactMap { local[$0] }
        guard !fa.isEmpty, !fb.isEmpty else { return Result(current: [Double](repeating: 0, count: cells.count), resistance: -1) }
        var current = [Double](repeating: 0, count: cells.count)
        var resistance = -1.0
        _ = try Pairwise.resistances(circuit, focalNodes: [Array(Set(fa)).sorted(), Array(Set(fb)).sorted()]) { sol in
            resistance = sol.resistance
            let nodeI = sol.circuit.nodeCurrents(sol.voltages)
            for (k, cell) in cells.enumerated() {
                guard let n = local[cell] else { continue }
                current[k] = nodeI[Int(sol.node.map { $0[Int(n)] } ?? n)]
            }
        }
        return Result(current: current, resistance: resistance)
    }
}
