import XCTest
import TrameRaster

/// The component labeller, the union-find and the heap on small cases worked by hand.
final class ComponentsTests: XCTestCase {
    // 5 × 4, classes 1, 2, 3 (0 background):
    //   1 1 2 2 2
    //   0 1 0 0 2
    //   3 0 1 0 0
    //   3 3 0 1 1
    let classes: [UInt8] = [1, 1, 2, 2, 2,
                            0, 1, 0, 0, 2,
                            3, 0, 1, 0, 0,
                            3, 3, 0, 1, 1]

    /// With 8 neighbours the three class-1 pieces touch by corners and make one region; classes never
    /// mix (the 1 at column 1 row 0 touches the 2 beside it). Ids follow the first cell in row-major order.
    func testQueenJoinsDiagonals() {
        let c = Components(classes: classes, cols: 5, rows: 4, connexity: .queen)
        XCTAssertEqual(c.labels, [1, 1, 2, 2, 2,
                                  0, 1, 0, 0, 2,
                                  3, 0, 1, 0, 0,
                                  3, 3, 0, 1, 1])
        XCTAssertEqual(c.classOf, [1, 2, 3])
        XCTAssertEqual(c.cells, [6, 4, 3])
    }

    /// With 4 neighbours the diagonal contacts split class 1 into three regions, numbered by first cell.
    func testRookSplitsDiagonals() {
        let c = Components(classes: classes, cols: 5, rows: 4, connexity: .rook)
        XCTAssertEqual(c.labels, [1, 1, 2, 2, 2,
                                  0, 1, 0, 0, 2,
                                  3, 0, 4, 0, 0,
                                  3, 3, 0, 5, 5])
        XCTAssertEqual(c.classOf, [1, 2, 3, 1, 1])
        XCTAssertEqual(c.cells, [3, 4, 3, 1, 2])
    }

    /// Regions under their class's minimum are dropped and the others renumbered in order.
    func testSmallRegionsDroppedAndRenumbered() {
        let c = Components(classes: classes, cols: 5, rows: 4, connexity: .rook) { $0 == 1 ? 3 : 4 }
        // Class 1 keeps its 3-cell region only; class 2 (4 cells) stays; class 3 (3 cells < 4) goes.
        XCTAssertEqual(c.labels, [1, 1, 2, 2, 2,
                                  0, 1, 0, 0, 2,
                                  0, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0])
        XCTAssertEqual(c.classOf, [1, 2])
        XCTAssertEqual(c.cells, [3, 4])
    }

    /// Depth-first from the seed with neighbours pushed in row-major order, on a full 3 × 3 grid:
    /// 0 pushes 1, 3, 4; 4 (last pushed) pushes 2, 5, 6, 7, 8; then the stack unwinds 8, 7, 6, 5, 2, 3, 1.
    func testVisitOrder() {
        var order: [Int] = []
        let labels = Components.label(cols: 3, rows: 3, steps: Neighbourhood.queen.rowMajorSteps, region: { _ in true }) { id, cell in
            XCTAssertEqual(id, 1)
            order.append(cell)
        }
        XCTAssertEqual(order, [0, 4, 8, 7, 6, 5, 2, 3, 1])
        XCTAssertEqual(labels, [Int32](repeating: 1, count: 9))
    }

    func testRowMajorSteps() {
        XCTAssertEqual(Neighbourhood.queen.rowMajorSteps.map { [$0.dr, $0.dc] },
                       [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]])
        XCTAssertEqual(Neighbourhood.rook.rowMajorSteps.map { [$0.dr, $0.dc] }, [[-1, 0], [0, -1], [0, 1], [1, 0]])
        XCTAssertEqual(Neighbourhood.queen.rowMajorSteps.filter { $0.dr != 0 && $0.dc != 0 }.map(\.length),
                       [Double](repeating: 2.0.squareRoot(), count: 4))
    }

    /// The root of a set is its least element, whatever the order of the unions.
    func testUnionFind() {
        var u = UnionFind(count: 6)
        XCTAssertTrue(u.union(3, 1))
        XCTAssertTrue(u.union(4, 3))
        XCTAssertEqual(u.find(4), 1)
        XCTAssertTrue(u.union(0, 2))
        XCTAssertEqual(u.find(2), 0)
        XCTAssertTrue(u.union(4, 2))
        XCTAssertEqual((0..<6).map { u.find($0) }, [0, 0, 0, 0, 0, 5])
        XCTAssertFalse(u.union(1, 2), "already one set")
        XCTAssertEqual(u.count, 6)
    }

    /// Keys leave in increasing order; equal keys as the array heap orders them, worked by hand:
    /// push 5a, 1b, 3c, 1d → [1b, 1d, 3c, 5a]; pop 1b → [1d, 5a, 3c]; then 1d, 3c, 5a.
    func testMinHeapOrder() {
        var h = MinHeap()
        let name: [Character] = ["a", "b", "c", "d"]
        for (k, v) in [(5.0, 0), (1, 1), (3, 2), (1, 3)] { h.push(k, v) }
        XCTAssertEqual(h.count, 4)
        var out: [String] = []
        while let (k, v) = h.pop() { out.append("\(Int(k))\(name[v])") }
        XCTAssertEqual(out, ["1b", "1d", "3c", "5a"])
        XCTAssertTrue(h.isEmpty)
        // Many keys against a sort.
        var g = SystemRandomNumberGenerator()
        let keys = (0..<500).map { _ in Double(Int.random(in: 0..<100, using: &g)) }
        for (i, k) in keys.enumerated() { h.push(k, i) }
        var popped: [Double] = []
        while let (k, _) = h.pop() { popped.append(k) }
        XCTAssertEqual(popped, keys.sorted())
        h.push(2, 7); h.removeAll()
        XCTAssertNil(h.pop())
    }

    /// A copy is a value: popping from it leaves the original whole (storage copied on write).
    func testMinHeapCopies() {
        var a = MinHeap()
        for k in [4.0, 2, 8, 6] { a.push(k, Int(k)) }
        var b = a
        XCTAssertEqual(b.pop()?.key, 2)
        b.push(1, 1)
        XCTAssertEqual(a.count, 4)
        var keys: [Double] = []
        while let (k, _) = a.pop() { keys.append(k) }
        XCTAssertEqual(keys, [2, 4, 6, 8])
        XCTAssertEqual(b.count, 4)
        XCTAssertEqual(b.pop()?.key, 1)
    }
}
