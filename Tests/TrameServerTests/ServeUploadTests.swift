import Foundation
import TramePublish
import TrameScheme
import TrameTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import TrameServer
@testable import TrameUploads
import TrameScheme
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Hostile uploads (files that make GDAL read other files, reach the network, run endless queries or
/// inflate without end) are refused with a JSON 415/422, checked in a child process that cannot hang
/// the server. Each hostile fixture is first shown to be hostile with GDAL's own tools (ogrinfo).
final class ServeUploadTests: XCTestCase {
    typealias Client = any TestClientProtocol

    struct Setup {
        var h: ServeTests.Harness
        var partner: String
        var inventory: String
        var lon: Double
        var lat: Double
    }

    /// The sample scheme, an admin and a partner (with their bcrypt hashes in partners.sqlite).
    static func setup() throws -> Setup {
        let h = try ServeTests.harness()
        let inv = h.server.settings.inventories[0]
        try h.server.store.addAccount(name: "admin", partner: "Agence", role: .admin, password: "kestrel-orchard-41")
        try h.server.store.addAccount(name: "alice", partner: inv.partner, role: .partner, password: "heron-meadow-27")
        let e = h.server.scheme.site.extent
        return Setup(h: h, partner: "alice", inventory: inv.name, lon: (e.west + e.east) / 2, lat: (e.south + e.north) / 2)
    }

    static func tmp(_ name: String) throws -> String {
        let dir = TestScratch.folder + "trame-upload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    /// A zip of (name, bytes) entries written by Python's zipfile (deflated), names kept as given.
    static func zip(_ entries: [(String, Data)]) throws -> Data {
        let dir = try tmp("z")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var lines: [String] = []
        for (i, (name, data)) in entries.enumerated() {
            try data.write(to: URL(fileURLWithPath: "\(dir)/\(i)"))
            lines.append("z.write('\(dir)/\(i)', \(pyString(name)))")
        }
        _ = try ServeTests.tool("python3", ["-c", "import zipfile\nwith zipfile.ZipFile('\(dir)/out.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:\n    "
                                            + lines.joined(separator: "\n    ")])
        return try Data(contentsOf: URL(fileURLWithPath: dir + "/out.zip"))
    }

    /// Extracts a zip with Python's zipfile.
    static func unzip(_ zip: String, into dir: String) throws {
        _ = try ServeTests.tool("python3", ["-c", "import zipfile, sys\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", zip, dir])
    }

    static func pyString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }

    /// A GeoPackage written by ogr2ogr from GeoJSON (layer `sites`), then changed with Python's sqlite3.
    static func gpkg(_ geojson: Data, sql: String? = nil) throws -> (path: String, data: Data) {
        let path = try tmp("sites.gpkg")
        let src = path + ".geojson"
        try geojson.write(to: URL(fileURLWithPath: src))
        _ = try ServeTests.tool("ogr2ogr", ["-f", "GPKG", path, src, "-nln", "sites"])
        if let sql {
            _ = try ServeTests.tool("python3", ["-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()", path, sql])
        }
        return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func error(_ r: TestResponse) throws -> String {
        XCTAssertEqual(r.headers[.contentType], "application/json; charset=utf-8")
        return try XCTUnwrap(try ServeTests.json(r)["error"] as? String, String(buffer: r.body))
    }

    static func incoming(_ h: ServeTests.Harness) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: h.server.checker.scratch)) ?? []
    }

    // MARK: Files that read other files

    /// The tester's attack: an OGR VRT whose SrcSQL reads partners.sqlite. ogrinfo shows that it does
    /// read every bcrypt hash; zipped or not, the server refuses it and nothing of it leaks.
    func testVRTReadingThePartnersDatabaseIsRefused() async throws {
        let s = try ServeUploadTests.setup()
        let db = s.h.server.store.folder + "/partners.sqlite"
        XCTAssertTrue(FileManager.default.fileExists(atPath: db), db)
        let vrt = Data("""
        <OGRVRTDataSource><OGRVRTLayer name="sites"><SrcDataSource>\(db)</SrcDataSource>
        <SrcSQL>SELECT name || ' ' || password_hash AS name, 'POLYGON((\(s.lon) \(s.lat), \(s.lon + 0.001) \(s.lat), \(s.lon) \(s.lat + 0.001), \(s.lon) \(s.lat)))' AS wkt FROM account</SrcSQL>
        <GeometryField encoding="WKT" field="wkt"/><LayerSRS>EPSG:4326</LayerSRS></OGRVRTLayer></OGRVRTDataSource>
        """.utf8)
        let file = try ServeUploadTests.tmp("sites.vrt")
        try vrt.write(to: URL(fileURLWithPath: file))
        let hashes = try s.h.server.store.accounts().map(\.passwordHash)
        let gdal = try ServeTests.tool("ogrinfo", ["-ro", "-al", file])
        XCTAssertTrue(hashes.allSatisfy { gdal.contains($0) }, "the fixture reads the hashes through GDAL (all drivers): \(gdal.prefix(300))")

        // The VRT as it is, zipped as the tester sent it, and dressed as a Shapefile's .shp.
        let shp = try ServeAccountTests.zippedShapefile(from: ServeAccountTests.geojson(s.lon, s.lat))
        var parts: [(String, Data)] = []
        do {
            let archive = file + ".dir"
            try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
            try shp.write(to: URL(fileURLWithPath: archive + "/s.zip"))
            try ServeUploadTests.unzip(archive + "/s.zip", into: archive)
            for ext in ["shx", "dbf", "prj"] { parts.append(("sites.\(ext)", try Data(contentsOf: URL(fileURLWithPath: "\(archive)/sites.\(ext)")))) }
        }
        let uploads: [(String, Data, HTTPResponse.Status)] = [
            ("sites.vrt", vrt, .unsupportedMediaType),
            ("sites.zip", try ServeUploadTests.zip([("sites.vrt", vrt)]), .unprocessableContent),
            ("sites.zip", try ServeUploadTests.zip([("sites.shp", vrt)] + parts), .unprocessableContent),
        ]
        try await s.h.app.test(.router) { c in
            let (_, alice, _) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            for (name, data, status) in uploads {
                let r = try await ServeAccountTests.upload(c, s.inventory, data, cookie: alice, filename: name)
                XCTAssertEqual(r.status, status, String(buffer: r.body))
                let message = try ServeUploadTests.error(r)
                XCTAssertTrue(message.hasPrefix(name + ": "), message)
                XCTAssertFalse(message.contains("$2"), "no hash character leaks: \(message)")
                for h in hashes { XCTAssertFalse(message.contains(String(h.suffix(20))), message) }
                XCTAssertFalse(message.contains("admin") || message.contains("alice"), message)
            }
        }
        XCTAssertEqual(try s.h.server.store.uploads().count, 0)
        XCTAssertEqual(ServeUploadTests.incoming(s.h), [], "scratch removed")
    }

    /// GDAL fetches URLs named by a VRT and by a GeoJSON file's CRS link: ogrinfo shows the listener
    /// gets a request; the server's checks send none.
    func testNoRequestLeavesTheChecker() async throws {
        let s = try ServeUploadTests.setup()
        let listener = try Listener()
        defer { listener.stop() }
        let url = "http://127.0.0.1:\(listener.port)"
        let vrt = Data("""
        <OGRVRTDataSource><OGRVRTLayer name="sites"><SrcDataSource>/vsicurl/\(url)/x.geojson</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>
        """.utf8)
        let linked = String(decoding: ServeAccountTests.geojson(s.lon, s.lat), as: UTF8.self).replacingOccurrences(of: "{\"type\": \"FeatureCollection\",",
                                             with: "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"link\", \"properties\": {\"href\": \"\(url)/crs.wkt\", \"type\": \"ogcwkt\"}},")
        let file = try ServeUploadTests.tmp("linked.geojson")
        try Data(linked.utf8).write(to: URL(fileURLWithPath: file))
        _ = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogrinfo"), ["-ro", "-so", "-al", file])
        XCTAssertGreaterThan(listener.connections, 0, "GDAL itself fetches the CRS link (the fixture is real)")
        let before = listener.connections
        try await s.h.app.test(.router) { c in
            let (_, alice, _) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            for (name, data) in [("linked.geojson", Data(linked.utf8)), ("remote.zip", try ServeUploadTests.zip([("remote.vrt", vrt)])),
                                 ("remote.zip", try ServeUploadTests.zip([("remote.shp", vrt), ("remote.shx", vrt), ("remote.dbf", vrt)]))] {
                let r = try await ServeAccountTests.upload(c, s.inventory, data, cookie: alice, filename: name)
                XCTAssertEqual(r.status, .unprocessableContent, String(buffer: r.body))
                XCTAssertTrue(try ServeUploadTests.error(r).hasPrefix(name + ": "))
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(listener.connections, before, "no request reached the listener")
        XCTAssertEqual(try s.h.server.store.uploads().count, 0)
    }

    // MARK: GeoPackages

    /// A layer that is a view over an endless WITH RECURSIVE query: ogrinfo never finishes counting
    /// it; the server refuses it at once, without running it. A plain view is refused too.
    func testGeoPackageViewsAreRefusedWithoutRunningThem() async throws {
        let s = try ServeUploadTests.setup()
        let good = ServeAccountTests.geojson(s.lon, s.lat)
        let endless = try ServeUploadTests.gpkg(good, sql: """
            CREATE VIEW endless AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT r.i AS fid, t.geom AS geom, t.name AS name FROM r, sites t;
            DELETE FROM gpkg_geometry_columns WHERE table_name = 'sites';
            DELETE FROM gpkg_contents WHERE table_name = 'sites';
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('endless', 'features', 'endless', 4326);
            INSERT INTO gpkg_geometry_columns VALUES ('endless', 'geom', 'POLYGON', 4326, 0, 0);
            """)
        let t0 = Date()
        let probe = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/timeout"), ["-s", "KILL", "3", "ogrinfo", "-ro", "-so", endless.path, "endless"])
        // timeout -s KILL kills its process group, itself included: status 9 (signal) or 137.
        XCTAssertTrue([9, 137].contains(probe.status), "ogrinfo is still counting the endless view after 3 s: \(probe.out.prefix(200)) \(probe.err.prefix(200))")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t0), 3)
        let plain = try ServeUploadTests.gpkg(good, sql: """
            CREATE VIEW renamed AS SELECT fid, geom, name FROM sites;
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('renamed', 'features', 'renamed', 4326);
            INSERT INTO gpkg_geometry_columns VALUES ('renamed', 'geom', 'POLYGON', 4326, 0, 0);
            """)
        try await s.h.app.test(.router) { c in
            let (_, alice, _) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            for (data, view) in [(endless.data, "endless"), (plain.data, "renamed")] {
                let t = Date()
                let r = try await ServeAccountTests.upload(c, s.inventory, data, cookie: alice, filename: "sites.gpkg")
                XCTAssertEqual(r.status, .unprocessableContent)
                let message = try ServeUploadTests.error(r)
                XCTAssertTrue(message.contains("view ('\(view)')"), message)
                XCTAssertLessThan(Date().timeIntervalSince(t), 10, "refused without running the view")
            }
        }
        XCTAssertEqual(try s.h.server.store.uploads().count, 0)
        XCTAssertEqual(ServeUploadTests.incoming(s.h), [])
    }

    /// GDAL's own triggers (R-tree upkeep, feature counts, the specification's checks) pass; a foreign
    /// trigger is refused, also under the name of one of GDAL's.
    func testGeoPackageTriggers() async throws {
        let s = try ServeUploadTests.setup()
        let good = ServeAccountTests.geojson(s.lon, s.lat)
        let plain = try ServeUploadTests.gpkg(good)
        // The triggers ogr2ogr wrote, as sqlite3 lists them (independent of our reading).
        let listed = try ServeTests.tool("python3", ["-c", "import sqlite3, sys\nfor r in sqlite3.connect(sys.argv[1]).execute(\"SELECT name FROM sqlite_master WHERE type = 'trigger'\"): print(r[0])", plain.path])
        let names = Set(listed.split(separator: "\n").map(String.init))
        XCTAssertTrue(names.contains("rtree_sites_geom_insert") && names.contains("trigger_insert_feature_count_sites") && names.contains("gpkg_tile_matrix_zoom_level_insert"), "\(names)")
        let foreign = try ServeUploadTests.gpkg(good, sql: "CREATE TRIGGER audit AFTER INSERT ON sites BEGIN DELETE FROM gpkg_contents; END;")
        let disguised = try ServeUploadTests.gpkg(good, sql: """
            DROP TRIGGER rtree_sites_geom_delete;
            CREATE TRIGGER rtree_sites_geom_delete AFTER DELETE ON sites BEGIN DELETE FROM gpkg_ogr_contents; END;
            """)
        let counted = try ServeUploadTests.gpkg(good, sql: """
            DROP TRIGGER trigger_insert_feature_count_sites;
            CREATE TRIGGER trigger_insert_feature_count_sites AFTER INSERT ON sites BEGIN UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM account); END;
            """)
        let virtual = try ServeUploadTests.gpkg(good, sql: "CREATE VIRTUAL TABLE notes USING fts4(body);")
        try await s.h.app.test(.router) { c in
            let (_, alice, _) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            for (data, what) in [(foreign.data, "trigger ('audit')"), (disguised.data, "trigger ('rtree_sites_geom_delete')"),
                                 (counted.data, "trigger ('trigger_insert_feature_count_sites')"), (virtual.data, "virtual table ('notes')")] {
                let r = try await ServeAccountTests.upload(c, s.inventory, data, cookie: alice, filename: "sites.gpkg")
                XCTAssertEqual(r.status, .unprocessableContent, what)
                let message = try ServeUploadTests.error(r)
                XCTAssertTrue(message.contains(what), "\(what): \(message)")
            }
            XCTAssertEqual(try s.h.server.store.uploads().count, 0)
            // The plain one from ogr2ogr is kept, with as many sites as ogrinfo counts.
            let r = try await ServeAccountTests.upload(c, s.inventory, plain.data, cookie: alice, filename: "sites.gpkg")
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            let info = try ServeTests.tool("ogrinfo", ["-ro", "-so", plain.path, "sites"])
            let count = info.split(separator: "\n").first { $0.hasPrefix("Feature Count: ") }.map { Int($0.dropFirst(15)) } ?? nil
            let version = try XCTUnwrap(try ServeTests.json(r)["version"] as? [String: Any])
            XCTAssertEqual(version["features"] as? Int, try XCTUnwrap(count))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: try s.h.server.store.uploads()[0].file)), plain.data)
        }
    }

    // MARK: Zips

    /// The tester's zip bomb (852 kB inflating to a 220 MB GeoJSON), a Shapefile-named bomb and
    /// names that climb out of the folder: refused at once, nothing stored, no scratch left.
    func testZipBombsAndClimbingNamesAreRefused() async throws {
        let s = try ServeUploadTests.setup()
        let dir = try ServeUploadTests.tmp("bombs")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Built by Python without holding the inflated bytes twice.
        _ = try ServeTests.tool("python3", ["-c", """
            import zipfile
            head = b'{"type": "FeatureCollection", "features": [], "pad": "'
            with zipfile.ZipFile('\(dir)/geojson.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
                with z.open('sites.geojson', 'w', force_zip64=True) as f:
                    f.write(head)
                    block = b' ' * (1 << 20)
                    for _ in range(220): f.write(block)
                    f.write(b'"}')
            with zipfile.ZipFile('\(dir)/shp.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
                with z.open('sites.shp', 'w', force_zip64=True) as f:
                    block = bytes(1 << 20)
                    for _ in range(200): f.write(block)
                z.writestr('sites.shx', bytes(100)); z.writestr('sites.dbf', bytes(100))
            """])
        let geojsonBomb = try Data(contentsOf: URL(fileURLWithPath: dir + "/geojson.zip"))
        let shpBomb = try Data(contentsOf: URL(fileURLWithPath: dir + "/shp.zip"))
        // What Python's zipfile (not us) reads in the central directory: the inflated size.
        let listing = try ServeTests.tool("python3", ["-c", "import zipfile, sys\nprint(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))", dir + "/geojson.zip"])
        let inflated = Int(listing.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertGreaterThan(inflated, 220 * 1_048_576)
        XCTAssertLessThan(geojsonBomb.count, 1_000_000)

        let good = ServeAccountTests.geojson(s.lon, s.lat)
        let shp = try ServeAccountTests.zippedShapefile(from: good)
        let unpacked = dir + "/shp"
        try shp.write(to: URL(fileURLWithPath: dir + "/good.zip"))
        try ServeUploadTests.unzip(dir + "/good.zip", into: unpacked)
        func part(_ ext: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: "\(unpacked)/sites.\(ext)")) }
        let climbing = try ServeUploadTests.zip([("../sites.shp", try part("shp")), ("../sites.shx", try part("shx")), ("../sites.dbf", try part("dbf"))])
        let nested = try ServeUploadTests.zip([("/etc/sites.shp", try part("shp")), ("sites.shx", try part("shx")), ("sites.dbf", try part("dbf"))])
        let extra = try ServeUploadTests.zip([("sites.shp", try part("shp")), ("sites.shx", try part("shx")), ("sites.dbf", try part("dbf")), ("notes.txt", Data("x".utf8))])

        try await s.h.app.test(.router) { c in
            let (_, alice, _) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            for (data, why) in [(geojsonBomb, "not a Shapefile component"), (shpBomb, "zip bomb"), (climbing, "points outside"),
                                (nested, "points outside"), (extra, "not a Shapefile component")] {
                let t = Date()
                let r = try await ServeAccountTests.upload(c, s.inventory, data, cookie: alice, filename: "sites.zip")
                XCTAssertEqual(r.status, .unprocessableContent, why)
                let message = try ServeUploadTests.error(r)
                XCTAssertTrue(message.hasPrefix("sites.zip: ") && message.contains(why), "\(why): \(message)")
                XCTAssertLessThan(Date().timeIntervalSince(t), 10, "\(why): refused quickly")
            }
            XCTAssertEqual(try s.h.server.store.uploads().count, 0)
            // The same Shapefile, zipped properly, passes.
            let r = try await ServeAccountTests.upload(c, s.inventory, shp, cookie: alice, filename: "sites.zip")
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
        }
        XCTAssertEqual(ServeUploadTests.incoming(s.h), [])
        let stored = try FileManager.default.contentsOfDirectory(atPath: s.h.server.store.folder + "/uploads")
        XCTAssertEqual(stored.count, 1, "\(stored)")
    }

    // MARK: Checks that cannot hang the server

    /// A check that does not end (a stand-in checker that sleeps) holds no server thread: other
    /// requests answer within a second while it runs; it is killed past its budget and its scratch
    /// folder removed.
    func testASlowCheckIsKilledAndTheServerKeepsAnswering() async throws {
        let s = try ServeUploadTests.setup()
        let dir = try ServeUploadTests.tmp("slow")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = dir + "/slow-check"
        try "#!/bin/sh\necho $$ >> \(dir)/pids\nexec sleep 60\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let scratch = s.h.server.checker.scratch
        s.h.server.checker = UploadChecker(executable: script, arguments: [], scratch: scratch, limits: .init(seconds: 3, concurrent: 2))
        let good = ServeAccountTests.geojson(s.lon, s.lat)
        try await s.h.app.test(.live) { c in
            let (_, alice, _) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            let t0 = Date()
            async let slow = ServeAccountTests.upload(c, s.inventory, good, cookie: alice)
            // While it runs: its scratch folder exists, and the server answers.
            var seen = false
            for _ in 0..<40 where !seen {
                try await Task.sleep(nanoseconds: 50_000_000)
                seen = ServeUploadTests.incoming(s.h).contains { $0.hasPrefix("check-") }
            }
            XCTAssertTrue(seen, "the check has a scratch folder while it runs")
            // On connections of their own (the test client's one connection is busy with the upload).
            let port = try XCTUnwrap(c.port)
            for uri in ["/api/session", "/api/layers", "/"] {
                let t = Date()
                var get = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(uri)")!)
                get.setValue(alice, forHTTPHeaderField: "Cookie")
                let (_, answer) = try await URLSession.shared.data(for: get)
                XCTAssertEqual((answer as? HTTPURLResponse)?.statusCode, 200, uri)
                XCTAssertLessThan(Date().timeIntervalSince(t), 1, "\(uri) answers within a second during the check")
            }
            XCTAssertFalse(ServeUploadTests.incoming(s.h).isEmpty, "the check was still running meanwhile")
            let r = try await slow
            let took = Date().timeIntervalSince(t0)
            XCTAssertEqual(r.status, .unprocessableContent, String(buffer: r.body))
            XCTAssertTrue(try ServeUploadTests.error(r).contains("took longer than 3 s"), String(buffer: r.body))
            XCTAssertGreaterThanOrEqual(took, 3)
            XCTAssertLessThan(took, 6, "killed at its budget")
        }
        let pids = try String(contentsOfFile: dir + "/pids", encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        XCTAssertEqual(pids.count, 1)
        for p in pids { XCTAssertEqual(kill(p, 0), -1, "the checker \(p) is gone"); XCTAssertEqual(errno, ESRCH) }
        XCTAssertEqual(ServeUploadTests.incoming(s.h), [], "scratch removed")
        XCTAssertEqual(try s.h.server.store.uploads().count, 0)
    }

    /// The real checker past a budget too short for it is killed the same way (SIGKILL), and a
    /// checker started over leftovers sweeps them.
    func testRealCheckerPastItsBudgetAndTheSweep() async throws {
        let s = try ServeUploadTests.setup()
        let scratch = s.h.server.checker.scratch
        try FileManager.default.createDirectory(atPath: scratch + "/check-left-by-a-crash", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch + "/check-left-by-a-crash/upload.gpkg"))
        s.h.server.checker = UploadChecker(executable: TrameProcess.trame.path, scratch: scratch, limits: .init(seconds: 0.05))
        XCTAssertEqual(ServeUploadTests.incoming(s.h), [], "leftovers swept when the checker starts")
        do {
            _ = try await s.h.server.checker.check(ServeAccountTests.geojson(s.lon, s.lat), name: "sites.geojson",
                                                   schemeCRS: s.h.server.scheme.site.crsWKT, territory: s.h.server.scheme.site.extent)
            XCTFail("a check of 50 ms cannot finish")
        } catch let f as UploadCheck.Failure {
            XCTAssertEqual(f.status, 422)
            XCTAssertTrue(f.description.contains("took longer than"), f.description)
        }
        XCTAssertEqual(s.h.server.checker.runningChildren, [])
        XCTAssertEqual(ServeUploadTests.incoming(s.h), [])
        // With its normal budget the same file passes, through the real child.
        let checker = UploadChecker(executable: TrameProcess.trame.path, scratch: scratch)
        let passed = try await checker.check(ServeAccountTests.geojson(s.lon, s.lat), name: "sites.geojson",
                                             schemeCRS: s.h.server.scheme.site.crsWKT, territory: s.h.server.scheme.site.extent)
        XCTAssertEqual(passed.features, 1)
        XCTAssertEqual(passed.ext, "geojson")
    }

    /// The child's verdict, run by hand: it reports that it is in a network namespace of its own
    /// when the system allows one, and it keeps only the three drivers.
    func testChildVerdictByHand() throws {
        let s = try ServeUploadTests.setup()
        let dir = try ServeUploadTests.tmp("check")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/upload.geojson"
        try ServeAccountTests.geojson(s.lon, s.lat).write(to: URL(fileURLWithPath: file))
        let site = s.h.server.scheme.site
        let req = UploadCheck.Request(name: "sites.geojson", file: file, ext: "geojson", crs: site.crsWKT,
                                      territory: [site.extent.west, site.extent.south, site.extent.east, site.extent.north])
        try JSONEncoder().encode(req).write(to: URL(fileURLWithPath: dir + "/request.json"))
        let r = try TrameProcess.run(TrameProcess.trame, ["check-upload", dir, "--cpu-seconds", "20", "--memory-mb", "3072"])
        XCTAssertEqual(r.status, 0, r.err)
        let v = try JSONDecoder().decode(UploadCheck.Verdict.self, from: Data(r.out.utf8))
        XCTAssertTrue(v.ok, r.out)
        XCTAssertEqual(v.passed?.features, 1)
        if geteuid() == 0 { XCTAssertEqual(v.isolated, true, "as root the child has a network namespace of its own") }
        // Hidden from the help.
        let help = try TrameProcess.run(TrameProcess.trame, ["--help"])
        XCTAssertFalse(help.out.contains("check-upload"))
    }

    /// `trame serve` itself, stopped with SIGTERM while it checks a large upload: it stops within
    /// seconds, and no checker process outlives it.
    func testSIGTERMStopsTheServerWhileAnUploadIsChecked() async throws {
        let scheme = try ServeTests.sample() + "/scheme"
        let project = try XCTUnwrap(try ServeSetup.load(folder: scheme).project)
        let site = try SchemeSite.load(scheme)
        let partners = try ServeUploadTests.tmp("partners")
        try PartnerStore(folder: partners, bcryptCost: 4).addAccount(name: "alice", partner: project.inventories[0].partner, role: .partner,
                                                                     password: "heron-meadow-27")
        // A large but ordinary layer: 120,000 small squares inside the territory (about 40 MB).
        let big = try ServeUploadTests.tmp("big.geojson")
        let e = site.extent
        _ = try ServeTests.tool("python3", ["-c", """
            import json
            w, s, e, n = \(e.west), \(e.south), \(e.east), \(e.north)
            with open('\(big)', 'w') as f:
                f.write('{"type": "FeatureCollection", "features": [')
                k = 0
                for i in range(400):
                    for j in range(300):
                        x = w + (e - w) * (i + 0.2) / 400; y = s + (n - s) * (j + 0.2) / 300; d = (e - w) / 1000
                        f.write((',' if k else '') + json.dumps({"type": "Feature", "properties": {"name": "site %d" % k},
                                "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}}))
                        k += 1
                f.write(']}')
            """])
        let proc = Process()
        proc.executableURL = TrameProcess.trame
        proc.arguments = ["serve", scheme, "--port", "0", "--partners", partners, "--quiet"]
        let out = Pipe()
        proc.standardOutput = out
        proc.standardError = FileHandle.nullDevice
        try proc.run()
        defer { if proc.isRunning { kill(proc.processIdentifier, SIGKILL) } }
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            first += d
        }
        let line = String(decoding: first, as: UTF8.self)
        let port = try XCTUnwrap(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, line)
        let base = "http://127.0.0.1:\(port)"
        var login = URLRequest(url: URL(string: base + "/api/login")!)
        login.httpMethod = "POST"
        login.setValue("application/json", forHTTPHeaderField: "Content-Type")
        login.httpBody = Data("{\"name\": \"alice\", \"password\": \"heron-meadow-27\"}".utf8)
        let (_, signedIn) = try await URLSession.shared.data(for: login)
        let cookie = try XCTUnwrap((signedIn as? HTTPURLResponse)?.value(forHTTPHeaderField: "Set-Cookie")?.split(separator: ";").first.map(String.init))
        var upload = URLRequest(url: URL(string: base + "/api/inventories/\(project.inventories[0].name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/versions?filename=big.geojson")!)
        upload.httpMethod = "POST"
        upload.setValue(cookie, forHTTPHeaderField: "Cookie")
        upload.httpBody = try Data(contentsOf: URL(fileURLWithPath: big))
        let sent = Task { try? await URLSession.shared.data(for: upload) }
        // Once the check runs (its scratch folder exists), SIGTERM.
        var checking = false
        for _ in 0..<200 where !checking {
            try await Task.sleep(nanoseconds: 50_000_000)
            checking = ((try? FileManager.default.contentsOfDirectory(atPath: partners + "/incoming")) ?? []).contains { $0.hasPrefix("check-") }
        }
        XCTAssertTrue(checking, "the upload is being checked")
        // The checker starts just after its scratch folder: on a loaded machine, give it up to 10 s to appear.
        var children: [Int32] = []
        for _ in 0..<100 where children.isEmpty {
            try await Task.sleep(nanoseconds: 100_000_000)
            children = ServeUploadTests.processes(containing: partners + "/incoming/check-")
        }
        XCTAssertEqual(children.count, 1, "one checker runs: \(children)")
        let t0 = Date()
        kill(proc.processIdentifier, SIGTERM)
        while proc.isRunning && Date().timeIntervalSince(t0) < 20 { try await Task.sleep(nanoseconds: 50_000_000) }
        XCTAssertFalse(proc.isRunning)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5, "stopped promptly")
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertEqual(ServeUploadTests.processes(containing: partners + "/incoming/check-"), [], "no checker outlives the server")
        _ = await sent.value
        XCTAssertEqual(try PartnerStore(folder: partners).uploads().count, 0)
    }

    /// Process ids whose command line contains `text` (from /proc).
    static func processes(containing text: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.filter { pid in
            guard let d = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: d.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    // MARK: Re-run with a zipped Shapefile

    /// The tester's re-run failure ("/vsizip/…zip: no such file"): a zipped Shapefile upload now re-runs.
    func testRerunWithAZippedShapefile() async throws {
        let (h, gpkg, inv, ll, revised) = try ServeAccountTests.revisedSiteCase()
        let zip = try ServeAccountTests.zippedShapefile(from: try Data(contentsOf: URL(fileURLWithPath: revised)))
        try h.server.store.addAccount(name: "admin", partner: "Agence", role: .admin, password: "kestrel-orchard-41")
        try h.server.store.addAccount(name: "dreal", partner: inv.partner, role: .partner, password: "bittern-reed-33")
        try await h.app.test(.router) { c in
            let (_, admin, _) = try await ServeAccountTests.login(c, "admin", "kestrel-orchard-41")
            let (_, dreal, _) = try await ServeAccountTests.login(c, "dreal", "bittern-reed-33")
            let up = try await ServeAccountTests.upload(c, inv.name, zip, cookie: dreal, filename: "natura.zip")
            XCTAssertEqual(up.status, .created, String(buffer: up.body))
            let id = try XCTUnwrap(((try ServeTests.json(up))["version"] as? [String: Any])?["id"] as? Int)
            let r = try await c.execute(uri: "/api/runs", method: .post, headers: [.cookie: admin!, .contentType: "application/json"],
                                        body: ByteBuffer(string: "{\"uploads\": [\(id)]}"))
            XCTAssertEqual(r.status, .accepted, String(buffer: r.body))
            let status = try await ServeAccountTests.finishedRun(c, cookie: admin)
            XCTAssertEqual(status, "done")
            let after = try ServeTests.json(try await ServeAccountTests.get(c, String(format: "/api/query?lon=%.9f&lat=%.9f", ll.0, ll.1), cookie: nil))
            XCTAssertEqual((after[SchemeLayer.natureSpaces.name] as! [[String: Any]]).first?["typology"] as? String, "major_interest")
        }
        let meta = try ServeTests.tool("ogrinfo", ["-ro", "-so", "-q", gpkg, SchemeLayer.natureSpaces.name])
        XCTAssertTrue(meta.contains(".zip"), "the zipped version is among the run's inputs")
    }
}

/// A TCP listener on 127.0.0.1 that counts the connections it accepts.
final class Listener: @unchecked Sendable {
    let fd: Int32
    let port: Int
    private let lock = NSLock()
    private var count = 0
    private var running = true
    var connections: Int { lock.lock(); defer { lock.unlock() }; return count }

    init() throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) == 0 && listen(sock, 16) == 0 && getsockname(sock, $0, &len) == 0 }
        }
        guard ok else { throw NSError(domain: "listener", code: Int(errno)) }
        fd = sock
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                lock.lock(); let go = running; lock.unlock()
                if !go { break }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 100) > 0 {
                    let c = accept(fd, nil, nil)
                    if c >= 0 {
                        lock.lock(); count += 1; lock.unlock()
                        close(c)
                    }
                }
            }
        }
    }

    func stop() { lock.lock(); running = false; lock.unlock(); usleep(150_000); close(fd) }
}
