import XCTest
@testable import TrameSample
import TrameRaster
import TrameVector

final class SampleTerritoryTests: XCTestCase {
    static let small = TerritoryGenerator(size: .small, seed: 3, crsWKT: "").generate()

    func testSameSeedSameTerritoryOtherSeedOther() {
        let again = TerritoryGenerator(size: .small, seed: 3, crsWKT: "").generate()
        XCTAssertEqual(again.landCover.values, Self.small.landCover.values)
        XCTAssertEqual(again.inventories, Self.small.inventories)
        let other = TerritoryGenerator(size: .small, seed: 4, crsWKT: "").generate()
        XCTAssertNotEqual(other.landCover.values, Self.small.landCover.values)
    }

    func testLayoutInLambert93Window() {
        let e = Self.small.landCover.spec.extent
        XCTAssertEqual(Self.small.landCover.cols, 2000); XCTAssertEqual(Self.small.landCover.rows, 1000)
        XCTAssertEqual(Self.small.landCover.spec.transform.pixelWidth, 10)
        XCTAssertTrue(e.minX >= 640_000 && e.maxX <= 740_000 && e.minY >= 7_010_000 && e.maxY <= 7_060_000)
        for size in TerritorySize.allCases where size != .region && size != .department {
            let l = size.layout
            XCTAssertTrue(l.west >= 640_000 && l.west + Double(l.cols) * 10 <= 740_000, "\(size)")
            XCTAssertTrue(l.north <= 7_060_000 && l.north - Double(l.rows) * 10 >= 7_010_000, "\(size)")
        }
        // The region: 300 × 100 km of 10 m cells, 300 M cells, in Lambert-93's northern France.
        let r = TerritorySize.region.layout
        XCTAssertEqual(r.cols * r.rows, 300_000_000)
        XCTAssertEqual([r.west, r.west + Double(r.cols) * 10, r.north - Double(r.rows) * 10, r.north], [560_000, 860_000, 6_990_000, 7_090_000])
        // The department: 200 × 50 km, 100 M cells, inside the region's window.
        let d = TerritorySize.department.layout
        XCTAssertEqual(d.cols * d.rows, 100_000_000)
        XCTAssertEqual([d.west, d.west + Double(d.cols) * 10, d.north - Double(d.rows) * 10, d.north], [600_000, 800_000, 7_025_000, 7_075_000])
    }

    /// Every class of the nomenclature but quarries (rare by design) appears, in proportions that read as a
    /// coal-mining basin: farmland dominant, towns a tenth to a third, nature spaces about a sixth.
    func testLandCoverComposition() {
        var counts = [Int](repeating: 0, count: 256)
        for v in Self.small.landCover.values { counts[Int(v)] += 1 }
        let n = Double(Self.small.landCover.count)
        func share(_ cs: [LandCoverClass]) -> Double { Double(cs.reduce(0) { $0 + counts[$1.code] }) / n }
        for c in LandCoverClass.allCases where c != .quarry { XCTAssertGreaterThan(counts[c.code], 0, "\(c.label) missing") }
        XCTAssertEqual(counts[0], 0, "no NoData inside the territory")
        XCTAssertTrue((0.35...0.8).contains(share([.arableCrops, .grassland])), "farmland \(share([.arableCrops, .grassland]))")
        XCTAssertTrue((0.08...0.4).contains(share([.denseUrban, .lowDensityUrban, .industrial])), "urban")
        XCTAssertTrue((0.1...0.3).contains(share(LandCoverClass.allCases.filter(\.isNatural))), "nature \(share(LandCoverClass.allCases.filter(\.isNatural)))")
    }

    /// Not white noise: neighbouring cells mostly share their class (clustered pattern).
    func testClusteredNotNoise() {
        let g = Self.small.landCover
        var same = 0, total = 0
        for r in stride(from: 0, to: g.rows, by: 3) {
            for c in 0..<(g.cols - 1) { total += 1; if g[c, r] == g[c + 1, r] { same += 1 } }
        }
        XCTAssertGreaterThan(Double(same) / Double(total), 0.85)
    }

    func testPartnerLayers() {
        let t = Self.small
        let kinds = Set(t.inventories.features.compactMap { $0["inventory"].stringValue })
        XCTAssertEqual(kinds, ["ZNIEFF type 1", "Natura 2000", "Espace naturel sensible", "Terril d'intérêt écologique", "Zone humide prioritaire"])
        XCTAssertTrue(t.inventories.features.allSatisfy { $0["partner"].stringValue?.isEmpty == false })
        XCTAssertTrue(t.communes.features.count >= 4)
        // Communes tile the territory (Voronoi cells clipped to it).
        let total = t.communes.features.reduce(0) { $0 + ($1.geometry?.area ?? 0) }
        XCTAssertEqual(total, 20_000 * 10_000, accuracy: 1)
        XCTAssertTrue(Set(t.paths.features.compactMap { $0["class"].stringValue }).isSuperset(of: ["greenway", "cycleway", "track", "footway"]))
        XCTAssertTrue(Set(t.roads.features.compactMap { $0["class"].stringValue }).contains("motorway"))
        XCTAssertFalse(t.leisureHubs.features.isEmpty)
        // Slag heaps of ecological interest sit on slag heaps.
        let spec = t.landCover.spec
        for f in t.inventories.features where f["inventory"] == .string("Terril d'intérêt écologique") {
            guard case .polygon(let p)? = f.geometry, let b = f.geometry?.bounds else { continue }
            let centre = Point((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2)
            var hits = 0, n = 0
            for dx in stride(from: -60.0, through: 60, by: 20) {
                for dy in stride(from: -60.0, through: 60, by: 20) {
                    let q = Point(centre.x + dx, centre.y + dy)
                    guard p.contains(q), let cell = spec.cell(x: q.x, y: q.y) else { continue }
                    n += 1
                    if t.landCover[cell.col, cell.row] == LandCoverClass.slagHeap.rawValue { hits += 1 }
                }
            }
            XCTAssertGreaterThan(hits, 0, "\(f["name"]) has no slag heap near its centre")
        }
    }
}
