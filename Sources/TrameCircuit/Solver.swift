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
        let n = circuit.nodeCount
        var x = [Double](repeating: 0, count: n)
        var r = b
        r[ground] = 0
        let bnorm = (r.reduce(0) { $0 + $1 * $1 }).squareRoot()
        guard bnorm > 0 else { return x }
        var z = [Double](repeating: 0, count: n)
        let inv = circuit.diag.map { $0 > 0 ? 1 / $0 : 0 }
        for i in 0..<n { z[i] = r[i] * inv[i] }
        z[ground] = 0
        var p = z
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        var q = [Double](repeating: 0, count: n)
        var it = 0
        var res = 1.0
        while it < maxIterations {
            it += 1
            circuit.multiply(p, into: &q)
            q[ground] = 0
            var pq = 0.0
            for i in 0..<n { pq += p[i] * q[i] }
            guard pq > 0 else { break }
            let alpha = rz / pq
            var rr = 0.0
            for i in 0..<n { x[i] += alpha * p[i]; r[i] -= alpha * q[i]; rr += r[i] * r[i] }
            res = rr.squareRoot() / bnorm
            if res < tolerance { break }
            var rzNew = 0.0
            for i in 0..<n { z[i] = r[i] * inv[i]; rzNew += r[i] * z[i] }
            z[ground] = 0
            let beta = rzNew / rz
            rz = rzNew
            for i in 0..<n { p[i] = z[i] + beta * p[i] }
        }
        lastResidual = res; lastIterations = it
        guard res < max(tolerance * 1000, 1e-6) else {
            throw CircuitError("the solver stopped at a relative residual of \(res) after \(it) iterations")
        }
        x[ground] = 0
        return x
    }
}

/// Pairwise effective resistances between focal nodes, as Circuitscape's pairwise mode: for each pair,
/// the cells of its two focal regions are short-circuited (the other focal regions are left as they
/// are), 1 A is injected at one and the other is grounded; R = V.
public enum Pairwise {
    /// Resistance between each pair of focal nodes (−1 when they lie in different components).
    /// `include` limits the pairs solved (nil = all).
    public static func resistances(_ c: Circuit, focalNodes: [[Int32]], include: ((Int, Int) -> Bool)? = nil) throws -> [[Double]] {
        let k = focalNodes.count
        var out = [[Double]](repeating: [Double](repeating: -1, count: k), count: k)
        let comp = c.components()
        let simple = focalNodes.allSatisfy { $0.count == 1 }
        var shared = GroundedSolver(circuit: c)
        for i in 0..<k {
            out[i][i] = 0
            for j in (i + 1)..<max(k, i + 1) {
                guard include?(i, j) ?? true else { continue }
                // Connected when some cell of one region shares a component with some cell of the other.
                let ci = Set(focalNodes[i].map { comp[Int($0)] })
                guard focalNodes[j].contains(where: { ci.contains(comp[Int($0)]) }) else { continue }
                if !Set(focalNodes[i]).isDisjoint(with: focalNodes[j]) { out[i][j] = 0; out[j][i] = 0; continue }
                let r: Double
                if simple {
                    let a = Int(focalNodes[i][0]), b = Int(focalNodes[j][0])
                    var inj = [Double](repeating: 0, count: c.nodeCount)
                    inj[a] = 1; inj[b] = -1
                    r = try shared.solve(injections: inj, ground: b)[a]
                } else {
                    let (m, map) = c.merging([focalNodes[i], focalNodes[j]])
                    let a = Int(map[Int(focalNodes[i][0])]), b = Int(map[Int(focalNodes[j][0])])
                    var inj = [Double](repeating: 0, count: m.nodeCount)
                    inj[a] = 1; inj[b] = -1
                    var solver = GroundedSolver(circuit: m)
                    r = try solver.solve(injections: inj, ground: b)[a]
                }
                out[i][j] = r; out[j][i] = r
            }
        }
        return out
    }
}
