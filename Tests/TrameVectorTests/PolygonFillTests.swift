import XCTest
import TrameVector

/// The scanline fill against a cell-by-cell point-in-polygon test at every cell centre, and against
/// cells counted by hand.
final class PolygonFillTests: XCTestCase {
    /// Even-odd over every ring: a crossing of the horizontal ray towards +x toggles.
    static func inside(_ rings: [[Point]], _ p: Point) -> Bool {
        var odd = false
        for ring in rings where ring.count > 1 {
            for k in 1..<ring.count {
                let a = ring[k - 1], b = ring[k]
                guard (a.y > p.y) != (b.y > p.y) else { continue }
                if p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) { odd.toggle() }
            }
        }
        return odd
    }

    func grid(_ fill: PolygonFill, _ g: Geometry) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: fill.cols * fill.rows)
        fill.fill(g) { r, c0, c1 in
            for c in c0..<c1 {
                XCTAssertEqual(out[r * fill.cols + c], 0, "a cell is given twice in one geometry")
                out[r * fill.cols + c] = 1
            }
        }
        return out
    }

    /// A 4 × 3 m rectangle on a 1 m grid whose corner is at (10, 20): 12 cells; its hole of 2 × 1: 10.
    func testRectangleAndHoleByHand() {
        let f = PolygonFill(west: 10, north: 20, cellWidth: 1, cellHeight: 1, cols: 8, rows: 6)
        let rect = [Point(11, 19), Point(15, 19), Point(15, 16), Point(11, 16)]
        let g = grid(f, .polygon(Polygon(exterior: rect)))
        XCTAssertEqual(g.reduce(0) { $0 + Int($1) }, 12)
        // Rows 1–3, columns 1–4.
        for r in 0..<6 { for c in 0..<8 { XCTAssertEqual(g[r * 8 + c], (1...3).contains(r) && (1...4).contains(c) ? 1 : 0) } }
        let holed = grid(f, .polygon(Polygon(exterior: rect, holes: [[Point(12, 18), Point(14, 18), Point(14, 17), Point(12, 17)]])))
        XCTAssertEqual(holed.reduce(0) { $0 + Int($1) }, 10)
        XCTAssertEqual(holed[2 * 8 + 2], 0); XCTAssertEqual(holed[2 * 8 + 3], 0)
        // A triangle of the grid's diagonal half (5 × 5 cells, vertices on corners): centres strictly
        // below the diagonal, 10 cells; lines and points cover nothing.
        let tri = grid(PolygonFill(west: 0, north: 5, cellWidth: 1, cellHeight: 1, cols: 5, rows: 5),
                       .polygon(Polygon(exterior: [Point(0, 5), Point(5, 0), Point(0, 0)])))
        XCTAssertEqual(tri.reduce(0) { $0 + Int($1) }, 10)
        XCTAssertEqual(grid(f, .lineString(rect)).reduce(0, +), 0)
        // Coordinates far beyond the grid (and beyond Int) cover it all; infinite ones are skipped.
        XCTAssertEqual(grid(f, .polygon(Polygon(exterior: [Point(-1e300, -1e300), Point(1e300, -1e300), Point(0, 1e300)]))).reduce(0) { $0 + Int($1) }, 48)
        XCTAssertEqual(grid(f, .polygon(Polygon(exterior: [Point(-.infinity, 0), Point(1, .nan), Point(0, 1)]))).reduce(0) { $0 + Int($1) }, 0)
    }

    /// Random polygons (some with holes, some in several parts, some partly or wholly off the grid,
    /// far coordinates included) on grids of unequal cell sides: the same cells as the test at each centre.
    func testRandomPolygonsMatchThePointInPolygonTest() {
        var seed: UInt64 = 0x5EED_F111
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        for trial in 0..<60 {
            let cols = 5 + Int(next() * 60), rows = 5 + Int(next() * 60)
            let cw = 0.5 + next() * 20, ch = 0.5 + next() * 20
            let west = -1000 + next() * 2000, north = -1000 + next() * 2000
            let f = PolygonFill(west: west, north: north, cellWidth: cw, cellHeight: ch, cols: cols, rows: rows)
            func ring(_ n: Int, cx: Double, cy: Double, r: Double) -> [Point] {
                // A star-shaped ring (may self-touch, never matters to even-odd) around (cx, cy).
                let pts = (0..<n).map { k -> Point in
                    let a = 2 * Double.pi * (Double(k) + next() * 0.8) / Double(n), d = r * (0.2 + next())
                    return Point(cx + d * cos(a), cy + d * sin(a))
                }
                return pts + [pts[0]]
            }
            var parts: [Polygon] = []
            for _ in 0..<(1 + Int(next() * 3)) {
                // Centres over the grid and up to half its size beyond it.
                let cx = west + (next() * 2 - 0.5) * Double(cols) * cw, cy = north - (next() * 2 - 0.5) * Double(rows) * ch
                let r = (0.05 + next() * 0.6) * Double(max(cols, rows)) * max(cw, ch)
                let ext = ring(3 + Int(next() * 30), cx: cx, cy: cy, r: r)
                let holes = next() < 0.5 ? [ring(3 + Int(next() * 10), cx: cx, cy: cy, r: r * 0.2)] : []
                parts.append(Polygon(exterior: ext, holes: holes))
            }
            if trial % 10 == 0 { parts.append(Polygon(exterior: [Point(-1e9, -1e9), Point(1e9, -1e9), Point(0, 1e9)])) }
            let g = grid(f, .multiPolygon(parts))
            let rings = parts.flatMap { [$0.exterior] + $0.holes }
            var differ = 0
            for r in 0..<rows {
                for c in 0..<cols {
                    let p = Point(west + (Double(c) + 0.5) * cw, north - (Double(r) + 0.5) * ch)
                    if (g[r * cols + c] == 1) != Self.inside(rings, p) { differ += 1 }
                }
            }
            XCTAssertEqual(differ, 0, "trial \(trial): \(differ) cells differ")
        }
    }
}
