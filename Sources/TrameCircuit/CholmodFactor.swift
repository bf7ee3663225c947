import CCholmod
import Foundation

/// Which linear solver a circuit is solved with (Circuitscape's `solver` option).
public enum CircuitSolverKind: String, Sendable, CaseIterable {
    /// Conjugate gradients (Jacobi-preconditioned below 20 000 nodes, AMG-preconditioned above), stopped when both
    /// the relative residual and the estimated relative error of the effective resistance are below 1e-10:
    /// no factor held in memory. Circuitscape's `cg+amg`.
    case cg
    /// SuiteSparse's CHOLMOD: a supernodal Cholesky factor of the grounded Laplacian, built once per circuit and
    /// reused for every pair (one forward and one backward substitution each). Exact to rounding; the factor
    /// takes memory (about 60 doubles per node on a 1000 × 1000 grid).
    case cholmod

    /// The .ini's value: Circuitscape's `cg+amg` (its default) or `cg` is `cg`; `cholmod` is `cholmod`.
    public init(iniValue: String) throws {
        switch iniValue.lowercased() {
        case "cg+amg", "cg", "amg", "": self = .cg
        case "cholmod": self = .cholmod
        default: throw CircuitscapeFileError("solver '\(iniValue)' is not supported: cg+amg or cholmod")
        }
    }
}

/// A circuit's Laplacian factored once by CHOLMOD (supernodal LLᵀ), with the lowest-numbered node of every
/// component grounded (its row and column removed): the reduced matrix is symmetric positive definite, block
/// diagonal with one block per component, so one factorisation serves each component. Isolated nodes carry no
/// equation. Then `solve` answers any injection vector that sums to zero on each component.
///
/// Not for two threads at once: each solve reuses the factor's work space.
public final class CholmodFactor {
    public let nodeCount: Int
    /// Position of each node in the reduced system; −1 for the grounded node of its component and isolated nodes.
    let reduced: [Int]
    /// Component of each node, and the node grounded in each component.
    let component: [Int32]
    let groundNode: [Int]
    /// Equations: nodes less one per component.
    public let equations: Int
    /// Entries of the factor L (CHOLMOD's count, supernodal amalgamation included).
    public private(set) var factorEntries = 0.0
    let common: UnsafeMutablePointer<cholmod_common>
    var factor: UnsafeMutablePointer<cholmod_factor>?
    var rhs: UnsafeMutablePointer<cholmod_dense>?
    var solution: UnsafeMutablePointer<cholmod_dense>?, workY: UnsafeMutablePointer<cholmod_dense>?, workE: UnsafeMutablePointer<cholmod_dense>?

    public init(_ c: Circuit) throws {
        nodeCount = c.nodeCount
        let comp = c.components()
        var ground = [Int](repeating: -1, count: Int((comp.max() ?? -1) + 1))
        var reduced = [Int](repeating: -1, count: c.nodeCount)
        var n = 0
        for u in 0..<c.nodeCount {
            let k = Int(comp[u])
            if ground[k] < 0 { ground[k] = u; continue }   // the first node met in each component is its ground
            reduced[u] = n; n += 1
        }
        self.reduced = reduced
        component = comp
        groundNode = ground
        equations = n
        common = UnsafeMutablePointer<cholmod_common>.allocate(capacity: 1)
        cholmod_l_start(common)
        common.pointee.print = 0                  // errors come back as statuses, never printed
        common.pointee.supernodal = trame_cholmod_supernodal
        guard n > 0 else { return }
        // The lower triangle of the reduced matrix, by columns (CHOLMOD's stype −1): column j holds the diagonal,
        // then −g for each neighbour of larger reduced index, rows sorted.
        var entries = n
        for u in 0..<c.nodeCount where reduced[u] >= 0 {
            for k in c.rowStart[u]..<c.rowStart[u + 1] where reduced[Int(c.col[k])] > reduced[u] { entries += 1 }
        }
        guard let A = cholmod_l_allocate_sparse(n, n, entries, 1, 1, -1, trame_cholmod_real, common) else { throw Self.failure(common, n, "building the matrix") }
        defer { var a: UnsafeMutablePointer<cholmod_sparse>? = A; cholmod_l_free_sparse(&a, common) }
        let P = A.pointee.p.assumingMemoryBound(to: Int.self), I = A.pointee.i.assumingMemoryBound(to: Int.self)
        let X = A.pointee.x.assumingMemoryBound(to: Double.self)
        var e = 0
        c.rowStart.withUnsafeBufferPointer { R in
            c.col.withUnsafeBufferPointer { C in
                c.g.withUnsafeBufferPointer { G in
                    for u in 0..<c.nodeCount where reduced[u] >= 0 {
                        let j = reduced[u]
                        P[j] = e
                        I[e] = j; X[e] = c.diag[u]; e += 1
                        let first = e
                        for k in R[u]..<R[u + 1] {
                            let i = reduced[Int(C[k])]
                            guard i > j else { continue }
                            // Insertion into the column's sorted rows (a handful per column).
                            var p = e
                            while p > first && I[p - 1] > i { I[p] = I[p - 1]; X[p] = X[p - 1]; p -= 1 }
                            I[p] = i; X[p] = -G[k]; e += 1
                        }
                    }
                }
            }
        }
        P[n] = e
        guard let L = cholmod_l_analyze(A, common), common.pointee.status >= trame_cholmod_ok else { throw Self.failure(common, n, "ordering the matrix") }
        factor = L
        cholmod_l_factorize(A, L, common)
        if common.pointee.status == trame_cholmod_not_posdef {
            throw CircuitError("CHOLMOD: the grounded Laplacian (\(n) nodes) is not positive definite (its factorisation stopped at column \(L.pointee.minor)): conductances too far apart for double precision")
        }
        guard common.pointee.status >= trame_cholmod_ok else { throw Self.failure(common, n, "factoring the matrix") }
        factorEntries = common.pointee.lnz
        guard let B = cholmod_l_zeros(n, 1, trame_cholmod_real, common) else { throw Self.failure(common, n, "allocating a right-hand side") }
        rhs = B
    }

    static func failure(_ common: UnsafeMutablePointer<cholmod_common>, _ n: Int, _ step: String) -> CircuitError {
        switch common.pointee.status {
        case trame_cholmod_out_of_memory: return CircuitError("CHOLMOD ran out of memory \(step) (\(n) nodes): use solver cg, which keeps no factor")
        case trame_cholmod_too_large: return CircuitError("CHOLMOD: the circuit (\(n) nodes) is too large for its integers \(step)")
        default: return CircuitError("CHOLMOD failed \(step) (\(n) nodes, status \(common.pointee.status))")
        }
    }

    deinit {
        if factor != nil { cholmod_l_free_factor(&factor, common) }
        for d in [rhs, solution, workY, workE] where d != nil { var p = d; cholmod_l_free_dense(&p, common) }
        cholmod_l_finish(common)
        common.deallocate()
    }

    /// The node held at 0 V in the component of `node`.
    public func ground(of node: Int) -> Int { groundNode[Int(component[node])] }

    /// Voltages for the injections b (A per node; summing to zero on each component), with the ground of each
    /// component at 0 V (and isolated nodes at 0 V).
    public func solve(_ b: [Double]) throws -> [Double] {
        var v = [Double](repeating: 0, count: nodeCount)
        guard equations > 0, let B = rhs, let L = factor else { return v }
        let bx = B.pointee.x.assumingMemoryBound(to: Double.self)
        reduced.withUnsafeBufferPointer { Rd in b.withUnsafeBufferPointer { Bv in for u in 0..<nodeCount where Rd[u] >= 0 { bx[Rd[u]] = Bv[u] } } }
        guard cholmod_l_solve2(trame_cholmod_solve_a, L, B, nil, &solution, nil, &workY, &workE, common) != 0, let S = solution else {
            throw Self.failure(common, equations, "solving")
        }
        let sx = S.pointee.x.assumingMemoryBound(to: Double.self)
        reduced.withUnsafeBufferPointer { Rd in v.withUnsafeMutableBufferPointer { V in for u in 0..<nodeCount where Rd[u] >= 0 { V[u] = sx[Rd[u]] } } }
        return v
    }
}

extension Circuit {
    /// ‖b − L v‖ / ‖b‖ (0 when b = 0).
    public func relativeResidual(_ v: [Double], _ b: [Double]) -> Double {
        var q = [Double](repeating: 0, count: nodeCount)
        multiply(v, into: &q)
        var rr = 0.0, bb = 0.0
        for i in 0..<nodeCount { let d = b[i] - q[i]; rr += d * d; bb += b[i] * b[i] }
        return bb > 0 ? (rr / bb).squareRoot() : 0
    }
}
