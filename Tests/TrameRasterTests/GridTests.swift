import XCTest
@testable import TrameRaster

final class GridTests: XCTestCase {
    /// A north-up 10 m grid with its top-left corner at (685 000, 7 035 000).
    let t = GeoTransform(west: 685_000, north: 7_035_000, cellSize: 10)

    func testCellCentresAndInverse() {
        let c = t.centre(col: 0, row: 0)
        XCTAssertEqual(c.x, 685_005); XCTAssertEqual(c.y, 7_034_995)
        let f = t.fractionalCell(x: 685_025, y: 7_034_975)
        XCTAssertEqual(f.col, 2.5); XCTAssertEqual(f.row, 2.5)
        let spec = GridSpec(cols: 4, rows: 3, transform: t)
        XCTAssertEqual(spec.cell(x: 685_039.9, y: 7_034_970.1)!.col, 3)
        XCTAssertEqual(spec.cell(x: 685_039.9, y: 7_034_970.1)!.row, 2)
        XCTAssertNil(spec.cell(x: 685_040.1, y: 7_034_990), "east of the grid")
        XCTAssertNil(spec.cell(x: 684_999.9, y: 7_034_990), "west of the grid")
        XCTAssertEqual(spec.extent.minX, 685_000); XCTAssertEqual(spec.extent.maxY, 7_035_000); XCTAssertEqual(spec.extent.minY, 7_034_970)
        XCTAssertEqual(spec.cellArea, 100)
        XCTAssertEqual(t.squareCellSize, 10)
        XCTAssertEqual(GeoTransform(gdal: t.gdalCoefficients), t)
    }

    func testAlignment() {
        let a = GridSpec(cols: 4, rows: 3, transform: t)
        var b = a
        XCTAssertTrue(a.isGeometricallyAligned(with: b))
        b.transform.originX += 0.001
        XCTAssertTrue(a.isGeometricallyAligned(with: b), "a thousandth of a metre is rounding")
        b.transform.originX += 5
        XCTAssertFalse(a.isGeometricallyAligned(with: b), "half a cell is not")
        XCTAssertFalse(a.isGeometricallyAligned(with: GridSpec(cols: 5, rows: 3, transform: t)))
    }

    func testNeighbourhoods() {
        XCTAssertEqual(Neighbourhood.rook.steps.count, 4)
        XCTAssertEqual(Neighbourhood.queen.steps.count, 8)
        XCTAssertEqual(Neighbourhood.knight.steps.count, 16)
        // Every move appears once, with its opposite, and the right length.
        for nb in Neighbourhood.allCases {
            let s = nb.steps
            XCTAssertEqual(Set(s.map { [$0.dc, $0.dr] }).count, s.count)
            for m in s {
                XCTAssertTrue(s.contains { $0.dc == -m.dc && $0.dr == -m.dr })
                XCTAssertEqual(m.length, Double(m.dc * m.dc + m.dr * m.dr).squareRoot(), accuracy: 1e-15)
            }
        }
    }

    func testNoDataAndMap() {
        let spec = GridSpec(cols: 3, rows: 1, transform: t)
        let g = Grid<Float>(spec: spec, values: [1, -9999, .nan], noData: -9999)
        XCTAssertEqual(g.dataCount, 1, "NoData and NaN are both absent")
        let doubled = g.map(noData: Float(-1)) { $0 * 2 }
        XCTAssertEqual(doubled.values[0], 2); XCTAssertEqual(doubled.values[1], -1); XCTAssertEqual(doubled.values[2], -1)
        var h = Grid<Int32>(spec: spec, fill: 0)
        h[2, 0] = 7
        XCTAssertEqual(h.values, [0, 0, 7])
    }

    func testLargeBufferHoldsItsValues() {
        let a = LargeBuffer.array(repeating: 2.5, count: 3_000_000)
        XCTAssertEqual(a.count, 3_000_000)
        XCTAssertTrue(a.allSatisfy { $0 == 2.5 })
    }
}
