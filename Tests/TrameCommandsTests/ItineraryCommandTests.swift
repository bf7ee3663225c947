import Foundation
import TrameTestSupport
import XCTest

/// `trame itinerary`: a named itinerary from a relation, a selection or waypoints, with its length and
/// gaps worked by hand on a small network, and on a real OpenStreetMap extract against SpatiaLite.
final class ItineraryCommandTests: XCTestCase {
    var dir: String!
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-itinerary-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
    func json(_ args: [String]) throws -> [String: Any] {
        let r = try TrameProcess.run(TrameProcess.trame, args + ["--json"])
        XCTAssertEqual(r.status, 0, r.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out)
    }

    /// Lambert-93 metres, near 0: Cavalier 1 (0,0)–(100,0) and Cavalier 2 (150,0)–(250,0) are paths;
    /// Cavalier 3 (250,0)–(250,80) is a motorway a walker may not use; a footway detour joins 1 and 2
    /// through (100,50) and (150,50).
    func network() throws -> String {
        func line(_ name: String, _ highway: String, _ pts: [(Double, Double)]) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\",\"highway\":\"\(highway)\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[\(pts.map { "[\(700000 + $0.0),\(7000000 + $0.1)]" }.joined(separator: ","))]}}"
        }
        let features = [line("Cavalier 1", "path", [(0, 0), (100, 0)]), line("Cavalier 2", "path", [(150, 0), (250, 0)]),
                        line("Cavalier 3", "motorway", [(250, 0), (250, 80)]), line("detour", "footway", [(100, 0), (100, 50), (150, 50), (150, 0)])]
        let text = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[\(features.joined(separator: ","))]}"
        try text.write(toFile: p("net.geojson"), atomically: true, encoding: .utf8)
        return p("net.geojson")
    }

    func testSelectionGapsByHand() throws {
        let net = try network()
        // 100 + 100 + 80 m; Cavalier 3 is off the walking network beyond the 3 m of tolerance around Cavalier 2's end
        // (250,0): 77 m; 1 and 2 do not meet: 50 m between (100,0) and (150,0).
        let o = try json(["itinerary", "--network", net, "--where", "name LIKE 'Cavalier%'", "--tolerance", "3m", "-o", p("cav.gpkg"), "--name", "Cavaliers"])
        XCTAssertEqual(o["length_m"] as! Double, 280, accuracy: 1e-9)
        let gaps = (o["gaps"] as! [[String: Any]]).map { ($0["kind"] as! String, $0["length_m"] as! Double) }.sorted { $0.0 < $1.0 }
        XCTAssertEqual(gaps.count, 2, "\(gaps)")
        XCTAssertEqual(gaps[0].0, "missing_link"); XCTAssertEqual(gaps[0].1, 50, accuracy: 1e-9)
        XCTAssertEqual(gaps[1].0, "off_network"); XCTAssertEqual(gaps[1].1, 77, accuracy: 1e-9)
        XCTAssertEqual(o["gaps_m"] as! Double, 127, accuracy: 1e-9)
        // The GeoPackage holds the course and the gaps (read back with ogr2ogr).
        let csv = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogr2ogr"), ["-f", "CSV", "/vsistdout/", p("cav.gpkg"), "gaps"]).out
        XCTAssertEqual(csv.split(separator: "\n").count, 3, csv)
        // By bike the motorway is still closed: the same gaps.
        let bike = try json(["itinerary", "--network", net, "--where", "name LIKE 'Cavalier%'", "--tolerance", "3m", "--mode", "bike", "-o", p("cav-bike.gpkg")])
        XCTAssertEqual(bike["gaps_m"] as! Double, 127, accuracy: 1e-9)
    }

    /// Off-network gaps equal GEOS's difference of the course and the buffer of the usable ways (ogrinfo's
    /// SQLite dialect), on a course that leaves the network and comes back near other ways, at an angle.
    func testOffNetworkGapsAgreeWithGEOS() throws {
        func line(_ name: String, _ highway: String, _ pts: [(Double, Double)]) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\",\"highway\":\"\(highway)\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[\(pts.map { "[\(700000 + $0.0),\(7000000 + $0.1)]" }.joined(separator: ","))]}}"
        }
        let features = [line("Voie 1", "path", [(0, 0), (100, 0)]), line("Voie 2", "motorway", [(100, 0), (160, 37), (230, 12), (300, 61)]),
                        line("Voie 3", "track", [(300, 61), (420, 40)]), line("allée", "footway", [(120, 30), (240, 18)]),
                        line("sentier", "path", [(150, 60), (210, 5), (260, 70)]), line("Voie 4", "steps", [(420, 40), (430, 140)])]
        let text = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[\(features.joined(separator: ","))]}"
        try text.write(toFile: p("net2.geojson"), atomically: true, encoding: .utf8)
        for (mode, usable) in [("walk", "highway <> 'motorway'"), ("bike", "highway NOT IN ('motorway', 'steps', 'footway')")] {
            let out = p("voies-\(mode).gpkg")
            let o = try json(["itinerary", "--network", p("net2.geojson"), "--where", "name LIKE 'Voie%'", "--tolerance", "5m", "--mode", mode, "-o", out])
            let off = (o["gaps"] as! [[String: Any]]).filter { $0["kind"] as? String == "off_network" }.reduce(0.0) { $0 + ($1["length_m"] as! Double) }
            let copy = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogr2ogr"), ["-update", out, p("net2.geojson"), "-nln", "network"])
            XCTAssertEqual(copy.status, 0, copy.err)
            let geos = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogr2ogr"), ["-f", "CSV", "/vsistdout/", out, "-dialect", "SQLite", "-sql",
                "SELECT ST_Length(ST_Difference(i.geom, (SELECT ST_Buffer(ST_Union(geom), 5) FROM network WHERE \(usable)))) AS d FROM itinerary i"])
            let d = try XCTUnwrap(Double(geos.out.split(separator: "\n").dropFirst().first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"\r")) } ?? ""), geos.out + geos.err)
            XCTAssertGreaterThan(d, 50, mode)
            XCTAssertEqual(off, d, accuracy: 0.05, mode)
            // The gaps layer's lines are those stretches.
            let layer = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogr2ogr"), ["-f", "CSV", "/vsistdout/", out, "-dialect", "SQLite", "-sql",
                "SELECT SUM(ST_Length(geom)) FROM gaps WHERE kind = 'off_network'"])
            XCTAssertEqual(Double(layer.out.split(separator: "\n").dropFirst().first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"\r")) } ?? "") ?? -1, d, accuracy: 0.05, mode)
        }
    }

    func testWaypointsAreRoutedInOrder() throws {
        let net = try network()
        // From (5,0) to (245,0): 95 m on Cavalier 1, the 150 m detour, 95 m on Cavalier 2.
        let o = try json(["itinerary", "--network", net, "--via", "700005,7000000", "--via", "700245,7000000", "-o", p("via.gpx")])
        XCTAssertEqual(o["length_m"] as! Double, 340, accuracy: 1e-6)
        XCTAssertEqual(o["gaps_m"] as! Double, 0)
        XCTAssertTrue(try String(contentsOfFile: p("via.gpx"), encoding: .utf8).contains("<trkpt"))
    }

    /// A real extract: the national cycle routes of the Helsinki centre extract (© OpenStreetMap
    /// contributors, ODbL; Tests/Fixtures/README): length equal to SpatiaLite's ST_Length of the relation's
    /// geometry in the same UTM zone (35N); route 4 leaves the extract and comes back: one missing link.
    func testRelationLengthAgreesWithSpatiaLite() throws {
        let pbf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/data/osm/helsinki-centre.osm.pbf").path
        for (relation, id) in [("Pyörämatkailureitti 2", "27802"), ("4", "32626")] {
            let o = try json(["itinerary", "--network", pbf, "--relation", relation, "--mode", "bike", "-o", p("r\(id).gpkg")])
            let sql = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogrinfo"), ["-ro", "-q", "-dialect", "SQLite", "-sql",
                "SELECT ST_Length(ST_Transform(GEOMETRY, 32635)) AS len FROM multilinestrings WHERE osm_id = '\(id)'", pbf]).out
            let reference = Double(try XCTUnwrap(sql.components(separatedBy: "len (Real) = ").last?.trimmingCharacters(in: .whitespacesAndNewlines)))!
            XCTAssertEqual(o["length_m"] as! Double, reference, accuracy: 1e-6, relation)
            if id == "32626" { XCTAssertEqual((o["gaps"] as! [[String: Any]]).filter { $0["kind"] as? String == "missing_link" }.count, 1) }
        }
        let r = try TrameProcess.run(TrameProcess.trame, ["itinerary", "--network", pbf, "--relation", "GR 34", "-o", p("none.gpx")])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("no walking or cycling route relation named 'GR 34'") && r.err.contains("Pyörämatkailureitti 2"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("none.gpx")))
    }

    func testUsageErrors() throws {
        let net = try network()
        for args in [["--where", "x = 1", "--via", "1,2", "--via", "3,4"], ["--via", "1,2"], ["--relation", "X"]] {
            let r = try TrameProcess.run(TrameProcess.trame, ["itinerary", "--network", net, "-o", p("x.gpx")] + args)
            XCTAssertEqual(r.status, 64, "\(args): \(r.err)")
        }
    }
}
