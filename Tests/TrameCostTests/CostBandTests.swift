import XCTest
@testable import TrameCost
import TrameRaster

/// CostDistance settles a band of costs at a time, in any order inside the band. These seeded cases compare
/// it, bit for bit, with a textbook Dijkstra that settles one cell at a time (the least tentative cost found
/// by scanning every cell, O(N²)) and sums the same step costs: the mean of the cells' resistances × the
/// step length (GRASS r.cost's rule), knight's moves barred by an impassable cell beside them.
final class CostBandTests: XCTestCase {
    /// Plain Dijkstra on a cols × rows grid of `cell`-metre cells; −1 where unreached, impassable, or
    /// costlier than `limit`.
    /// With `zones`, also the allocation: each source's id (its index + 1), and a cell reached at equal least
    /// cost through several neighbours takes the lowest of their ids.
    func reference(_ r: [Float], cols: Int, rows: Int, cell: Double, sources: [Int], knight: Bool, limit: Double) -> [Double] {
        referenceWithZones(r, cols: cols, rows: rows, cell: cell, sources: sources, knight: knight, limit: limit).cost
    }

    func referenceWithZones(_ r: [Float], cols: Int, rows: Int, cell: Double, sources: [Int], knight: Bool, limit: Double) -> (cost: [Double], zone: [Int32]) {
        let n = cols * rows
        var steps = [(0, -1), (1, 0), (0, 1), (-1, 0), (1, -1), (1, 1), (-1, 1), (-1, -1)]
        if knight { steps += [(1, -2), (2, -1), (2, 1), (1, 2), (-1, 2), (-2, 1), (-2, -1), (-1, -2)] }
        let open = { (i: Int) in r[i] > 0 && r[i].isFinite }
        var cost = [Double](repeating: .infinity, count: n)
        var done = [Bool](repeating: false, count: n)
        var zone = [Int32](repeating: -1, count: n)
        for (k, s) in sources.enumerated() where cost[s] != 0 { cost[s] = 0; zone[s] = Int32(k + 1) }
        while true {
            var v = -1
            for i in 0..<n where !done[i] && cost[i] < .infinity && (v < 0 || cost[i] < cost[v]) { v = i }
            if v < 0 || cost[v] > limit { break }
            done[v] = true
            let c = v % cols, row = v / cols
            for (dc, dr) in steps {
                let cc = c + dc, rr = row + dr
                guard cc >= 0, cc < cols, rr >= 0, rr < rows else { continue }
                let u = rr * cols + cc
                guard open(u), !done[u] else { continue }
                let length = ((Double(dc) * cell) * (Double(dc) * cell) + (Double(dr) * cell) * (Double(dr) * cell)).squareRoot()
                let step: Double
                if abs(dc) + abs(dr) == 3 {
                    // The two cells beside a knight's move: along its long axis, then diagonally.
                    let m1 = abs(dr) == 2 ? (row + dr.signum()) * cols + c : row * cols + c + dc.signum()
                    let m2 = (row + dr.signum()) * cols + c + dc.signum()
                    guard open(m1), open(m2) else { continue }
                    step = (Double(r[v]) + Double(r[u]) + Double(r[m1]) + Double(r[m2])) * (length / 4)
                } else {
                    step = (Double(r[v]) + Double(r[u])) * (length / 2)
                }
                let nc = cost[v] + step
                if nc < cost[u] { cost[u] = nc; zone[u] = zone[v] } else if nc == cost[u] { zone[u] = min(zone[u], zone[v]) }
            }
        }
        return ((0..<n).map { done[$0] ? cost[$0] : CostSurface.unreached }, (0..<n).map { done[$0] ? zone[$0] : -1 })
    }

    /// SplitMix64 (Steele, Lea & Flood 2014): a fixed sequence per seed.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Random resistances in `range` (log-uniform), 10 % impassable: NoData (−9999) mostly, and one in ten of
    /// those 0 or +∞ (impassable too, and read raw by the lean search).
    func randomGrid(cols: Int, rows: Int, range: ClosedRange<Double>, rng: inout SplitMix) -> [Float] {
        (0..<cols * rows).map { _ in
            if rng.next() % 10 == 0 { return [-9999, -9999, -9999, -9999, -9999, -9999, -9999, -9999, 0, .infinity][Int(rng.next() % 10)] }
            let t = Double(rng.next() % 1_000_000) / 1_000_000
            return Float(exp(log(range.lowerBound) + t * (log(range.upperBound) - log(range.lowerBound))))
        }
    }

    func check(range: ClosedRange<Double>, seeds: Range<UInt64>, limit: Double? = nil) throws {
        for seed in seeds {
            var rng = SplitMix(seed: seed)
            let cols = 17 + Int(rng.next() % 20), rows = 11 + Int(rng.next() % 20), cell = [10.0, 25.0, 2.5][Int(seed % 3)]
            let values = randomGrid(cols: cols, rows: rows, range: range, rng: &rng)
            var sources: [Int] = []
            while sources.count < 1 + Int(seed % 5) {
                let i = Int(rng.next() % UInt64(cols * rows))
                if values[i] > 0 && values[i].isFinite { sources.append(i) }
            }
            let grid = Grid(spec: GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * cell, cellSize: cell)),
                            values: values, noData: -9999)
            // Both memory layouts: cost, resistance and zone side by side, or the lean search reading the
            // resistance grid raw (its NoData, 0 and +∞ must stay impassable).
            for knight in [false, true] { for memory in [SearchMemory.fast, .lean] {
                let (expected, zones) = referenceWithZones(values, cols: cols, rows: rows, cell: cell, sources: sources, knight: knight, limit: limit ?? .infinity)
                let got = try CostDistance.compute(resistance: grid, sources: sources.enumerated().map { CostSource(cell: $1, id: Int32($0 + 1)) },
                                                   neighbourhood: knight ? .knight : .queen, maxCost: limit, allocation: true, memory: memory)
                for i in 0..<expected.count where got.cost.values[i] != expected[i] {
                    XCTFail("seed \(seed), \(knight ? 16 : 8) neighbours, \(memory), cell \(i): \(got.cost.values[i]) vs \(expected[i])")
                    return
                }
                // A reached cell is allocated to its nearest source, the lowest id on equal costs; others to none.
                for i in 0..<expected.count where got.allocation!.values[i] != zones[i] {
                    XCTFail("seed \(seed), \(knight ? 16 : 8) neighbours, \(memory), cell \(i): allocated to \(got.allocation!.values[i]), expected \(zones[i])")
                    return
                }
                // The same search on two threads, each owning alternate stripes of rows (1, 2, 3 or 7 rows: a
                // knight's move may jump a whole stripe): the same costs, zones and back-links. On a busy
                // machine the threads may go on alone early; the zones and costs must not change then either.
                // Once more in stripes of 2 rows, thread 0 going on alone after 3 bands (as on a busy machine).
                for (stripe, solo) in [(1, nil), (2, nil), (3, nil), (7, nil), (2, 3)] as [(Int, Int?)] {
                    CostDistance.BandSearch.testStripe = stripe
                    CostDistance.BandSearch.testSoloAfter = solo
                    defer { CostDistance.BandSearch.testStripe = nil; CostDistance.BandSearch.testSoloAfter = nil }
                    let two = try CostDistance.compute(resistance: grid, sources: sources.enumerated().map { CostSource(cell: $1, id: Int32($0 + 1)) },
                                                       neighbourhood: knight ? .knight : .queen, maxCost: limit, allocation: true, memory: memory)
                    for i in 0..<expected.count where two.cost.values[i] != expected[i] || two.allocation!.values[i] != zones[i] {
                        XCTFail("seed \(seed), \(knight ? 16 : 8) neighbours, \(memory), two threads in stripes of \(stripe) rows, cell \(i): cost \(two.cost.values[i]) vs \(expected[i]), zone \(two.allocation!.values[i]) vs \(zones[i])")
                        return
                    }
                    XCTAssertEqual(two.backLink!.values, got.backLink!.values, "seed \(seed), \(memory), stripes of \(stripe) rows")
                }
            } }
        }
    }

    /// Sources in blocks (reservoirs) read from a label grid: only their rims are queued, their insides
    /// settled at 0 as they stand. Costs and zones match the textbook Dijkstra from every block cell, and the
    /// search fed the same cells as a list (back-links included), on one thread and two.
    func testSourceBlocksFromLabels() throws {
        for seed in UInt64(200)..<UInt64(215) {
            var rng = SplitMix(seed: seed)
            let cols = 20 + Int(rng.next() % 20), rows = 14 + Int(rng.next() % 20), cell = 10.0
            let values = randomGrid(cols: cols, rows: rows, range: 1...100, rng: &rng)
            var labels = [Int32](repeating: 0, count: cols * rows)
            for id in Int32(1)...Int32(3) {
                let c0 = Int(rng.next() % UInt64(cols - 6)), r0 = Int(rng.next() % UInt64(rows - 6))
                let w = 2 + Int(rng.next() % 5), h = 2 + Int(rng.next() % 5)
                for r in r0..<(r0 + h) { for c in c0..<(c0 + w) { labels[r * cols + c] = id } }
            }
            let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * cell, cellSize: cell))
            let grid = Grid(spec: spec, values: values, noData: -9999)
            let sources = labels.indices.filter { labels[$0] > 0 && values[$0] > 0 && values[$0].isFinite }
            guard !sources.isEmpty else { continue }
            for knight in [false, true] { for memory in [SearchMemory.fast, .lean] { for stripe in [nil, 2] as [Int?] {
                CostDistance.BandSearch.testStripe = stripe
                defer { CostDistance.BandSearch.testStripe = nil }
                let (expected, zones) = referenceWithZones(values, cols: cols, rows: rows, cell: cell, sources: sources, knight: knight, limit: .infinity)
                let got = try CostDistance.compute(resistance: grid, sourceLabels: Grid(spec: spec, values: labels, noData: 0),
                                                   neighbourhood: knight ? .knight : .queen, allocation: true, memory: memory)
                let listed = try CostDistance.compute(resistance: grid, sources: sources.map { CostSource(cell: $0, id: labels[$0]) },
                                                      neighbourhood: knight ? .knight : .queen, allocation: true, memory: memory)
                // The reference numbers its sources 1…: a cell's zone is the label of the source it names (the
                // random resistances leave no equal costs between blocks, where the two would pick differently).
                for i in 0..<expected.count {
                    let place = "seed \(seed), \(knight ? 16 : 8) neighbours, \(memory), stripes \(stripe.map(String.init) ?? "none"), cell \(i)"
                    XCTAssertEqual(got.cost.values[i], expected[i], place)
                    XCTAssertEqual(got.allocation!.values[i], zones[i] > 0 ? labels[sources[Int(zones[i]) - 1]] : -1, place)
                    XCTAssertEqual(got.allocation!.values[i], listed.allocation!.values[i], place)
                    if got.cost.values[i] != expected[i] { return }
                }
                XCTAssertEqual(got.backLink!.values, listed.backLink!.values, "seed \(seed), back-links")
            } } }
        }
    }

    /// Resistances over ten orders of magnitude: band numbers near 2⁴⁴, where bands of 0.9 of the least move give
    /// way to bands of half of it (both sides are drawn across the seeds).
    func testBandsNearTheirPrecisionLimit() throws { try check(range: 1...1e10, seeds: 100..<130) }

    /// Resistances 1–100 (the usual tables): bands of 0.9 of the least move cost.
    func testBandsMatchCellByCellDijkstra() throws { try check(range: 1...100, seeds: 0..<40) }

    /// A max cost cuts the same cells as a cell-by-cell search stopped at that cost.
    func testBandsWithMaxCost() throws { try check(range: 1...100, seeds: 40..<60, limit: 400) }

    /// Resistances over 60 orders of magnitude: band numbers would overflow, so every distinct cost is its
    /// own band (plain Dijkstra order); the result is the same.
    /// Every passable cell at resistance 1: equal costs everywhere, so the allocation's tie rule decides.
    func testEqualCostsGoToTheLowestSourceId() throws {
        try check(range: 1...1, seeds: 80..<100)
        // Worked by hand: a row of 5 cells of 10 m, sources at both ends; the middle cell is 20 from each.
        let spec = GridSpec(cols: 5, rows: 1, transform: GeoTransform(west: 0, north: 10, cellSize: 10))
        let row = Grid(spec: spec, values: [Float](repeating: 1, count: 5), noData: -9999)
        for (left, right, expected) in [(Int32(2), Int32(1), [Int32(2), 2, 1, 1, 1]), (1, 2, [1, 1, 1, 2, 2])] {
            let s = try CostDistance.compute(resistance: row, sources: [CostSource(cell: 0, id: left), CostSource(cell: 4, id: right)], allocation: true)
            XCTAssertEqual(s.cost.values, [0, 10, 20, 10, 0])
            XCTAssertEqual(s.allocation!.values, expected)
        }
    }

    func testHugeResistanceRangeFallsBackToSingleCosts() throws { try check(range: 1e-30...1e30, seeds: 60..<80) }
}
