import Foundation
import TrameGDAL
@testable import TramePublish
import TrameRaster
import TrameScheme
import TrameTestSupport
import TrameVector
import XCTest

/// `trame scenario` and `trame compare` on a territory drawn by hand: two woods of 4.5 ha joined by a single
/// grassland strip; a housing estate across the strip cuts the only link.
final class ScenarioTests: XCTestCase {
    var dir = ""
    let l93 = try! SpatialReference(epsg: 2154)

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-scenario-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "code,label,label_fr,red,green,blue,natural\n1,Housing,Habitat,200,0,0,0\n10,Farmland,Culture,250,230,160,0\n20,Wood,Bois,30,110,50,1\n30,Grassland,Prairie,160,210,120,0\n"
            .write(toFile: dir + "/nomenclature.csv", atomically: true, encoding: .utf8)
        try "code,label,forest\n1,Housing,1000\n10,Farmland,100\n20,Wood,1\n30,Grassland,5\n".write(toFile: dir + "/friction.csv", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A territory drawn by hand: `cols` × `rows` cells of 10 m whose north-west corner is (700000, 7000000 +
    /// 10 × rows), each cell's class given by `cls(col, row)`, and its project (one forest sub-network); returns
    /// the project file.
    func writeTerritory(_ name: String, cols: Int, rows: Int, minReservoir: String = "1 ha", dispersal: String = "5000 cost",
                        _ cls: (Int, Int) -> UInt8) throws -> String {
        var v = [UInt8](repeating: 10, count: cols * rows)
        for r in 0..<rows { for c in 0..<cols { v[r * cols + c] = cls(c, r) } }
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 700_000, north: 7_000_000 + 10 * Double(rows), cellSize: 10), crsWKT: l93.wkt)
        try RasterIO.write(Grid<UInt8>(spec: spec, values: v, noData: 0), to: dir + "/\(name).tif")
        let project = dir + "/\(name).toml"
        try """
        [territory]
        name = "\(name)"
        resolution = "10 m"
        [land_cover]
        raster = "\(name).tif"
        nomenclature = "nomenclature.csv"
        friction = "friction.csv"
        built_up = [1]
        [buffer_zones]
        open_land = [10]
        [[subnetwork]]
        name = "forest"
        habitat = [20]
        friction_column = "forest"
        min_reservoir_area = "\(minReservoir)"
        dispersal_distance = "\(dispersal)"
        corridor_width = "500 cost"
        """.write(toFile: project, atomically: true, encoding: .utf8)
        return project
    }

    /// 60 × 30 cells: woods in columns 0–14 and 45–59 (15 × 30 cells = 4.5 ha each), between them farmland,
    /// but for a grassland strip in rows 10–19; `cols` cuts the grid narrower.
    func writeTerritory(_ name: String, cols: Int = 60) throws -> String {
        try writeTerritory(name, cols: cols, rows: 30) { c, r in c < 15 || c >= 45 ? 20 : (r >= 10 && r < 20 ? 30 : 10) }
    }

    func testAnEstateAcrossTheOnlyCorridorCutsTheLink() throws {
        let p = try ProjectFile.load(try writeTerritory("two-woods"))
        // The estate: columns 28–31 (x 700280–700320), every row.
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}, "features": [
        {"type": "Feature", "properties": {"class": 1, "name": "Les Prés Verts"}, "geometry": {"type": "Polygon", "coordinates": [[[700280, 7000000], [700320, 7000000], [700320, 7000300], [700280, 7000300], [700280, 7000000]]]}}]}
        """.write(toFile: dir + "/estate.geojson", atomically: true, encoding: .utf8)
        let job = ScenarioJob(project: p, changes: LayerSource(file: dir + "/estate.geojson"), out: dir + "/out", lang: "en")
        let o = try job.run()
        XCTAssertEqual(o.changedCells, 4 * 30)
        let forest = try XCTUnwrap(o.comparison.subNetworks.first { $0.name == "forest" })
        XCTAssertEqual(forest.old.functionalLinks, 1)
        XCTAssertEqual(forest.new.functionalLinks, 0)
        XCTAssertEqual(forest.linksCut, 1)
        XCTAssertEqual(forest.linksCreated, 0)
        XCTAssertEqual(forest.reservoirsLost, 0)
        // EC with the link removed, by hand: two components of 4.5 ha each, EC = √(4.5² + 4.5²) ha (the cut
        // link's probability, 0.05^(cost / 5000) with a cost above 40,000, adds less than 10⁻¹⁰ of it).
        let handEC = (4.5 * 4.5 + 4.5 * 4.5).squareRoot()
        XCTAssertEqual(forest.new.ecHa, handEC, accuracy: 1e-6 * handEC)
        XCTAssertGreaterThan(forest.old.ecHa, handEC)
        // The old EC, by hand from the old link's cost: √(a² + a² + 2 a² p).
        let base = try SchemeOutput(dir + "/out/baseline")
        let link = try XCTUnwrap(base.layer("links").features.first)
        let p12 = exp(log(0.05) * (link["cost"].doubleValue ?? 0) / 5000)
        XCTAssertEqual(forest.old.ecHa, (2 * 4.5 * 4.5 * (1 + p12)).squareRoot(), accuracy: 1e-6)
        // diff.gpkg holds the cut link and the estate; the report says it.
        let diff = dir + "/out/comparison/diff.gpkg"
        let changes = try VectorIO.read(diff, layer: "link_changes")
        XCTAssertEqual(changes.features.map { $0["change"].stringValue }, ["cut"])
        XCTAssertEqual(changes.features.first?["change_label"].stringValue, "cut")
        XCTAssertEqual(try VectorIO.read(diff, layer: "project_changes").features.first?["name"].stringValue, "Les Prés Verts")
        let report = try String(contentsOfFile: dir + "/out/comparison/report.html", encoding: .utf8)
        XCTAssertTrue(report.contains("Impact of the project"))
        XCTAssertTrue(report.contains("functional links cut"))
        for f in ["diff.png", "figure_changes.csv", "report.html"] { XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/out/comparison/" + f), f) }
        // The corridor lost where the estate is, at least the estate's 4 columns across the strip.
        XCTAssertGreaterThanOrEqual(o.comparison.corridorLostHa["forest"] ?? 0, 4 * 10 * 0.01)
    }

    /// Two sub-networks on the two woods: forest (farmland 100) and open land (grassland 1, farmland and
    /// housing both 1000). An estate on farmland away from the strip changes the forest's resistance and
    /// nothing the open-land sub-network reads: open land is taken from the baseline, and equals a scheme
    /// built from scratch on the scenario's land cover; the report says why forest was computed again.
    func testASubNetworkTheProjectCannotReachIsTakenFromTheBaseline() throws {
        try "code,label,forest,open\n1,Housing,1000,1000\n10,Farmland,100,1000\n20,Wood,1,50\n30,Grassland,5,1\n"
            .write(toFile: dir + "/friction.csv", atomically: true, encoding: .utf8)
        let file = try writeTerritory("two-woods")
        try (try String(contentsOfFile: file, encoding: .utf8) + """

        [[subnetwork]]
        name = "open"
        habitat = [20]
        friction_column = "open"
        min_reservoir_area = "1 ha"
        dispersal_distance = "5000 cost"
        corridor_width = "500 cost"
        """).write(toFile: file, atomically: true, encoding: .utf8)
        let p = try ProjectFile.load(file)
        // The estate: columns 28–31, rows 0–4 (north of the strip, on farmland): 20 cells.
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}, "features": [
        {"type": "Feature", "properties": {"class": 1}, "geometry": {"type": "Polygon", "coordinates": [[[700280, 7000250], [700320, 7000250], [700320, 7000300], [700280, 7000300], [700280, 7000250]]]}}]}
        """.write(toFile: dir + "/estate.geojson", atomically: true, encoding: .utf8)
        let o = try ScenarioJob(project: p, changes: LayerSource(file: dir + "/estate.geojson"), out: dir + "/out", lang: "fr").run()
        XCTAssertEqual(o.changedCells, 20)
        XCTAssertEqual(o.reach.map(\.subNetwork), ["forest", "open"])
        XCTAssertEqual(o.reach[0].reason, .resistance(old: 10, new: 1, from: 100, to: 1000))
        XCTAssertNil(o.reach[1].reason)
        XCTAssertEqual(o.reused, ["open"])
        XCTAssertGreaterThan(o.savedSeconds, 0)
        // Open land: the two woods of 4.5 ha and their link along the strip; EC = √(2a²(1 + p)) by hand from
        // the link's cost, the same before and after.
        let open = try XCTUnwrap(o.comparison.subNetworks.first { $0.name == "open" })
        XCTAssertEqual(open.new.reservoirs, 2)
        let openLink = try XCTUnwrap(try VectorIO.read(dir + "/out/scenario/scheme.gpkg", layer: "links").features.first { $0["subnetwork"].stringValue == "open" })
        let pOpen = exp(log(0.05) * (openLink["cost"].doubleValue ?? 0) / 5000)
        XCTAssertEqual(open.new.ecHa, (2 * 4.5 * 4.5 * (1 + pOpen)).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(open.old.ecHa, open.new.ecHa)
        // The reused sub-network equals one computed from scratch on the scenario's land cover.
        var q = p
        q.landCover = dir + "/out/scenario_land_cover.tif"
        _ = try SchemeJob(project: q, out: dir + "/fresh", lang: "fr").run()
        for raster in ["open_resistance", "open_cost_distance", "open_corridors"] {
            let a = try RasterIO.read(dir + "/out/scenario/rasters/\(raster).tif", as: Double.self)
            let b = try RasterIO.read(dir + "/fresh/rasters/\(raster).tif", as: Double.self)
            XCTAssertEqual(a.values, b.values, raster)
        }
        let layer = { (d: String, l: String) in try VectorIO.read(d + "/scheme.gpkg", layer: l).features.filter { $0["subnetwork"].stringValue == "open" } }
        for l in ["reservoirs", "links", "corridors"] {
            let a = try layer(dir + "/out/scenario", l), b = try layer(dir + "/fresh", l)
            XCTAssertEqual(a.count, b.count, l)
            XCTAssertEqual(a.map { $0["area_ha"].doubleValue ?? $0["cost"].doubleValue ?? -1 }, b.map { $0["area_ha"].doubleValue ?? $0["cost"].doubleValue ?? -1 }, l)
        }
        // The report names what was computed again and why, in French.
        let report = try String(contentsOfFile: dir + "/out/comparison/report.html", encoding: .utf8)
        XCTAssertTrue(report.contains("Ce qui a été recalculé"))
        XCTAssertTrue(report.contains("reprise de la trame avant le projet"))
        XCTAssertTrue(report.contains("classe 10 (Culture) → 1 (Habitat)\u{00A0}: résistance 100 → 1\u{202F}000"), "reason missing")
        XCTAssertTrue(report.contains("Avant\u{00A0}: la trame actuelle → Après\u{00A0}: avec le projet"))
        // Figures are named for the reader, not by their column code.
        XCTAssertTrue(report.contains("Chiffres qui changent"))
        XCTAssertNil(report.range(of: #"<td>[a-z]+(_[a-zA-Z]+)+</td>"#, options: .regularExpression), "a figure named by its column code")
    }

    func testFigureColumnsAreNamedInBothLanguages() {
        let subs = ["forest", "wetland", "wetland_forest"]
        let en = Words("en"), fr = Words("fr")
        XCTAssertEqual(en.figureColumn("forest_EC_ha", subNetworks: subs), "Forest (woods, copses and hedges) — EC (ha)")
        XCTAssertEqual(fr.figureColumn("forest_corridor_km", subNetworks: subs), "Sous-trame forestière (bois, bosquets et haies) — Corridors écologiques (km)")
        XCTAssertEqual(en.figureColumn("wetland_forest_PC", subNetworks: subs), "wetland_forest — PC")
        XCTAssertEqual(fr.figureColumn("road_conflicts_per_km", subNetworks: subs), "Points de conflit\u{00A0}: routes, par km de route")
        XCTAssertEqual(en.figureColumn("buffer_zone_ha", subNetworks: subs), "Buffer zones (ha)")
        XCTAssertEqual(fr.figureColumn("management_late_mowing_ha", subNetworks: subs, regimes: ["late_mowing": "Fauche tardive"]), "Régime de gestion\u{00A0}: Fauche tardive (ha)")
        XCTAssertEqual(en.figureColumn("something_new", subNetworks: subs), "something_new")
    }

    func testASchemeComparedWithItselfHasNoChangeAndOtherGridsAreRefused() throws {
        let p = try ProjectFile.load(try writeTerritory("two-woods"))
        _ = try SchemeJob(project: p, out: dir + "/a", lang: "fr").run()
        let a = try SchemeOutput(dir + "/a")
        let c = try SchemeComparison.compare(a, a)
        XCTAssertTrue(c.isEmpty)
        XCTAssertTrue(c.layers.allSatisfy { $0.features.isEmpty })
        XCTAssertTrue(c.figures.allSatisfy { $0.change == 0 })
        XCTAssertFalse(c.figures.isEmpty)
        try FileManager.default.createDirectory(atPath: dir + "/same", withIntermediateDirectories: true)
        try ComparisonOutput(c, old: a, new: a, lang: "fr").write(into: dir + "/same")
        let same = try String(contentsOfFile: dir + "/same/report.html", encoding: .utf8)
        XCTAssertTrue(same.contains("Aucune évolution"))
        XCTAssertTrue(same.contains("Aucun espace de nature n'est gagné, perdu ni modifié."))

        let q = try ProjectFile.load(try writeTerritory("narrower", cols: 59))
        _ = try SchemeJob(project: q, out: dir + "/b", lang: "en").run()
        XCTAssertThrowsError(try SchemeComparison.compare(a, try SchemeOutput(dir + "/b"))) { e in
            XCTAssertEqual("\(e)", "\(dir)/b: is built on another grid than \(dir)/a: 59 × 30 cells of 10 m from (700000, 7000300) against 60 × 30 cells of 10 m from (700000, 7000300); compare schemes built on the same land-cover grid")
        }
        XCTAssertThrowsError(try SchemeOutput(dir)) { e in XCTAssertTrue("\(e)".contains("holds no scheme.gpkg"), "\(e)") }
    }

    /// Three woods of 2 ha (10 × 20 cells) in a grassland row: A–B cut by a road two cells wide (resistance
    /// 1000), B–C by a built block 25 cells wide. Restoring the road reconnects A and B (cost worked by
    /// hand: 760, under the 5,000 dispersal distance); restoring 110 m of the block does not reconnect B and
    /// C. The road ranks first, with EC worked by hand.
    func testTheBarrierThatReconnectsRanksFirst() throws {
        let three = try writeTerritory("three", cols: 80, rows: 20) { c, _ in
            c < 10 || (c >= 25 && c < 35) || c >= 70 ? 20 : (c == 17 || c == 18 || (c >= 38 && c < 63) ? 1 : 30)
        }
        _ = try SchemeJob(project: try ProjectFile.load(three), out: dir + "/three", lang: "en").run()
        let s = try SchemeOutput(dir + "/three")
        let p = try RestorationPriorities.evaluate(s, radius: 50)
        // The graph rebuilt from the links gives the scheme's own EC.
        let check = try XCTUnwrap(p.checks.first)
        XCTAssertEqual(check.recomputed, check.reported, accuracy: 1e-6 * check.reported)
        let first = try XCTUnwrap(p.works.first)
        XCTAssertEqual(first.kind, "barrier")
        XCTAssertEqual(Set([first.from, first.to]).count, 2)
        XCTAssertFalse(first.functionalBefore)
        XCTAssertTrue(first.functionalAfter)
        // By hand, along a row from A's last cell (column 9) to B's first (25): steps of 10 m at the mean of
        // the two cells' resistances, the road's cells restored to the path's median (5): 30 + 15 × 50 + 30 − …
        // i.e. 9→10: 30, 10→24: 14 steps × 50 = 700, 24→25: 30 → 760.
        XCTAssertEqual(first.costAfter, 760, accuracy: 1e-6)
        // EC by hand: three reservoirs of 2 ha; p(A,B) = 0.05^(760/5000); B–C and A–C are negligible.
        let pAB = pow(0.05, 760.0 / 5000)
        XCTAssertEqual(first.ecAfter, (3 * 4 + 2 * 4 * pAB).squareRoot(), accuracy: 1e-6)
        // The block's work does not reconnect B and C.
        let second = try XCTUnwrap(p.works.dropFirst().first)
        XCTAssertFalse(second.functionalAfter)
        XCTAssertLessThan(second.ecGain, first.ecGain / 100)
        // Barrier Mapper, worked by hand for a window of radius 20 m (a disc of 13 cells) on the road
        // (column 17 or 18, any row): the accumulated costs from A and B reach 280 at columns 15 and 19 (or
        // 330 and 230 at 16 and 20), the window is crossed at 2 × 20 m × 1: (20,660 − 600) / 40 = 501.5 cost
        // units per metre restored.
        let g = try BarrierMapper.improvement(resistance: try XCTUnwrap(try s.raster("rasters/forest_resistance.tif", as: Float.self)),
                                              links: try linksOf(s), radius: 20)
        XCTAssertEqual(Double(g[17, 10]), 501.5, accuracy: 1e-3)
        XCTAssertEqual(Double(g[18, 3]), 501.5, accuracy: 1e-3)
        // Column 16: 230 + 5,305 + 40 → (20,660 − 5,575) / 40 = 377.125.
        XCTAssertEqual(Double(g[16, 10]), 377.125, accuracy: 1e-3)
        XCTAssertEqual(Double(g[5, 10]), 0)   // inside wood A: restoring there does not shorten any link
        let layer = p.layer(crsWKT: s.spec.crsWKT, lang: "fr")
        XCTAssertEqual(layer.features.first?["rank"], .integer(1))
        XCTAssertEqual(layer.features.first?["kind_label"], .string("obstacle sur la liaison"))
    }

    /// The links of a scheme as Barrier Mapper takes them: each reservoir's cells and the link's cost.
    func linksOf(_ s: SchemeOutput) throws -> [(from: [Int], to: [Int], cost: Double)] {
        let ids = try s.reservoirIds(try s.layer("reservoirs").features)
        var cells: [Int: [Int]] = [:]
        for i in ids.values.indices where ids.values[i] != 0 { cells[Int(ids.values[i]), default: []].append(i) }
        return try s.layer("links").features.map { l in
            (cells[Int(l["from_reservoir"].doubleValue ?? 0)] ?? [], cells[Int(l["to_reservoir"].doubleValue ?? 0)] ?? [], l["cost"].doubleValue ?? .infinity)
        }
    }

    /// Habitat addition's first choice against a brute force in Python (scipy's Dijkstra on the cell graph,
    /// networkx for PC) over every place of a 2 × 2 square on farmland or grassland.
    func testHabitatAdditionFirstChoiceEqualsABruteForce() throws {
        let cols = 24
        let small = try writeTerritory("small", cols: cols, rows: 14, minReservoir: "0.1 ha", dispersal: "2000 cost") { c, r in
            c < 4 || (c >= 18 && r >= 4 && r < 9) ? 20 : (abs((c - 4) - (r * 3) / 2) <= 1 ? 30 : 10)
        }
        _ = try SchemeJob(project: try ProjectFile.load(small), out: dir + "/small", lang: "en").run()
        let s = try SchemeOutput(dir + "/small")
        let a = try HabitatAddition.greedy(s, subNetwork: "forest", classes: [10, 30], side: 2, count: 1, step: 1)
        let first = try XCTUnwrap(a.choices.first)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("habitat_addition_bruteforce.py").path
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/python3"), [script, dir + "/small.tif", dir + "/friction.csv", "forest", "20", "10,30", "2", "2000", "0.05"])
        XCTAssertEqual(r.status, 0, r.err)
        let ref = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let refEC = try XCTUnwrap(ref["ec"] as? Double), second = try XCTUnwrap(ref["second"] as? Double)
        // The scheme's own A–B link is the reference's.
        let ab = try XCTUnwrap(s.layer("links").features.first?["cost"].doubleValue)
        XCTAssertEqual(ab, try XCTUnwrap(ref["ab"] as? Double), accuracy: 1e-6 * ab)
        XCTAssertEqual(first.candidates, ref["candidates"] as? Int)
        XCTAssertEqual(first.ecAfter, refEC, accuracy: 1e-9 * refEC)
        if refEC - second > 1e-9 * refEC {
            XCTAssertEqual(first.cells[0] / cols, ref["row"] as? Int)
            XCTAssertEqual(first.cells[0] % cols, ref["col"] as? Int)
        }
    }
}
