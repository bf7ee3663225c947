import Foundation

public struct CircuitError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Voltages of a circuit with currents injected at some nodes and one node grounded (held at 0 V),
/// by conjugate gradients on the grounded (symmetric positive definite) Laplacian, Jacobi-preconditioned.
///
/// Only the component of the ground is solved; the residual ‖b − L v‖ / ‖b‖ is checked against `tolerance`.
public struct GroundedSolver {
    public let circuit: Circuit
    public var tolerance = 1e-10
    public var maxIterations = 100_000
    public private(set) var lastResidual = 0.0
    public private(set) var lastIterations = 0

    public init(circuit: Circuit) { self.circuit = circuit }

    /// - Parameters:
    ///   - injections: current (A) entering each node (sums to zero with the ground's share).
    ///   - ground: the node held at 0 V.
    public mutating func solve(injections b: [Double], ground: Int) throws -> [Double] {
        var r = b
        r[ground] = 0
        let inv = circuit.diag.map { $0 > 0 ? 1 / $0 : 0 }
        let c = circuit
        // The ground's row and column are left out: its entries of q and z stay 0.
        let (solved, res, it) = ConjugateGradient.solve(r, tolerance: tolerance, maxIterations: maxIterations,
            multiply: { p, q in c.multiply(p, into: &q); q[ground] = 0 },
            precondition: { r, z in for i in 0..<r.count { z[i] = r[i] * inv[i] }; z[ground] = 0 })
        var x = solved
        lastResidual = res; lastIterations = it
        guard res < max(tolerance * 1000, 1e-6) else {
            throw CircuitError("the solver stopped at a relative residual of \(res) after \(it) iterations")
        }
        x[ground] = 0
        return x
    }
}

/// Preconditioned conjugate gradients for L x = b, L symmetric positive (semi-)definite: the loop the
/// Jacobi-preconditioned grounded solver and the AMG-preconditioned solver share.
enum ConjugateGradient {
    /// - Parameters:
    ///   - multiply: q = L p.
    ///   - precondition: z ≈ L⁻¹ r.
    /// - Returns: x, the relative residual ‖r‖ / ‖b‖ reached, and the iterations taken.
    static func solve(_ b: [Double], tolerance: Double, maxIterations: Int,
                      multiply: (_ p: [Double], _ q: inout [Double]) -> Void,
                      precondition: (_ r: [Double], _ z: inout [Double]) -> Void) -> (x: [Double], residual: Double, iterations: Int) {
        let n = b.count
        var x = [Double](repeating: 0, count: n)
        var r = b
        let bnorm = (b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        guard bnorm > 0 else { return (x, 0, 0) }
        var z = [Double](repeating: 0, count: n)
        precondition(r, &z)
        var p = z
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        var q = [Double](repeating: 0, count: n)
        var res = 1.0
        var it = 0
        while it < maxIterations {
            it += 1
            multiply(p, &q)
            var pq = 0.0, rr = 0.0
            p.withUnsafeBufferPointer { P in q.withUnsafeBufferPointer { Q in for i in 0..<n { pq += P[i] * Q[i] } } }
            guard pq > 0 else { break }
            let alpha = rz / pq
            x.withUnsafeMutableBufferPointer { X in
                r.withUnsafeMutableBufferPointer { Rr in
                    p.withUnsafeBufferPointer { P in
                        q.withUnsafeBufferPointer { Q in
                            for i in 0..<n { X[i] += alpha * P[i]; Rr[i] -= alpha * Q[i]; rr += Rr[i] * Rr[i] }
                        }
                    }
                }
            }
            res = rr.squareRoot() / bnorm
            if res < tolerance { break }
            precondition(r, &z)
            var rzNew = 0.0
            r.withUnsafeBufferPointer { Rr in z.withUnsafeBufferPointer { Z in for i in 0..<n { rzNew += Rr[i] * Z[i] } } }
            let beta = rzNew / rz
            rz = rzNew
            p.withUnsafeMutableBufferPointer { P in z.withUnsafeBufferPointer { Z in for i in 0..<n { P[i] = Z[i] + beta * P[i] } } }
        }
        return (x, res, it)
    }
}

/// Pairwise effective resistances between focal nodes, as Circuitscape's pairwise mode: for each pair,
/// the cells of its two focal regions are short-circuited (the other focal regions are left as they
/// are), 1 A is injected at the second and the first is grounded; R = V at the second.
public enum Pairwise {
    /// The largest relative residual of the last `resistances` call (reported by the command line).
    nonisolated(unsafe) public static var maxResidual = 0.0
    /// One solved pair: the circuit it was solved on (with its two focal regions merged), the map from
    /// the base circuit's nodes to it, and the voltages.
    public struct Solution {
        public var i: Int, j: Int
        public var resistance: Double
        public var circuit: Circuit
        public var node: [Int32]?
        public var voltages: [Double]
        public var source: Int, ground: Int
        /// Relative residual ‖b − L v‖ / ‖b‖ of the solve.
        public var residual = 0.0
    }

    /// Resistance between each pair of focal nodes (−1 when they lie in different components).
    /// `include` limits the pairs solved (nil = all); `visit` sees every solution (for maps).
    public static func resistances(_ c: Circuit, focalNodes: [[Int32]], include: ((Int, Int) -> Bool)? = nil,
                                   visit: ((Solution) throws -> Void)? = nil) throws -> [[Double]] {
        let k = focalNodes.count
        maxResidual = 0
        var out = [[Double]](repeating: [Double](repeating: -1, count: k), count: k)
        let comp = c.components()
        let simple = focalNodes.allSatisfy { $0.count == 1 }
        var shared = GroundedSolver(circuit: c)
        // Large circuits: one AMG hierarchy for every pair (the Laplacian does not change), pairs solved
        // on both cores, each with its own work buffers.
        if simple && c.nodeCount > 20_000 {
            return try parallelPairs(c, focalNodes: focalNodes, include: include, components: comp, visit: visit)
        }
        for i in 0..<k {
            out[i][i] = 0
            for j in (i + 1)..<max(k, i + 1) {
                guard include?(i, j) ?? true else { continue }
                // Connected when some cell of one region shares a component with some cell of the other.
                let ci = Set(focalNodes[i].map { comp[Int($0)] })
                guard focalNodes[j].contains(where: { ci.contains(comp[Int($0)]) }) else { continue }
                if !Set(focalNodes[i]).isDisjoint(with: focalNodes[j]) {
                    // One node: no resistance, no current (Circuitscape writes all-zero maps).
                    out[i][j] = 0; out[j][i] = 0
                    try visit?(Solution(i: i, j: j, resistance: 0, circuit: c, node: nil, voltages: [Double](repeating: 0, count: c.nodeCount),
                                        source: Int(focalNodes[j][0]), ground: Int(focalNodes[i][0])))
                    continue
                }
                let sol: Solution
                if simple {
                    let g = Int(focalNodes[i][0]), s = Int(focalNodes[j][0])
                    var inj = [Double](repeating: 0, count: c.nodeCount)
                    inj[s] = 1; inj[g] = -1
                    let v = try shared.solve(injections: inj, ground: g)
                    let residual = shared.lastResidual
                    sol = Solution(i: i, j: j, resistance: v[s], circuit: c, node: nil, voltages: v, source: s, ground: g, residual: residual)
                } else {
                    // Focal regions: short-circuit the two (MultiSolve switches to AMG on large circuits).
                    let ms = try MultiSolve.solve(c, sources: [(focalNodes[j], 1)], grounds: [focalNodes[i]])
                    let g = Int(ms.node[Int(focalNodes[i][0])]), s = Int(ms.node[Int(focalNodes[j][0])])
                    sol = Solution(i: i, j: j, resistance: ms.voltages[s] - ms.voltages[g], circuit: ms.circuit, node: ms.node, voltages: ms.voltages,
                                   source: s, ground: g, residual: ms.residual)
                }
                out[i][j] = sol.resistance; out[j][i] = sol.resistance
                maxResidual = max(maxResidual, sol.residual)
                try visit?(sol)
            }
        }
        return out
    }
}

extension Pairwise {
    static func parallelPairs(_ c: Circuit, focalNodes: [[Int32]], include: ((Int, Int) -> Bool)?, components comp: [Int32],
                              visit: ((Solution) throws -> Void)?) throws -> [[Double]] {
        let k = focalNodes.count
        var out = [[Double]](repeating: [Double](repeating: -1, count: k), count: k)
        for i in 0..<k { out[i][i] = 0 }
        var pairs: [(Int, Int)] = []
        for i in 0..<k { for j in (i + 1)..<max(k, i + 1) where include?(i, j) ?? true {
            let a = Int(focalNodes[i][0]), b = Int(focalNodes[j][0])
            guard comp[a] == comp[b] else { continue }
            if a == b { out[i][j] = 0; out[j][i] = 0; continue }
            pairs.append((i, j))
        } }
        let base = AMGSolver(circuit: c)
        let lock = NSLock()
        var failure: Error? = nil
        let workers = min(2, max(1, pairs.count))
        let solvers = (0..<workers).map { $0 == 0 ? base : base.forked() }
        nonisolated(unsafe) var shared = (out: out, failure: failure)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var solver = solvers[w]
            var p = w
            while p < pairs.count {
                let (i, j) = pairs[p]
                p += workers
                let g = Int(focalNodes[i][0]), s = Int(focalNodes[j][0])
                var inj = [Double](repeating: 0, count: c.nodeCount)
                inj[s] = 1; inj[g] = -1
                do {
                    var v = try solver.solve(inj)
                    let vg = v[g], cg = comp[g]
                    for n in 0..<v.count { v[n] = comp[n] == cg ? v[n] - vg : 0 }
                    let sol = Solution(i: i, j: j, resistance: v[s], circuit: c, node: nil, voltages: v, source: s, ground: g, residual: solver.lastResidual)
                    lock.lock()
                    defer { lock.unlock() }
                    shared.out[i][j] = sol.resistance; shared.out[j][i] = sol.resistance
                    maxResidual = max(maxResidual, sol.residual)
                    if shared.failure == nil { try visit?(sol) }
                } catch {
                    lock.lock(); if shared.failure == nil { shared.failure = error }; lock.unlock()
                    return
                }
            }
        }
        out = shared.out; failure = shared.failure
        if let failure { throw failure }
        return out
    }
}

extension Circuit {
    /// Current through each node for voltages v, as Circuitscape reports it: the larger of the current
    /// flowing in and the current flowing out (so that a source or ground counts its own current).
    public func nodeCurrents(_ v: [Double]) -> [Double] {
        var inflow = [Double](repeating: 0, count: nodeCount), outflow = inflow
        for i in 0..<nodeCount {
            for k in rowStart[i]..<rowStart[i + 1] {
                let j = Int(col[k])
                let c = g[k] * (v[i] - v[j])
                if c > 0 { outflow[i] += c } else { inflow[i] -= c }
            }
        }
        return zip(inflow, outflow).map { max($0, $1) }
    }
}

/// Solves with several sources and grounds at once: each source region and the ground (every ground
/// region and, through their conductances, resistive grounds) is short-circuited into one node.
public enum MultiSolve {
    public struct Solution {
        public var circuit: Circuit
        /// Node of the solved circuit for each node of the base circuit.
        public var node: [Int32]
        public var voltages: [Double]
        public var residual = 0.0
    }

    /// - Parameters:
    ///   - sources: node groups and the current (A) each receives.
    ///   - grounds: node groups held at 0 V.
    ///   - groundConductance: nodes tied to ground through a conductance (S).
    public static func solve(_ c: Circuit, sources: [(nodes: [Int32], current: Double)], grounds: [[Int32]],
                             groundConductance: [(Int32, Double)] = []) throws -> Solution {
        var base = c
        var groundGroup = grounds.flatMap { $0 }
        if !groundConductance.isEmpty {
            let virtual = Int32(c.nodeCount)
            base = Circuit(nodeCount: c.nodeCount + 1, branches: c.branches + groundConductance.map { ($0.0, virtual, $0.1) })
            groundGroup.append(virtual)
        }
        guard !groundGroup.isEmpty else { throw CircuitError("no ground") }
        let (m, map) = base.merging(sources.map(\.nodes) + [groundGroup])
        var inj = [Double](repeating: 0, count: m.nodeCount)
        for s in sources { inj[Int(map[Int(s.nodes[0])])] += s.current }
        let g = Int(map[Int(groundGroup[0])])
        inj[g] -= sources.reduce(0) { $0 + $1.current }
        var v: [Double]
        var residual = 0.0
        if m.nodeCount > 20_000 {
            // Large circuits: AMG-preconditioned CG on the consistent system, then the ground's component
            // is shifted to put the ground at 0 V (other components carry no current).
            var amg = AMGSolver(circuit: m)
            v = try amg.solve(inj)
            residual = amg.lastResidual
            let comp = m.components()
            let vg = v[g], cg = comp[g]
            for i in 0..<v.count { v[i] = comp[i] == cg ? v[i] - vg : 0 }
        } else {
            var solver = GroundedSolver(circuit: m)
            v = try solver.solve(injections: inj, ground: g)
            residual = solver.lastResidual
        }
        return Solution(circuit: m, node: Array(map.prefix(c.nodeCount)), voltages: v, residual: residual)
    }
}
