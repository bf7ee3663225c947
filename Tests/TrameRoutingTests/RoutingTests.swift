import Foundation
import XCTest
import TrameGDAL
import TrameVector
@testable import TrameRouting

/// The itinerary engine: hand-made networks worked out in the comments, real OpenStreetMap extracts
/// checked against networkx, GPX read back by GDAL's GPX driver, access rules checked tag by tag.
final class RoutingTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures").standardized.path
    static let kotka = fixtures + "/data/osm/kotka-karhula.osm.pbf"
    static let helsinki = fixtures + "/data/osm/helsinki-centre.osm.pbf"
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-routing-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func p(_ n: String) -> String { (dir as NSString).appendingPathComponent(n) }

    var trame: URL {
        var u = Bundle(for: RoutingTests.self).bundleURL
        while !FileManager.default.fileExists(atPath: u.appendingPathComponent("trame").path) && u.path != "/" { u.deleteLastPathComponent() }
        return u.appendingPathComponent("trame")
    }

    @discardableResult
    func run(_ exe: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let proc = Process()
        proc.executableURL = exe.hasPrefix("/") ? URL(fileURLWithPath: exe) : (exe == "trame" ? trame : URL(fileURLWithPath: "/usr/bin/\(exe)"))
        proc.arguments = args
        let o = Pipe(), e = Pipe()
        proc.standardOutput = o; proc.standardError = e
        try proc.run()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        return (proc.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func json(_ s: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(s.utf8)) }

    /// Runs the networkx reference script with a Python that has networkx (the one on PATH, else Debian's).
    func networkx(_ args: [String]) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("networkx_reference.py").path
        for python in [["/usr/bin/env", "python3"], ["/usr/bin/python3"]] {
            guard try run(python[0], Array(python.dropFirst()) + ["-c", "import networkx"]).status == 0 else { continue }
            let r = try run(python[0], Array(python.dropFirst()) + [script] + args)
            XCTAssertEqual(r.status, 0, r.err)
            return r.out
        }
        XCTFail("no Python with networkx (apt-get install python3-networkx)")
        return "[]"
    }

    // MARK: Hand-made networks

    /// A square of four 100 m ways A(0,0)–B(100,0)–C(100,100)–D(0,100)–A, plus a diagonal footway A–C.
    /// Walking from near A (10, −3) to near C (97, 100): snapped onto AB at 10 m and onto CD at 3 m from C;
    /// the diagonal gives 10 + √2·100 + 3 = 154.42 m. Cycling may not use the footway: 90 + 100 + 3 = 193 m.
    func testSquareWithFootway() throws {
        let ways = [
            WayInput(points: [Point(0, 0), Point(100, 0)], tags: ["highway": "residential"], id: 1),
            WayInput(points: [Point(100, 0), Point(100, 100)], tags: ["highway": "residential"], id: 2),
            WayInput(points: [Point(100, 100), Point(0, 100)], tags: ["highway": "residential"], id: 3),
            WayInput(points: [Point(0, 100), Point(0, 0)], tags: ["highway": "residential"], id: 4),
            WayInput(points: [Point(0, 0), Point(100, 100)], tags: ["highway": "footway"], id: 5),
        ]
        let net = PathNetwork(ways: ways)
        XCTAssertEqual(net.nodes.count, 4); XCTAssertEqual(net.edgeCount, 5)
        let walk = try Router(network: net, mode: .walk), bike = try Router(network: net, mode: .bike)
        let s = try XCTUnwrap(walk.snap(Point(10, -3), maxDistance: 50)), t = try XCTUnwrap(walk.snap(Point(97, 100), maxDistance: 50))
        XCTAssertEqual(s.distance, 3, accuracy: 1e-9); XCTAssertEqual(s.point.x, 10, accuracy: 1e-9)
        XCTAssertEqual(try walk.route(from: s, to: t).length, 10 + 100 * 2.0.squareRoot() + 3, accuracy: 1e-9)
        let r = try bike.route(from: try XCTUnwrap(bike.snap(Point(10, -3), maxDistance: 50)), to: try XCTUnwrap(bike.snap(Point(97, 100), maxDistance: 50)))
        XCTAssertEqual(r.length, 193, accuracy: 1e-9)
        XCTAssertFalse(r.edges.contains(4), "no bike on the footway")
        XCTAssertEqual(r.line.first!.x, 10, accuracy: 1e-9); XCTAssertEqual(r.line.last!.x, 97, accuracy: 1e-9)
        XCTAssertNil(walk.snap(Point(500, 500), maxDistance: 100))
    }

    /// A one-way street B→A (oneway=-1 on A–B) forces a cyclist going A→B round the other three sides
    /// (300 m); a walker ignores it (100 m). Lines whose ends are 0.3 m apart join with a 0.5 m tolerance.
    func testOneWayAndSnappingTolerance() throws {
        let ways = [
            WayInput(points: [Point(0, 0), Point(100, 0)], tags: ["highway": "residential", "oneway": "-1"], id: 1),
            WayInput(points: [Point(100, 0.3), Point(100, 100)], tags: [:], id: 2),
            WayInput(points: [Point(100, 100), Point(0, 100)], tags: [:], id: 3),
            WayInput(points: [Point(0, 100), Point(0.2, 0.2)], tags: [:], id: 4),
        ]
        let apart = PathNetwork(ways: ways, tolerance: 0)
        XCTAssertEqual(apart.components(.walk).length.count, 2, "exact matching leaves two pieces")
        let net = PathNetwork(ways: ways, tolerance: 0.5)
        XCTAssertEqual(net.nodes.count, 4)
        let bike = try Router(network: net, mode: .bike), walk = try Router(network: net, mode: .walk)
        let a = try XCTUnwrap(bike.snap(Point(1, 0), maxDistance: 5)), b = try XCTUnwrap(bike.snap(Point(99, 0), maxDistance: 5))
        XCTAssertEqual(try walk.route(from: a, to: b).length, 98, accuracy: 1e-6)
        XCTAssertEqual(try bike.route(from: a, to: b).length, 302, accuracy: 1e-6)
        XCTAssertEqual(try bike.route(from: b, to: a).length, 98, accuracy: 1e-6)
    }

    /// Two lines crossing at (50, 50) without a shared vertex: apart they make 2 edges; joined at the
    /// crossing, 4 edges meet at one junction, and a walk from (0, 0) to (0, 100) takes 2 × 50√2 m.
    func testJoiningCrossings() throws {
        let ways = [WayInput(points: [Point(0, 0), Point(100, 100)], tags: [:], id: 1),
                    WayInput(points: [Point(0, 100), Point(100, 0)], tags: [:], id: 2)]
        XCTAssertEqual(PathNetwork(ways: ways).edgeCount, 2)
        let net = PathNetwork(ways: WayInput.nodingCrossings(ways))
        XCTAssertEqual(net.edgeCount, 4); XCTAssertEqual(net.nodes.count, 5)
        let r = try Router(network: net, mode: .walk)
        let route = try r.route(from: try XCTUnwrap(r.snap(Point(0, 0), maxDistance: 1)), to: try XCTUnwrap(r.snap(Point(0, 100), maxDistance: 1)))
        XCTAssertEqual(route.length, 100 * 2.0.squareRoot(), accuracy: 1e-9)
    }

    func testAccessTable() throws {
        let p = AccessProfile.standard
        XCTAssertTrue(p.access(["highway": "steps"], mode: .walk).forward)
        XCTAssertFalse(p.access(["highway": "steps"], mode: .bike).forward)
        XCTAssertFalse(p.access(["highway": "footway"], mode: .bike).forward)
        XCTAssertTrue(p.access(["highway": "footway", "bicycle": "yes"], mode: .bike).forward)
        XCTAssertFalse(p.access(["highway": "motorway", "foot": "yes"], mode: .walk).forward, "motorways never")
        XCTAssertFalse(p.access(["highway": "track", "access": "private"], mode: .walk).forward)
        XCTAssertTrue(p.access(["highway": "track", "access": "private", "foot": "yes"], mode: .walk).forward)
        XCTAssertTrue(p.access([:], mode: .bike).forward, "a planner's line is open to all")
        XCTAssertEqual(p.access(["highway": "residential", "oneway": "yes"], mode: .bike).backward, false)
        XCTAssertEqual(p.access(["highway": "residential", "oneway": "yes", "oneway:bicycle": "no"], mode: .bike).backward, true)
        XCTAssertEqual(p.access(["highway": "residential", "oneway": "yes"], mode: .walk).backward, true)
        XCTAssertEqual(parseOtherTags(#""foot"=>"yes","oneway:bicycle"=>"no""#), ["foot": "yes", "oneway:bicycle": "no"])
        XCTAssertThrowsError(try AccessProfile(table: "highway,footway,maybe,no"))
    }

    // MARK: Real OpenStreetMap data

    /// Routes on the Kotka extract's ways (exported by ogr2ogr to UTM, tags dropped so every line is open)
    /// equal networkx's shortest paths on the same lines to 0.1 %.
    func testRoutesMatchNetworkx() throws {
        let gj = p("kotka.geojson")
        XCTAssertEqual(try run("ogr2ogr", ["-f", "GeoJSON", "-t_srs", "EPSG:32635", "-select", "osm_id", "-where", "highway IS NOT NULL",
                                           gj, RoutingTests.kotka, "lines"]).status, 0)
        let pairs = try json(try networkx([gj, "pairs", "6"])) as! [[String: Any]]
        XCTAssertEqual(pairs.count, 6)
        for pair in pairs {
            let f = pair["from"] as! [Double], t = pair["to"] as! [Double], expected = pair["length"] as! Double
            let r = try run("trame", ["route", "--network", gj, "--snap", "0m", "--from", "\(f[0]),\(f[1])", "--to", "\(t[0]),\(t[1])", "--json"])
            XCTAssertEqual(r.status, 0, r.err)
            let got = (try json(r.out) as! [String: Any])["length_m"] as! Double
            XCTAssertEqual(got, expected, accuracy: max(0.001 * expected, 0.1), "route \(f) → \(t)")
        }
    }

    /// The hub network's total length equals networkx's minimum spanning tree over the shortest-path
    /// distances between the same hubs; a hub far from every way is listed as unreachable.
    func testHubNetworkMatchesNetworkxMST() throws {
        let gj = p("kotka.geojson")
        XCTAssertEqual(try run("ogr2ogr", ["-f", "GeoJSON", "-t_srs", "EPSG:32635", "-select", "osm_id", "-where", "highway IS NOT NULL",
                                           gj, RoutingTests.kotka, "lines"]).status, 0)
        let pairs = try json(try networkx([gj, "pairs", "4"])) as! [[String: Any]]
        var hubs = pairs.flatMap { [$0["from"] as! [Double], $0["to"] as! [Double]] }
        hubs = Array(Set(hubs.map { "\($0[0]),\($0[1])" })).sorted().map { $0.split(separator: ",").map { Double($0)! } }
        let ref = try json(try networkx([gj, "mst"] + hubs.map { "\($0[0]),\($0[1])" })) as! [String: Any]
        var features = hubs.enumerated().map { k, h in
            #"{"type":"Feature","properties":{"name":"hub \#(k)"},"geometry":{"type":"Point","coordinates":[\#(h[0]),\#(h[1])]}}"#
        }
        features.append(#"{"type":"Feature","properties":{"name":"far away"},"geometry":{"type":"Point","coordinates":[100000,6700000]}}"#)
        let hubsFile = p("hubs.geojson")
        try (#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32635"}},"features":["# + features.joined(separator: ",") + "]}")
            .write(toFile: hubsFile, atomically: true, encoding: .utf8)
        let r = try run("trame", ["hubs", "--network", gj, "--snap", "0m", "--hubs", hubsFile, "-o", p("itineraries.gpkg"), "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let out = try json(r.out) as! [String: Any]
        XCTAssertEqual(out["total_length_m"] as! Double, ref["total"] as! Double, accuracy: 0.001 * (ref["total"] as! Double))
        XCTAssertEqual((out["itineraries"] as! [Any]).count, ref["edges"] as! Int)
        XCTAssertEqual(out["unreachable"] as! [String], ["far away"])
        let layer = try VectorIO.read(p("itineraries.gpkg"))
        XCTAssertEqual(layer.features.count, ref["edges"] as! Int)
        XCTAssertTrue(layer.fields.contains { $0.name == "hub_a" } && layer.fields.contains { $0.name == "green_share" })
    }

    /// On central Helsinki (steps, footways, one-way streets), no bike route uses a way the access rules
    /// forbid, checked from the raw tags of every edge it takes; walking routes never take a foot=no way.
    func testRoutesNeverUseForbiddenWays() throws {
        let l = try VectorIO.read(RoutingTests.helsinki, layer: "lines", filter: "highway IS NOT NULL")
        let utm = try SpatialReference(epsg: 32635)
        let projected = try VectorIO.reproject(l, to: utm)
        var ways: [WayInput] = []
        for f in projected.features {
            var tags = parseOtherTags(f["other_tags"].stringValue ?? "")
            tags["highway"] = f["highway"].stringValue
            if case .lineString(let pts) = f.geometry { ways.append(WayInput(points: pts, tags: tags, id: ways.count)) }
        }
        let net = PathNetwork(ways: ways)
        XCTAssertTrue(net.tagSets.contains { $0["highway"] == "steps" }, "the extract has steps")
        for mode in TravelMode.allCases {
            let router = try Router(network: net, mode: mode)
            var lo = (x: Double.infinity, y: Double.infinity), hi = (x: -Double.infinity, y: -Double.infinity)
            for p in net.nodes { lo = (min(lo.x, p.x), min(lo.y, p.y)); hi = (max(hi.x, p.x), max(hi.y, p.y)) }
            var checked = 0
            for k in 0..<40 {
                let a = Point(lo.x + (hi.x - lo.x) * Double(k % 7) / 7, lo.y + (hi.y - lo.y) * Double(k % 5) / 5)
                let b = Point(hi.x - (hi.x - lo.x) * Double(k % 3) / 4, hi.y - (hi.y - lo.y) * Double(k % 4) / 5)
                guard let s = router.snap(a, maxDistance: 300), let t = router.snap(b, maxDistance: 300), let r = try? router.route(from: s, to: t) else { continue }
                checked += 1
                for e in r.edges {
                    let tags = net.tagSets[Int(net.edgeTags[e])]
                    let hw = tags["highway"] ?? ""
                    XCTAssertFalse(["motorway", "motorway_link", "trunk"].contains(hw))
                    if mode == .bike {
                        XCTAssertNotEqual(hw, "steps", "a bike route took steps")
                        XCTAssertNotEqual(tags["bicycle"], "no")
                        if ["footway", "pedestrian"].contains(hw) { XCTAssertTrue(["yes", "designated", "permissive"].contains(tags["bicycle"] ?? ""), "bike on a \(hw) without bicycle=yes") }
                    } else {
                        XCTAssertNotEqual(tags["foot"], "no")
                    }
                }
            }
            XCTAssertGreaterThan(checked, 10, "\(mode) routes found")
        }
    }

    /// Loops on the Kotka extract come within ±10 % of the length asked; the GPX track reads back through
    /// GDAL's GPX driver in WGS 84 and starts near the asked point.
    func testLoopsAndGPX() throws {
        for (length, seed) in [(3000, 1), (5000, 2), (8000, 3)] {
            let gpx = p("loop-\(length).gpx")
            let r = try run("trame", ["loop", "--network", RoutingTests.kotka, "--start", "26.950,60.530", "--length", "\(length)m",
                                      "--seed", "\(seed)", "-o", gpx, "--json"])
            XCTAssertEqual(r.status, 0, r.err)
            let got = (try json(r.out) as! [String: Any])["length_m"] as! Double
            XCTAssertEqual(got, Double(length), accuracy: 0.1 * Double(length), "loop of \(length) m")
            let text = try String(contentsOfFile: gpx, encoding: .utf8)
            XCTAssertTrue(text.contains("version=\"1.1\"") && text.contains("http://www.topografix.com/GPX/1/1"))
            let track = try VectorIO.read(gpx, layer: "tracks")
            guard case .multiLineString(let ls) = track.features.first?.geometry, let first = ls.first?.first, let last = ls.last?.last else {
                return XCTFail("no track in \(gpx)")
            }
            XCTAssertEqual(first.x, 26.950, accuracy: 0.003); XCTAssertEqual(first.y, 60.530, accuracy: 0.002)
            XCTAssertEqual(first.x, last.x, accuracy: 1e-9, "a loop ends where it starts")
        }
    }

    func testBadInputsGiveOneLine() throws {
        func fails(_ args: [String], _ words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
            let r = try run("trame", args)
            XCTAssertNotEqual(r.status, 0, file: file, line: line)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err, file: file, line: line)
            for w in words { XCTAssertTrue(r.err.contains(w), "'\(w)' not in \(r.err)", file: file, line: line) }
        }
        let k = RoutingTests.kotka
        try fails(["route", "--network", k, "--from", "27.5,60.53", "--to", "26.95,60.53"], ["start", "farther than 500 m"])
        try fails(["loop", "--network", k, "--start", "26.95,60.53", "--length", "100m"], ["too short"])
        try "this is not a PBF".write(toFile: p("corrupt.osm.pbf"), atomically: true, encoding: .utf8)
        try fails(["route", "--network", p("corrupt.osm.pbf"), "--from", "0,0", "--to", "1,1"], ["corrupt.osm.pbf"])
        let mw = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[{"type":"Feature","properties":{"highway":"motorway"},"geometry":{"type":"LineString","coordinates":[[0,0],[1000,0]]}}]}"#
        try mw.write(toFile: p("motorway.geojson"), atomically: true, encoding: .utf8)
        try fails(["route", "--network", p("motorway.geojson"), "--from", "0,0", "--to", "1000,0"], ["motorway.geojson", "no way a walker may use"])
        // Two separate pieces: no route between them.
        let two = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[100,0]]}},{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[500,0],[600,0]]}}]}"#
        try two.write(toFile: p("two.geojson"), atomically: true, encoding: .utf8)
        try fails(["route", "--network", p("two.geojson"), "--from", "0,0", "--to", "600,0"], ["no route"])
    }

    /// Writes Lambert-93 lines as a GeoJSON layer.
    func writeLines(_ lines: [[(Int, Int)]], _ name: String) throws -> String {
        let features = lines.map { pts in
            #"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":["# + pts.map { "[\($0.0),\($0.1)]" }.joined(separator: ",") + "]}}"
        }
        let path = p(name)
        try (#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":["# + features.joined(separator: ",") + "]}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A ladder of ways 5 km long and 200 m wide in Lambert-93: rails along y = 7,000,000 and 7,000,200
    /// from x = 700,000 to 705,000, rungs every 500 m. Its longest round trip that does not go back on
    /// itself is its outline, 2 × 5000 + 2 × 200 = 10,400 m, short of the 10,800 m (12 km − 10 %) a 12 km
    /// loop needs. Asked for 12 km from the middle of the lower rail, given in lon,lat, `loop` places the
    /// loop's corners 12 km / 3 / 1.35 = 2.96 km from the start (3 km at 0.1 km), off the ladder, and says
    /// so in km, from the start as written (not in projected metres); asked 12000 m, in metres (2963 m).
    /// Given as lat,lon, the start falls thousands of km from the ladder while its swap falls on it: said so.
    func testLoopTooLongAndSwappedCoordinatesAreSaidInTheUsersWords() throws {
        let xs = stride(from: 700_000, through: 705_000, by: 500).map { $0 }
        let ladder = try writeLines([xs.map { ($0, 7_000_000) }, xs.map { ($0, 7_000_200) }] + xs.map { [($0, 7_000_000), ($0, 7_000_200)] }, "ladder.geojson")
        let start = try CoordinateTransformer(from: try SpatialReference(epsg: 2154), to: try SpatialReference(epsg: 4326)).transform(Point(702_500, 7_000_000))
        let lonLat = String(format: "%.6f,%.6f", start.x, start.y), latLon = String(format: "%.6f,%.6f", start.y, start.x)

        var r = try run("trame", ["loop", "--network", ladder, "--crs", "EPSG:4326", "--start", lonLat, "--length", "12km"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        for w in ["ladder.geojson", "no round trip of 12 km", "from \(lonLat)", "its corners, about 3 km from the start", "fall off the network", "shorter --length"] {
            XCTAssertTrue(r.err.contains(w), "'\(w)' not in \(r.err)")
        }
        XCTAssertFalse(r.err.contains("too short") || r.err.contains("702500") || r.err.contains("7000000"), r.err)
        r = try run("trame", ["loop", "--network", ladder, "--crs", "EPSG:4326", "--start", lonLat, "--length", "12000m"])
        XCTAssertTrue(r.err.contains("no round trip of 12000 m") && r.err.contains("about 2963 m from the start"), r.err)

        // lat,lon: refused before any routing, naming both orders.
        r = try run("trame", ["loop", "--network", ladder, "--crs", "EPSG:4326", "--start", latLon, "--length", "3km"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        for w in ["start \(latLon) lies outside the network", "swapped, \(lonLat) lies inside it", "give lon,lat"] {
            XCTAssertTrue(r.err.contains(w), "'\(w)' not in \(r.err)")
        }
        // On an OSM extract, whose points are lon,lat: Kotka lies at 26.95° E, 60.53° N; 60.53° E, 26.95° N is in Oman.
        r = try run("trame", ["route", "--network", RoutingTests.kotka, "--from", "60.530,26.950", "--to", "26.955,60.531"])
        XCTAssertNotEqual(r.status, 0)
        for w in ["start 60.530,26.950 lies outside the network", "swapped, 26.950,60.530 lies inside it", "give lon,lat"] {
            XCTAssertTrue(r.err.contains(w), "'\(w)' not in \(r.err)")
        }
    }

    /// A 5 km × 5 km grid of ways every 500 m: asked for 16 km from its middle, the loops found are shorter
    /// (their corners, 16 / 4.05 = 3.95 km out, are pulled back onto the 2.5 km the grid spans each way):
    /// the message says 16 km is too long, with the nearest loop found, which must then lie below the
    /// 14.4 km (16 km − 10 %) a loop would need, and asks for a shorter --length of about that (with
    /// --seed 1 the nearest is 14.39 km, shown 14.4 km; with --seed 2, 13.2 km).
    func testLoopLongerThanTheNetworkIsSaidTooLong() throws {
        let xs = stride(from: 700_000, through: 705_000, by: 500).map { $0 }, ys = stride(from: 7_000_000, through: 7_005_000, by: 500).map { $0 }
        let grid = try writeLines(ys.map { y in xs.map { ($0, y) } } + xs.map { x in ys.map { (x, $0) } }, "grid.geojson")
        let r = try run("trame", ["loop", "--network", grid, "--start", "702500,7002500", "--length", "16km", "--seed", "2"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        let words = "16 km is too long for the network there, the nearest loop found is "
        guard let at = r.err.range(of: words) else { return XCTFail(r.err) }
        let shown = String(r.err[at.upperBound...].prefix { $0.isNumber || $0 == "." })
        // Shown to 0.1 km: a loop just under 14.4 km would read 14.4.
        XCTAssertLessThanOrEqual(try XCTUnwrap(Double(shown), r.err), 14.4, r.err)
        XCTAssertTrue(r.err.contains("\(words)\(shown) km; ask for a shorter --length (about \(shown) km)"), r.err)
    }
}
