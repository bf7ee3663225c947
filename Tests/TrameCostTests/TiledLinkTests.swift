import XCTest
@testable import TrameCost
import TrameRaster

/// Links found tile by tile (`LinkBuilder.tileLinks` on each tile's window, joined by `mergeTiles`) against the
/// planar links of the whole grid (`LinkBuilder.links`) kept at cost ≤ D: the same pairs, costs, lengths and
/// paths, bit for bit, when the halo is D ÷ (least resistance × cell), rounded up, and no more. Seeded random landscapes wider
/// than a window, so that the windows cut the grid and links cross the tiles' edges.
final class TiledLinkTests: XCTestCase {
    typealias LCG = LinkPropertyTests.LCG

    /// The cells of `g` in columns c0..<c1 and rows r0..<r1, as a grid of their own placed where they lie.
    func window<T>(_ g: Grid<T>, _ c0: Int, _ c1: Int, _ r0: Int, _ r1: Int) -> Grid<T> {
        let t = g.spec.transform
        let spec = GridSpec(cols: c1 - c0, rows: r1 - r0,
                            transform: GeoTransform(west: t.originX + Double(c0) * t.pixelWidth, north: t.originY + Double(r0) * t.pixelHeight, cellSize: t.pixelWidth))
        var values: [T] = []
        values.reserveCapacity(spec.count)
        for r in r0..<r1 { values += g.values[(r * g.spec.cols + c0)..<(r * g.spec.cols + c1)] }
        return Grid(spec: spec, values: values, noData: g.noData)
    }

    func testTilesGiveTheWholeGridsLinksUpToTheDispersalCost() throws {
        var compared = 0, acrossTiles = 0, beyond = 0
        for seed in 1...12 {
            var r = LCG(s: UInt64(seed) * 7_919 + 3)
            let cols = 220 + Int(r.next() * 40), rows = 150 + Int(r.next() * 20), cell = 10.0
            let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 600_000, north: 6_900_000, cellSize: cell))
            var res = Grid<Float>(spec: spec, fill: 1, noData: -9999)
            // Mostly open land (resistance 1), some rougher and some impassable: links of a few hundred cost units.
            for i in 0..<res.count { res.values[i] = r.next() < 0.06 ? -9999 : r.next() < 0.7 ? 1 : Float(2 + (r.next() * 8).rounded()) }
            var labels = Grid<Int32>(spec: spec, fill: 0, noData: 0)
            for id in 1...50 {
                let w = 2 + Int(r.next() * 3), h = 2 + Int(r.next() * 3)
                let c = Int(r.next() * Double(cols - w)), rr = Int(r.next() * Double(rows - h))
                for dc in 0..<w { for dr in 0..<h { labels[c + dc, rr + dr] = Int32(id); res[c + dc, rr + dr] = 1 } }
            }
            let set = try PatchSet(labels: labels)
            let nb: Neighbourhood = seed % 3 == 0 ? .knight : .queen
            let dispersal = 300 + (r.next() * 100).rounded()
            let all = try LinkBuilder.links(resistance: res, patches: set, topology: .planar, neighbourhood: nb)
            let whole = all.filter { $0.cost <= dispersal }
            beyond += all.count - whole.count

            // The least resistance is 1 (the reservoirs' cells): a halo of D ÷ 10 m, rounded up.
            let halo = Int((dispersal / cell).rounded(.up)), tile = 60
            var tiles: [[TileLink]] = []
            for tr in stride(from: 0, to: rows, by: tile) {
                for tc in stride(from: 0, to: cols, by: tile) {
                    let ce = min(tc + tile, cols), re = min(tr + tile, rows)
                    let wc0 = max(0, tc - halo), wc1 = min(cols, ce + halo), wr0 = max(0, tr - halo), wr1 = min(rows, re + halo)
                    XCTAssertLessThan((wc1 - wc0) * (wr1 - wr0), cols * rows, "the window cuts the grid")
                    tiles.append(try LinkBuilder.tileLinks(resistance: window(res, wc0, wc1, wr0, wr1), labels: window(labels, wc0, wc1, wr0, wr1),
                                                           core: (cols: (tc - wc0)..<(ce - wc0), rows: (tr - wr0)..<(re - wr0)),
                                                           origin: (col: wc0, row: wr0), wholeCols: cols, neighbourhood: nb, maxCost: dispersal))
                }
            }
            let merged = LinkBuilder.mergeTiles(tiles)
            XCTAssertEqual(merged.map { "\($0.from)–\($0.to)" }, whole.map { "\($0.from)–\($0.to)" }, "seed \(seed)")
            for (a, b) in zip(merged, whole) {
                let what = "seed \(seed), link \(b.from)–\(b.to)"
                XCTAssertEqual(a.cost, b.cost, what)
                XCTAssertEqual(a.length, b.length, what)
                XCTAssertEqual(a.line, b.line, what)
                // Links whose path runs through several tiles' cores.
                let tilesCrossed = Set(b.line.map { p -> Int in
                    let c = Int((p.x - 600_000) / cell), rr = Int((6_900_000 - p.y) / cell)
                    return (rr / tile) * 100 + c / tile
                })
                if tilesCrossed.count > 1 { acrossTiles += 1 }
            }
            compared += whole.count
        }
        XCTAssertGreaterThan(compared, 60)
        XCTAssertGreaterThan(acrossTiles, 15, "links crossing the tiles' edges")
        XCTAssertGreaterThan(beyond, 10, "links above the dispersal cost, which the tiles must leave out")
    }
}

/// A patch raster made elsewhere may skip ids (1, 5, 9): links and corridors are those of the same patches
/// numbered 1, 2, 3 (once the ids are mapped), where tables indexed by id used to stop at the patch count.
final class PatchIdGapTests: XCTestCase {
    func testIdsWithGapsGiveTheLinksAndCorridorsOfContiguousIds() throws {
        let spec = GridSpec(cols: 40, rows: 40, transform: GeoTransform(west: 600_000, north: 6_900_400, cellSize: 10))
        var res = Grid<Float>(spec: spec, fill: 1, noData: -9999)
        for i in 0..<res.count where (i * 7919) % 13 == 0 { res.values[i] = 5 }
        var gaps = Grid<Int32>(spec: spec, fill: 0, noData: 0), plain = gaps
        let blocks: [(Int32, Int32, ClosedRange<Int>, ClosedRange<Int>)] = [(1, 1, 2...5, 2...5), (5, 2, 30...34, 30...34), (9, 3, 30...34, 2...5)]
        for (g, p, cs, rs) in blocks { for c in cs { for r in rs { gaps[c, r] = g; plain[c, r] = p; res[c, r] = 1 } } }
        let toPlain: [Int32: Int32] = [1: 1, 5: 2, 9: 3]
        let a = try PatchSet(labels: gaps), b = try PatchSet(labels: plain)
        XCTAssertEqual(a.maxID, 9)
        let la = try LinkBuilder.links(resistance: res, patches: a, topology: .planar), lb = try LinkBuilder.links(resistance: res, patches: b, topology: .planar)
        XCTAssertEqual(la.count, 3)
        XCTAssertEqual(la.map { [toPlain[$0.from]!, toPlain[$0.to]!].sorted() }.sorted { $0.lexicographicallyPrecedes($1) },
                       lb.map { [$0.from, $0.to] }.sorted { $0.lexicographicallyPrecedes($1) })
        for l in la {
            let m = lb.first { Set([$0.from, $0.to]) == Set([toPlain[l.from]!, toPlain[l.to]!]) }!
            XCTAssertEqual(l.cost, m.cost); XCTAssertEqual(l.euclidean, m.euclidean)
        }
        // Patch 1 (cols 2–5) and patch 9 (cols 30–34), rows 2–5: 24 cells of 10 m between their nearest edges.
        XCTAssertEqual(la.first { Set([$0.from, $0.to]) == [1, 9] }?.euclidean, 240)

        let ca = try CorridorBuilder.corridors(resistance: res, patches: a, links: la, width: .cost(200))
        let cb = try CorridorBuilder.corridors(resistance: res, patches: b, links: la.map { var l = $0; l.from = toPlain[l.from]!; l.to = toPlain[l.to]!; return l },
                                               width: .cost(200))
        XCTAssertEqual(ca.value.values, cb.value.values)
        XCTAssertEqual(ca.link.values, cb.link.values)
        XCTAssertGreaterThan(ca.link.values.filter { $0 > 0 }.count, 200)
    }
}
