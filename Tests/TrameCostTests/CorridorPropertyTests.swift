import XCTest
@testable import TrameCost
import TrameRaster

/// Seeded random landscapes: the corridor mosaic against its definition, worked from full-grid cost
/// distances. For each link A–B: CD_A and CD_B over the whole grid (`CostDistance`, not the bounded searches
/// the builder runs), LCD = the least CD_A + CD_B over the cells both reach, and the corridor = the cells where
/// CD_A + CD_B − LCD ≤ width (Linkage Mapper's normalised least-cost corridor). A cell in several corridors
/// belongs to the lowest value, then the lower link number.
final class CorridorPropertyTests: XCTestCase {
    typealias LCG = LinkPropertyTests.LCG

    /// A patch's cells found in its box, against every cell of the grid tested one by one: labels scattered in
    /// several pieces, touching the grid's edges, absent ids, ids above the count ignored.
    func testPatchBoxesFindEveryCellOfAPatch() {
        for seed in 1...8 {
            var r = LCG(s: UInt64(seed) * 7_919)
            let cols = 1 + Int(r.next() * 70), rows = 1 + Int(r.next() * 40)
            let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * 10, cellSize: 10))
            var labels = Grid<Int32>(spec: spec, fill: 0, noData: 0)
            for i in 0..<labels.count where r.next() < 0.6 { labels.values[i] = Int32(r.next() * 9) }
            let boxes = PatchBoxes(labels: labels, count: 7)
            for id in Int32(0)...9 {
                let want = id >= 1 && id <= 7 ? (0..<labels.count).filter { labels.values[$0] == id } : []
                XCTAssertEqual(boxes.cells(of: id, in: labels), want, "seed \(seed), id \(id)")
            }
        }
    }

    func testMosaicMatchesFullGridCostDistances() throws {
        for seed in 1...16 {
            var r = LCG(s: UInt64(seed) * 104_729)
            // Wide enough that one row spans several runs of 64 cells, and runs wrap from row to row.
            let cols = 90 + Int(r.next() * 60), rows = 20 + Int(r.next() * 20)
            let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * 10, cellSize: 10))
            var res = Grid<Float>(spec: spec, fill: 1, noData: -9999)
            for i in 0..<res.count { res.values[i] = r.next() < 0.08 ? -9999 : Float(1 + (r.next() * 20).rounded()) }
            var labels = Grid<Int32>(spec: spec, fill: 0, noData: 0)
            for id in 1...6 {
                let c = Int(r.next() * Double(cols - 3)), rr = Int(r.next() * Double(rows - 3))
                for dc in 0..<3 { for dr in 0..<2 { labels[c + dc, rr + dr] = Int32(id); res[c + dc, rr + dr] = 1 } }
            }
            let set = try PatchSet(labels: labels)
            let nb: Neighbourhood = seed % 2 == 0 ? .knight : .queen
            let links = try LinkBuilder.links(resistance: res, patches: set, topology: .planar, neighbourhood: nb)
            guard !links.isEmpty else { continue }
            let width = [0.0, 50, 400, 2000][seed % 4]
            let got = try CorridorBuilder.corridors(resistance: res, patches: set, links: links, width: .cost(width), neighbourhood: nb)

            var cd: [Int32: [Double]] = [:]
            for p in set.patches {
                let src = (0..<res.count).filter { set.labels.values[$0] == p.id }.map { CostSource(cell: $0, id: p.id) }
                cd[p.id] = try CostDistance.compute(resistance: res, sources: src, neighbourhood: nb).cost.values
            }
            var value = [Float](repeating: .infinity, count: res.count), owner = [Int32](repeating: 0, count: res.count)
            for (k, link) in links.enumerated() {
                let a = cd[link.from]!, b = cd[link.to]!
                var lcd = Double.infinity
                for i in 0..<res.count where a[i] >= 0 && b[i] >= 0 { lcd = min(lcd, a[i] + b[i]) }
                guard lcd.isFinite else { continue }
                for i in 0..<res.count where a[i] >= 0 && b[i] >= 0 {
                    let nv = a[i] + b[i] - lcd
                    if nv <= width, Float(nv) < value[i] || (Float(nv) == value[i] && Int32(k + 1) < owner[i]) {
                        value[i] = Float(nv); owner[i] = Int32(k + 1)
                    }
                }
            }
            var wrong = 0
            for i in 0..<res.count {
                let expected: Float = value[i].isFinite ? value[i] : -9999
                if got.value.values[i] != expected || got.link.values[i] != owner[i] {
                    if wrong == 0 {
                        XCTFail("seed \(seed) (\(cols) × \(rows), width \(width)), cell \(i): value \(got.value.values[i]) link \(got.link.values[i]), expected \(expected) link \(owner[i])")
                    }
                    wrong += 1
                }
            }
            XCTAssertEqual(wrong, 0, "seed \(seed): \(wrong) cells differ")
            XCTAssertTrue(owner.contains { $0 != 0 }, "seed \(seed): the case holds a corridor")
        }
    }

    /// The paged store reads ∞ and 0 where nothing was written, keeps what was, holds pages only for the runs
    /// it touched, and clears back to ∞ and 0.
    func testSearchCellsPagesOnlyTheTouchedRuns() {
        let n = 1_000_000
        let s = SearchCells(count: n)
        let table = s.runs * MemoryLayout<UnsafeMutableRawPointer?>.stride
        XCTAssertEqual(s.runs, 15_625)
        XCTAssertEqual(s.bytes, table)
        XCTAssertEqual(s.cost(123_456), .infinity); XCTAssertEqual(s.step(123_456), 0)
        s.setCost(64, 2.5); s.setStep(127, 0x41); s.setCost(999_999, 7)
        XCTAssertEqual(s.cost(64), 2.5); XCTAssertEqual(s.step(127), 0x41)
        XCTAssertEqual(s.cost(65), .infinity); XCTAssertEqual(s.step(64), 0)
        XCTAssertEqual(s.cost(63), .infinity, "cell 63 is in the run before")
        XCTAssertEqual(s.cost(999_999), 7)
        // Two runs: cells 64–127 and 999,936–999,999; 64 costs (8 bytes) and 64 steps (1 byte) each.
        XCTAssertEqual(s.bytes, table + 2 * 576)
        s.clear()
        XCTAssertEqual(s.cost(64), .infinity); XCTAssertEqual(s.step(127), 0); XCTAssertEqual(s.cost(999_999), .infinity)
        // Cleared pages are kept for the next search, not made again.
        s.setCost(500_000, 1)
        XCTAssertEqual(s.bytes, table + 2 * 576)
        XCTAssertEqual(s.cost(500_001), .infinity)
    }
}
