import Foundation

/// An aggregation algebraic-multigrid preconditioner for a circuit's Laplacian, built once and reused
/// for every right-hand side.
///
/// Setup: strongly connected neighbours (conductance ≥ θ × the node's largest) are grouped into
/// aggregates (a greedy three-pass aggregation), whose Galerkin coarse Laplacian sums the conductances
/// between aggregates — a Laplacian again, so levels repeat until a few hundred nodes remain, solved
/// densely (with a tiny diagonal shift: the Laplacian is singular). Cycle: a V-cycle with symmetric
/// Gauss–Seidel smoothing and an over-corrected coarse step, symmetric and positive, as conjugate
/// gradients need. Disconnected components never share an aggregate.
public final class AggregationAMG: @unchecked Sendable {
    struct Level {
        var n: Int
        var rowStart: [Int]
        var col: [Int32]
        var g: [Double]      // off-diagonal conductances (the matrix holds −g)
        var diag: [Double]
        var aggregate: [Int32] = []   // fine node → coarse node (empty on the coarsest)
        var coarseCount = 0
    }
    var levels: [Level] = []
    var coarseLU: [Double] = []   // dense Cholesky factor of the coarsest level
    var coarseN = 0
    public var overCorrection = 1.6
    public var levelCount: Int { levels.count }
    public var sizes: [Int] { levels.map(\.n) }

    public init(_ c: Circuit, strength theta: Double = 0.25, coarsest: Int = 400) {
        var level = Level(n: c.nodeCount, rowStart: c.rowStart, col: c.col, g: c.g, diag: c.diag)
        while level.n > coarsest {
            let (agg, count) = AggregationAMG.aggregate(level, theta: theta)
            if count >= level.n * 9 / 10 { break }   // no longer coarsening
            level.aggregate = agg; level.coarseCount = count
            let coarse = AggregationAMG.galerkin(level, agg: agg, count: count)
            levels.append(level)
            level = coarse
        }
        levels.append(level)
        factorCoarsest(level)
    }

    /// Greedy aggregation: (1) a node whose strong neighbours are all free seeds an aggregate with them;
    /// (2) free nodes join the aggregate they are most strongly tied to; (3) what is left seeds new ones.
    static func aggregate(_ L: Level, theta: Double) -> ([Int32], Int) {
        let n = L.n
        var agg = [Int32](repeating: -1, count: n)
        var count: Int32 = 0
        var maxG = [Double](repeating: 0, count: n)
        for i in 0..<n { for k in L.rowStart[i]..<L.rowStart[i + 1] { maxG[i] = max(maxG[i], L.g[k]) } }
        @inline(__always) func strong(_ i: Int, _ k: Int) -> Bool { L.g[k] >= theta * maxG[i] && L.g[k] > 0 }
        for i in 0..<n where agg[i] < 0 {
            var free = true
            for k in L.rowStart[i]..<L.rowStart[i + 1] where strong(i, k) && agg[Int(L.col[k])] >= 0 { free = false; break }
            guard free else { continue }
            agg[i] = count
            for k in L.rowStart[i]..<L.rowStart[i + 1] where strong(i, k) { agg[Int(L.col[k])] = count }
            count += 1
        }
        for i in 0..<n where agg[i] < 0 {
            var best: (Double, Int32) = (0, -1)
            for k in L.rowStart[i]..<L.rowStart[i + 1] {
                let a = agg[Int(L.col[k])]
                if a >= 0 && L.g[k] > best.0 { best = (L.g[k], a) }
            }
            if best.1 >= 0 { agg[i] = best.1 }
        }
        for i in 0..<n where agg[i] < 0 {
            agg[i] = count
            for k in L.rowStart[i]..<L.rowStart[i + 1] where agg[Int(L.col[k])] < 0 { agg[Int(L.col[k])] = count }
            count += 1
        }
        return (agg, Int(count))
    }

    /// Coarse Laplacian: conductances between aggregates summed; the diagonal keeps each aggregate's
    /// share of the fine diagonal not spent inside it (so a grounded fine node stays grounded).
    static func galerkin(_ L: Level, agg: [Int32], count: Int) -> Level {
        var rows = [[(Int32, Double)]](repeating: [], count: count)
        var diag = [Double](repeating: 0, count: count)
        var slot = [Int](repeating: -1, count: count)
        var members = [[Int]](repeating: [], count: count)
        for i in 0..<L.n { members[Int(agg[i])].append(i) }
        for I in 0..<count {
            var row: [(Int32, Double)] = []
            var d = 0.0
            for i in members[I] {
                d += L.diag[i]
                for k in L.rowStart[i]..<L.rowStart[i + 1] {
                    let J = Int(agg[Int(L.col[k])])
                    if J == I { d -= L.g[k]; continue }
                    if slot[J] >= 0 { row[slot[J]].1 += L.g[k] } else { slot[J] = row.count; row.append((Int32(J), L.g[k])) }
                }
            }
            for (J, _) in row { slot[Int(J)] = -1 }
            rows[I] = row; diag[I] = d
        }
        var start = [0], col: [Int32] = [], g: [Double] = []
        for r in rows { for (j, v) in r { col.append(j); g.append(v) }; start.append(col.count) }
        return Level(n: count, rowStart: start, col: col, g: g, diag: diag)
    }

    func factorCoarsest(_ L: Level) {
        let n = L.n
        coarseN = n
        var a = [Double](repeating: 0, count: n * n)
        let meanDiag = L.diag.reduce(0, +) / Double(max(n, 1))
        for i in 0..<n {
            a[i * n + i] = L.diag[i] + 1e-9 * max(meanDiag, 1e-300)
            for k in L.rowStart[i]..<L.rowStart[i + 1] { a[i * n + Int(L.col[k])] -= L.g[k] }
        }
        // Cholesky, lower triangle in place.
        for j in 0..<n {
            var s = a[j * n + j]
            for k in 0..<j { s -= a[j * n + k] * a[j * n + k] }
            let d = s > 0 ? s.squareRoot() : 1e-300
            a[j * n + j] = d
            for i in (j + 1)..<max(n, j + 1) {
                var t = a[i * n + j]
                for k in 0..<j { t -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = t / d
            }
        }
        coarseLU = a
    }

    func coarseSolve(_ b: [Double]) -> [Double] {
        let n = coarseN
        var y = b
        for i in 0..<n { var s = y[i]; for k in 0..<i { s -= coarseLU[i * n + k] * y[k] }; y[i] = s / coarseLU[i * n + i] }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]; for k in (i + 1)..<max(n, i + 1) { s -= coarseLU[k * n + i] * y[k] }; y[i] = s / coarseLU[i * n + i]
        }
        return y
    }

    /// Work vectors per level (solution, right-hand side, residual): one set per thread that cycles.
    public final class Work {
        var xs: [[Double]], bs: [[Double]], rs: [[Double]]
        /// Over-correction of the coarse step for the cycles run with these buffers.
        var overCorrection: Double
        init(_ levels: [Level], overCorrection: Double) {
            xs = levels.map { [Double](repeating: 0, count: $0.n) }
            bs = xs; rs = xs
            self.overCorrection = overCorrection
        }
    }

    public func makeWork() -> Work { Work(levels, overCorrection: overCorrection) }
    lazy var defaultWork = Work(levels, overCorrection: overCorrection)

    /// One Gauss–Seidel sweep on a level, forward or backward.
    static func sweep(_ L: Level, _ X: UnsafeMutablePointer<Double>, _ B: UnsafePointer<Double>, forward: Bool) {
        L.rowStart.withUnsafeBufferPointer { R in
            L.col.withUnsafeBufferPointer { C in
                L.g.withUnsafeBufferPointer { G in
                    L.diag.withUnsafeBufferPointer { D in
                        var i = forward ? 0 : L.n - 1
                        let step = forward ? 1 : -1
                        for _ in 0..<L.n {
                            let d = D[i]
                            if d > 0 {
                                var s = B[i]
                                for k in R[i]..<R[i + 1] { s += G[k] * X[Int(C[k])] }
                                X[i] = s / d
                            }
                            i += step
                        }
                    }
                }
            }
        }
    }

    /// z ≈ A⁻¹ r by one V-cycle (forward Gauss–Seidel down, backward up: a symmetric preconditioner).
    public func apply(_ r: [Double], into z: inout [Double], work w: Work) {
        w.bs[0].withUnsafeMutableBufferPointer { b in r.withUnsafeBufferPointer { src in b.baseAddress!.update(from: src.baseAddress!, count: r.count) } }
        cycle(0, w)
        z.withUnsafeMutableBufferPointer { d in w.xs[0].withUnsafeBufferPointer { src in d.baseAddress!.update(from: src.baseAddress!, count: src.count) } }
    }

    public func apply(_ r: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: r.count)
        apply(r, into: &z, work: defaultWork)
        return z
    }

    func cycle(_ l: Int, _ w: Work) {
        if l == levels.count - 1 { w.xs[l] = coarseSolve(w.bs[l]); return }
        let L = levels[l]
        let n = L.n, nc = L.coarseCount
        w.xs[l].withUnsafeMutableBufferPointer { X in
            w.bs[l].withUnsafeBufferPointer { B in
                w.rs[l].withUnsafeMutableBufferPointer { Rr in
                    for i in 0..<n { X[i] = 0 }
                    AggregationAMG.sweep(L, X.baseAddress!, B.baseAddress!, forward: true)
                    // Residual, restricted to the coarse level.
                    L.rowStart.withUnsafeBufferPointer { R in
                        L.col.withUnsafeBufferPointer { C in
                            L.g.withUnsafeBufferPointer { G in
                                L.diag.withUnsafeBufferPointer { D in
                                    for i in 0..<n {
                                        var s = B[i] - D[i] * X[i]
                                        for k in R[i]..<R[i + 1] { s += G[k] * X[Int(C[k])] }
                                        Rr[i] = s
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        w.bs[l + 1].withUnsafeMutableBufferPointer { BC in
            w.rs[l].withUnsafeBufferPointer { Rr in
                L.aggregate.withUnsafeBufferPointer { A in
                    for i in 0..<nc { BC[i] = 0 }
                    for i in 0..<n { BC[Int(A[i])] += Rr[i] }
                }
            }
        }
        cycle(l + 1, w)
        let over = w.overCorrection
        let coarse = w.xs[l + 1]
        let rhs = w.bs[l]
        w.xs[l].withUnsafeMutableBufferPointer { X in
            coarse.withUnsafeBufferPointer { EC in
                L.aggregate.withUnsafeBufferPointer { A in
                    for i in 0..<n { X[i] += over * EC[Int(A[i])] }
                }
            }
            rhs.withUnsafeBufferPointer { B in AggregationAMG.sweep(L, X.baseAddress!, B.baseAddress!, forward: false) }
        }
    }
}

/// Conjugate gradients preconditioned by aggregation AMG on a (possibly singular, consistent)
/// Laplacian system: injections that sum to zero in each component.
public struct AMGSolver {
    public let circuit: Circuit
    public let amg: AggregationAMG
    /// Relative residual to reach, and estimated relative error of bᵀv (the resistance of a unit pair; see
    /// `ConjugateGradient`).
    public var tolerance = 1e-10
    public var resistanceTolerance = 1e-12
    public var maxIterations = 2000
    public private(set) var lastIterations = 0
    public private(set) var lastResidual = 0.0
    public private(set) var lastResistanceError = 0.0

    let component: [Int32]
    let componentCount: Int
    let work: AggregationAMG.Work

    public init(circuit: Circuit) {
        self.circuit = circuit
        amg = AggregationAMG(circuit)
        component = circuit.components()
        componentCount = Int((component.max() ?? -1) + 1)
        work = amg.makeWork()
    }

    init(sharing other: AMGSolver) {
        circuit = other.circuit; amg = other.amg; component = other.component; componentCount = other.componentCount
        tolerance = other.tolerance; resistanceTolerance = other.resistanceTolerance; maxIterations = other.maxIterations
        work = amg.makeWork()
    }

    /// Another solver on the same hierarchy, with work buffers of its own (for a second thread).
    public func forked() -> AMGSolver { AMGSolver(sharing: self) }

    /// Removes the constant part of z on each component: the Laplacian's null space, which the
    /// nearly singular coarse solve would otherwise blow up.
    func deflate(_ z: inout [Double]) {
        var sum = [Double](repeating: 0, count: componentCount), count = [Int](repeating: 0, count: componentCount)
        for i in 0..<z.count { let c = Int(component[i]); sum[c] += z[i]; count[c] += 1 }
        for c in 0..<componentCount where count[c] > 0 { sum[c] /= Double(count[c]) }
        for i in 0..<z.count { z[i] -= sum[Int(component[i])] }
    }

    /// Voltages up to a constant per component (differences are exact): L v = b.
    /// Over-correction speeds the cycle up but can cost it its positivity on some circuits: when CG
    /// breaks down, the solve restarts with a plain coarse correction.
    public mutating func solve(_ b: [Double]) throws -> [Double] {
        do { return try solveOnce(b) } catch let first as CircuitError {
            let w = work.overCorrection
            work.overCorrection = 1
            defer { work.overCorrection = w }
            do { return try solveOnce(b) } catch { throw first }
        }
    }

    mutating func solveOnce(_ b: [Double]) throws -> [Double] {
        let (c, amg, work) = (circuit, amg, work)
        let out = ConjugateGradient.solve(b, tolerance: tolerance, energyTolerance: resistanceTolerance, maxIterations: maxIterations,
                                          normL: 2 * (c.diag.max() ?? 0),
            multiply: { p, q in c.multiply(p, into: &q) },
            precondition: { r, z in amg.apply(r, into: &z, work: work); deflate(&z) })
        lastIterations = out.iterations; lastResidual = out.residual; lastResistanceError = out.energyError
        guard out.converged else { throw out.failure("conjugate gradients (AMG)") }
        return out.x
    }
}
