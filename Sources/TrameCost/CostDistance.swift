import TrameRaster

/// A source of a cost-distance search: a cell index and the id its allocation zone takes.
public struct CostSource: Sendable, Equatable {
    public var cell: Int
    public var id: Int32
    public init(cell: Int, id: Int32) { self.cell = cell; self.id = id }
}

/// Accumulated cost from the nearest source, with the back-links to trace paths.
public struct CostSurface: Sendable {
    /// Accumulated cost per cell in resistance × metres; `CostSurface.unreached` where unreachable or impassable.
    public var cost: Grid<Double>
    /// Back-link per cell: 0 for sources and unreached cells, else 1 + the index of the step in
    /// `neighbourhood.steps` that led *into* the cell (the predecessor is the cell minus that step).
    /// Nil when not asked for.
    public var backLink: Grid<UInt8>?
    /// Id of the source each cell is allocated to (nearest by cost), when asked for; −1 where unreached.
    public var allocation: Grid<Int32>?
    public var neighbourhood: Neighbourhood

    public static let unreached: Double = -1
}

/// Multi-source accumulated cost over a resistance grid (Dijkstra's algorithm on the cell graph).
///
/// Moving between two adjacent cells costs the mean of their resistances times the step length in
/// metres (cell size, ×√2 on diagonals). With 16 neighbours, a knight's move costs the mean of the four
/// cells it crosses (start, end and the two cells beside the move) times √5 cell sizes, and is barred when
/// any of them is impassable — the rule of GRASS `r.cost -k`, so results match GRASS × cell size.
///
/// Memory: 8 bytes per cell for costs, 1 for back-links and search state, 4 more for the allocation
/// when asked; the resistance grid is read in place.
/// - Complexity: O(N log F) for N reachable cells and a frontier of F cells.
public enum CostDistance {
    public static func compute(resistance: Grid<Float>, sources: [CostSource], neighbourhood: Neighbourhood = .queen,
                               maxCost: Double? = nil, allocation wantAllocation: Bool = false, backLinks: Bool = true,
                               progress: ((Double) -> Void)? = nil) throws -> CostSurface {
        let spec = resistance.spec
        let cols = spec.cols, rows = spec.rows, n = spec.count
        guard !sources.isEmpty else { throw CostError.noSource }
        for s in sources {
            guard s.cell >= 0 && s.cell < n else { throw CostError.sourceOutsideGrid(cell: s.cell, cols: cols, rows: rows) }
            let r = resistance.values[s.cell]
            guard !resistance.isNoData(r), r > 0, r.isFinite else {
                throw CostError.sourceImpassable(id: s.id, column: s.cell % cols, row: s.cell / cols)
            }
        }
        let moves = StepCosts(spec: spec, neighbourhood: neighbourhood, noData: resistance.noData)
        let stepCount = moves.steps.count

        var cost = LargeBuffer.array(repeating: Double.infinity, count: n)
        var alloc: [Int32] = wantAllocation ? LargeBuffer.array(repeating: Int32(-1), count: n) : []
        let heap = RadixHeap()
        let limit = maxCost ?? .infinity
        let nd = resistance.noData ?? .nan

        for s in sources {
            if cost[s.cell] > 0 || (wantAllocation && alloc[s.cell] < 0) {
                cost[s.cell] = 0
                if wantAllocation { alloc[s.cell] = s.id }
                heap.push(0, s.cell)
            }
        }
        // Per-step constants in plain buffers: offset, factor (length / number of cells averaged),
        // and for knight's moves the two cells beside.
        let off = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        let fac = UnsafeMutableBufferPointer<Double>.allocate(capacity: stepCount)
        let b1 = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        let b2 = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        defer { off.deallocate(); fac.deallocate(); b1.deallocate(); b2.deallocate() }
        for k in 0..<stepCount {
            off[k] = moves.offsets[k]
            fac[k] = moves.lengths[k] / (moves.isKnight[k] ? 4 : 2)
            b1[k] = moves.beside[k].0; b2[k] = moves.beside[k].1
        }
        let reach = neighbourhood == .knight ? 2 : 1
        let plain = neighbourhood == .knight ? 8 : stepCount
        var settled = 0
        let reportEvery = max(1, n / 100)
        var nextReport = progress == nil ? -1 : reportEvery
        resistance.values.withUnsafeBufferPointer { Rb in
            cost.withUnsafeMutableBufferPointer { Cb in
                do {
                    alloc.withUnsafeMutableBufferPointer { A in
                        let R = Rb.baseAddress!, C = Cb.baseAddress!
                        // Impassable: NoData, ≤ 0 or not finite.
                        @inline(__always) func open(_ r: Float) -> Bool { r > 0 && r < .infinity && r != nd }
                        // A settled cell holds its cost negated (sign bit set): any new cost (≥ 0) compares
                        // greater, so settled neighbours are skipped by the same test that relaxes the others.
                        @inline(__always) func relax(_ v: Int, _ u: Int, _ k: Int, _ nc: Double) {
                            if nc < C[u] {
                                C[u] = nc
                                if wantAllocation { A[u] = A[v] }
                                heap.push(nc, u)
                            }
                        }
                        while let (vc, v) = heap.popMin() {
                            let cv = C[v]
                            if cv.sign == .minus || vc > cv { continue }
                            if vc > limit { break }
                            C[v] = -vc
                            settled += 1
                            if settled == nextReport { progress?(Double(settled) / Double(n)); nextReport += reportEvery }
                            let rv = Double(R[v])
                            let r = v / cols, c = v - r * cols
                            if c >= reach && r >= reach && c < cols - reach && r < rows - reach {
                                // Interior cell: no bounds checks.
                                for k in 0..<plain {
                                    let u = v + off[k]
                                    if C[u].sign == .minus { continue }
                                    let ru = R[u]
                                    if !open(ru) { continue }
                                    relax(v, u, k, vc + (rv + Double(ru)) * fac[k])
                                }
                                if plain < stepCount {
                                    for k in plain..<stepCount {
                                        let u = v + off[k]
                                        if C[u].sign == .minus { continue }
                                        let ru = R[u], m1 = R[v + b1[k]], m2 = R[v + b2[k]]
                                        if !open(ru) || !open(m1) || !open(m2) { continue }
                                        relax(v, u, k, vc + (rv + Double(ru) + Double(m1) + Double(m2)) * fac[k])
                                    }
                                }
                            } else {
                                Rb.withMemoryRebound(to: Float.self) { rb in
                                    for k in 0..<stepCount {
                                        guard let u = moves.target(v, c, r, k), C[u].sign != .minus,
                                              let step = moves.cost(rb, v, u, k) else { continue }
                                        relax(v, u, k, vc + step)
                                    }
                                }
                            }
                        }
                        // Settled cells get their cost back; the others (beyond the max cost, or never
                        // reached) are NoData.
                        for i in 0..<n {
                            if C[i].sign == .minus {
                                C[i] = -C[i]
                            } else {
                                C[i] = CostSurface.unreached
                                if wantAllocation { A[i] = -1 }
                            }
                        }
                    }
                }
            }
        }
        let back = backLinks ? BackLinks.compute(resistance: resistance, cost: cost, moves: moves, reach: reach, fac: Array(fac)) : nil
        return CostSurface(cost: Grid(spec: spec, values: cost, noData: CostSurface.unreached),
                           backLink: back.map { Grid(spec: spec, values: $0, noData: nil) },
                           allocation: wantAllocation ? Grid(spec: spec, values: alloc, noData: -1) : nil,
                           neighbourhood: neighbourhood)
    }
}


/// Back-links found after the search, in parallel: each reached cell takes the first move from a
/// neighbour whose cost plus the move's cost equals its own (the same floating-point expression as the
/// search, so equality is exact). Keeping them out of the search loop saves a random write per relaxation.
enum BackLinks {
    static func compute(resistance: Grid<Float>, cost: [Double], moves: StepCosts, reach: Int, fac: [Double]) -> [UInt8] {
        let cols = moves.cols, rows = moves.rows, n = cost.count
        var out = LargeBuffer.array(repeating: UInt8(0), count: n)
        let plain = moves.steps.count == 16 ? 8 : moves.steps.count
        let bands = 64
        out.withUnsafeMutableBufferPointer { O in
            let outPtr = O.baseAddress!
            resistance.values.withUnsafeBufferPointer { Rb in
                cost.withUnsafeBufferPointer { Cb in
                    Workers.perform(parts: bands) { band in
                        let r0 = band * rows / bands, r1 = (band + 1) * rows / bands
                        for r in r0..<r1 {
                            for c in 0..<cols {
                                let u = r * cols + c
                                let cu = Cb[u]
                                if cu <= 0 { continue } // source or unreached
                                let ru = Double(Rb[u])
                                for k in 0..<moves.steps.count {
                                    let s = moves.steps[k]
                                    let pc = c - s.dc, pr = r - s.dr
                                    if pc < 0 || pc >= cols || pr < 0 || pr >= rows { continue }
                                    let v = u - moves.offsets[k]
                                    let cv = Cb[v]
                                    if cv < 0 || cv >= cu { continue }
                                    // Recompute the cost exactly as the search did from v.
                                    let nc: Double?
                                    if pc >= reach && pr >= reach && pc < cols - reach && pr < rows - reach {
                                        if k < plain {
                                            nc = moves.passable(Rb[v]) && moves.passable(Rb[u]) ? cv + (Double(Rb[v]) + ru) * fac[k] : nil
                                        } else {
                                            let m1 = Rb[v + moves.beside[k].0], m2 = Rb[v + moves.beside[k].1]
                                            nc = moves.passable(Rb[v]) && moves.passable(Rb[u]) && moves.passable(m1) && moves.passable(m2)
                                                ? cv + (Double(Rb[v]) + ru + Double(m1) + Double(m2)) * fac[k] : nil
                                        }
                                    } else {
                                        nc = moves.cost(Rb, v, u, k).map { cv + $0 }
                                    }
                                    if nc == cu { outPtr[u] = UInt8(k + 1); break }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

import Foundation
