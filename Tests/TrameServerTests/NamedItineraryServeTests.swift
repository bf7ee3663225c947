import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TrameScheme
import TrameTestSupport
import XCTest

/// The sample's named itineraries in the scheme (the run ServeTests makes once): the stretches they share
/// with the corridors and their gaps against GEOS (ogrinfo's SQLite dialect, SpatiaLite), their GPX files,
/// the atlas pages, and the list and downloads of `trame serve`, hostile names refused.
final class NamedItineraryServeTests: XCTestCase {
    /// Rows of an SQL query through ogr2ogr (CSV, quoted fields read as such: the names hold commas).
    func sql(_ gpkg: String, _ query: String) throws -> [[String]] {
        try ServeTests.tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", gpkg, "-dialect", "SQLite", "-sql", query])
            .split(whereSeparator: \.isNewline).dropFirst().map { LanguageTests.fields(String($0)) }
    }

    func testSchemeLayersAgreeWithGEOS() throws {
        let h = try ServeTests.harness()
        let gpkg = h.scheme + "/scheme.gpkg"
        // The brochure's itineraries: a greenway, a long-distance path and its loops, two cavalier loops.
        let named = try sql(gpkg, "SELECT name, kind, status, parent, gpx, length_m, shared_m FROM named_itineraries")
        let kinds = Dictionary(grouping: named, by: { $0[1] })
        XCTAssertEqual(kinds["greenway"]?.count, 1, "\(named)")
        XCTAssertEqual(kinds["long-distance"]?.count, 1, "\(named)")
        XCTAssertGreaterThanOrEqual(kinds["loop"]?.count ?? 0, 3, "\(named)")
        XCTAssertTrue(named.contains { $0[3] == "GR de Pays du Bassin minier" })
        XCTAssertTrue(named.contains { $0[2] == "planned" })
        for row in named {
            XCTAssertGreaterThan(Double(row[5])!, 500, "\(row)")
            // Its GPX, in the itineraries folder, with one track point or more.
            let gpx = try String(contentsOfFile: h.scheme + "/" + row[4], encoding: .utf8)
            XCTAssertTrue(gpx.contains("<trkpt"), row[4])
        }
        // Shared stretches: each equals the GEOS intersection of its itinerary and its corridor.
        let shared = try sql(gpkg, """
            SELECT s.itinerary, s.subnetwork, s.link, s.length_m, ST_Length(ST_Intersection(n.geom, c.geom)) FROM shared_links s
            JOIN named_itineraries n ON n.name = s.itinerary
            JOIN corridors c ON c.subnetwork = s.subnetwork AND c.link = s.link AND c.from_reservoir = s.from_reservoir AND c.to_reservoir = s.to_reservoir
            """)
        XCTAssertFalse(shared.isEmpty, "the sample's itineraries share some corridors")
        XCTAssertEqual(shared.count, try sql(gpkg, "SELECT COUNT(*) FROM shared_links")[0].first.flatMap { Int($0) })
        for r in shared { XCTAssertEqual(Double(r[3])!, Double(r[4])!, accuracy: 1e-6 * max(1, Double(r[4])!), "\(r)") }
        // And none is missing: per itinerary and sub-network, the layer's total is GEOS's over all the corridors.
        let geos = try sql(gpkg, """
            SELECT n.name, c.subnetwork, SUM(ST_Length(ST_Intersection(n.geom, c.geom))) FROM named_itineraries n, corridors c
            WHERE ST_Intersects(n.geom, c.geom) GROUP BY n.name, c.subnetwork
            """)
        let ours = Dictionary(uniqueKeysWithValues: try sql(gpkg, "SELECT itinerary, subnetwork, SUM(length_m) FROM shared_links GROUP BY itinerary, subnetwork").map { ("\($0[0])|\($0[1])", Double($0[2])!) })
        for r in geos where Double(r[2])! > 0.001 {
            XCTAssertEqual(ours["\(r[0])|\(r[1])"] ?? 0, Double(r[2])!, accuracy: 1e-6 * max(1, Double(r[2])!), "\(r)")
        }
        // In corridors (shared_m): inside their union, each stretch once whatever the sub-networks.
        for r in try sql(gpkg, "SELECT n.shared_m, ST_Length(ST_Intersection(n.geom, (SELECT ST_Union(geom) FROM corridors))) FROM named_itineraries n") {
            XCTAssertEqual(Double(r[0])!, Double(r[1]) ?? 0, accuracy: 1e-6 * max(1, Double(r[0])!), "\(r)")
        }
        // Gaps off the network: the GEOS difference of each course and the 5 m buffer of the ways a walker or
        // cyclist may use (the paths, and the roads but the motorways), the network copied beside them.
        let copy = NSTemporaryDirectory() + "trame-gaps-\(UUID().uuidString).gpkg"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        _ = try ServeTests.tool("ogr2ogr", ["-f", "GPKG", copy, gpkg, "named_itineraries", "itinerary_gaps"])
        for layer in ["paths", "roads"] { _ = try ServeTests.tool("ogr2ogr", ["-update", "-append", "-addfields", copy, h.scheme + "/../territory.gpkg", layer, "-nln", "network"]) }
        let diff = try sql(copy, """
            SELECT n.name, ST_Length(ST_Difference(n.geom, (SELECT ST_Buffer(ST_Union(geom), 5) FROM network WHERE class IS NULL OR class <> 'motorway'))),
                   (SELECT COALESCE(SUM(length_m), 0) FROM itinerary_gaps g WHERE g.itinerary = n.name AND g.kind = 'off_network') FROM named_itineraries n
            """)
        XCTAssertEqual(diff.count, named.count)
        for r in diff { XCTAssertEqual(Double(r[2])!, Double(r[1]) ?? 0, accuracy: 0.05, "\(r)") }
        // figures.csv: the km of named itineraries and of links with two vocations.
        let csv = try String(contentsOfFile: h.scheme + "/figures.csv", encoding: .utf8)
        // Per unit, the km inside each sub-network's corridors: for the territory, the layer's per sub-network totals.
        let rows = csv.split(whereSeparator: \.isNewline).map { LanguageTests.fields(String($0)) }
        let header = rows[0], territory = try XCTUnwrap(rows.first { $0.first == "territory" })
        XCTAssertTrue(header.contains("named_itinerary_km"))
        for r in try sql(gpkg, "SELECT subnetwork, SUM(length_m) FROM shared_links GROUP BY subnetwork") {
            let k = try XCTUnwrap(header.firstIndex(of: "\(r[0])_shared_km"), r[0])
            // figures.csv measures by pieces of half a cell in the territory's cells: within a cell per stretch.
            XCTAssertEqual(Double(territory[k])! * 1000, Double(r[1])!, accuracy: 0.01 * Double(r[1])! + 10, "\(r)")
        }
        // The atlas: one page per kind, named.
        let atlas = try ServeTests.tool("pdftotext", ["-enc", "UTF-8", h.scheme + "/atlas.pdf", "-"])
        for k in ["Greenway", "Long-distance path", "Loop"] { XCTAssertTrue(atlas.contains("Named itineraries: \(k)"), k) }
    }

    /// Hostile courses in the sample's project: `trame check` and `trame run` name the entry's line and stop
    /// before any analysis (a run that fails leaves no scheme).
    func testBadCoursesAreRefusedNamingTheLine() throws {
        let dir = try ServeTests.sample()
        let text = try String(contentsOfFile: dir + "/project.toml", encoding: .utf8)
        let line = text.components(separatedBy: "\n").firstIndex { $0.hasPrefix("[[itinerary]]") }! + 1
        for (k, (from, to, message)) in [
            ("where = \"name = 'Chemin de halage'\"", "where = \"name = 'Nulle part'\"", "selects no line of territory.gpkg (layer paths)"),
            ("where = \"name = 'Chemin de halage'\"", "via = [[2.83, 50.43], [2.9, 50.45]]", "waypoint 1 (2.83, 50.43) lies outside the territory"),
            ("where = \"name = 'Chemin de halage'\"", "relation = \"GR 1\"", "not an OpenStreetMap extract"),
        ].enumerated() {
            XCTAssertTrue(text.contains(from))
            let bad = dir + "/bad-itinerary-\(k).toml"
            try text.replacingOccurrences(of: from, with: to).write(toFile: bad, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: bad) }
            for args in [["check", bad], ["run", bad, "--out", dir + "/bad-scheme-\(k)", "--quiet"]] {
                let r = try TrameProcess.run(TrameProcess.trame, args)
                XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
                // The entry's line; the key's own for a mistake the project's reader finds (relation on a GeoPackage).
                let at = k == 2 ? text.components(separatedBy: "\n").firstIndex { $0 == from }! + 1 : line
                XCTAssertTrue((r.out + r.err).contains("bad-itinerary-\(k).toml:\(at):"), "\(args): \(r.out)\(r.err)")
                XCTAssertTrue((r.out + r.err).contains(message), "\(args): \(r.out)\(r.err)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad-scheme-\(k)/scheme.gpkg"))
        }
    }

    func testListAndDownloads() async throws {
        let h = try ServeTests.harness()
        try await h.app.test(.router) { client in
            let list = try ServeTests.json(try await client.execute(uri: "/api/itineraries", method: .get))
            let items = try XCTUnwrap(list["itineraries"] as? [[String: Any]])
            XCTAssertGreaterThanOrEqual(items.count, 5)
            for it in items {
                let url = try XCTUnwrap(it["gpx"] as? String, "\(it)")
                XCTAssertNotNil(it["kind_label"] as? String); XCTAssertNotNil(it["length_m"] as? Double)
                XCTAssertEqual((it["bbox"] as? [Double])?.count, 4)
                let r = try await client.execute(uri: url, method: .get)
                XCTAssertEqual(r.status, .ok, url)
                XCTAssertEqual(r.headers[.contentType], "application/gpx+xml")
                XCTAssertTrue(r.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                XCTAssertNotNil(r.headers[.xContentTypeOptions], "security headers kept")
                XCTAssertTrue(String(buffer: r.body).contains("<gpx"))
            }
            for bad in ["/api/itineraries/..%2F..%2Fscheme.gpkg", "/api/itineraries/..%2Fscheme.gpkg", "/api/itineraries/.hidden.gpx",
                        "/api/itineraries/%2Fetc%2Fpasswd", "/api/itineraries/report.html", "/api/itineraries/Nope.gpx",
                        "/api/itineraries/-x.gpx", "/api/itineraries/a%5Cb.gpx"] {
                let r = try await client.execute(uri: bad, method: .get)
                XCTAssertEqual(r.status, .notFound, bad)
                XCTAssertFalse(String(buffer: r.body).contains("<gpx"), bad)
            }
        }
        // A private scheme lists nothing before sign-in.
        let p = try ServeTests.harness(private: true)
        try await p.app.test(.router) { client in
            let r = try await client.execute(uri: "/api/itineraries", method: .get)
            XCTAssertEqual(r.status, .unauthorized)
        }
    }
}
