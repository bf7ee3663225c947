import XCTest
@testable import TrameRaster

/// A land cover narrowed to class indices reads back every cell's code, at 1, 2 or 4 bytes a cell.
final class ClassGridTests: XCTestCase {
    func grid(_ values: [Int32], cols: Int, noData: Int32?) -> Grid<Int32> {
        Grid(spec: GridSpec(cols: cols, rows: values.count / cols, transform: GeoTransform(west: 0, north: 0, cellSize: 10)), values: values, noData: noData)
    }

    /// Six cells, codes 10, 20, 511 and the NoData 255: four distinct values, one byte a cell, indices in
    /// increasing code order (10 → 0, 20 → 1, 255 → 2, 511 → 3).
    func testFewClassesTakeOneByte() {
        let g = grid([10, 20, 255, 511, 10, 255], cols: 3, noData: 255)
        let c = ClassGrid(g)
        XCTAssertEqual(c.stride, 1)
        XCTAssertEqual(c.codes, [10, 20, 255, 511])
        XCTAssertEqual(c.bytes, [0, 1, 2, 3, 0, 2])
        XCTAssertEqual((0..<6).map { c[$0] }, [10, 20, 255, 511, 10, 255])
        XCTAssertEqual((0..<6).map { c.isNoData(c[$0]) }, [false, false, true, false, false, true])
        XCTAssertEqual(c.dataCount, 4)
        XCTAssertEqual(c.noData, 255)
        XCTAssertEqual(c.grid.values, g.values)
        XCTAssertEqual(c.grid.spec, g.spec)
    }

    /// 257 distinct codes (negative, small and beyond 65,535 among them): two bytes a cell; 70,000
    /// distinct codes: four bytes a cell, the codes themselves. Every cell reads back its code.
    func testManyClassesWiden() {
        var v = (0..<255).map { Int32($0 * 3) }
        v += [-7, 100_000, -7, 0, 3]
        let two = ClassGrid(grid(v, cols: v.count / 2, noData: nil))
        XCTAssertEqual(two.stride, 2)
        XCTAssertEqual(two.codes.count, 257)
        XCTAssertEqual(two.codes.first, -7); XCTAssertEqual(two.codes.last, 100_000)
        XCTAssertEqual((0..<v.count).map { two[$0] }, v)
        XCTAssertEqual(two.dataCount, v.count)

        let w = (0..<70_000).map { Int32($0) * 20_000 - 1_000_000_000 }
        let four = ClassGrid(grid(w, cols: 700, noData: w[5]))
        XCTAssertEqual(four.stride, 4)
        XCTAssertTrue(four.codes.isEmpty)
        XCTAssertEqual((0..<w.count).map { four[$0] }, w)
        XCTAssertEqual(four.dataCount, w.count - 1)
        XCTAssertEqual(four.grid.values, w)
    }
}
