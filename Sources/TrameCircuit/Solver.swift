import Foundation

public struct CircuitError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Voltages of a circuit with currents injected at some nodes and one node grounded (held at 0 V),
/// by conjugate gradients on the grounded (symmetric positive definite) Laplacian, Jacobi-preconditioned.
///
/// Only the component of the ground is solved. CG stops when the relative residual ‖b − L v‖ / ‖b‖ and the
/// estimated relative error of the energy bᵀv (the effective resistance, for a unit pair) are below
/// `tolerance` and `resistanceTolerance` (see `ConjugateGradient`); a solve that does not get there is an error, never a result.
public struct GroundedSolver {
    public let circuit: Circuit
    /// Relative residual ‖b − L v‖ / ‖b‖ to reach.
    public var tolerance = 1e-10
    /// Estimated relative error of bᵀv (the resistance of a unit pair) to reach: 1e-12, a thousandth of the
    /// 1e-9 the tests ask against a direct solve, as margin for an estimate.
    public var resistanceTolerance = 1e-12
    public var maxIterations = 100_000
    public private(set) var lastResidual = 0.0
    public private(set) var lastIterations = 0
    /// Estimated relative error of the last solve's bᵀv (the resistance of a unit pair).
    public private(set) var lastResistanceError = 0.0

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
        let out = ConjugateGradient.solve(r, tolerance: tolerance, energyTolerance: resistanceTolerance, maxIterations: maxIterations,
                                          normL: 2 * (circuit.diag.max() ?? 0),
            multiply: { p, q in c.multiply(p, into: &q); q[ground] = 0 },
            precondition: { r, z in for i in 0..<r.count { z[i] = r[i] * inv[i] }; z[ground] = 0 })
        var x = out.x
        lastResidual = out.residual; lastIterations = out.iterations; lastResistanceError = out.energyError
        guard out.converged else { throw out.failure("conjugate gradients (Jacobi)") }
        x[ground] = 0
        return x
    }
}

/// Preconditioned conjugate gradients for L x = b, L symmetric positive (semi-)definite: the loop the
/// Jacobi-preconditioned grounded solver and the AMG-preconditioned solver share.
///
/// It stops when two tests hold, each bounding something else:
/// - the relative residual ‖b − L x_k‖ / ‖b‖ ≤ `tolerance`: every node's Kirchhoff sum is off by at most that
///   share of the injected current, which bounds the error of the potentials where current and voltage maps
///   read them (node currents are sums of branch currents);
/// - the estimated relative error of the energy bᵀx ≤ `energyTolerance`. With x₀ = 0 and unit currents
///   injected at a and withdrawn at b, bᵀx is the effective resistance R between them; bᵀx_k = Σ_{j<k} α_j r_jᵀz_j
///   grows towards it and the gap R − bᵀx_k = ‖x − x_k‖²_A = Σ_{j≥k} α_j r_jᵀz_j (Hestenes–Stiefel). The terms of
///   the last d iterations estimate the gap at x_{k−d} from below (Strakoš–Tichý); d is taken long enough that
///   the terms have shrunk 16-fold across the window, and at least a quarter of the iterations so far (plateaus),
///   so the gap left at x_k is a small part of that estimate
///   (with terms shrinking by ρ per iteration, gap(x_k) ≈ window sum × ρ^d / (1 − ρ^d) ≤ 1/15 of it).
///   The residual test alone does not bound R: R − bᵀx_k = r_kᵀ L⁻¹ r_k can exceed ‖r_k‖² by 1/λ_min of L.
enum ConjugateGradient {
    struct Outcome {
        var x: [Double]
        /// Relative residual ‖b − L x‖ / ‖b‖, recomputed from x at the end (not the recurrence's).
        var residual: Double
        var iterations: Int
        /// Estimated relative error of bᵀx (the effective resistance of a unit pair): the window's sum / bᵀx.
        var energyError: Double
        /// Both tests met (false: the iterations ran out, or the preconditioner lost its positivity).
        var converged: Bool

        /// The error of a solve that did not converge, naming what was reached.
        func failure(_ method: String) -> CircuitError {
            CircuitError(String(format: "%@ did not converge: after %d iterations the relative residual is %.1e and the estimated relative error of the resistance %.1e; solver cholmod solves the circuit directly",
                                method, iterations, residual, energyError))
        }
    }

    /// Terms kept for the error estimate (the longest window).
    static let window = 1024

    /// - Parameters:
    ///   - multiply: q = L p.
    ///   - precondition: z ≈ L⁻¹ r.
    ///   - normL: ‖L‖∞ (twice the largest diagonal entry of a Laplacian), for the rounding floor of the residual.
    static func solve(_ b: [Double], tolerance: Double, energyTolerance: Double, maxIterations: Int, normL: Double,
                      multiply: (_ p: [Double], _ q: inout [Double]) -> Void,
                      precondition: (_ r: [Double], _ z: inout [Double]) -> Void) -> Outcome {
        let n = b.count
        var x = [Double](repeating: 0, count: n)
        var r = b
        let bnorm = (b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        guard bnorm > 0 else { return Outcome(x: x, residual: 0, iterations: 0, energyError: 0, converged: true) }
        var z = [Double](repeating: 0, count: n)
        precondition(r, &z)
        var p = z
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        var q = [Double](repeating: 0, count: n)
        var res = 1.0
        var it = 0
        // α_j r_jᵀz_j of the last `window` iterations (a ring) and their running total bᵀx_k.
        var terms = [Double](repeating: 0, count: window)
        var energy = 0.0, energyError = Double.infinity
        var converged = false
        while it < maxIterations {
            multiply(p, &q)
            var pq = 0.0, rr = 0.0
            p.withUnsafeBufferPointer { P in q.withUnsafeBufferPointer { Q in for i in 0..<n { pq += P[i] * Q[i] } } }
            // A Krylov space exhausted (small circuits reach the exact solution in at most n steps) or a preconditioner
            // no longer positive (AMG's over-correction): converged only in the first case.
            guard pq > 0, rz > 0 else { converged = it > 0 && res <= tolerance; break }
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
            let term = alpha * rz
            terms[it % window] = term
            energy += term
            it += 1
            res = rr.squareRoot() / bnorm
            energyError = windowEstimate(terms, count: it, energy: energy)
            if rr == 0 || (res <= tolerance && energyError <= energyTolerance) { converged = true; break }
            precondition(r, &z)
            var rzNew = 0.0
            r.withUnsafeBufferPointer { Rr in z.withUnsafeBufferPointer { Z in for i in 0..<n { rzNew += Rr[i] * Z[i] } } }
            let beta = rzNew / rz
            rz = rzNew
            p.withUnsafeMutableBufferPointer { P in z.withUnsafeBufferPointer { Z in for i in 0..<n { P[i] = Z[i] + beta * P[i] } } }
        }
        // The true residual (the recurrence's drifts from it in floating point).
        multiply(x, &q)
        var tr = 0.0
        for i in 0..<n { let d = b[i] - q[i]; tr += d * d }
        let trueResidual = tr.squareRoot() / bnorm
        // The recomputed residual cannot go below the rounding of L x itself, about ε ‖L‖ ‖x‖ (large conductances,
        // such as a ground tied to many cells, and large voltages): past that floor the recurrence's residual,
        // which keeps falling, is the one that tells convergence.
        let xnorm = (x.reduce(0) { $0 + $1 * $1 }).squareRoot()
        let floor = 64 * Double.ulpOfOne * normL * xnorm / bnorm
        return Outcome(x: x, residual: trueResidual, iterations: it, energyError: energyError,
                       converged: converged && trueResidual <= max(10 * tolerance, floor))
    }

    /// The relative gap estimate after `count` iterations: the sum of the last d terms over bᵀx_k, d the shortest
    /// window (at least 2 terms and a quarter of the iterations) whose newest term is at most 1/16 of its oldest; infinity when no window up to
    /// `window` terms has shrunk so (convergence too slow to estimate yet), unless the whole window together is
    /// below 1e-15 of bᵀx (nothing left that double precision could add).
    static func windowEstimate(_ terms: [Double], count: Int, energy: Double) -> Double {
        guard energy > 0 else { return .infinity }
        let newest = terms[(count - 1) % window]
        let available = min(count, window)
        // At least a quarter of the iterations so far: CG on contrasted grids has plateaus, where the terms stall
        // after a 16-fold drop; a window spanning a quarter of the run (up to `window`) takes them in (a window of 2 underestimated
        // a gap 24-fold on a 60 × 80 grid).
        let minimum = min(max(2, count / 4), window)
        var sum = 0.0
        for d in 1...available {
            let t = terms[(count - d) % window]
            sum += t
            if d >= minimum && newest * 16 <= t { return sum / energy }
        }
        return available == window && sum <= 1e-15 * energy ? sum / energy : .infinity
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
    ///
    /// With `solver` cholmod and single-node focal points the Laplacian is factored once for every pair: without
    /// `visit`, one solve per focal node gives every resistance (R_ab = G_aa + G_bb − 2 G_ab, G the grounded
    /// Laplacian's inverse); with `visit`, one solve per pair gives its voltages. Focal regions change the
    /// circuit for each pair (their cells are short-circuited): one factorisation per pair there.
    public static func resistances(_ c: Circuit, focalNodes: [[Int32]], include: ((Int, Int) -> Bool)? = nil, solver: CircuitSolverKind = .cg,
                                   visit: ((Solution) throws -> Void)? = nil) throws -> [[Double]] {
        let k = focalNodes.count
        maxResidual = 0
        var out = [[Double]](repeating: [Double](repeating: -1, count: k), count: k)
        let comp = c.components()
        let simple = focalNodes.allSatisfy { $0.count == 1 }
        var shared = GroundedSolver(circuit: c)
        if simple && solver == .cholmod && visit == nil {
            return try factoredResistances(c, focalNodes: focalNodes, include: include, components: comp)
        }
        // Large circuits: one AMG hierarchy for every pair (the Laplacian does not change), pairs solved
        // on both cores, each with its own work buffers.
        if simple && solver == .cg && c.nodeCount > 20_000 {
            return try parallelPairs(c, focalNodes: focalNodes, include: include, components: comp, visit: visit)
        }
        // Single-node focal points with cholmod: one factor for every pair, made at the first pair.
        var factor: CholmodFactor? = nil
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
                    var v: [Double], residual: Double
                    if solver == .cholmod {
                        if factor == nil { factor = try CholmodFactor(c) }
                        v = try factor!.solve(inj)
                        let vg = v[g], cg = comp[g]
                        for n in 0..<v.count { v[n] = comp[n] == cg ? v[n] - vg : 0 }
                        residual = c.relativeResidual(v, inj)
                    } else {
                        v = try shared.solve(injections: inj, ground: g)
                        residual = shared.lastResidual
                    }
                    sol = Solution(i: i, j: j, resistance: v[s], circuit: c, node: nil, voltages: v, source: s, ground: g, residual: residual)
                } else {
                    // Focal regions: short-circuit the two (MultiSolve switches to AMG on large circuits).
                    let ms = try MultiSolve.solve(c, sources: [(focalNodes[j], 1)], grounds: [focalNodes[i]], solver: solver)
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
    /// Every resistance from one CHOLMOD factor and one solve per focal node: x_a, the potentials for 1 A into a
    /// and out of its component's ground, gives G_ab = x_a(b), and R_ab = G_aa + G_bb − G_ab − G_ba.
    static func factoredResistances(_ c: Circuit, focalNodes: [[Int32]], include: ((Int, Int) -> Bool)?, components comp: [Int32]) throws -> [[Double]] {
        let k = focalNodes.count
        var out = [[Double]](repeating: [Double](repeating: -1, count: k), count: k)
        for i in 0..<k { out[i][i] = 0 }
        var pairs: [(Int, Int)] = []
        var needed = Set<Int>()
        for i in 0..<k { for j in (i + 1)..<max(k, i + 1) where include?(i, j) ?? true {
            let a = Int(focalNodes[i][0]), b = Int(focalNodes[j][0])
            guard comp[a] == comp[b] else { continue }
            if a == b { out[i][j] = 0; out[j][i] = 0; continue }
            pairs.append((i, j)); needed.insert(i); needed.insert(j)
        } }
        guard !pairs.isEmpty else { return out }
        let factor = try CholmodFactor(c)
        var g = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var b = [Double](repeating: 0, count: c.nodeCount)
        for a in needed.sorted() {
            let node = Int(focalNodes[a][0]), ground = factor.ground(of: node)
            b[node] = 1; b[ground] -= 1
            let x = try factor.solve(b)
            maxResidual = max(maxResidual, c.relativeResidual(x, b))
            b[node] = 0; b[ground] = 0
            for f in 0..<k { g[a][f] = x[Int(focalNodes[f][0])] }
        }
        for (i, j) in pairs {
            let r = g[i][i] + g[j][j] - g[i][j] - g[j][i]
            out[i][j] = r; out[j][i] = r
        }
        return out
    }

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
    ///   - solver: cg (AMG-preconditioned above 20 000 nodes, Jacobi below) or cholmod (one factorisation).
    public static func solve(_ c: Circuit, sources: [(nodes: [Int32], current: Double)], grounds: [[Int32]],
                             groundConductance: [(Int32, Double)] = [], solver: CircuitSolverKind = .cg) throws -> Solution {
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
        if solver == .cholmod {
            // The ground's component shifted to put the ground at 0 V; other components carry no current.
            v = try CholmodFactor(m).solve(inj)
            let comp = m.components()
            let vg = v[g], cg = comp[g]
            for i in 0..<v.count { v[i] = comp[i] == cg ? v[i] - vg : 0 }
            residual = m.relativeResidual(v, inj)
        } else if m.nodeCount > 20_000 {
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
