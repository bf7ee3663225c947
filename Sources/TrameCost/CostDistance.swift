import TrameGraph
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
    public var backLink: Grid<UInt8>
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
                               maxCost: Double? = nil, allocation wantAllocation: Bool = false,
                               progress: ((Double) -> Void)? = nil) throws -> CostSurface {
        let spec = resistance.spec
        let cols = spec.cols, rows = spec.rows, n = spec.count
        guard !sources.isEmpty else { throw CostError("no source cell") }
        for s in sources {
            guard s.cell >= 0 && s.cell < n else { throw CostError("source cell \(s.cell) lies outside the \(cols)×\(rows) grid") }
            let r = resistance.values[s.cell]
            guard !resistance.isNoData(r), r > 0, r.isFinite else {
                throw CostError("source \(s.id) at column \(s.cell % cols), row \(s.cell / cols) lies on an impassable cell")
            }
        }
        let moves = StepCosts(spec: spec, neighbourhood: neighbourhood, noData: resistance.noData)
        let stepCount = moves.steps.count

        var cost = [Double](repeating: .infinity, count: n)
        var state = [UInt8](repeating: 0, count: n)   // bit 7: settled; bits 0–4: back-link
        var alloc: [Int32] = wantAllocation ? [Int32](repeating: -1, count: n) : []
        var heap = CostHeap(capacity: 1 << 16)
        let limit = maxCost ?? .infinity
        let settledBit: UInt8 = 0x80

        for s in sources {
            if cost[s.cell] > 0 || (wantAllocation && alloc[s.cell] < 0) {
                cost[s.cell] = 0
                if wantAllocation { alloc[s.cell] = s.id }
                heap.push(0, s.cell)
            }
        }
        var settled = 0
        let reportEvery = max(1, n / 100)
        resistance.values.withUnsafeBufferPointer { R in
            cost.withUnsafeMutableBufferPointer { C in
                state.withUnsafeMutableBufferPointer { S in
                    alloc.withUnsafeMutableBufferPointer { A in
                        while let e = heap.popMin() {
                            let v = e.index
                            if S[v] & settledBit != 0 || e.cost > C[v] { continue }
                            if e.cost > limit { break }
                            S[v] |= settledBit
                            settled += 1
                            if let p = progress, settled % reportEvery == 0 { p(Double(settled) / Double(n)) }
                            let c = v % cols, r = v / cols
                            for k in 0..<stepCount {
                                guard let u = moves.target(v, c, r, k), S[u] & settledBit == 0,
                                      let step = moves.cost(R, v, u, k) else { continue }
                                let nc = e.cost + step
                                if nc < C[u] {
                                    C[u] = nc
                                    S[u] = (S[u] & settledBit) | UInt8(k + 1)
                                    if wantAllocation { A[u] = A[v] }
                                    heap.push(nc, u)
                                }
                            }
                        }
                        // Unsettled cells (beyond the max cost, or never reached) are NoData.
                        for i in 0..<n where S[i] & settledBit == 0 {
                            C[i] = CostSurface.unreached
                            S[i] = 0
                            if wantAllocation { A[i] = -1 }
                        }
                    }
                }
            }
        }
        // Keep only the back-link bits; sources have 0.
        for s in sources { state[s.cell] = 0 }
        for i in 0..<n { state[i] &= 0x1F }
        return CostSurface(cost: Grid(spec: spec, values: cost, noData: CostSurface.unreached),
                           backLink: Grid(spec: spec, values: state, noData: nil),
                           allocation: wantAllocation ? Grid(spec: spec, values: alloc, noData: -1) : nil,
                           neighbourhood: neighbourhood)
    }
}
