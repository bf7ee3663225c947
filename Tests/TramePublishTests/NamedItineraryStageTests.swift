import Foundation
import XCTest
import TramePublish
import TrameRouting
import TrameScheme
import TrameVector

/// Named itineraries on a hand-made network: a course from waypoints is the shortest route through them
/// (networkx computes it in the test), a waypoint the network does not join leaves a straight gap, and the
/// exact line clipping agrees with lengths worked by hand; GPX file names are safe.
final class NamedItineraryStageTests: XCTestCase {
    /// A 7 × 7 grid of junctions 100 m apart, jittered; every line bent at a jittered middle vertex; the
    /// first row and column always present (the grid stays connected), other lines kept two times in three.
    func grid() -> (lines: [[Point]], nodes: [Point]) {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func rnd() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
        let n = 7
        var nodes: [Point] = []
        for r in 0..<n { for c in 0..<n { nodes.append(Point(1000 + 100 * Double(c) + (rnd() - 0.5) * 30, 2000 + 100 * Double(r) + (rnd() - 0.5) * 30)) } }
        var lines: [[Point]] = []
        func add(_ a: Int, _ b: Int) {
            let p = nodes[a], q = nodes[b]
            lines.append([p, Point((p.x + q.x) / 2 + (rnd() - 0.5) * 40, (p.y + q.y) / 2 + (rnd() - 0.5) * 40), q])
        }
        for r in 0..<n { for c in 0..<n {
            let k = r * n + c
            if c + 1 < n, r == 0 || rnd() < 0.67 { add(k, k + 1) }
            if r + 1 < n, c == 0 || rnd() < 0.67 { add(k, k + n) }
        } }
        return (lines, nodes)
    }

    func networkxLength(_ lines: [[Point]], stops: [Point]) throws -> Double {
        let data: [String: Any] = ["lines": lines.map { $0.map { [$0.x, $0.y] } }, "stops": stops.map { [$0.x, $0.y] }]
        let file = NSTemporaryDirectory() + "trame-nx-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: data).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let script = """
        import json, math, sys, networkx as nx
        d = json.load(open(sys.argv[1]))
        g = nx.Graph()
        for l in d["lines"]:
            w = sum(math.dist(l[k - 1], l[k]) for k in range(1, len(l)))
            a, b = tuple(l[0]), tuple(l[-1])
            if not g.has_edge(a, b) or g[a][b]["weight"] > w: g.add_edge(a, b, weight=w)
        s = [tuple(p) for p in d["stops"]]
        print(repr(sum(nx.shortest_path_length(g, s[k - 1], s[k], weight="weight") for k in range(1, len(s)))))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, file]
        let out = Pipe()
        p.standardOutput = out
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return try XCTUnwrap(Double(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func context(_ network: PathNetwork) -> NamedItineraryStage.Context {
        NamedItineraryStage.Context(router: { try Router(network: network, mode: $0) }, green: nil, spaces: [], hubs: [], roads: [], corridors: [],
                                    serveDistance: 300, maxSnap: 50)
    }

    func testWaypointsFollowTheShortestRouteThroughThem() throws {
        let (lines, nodes) = grid()
        let network = PathNetwork(ways: lines.enumerated().map { WayInput(points: $1, tags: ["highway": "path"], id: $0 + 1) })
        let stops = [nodes[0], nodes[48], nodes[6], nodes[42], nodes[24]]
        let item = NamedItinerary(name: "GR", kind: .longDistance, mode: "walk", status: .existing, course: .via(stops))
        let r = try NamedItineraryStage.run([item], lines: [:], context: context(network))
        let expected = try networkxLength(lines, stops: stops)
        XCTAssertEqual(r.itineraries[0].length, expected, accuracy: 1e-6)
        XCTAssertEqual(r.itineraries[0].gaps.count, 0)
        XCTAssertEqual(LineClip.length(r.itineraries[0].parts), expected, accuracy: 1e-6, "the course drawn is the course measured")
    }

    func testAWaypointTheNetworkDoesNotJoinLeavesAStraightGap() throws {
        // Two lines that do not meet: (0,0)–(100,0) and (300,0)–(400,0); waypoints at 10, 90, 310 m.
        let network = PathNetwork(ways: [WayInput(points: [Point(0, 0), Point(100, 0)], tags: ["highway": "path"], id: 1),
                                         WayInput(points: [Point(300, 0), Point(400, 0)], tags: ["highway": "path"], id: 2)])
        let item = NamedItinerary(name: "A", kind: .local, mode: "walk", status: .planned, course: .via([Point(10, 3), Point(90, -2), Point(310, 1)]))
        let f = try NamedItineraryStage.run([item], lines: [:], context: context(network)).itineraries[0]
        // 80 m routed, then a straight no_route gap from (90,0) to (310,0): 220 m.
        XCTAssertEqual(f.gaps.map(\.kind), [.noRoute])
        XCTAssertEqual(f.gapLength, 220, accuracy: 1e-9)
        XCTAssertEqual(f.length, 300, accuracy: 1e-9)
    }

    func testClippingByHand() {
        // A square 0…100 with a hole 40…60; a line along y = 50 from −50 to 150: inside 2 × 40 m, outside 100 + 20 m.
        let square = Polygon(exterior: [Point(0, 0), Point(100, 0), Point(100, 100), Point(0, 100)],
                             holes: [[Point(40, 40), Point(60, 40), Point(60, 60), Point(40, 60)]])
        let line = [Point(-50, 50), Point(20, 50), Point(150, 50)]
        XCTAssertEqual(LineClip.length(LineClip.pieces(line, polygons: [square], inside: true)), 80, accuracy: 1e-9)
        XCTAssertEqual(LineClip.length(LineClip.pieces(line, polygons: [square], inside: false)), 120, accuracy: 1e-9)
        // Along an edge (y = 0, x from −10 to 30): on the boundary is inside, as for GEOS: 30 m in, 10 m out.
        XCTAssertEqual(LineClip.length(LineClip.pieces([Point(-10, 0), Point(30, 0)], polygons: [square], inside: true)), 30, accuracy: 1e-9)
        XCTAssertEqual(LineClip.length(LineClip.pieces([Point(-10, 0), Point(30, 0)], polygons: [square], inside: false)), 10, accuracy: 1e-9)
        // Within 10 m of the segment (0,0)–(100,0): a line y = 6 from −20 to 120 is within it from x = −8 to 108.
        let index = SegmentIndex([(Point(0, 0), Point(100, 0))])
        XCTAssertEqual(LineClip.length(LineClip.pieces([Point(-20, 6), Point(120, 6)], near: index, distance: 10, far: false)), 116, accuracy: 1e-9)
        XCTAssertEqual(LineClip.length(LineClip.pieces([Point(-20, 6), Point(120, 6)], near: index, distance: 10, far: true)), 24, accuracy: 1e-9)
    }

    func testGPXNamesAreSafeAndUnique() {
        let names = ItineraryFiles.gpxNames(["../../etc/passwd", ".hidden", "Cavalier n°1", "cavalier n 1", "", "/", "a\u{0}b", String(repeating: "é", count: 200), "GR®"])
        XCTAssertEqual(names[0], "etc-passwd.gpx")
        XCTAssertEqual(names[1], "hidden.gpx")
        XCTAssertEqual(names[2], "Cavalier-n-1.gpx")
        XCTAssertEqual(names[3], "cavalier-n-1-2.gpx")
        XCTAssertEqual(names[4], "itinerary.gpx"); XCTAssertEqual(names[5], "itinerary-2.gpx")
        XCTAssertEqual(names[6], "a-b.gpx")
        XCTAssertEqual(names[7].count, 84)
        XCTAssertEqual(Set(names.map { $0.lowercased() }).count, names.count)
        for n in names { XCTAssertTrue(ItineraryFiles.isSafe(n), n); XCTAssertFalse(n.contains("/")); XCTAssertFalse(n.hasPrefix(".")) }
    }
}
