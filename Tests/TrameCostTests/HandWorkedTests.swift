import XCTest
@testable import TrameCost
import TrameRaster

/// Small grids whose answers are worked out by hand.
final class HandWorkedTests: XCTestCase {
    func grid(_ cols: Int, _ rows: Int, cell: Double = 10, _ values: [Float]) -> Grid<Float> {
        Grid(spec: GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * cell, cellSize: cell)),
             values: values, noData: -9999)
    }

    /// 3×3, source in the centre, resistance 1 except the right column (3), 10 m cells.
    /// Rook moves: (1+1)/2·10 = 10; to the right: (1+3)/2·10 = 20. Diagonals: √2·10 = 14.142…, to the
    /// right corners √2·(1+3)/2·10 = 28.284….
    func testThreeByThreeCentreSource() throws {
        let r = grid(3, 3, [1, 1, 3,
                            1, 1, 3,
                            1, 1, 3])
        let s = try CostDistance.compute(resistance: r, sources: [CostSource(cell: 4, id: 7)], allocation: true)
        let d = 2.0.squareRoot() * 10
        let expected = [d, 10, 2 * d,
                         10, 0, 20,
                         d, 10, 2 * d]
        for i in 0..<9 { XCTAssertEqual(s.cost.values[i], expected[i], accuracy: 1e-9, "cell \(i)") }
        XCTAssertEqual(Set(s.allocation!.values), [7])
    }

    /// 5×5 with a wall of impassable cells in column 2 except a gap at the bottom row; source top-left.
    /// The only way to the top-right corner goes down the left, through the gap and up the right side:
    /// (0,0)→(1,1)→(1,2)→(1,3)→(2,4)→(3,3)→(3,2)→(3,1)→(4,0): 4 diagonals × 14.142 + 4 rook steps × 10
    /// = 96.569 (uniform resistance 1, 10 m cells; columns, rows).
    func testFiveByFiveWallWithGap() throws {
        let X: Float = -9999
        let r = grid(5, 5, [1, 1, X, 1, 1,
                            1, 1, X, 1, 1,
                            1, 1, X, 1, 1,
                            1, 1, X, 1, 1,
                            1, 1, 1, 1, 1])
        let s = try CostDistance.compute(resistance: r, sources: [CostSource(cell: 0, id: 1)])
        XCTAssertEqual(s.cost.values[4], 4 * 2.0.squareRoot() * 10 + 40, accuracy: 1e-9)
        XCTAssertEqual(s.cost.values[2], CostSurface.unreached, "impassable cells are NoData")
        let p = try XCTUnwrap(s.path(to: 4))
        XCTAssertEqual(p.cells.first, 0)
        XCTAssertEqual(p.cost, s.cost.values[4])
        XCTAssertEqual(p.length, 4 * 2.0.squareRoot() * 10 + 40, accuracy: 1e-9)
        XCTAssertTrue(p.cells.contains(22), "passes through the gap")
        // With a max cost of 50, the far side is out of reach.
        let bounded = try CostDistance.compute(resistance: r, sources: [CostSource(cell: 0, id: 1)], maxCost: 50)
        XCTAssertEqual(bounded.cost.values[4], CostSurface.unreached)
        XCTAssertEqual(bounded.cost.values[5], 10, accuracy: 1e-12)
    }

    /// Knight's moves on a uniform 3×3 from the corner: (col 1, row 2) costs √5·10 = 22.36 by one knight's
    /// move, less than a diagonal and a rook step (24.14). With a cell beside the move impassable, the
    /// knight's move is barred (GRASS rule) and the cost is 24.14 again.
    func testKnightMoves() throws {
        let r = grid(3, 3, [Float](repeating: 1, count: 9))
        let s = try CostDistance.compute(resistance: r, sources: [CostSource(cell: 0, id: 1)], neighbourhood: .knight)
        XCTAssertEqual(s.cost.values[7], 5.0.squareRoot() * 10, accuracy: 1e-9)
        XCTAssertEqual(s.cost.values[5], 5.0.squareRoot() * 10, accuracy: 1e-9)
        let eight = try CostDistance.compute(resistance: r, sources: [CostSource(cell: 0, id: 1)], neighbourhood: .queen)
        XCTAssertEqual(eight.cost.values[7], 2.0.squareRoot() * 10 + 10, accuracy: 1e-9)
        // Cells beside the move (0,0)→(1,2) are (0,1) and (1,1); make (1,1) impassable.
        let barred = grid(3, 3, [1, 1, 1, 1, -9999, 1, 1, 1, 1])
        let b = try CostDistance.compute(resistance: barred, sources: [CostSource(cell: 0, id: 1)], neighbourhood: .knight)
        XCTAssertEqual(b.cost.values[7], 2.0.squareRoot() * 10 + 10, accuracy: 1e-9)
        // Resistances averaged over the four cells: make (0,1) = 3 and (1,2) = 5 on a grid where
        // detours are dear (resistance 100 elsewhere except the source).
        let w = grid(3, 3, [1, 100, 100,
                            3, 1, 100,
                            100, 5, 100])
        let k = try CostDistance.compute(resistance: w, sources: [CostSource(cell: 0, id: 1)], neighbourhood: .knight)
        // knight: (1 + 5 + 3 + 1)/4 · √5 · 10 = 55.90; via (1,1): diag (1+1)/2·14.14 + rook (1+5)/2·10 = 44.14.
        XCTAssertEqual(k.cost.values[7], 2.0.squareRoot() * 10 + 30, accuracy: 1e-9)
        let k2 = grid(3, 3, [1, 100, 100,
                             3, 20, 100,
                             100, 5, 100])
        let kk = try CostDistance.compute(resistance: k2, sources: [CostSource(cell: 0, id: 1)], neighbourhood: .knight)
        // Now via (1,1) costs (1+20)/2·14.14 + (20+5)/2·10 = 273.5; via (0,1): 20 + (3+5)/2·14.14 = 76.57;
        // knight: (1 + 5 + 3 + 20)/4 · √5 · 10 = 162.1 → 76.57 wins.
        XCTAssertEqual(kk.cost.values[7], 20 + 4 * 2.0.squareRoot() * 10, accuracy: 1e-9)
    }

    func testImpassableSourceIsRefused() {
        let r = grid(2, 1, [-9999, 1])
        XCTAssertThrowsError(try CostDistance.compute(resistance: r, sources: [CostSource(cell: 0, id: 1)]))
        XCTAssertThrowsError(try CostDistance.compute(resistance: r, sources: [CostSource(cell: 5, id: 1)]))
    }

    /// Patch labelling worked by hand: 4- and 8-connexity differ on diagonal contacts.
    func testPatchLabelling() throws {
        let spec = GridSpec(cols: 5, rows: 4, transform: GeoTransform(west: 0, north: 40, cellSize: 10))
        let lc = Grid<Int32>(spec: spec, values: [20, 20, 0, 0, 20,
                                                  20, 0, 0, 20, 0,
                                                  0, 0, 0, 0, 0,
                                                  11, 20, 20, 20, 0], noData: nil)
        // Cell area 100 m² = 0.01 ha.
        let rook = try PatchFinder.find(landCover: lc, habitat: [20], minAreaHa: 0, connexity: .rook)
        XCTAssertEqual(rook.patches.map(\.cells), [3, 1, 1, 3])
        let queen = try PatchFinder.find(landCover: lc, habitat: [20], minAreaHa: 0, connexity: .queen)
        XCTAssertEqual(queen.patches.map(\.cells), [3, 2, 3])
        XCTAssertEqual(queen.labels.values[4], queen.labels.values[8], "diagonal contact joins with 8 neighbours")
        // L-shaped patch of 3 cells: outline 8 edges × 10 m.
        XCTAssertEqual(queen.patches[0].perimeter, 80)
        XCTAssertEqual(queen.patches[0].areaHa, 0.03, accuracy: 1e-12)
        // Minimum area 0.025 ha keeps the two 3-cell patches only.
        let big = try PatchFinder.find(landCover: lc, habitat: [20], minAreaHa: 0.025, connexity: .queen)
        XCTAssertEqual(big.patches.count, 2)
        XCTAssertEqual(big.labels.values[4], 0)
        // An inventory cell keeps a small patch.
        var inv = Grid<UInt8>(spec: spec, fill: 0)
        inv.values[4] = 1
        let kept = try PatchFinder.find(landCover: lc, habitat: [20], minAreaHa: 0.025, connexity: .queen, inventory: inv)
        XCTAssertEqual(kept.patches.count, 3)
        XCTAssertTrue(kept.patches.contains { $0.fromInventory && $0.cells == 2 })
        XCTAssertThrowsError(try PatchFinder.find(landCover: lc, habitat: [99], minAreaHa: 0))
    }

    /// `PatchFinder.find` fails for two different reasons, each its own case with its own message.
    func testPatchFinderErrorsSayWhatWentWrong() {
        let spec = GridSpec(cols: 2, rows: 1, transform: GeoTransform(west: 0, north: 10, cellSize: 10))
        let lc = Grid<Int32>(spec: spec, values: [20, 11], noData: nil)
        XCTAssertThrowsError(try PatchFinder.find(landCover: lc, habitat: [99, 7], minAreaHa: 0)) { e in
            XCTAssertEqual(e as? CostError, .noHabitat(classes: [7, 99]))
            XCTAssertEqual((e as? CostError)?.description, "no habitat cell: none of the classes 7, 99 is present")
        }
        XCTAssertThrowsError(try PatchFinder.find(landCover: lc, habitat: [20], minAreaHa: 0, connexity: .knight)) { e in
            XCTAssertEqual(e as? CostError, .patchConnexity)
            XCTAssertEqual((e as? CostError)?.description, "patch connexity is 4 or 8")
        }
        // An inventory cell stands in for absent habitat classes: no error.
        var inv = Grid<UInt8>(spec: spec, fill: 0)
        inv.values[1] = 1
        XCTAssertEqual(try PatchFinder.find(landCover: lc, habitat: [99], minAreaHa: 0, inventory: inv).patches.map(\.cells), [1])
    }

    /// Two one-cell patches on a uniform grid: the link is the straight row between them, the planar and
    /// complete topologies agree, and a zero-width corridor is exactly that row.
    func testLinksAndCorridorOnUniformGrid() throws {
        let cols = 11, rows = 7
        let r = grid(cols, rows, [Float](repeating: 1, count: cols * rows))
        var labels = Grid<Int32>(spec: r.spec, fill: 0, noData: 0)
        labels[1, 3] = 1; labels[9, 3] = 2
        let set = try PatchSet(labels: labels)
        let planar = try LinkBuilder.links(resistance: r, patches: set, topology: .planar)
        let complete = try LinkBuilder.links(resistance: r, patches: set, topology: .complete, maxCost: 1000)
        XCTAssertEqual(planar.count, 1); XCTAssertEqual(complete.count, 1)
        XCTAssertEqual(planar[0].cost, 80, accuracy: 1e-9)   // 8 rook steps of 10 m at resistance 1
        XCTAssertEqual(complete[0].cost, 80, accuracy: 1e-9)
        XCTAssertEqual(planar[0].length, 80, accuracy: 1e-9)
        XCTAssertEqual(planar[0].euclidean, 70, accuracy: 1e-9) // 7 cells between the two edges
        XCTAssertEqual(planar[0].line.count, 9)
        let corridor = try CorridorBuilder.corridors(resistance: r, patches: set, links: planar, width: .cost(0))
        let inCorridor = (0..<(cols * rows)).filter { corridor.link.values[$0] > 0 }
        XCTAssertEqual(inCorridor, Array((3 * cols + 1)...(3 * cols + 9)))
        // Width 10 cost units adds the cells whose detour costs ≤ 10: none off the row (a detour costs ≥ 8.28).
        let wider = try CorridorBuilder.corridors(resistance: r, patches: set, links: planar, width: .cost(10))
        let widerCells = (0..<(cols * rows)).filter { wider.link.values[$0] > 0 }
        XCTAssertGreaterThan(widerCells.count, inCorridor.count)
        for i in widerCells { XCTAssertLessThanOrEqual(wider.value.values[i], 10) }
    }

    /// Euclidean edge-to-edge distances of the links on random patches (some large, ragged, touching
    /// diagonally) against the gap between every pair of their cells, found by brute force.
    func testEuclideanEdgeDistancesByBruteForce() throws {
        var seed: UInt64 = 0xED6E
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        for trial in 0..<8 {
            // The last two span several of the index's 64-cell blocks each way.
            let cols = trial < 6 ? 40 + next() % 60 : 200 + next() % 80, rows = trial < 6 ? 40 + next() % 60 : 150 + next() % 60
            let cellW = 10.0
            let r = grid(cols, rows, cell: cellW, (0..<(cols * rows)).map { _ in Float(1 + next() % 5) })
            var labels = Grid<Int32>(spec: r.spec, fill: 0, noData: 0)
            // Random walks of patch cells; a cell keeps its first patch.
            for k in 1...(trial < 6 ? 3 + trial : 3) {
                var c = next() % cols, rr = next() % rows
                for _ in 0..<(trial < 6 ? cols * rows / (4 + trial) : cols * rows / 30) {
                    if labels[c, rr] == 0 { labels[c, rr] = Int32(k) }
                    c = min(cols - 1, max(0, c + next() % 3 - 1)); rr = min(rows - 1, max(0, rr + next() % 3 - 1))
                }
            }
            // Ids must run 1…n over non-empty patches: renumber by first appearance.
            var renumber: [Int32: Int32] = [:]
            for i in labels.values.indices where labels.values[i] > 0 {
                let v = labels.values[i]
                if renumber[v] == nil { renumber[v] = Int32(renumber.count + 1) }
                labels.values[i] = renumber[v]!
            }
            let set = try PatchSet(labels: labels)
            let links = try LinkBuilder.links(resistance: r, patches: set, topology: .planar)
            XCTAssertFalse(links.isEmpty)
            var cellsOf: [Int32: [(Int, Int)]] = [:]
            for rr in 0..<rows { for c in 0..<cols where labels[c, rr] > 0 { cellsOf[labels[c, rr], default: []].append((c, rr)) } }
            for l in links {
                var best = Double.infinity
                for (ac, ar) in cellsOf[l.from]! {
                    for (bc, br) in cellsOf[l.to]! {
                        let dx = Double(max(0, abs(ac - bc) - 1)) * cellW, dy = Double(max(0, abs(ar - br) - 1)) * cellW
                        best = min(best, (dx * dx + dy * dy).squareRoot())
                    }
                }
                XCTAssertEqual(l.euclidean, best, accuracy: 1e-9, "trial \(trial): link \(l.from)–\(l.to)")
            }
        }
    }
}
