import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TramePublish
import TrameScheme
@testable import TrameServer
import TrameTestSupport
import XCTest

/// Sign-in, roles, uploads of revised inventories and re-runs, through HummingbirdTesting.
final class ServeAccountTests: XCTestCase {
    typealias Client = any TestClientProtocol

    static func login(_ c: Client, _ name: String, _ password: String) async throws -> (HTTPResponse.Status, String?, String?) {
        let body = ByteBuffer(string: "{\"name\":\"\(name)\",\"password\":\"\(password)\"}")
        let r = try await c.execute(uri: "/api/login", method: .post, headers: [.contentType: "application/json"], body: body)
        let setCookie = r.headers[.setCookie]
        let token = setCookie?.split(separator: ";").first.map { String($0) }
        return (r.status, token, setCookie)
    }

    static func upload(_ c: Client, _ inventory: String, _ data: Data, cookie: String?, filename: String = "revised.geojson") async throws -> TestResponse {
        var h: HTTPFields = [.contentType: "application/octet-stream"]
        if let cookie { h[.cookie] = cookie }
        let inv = inventory.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return try await c.execute(uri: "/api/inventories/\(inv)/versions?filename=\(filename)", method: .post, headers: h, body: ByteBuffer(bytes: data))
    }

    /// Polls /api/runs until the latest re-run is no longer running (up to 20 min: a loaded 2-core
    /// machine) and returns its status; a failed run's message fails the test.
    static func finishedRun(_ c: Client, cookie admin: String?) async throws -> String {
        var status = "running"
        for _ in 0..<2400 where status == "running" {
            try await Task.sleep(nanoseconds: 500_000_000)
            let runs = try ServeTests.json(try await ServeAccountTests.get(c, "/api/runs", cookie: admin))["runs"] as! [[String: Any]]
            status = runs.first?["status"] as? String ?? "?"
            if status == "failed" { XCTFail("\(runs.first!["message"]!)") }
        }
        return status
    }

    static func get(_ c: Client, _ uri: String, cookie: String?) async throws -> TestResponse {
        try await c.execute(uri: uri, method: .get, headers: cookie.map { [.cookie: $0] } ?? [:])
    }

    /// A GeoJSON polygon layer (WGS 84) around a point, with the given properties.
    static func geojson(_ lon: Double, _ lat: Double, size: Double = 0.002, properties: String = "\"name\": \"Marais revised\"", ring: [[Double]]? = nil) -> Data {
        let r = ring ?? [[lon - size, lat - size], [lon + size, lat - size], [lon + size, lat + size], [lon - size, lat + size], [lon - size, lat - size]]
        let coords = r.map { "[\($0[0]), \($0[1])]" }.joined(separator: ", ")
        return Data("""
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {\(properties)},
         "geometry": {"type": "Polygon", "coordinates": [[\(coords)]]}}]}
        """.utf8)
    }

    func testRolesUploadsAndVersions() async throws {
        let log = LogRecorder()
        var logger = Logger(label: "test") { _ in log }
        logger.logLevel = .trace
        let h = try ServeTests.harness(logger: logger)
        let store = h.server.store
        let inventories = h.server.settings.inventories
        let own = inventories[0], other = inventories[1]
        try store.addAccount(name: "admin", partner: "Agence", role: .admin, password: "kestrel-orchard-41")
        try store.addAccount(name: "alice", partner: own.partner, role: .partner, password: "heron-meadow-27")
        try store.addAccount(name: "bob", partner: other.partner, role: .partner, password: "bittern-reed-33")
        try store.addAccount(name: "victor", partner: "Public", role: .viewer, password: "plover-dune-58")
        XCTAssertThrowsError(try store.addAccount(name: "alice", partner: "x", role: .viewer, password: "whatever-long-1"))
        XCTAssertThrowsError(try store.addAccount(name: "short", partner: "x", role: .viewer, password: "short"))
        // Stored as bcrypt, never in clear.
        XCTAssertTrue(try store.accounts().allSatisfy { $0.passwordHash.hasPrefix("$2") && !$0.passwordHash.contains("pass") })
        let e = h.server.scheme.site.extent
        let lon = (e.west + e.east) / 2, lat = (e.south + e.north) / 2

        try await h.app.test(.router) { c in
            let (bad, _, _) = try await ServeAccountTests.login(c, "alice", "wrong-password")
            XCTAssertEqual(bad, .unauthorized)
            let (ok, alice, setCookie) = try await ServeAccountTests.login(c, "alice", "heron-meadow-27")
            XCTAssertEqual(ok, .ok)
            XCTAssertTrue(setCookie!.contains("HttpOnly") && setCookie!.contains("SameSite=Strict"), setCookie!)
            let (_, bob, _) = try await ServeAccountTests.login(c, "bob", "bittern-reed-33")
            let (_, victor, _) = try await ServeAccountTests.login(c, "victor", "plover-dune-58")
            let (_, admin, _) = try await ServeAccountTests.login(c, "admin", "kestrel-orchard-41")
            let session = try ServeTests.json(try await ServeAccountTests.get(c, "/api/session", cookie: alice))
            XCTAssertEqual((session["account"] as? [String: Any])?["name"] as? String, "alice")

            let good = ServeAccountTests.geojson(lon, lat)
            var r = try await ServeAccountTests.upload(c, own.name, good, cookie: nil)
            XCTAssertEqual(r.status, .unauthorized)
            r = try await ServeAccountTests.upload(c, own.name, good, cookie: victor)
            XCTAssertEqual(r.status, .forbidden)
            r = try await ServeAccountTests.upload(c, own.name, good, cookie: bob)
            XCTAssertEqual(r.status, .forbidden, "a partner cannot write another partner's inventory")
            r = try await ServeAccountTests.upload(c, own.name, Data("just some text".utf8), cookie: alice, filename: "notes.txt")
            XCTAssertEqual(r.status, .unsupportedMediaType)
            // A bow-tie (self-intersecting ring), a layer without 'name', a site far away, garbage GeoJSON, a corrupt GeoPackage.
            let bowtie = ServeAccountTests.geojson(lon, lat, ring: [[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]])
            for (data, why) in [(bowtie, "invalid"), (ServeAccountTests.geojson(lon, lat, properties: "\"label\": \"x\""), "'name'"),
                                (ServeAccountTests.geojson(-70, -30), "outside"), (Data("{\"type\": \"Feat".utf8), "cannot be read"),
                                (Data("SQLite format 3\u{0}garbage".utf8), "cannot be read")] {
                r = try await ServeAccountTests.upload(c, own.name, data, cookie: alice)
                XCTAssertEqual(r.status, .unprocessableContent, why)
                XCTAssertTrue((try ServeTests.json(r)["error"] as? String ?? "").contains(why), "\(why): \(String(buffer: r.body))")
            }
            XCTAssertEqual(try store.uploads().count, 0, "a malformed upload changes nothing")
            // Too large: refused before it is read whole.
            r = try await ServeAccountTests.upload(c, own.name, Data(count: SchemeServer.maxUploadBytes + 1), cookie: alice)
            XCTAssertEqual(r.status, .contentTooLarge)

            // Two good versions, a GeoJSON and a zipped Shapefile: both kept, nothing overwritten.
            r = try await ServeAccountTests.upload(c, own.name, good, cookie: alice)
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            let zip = try ServeAccountTests.zippedShapefile(from: good)
            r = try await ServeAccountTests.upload(c, own.name, zip, cookie: alice, filename: "revised.zip")
            XCTAssertEqual(r.status, .created, String(buffer: r.body))
            let versions = try store.uploads(inventory: own.name)
            XCTAssertEqual(versions.count, 2)
            XCTAssertEqual(Set(versions.map(\.account)), ["alice"])
            let first = versions.last!
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: first.file)), good)
            XCTAssertEqual(first.sha256, try ServeTests.tool("sha256sum", [first.file]).split(separator: " ").first.map(String.init))
            XCTAssertNotEqual(versions[0].file, versions[1].file)

            r = try await ServeAccountTests.get(c, "/api/inventories/\(own.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/versions", cookie: bob)
            XCTAssertEqual(r.status, .forbidden)
            r = try await ServeAccountTests.get(c, "/api/inventories/\(own.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/versions", cookie: admin)
            XCTAssertEqual((try ServeTests.json(r)["versions"] as! [Any]).count, 2)
            r = try await ServeAccountTests.get(c, "/api/runs", cookie: alice)
            XCTAssertEqual(r.status, .forbidden, "only admins see and start re-runs")

            // Signing out ends the session.
            _ = try await c.execute(uri: "/api/logout", method: .post, headers: [.cookie: alice!])
            let after = try ServeTests.json(try await ServeAccountTests.get(c, "/api/session", cookie: alice))
            XCTAssertTrue(after["account"] is NSNull)
            r = try await ServeAccountTests.upload(c, own.name, good, cookie: alice)
            XCTAssertEqual(r.status, .unauthorized)
        }
        // A run left "running" by a stopped server is marked failed when the next one starts.
        let stale = try store.startRun(account: "admin", uploads: [1])
        try store.abandonUnfinishedRuns()
        XCTAssertEqual(try store.runs().first { $0.id == stale.id }?.status, "failed")
        // Requests were logged, never a password or a session token.
        let lines = log.lines
        XCTAssertTrue(lines.contains { $0.contains("POST /api/login 200") }, "\(lines.prefix(5))")
        XCTAssertTrue(lines.contains { $0.contains("/versions 403") })
        for secret in ["heron-meadow-27", "bittern-reed-33", "kestrel-orchard-41", "plover-dune-58", "wrong-password", "trame_session="] {
            XCTAssertFalse(lines.contains { $0.contains(secret) }, secret)
        }
    }

    /// The same layer as a zipped Shapefile, written by ogr2ogr and zipped by Python.
    static func zippedShapefile(from geojson: Data) throws -> Data {
        let dir = TestScratch.folder + "shp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try geojson.write(to: URL(fileURLWithPath: dir + "/in.geojson"))
        _ = try ServeTests.tool("ogr2ogr", ["-f", "ESRI Shapefile", dir + "/sites.shp", dir + "/in.geojson"])
        _ = try ServeTests.tool("python3", ["-c", """
            import zipfile, glob, os
            with zipfile.ZipFile('\(dir)/sites.zip', 'w') as z:
                for f in glob.glob('\(dir)/sites.*'):
                    if not f.endswith('.zip'): z.write(f, os.path.basename(f))
            """])
        return try Data(contentsOf: URL(fileURLWithPath: dir + "/sites.zip"))
    }

    /// `trame users` as an admin types it (password on stdin), then a sign-in with it.
    func testUsersCommand() async throws {
        let dir = TestScratch.folder + "trame-users-\(UUID().uuidString)"
        let trame = TrameProcess.trame
        var r = try TrameProcess.run(trame, ["users", "add", "alice", "--partner", "DREAL Hauts-de-France", "--role", "partner", "--partners", dir],
                                     input: "correct horse battery\n")
        XCTAssertEqual(r.status, 0, r.err)
        r = try TrameProcess.run(trame, ["users", "add", "alice", "--partner", "x", "--role", "viewer", "--partners", dir], input: "another password\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("already exists"), r.err)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1)
        r = try TrameProcess.run(trame, ["users", "add", "bob", "--partner", "x", "--role", "boss", "--partners", dir], input: "whatever-pass\n")
        XCTAssertNotEqual(r.status, 0)
        r = try TrameProcess.run(trame, ["users", "list", "--partners", dir])
        XCTAssertTrue(r.out.contains("alice\tpartner\tDREAL Hauts-de-France"), r.out)
        let store = try PartnerStore(folder: dir)
        let signedIn = try await store.authenticate(name: "alice", password: "correct horse battery")
        XCTAssertNotNil(signedIn)
        let wrong = try await store.authenticate(name: "alice", password: "correct horse")
        XCTAssertNil(wrong)
        r = try TrameProcess.run(trame, ["users", "remove", "alice", "--partners", dir])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(try store.accounts().isEmpty)
    }

    func testPrivateSchemeNeedsSignIn() async throws {
        let h = try ServeTests.harness(private: true)
        try h.server.store.addAccount(name: "victor", partner: "Public", role: .viewer, password: "plover-dune-58")
        try await h.app.test(.router) { c in
            for uri in ["/api/layers", "/api/layers/nature_spaces", "/api/tiles/forest_resistance/10/520/345.png", "/api/query?lon=2.8&lat=50.4",
                        "/api/figures", "/api/route?from=2.8,50.4&to=2.81,50.4", "/api/loop?start=2.8,50.4&length_m=3000", "/scheme/report.html",
                        "/api/inventories"] {
                let r = try await c.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, .unauthorized, uri)
            }
            let (_, victor, _) = try await ServeAccountTests.login(c, "victor", "plover-dune-58")
            let r = try await ServeAccountTests.get(c, "/api/layers", cookie: victor)
            XCTAssertEqual(r.status, .ok)
            let forged = try await ServeAccountTests.get(c, "/api/layers", cookie: "trame_session=" + String(repeating: "ab", count: 32))
            XCTAssertEqual(forged.status, .unauthorized)
        }
    }

    /// The re-run tests' case: the tiny demo served, a point (lon, lat) on its largest nature space of mixed
    /// vocation (SpatiaLite through ogr2ogr, then gdaltransform), and that space's polygon written as a
    /// partner's revised Natura 2000 layer (GeoJSON in WGS 84).
    static func revisedSiteCase() throws -> (h: ServeTests.Harness, gpkg: String, inv: InventoryEntry, ll: (Double, Double), revised: String) {
        let dir = TestScratch.folder + "trame-rerun-\(UUID().uuidString)"
        try ServeTests.makeSample(in: dir)
        let h = try ServeTests.harness(demo: dir)
        let gpkg = h.scheme + "/scheme.gpkg"
        let inv = h.server.settings.inventories.first { $0.name == "Natura 2000" }!
        let row = try ServeTests.ogrRows([gpkg, "-dialect", "SQLite", "-sql",
            "SELECT space, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM nature_spaces WHERE typology = 'mixed_vocation' ORDER BY area_ha DESC LIMIT 1"])[0]
        let ll = try ServeTests.gdaltransform([(Double(row[1])!, Double(row[2])!)], from: "EPSG:2154", to: "EPSG:4326")[0]
        let revised = TestScratch.folder + "revised-\(UUID().uuidString).geojson"
        _ = try ServeTests.tool("ogr2ogr", ["-f", "GeoJSON", "-t_srs", "EPSG:4326", revised, gpkg, "-dialect", "SQLite", "-sql",
                                           "SELECT ST_Buffer(geom, 0) AS geom, 'Revised site' AS name FROM nature_spaces WHERE space = \(row[0])"])
        return (h, gpkg, inv, (ll.0, ll.1), revised)
    }

    /// An admin re-runs the scheme with a partner's revision of an inventory: the site the partner
    /// drew over a nature space of mixed vocation raises it to major ecological interest.
    func testRerunWithARevisedInventory() async throws {
        let (h, gpkg, inv, ll, revised) = try ServeAccountTests.revisedSiteCase()
        try h.server.store.addAccount(name: "admin", partner: "Agence", role: .admin, password: "kestrel-orchard-41")
        try h.server.store.addAccount(name: "dreal", partner: inv.partner, role: .partner, password: "curlew-marsh-62")
        try await h.app.test(.router) { c in
            let (_, admin, _) = try await ServeAccountTests.login(c, "admin", "kestrel-orchard-41")
            let (_, dreal, _) = try await ServeAccountTests.login(c, "dreal", "curlew-marsh-62")
            let before = try ServeTests.json(try await ServeAccountTests.get(c, String(format: "/api/query?lon=%.9f&lat=%.9f", ll.0, ll.1), cookie: nil))
            XCTAssertEqual((before[SchemeLayer.natureSpaces.name] as! [[String: Any]]).first?["typology"] as? String, "mixed_vocation")
            let up = try await ServeAccountTests.upload(c, inv.name, try Data(contentsOf: URL(fileURLWithPath: revised)), cookie: dreal)
            XCTAssertEqual(up.status, .created, String(buffer: up.body))
            let id = try XCTUnwrap(((try ServeTests.json(up))["version"] as? [String: Any])?["id"] as? Int)
            var r = try await c.execute(uri: "/api/runs", method: .post, headers: [.cookie: dreal!, .contentType: "application/json"],
                                        body: ByteBuffer(string: "{\"uploads\": [\(id)]}"))
            XCTAssertEqual(r.status, .forbidden)
            r = try await c.execute(uri: "/api/runs", method: .post, headers: [.cookie: admin!, .contentType: "application/json"],
                                    body: ByteBuffer(string: "{\"uploads\": [\(id)]}"))
            XCTAssertEqual(r.status, .accepted, String(buffer: r.body))
            let status = try await ServeAccountTests.finishedRun(c, cookie: admin)
            XCTAssertEqual(status, "done")
            let after = try ServeTests.json(try await ServeAccountTests.get(c, String(format: "/api/query?lon=%.9f&lat=%.9f", ll.0, ll.1), cookie: nil))
            let space = (after[SchemeLayer.natureSpaces.name] as! [[String: Any]]).first
            XCTAssertEqual(space?["typology"] as? String, "major_interest")
            XCTAssertTrue((space?["inventories"] as? String ?? "").contains("Natura 2000"))
        }
        // The re-run recorded the uploaded file among its inputs.
        let meta = try ServeTests.tool("ogrinfo", ["-ro", "-so", "-q", gpkg, SchemeLayer.natureSpaces.name])
        XCTAssertTrue(meta.contains("uploads/"), "the version used is among the run's inputs")
    }
}

/// Keeps every log line (message and metadata) for the test to read.
/// Records log lines. Hummingbird's test client sets metadata on the request logger from several tasks at
/// once, and a class handler is shared by every copy of the Logger: everything it keeps is behind the lock.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    private var storedMetadata: Logger.Metadata = [:]
    private var level: Logger.Level = .trace
    var metadata: Logger.Metadata {
        get { lock.withLock { storedMetadata } }
        set { lock.withLock { storedMetadata = newValue } }
    }
    var logLevel: Logger.Level {
        get { lock.withLock { level } }
        set { lock.withLock { level = newValue } }
    }
    var lines: [String] { lock.withLock { stored } }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { lock.withLock { storedMetadata[key] } }
        set { lock.withLock { storedMetadata[key] = newValue } }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        lock.withLock {
            let all = storedMetadata.merging(extra ?? [:]) { $1 }
            stored.append("\(message) \(all)")
        }
    }
}
