import Foundation
import XCTest
@testable import TrameGraph

/// `Tests/Fixtures/` holds the reference outputs (copied from the project's shared data; see its README).
let fixturesDir: URL = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
}()

final class ConnectivityMetricsTests: XCTestCase {
    func close(_ a: Double, _ b: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        // 1e-9 relative, or 1e-12 absolute for values near 0 (the reference's dPC_connector is
        // dPC − intra − flux, a difference that carries about 1e-13 of rounding).
        let ok = abs(a - b) <= 1e-9 * abs(b) || abs(a - b) <= 1e-12
        XCTAssertTrue(ok, "\(what): got \(a), expected \(b)", file: file, line: line)
    }

    func readCSV(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    struct ReferenceCase {
        var name: String
        var graph: LandscapeGraph
        var decay: ExponentialDecay
        var area: Double
        var expected: [String: Any]
    }

    func referenceCases() throws -> [ReferenceCase] {
        let root = fixturesDir.appendingPathComponent("reference/metrics")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 3)
        return try names.map { name in
            let dir = root.appendingPathComponent(name)
            let nodes = try readCSV(dir.appendingPathComponent("nodes.csv")).map { (id: $0[0], capacity: Double($0[1])!) }
            let edges = try readCSV(dir.appendingPathComponent("edges.csv")).map { (from: $0[0], to: $0[1], distance: Double($0[2])!) }
            let params = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("params.json"))) as! [String: Any]
            let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expected.json"))) as! [String: Any]
            let g = try LandscapeGraph(nodes: nodes, edges: edges).thresholded(params["max_distance"] as? Double)
            let decay = try ExponentialDecay(distance: params["distance"] as! Double, probability: params["probability"] as! Double)
            return ReferenceCase(name: name, graph: g, decay: decay, area: params["area"] as! Double, expected: expected)
        }
    }

    func assertMatches(_ r: ConnectivityResult, _ c: ReferenceCase, file: StaticString = #filePath, line: UInt = #line) {
        let name = c.name, g = c.graph
        let eg = c.expected["global"] as! [String: Any]
        close(r.global.PC, eg["PC"] as! Double, "\(name) PC", file: file, line: line)
        close(r.global.IIC, eg["IIC"] as! Double, "\(name) IIC", file: file, line: line)
        close(r.global.EC, eg["EC"] as! Double, "\(name) EC", file: file, line: line)
        XCTAssertEqual(r.global.NC, eg["NC"] as! Int, "\(name) NC", file: file, line: line)
        let en = c.expected["nodes"] as! [String: [String: Double]]
        XCTAssertEqual(en.count, g.nodeCount, file: file, line: line)
        for (k, id) in g.ids.enumerated() {
            let e = en[id]!, got = r.nodes[k]
            close(got.dPC, e["dPC"]!, "\(name) \(id) dPC", file: file, line: line)
            close(got.dPC_intra, e["dPC_intra"]!, "\(name) \(id) dPC_intra", file: file, line: line)
            close(got.dPC_flux, e["dPC_flux"]!, "\(name) \(id) dPC_flux", file: file, line: line)
            close(got.dPC_connector, e["dPC_connector"]!, "\(name) \(id) dPC_connector", file: file, line: line)
            close(got.dIIC, e["dIIC"]!, "\(name) \(id) dIIC", file: file, line: line)
            close(got.BC, e["BC"]!, "\(name) \(id) BC", file: file, line: line)
        }
    }

    /// Without cut-off, every case equals networkx.
    func testReferenceCasesFromNetworkx() throws {
        for c in try referenceCases() {
            let r = try ConnectivityMetrics.compute(c.graph, decay: c.decay, landscapeArea: c.area, probabilityCutoff: 0)
            XCTAssertEqual(r.cutoffErrorBound, 0)
            XCTAssertEqual(r.cutoffDistance, .infinity)
            assertMatches(r, c)
        }
    }

    /// With the default cut-off (1e-12): where no pair lies beyond −ln(ε)/α (line3: 3 km apart at most, cut at
    /// 39.9 km) the bound is 0 and the values are networkx's; random120 (pairs up to 30.4 km apart, cut at 9.2 km)
    /// is cut, and each value stays within the documented bound of networkx's.
    func testDefaultCutoffAgainstNetworkx() throws {
        let cases = try referenceCases()
        let line = cases.first { $0.name == "line3" }!
        let r = try ConnectivityMetrics.compute(line.graph, decay: line.decay, landscapeArea: line.area)
        XCTAssertEqual(r.probabilityCutoff, 1e-12)
        XCTAssertEqual(r.cutoffDistance, -log(1e-12) / line.decay.alpha, accuracy: 1e-9)
        XCTAssertEqual(r.cutoffErrorBound, 0, "line3 has no pair beyond the cut-off")
        assertMatches(r, line)
        let c = cases.first { $0.name == "random120" }!
        try assertWithinCutoffBound(c, epsilon: ConnectivityMetrics.defaultProbabilityCutoff)
    }

    /// A cut-off that leaves out many pairs (ε = 1e-3: beyond 2.3 km, where random120's links run to 6.3 km):
    /// every value still lies within the documented bound of networkx's.
    func testLargeCutoffWithinBound() throws {
        for c in try referenceCases() where c.name.hasPrefix("random120") {
            try assertWithinCutoffBound(c, epsilon: 1e-3)
        }
    }

    /// |PCnum − exact| ≤ cutoffErrorBound ≤ ε·(Σa)², the exact PCnum being networkx's PC·AL²; dPC and each
    /// fraction within 200·ε·(Σa)²/PCnum percentage points and each BC within ε·(Σa)²/2 of networkx's.
    func assertWithinCutoffBound(_ c: ReferenceCase, epsilon: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try ConnectivityMetrics.compute(c.graph, decay: c.decay, landscapeArea: c.area, probabilityCutoff: epsilon)
        let eg = c.expected["global"] as! [String: Any]
        let exact = (eg["PC"] as! Double) * c.area * c.area
        let sumA = c.graph.capacities.reduce(0, +)
        XCTAssertGreaterThan(r.cutoffErrorBound, 0, "\(c.name): the cut-off should cut here", file: file, line: line)
        XCTAssertLessThanOrEqual(r.cutoffErrorBound, epsilon * sumA * sumA, file: file, line: line)
        // Terms are only left out, never added: the result is below the exact sum, by at most the bound.
        XCTAssertLessThan(r.global.PCnum, exact, "\(c.name)", file: file, line: line)
        XCTAssertLessThanOrEqual(exact - r.global.PCnum, r.cutoffErrorBound * (1 + 1e-9) + 1e-12 * exact, "\(c.name) PCnum", file: file, line: line)
        let points = 200 * epsilon * sumA * sumA / r.global.PCnum, rounding = 1e-9
        let en = c.expected["nodes"] as! [String: [String: Double]]
        for (k, id) in c.graph.ids.enumerated() {
            let e = en[id]!, got = r.nodes[k]
            for (what, v, x) in [("dPC", got.dPC, e["dPC"]!), ("dPC_flux", got.dPC_flux, e["dPC_flux"]!),
                                 ("dPC_connector", got.dPC_connector, e["dPC_connector"]!), ("dPC_intra", got.dPC_intra, e["dPC_intra"]!)] {
                XCTAssertLessThanOrEqual(abs(v - x), points + rounding * abs(x), "\(c.name) \(id) \(what)", file: file, line: line)
            }
            XCTAssertLessThanOrEqual(abs(got.BC - e["BC"]!), epsilon * sumA * sumA / 2 + rounding * e["BC"]!, "\(c.name) \(id) BC", file: file, line: line)
            close(got.dIIC, e["dIIC"]!, "\(c.name) \(id) dIIC (no cut-off on IIC)", file: file, line: line)
        }
    }

    func testCutoffOutOfRange() throws {
        let g = try LandscapeGraph(nodes: [("a", 1), ("b", 1)], edges: [("a", "b", 10)])
        let decay = try ExponentialDecay(distance: 100, probability: 0.5)
        XCTAssertThrowsError(try ConnectivityMetrics.compute(g, decay: decay, landscapeArea: 10, probabilityCutoff: 1))
        XCTAssertThrowsError(try ConnectivityMetrics.compute(g, decay: decay, landscapeArea: 10, probabilityCutoff: -1e-9))
    }

    /// A line A–B–C worked by hand: a = 10, 20, 30; d(A,B) = 1000, d(B,C) = 2000; 50 % at 1000 m; AL = 100.
    func testLineOfThreeByHand() throws {
        let g = try LandscapeGraph(nodes: [("A", 10), ("B", 20), ("C", 30)],
                                   edges: [("A", "B", 1000), ("B", "C", 2000)])
        let r = try ConnectivityMetrics.compute(g, decay: ExponentialDecay(distance: 1000, probability: 0.5), landscapeArea: 100)
        // p(AB) = 0.5, p(BC) = 0.25, p(AC) = 0.125.
        let pcNum = 100.0 + 400 + 900 + 2 * (200 * 0.5 + 600 * 0.25 + 300 * 0.125)
        close(r.global.PCnum, pcNum, "PCnum")
        close(r.global.PC, pcNum / 10_000, "PC")
        // IIC: nl = 1, 1, 2.
        let iicNum = 1400.0 + 2 * (200.0 / 2 + 600.0 / 2 + 300.0 / 3)
        close(r.global.IIC, iicNum / 10_000, "IIC")
        // Removing B leaves A and C apart: connector of B = 2·300·0.125.
        close(r.nodes[1].dPC_connector, 100 * 2 * 300 * 0.125 / pcNum, "B connector")
        close(r.nodes[1].BC, 300 * 0.125, "B betweenness")
        close(r.nodes[0].BC, 0, "A betweenness")
        // Link A–B carries pairs (A,B) and (A,C) both ways.
        close(r.linkDPC[0], 100 * 2 * (200 * 0.5 + 300 * 0.125) / pcNum, "link A–B")
    }

    /// A star: centre with four leaves at 500 m; removing the centre disconnects every leaf pair.
    func testStarByHand() throws {
        let g = try LandscapeGraph(nodes: [("c", 4), ("l1", 1), ("l2", 1), ("l3", 1), ("l4", 1)],
                                   edges: (1...4).map { ("c", "l\($0)", 500.0) })
        let r = try ConnectivityMetrics.compute(g, decay: ExponentialDecay(distance: 1000, probability: 0.25), landscapeArea: 10)
        let p1 = 0.5, p2 = 0.25  // one link (500 m), two links (1000 m)
        let pcNum = 16.0 + 4 + 2 * 4 * 4 * p1 + 12 * p2
        close(r.global.PCnum, pcNum, "PCnum")
        close(r.nodes[0].dPC_connector, 100 * 12 * p2 / pcNum, "centre connector")
        close(r.nodes[0].BC, 6 * p2, "centre BC over 6 leaf pairs")
        XCTAssertEqual(r.global.NC, 1)
    }

    func testTwoComponentsAndThreshold() throws {
        let g = try LandscapeGraph(nodes: [("a", 1), ("b", 1), ("c", 2), ("d", 2)],
                                   edges: [("a", "b", 100), ("c", "d", 100), ("b", "c", 5000)])
        let t = g.thresholded(1000)
        let r = try ConnectivityMetrics.compute(t, decay: ExponentialDecay(distance: 100, probability: 0.5), landscapeArea: 6)
        XCTAssertEqual(r.global.NC, 2)
        XCTAssertEqual(r.components.map(\.nodes), [2, 2])
        XCTAssertEqual(r.components.map(\.capacity), [2, 4])
        close(r.global.PCnum, 1 + 1 + 4 + 4 + 2 * (1 * 0.5) + 2 * (4 * 0.5), "PCnum")
        close(r.nodes[0].dPC_connector, 0, "no connector in a pair")
    }

    func testBadInput() {
        XCTAssertThrowsError(try LandscapeGraph(nodes: [("a", 1), ("a", 2)], edges: []))
        XCTAssertThrowsError(try LandscapeGraph(nodes: [("a", -1)], edges: []))
        XCTAssertThrowsError(try LandscapeGraph(nodes: [("a", .nan)], edges: []))
        XCTAssertThrowsError(try LandscapeGraph(nodes: [("a", 1)], edges: [("a", "z", 1)]))
        XCTAssertThrowsError(try LandscapeGraph(nodes: [("a", 1), ("b", 1)], edges: [("a", "b", -3)]))
        XCTAssertThrowsError(try ExponentialDecay(distance: 1000, probability: 1.0))
        XCTAssertThrowsError(try ExponentialDecay(distance: 1000, probability: 0))
        let g = try! LandscapeGraph(nodes: [("a", 10), ("b", 10)], edges: [])
        XCTAssertThrowsError(try ConnectivityMetrics.compute(g, decay: ExponentialDecay(distance: 1, probability: 0.5), landscapeArea: 15))
    }
}
