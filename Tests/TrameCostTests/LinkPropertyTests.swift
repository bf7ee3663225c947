import XCTest
@testable import TrameCost
import TrameRaster

/// Seeded random landscapes: complete-graph links against independent cost-distance runs from each patch,
/// and the planar (minimum planar graph) links never cheaper than the true least cost.
final class LinkPropertyTests: XCTestCase {
    struct LCG { var s: UInt64; mutating func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) * 0x1.0p-53 } }

    func testCompleteLinksMatchPerPatchCostDistance() throws {
        for seed in 1...12 {
            var r = LCG(s: UInt64(seed) * 7919)
            let cols = 30, rows = 24
            let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * 10, cellSize: 10))
            var res = Grid<Float>(spec: spec, fill: 1, noData: -9999)
            for i in 0..<res.count { res.values[i] = r.next() < 0.08 ? -9999 : Float(1 + (r.next() * 20).rounded()) }
            var labels = Grid<Int32>(spec: spec, fill: 0, noData: 0)
            for id in 1...5 {
                let c = Int(r.next() * Double(cols - 3)), rr = Int(r.next() * Double(rows - 3))
                for dc in 0..<3 { for dr in 0..<2 { labels[c + dc, rr + dr] = Int32(id); res[c + dc, rr + dr] = 1 } }
            }
            let set = try PatchSet(labels: labels)
            let nb: Neighbourhood = seed % 2 == 0 ? .knight : .queen
            let complete = try LinkBuilder.links(resistance: res, patches: set, topology: .complete, neighbourhood: nb, maxCost: 1e12)
            let planar = try LinkBuilder.links(resistance: res, patches: set, topology: .planar, neighbourhood: nb)
            let ids = set.patches.map(\.id)
            for a in ids {
                let src = (0..<res.count).filter { labels.values[$0] == a }.map { CostSource(cell: $0, id: a) }
                let cd = try CostDistance.compute(resistance: res, sources: src, neighbourhood: nb)
                for b in ids where b > a {
                    let reached = (0..<res.count).filter { labels.values[$0] == b && cd.cost.values[$0] >= 0 }.map { cd.cost.values[$0] }
                    let link = complete.first { $0.from == a && $0.to == b }
                    guard let expected = reached.min() else { XCTAssertNil(link, "seed \(seed): \(a)–\(b) unreachable"); continue }
                    let l = try XCTUnwrap(link, "seed \(seed): link \(a)–\(b) missing")
                    XCTAssertEqual(l.cost, expected, accuracy: 1e-9 * expected, "seed \(seed) \(a)–\(b)")
                    if let p = planar.first(where: { $0.from == a && $0.to == b }) {
                        XCTAssertGreaterThanOrEqual(p.cost, expected * (1 - 1e-12), "planar link below the least cost")
                    }
                }
            }
        }
    }
}
