import Foundation
import XCTest
@testable import TrameCircuit
@testable import TrameCost
import TrameRaster

/// Pinch points on corridors drawn by hand between reservoir 1 (the first column) and reservoir 2 (the
/// last column), every cell of resistance 1.
final class PinchPointsTests: XCTestCase {
    /// Labels, corridor link index per cell, resistance 1 everywhere, from an ASCII drawing
    /// (`1`, `2`: reservoirs; `#`: the corridor of link 1; `.`: outside).
    func landscape(_ rows: [String]) -> (labels: Grid<Int32>, corridors: CorridorMap, resistance: Grid<Float>) {
        let cols = rows[0].count
        let spec = GridSpec(cols: cols, rows: rows.count, transform: GeoTransform(west: 0, north: Double(rows.count) * 10, cellSize: 10))
        let chars = rows.flatMap { Array($0) }
        let labels = Grid<Int32>(spec: spec, values: chars.map { $0 == "1" ? 1 : $0 == "2" ? 2 : 0 }, noData: 0)
        let link = Grid<Int32>(spec: spec, values: chars.map { $0 == "#" ? 1 : 0 }, noData: 0)
        let value = Grid<Float>(spec: spec, values: chars.map { $0 == "#" ? 0 : -1 }, noData: -1)
        return (labels, CorridorMap(value: value, link: link), Grid(spec: spec, fill: 1, noData: -9999))
    }

    let link = PatchLink(from: 1, to: 2, cost: 60, length: 60, euclidean: 60, line: [])

    /// A corridor one cell wide: every corridor cell carries the whole 1 A. Its resistance: at each end
    /// the reservoir's three cells (short-circuited) meet the first corridor cell through 1 Ω and two
    /// diagonals of √2 Ω, i.e. 1 ‖ √2 ‖ √2 = √2 − 1 Ω; then 4 branches of 1 Ω: R = 2 + 2√2 Ω.
    func testOneCellWideCorridorCarriesTheWholeAmpere() throws {
        let l = landscape(["1.....2",
                           "1#####2",
                           "1.....2"])
        let p = try PinchPoints.compute(corridors: l.corridors, links: [link], linkIDs: [7], dPC: [0.25], labels: l.labels, resistance: l.resistance, maxLinks: 5)
        for c in 0..<l.labels.count {
            if l.corridors.link.values[c] == 1 { XCTAssertEqual(Double(p.current.values[c]), 1, accuracy: 1e-5, "cell \(c)") } else { XCTAssertEqual(p.current.values[c], -1, "cell \(c)") }
        }
        for pt in p.points {
            XCTAssertEqual(pt.link, 7); XCTAssertEqual(pt.from, 1); XCTAssertEqual(pt.to, 2); XCTAssertEqual(pt.dPC, 0.25)
            XCTAssertEqual(pt.corridorResistance, 2 + 2 * 2.0.squareRoot(), accuracy: 1e-8)
        }
        // No link chosen: nothing computed.
        let none = try PinchPoints.compute(corridors: l.corridors, links: [link], linkIDs: [7], dPC: [0.25], labels: l.labels, resistance: l.resistance, maxLinks: 0)
        XCTAssertTrue(none.points.isEmpty)
        XCTAssertTrue(none.current.values.allSatisfy { $0 == -1 })
    }

    /// A corridor three cells wide narrowing to one cell for three cells: the whole 1 A passes each of the
    /// three narrow cells, where the wide stretches share it between rows. The narrow cells are the top
    /// tenth of the 30 corridor cells (30 − ⌊0.9 × 30⌋ = 3), in one group of 3: one pinch point there.
    func testBottleneckIsThePinchPoint() throws {
        let l = landscape(["1####...#####2",
                           "1############2",
                           "1####...#####2"])
        let p = try PinchPoints.compute(corridors: l.corridors, links: [link], linkIDs: [3], dPC: [0.5], labels: l.labels, resistance: l.resistance, maxLinks: 1)
        XCTAssertEqual(p.points.count, 1)
        let pt = try XCTUnwrap(p.points.first)
        XCTAssertEqual(pt.group, 1); XCTAssertEqual(pt.cells, 3); XCTAssertEqual(pt.link, 3); XCTAssertEqual(pt.dPC, 0.5)
        XCTAssertEqual(pt.maxCurrent, 1, accuracy: 1e-6)
        XCTAssertEqual(pt.meanCurrent, 1, accuracy: 1e-6)
        let narrow = [14 + 5, 14 + 6, 14 + 7]
        for c in 0..<l.labels.count { XCTAssertEqual(p.groups.values[c], narrow.contains(c) ? 1 : 0, "cell \(c)") }
        // Drawn from its own box: columns 4–8, rows 0–2 (one cell of margin around row 1, columns 5–7).
        let windows = p.groupWindows()
        XCTAssertEqual(windows.count, 1)
        let w = try XCTUnwrap(windows.first), t = l.labels.spec.transform
        XCTAssertEqual([w.grid.cols, w.grid.rows], [5, 3])
        XCTAssertEqual(w.grid.spec.transform.originX, t.originX + 4 * t.pixelWidth)
        XCTAssertEqual(w.grid.spec.transform.originY, t.originY)
        XCTAssertEqual(w.grid.values, [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        for c in narrow { XCTAssertEqual(Double(p.current.values[c]), 1, accuracy: 1e-5) }
        for c in 0..<l.labels.count where l.corridors.link.values[c] == 1 && !narrow.contains(c) { XCTAssertLessThan(p.current.values[c], 0.99, "cell \(c)") }
    }

    /// A three-cell bridge between the reservoirs and a dead-end strip of 24 cells beyond reservoir 2: no
    /// current enters the strip (its cells sit at reservoir 2's potential; a solver leaves ~1e-11 A there), so
    /// the strip is no pinch point although its cells are nine tenths of the corridor. The bridge carries the
    /// whole 1 A: one pinch point of 3 cells.
    func testDeadEndWithoutCurrentIsNoPinchPoint() throws {
        let l = landscape(["1###2########",
                           "1...2########",
                           "1...2########"])
        let p = try PinchPoints.compute(corridors: l.corridors, links: [link], linkIDs: [4], dPC: [0.5], labels: l.labels, resistance: l.resistance, maxLinks: 1)
        XCTAssertEqual(p.points.count, 1)
        XCTAssertEqual(p.points.first?.cells, 3)
        XCTAssertEqual(p.points.first?.maxCurrent ?? 0, 1, accuracy: 1e-6)
        for pt in p.points { XCTAssertGreaterThanOrEqual(pt.maxCurrent, PinchPoints.minCurrent) }
        for r in 0..<3 { for c in 5..<13 {
            XCTAssertEqual(p.groups.values[r * 13 + c], 0, "dead-end cell \(r),\(c)")
            XCTAssertLessThan(p.current.values[r * 13 + c], 1e-6, "dead-end cell \(r),\(c)")
        } }
    }

    /// Groups grow through the 8 neighbours, row by row from the one above-left.
    func testNeighbourOrder() {
        XCTAssertEqual(PinchPoints.around.map { [$0.dc, $0.dr] }, [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]])
    }
}
