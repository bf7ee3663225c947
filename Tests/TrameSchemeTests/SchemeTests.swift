import Foundation
import TrameCost
import XCTest
import TrameRaster
import TrameVector
@testable import TrameScheme

/// The scheme's building blocks on hand-made cases whose answers are worked out in the comments.
final class ProjectFileTests: XCTestCase {
    let minimal = """
    [territory]
    name = "Test"
    reference_share = "12 %"

    [land_cover]
    raster = "lc.tif"
    nomenclature = "nom.csv"
    friction = "data/friction.csv"
    built_up = [1, 2]

    [nature_spaces]
    min_area = "50000 m2"

    [[inventory]]
    name = "ZNIEFF"
    source = { file = "inv.gpkg", layer = "sites", where = "kind = 'Z'" }
    partner = "DREAL"

    [[subnetwork]]
    name = "forest"
    habitat = [20]
    min_reservoir_area = "5 ha"
    inventories = ["ZNIEFF"]
    dispersal_distance = "50000 cost"
    corridor_width = "250 m"

    [buffer_zones]
    max_break_width = "1.5 km"
    """

    func testQuantitiesCarryTheirUnits() throws {
        XCTAssertEqual(try Quantity.area("5 ha"), 5)
        XCTAssertEqual(try Quantity.area("50000 m2"), 5)
        XCTAssertEqual(try Quantity.area("0.05 km²"), 5, accuracy: 1e-12)
        XCTAssertEqual(try Quantity.length("1.5 km"), 1500)
        XCTAssertEqual(try Quantity.length("200 m"), 200)
        XCTAssertEqual(try Quantity.share("12 %"), 0.12, accuracy: 1e-12)
        XCTAssertEqual(try Quantity.cost("5e4 cost"), 50_000)
        XCTAssertEqual(try Quantity.width("300 m"), .metres(300))
        XCTAssertEqual(try Quantity.width("5000 cost"), .cost(5000))
        XCTAssertThrowsError(try Quantity.area("5")) { XCTAssertTrue("\($0)".contains("5 ha"), "\($0)") }
        XCTAssertThrowsError(try Quantity.length("5 ha")) { XCTAssertTrue("\($0)".contains("not a length unit"), "\($0)") }
        XCTAssertThrowsError(try Quantity.share("120 %"))
    }

    /// Values finer than the land cover, worked by hand on the minimal project (lines 12, 22 and 25 hold
    /// min_area, min_reservoir_area and corridor_width). On a 3000 m grid (NLCD resampled: 900 ha a
    /// cell) every minimum area is below one cell: 5 ha, 5 ha, and the defaults 20 ha and 5 ha; and a
    /// 250 m corridor is below two cells (6000 m). On 150 m cells (2.25 ha) only the corridor is (300 m).
    /// On 10 m cells, nothing.
    func testScaleWarnings() throws {
        let dir = NSTemporaryDirectory() + "trame-scale-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try minimal.write(toFile: dir + "/project.toml", atomically: true, encoding: .utf8)
        let p = try ProjectFile.load(dir + "/project.toml")
        let f = p.file
        let coarse = InputChecks.scale(p, cellWidth: 3000, cellHeight: 3000)
        let tail = " is smaller than one cell of the land cover (3000 m cells, 900 ha each): it removes nothing; raise it or use a finer land cover"
        XCTAssertEqual(coarse, [
            "\(f):12: [nature_spaces] min_area 5 ha" + tail,
            "\(f): [buffer_zones] min_town_area 20 ha (the default)" + tail,
            "\(f): [buffer_zones] min_area 5 ha (the default)" + tail,
            "\(f):22: sub-network 'forest': min_reservoir_area 5 ha" + tail,
            "\(f):25: sub-network 'forest': corridor_width 250 m is less than two cells of the land cover (3000 m cells): the corridors are little more than the paths' own cells; widen it to 6000 m or more",
        ])
        let mid = InputChecks.scale(p, cellWidth: 150, cellHeight: 150)
        XCTAssertEqual(mid.count, 1)
        XCTAssertTrue(mid.first?.hasSuffix("(150 m cells): the corridors are little more than the paths' own cells; widen it to 300 m or more") ?? false, "\(mid)")
        XCTAssertEqual(InputChecks.scale(p, cellWidth: 10, cellHeight: 10), [])
    }

    func testMinimalProjectTakesDefaultsAndResolvesPaths() throws {
        let p = try ProjectFile.parse(minimal, file: "/data/tvb/project.toml")
        XCTAssertEqual(p.landCover, "/data/tvb/lc.tif")
        XCTAssertEqual(p.friction, "/data/tvb/data/friction.csv")
        XCTAssertEqual(p.mixedMinAreaHa, 5)
        XCTAssertEqual(p.referenceShare ?? 0, 0.12, accuracy: 1e-12)
        XCTAssertEqual(p.inventories.first?.source, LayerSource(file: "/data/tvb/inv.gpkg", layer: "sites", filter: "kind = 'Z'", line: 16))
        XCTAssertEqual(p.inventories.first?.interest, .major)
        let f = try XCTUnwrap(p.subNetworks.first)
        XCTAssertEqual(f.frictionColumn, "forest")
        XCTAssertEqual(f.dispersalProbability, 0.05)
        XCTAssertEqual(f.corridorWidth, .metres(250))
        XCTAssertEqual(f.line, 19)
        XCTAssertEqual(p.bufferZones.maxBreakWidth, 1500)
        XCTAssertEqual(p.bufferZones.aroundNetwork, 200)
        XCTAssertEqual(p.lang, "en")
    }

    func assertError(_ text: String, line: Int?, mentions words: [String], file: StaticString = #filePath, at: UInt = #line) {
        XCTAssertThrowsError(try ProjectFile.parse(text, file: "/p/project.toml"), file: file, line: at) { e in
            guard let pe = e as? ProjectError else { return XCTFail("\(e)", file: file, line: at) }
            XCTAssertEqual(pe.line, line, pe.description, file: file, line: at)
            XCTAssertTrue(pe.description.hasPrefix("/p/project.toml"), pe.description, file: file, line: at)
            for w in words { XCTAssertTrue(pe.description.contains(w), "'\(w)' not in: \(pe.description)", file: file, line: at) }
        }
    }

    func testErrorsNameTheLine() {
        assertError(minimal.replacingOccurrences(of: "built_up = [1, 2]", with: "built_up = [1, 2]\nbuilt = 3"), line: 10, mentions: ["unknown key 'built'", "[land_cover]"])
        assertError(minimal.replacingOccurrences(of: "\"50000 m2\"", with: "5"), line: 12, mentions: ["min_area", "ha"])
        assertError(minimal.replacingOccurrences(of: "\"1.5 km\"", with: "\"1.5 ha\""), line: 28, mentions: ["max_break_width", "not a length unit"])
        assertError(minimal.replacingOccurrences(of: "inventories = [\"ZNIEFF\"]", with: "inventories = [\"N2000\"]"), line: 23, mentions: ["N2000"])
        assertError(minimal.replacingOccurrences(of: "name = \"forest\"\n", with: "name = \"forest\"\ncolour = \"green\"\n"), line: 21, mentions: ["#rrggbb"])
        assertError(minimal.replacingOccurrences(of: "[[subnetwork]]", with: "[[subnetworks]]"), line: 19, mentions: ["unknown key 'subnetworks'"])
        assertError("[territory\nname = 1", line: 1, mentions: ["not valid TOML"])
        assertError(minimal + "\n[web]\nbase_map = \"tile.example.org/x.png\"\n", line: minimal.split(separator: "\n", omittingEmptySubsequences: false).count + 2,
                    mentions: ["base_map", "{z}"])
    }

    func testWebBaseMap() throws {
        let p = try ProjectFile.parse(minimal + "\n[web]\nbase_map = \"https://tiles.example.org/{z}/{x}/{y}.png\"\nbase_map_attribution = \"© Example\"\n", file: "/p/project.toml")
        XCTAssertEqual(p.baseMap, "https://tiles.example.org/{z}/{x}/{y}.png")
        XCTAssertEqual(p.baseMapAttribution, "© Example")
        XCTAssertNil(try ProjectFile.parse(minimal, file: "/p/project.toml").baseMap)
    }
}

final class GridAnalysisTests: XCTestCase {
    func spec(_ cols: Int, _ rows: Int, cell: Double = 10) -> GridSpec {
        GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: Double(rows) * cell, cellSize: cell))
    }

    /// The network frame is drawn by straight-line distance: on a grid of 10.1 m cells of open land with
    /// one reservoir cell, the cell 18 columns and 8 rows away lies √(18² + 8²) × 10.1 = √388 × 10.1 =
    /// 198.95 m from it and is in the 200 m frame (an 8-neighbour chamfer made it 8√2 + 10 = 21.31 cells,
    /// 215.2 m, and left it out); the cell 19 columns and 6 rows away lies √397 × 10.1 = 201.24 m away
    /// and is not. Straight north, 19 rows = 191.9 m is in, 20 rows = 202 m is not.
    func testNetworkFrameIsAStraightLineDistance() {
        let cols = 25, rows = 25, cell = 10.1
        let lc = Grid(spec: spec(cols, rows, cell: cell), values: [Int32](repeating: 10, count: cols * rows), noData: 0)
        var network = [UInt8](repeating: 0, count: cols * rows)
        let seed = (col: 2, row: 22)
        network[seed.row * cols + seed.col] = 1
        let rules = BufferZoneRules(openLand: [10], minTownHa: 1, maxBreakWidth: 100, aroundNetwork: 200, minAreaHa: 0.001, edge: 10)
        let m = BufferZoneMap(landCover: ClassGrid(lc), builtUp: ClassSet([1]), openLand: ClassSet([10]), network: network, rules: rules)
        func at(_ dc: Int, _ dr: Int) -> Int32 { m.labels.values[(seed.row - dr) * cols + seed.col + dc] }
        XCTAssertNotEqual(at(18, 8), 0, "198.95 m: in the 200 m frame")
        XCTAssertEqual(at(19, 6), 0, "201.24 m: outside the 200 m frame")
        XCTAssertNotEqual(at(0, 19), 0, "191.9 m straight north: in")
        XCTAssertEqual(at(0, 20), 0, "202 m straight north: out")
        XCTAssertEqual(at(0, 0), 0, "the reservoir cell itself is not its frame")
        XCTAssertEqual(m.zones.count, 1)
        XCTAssertEqual(m.zones.first?.kind, .networkFrame)
    }

    /// Two towns of 3 × 10 cells side by side (columns 0–2 and 9–11) with 60 m of arable land between
    /// them (columns 3–8), and more arable land beyond (columns 12–29): with breaks up to 100 m, the
    /// 6 × 10 cells between the towns are an urban break opening north–south; the land beyond is not.
    func testUrbanBreakBetweenTwoTowns() {
        let cols = 30, rows = 10
        var v = [Int32](repeating: 10, count: cols * rows)
        for r in 0..<rows { for c in [0, 1, 2, 9, 10, 11] { v[r * cols + c] = 1 } }
        let lc = Grid(spec: spec(cols, rows), values: v, noData: 0)
        let rules = BufferZoneRules(openLand: [10], minTownHa: 0.2, maxBreakWidth: 100, aroundNetwork: 0, minAreaHa: 0.1, edge: 10)
        let m = BufferZoneMap(landCover: ClassGrid(lc), builtUp: ClassSet([1]), openLand: ClassSet([10]), network: [UInt8](repeating: 0, count: cols * rows), rules: rules)
        XCTAssertEqual(m.towns.count, 2)
        XCTAssertEqual(m.zones.count, 1)
        XCTAssertEqual(m.zones.first?.kind, .urbanBreak)
        XCTAssertEqual(m.zones.first?.cells, 60)
        XCTAssertEqual(m.zones.first?.areaHa ?? 0, 0.6, accuracy: 1e-9)
        XCTAssertEqual(m.zones.first?.opening, "north-south")
        for r in 0..<rows { for c in 12..<cols { XCTAssertEqual(m.labels.values[r * cols + c], 0) } }
        // Membership: 100 in the zone, fading over the 10 m edge (one cell: 0 beyond).
        XCTAssertEqual(m.membership.values[5], 100)
        XCTAssertEqual(m.membership.values[20], 0)
    }

    /// Nature spaces on a 6 × 3 grid (1 ha cells of 100 m): a wood (20) of 3 cells inside a reservoir, a
    /// park (50) of 2 cells, a single hedge cell (21) apart; with a 2 ha minimum the hedge is dropped.
    func testNatureSpaceTypology() {
        let lc = Grid<Int32>(spec: spec(6, 3, cell: 100), values: [20, 20, 20, 10, 50, 50,
                                                                   10, 10, 10, 10, 10, 10,
                                                                   21, 10, 10, 10, 10, 10], noData: 0)
        var major = [UInt8](repeating: 0, count: 18)
        major[0] = 1; major[1] = 1; major[2] = 1
        var inv = [UInt32](repeating: 0, count: 18)
        inv[1] = 0b10
        let m = NatureSpaceMap(landCover: ClassGrid(lc), natureClasses: ClassSet([20, 21, 50]), major: major, mixedMinAreaHa: 2, inventories: CellBits(words: inv, flags: 2))
        XCTAssertEqual(m.spaces.count, 2)
        XCTAssertEqual(m.spaces[0].typology, .major); XCTAssertEqual(m.spaces[0].areaHa, 3, accuracy: 1e-9)
        XCTAssertEqual(m.spaces[0].inventories, 0b10); XCTAssertEqual(m.spaces[0].dominantClass, 20)
        XCTAssertEqual(m.spaces[1].typology, .mixed); XCTAssertEqual(m.spaces[1].areaHa, 2, accuracy: 1e-9)
        XCTAssertEqual(m.typology.values[12], 0, "the 1 ha hedge is under the 2 ha minimum")
    }

    /// A corridor (owner 1) over columns 3–6 of a 10 × 10 grid of 10 m cells; a road crosses it west–east
    /// along y = 55 m: the stretch inside runs from x = 30 to x = 70 m (40 m, to a quarter cell), its
    /// middle near x = 50 m. Two built-up cells inside the corridor make one built-up conflict.
    func testConflictPointsOnAHandMadeCorridor() {
        let cols = 10, rows = 10
        var owner = [Int32](repeating: 0, count: cols * rows)
        for r in 0..<rows { for c in 3...6 { owner[r * cols + c] = 1 } }
        var v = [Int32](repeating: 10, count: cols * rows)
        v[8 * cols + 4] = 1; v[8 * cols + 5] = 1
        v[2 * cols + 8] = 1   // built-up outside the corridor: no conflict
        let lc = Grid(spec: spec(cols, rows), values: v, noData: 0)
        let road = InfrastructureLine(kind: "road", cls: "primary", name: "D1", line: [Point(-5, 55), Point(105, 55)])
        let link = CorridorLink(id: 7, from: 1, to: 2, line: [Point(50, 95), Point(50, 5)], dPC: 12.5)
        let cs = ConflictFinder.find(links: [link], owner: owner, infrastructure: [road], landCover: ClassGrid(lc), builtUp: ClassSet([1])) { "class \($0)" }
        XCTAssertEqual(cs.count, 2)
        let r = cs.first { $0.kind == .roadCrossing }!
        XCTAssertEqual(r.crossingLength, 40, accuracy: 2.5)
        XCTAssertEqual(r.point.y, 55, accuracy: 1e-9)
        XCTAssertEqual(r.point.x, 50, accuracy: 2.5)
        XCTAssertEqual(r.linkID, 7); XCTAssertEqual(r.dPC, 12.5); XCTAssertEqual(r.name, "D1")
        let b = cs.first { $0.kind == .builtUp }!
        XCTAssertEqual(b.cls, "class 1")
        XCTAssertEqual(b.crossingLength, 20, accuracy: 1e-9)   // two cells side by side: 10 m apart + one cell
        XCTAssertEqual(b.point.y, 15, accuracy: 1e-9)
    }

    /// A corridor (link 7) over columns 3–6 of a 10 × 30 grid of 10 m cells (120 cells, 12,000 m²) along a
    /// 290 m link; the corridor spans 300 m along its main axis (cell centres y = 295…5 m, plus a cell): mean width
    /// 12,000 / 300 = 40 m. Worked by hand, with a 10 m minimum crossing:
    /// - the D2 crosses west–east at y = 275 m: 40 m inside (x = 30…70), a road crossing; the same way entered a
    ///   second time (a duplicate feature) adds no point and no length;
    /// - the D3 crosses at y = 105 m in two features meeting at x = 50 m inside the corridor: one crossing of
    ///   22.5 + 20 m (samples every 2.5 m: x = 30…50 and 50…67.5), not two;
    /// - a lane runs north–south at x = 45 m from y = 250 to 50 m: 200 m inside > 2 × 40 m, a road along the corridor;
    /// - a track clips the corridor's corner (x = 30…32 m at 45°, 2.8 m inside: two samples, x = 30.3 and 32 m, 5 m): it only grazes it.
    func testConflictKindsDeduplicationAndGrazing() {
        let cols = 10, rows = 30
        var owner = [Int32](repeating: 0, count: cols * rows)
        for r in 0..<rows { for c in 3...6 { owner[r * cols + c] = 1 } }
        let lc = Grid(spec: spec(cols, rows), values: [Int32](repeating: 10, count: cols * rows), noData: 0)
        let d2 = InfrastructureLine(kind: "road", cls: "secondary", name: "D2", line: [Point(-5, 275), Point(105, 275)])
        let d3a = InfrastructureLine(kind: "road", cls: "secondary", name: "D3", line: [Point(-5, 105), Point(50, 105)])
        let d3b = InfrastructureLine(kind: "road", cls: "secondary", name: "D3", line: [Point(50, 105), Point(105, 105)])
        let lane = InfrastructureLine(kind: "road", cls: "service", name: "lane", line: [Point(45, 250), Point(45, 50)])
        let track = InfrastructureLine(kind: "road", cls: "track", name: "track", line: [Point(20, 20), Point(32, 8)])
        let link = CorridorLink(id: 7, from: 1, to: 2, line: [Point(50, 295), Point(50, 5)], dPC: 3)
        let cs = ConflictFinder.find(links: [link], owner: owner, infrastructure: [d2, d3a, d3b, lane, d2, track], landCover: ClassGrid(lc),
                                     builtUp: ClassSet([1]), minCrossing: 10) { "class \($0)" }
        XCTAssertEqual(cs.count, 3, "\(cs.map { "\($0.name) \($0.kind) \($0.crossingLength)" })")
        let d2c = cs.filter { $0.name == "D2" }, d3c = cs.filter { $0.name == "D3" }, lanec = cs.filter { $0.name == "lane" }
        XCTAssertEqual(d2c.count, 1); XCTAssertEqual(d3c.count, 1); XCTAssertEqual(lanec.count, 1)
        XCTAssertEqual(d2c.first?.kind, .roadCrossing); XCTAssertEqual(d2c.first?.crossingLength ?? 0, 40, accuracy: 1e-9)
        XCTAssertEqual(d3c.first?.kind, .roadCrossing); XCTAssertEqual(d3c.first?.crossingLength ?? 0, 42.5, accuracy: 1e-9)
        XCTAssertEqual(lanec.first?.kind, .roadAlong); XCTAssertEqual(lanec.first?.crossingLength ?? 0, 200, accuracy: 2.5)
        XCTAssertFalse(cs.contains { $0.name == "track" })
        // Without the minimum, the track's two samples (5 m) are a conflict (the old behaviour the minimum ends).
        let all = ConflictFinder.find(links: [link], owner: owner, infrastructure: [track], landCover: ClassGrid(lc), builtUp: ClassSet([1])) { "class \($0)" }
        XCTAssertEqual(all.map(\.crossingLength), [5])
    }

    /// Mean widths by hand on a 20 × 20 grid of 10 m cells, a corridor of 10 rows × 20 columns (rows 5–14, 20,000 m²):
    /// its main axis is west–east, its extent 190 + 10 = 200 m. Along a 20 m link it is 20,000 / 200 = 100 m wide (not
    /// 20,000 / 20 = 1,000 m), also for a link that goes out and back (its ends coincide: no direction); along a
    /// 300 m winding link inside it, 20,000 / 300 = 66.7 m; a corridor without a cell, 0.
    func testCorridorMeanWidths() {
        var owner = [Int32](repeating: 0, count: 400)
        for r in 5...14 { for c in 0...19 { owner[r * 20 + c] = 1 } }
        let short = [Point(90, 100), Point(110, 100)]
        let outAndBack = [Point(90, 100), Point(110, 100), Point(90, 100)]
        let winding = [Point(60, 100), Point(140, 100), Point(140, 160), Point(60, 160), Point(60, 190), Point(110, 190)]
        XCTAssertEqual(winding.indices.dropFirst().reduce(0) { $0 + winding[$1 - 1].distance(to: winding[$1]) }, 300, accuracy: 1e-9)
        let w1 = CorridorWidths.mean(owner: owner, lines: [short, []], spec: spec(20, 20))
        XCTAssertEqual(w1[0], 100, accuracy: 1e-9)
        XCTAssertEqual(w1[1], 0)
        XCTAssertEqual(CorridorWidths.mean(owner: owner, lines: [outAndBack], spec: spec(20, 20))[0], 100, accuracy: 1e-9)
        XCTAssertEqual(CorridorWidths.mean(owner: owner, lines: [winding], spec: spec(20, 20))[0], 20_000.0 / 300, accuracy: 1e-9)
    }

    /// Two reservoirs of 3 and 2 ha linked at cost 1000 with p = 0.05 at 1000: in a unit of 10 ha that
    /// holds both, PC = (3² + 2² + 2·3·2·0.05) / 10² = 13.6 / 100 = 0.136 and EC = √13.6 ha.
    func testUnitConnectivityByHand() {
        let alpha = -log(0.05) / 1000
        let r = UnitConnectivity.compute(nodes: 2, edges: [(1, 2, 1000)], alpha: alpha, areas: [[1: 3, 2: 2], [1: 3]], unitArea: [10, 5])
        XCTAssertEqual(r[0].pc, 0.136, accuracy: 1e-12)
        XCTAssertEqual(r[0].ec, 13.6.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(r[1].pc, 9.0 / 25, accuracy: 1e-12)
    }

    func testFrenchNumbers() {
        XCTAssertEqual(Words("fr").number(12345.67), "12\u{202F}345,7")
        XCTAssertEqual(Words("en").number(12345.67), "12,345.7")
        XCTAssertEqual(Words("fr").ha(3.26), "3,3 ha")
        XCTAssertEqual(Words("fr").pct(0.161), "16,1 %")
    }

    /// Counts, small numbers and widths in each language, written by hand.
    func testCountsSmallNumbersAndWidths() {
        let fr = Words("fr"), en = Words("en")
        XCTAssertEqual(fr.count(0, "tronçon", "tronçons"), "0 tronçon")
        XCTAssertEqual(fr.count(1, "tronçon", "tronçons"), "1 tronçon")
        XCTAssertEqual(fr.count(26, "coupure d'urbanisation", "coupures d'urbanisation"), "26 coupures d'urbanisation")
        XCTAssertEqual(en.count(0, "stretch", "stretches"), "0 stretches")
        XCTAssertEqual(en.count(1, "conflict point", "conflict points"), "1 conflict point")
        XCTAssertEqual(fr.significant(0.0077061), "0,00771")
        XCTAssertEqual(en.significant(0.0077061), "0.00771")
        XCTAssertEqual(fr.significant(3.1456e-05), "3,15 × 10⁻⁵")
        XCTAssertEqual(en.significant(9.996e-07), "1.00 × 10⁻⁶")
        XCTAssertEqual(en.significant(0), "0")
        XCTAssertEqual(fr.significant(4410.2), "4\u{202F}410")   // not %g's 4.41e+03
        XCTAssertEqual(en.significant(12.34), "12.3")
        XCTAssertEqual(en.significant(2.5e16), "2.50 × 10¹⁶")
        XCTAssertEqual(fr.corridorWidth(.cost(5000)), "5\u{202F}000 unités de coût")
        XCTAssertEqual(en.corridorWidth(.cost(5000)), "5,000 cost units")
        XCTAssertEqual(fr.corridorWidth(.metres(250)), "250 m")
        XCTAssertEqual(fr.typology(false), "vocation mixte")
    }
}
