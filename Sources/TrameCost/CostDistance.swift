import CTrameSys
import Foundation
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
    /// Id of the source each cell is allocated to (nearest by cost), when asked for; −1 where unreached. A cell
    /// reached at the same least cost from several sources goes to the lowest id among its cheapest
    /// neighbours' (the same whatever order the search settles them in).
    public var allocation: Grid<Int32>?
    public var neighbourhood: Neighbourhood

    public static let unreached: Double = -1
}

/// Multi-source accumulated cost over a resistance grid (Dijkstra's algorithm on the cell graph, settling
/// a cost band at a time).
///
/// Moving between two adjacent cells costs the mean of their resistances times the step length in
/// metres (cell size, ×√2 on diagonals). With 16 neighbours, a knight's move costs the mean of the four
/// cells it crosses (start, end and the two cells beside the move) times √5 cell sizes, and is barred when
/// any of them is impassable — the rule of GRASS `r.cost -k`, so results match GRASS × cell size.
///
/// Cells are settled in bands of cost Δ = half the cheapest possible move (least resistance × shortest
/// step): no move out of a band can land in the same band, so every tentative cost in the band is already
/// final and the band's cells may be settled in any order (Dial 1969, "Algorithm 360: shortest-path forest
/// with topological ordering", CACM 12(11), with buckets of width below the least arc cost). The order
/// within a band lets the next cells' memory be fetched ahead of use; costs are the same sums as cell-by-cell
/// Dijkstra, bit for bit. When the cost range would overflow the band numbers, bands shrink to single
/// cost values (plain Dijkstra).
///
/// Memory (`SearchMemory`): `.fast` holds 16 bytes per cell during the search (cost, resistance and zone side
/// by side, one cache line per row of a move), compacted in place into the 8-byte costs returned; `.lean`
/// searches in the 8-byte costs returned and the 4-byte allocation, reading the resistance from its grid (a
/// second stream of memory: slower, for a scheme that holds other grids meanwhile). 1 byte more for
/// back-links, and 4 for the allocation when asked. The resistance grid is only read.
/// - Complexity: O(N log K) for N reachable cells and K bands of cost.
/// How much memory a cost-distance search may hold (see `CostDistance`).
public enum SearchMemory: Sendable {
    /// 16 bytes a cell while searching: cost, resistance and zone on one cache line (the fastest).
    case fast
    /// 8 bytes a cell, plus 4 for the zones (the allocation): the resistance is read from its grid. Used when
    /// the grid's NoData cannot pass for a resistance (none, NaN, or ≤ 0, as in the scheme's resistance
    /// grids); otherwise the search falls back to `.fast`.
    case lean
}

public enum CostDistance {
    /// One cell's search state, together so a relaxation reads cost and resistance from one cache line.
    struct SearchCell {
        /// Tentative cost; negated once settled (sign bit set); −∞ for impassable cells.
        var cost: Double
        /// Resistance; −1 where impassable.
        var resistance: Float
        /// Id of the source the cost comes from; −1 before any.
        var zone: Int32
    }

    /// Cells fetched ahead of the one being settled, in the current band.
    static let lookahead = 6

    public static func compute(resistance: Grid<Float>, sources: [CostSource], neighbourhood: Neighbourhood = .queen,
                               maxCost: Double? = nil, allocation wantAllocation: Bool = false, backLinks: Bool = true,
                               memory: SearchMemory = .fast, progress: ((Double) -> Void)? = nil) throws -> CostSurface {
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
        return compute(resistance: resistance, forEachSource: { body in for s in sources { body(s.cell, s.id) } },
                       neighbourhood: neighbourhood, maxCost: maxCost, allocation: wantAllocation, backLinks: backLinks,
                       memory: memory, progress: progress)
    }

    /// The same from a grid of source ids: every cell with an id above 0 whose resistance is passable is a
    /// source of that id (impassable ones are skipped), read from the grid rather than from a list (which takes
    /// 16 bytes per source cell: 2 bytes a grid cell when reservoirs cover an eighth of it).
    /// - Throws: `CostError.patchGridNotAligned` for grids of other shapes, `CostError.patchesImpassable` when
    ///   no labelled cell is passable.
    public static func compute(resistance: Grid<Float>, sourceLabels: Grid<Int32>, neighbourhood: Neighbourhood = .queen,
                               maxCost: Double? = nil, allocation wantAllocation: Bool = false, backLinks: Bool = true,
                               memory: SearchMemory = .fast, progress: ((Double) -> Void)? = nil) throws -> CostSurface {
        guard resistance.spec.isGeometricallyAligned(with: sourceLabels.spec) else { throw CostError.patchGridNotAligned }
        let L = sourceLabels.values, R = resistance.values
        let nd = resistance.noData ?? .nan
        @inline(__always) func passable(_ i: Int) -> Bool { L[i] > 0 && R[i] > 0 && R[i] < .infinity && R[i] != nd }
        guard L.indices.contains(where: passable) else { throw CostError.patchesImpassable }
        return compute(resistance: resistance, forEachSource: { body in for i in L.indices where passable(i) { body(i, L[i]) } },
                       neighbourhood: neighbourhood, maxCost: maxCost, allocation: wantAllocation, backLinks: backLinks,
                       memory: memory, progress: progress)
    }

    /// The search from sources given one by one (cell, id), checked by the caller: in the grid and passable.
    static func compute(resistance: Grid<Float>, forEachSource: ((Int, Int32) -> Void) -> Void, neighbourhood: Neighbourhood,
                        maxCost: Double?, allocation wantAllocation: Bool, backLinks: Bool,
                        memory: SearchMemory, progress: ((Double) -> Void)?) -> CostSurface {
        let spec = resistance.spec
        let cols = spec.cols, rows = spec.rows, n = spec.count
        let moves = StepCosts(spec: spec, neighbourhood: neighbourhood, noData: resistance.noData)
        let stepCount = moves.steps.count

        let limit = maxCost ?? .infinity
        let nd = resistance.noData ?? .nan
        // Lean only where no NoData value could pass for a resistance (> 0 and finite) when read raw.
        let lean = memory == .lean && !(nd > 0 && nd < .infinity)

        // Per-step constants in plain buffers: offset, factor (length / number of cells averaged),
        // and for knight's moves the two cells beside.
        let off = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        let fac = UnsafeMutableBufferPointer<Double>.allocate(capacity: stepCount)
        let b1 = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        let b2 = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        let drs = UnsafeMutableBufferPointer<Int>.allocate(capacity: stepCount)
        defer { off.deallocate(); fac.deallocate(); b1.deallocate(); b2.deallocate(); drs.deallocate() }
        for k in 0..<stepCount {
            off[k] = moves.offsets[k]; drs[k] = moves.steps[k].dr
            fac[k] = moves.lengths[k] / (moves.isKnight[k] ? 4 : 2)
            b1[k] = moves.beside[k].0; b2[k] = moves.beside[k].1
        }
        let reach = neighbourhood == .knight ? 2 : 1
        let plain = neighbourhood == .knight ? 8 : stepCount
        // Impassable: NoData, ≤ 0 or not finite.
        @inline(__always) func open(_ r: Float) -> Bool { r > 0 && r < .infinity && r != nd }

        /// Runs the search over `cells` (already holding +∞ or −∞ costs, and zones −1), resistances between
        /// `rmin` and `rmax`, on one thread or two.
        func search<Cells: CellStore>(_ cells: Cells, _ Rb: UnsafeBufferPointer<Float>, rmin: Float, rmax: Float) {
            // Band width Δ: less than the least move cost, so no move lands in its own band. Band numbers
            // must stay exact integers in a Double (below 2⁵⁰ for the costliest conceivable path, every cell
            // at the highest resistance); otherwise every distinct cost is its own band (the key is the
            // cost's bit pattern, which orders like the cost).
            let shortest = moves.lengths.min() ?? 1, longest = moves.lengths.max() ?? 1
            // Δ = 0.9 of the least move where band numbers stay below 2⁴⁴: a key is then off by at most
            // 2⁻⁸ through rounding (the cost, the move and Δ each rounded to 2⁻⁵³ relative), far less than
            // the 1/0.9 − 1 = 0.11 band a least move clears beyond its own; half the least move otherwise.
            var inverseBand = 1 / (0.9 * Double(rmin) * shortest)
            if !(Double(n) * Double(rmax) * longest * inverseBand < 0x1p44) { inverseBand = 2 / (Double(rmin) * shortest) }
            let banded = inverseBand.isFinite && Double(n) * Double(rmax) * longest * inverseBand < 0x1p50

            // Two threads on large grids, each owning alternate stripes of rows (see `BandSearch`); one
            // otherwise, or when another parallel pass already holds the cores.
            let threads: Int
            if BandSearch.testStripe != nil {
                threads = Workers.claimCores() ? 2 : 1
            } else {
                threads = banded && n >= BandSearch.parallelCells && Workers.threads >= 2 && Workers.claimCores() ? 2 : 1
            }
            defer { if threads > 1 { Workers.releaseCores() } }
            let queues = (0..<threads).map { _ in BatchQueue() }
            let search = BandSearcher(S: cells, cols: cols, rows: rows, off: off, fac: fac, b1: b1, b2: b2,
                                      drs: drs, stepCount: stepCount, plain: plain, reach: reach, moves: moves,
                                      Rb: Rb, banded: banded, inverseBand: inverseBand, limit: limit, threads: threads,
                                      stripe: threads > 1 ? BandSearch.testStripe ?? BandSearch.stripeRows : rows + 2 * reach)
            forEachSource { cell, id in
                guard cells.cost(cell) > 0 else { return }   // a cell listed twice keeps its first id
                cells.setCost(cell, 0)
                cells.setZone(cell, id)
            }
            // Only sources with a move to a cell that is not a source are queued: the others (inside a
            // reservoir) could only offer cost to cells already at 0, and are settled as they stand (-0).
            // The queue then holds a reservoir's rim, not its area.
            forEachSource { cell, _ in
                let c0 = cells.cost(cell)
                guard c0 == 0, c0.sign == .plus else { return }
                let r = cell / cols, c = cell - r * cols
                var open = false
                for k in 0..<stepCount {
                    let tc = c + moves.steps[k].dc, tr = r + moves.steps[k].dr
                    if tc >= 0, tc < cols, tr >= 0, tr < rows, cells.cost(tr * cols + tc) > 0 { open = true; break }
                }
                if open { queues[search.owner(row: r)].push(0, cell) } else { cells.setCost(cell, -0.0) }
            }
            let shared = BandSearch.Shared(threads: threads)
            defer { shared.deallocate() }
            if threads > 1 {
                let done = DispatchSemaphore(value: 0)
                for t in 1..<threads {
                    let thread = Thread { search.run(thread: t, queues: queues, shared: shared, progress: nil, total: n); done.signal() }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
                search.run(thread: 0, queues: queues, shared: shared, progress: progress, total: n)
                for _ in 1..<threads { done.wait() }
            } else {
                search.run(thread: 0, queues: queues, shared: shared, progress: progress, total: n)
            }
        }

        var cost: [Double]
        var alloc: [Int32]
        if lean {
            // The costs returned and the zones are the search's own arrays.
            cost = [Double](unsafeUninitializedCapacity: n) { buf, initialized in
                LargeBuffer.adviseHugePages(UnsafeMutableRawBufferPointer(buf))
                initialized = n
            }
            alloc = LargeBuffer.array(repeating: Int32(-1), count: n)
            resistance.values.withUnsafeBufferPointer { Rb in
                cost.withUnsafeMutableBufferPointer { Cb in
                    alloc.withUnsafeMutableBufferPointer { Ab in
                        let R = Rb.baseAddress!, C = Cb.baseAddress!, A = Ab.baseAddress!
                        var rmin = Float.infinity, rmax: Float = 0
                        for i in 0..<n {
                            let r = R[i]
                            if open(r) {
                                C[i] = .infinity
                                rmin = min(rmin, r); rmax = max(rmax, r)
                            } else {
                                C[i] = -.infinity
                            }
                        }
                        search(LeanCells(C: C, R: R, Z: A, cols: cols), Rb, rmin: rmin, rmax: rmax)
                        // Settled cells get their cost back; the others (impassable, beyond the max cost, or
                        // never reached) are NoData and in no zone.
                        for i in 0..<n {
                            let c = C[i]
                            let settledCost = c.sign == .minus && c != -.infinity
                            C[i] = settledCost ? -c : CostSurface.unreached
                            if !settledCost { A[i] = -1 }
                        }
                    }
                }
            }
            if !wantAllocation { alloc = [] }
        } else {
            // The search's cells live in the first 16·n bytes of the array returned; the costs are compacted
            // into its first 8·n bytes afterwards and the rest is cut off.
            cost = [Double](unsafeUninitializedCapacity: 2 * n) { buf, initialized in
                LargeBuffer.adviseHugePages(UnsafeMutableRawBufferPointer(buf))
                initialized = 2 * n
            }
            alloc = wantAllocation ? LargeBuffer.array(repeating: Int32(-1), count: n) : []
            resistance.values.withUnsafeBufferPointer { Rb in
                cost.withUnsafeMutableBytes { raw in
                    let R = Rb.baseAddress!
                    let S = raw.baseAddress!.bindMemory(to: SearchCell.self, capacity: n)
                    var rmin = Float.infinity, rmax: Float = 0
                    for i in 0..<n {
                        let r = R[i]
                        if open(r) {
                            S[i] = SearchCell(cost: .infinity, resistance: r, zone: -1)
                            rmin = min(rmin, r); rmax = max(rmax, r)
                        } else {
                            S[i] = SearchCell(cost: -.infinity, resistance: -1, zone: -1)
                        }
                    }
                    search(PackedCells(S: S, cols: cols), Rb, rmin: rmin, rmax: rmax)
                    // Settled cells get their cost back; the others (impassable, beyond the max cost, or never
                    // reached) are NoData. Cost i goes to bytes 8i..<8i+8, which hold no cell not yet read.
                    alloc.withUnsafeMutableBufferPointer { A in
                        for i in 0..<n {
                            let cell = S[i]
                            let settledCost = cell.cost.sign == .minus && cell.cost != -.infinity
                            if wantAllocation { A[i] = settledCost ? cell.zone : -1 }
                            raw.storeBytes(of: settledCost ? -cell.cost : CostSurface.unreached, toByteOffset: 8 * i, as: Double.self)
                        }
                    }
                    raw.baseAddress!.bindMemory(to: Double.self, capacity: 2 * n)
                    LargeBuffer.releasePages(UnsafeMutableRawBufferPointer(rebasing: raw[(8 * n)...]))
                }
            }
            cost.removeLast(n)
        }
        let back = backLinks ? BackLinks.compute(resistance: resistance, cost: cost, moves: moves, reach: reach, fac: Array(fac)) : nil
        return CostSurface(cost: Grid(spec: spec, values: cost, noData: CostSurface.unreached),
                           backLink: back.map { Grid(spec: spec, values: $0, noData: nil) },
                           allocation: wantAllocation ? Grid(spec: spec, values: alloc, noData: -1) : nil,
                           neighbourhood: neighbourhood)
    }
}

extension CostDistance {
    /// The band-by-band search of `compute`, on one thread or on several in lockstep.
    ///
    /// Every cell of a cost band is final when the band comes up (no move lands in its own band), so a band's
    /// cells may be settled in any order, and by several threads at once (the idea of Meyer & Sanders 2003,
    /// "Δ-stepping: a parallelizable shortest path algorithm", J. Algorithms 49(1), with Dial's exact bands).
    /// Thread t owns the stripes of `stripe` rows whose number is t modulo the thread count: it alone writes
    /// their cells and queues them. A band goes: all threads agree on the least band key left (a barrier);
    /// each settles its own cells of that band, relaxing its own neighbours directly and sending the others'
    /// as messages (cell, cost, zone); a barrier; each applies the messages it received. A message is a
    /// relaxation delayed to the end of the band, which nothing in the band could read: costs, zones (least
    /// cost, then lowest zone among the cheapest) and the cells settled are those of one thread, bit for bit.
    enum BandSearch {
        /// Grids from this many cells use two threads.
        static let parallelCells = 1 << 20
        /// Rows per stripe with several threads: narrow enough that both threads' stripes meet every
        /// front, wide enough that few moves cross to the other thread.
        static let stripeRows = 32
        /// Tests only: two threads on any grid, with either kind of band, in stripes of this many rows.
        nonisolated(unsafe) static var testStripe: Int? = nil
        /// Tests only: thread 0 goes on alone after this many bands.
        nonisolated(unsafe) static var testSoloAfter: Int? = nil
        /// Thread 0 goes on alone once the threads have had to yield their cores at least this many times in
        /// all and at one band in 20 or more: the machine is busy, and a search whose threads wait for each
        /// other at every band would crawl. (On an idle machine a thread yields at one band in 2,000 to
        /// 5,000, when the other has a much larger share of a band.)
        static let slowWaitsBeforeSolo = 64
        /// `TRAME_SEARCH_STATISTICS=1`: thread 0 prints the bands, its slow waits and when it went on alone.
        static let reportStatistics = ProcessInfo.processInfo.environment["TRAME_SEARCH_STATISTICS"] == "1"

        /// A relaxation of a cell another thread owns.
        struct Message { var cell: Int; var cost: Double; var zone: Int32 }

        /// What the threads exchange: each one's next band key, whether it passed the cost limit, its
        /// settled count, and its outbox; and their barrier.
        final class Shared: @unchecked Sendable {
            let barrier: UnsafeMutablePointer<trame_barrier>
            let keys: UnsafeMutablePointer<UInt64>
            let stops: UnsafeMutablePointer<Bool>
            let settled: UnsafeMutablePointer<Int>
            /// Barrier waits in which each thread had to yield its core.
            let slowWaits: UnsafeMutablePointer<Int>
            var outboxes: [UnsafeMutablePointer<Message>]
            var outboxCounts: UnsafeMutablePointer<Int>
            var outboxCapacities: [Int]
            let threads: Int
            init(threads: Int) {
                self.threads = threads
                barrier = .allocate(capacity: 1); trame_barrier_init(barrier)
                keys = .allocate(capacity: threads); keys.initialize(repeating: .max, count: threads)
                stops = .allocate(capacity: threads); stops.initialize(repeating: false, count: threads)
                settled = .allocate(capacity: threads); settled.initialize(repeating: 0, count: threads)
                slowWaits = .allocate(capacity: threads); slowWaits.initialize(repeating: 0, count: threads)
                outboxCapacities = Array(repeating: threads > 1 ? 4096 : 0, count: threads)
                outboxes = outboxCapacities.map { .allocate(capacity: max(1, $0)) }
                outboxCounts = .allocate(capacity: threads); outboxCounts.initialize(repeating: 0, count: threads)
            }
            func deallocate() {
                barrier.deallocate(); keys.deallocate(); stops.deallocate(); settled.deallocate(); slowWaits.deallocate()
                for o in outboxes { o.deallocate() }
                outboxCounts.deallocate()
            }
            /// Waits for the other threads; true when this thread had to yield its core meanwhile.
            @inline(__always) func wait() -> Bool { threads > 1 && trame_barrier_wait(barrier, threads) != 0 }
            /// Appends to thread t's outbox (only thread t calls this for its own t).
            @inline(__always) func send(_ t: Int, _ m: Message) {
                let k = outboxCounts[t]
                if k == outboxCapacities[t] { grow(t) }
                outboxes[t][k] = m
                outboxCounts[t] = k + 1
            }
            @inline(never) func grow(_ t: Int) {
                let bigger = UnsafeMutablePointer<Message>.allocate(capacity: 2 * outboxCapacities[t])
                bigger.moveInitialize(from: outboxes[t], count: outboxCounts[t])
                outboxes[t].deallocate()
                outboxes[t] = bigger
                outboxCapacities[t] *= 2
            }
        }

    }

    /// The search of `BandSearch` over the cells of `S` (one layout or the other, see `CellStore`).
    struct BandSearcher<Cells: CellStore> {
        let S: Cells
        let cols: Int, rows: Int
        let off: UnsafeMutableBufferPointer<Int>, fac: UnsafeMutableBufferPointer<Double>
        let b1: UnsafeMutableBufferPointer<Int>, b2: UnsafeMutableBufferPointer<Int>, drs: UnsafeMutableBufferPointer<Int>
        let stepCount: Int, plain: Int, reach: Int
        let moves: StepCosts
        let Rb: UnsafeBufferPointer<Float>
        let banded: Bool, inverseBand: Double, limit: Double
        let threads: Int, stripe: Int

        typealias Shared = BandSearch.Shared
        typealias Message = BandSearch.Message

        @inline(__always) func owner(row: Int) -> Int { threads == 1 ? 0 : (row / stripe) % threads }
        @inline(__always) func key(_ c: Double) -> UInt64 { banded ? UInt64(c * inverseBand) : c.bitPattern }

        /// Runs thread `t`'s part of the search to the end. `progress` is called by thread 0 only. When the
        /// threads keep waiting for each other (a busy machine), thread 0 takes the other threads' queues
        /// between two bands and goes on alone (the same result: every pending relaxation is in a queue then).
        func run(thread t: Int, queues: [BatchQueue], shared: Shared, progress: ((Double) -> Void)?, total: Int) {
            let queue = queues[t]
            var settled = 0, slow = 0, bands = 0, othersSettled = 0
            let reportEvery = max(1, total / 100)
            var nextReport = reportEvery
            var stop = false
            var solo = threads == 1
            let soloAfter = BandSearch.testSoloAfter ?? -1
            var soloFrom: Int? = nil
            while true {
                // Agree on the band: the least key any thread holds.
                shared.keys[t] = queue.peekKey() ?? .max
                shared.stops[t] = stop
                shared.settled[t] = settled
                shared.slowWaits[t] = slow
                var band = shared.keys[t], anyStop = stop
                if !solo {
                    if shared.wait() { slow += 1 }
                    var allSlow = 0
                    othersSettled = 0
                    for o in 0..<threads {
                        band = min(band, shared.keys[o]); anyStop = anyStop || shared.stops[o]
                        othersSettled += o == t ? 0 : shared.settled[o]; allSlow += shared.slowWaits[o]
                    }
                    if band != .max && !anyStop && ((allSlow >= BandSearch.slowWaitsBeforeSolo && allSlow * 20 >= bands) || bands == soloAfter) {
                        // Every thread reads the same counts, so all decide alike here.
                        guard t == 0 else { return }
                        for o in 1..<threads { queues[o].forEachEntry { queue.push($0, $1) } }
                        solo = true
                        soloFrom = bands
                        band = queue.peekKey() ?? .max
                    }
                }
                if band == .max || anyStop {
                    if t == 0 && BandSearch.reportStatistics {
                        FileHandle.standardError.write(Data("cost distance search: \(threads) thread(s), \(bands) bands, \(slow) slow waits on thread 0\(soloFrom.map { ", alone from band \($0)" } ?? "")\n".utf8))
                    }
                    break
                }
                bands += 1
                let allSettled = settled + othersSettled
                if let progress, allSettled >= nextReport {
                    progress(Double(allSettled) / Double(total))
                    nextReport = (allSettled / reportEvery + 1) * reportEvery
                }
                // Settle this thread's cells of the band.
                shared.outboxCounts[t] = 0
                if queue.peekKey() == band {
                    _ = queue.nextBatch()
                    var j = 0
                    while j < queue.batchCount {
                        if j + CostDistance.lookahead < queue.batchCount {
                            // The rows above, at and below the cell settled `lookahead` steps later.
                            S.prefetchAround(queue.batchCell(j + CostDistance.lookahead))
                        }
                        let v = queue.batchCell(j)
                        j += 1
                        let vc = S.cost(v)
                        if vc.sign == .minus { continue }   // settled (a stale entry) or impassable
                        if vc > limit { stop = true; continue }
                        S.setCost(v, -vc)
                        settled += 1
                        settle(v, vc, t, solo, queue, shared)
                    }
                    queue.dropBatch()
                }
                if solo { continue }
                if shared.wait() { slow += 1 }
                // Apply what the other threads sent to this one's cells.
                for o in 0..<threads where o != t {
                    let box = shared.outboxes[o]
                    for m in 0..<shared.outboxCounts[o] {
                        let u = box[m].cell
                        if owner(row: u / cols) != t { continue }
                        relax(u, box[m].cost, box[m].zone, queue)
                    }
                }
            }
        }

        /// Offers cost `nc` from `zone` to this thread's cell `u`: taken when cheaper (and `u` queued), the
        /// zone alone when as cheap from a lower zone. Settled and impassable cells hold a negative cost, which
        /// no offer (≥ 0) undercuts or equals.
        @inline(__always) func relax(_ u: Int, _ nc: Double, _ zone: Int32, _ queue: BatchQueue) {
            let cu = S.cost(u)
            if nc < cu {
                S.setCost(u, nc); S.setZone(u, zone)
                queue.push(key(nc), u)
            } else if nc == cu && zone < S.zone(u) {
                S.setZone(u, zone)
            }
        }

        /// Relaxes the moves out of `v`, settled at cost `vc` by thread `t`.
        @inline(__always) func settle(_ v: Int, _ vc: Double, _ t: Int, _ solo: Bool, _ queue: BatchQueue, _ shared: Shared) {
            let rv = Double(S.resistance(v)), zone = S.zone(v)
            let r = v / cols, c = v - r * cols
            // Cells whose moves may reach another thread's stripe: those within `reach` rows of their stripe's edge.
            var crossing = false
            if !solo { let inStripe = r % stripe; crossing = inStripe < reach || inStripe >= stripe - reach }
            if !crossing && c >= reach && r >= reach && c < cols - reach && r < rows - reach {
                // Interior cell, all moves to this thread's cells: no bounds checks. Settled and impassable
                // neighbours hold a negative cost, which no new cost (≥ 0) undercuts.
                for k in 0..<plain {
                    let u = v + off[k]
                    relax(u, vc + (rv + Double(S.resistance(u))) * fac[k], zone, queue)
                }
                if plain < stepCount {
                    for k in plain..<stepCount {
                        let u = v + off[k]
                        if S.cost(u).sign == .minus { continue }
                        let m1 = S.resistance(v + b1[k]), m2 = S.resistance(v + b2[k])
                        if !(m1 > 0 && m2 > 0) { continue }
                        relax(u, vc + (rv + Double(S.resistance(u)) + Double(m1) + Double(m2)) * fac[k], zone, queue)
                    }
                }
            } else {
                // At the grid's edge or near another thread's stripe: bounds checked, and a move into another
                // thread's cell sent to it (the same step cost: (a + b) / 2 × L equals (a + b) × (L / 2) exactly).
                for k in 0..<stepCount {
                    guard let u = moves.target(v, c, r, k), let step = moves.cost(Rb, v, u, k) else { continue }
                    let nc = vc + step
                    if crossing && owner(row: r + drs[k]) != t {
                        shared.send(t, Message(cell: u, cost: nc, zone: zone))
                        continue
                    }
                    relax(u, nc, zone, queue)
                }
            }
        }
    }
}

/// Where a search keeps each cell's tentative cost (negated once settled, −∞ when impassable), resistance
/// (read only; an impassable cell's may be anything its cost's −∞ makes harmless) and zone.
protocol CellStore {
    func cost(_ i: Int) -> Double
    func setCost(_ i: Int, _ c: Double)
    func resistance(_ i: Int) -> Float
    func zone(_ i: Int) -> Int32
    func setZone(_ i: Int, _ z: Int32)
    /// Fetches ahead what settling cell `i` will read: the rows above, at and below it.
    func prefetchAround(_ i: Int)
}

/// `SearchMemory.fast`: the three side by side, 16 bytes a cell.
struct PackedCells: CellStore {
    let S: UnsafeMutablePointer<CostDistance.SearchCell>
    let cols: Int
    @inline(__always) func cost(_ i: Int) -> Double { S[i].cost }
    @inline(__always) func setCost(_ i: Int, _ c: Double) { S[i].cost = c }
    @inline(__always) func resistance(_ i: Int) -> Float { S[i].resistance }
    @inline(__always) func zone(_ i: Int) -> Int32 { S[i].zone }
    @inline(__always) func setZone(_ i: Int, _ z: Int32) { S[i].zone = z }
    @inline(__always) func prefetchAround(_ i: Int) {
        let w = MemoryLayout<CostDistance.SearchCell>.stride, rowBytes = w * cols
        let p = UnsafeRawPointer(S + i)
        prefetch(p - rowBytes - w); prefetch(p - rowBytes + w)
        prefetch(p - w); prefetch(p + w)
        prefetch(p + rowBytes - w); prefetch(p + rowBytes + w)
    }
}

/// `SearchMemory.lean`: the costs returned (8 bytes), the resistance grid itself (4, read only) and the
/// allocation (4). Impassable cells hold cost −∞, so whatever their raw resistance (NoData ≤ 0 or NaN, 0, +∞),
/// no relaxation changes them, and a knight's move beside one is barred (`m > 0` fails) or costs +∞.
struct LeanCells: CellStore {
    let C: UnsafeMutablePointer<Double>
    let R: UnsafePointer<Float>
    let Z: UnsafeMutablePointer<Int32>
    let cols: Int
    @inline(__always) func cost(_ i: Int) -> Double { C[i] }
    @inline(__always) func setCost(_ i: Int, _ c: Double) { C[i] = c }
    @inline(__always) func resistance(_ i: Int) -> Float { R[i] }
    @inline(__always) func zone(_ i: Int) -> Int32 { Z[i] }
    @inline(__always) func setZone(_ i: Int, _ z: Int32) { Z[i] = z }
    @inline(__always) func prefetchAround(_ i: Int) {
        // Three cells of a row are 24 bytes of costs and 12 of resistance: a line each, two at a line's end.
        let c = UnsafeRawPointer(C + i), r = UnsafeRawPointer(R + i), cb = 8 * cols, rb = 4 * cols
        prefetch(c - cb - 8); prefetch(c - cb + 8); prefetch(r - rb)
        prefetch(c - 8); prefetch(c + 8); prefetch(r)
        prefetch(c + cb - 8); prefetch(c + cb + 8); prefetch(r + rb)
    }
}

/// Asks the processor to fetch the cache line at `p` (LLVM's prefetch: read, keep in all cache levels).
/// A hint only: it never faults, whatever the address.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ p: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ dataCache: Int32)

@inline(__always) private func prefetch(_ p: UnsafeRawPointer) { llvmPrefetch(p, 0, 3, 1) }


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

