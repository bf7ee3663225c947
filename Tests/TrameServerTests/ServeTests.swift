import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TrameGDAL
import TramePublish
import TrameSample
import TrameRaster
import TrameScheme
@testable import TrameServer
import TrameTestSupport
@testable import TrameUploads
import TrameVector
import XCTest

/// `trame serve` on the tiny sample scheme, through HummingbirdTesting, checked against GDAL's own
/// tools (ogr2ogr, ogrinfo with SpatiaLite, gdaltransform, gdallocationinfo) and hand-worked cases.
final class ServeTests: XCTestCase {
    nonisolated(unsafe) static var demo: String?

    /// The tiny sample territory and its scheme, made once for the class.
    static func sample() throws -> String {
        if let d = demo { return d }
        let dir = TestScratch.folder + "trame-serve"
        try? FileManager.default.removeItem(atPath: dir)
        try ServeTests.makeSample(in: dir)
        demo = dir
        return dir
    }

    /// The tiny sample territory and its scheme (scheme/) written into `dir`, as `trame demo --size tiny
    /// --lang en` writes them, through the same calls (TramePublish's SampleFiles and SchemeJob).
    static func makeSample(in dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let sample = try SampleFiles.write(size: .tiny, seed: 1, into: dir, progress: { _ in })
        let project = try ProjectFile.load(sample.projectPath)
        _ = try SchemeJob(project: project, out: dir + "/scheme", lang: "en").run()
    }

    struct Harness {
        var server: SchemeServer
        var scheme: String
        var app: Application<RouterResponder<ServeContext>>
    }

    static func harness(private isPrivate: Bool = false, demo: String? = nil, logger: Logger? = nil, lang: String = "en") throws -> Harness {
        let dir = try demo ?? ServeTests.sample()
        let scheme = dir + "/scheme"
        let loaded = try ServeSetup.load(folder: scheme)
        let p = loaded.project!
        let partners = TestScratch.folder + "trame-partners-\(UUID().uuidString)"
        let store = try PartnerStore(folder: partners, bcryptCost: 4)
        let settings = ServeSettings(lang: lang, isPrivate: isPrivate, subNetworks: p.subNetworks.map { ($0.name, $0.label, $0.colour) },
                                     inventories: p.inventories.map { InventoryEntry(name: $0.name, partner: $0.partner) },
                                     rerun: ServeSetup.rerun(project: p.file, folder: scheme))
        let server = SchemeServer(scheme: loaded.served, store: store, settings: settings)
        // Uploads are checked by the built `trame` (the test runner is not it).
        server.checker = UploadChecker(executable: TrameProcess.trame.path, scratch: partners + "/incoming")
        // Request lines only at warning level unless a test records them.
        var quiet = Logger(label: "trame.serve.test")
        quiet.logLevel = .warning
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger ?? quiet)
        return Harness(server: server, scheme: scheme, app: app)
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        let d = Data(buffer: r.body)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: d) as? [String: Any], "not a JSON object: \(String(decoding: d, as: UTF8.self).prefix(200))")
    }

    static func tool(_ name: String, _ args: [String]) throws -> String {
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/" + name), args)
        guard r.status == 0 else { throw NSError(domain: name, code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.err]) }
        return r.out
    }

    /// The data rows of what ogr2ogr writes as CSV (header dropped, quotes removed); `args` follow
    /// `ogr2ogr -f CSV /vsistdout/`.
    static func ogrRows(_ args: [String]) throws -> [[String]] {
        try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/"] + args).split(whereSeparator: \.isNewline).dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
    }

    /// lon/lat → Lambert-93 (or back) with gdaltransform, many points at once.
    static func gdaltransform(_ pts: [(Double, Double)], from: String, to: String) throws -> [(Double, Double)] {
        let input = NSTemporaryDirectory() + "pts-\(UUID().uuidString).txt"
        try pts.map { String(format: "%.10f %.10f", $0.0, $0.1) }.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let out = try tool("sh", ["-c", "gdaltransform -s_srs \(from) -t_srs \(to) < \(input)"])
        return out.split(separator: "\n").map { l in let v = l.split(separator: " ").map { Double($0)! }; return (v[0], v[1]) }
    }

    // MARK: Layers

    func testLayerBoxAgreesWithGDALSpatialFilter() async throws {
        let h = try ServeTests.harness()
        let gpkg = h.scheme + "/scheme.gpkg"
        for (layer, key) in [(SchemeLayer.corridors.name, "link"), (SchemeLayer.natureSpaces.name, "space"), (SchemeLayer.bufferZones.name, "zone")] {
            // A box of about 3 × 3 km around the middle of the layer's fifth feature.
            let l = try XCTUnwrap(h.server.scheme.site.layer(layer))
            let b = try XCTUnwrap(l.boxes[min(4, l.boxes.count - 1)])
            let cx = (b.west + b.east) / 2, cy = (b.south + b.north) / 2
            let box = [cx - 0.02, cy - 0.013, cx + 0.02, cy + 0.013]
            let gdal = Set(try ServeTests.ogrRows([gpkg, layer, "-spat_srs", "EPSG:4326", "-spat"] + box.map { String($0) } + ["-select", key]).map { $0[0] })
            try await h.app.test(.router) { client in
                let r = try await client.execute(uri: "/api/layers/\(layer)?bbox=\(box.map { String($0) }.joined(separator: ","))", method: .get)
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "application/geo+json")
                let fc = try ServeTests.json(r)
                let ours = Set((fc["features"] as! [[String: Any]]).map { "\(($0["properties"] as! [String: Any])[key]!)" })
                XCTAssertTrue(gdal.isSubset(of: ours), "\(layer): GDAL's \(gdal.subtracting(ours)) missing")
                // Ours are chosen by bounding box: a few more than GDAL's exact intersection at most.
                XCTAssertLessThanOrEqual(ours.count, gdal.count + max(3, gdal.count / 3), layer)
                XCTAssertFalse(gdal.isEmpty, "\(layer) has features in the box")
            }
        }
    }

    func testPointCoordinatesEqualOgr2ogrInWGS84() async throws {
        let h = try ServeTests.harness()
        var ref: [Int: (Double, Double)] = [:]
        for v in try ServeTests.ogrRows([h.scheme + "/scheme.gpkg", SchemeLayer.conflictPoints.name, "-t_srs", "EPSG:4326", "-lco", "GEOMETRY=AS_XY", "-select", "rank"]) {
            ref[Int(v[2])!] = (Double(v[0])!, Double(v[1])!)
        }
        XCTAssertFalse(ref.isEmpty)
        let reference = ref
        try await h.app.test(.router) { client in
            let fc = try ServeTests.json(try await client.execute(uri: "/api/layers/conflict_points", method: .get))
            let feats = fc["features"] as! [[String: Any]]
            XCTAssertEqual(feats.count, reference.count)
            for f in feats {
                let rank = (f["properties"] as! [String: Any])["rank"] as! Int
                let c = (f["geometry"] as! [String: Any])["coordinates"] as! [Double]
                XCTAssertEqual(c[0], reference[rank]!.0, accuracy: 1e-6); XCTAssertEqual(c[1], reference[rank]!.1, accuracy: 1e-6)
            }
        }
    }

    /// A French page names the sub-networks in French (the project's labels are English).
    func testSubNetworkLabelsInThePagesLanguage() async throws {
        for (lang, mining) in [("fr", "Sous-trame minière (terrils et cavaliers)"), ("en", "")] {
            let h = try ServeTests.harness(lang: lang)
            let label = h.server.settings.subNetworks.first { $0.name == "mining" }?.label
            try await h.app.test(.router) { client in
                let info = try ServeTests.json(try await client.execute(uri: "/api/layers", method: .get))
                let subs = try XCTUnwrap(info["subnetworks"] as? [[String: Any]])
                let got = subs.first { $0["name"] as? String == "mining" }?["label"] as? String
                XCTAssertEqual(got, lang == "fr" ? mining : label, lang)
            }
        }
    }

    /// The links' figures reach the API at full precision: every probability and dPC equals the GeoPackage's value
    /// as ogr2ogr reads it (15 significant digits), the small ones (1e-9) included, not rounded to 0.
    func testLinkFiguresKeepFullPrecision() async throws {
        let h = try ServeTests.harness()
        var ref: [String: (Double, Double)] = [:]
        for v in try ServeTests.ogrRows([h.scheme + "/scheme.gpkg", SchemeLayer.links.name, "-select", "subnetwork,link,probability,dPC"]) {
            ref[v[0] + "/" + v[1]] = (Double(v[2])!, Double(v[3])!)
        }
        XCTAssertTrue(ref.values.contains { $0.0 > 0 && $0.0 < 1e-4 }, "the sample has links of small probability")
        let reference = ref
        try await h.app.test(.router) { client in
            let fc = try ServeTests.json(try await client.execute(uri: "/api/layers/links", method: .get))
            let feats = fc["features"] as! [[String: Any]]
            XCTAssertEqual(feats.count, reference.count)
            for f in feats {
                let p = f["properties"] as! [String: Any]
                let key = "\(p["subnetwork"]!)/\(p["link"]!)"
                let (prob, dPC) = try XCTUnwrap(reference[key], key)
                let ours = ((p["probability"] as! NSNumber).doubleValue, (p["dPC"] as! NSNumber).doubleValue)
                XCTAssertEqual(ours.0, prob, accuracy: abs(prob) * 1e-13, key)
                XCTAssertEqual(ours.1, dPC, accuracy: abs(dPC) * 1e-13, key)
            }
        }
    }

    func testDouglasPeuckerByHand() {
        // A straight line collapses to its ends; a spike of 0.5 stays at tolerance 0.4, goes at 0.6.
        let straight = (0...10).map { Point(Double($0) * 0.1, 0) }
        XCTAssertEqual(Simplifier.line(straight, 0.01), [Point(0, 0), Point(1, 0)])
        let spike = [Point(0, 0), Point(1, 0), Point(2, 0.5), Point(3, 0), Point(4, 0)]
        XCTAssertEqual(Simplifier.line(spike, 0.4), [Point(0, 0), Point(2, 0.5), Point(4, 0)])
        XCTAssertEqual(Simplifier.line(spike, 0.6), [Point(0, 0), Point(4, 0)])
    }

    func testZoomLevelsOnlyDropVertices() async throws {
        let h = try ServeTests.harness()
        let l = h.server.scheme.site.layer(SchemeLayer.natureSpaces.name)!
        let full = l.features.compactMap(\.geometry).reduce(0) { $0 + $1.points.count }
        for z in [8, 12] {
            let simplified = l.features.indices.compactMap { l.geometry($0, zoom: z) }.reduce(0) { $0 + $1.points.count }
            XCTAssertLessThan(simplified, full, "zoom \(z) drops vertices")
            // Every kept vertex is an original one (Douglas–Peucker only removes).
            let originals = Set(l.features.compactMap(\.geometry).flatMap(\.points))
            for i in l.features.indices { for p in l.geometry(i, zoom: z)?.points ?? [] { XCTAssertTrue(originals.contains(p)) } }
        }
    }

    // MARK: Tiles

    func testTileColoursFollowTheRaster() async throws {
        let h = try ServeTests.harness()
        let site = h.server.scheme.site
        let raster = site.raster("nature_spaces")!
        let grid = try RasterIO.read(raster.path, as: UInt8.self)
        // The tile (zoom 15) over the territory's centre.
        let e = site.extent, z = 15, n = Double(1 << z)
        let lon = (e.west + e.east) / 2, lat = (e.south + e.north) / 2
        let tx = Int((lon + 180) / 360 * n), ty = Int((1 - asinh(tan(lat * .pi / 180)) / .pi) / 2 * n)
        try await h.app.test(.router) { client in
            let r = try await client.execute(uri: "/api/tiles/nature_spaces/\(z)/\(tx)/\(ty).png", method: .get)
            XCTAssertEqual(r.status, .ok)
            XCTAssertEqual(r.headers[.contentType], "image/png")
            let png = TestScratch.folder + "tile-\(UUID().uuidString).png"
            try Data(buffer: r.body).write(to: URL(fileURLWithPath: png))
            let alpha = try RasterIO.read(png, as: UInt8.self, band: 4), green = try RasterIO.read(png, as: UInt8.self, band: 2)
            XCTAssertEqual(alpha.spec.cols, 256)
            // Pixel centres → lon/lat (inverse Web Mercator) → Lambert-93 by gdaltransform → the raster's cell.
            var lonlat: [(Double, Double)] = []
            for py in stride(from: 2, to: 256, by: 8) { for px in stride(from: 2, to: 256, by: 8) {
                let gx = (Double(tx) + (Double(px) + 0.5) / 256) / n, gy = (Double(ty) + (Double(py) + 0.5) / 256) / n
                lonlat.append((gx * 360 - 180, atan(sinh(.pi * (1 - 2 * gy))) * 180 / .pi))
            } }
            let l93 = try ServeTests.gdaltransform(lonlat, from: "EPSG:4326", to: "EPSG:2154")
            var k = 0, wrong = 0, coloured = 0
            for py in stride(from: 2, to: 256, by: 8) { for px in stride(from: 2, to: 256, by: 8) {
                let (x, y) = l93[k]; k += 1
                let v = grid.spec.cell(x: x, y: y).map { grid.values[grid.spec.index(col: $0.col, row: $0.row)] } ?? 0
                let a = alpha.values[py * 256 + px], g = green.values[py * 256 + px]
                if v != 0 { coloured += 1 }
                let expected: (UInt8, UInt8) = v == 1 ? (200, 105) : v == 2 ? (200, 205) : (0, 0)
                if abs(Int(a) - Int(expected.0)) > 1 || (a > 0 && abs(Int(g) - Int(expected.1)) > 2) { wrong += 1 }
            } }
            XCTAssertGreaterThan(coloured, 0, "the tile shows nature spaces")
            XCTAssertLessThanOrEqual(wrong, 1024 / 50, "pixels off the raster's class (cell edges)")
        }
    }

    // MARK: Point query

    func testQueryNamesTheNatureSpaceTheRasterValuesAndTheNearestConflict() async throws {
        let h = try ServeTests.harness()
        let gpkg = h.scheme + "/scheme.gpkg"
        let rows = try ServeTests.ogrRows([gpkg, "-dialect", "SQLite", "-sql",
            // A cell centre (10 m cells from a round origin) next to a point on each of the largest spaces, kept when inside.
            """
            SELECT space, typology, x, y FROM (SELECT space, typology, geom, area_ha,
              CAST(ST_X(ST_PointOnSurface(geom)) / 10 AS INTEGER) * 10 + 5.0 AS x, CAST(ST_Y(ST_PointOnSurface(geom)) / 10 AS INTEGER) * 10 + 5.0 AS y
              FROM nature_spaces) WHERE ST_Intersects(geom, MakePoint(x, y, 2154)) ORDER BY area_ha DESC LIMIT 3
            """])
        let pts = rows.map { (Double($0[2])!, Double($0[3])!) }
        let ll = try ServeTests.gdaltransform(pts, from: "EPSG:2154", to: "EPSG:4326")
        let conflicts = try ServeTests.ogrRows([gpkg, SchemeLayer.conflictPoints.name, "-lco", "GEOMETRY=AS_XY", "-select", "rank"]).map { $0.map { Double($0)! } }
        try await h.app.test(.router) { client in
            for (k, row) in rows.enumerated() {
                let q = try ServeTests.json(try await client.execute(uri: String(format: "/api/query?lon=%.9f&lat=%.9f", ll[k].0, ll[k].1), method: .get))
                let spaces = q[SchemeLayer.natureSpaces.name] as! [[String: Any]]
                XCTAssertEqual(spaces.count, 1)
                XCTAssertEqual("\(spaces.first?["space"] ?? "")", row[0])
                XCTAssertEqual(spaces.first?["typology"] as? String, row[1])
                // Cost distance as gdallocationinfo reads it at the same point.
                for r in q["rasters"] as! [[String: Any]] where (r["kind"] as! String) == "cost_distance" {
                    let v = try ServeTests.tool("gdallocationinfo", ["-valonly", "-geoloc", h.scheme + "/rasters/\(r["raster"]!).tif",
                                                                     String(pts[k].0), String(pts[k].1)]).trimmingCharacters(in: .whitespacesAndNewlines)
                    if let ref = Double(v), ref >= 0 { XCTAssertEqual(r["value"] as! Double, ref, accuracy: 1e-3) } else { XCTAssertTrue(r["value"] is NSNull) }
                }
                // Nearest conflict point by brute force over ogr2ogr's coordinates.
                let best = conflicts.min { hypot($0[0] - pts[k].0, $0[1] - pts[k].1) < hypot($1[0] - pts[k].0, $1[1] - pts[k].1) }!
                let near = q["nearest_conflict_point"] as! [String: Any]
                XCTAssertEqual(near["rank"] as? Int, Int(best[2]))
                XCTAssertEqual(near["distance_m"] as! Double, hypot(best[0] - pts[k].0, best[1] - pts[k].1), accuracy: 1)
            }
        }
    }

    // MARK: Itineraries

    static func haversine(_ a: [Double], _ b: [Double]) -> Double {
        let r = 6_371_008.8, p1 = a[1] * .pi / 180, p2 = b[1] * .pi / 180, dp = p2 - p1, dl = (b[0] - a[0]) * .pi / 180
        let h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * r * asin(min(1, h.squareRoot()))
    }

    func testRoutesPreferGreenAndExportGPX() async throws {
        let h = try ServeTests.harness()
        let hubs = h.server.scheme.site.layer(SchemeLayer.leisureHubs.name)!.features.compactMap { f -> [Double]? in
            if case .point(let p)? = f.geometry { return [p.x, p.y] }; return nil
        }
        XCTAssertGreaterThanOrEqual(hubs.count, 2)
        let a = hubs[0], b = hubs[1]
        try await h.app.test(.router) { client in
            func route(_ green: Double) async throws -> [String: Any] {
                let r = try await client.execute(uri: "/api/route?from=\(a[0]),\(a[1])&to=\(b[0]),\(b[1])&mode=walk&green=\(green)", method: .get)
                XCTAssertEqual(r.status, .ok, String(buffer: r.body))
                return try ServeTests.json(r)
            }
            let plain = try await route(0), green = try await route(3)
            let l0 = plain["length_m"] as! Double, l3 = green["length_m"] as! Double
            XCTAssertLessThanOrEqual(l0, l3 + 1, "the shortest route is no longer than the green one")
            XCTAssertGreaterThanOrEqual(green["green_share"] as! Double, (plain["green_share"] as! Double) - 1e-9)
            let coords = (plain["geometry"] as! [String: Any])["coordinates"] as! [[Double]]
            let measured = zip(coords, coords.dropFirst()).reduce(0) { $0 + ServeTests.haversine($1.0, $1.1) }
            XCTAssertEqual(measured, l0, accuracy: l0 * 0.005, "length_m is the drawn line's length")
            XCTAssertGreaterThanOrEqual(l0, ServeTests.haversine(coords.first!, coords.last!) - 1)
            XCTAssertEqual(plain["minutes"] as! Double, l0 / 1000 / 4.5 * 60, accuracy: 0.06)

            // GPX read back by GDAL: one track with the route's vertices.
            let g = try await client.execute(uri: "/api/route?from=\(a[0]),\(a[1])&to=\(b[0]),\(b[1])&mode=walk&green=0&format=gpx", method: .get)
            XCTAssertEqual(g.headers[.contentType], "application/gpx+xml")
            let gpx = TestScratch.folder + "route-\(UUID().uuidString).gpx"
            try Data(buffer: g.body).write(to: URL(fileURLWithPath: gpx))
            let pts = try ServeTests.ogrRows([gpx, "track_points", "-lco", "GEOMETRY=AS_XY", "-select", "track_fid"]).map { $0.prefix(2).map { Double($0)! } }
            XCTAssertEqual(pts.count, coords.count)
            for (p, c) in zip(pts, coords) { XCTAssertEqual(p[0], c[0], accuracy: 2e-6); XCTAssertEqual(p[1], c[1], accuracy: 2e-6) }

            // Loops from the hubs: those found are within ±10 % and back where they began; those not found say why (422).
            var found = 0
            for hub in hubs { for target in [3000.0, 5000, 8000] {
                let lr = try await client.execute(uri: "/api/loop?start=\(hub[0]),\(hub[1])&length_m=\(target)&mode=walk", method: .get)
                let o = try ServeTests.json(lr)
                guard lr.status == .ok else { XCTAssertEqual(lr.status, .unprocessableContent); XCTAssertNotNil(o["error"]); continue }
                found += 1
                XCTAssertEqual(try XCTUnwrap(o["length_m"] as? Double), target, accuracy: target * 0.1)
                let lc = try XCTUnwrap((o["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])
                XCTAssertEqual(lc.first, lc.last)
            } }
            XCTAssertGreaterThan(found, 0, "some loop around the hubs")

            // A start given lat,lon (the sample lies near 2.8° E, 50.4° N; 50.4° E, 2.8° N is in the Indian
            // Ocean): refused, naming the swap, before any routing.
            let swapped = try await client.execute(uri: "/api/route?from=\(a[1]),\(a[0])&to=\(b[0]),\(b[1])&mode=walk", method: .get)
            XCTAssertEqual(swapped.status, .unprocessableContent)
            let e = try XCTUnwrap(try ServeTests.json(swapped)["error"] as? String)
            XCTAssertTrue(e.contains("the start \(a[1]),\(a[0]) lies outside the path network; swapped, \(a[0]),\(a[1]) lies inside it: give lon,lat"), e)
        }
    }

    // MARK: Bad input

    func testBadRequestsAnswerJSONErrors() async throws {
        let h = try ServeTests.harness()
        let cases: [(String, HTTPResponse.Status)] = [
            ("/api/layers/nature_spaces?bbox=1,2,3", .badRequest), ("/api/layers/nature_spaces?bbox=3,50,2,51", .badRequest),
            ("/api/layers/nature_spaces?bbox=a,b,c,d", .badRequest), ("/api/layers/nature_spaces?bbox=-200,0,1,1", .badRequest),
            ("/api/layers/nature_spaces?zoom=99", .badRequest), ("/api/layers/nature_spaces?zoom=x", .badRequest),
            ("/api/layers/scheme.gpkg", .notFound), ("/api/layers/..%2F..%2Fetc%2Fpasswd", .notFound), ("/api/layers/layer_styles", .notFound),
            ("/api/tiles/forest_resistance/23/0/0.png", .badRequest), ("/api/tiles/forest_resistance/2/4/0.png", .badRequest),
            ("/api/tiles/forest_resistance/2/-1/0.png", .badRequest), ("/api/tiles/forest_resistance/2/1/1.jpg", .badRequest),
            ("/api/tiles/landcover/2/1/1.png", .notFound), ("/api/tiles/..%2Fscheme/2/1/1.png", .notFound),
            ("/api/query?lon=200&lat=50", .badRequest), ("/api/query?lat=50", .badRequest), ("/api/query?lon=nan&lat=50", .badRequest),
            ("/api/route?from=2.8,50.4", .badRequest), ("/api/route?from=2.8&to=2.9,50.4", .badRequest),
            ("/api/route?from=2.8,50.4&to=2.9,50.4&mode=car", .badRequest), ("/api/route?from=2.8,50.4&to=2.9,50.4&green=-1", .badRequest),
            ("/api/route?from=10,10&to=10.1,10", .unprocessableContent), ("/api/loop?start=2.8,50.4&length_m=-5", .badRequest),
            ("/api/loop?start=2.8,50.4", .badRequest), ("/leaflet/..%2F..%2F..%2Fetc%2Fpasswd", .notFound), ("/scheme/scheme.gpkg", .notFound),
            ("/scheme/..%2Fproject.toml", .notFound), ("/api/inventories/nope/versions", .unauthorized), ("/api/nothing", .notFound),
            ("/../../etc/passwd", .notFound),
        ]
        try await h.app.test(.router) { client in
            for (uri, status) in cases {
                let r = try await client.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, status, uri)
                let o = try? ServeTests.json(r)
                XCTAssertNotNil(o?["error"] as? String, "\(uri) answers a JSON error")
            }
        }
    }

    // MARK: Page, assets, API document

    func testPageLeafletReportAndOpenAPI() async throws {
        let h = try ServeTests.harness()
        try await h.app.test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            XCTAssertEqual(page.status, .ok)
            let html = String(buffer: page.body)
            XCTAssertTrue(html.contains("/leaflet/leaflet.js") && html.contains("lang=\"en\""))
            XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no outside resource: the page works offline")
            let js = try await client.execute(uri: "/leaflet/leaflet.js", method: .get)
            XCTAssertEqual(js.status, .ok)
            XCTAssertEqual(Data(buffer: js.body), FileManager.default.contents(atPath: "/usr/share/javascript/leaflet/leaflet.js"))
            let rep = try await client.execute(uri: "/scheme/report.html", method: .get)
            XCTAssertEqual(rep.status, .ok)
            let layers = try ServeTests.json(try await client.execute(uri: "/api/layers", method: .get))
            let names = (layers["layers"] as! [[String: Any]]).map { $0["name"] as! String }
            for n in [SchemeLayer.natureSpaces, .corridors, .bufferZones, .conflictPoints, .leisureHubs, .itineraries, .pinchPoints].map(\.name) {
                XCTAssertTrue(names.contains(n), n)
            }
            let rasters = (layers["rasters"] as! [[String: Any]]).map { $0["kind"] as! String }
            for k in ["resistance", "cost_distance", "current"] { XCTAssertTrue(rasters.contains(k), k) }
            let figures = try ServeTests.json(try await client.execute(uri: "/api/figures", method: .get))
            let territory = (figures["rows"] as! [[String: Any]]).first { $0["level"] as? String == "territory" }!
            // The figures equal figures.csv's territory line.
            let ref = try ServeTests.tool("python3", ["-c", "import csv; print([r for r in csv.DictReader(open('\(h.scheme)/figures.csv')) if r['level'] == 'territory'][0]['nature_ha'])"])
            XCTAssertEqual(territory["nature_ha"] as! Double, try XCTUnwrap(Double(ref.trimmingCharacters(in: .whitespacesAndNewlines))), accuracy: 0.01)

            let doc = try ServeTests.json(try await client.execute(uri: "/api/openapi.json", method: .get))
            XCTAssertEqual((doc["openapi"] as? String)?.prefix(2), "3.")
            let paths = (doc["paths"] as! [String: Any]).keys
            for p in ["/api/layers", "/api/layers/{name}", "/api/tiles/{raster}/{z}/{x}/{y}.png", "/api/query", "/api/route", "/api/loop",
                      "/api/figures", "/api/login", "/api/logout", "/api/session", "/api/inventories", "/api/inventories/{name}/versions", "/api/runs"] {
                XCTAssertTrue(paths.contains(p), p)
            }
        }
    }
}

/// The page in a real browser: headless Chromium driven by Selenium (scripts/browser_test.py) against
/// a live server on a free port.
final class ServeBrowserTests: XCTestCase {
    func testPageInHeadlessChromium() async throws {
        let h = try ServeTests.harness()
        let gpkg = h.scheme + "/scheme.gpkg"
        let row = try ServeTests.ogrRows([gpkg, "-dialect", "SQLite", "-sql",
            "SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM nature_spaces ORDER BY area_ha DESC LIMIT 1"])[0].map { Double($0)! }
        let ll = try ServeTests.gdaltransform([(row[0], row[1])], from: "EPSG:2154", to: "EPSG:4326")[0]
        let shot = ProcessInfo.processInfo.environment["TRAME_SCREENSHOT"] ?? NSTemporaryDirectory() + "trame-browser.png"
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let script = root.appendingPathComponent("scripts/browser_test.py")
        try await h.app.test(.live) { client in
            let port = try XCTUnwrap(client.port)
            let args = [script.path, "http://127.0.0.1:\(port)/", String(ll.0), String(ll.1), shot]
            // Wait for the browser off the server's threads.
            let r = try await withCheckedThrowingContinuation { (k: CheckedContinuation<(status: Int32, out: String, err: String), Error>) in
                DispatchQueue.global().async { k.resume(with: Result { try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/python3"), args) }) }
            }
            XCTAssertEqual(r.status, 0, r.out + r.err)
            let summary = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
            XCTAssertGreaterThan(summary?["paths"] as? Int ?? 0, 20)
            XCTAssertTrue((summary?["route"] as? String ?? "").contains("km"))
            XCTAssertGreaterThanOrEqual((summary?["named_itineraries"] as? [String])?.count ?? 0, 5, "the named itineraries are listed")
            XCTAssertTrue(FileManager.default.fileExists(atPath: shot))
        }
    }
}

/// An installed `trame` finds the web page in its share folder, not in the build folder.
final class ServeInstallTests: XCTestCase {
    /// The built binary copied to DIR/bin: without DIR/share/trame it refuses to serve, naming where it
    /// looked; with the web files copied there (as the Debian package installs them) it serves the page.
    func testWebFilesAreFoundBesideAnInstalledBinary() throws {
        let root = NSTemporaryDirectory() + "trame-install-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try fm.copyItem(atPath: TrameProcess.trame.path, toPath: root + "/bin/trame")
        let scheme = try ServeTests.sample() + "/scheme"
        let exe = URL(fileURLWithPath: root + "/bin/trame")
        var r = try TrameProcess.run(exe, ["serve", scheme, "--port", "0"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("Web/index.html") && r.err.contains(root + "/share/trame"), r.err)
        // The share folder as package-deb.sh lays it out.
        let built = TrameProcess.trame.deletingLastPathComponent().appendingPathComponent("Trame_TrameServer.resources").path
        try fm.createDirectory(atPath: root + "/share/trame", withIntermediateDirectories: true)
        for sub in ["Web", "Passwords"] { try fm.copyItem(atPath: built + "/" + sub, toPath: root + "/share/trame/" + sub) }
        r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/timeout"), ["3", exe.path, "serve", scheme, "--port", "0", "--quiet"])
        XCTAssertEqual(r.status, 124, "still serving when stopped after 3 s: \(r.err)")
        XCTAssertFalse(r.err.contains("not found"), r.err)
    }
}
