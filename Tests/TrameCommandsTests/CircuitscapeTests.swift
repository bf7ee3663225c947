import Foundation
import XCTest
@testable import TrameCircuit

/// Circuitscape.jl's own raster pairwise cases (1–17) run through `trame circuit --ini` as they are,
/// compared with Circuitscape's verified resistances to its tolerance (1e-3); and hand-worked circuits.
final class CircuitscapeTests: XCTestCase {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/reference/circuitscape-jl").standardized.path

    var trame: URL { TrameProcess.trame }

    func matrix(_ path: String) throws -> (ids: [Double], values: [[Double]]) {
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) } }.filter { !$0.isEmpty }
        return (Array(rows[0].dropFirst()), rows.dropFirst().map { Array($0) })
    }

    func run(_ ini: String, out: String) throws {
        let r = try TrameProcess.run(trame, ["circuit", "--ini", ini, "--out-dir", out, "--quiet"])
        XCTAssertEqual(r.status, 0, "\(ini): \(r.err)")
    }

    /// One-to-all 1–13 and all-to-one 1–12: the resistance of each focal node ("id value" rows) to 1e-3, and
    /// the maps. Not matched: the current maps of all-to-one 12, the one case combining included pairs with
    /// short-circuit regions and focal regions: there Circuitscape.jl (onetoall.jl) rebuilds its node map
    /// from the original polygons for each point while keeping the Laplacian built on the merged ones, so
    /// its maps follow that mixed numbering; the resistances (0 or −1) match.
    func testRasterOneToAllAndAllToOneCases() throws {
        let out = NSTemporaryDirectory() + "trame-cs1-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        for (mode, name, cases) in [("one_to_all", "oneToAllVerify", Array(1...13)), ("all_to_one", "allToOneVerify", Array(1...12))] {
            for k in cases {
                try run("\(CircuitscapeTests.reference)/input/raster/\(mode)/\(k)/\(name)\(k).ini", out: out)
                let got = try String(contentsOfFile: "\(out)/\(name)\(k)_resistances.out", encoding: .utf8).split(whereSeparator: \.isNewline)
                let want = try String(contentsOfFile: "\(CircuitscapeTests.reference)/output_verify/\(name)\(k)_resistances.out", encoding: .utf8).split(whereSeparator: \.isNewline)
                XCTAssertEqual(got.count, want.count, "\(name)\(k)")
                for (a, b) in zip(got, want) {
                    let x = a.split(separator: " ").compactMap { Double($0) }, y = b.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
                    XCTAssertEqual(x.first, y.first, "\(name)\(k): focal id")
                    XCTAssertEqual(x.last ?? .nan, y.last ?? .nan, accuracy: 1e-3, "\(name)\(k)")
                }
            }
        }
        let compared = try compareMaps(out, skipping: ["allToOneVerify12_"])
        XCTAssertGreaterThan(compared, 130)
    }

    /// Advanced mode 1–7 (sources and grounds from rasters or text lists, resistive and direct grounds,
    /// short-circuit regions): voltage and current maps to Σ(Δ²) < 1e-6.
    func testRasterAdvancedCases() throws {
        let out = NSTemporaryDirectory() + "trame-csa-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        for k in 1...7 { try run("\(CircuitscapeTests.reference)/input/raster/advanced/\(k)/mgVerify\(k).ini", out: out) }
        XCTAssertEqual(try compareMaps(out, skipping: []), 11)
    }

    /// Network mode, pairwise (sgNetwork 1–3) and advanced (mgNetwork 1–3): resistances to 1e-3; voltages,
    /// node and branch currents per pair and cumulative to Σ(Δ²) < 1e-6 (a branch Circuitscape leaves out
    /// must carry under 1 µA here).
    func testNetworkCases() throws {
        let out = NSTemporaryDirectory() + "trame-csn-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        for k in 1...3 {
            try run("\(CircuitscapeTests.reference)/input/network/sgNetworkVerify\(k).ini", out: out)
            try run("\(CircuitscapeTests.reference)/input/network/mgNetworkVerify\(k).ini", out: out)
            let got = try matrix("\(out)/sgNetworkVerify\(k)_resistances.out"), want = try matrix("\(CircuitscapeTests.reference)/output_verify/sgNetworkVerify\(k)_resistances.out")
            XCTAssertEqual(got.ids, want.ids)
            for (a, b) in zip(got.values, want.values) { for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-3, "network \(k)") } }
        }
        func table(_ path: String) throws -> [String: Double] {
            var d: [String: Double] = [:]
            for line in try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline) {
                let t = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard t.count >= 2, let v = Double(t.last!) else { continue }
                let key = t.dropLast().compactMap { Double($0).map { Int($0) } }.sorted().map(String.init).joined(separator: "-")
                d[key] = v
            }
            return d
        }
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: out).filter({ $0.hasSuffix(".txt") }) {
            let ref = "\(CircuitscapeTests.reference)/output_verify/\(name)"
            guard FileManager.default.fileExists(atPath: ref) else { XCTFail("\(name): Circuitscape wrote no such file"); continue }
            let a = try table("\(out)/\(name)"), b = try table(ref)
            var d = 0.0
            for (k, v) in b { guard let x = a[k] else { XCTFail("\(name): \(k) missing"); continue }; d += (x - v) * (x - v) }
            for (k, x) in a where b[k] == nil { XCTAssertLessThan(abs(x), 1e-6, "\(name): extra \(k)") }
            XCTAssertLessThan(d, 1e-6, name)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 140)
    }

    /// Σ(Δ²) of every map written against Circuitscape's; returns how many were compared.
    func compareMaps(_ out: String, skipping: [String]) throws -> Int {
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: out).filter({ n in n.hasSuffix(".asc") && !skipping.contains { n.hasPrefix($0) } }).sorted() {
            let ref = "\(CircuitscapeTests.reference)/output_verify/\(name)"
            guard FileManager.default.fileExists(atPath: ref) else { XCTFail("\(name): Circuitscape wrote no such map"); continue }
            let a = try cells("\(out)/\(name)"), b = try cells(ref)
            XCTAssertEqual(a.count, b.count, name)
            let d = zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            XCTAssertLessThan(d, 1e-6, name)
            compared += 1
        }
        return compared
    }

    func testRasterPairwiseCasesMatchCircuitscape() throws {
        let out = NSTemporaryDirectory() + "trame-cs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        for k in 1...17 {
            try run("\(CircuitscapeTests.reference)/input/raster/pairwise/\(k)/sgVerify\(k).ini", out: out)
            let got = try matrix("\(out)/sgVerify\(k)_resistances.out")
            let want = try matrix("\(CircuitscapeTests.reference)/output_verify/sgVerify\(k)_resistances.out")
            XCTAssertEqual(got.ids, want.ids, "case \(k): focal ids")
            guard got.values.count == want.values.count else { XCTFail("case \(k): rows"); continue }
            for (a, b) in zip(got.values, want.values) {
                XCTAssertEqual(a.count, b.count)
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-3, "case \(k)") }
            }
        }
        // Current and voltage maps: Σ(Δ²) < 1e-6, as Circuitscape checks them (case 14 sets null currents and
        // voltages to NoData: its three NoData cells are −9999 in every map).
        let compared = try compareMaps(out, skipping: [])
        XCTAssertGreaterThan(compared, 250, "current and voltage maps compared")
    }

    /// The cell values of an ESRI ASCII grid (header lines skipped).
    func cells(_ path: String) throws -> [Double] {
        var out: [Double] = []
        for line in try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline) {
            let t = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = t.first, Double(first) != nil else { continue }
            out += t.compactMap { Double($0) }
        }
        return out
    }

    /// Three cells of resistance 1, 2 and 3 in a row (4 neighbours, average resistance): branches of
    /// resistance 1.5 and 2.5 in series, R = 4 Ω between the end cells. With average conductance the
    /// branches conduct (1 + ½)/2 = 0.75 S and (½ + ⅓)/2 = 5/12 S: R = 4/3 + 12/5 = 3.7333 Ω.
    func testSeriesByHand() throws {
        let cond = [1.0, 0.5, 1.0 / 3]
        let focal: [(id: Int32, cell: Int)] = [(1, 0), (2, 2)]
        let a = RasterCircuit(conductance: cond, cols: 3, rows: 1, fourNeighbours: true, connection: .averageResistance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(a.circuit, focalNodes: a.focalNodes)[0][1], 4, accuracy: 1e-9)
        let b = RasterCircuit(conductance: cond, cols: 3, rows: 1, fourNeighbours: true, connection: .averageConductance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(b.circuit, focalNodes: b.focalNodes)[0][1], 4.0 / 3 + 12.0 / 5, accuracy: 1e-9)
    }

    /// A 2 × 2 block of unit resistances between opposite corners: 4 neighbours give two paths of 2 Ω
    /// in parallel (1 Ω); 8 neighbours add the diagonal of √2 Ω: 1 ‖ √2 = √2 / (1 + √2) Ω.
    /// Two cells in separate components are not connected (−1).
    func testParallelDiagonalAndComponents() throws {
        let focal: [(id: Int32, cell: Int)] = [(1, 0), (2, 3)]
        let four = RasterCircuit(conductance: [1, 1, 1, 1], cols: 2, rows: 2, fourNeighbours: true, connection: .averageResistance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(four.circuit, focalNodes: four.focalNodes)[0][1], 1, accuracy: 1e-9)
        let eight = RasterCircuit(conductance: [1, 1, 1, 1], cols: 2, rows: 2, fourNeighbours: false, connection: .averageResistance, focal: focal)
        let r2 = 2.0.squareRoot()
        XCTAssertEqual(try Pairwise.resistances(eight.circuit, focalNodes: eight.focalNodes)[0][1], r2 / (1 + r2), accuracy: 1e-9)
        let apart = RasterCircuit(conductance: [1, .nan, .nan, 1], cols: 2, rows: 2, fourNeighbours: true, connection: .averageResistance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(apart.circuit, focalNodes: apart.focalNodes)[0][1], -1)
    }
}

/// The AMG-preconditioned solver on a grid large enough to coarsen, against SciPy's direct sparse solve
/// of the same grounded system (scripts/circuit_reference.py), to 1e-8 relative.
final class CircuitSolverTests: XCTestCase {
    func testAMGMatchesSciPyDirectSolve() throws {
        let size = 120
        var state: UInt64 = 42
        var res = [Double](repeating: 0, count: size * size)
        for i in res.indices { state = state &* 6364136223846793005 &+ 1442695040888963407; res[i] = 1 + 99 * Double(state >> 11) / Double(1 << 53) }
        let src = 5 * size + 7, dst = (size - 9) * size + (size - 4)
        let rc = RasterCircuit(conductance: res.map { 1 / $0 }, cols: size, rows: size, fourNeighbours: true, connection: .averageResistance, focal: [(1, src), (2, dst)])
        var solver = AMGSolver(circuit: rc.circuit)
        XCTAssertGreaterThan(solver.amg.levelCount, 2, "the grid coarsens")
        var b = [Double](repeating: 0, count: rc.circuit.nodeCount)
        b[src] = 1; b[dst] = -1
        let v = try solver.solve(b)
        let r = v[src] - v[dst]
        let raw = NSTemporaryDirectory() + "trame-amg-\(UUID().uuidString).bin"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        try res.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: raw))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/circuit_reference.py").standardized.path
        var direct: Double? = nil
        for python in [["/usr/bin/env", "python3"], ["/usr/bin/python3"]] {
            let proc = Process()
            proc.executableURL = URL(fileURLWithPath: python[0])
            proc.arguments = Array(python.dropFirst()) + [script, raw, "\(size)", "\(size)", "\(src)", "\(dst)"]
            let out = Pipe(); proc.standardOutput = out; proc.standardError = Pipe()
            try proc.run(); proc.waitUntilExit()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            if proc.terminationStatus == 0, let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] { direct = json["direct_resistance"] as? Double; break }
        }
        let reference = try XCTUnwrap(direct, "python3 with numpy and scipy is needed (apt-get install python3-scipy)")
        XCTAssertEqual(r, reference, accuracy: 1e-8 * reference)
        // Pairwise on a circuit above the AMG threshold (pairs on both cores) agrees with the plain solver.
        let big = 160
        var cond2 = [Double](repeating: 1, count: big * big)
        for i in cond2.indices { state = state &* 6364136223846793005 &+ 1442695040888963407; cond2[i] = 1 / (1 + 9 * Double(state >> 11) / Double(1 << 53)) }
        let focal2: [(id: Int32, cell: Int)] = [(1, 10 * big + 10), (2, 150 * big + 20), (3, 80 * big + 140)]
        let pc = RasterCircuit(conductance: cond2, cols: big, rows: big, fourNeighbours: false, connection: .averageResistance, focal: focal2)
        XCTAssertGreaterThan(pc.circuit.nodeCount, 20_000)
        let m = try Pairwise.resistances(pc.circuit, focalNodes: pc.focalNodes)
        var jacobi = GroundedSolver(circuit: pc.circuit)
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            var b2 = [Double](repeating: 0, count: pc.circuit.nodeCount)
            b2[Int(pc.focalNodes[j][0])] = 1; b2[Int(pc.focalNodes[i][0])] = -1
            let rj = try jacobi.solve(injections: b2, ground: Int(pc.focalNodes[i][0]))[Int(pc.focalNodes[j][0])]
            XCTAssertEqual(m[i][j], rj, accuracy: 1e-7 * rj)
        }
        // The plain Jacobi-CG solver agrees too.
        var plain = GroundedSolver(circuit: rc.circuit)
        var inj = [Double](repeating: 0, count: rc.circuit.nodeCount)
        inj[src] = 1; inj[dst] = -1
        XCTAssertEqual(try plain.solve(injections: inj, ground: dst)[src], reference, accuracy: 1e-7 * reference)
    }
}

/// `trame circuit` on GeoTIFF inputs and its refusals.
final class CircuitCommandTests: XCTestCase {
    func run(_ args: [String]) throws -> (Int32, String, String) { try TrameProcess.run(TrameProcess.trame, args) }

    /// A 3 × 1 strip of resistances 1, 2, 3 (ASCII grids, converted by GDAL): R between the ends = 1.5 + 2.5 = 4 Ω
    /// with 4 neighbours; maps as GeoTIFF. Refusals: a negative resistance, focal nodes on NoData or in one
    /// cell, an unknown .ini option, a missing file.
    func testDirectModeAndRefusals() throws {
        let dir = NSTemporaryDirectory() + "trame-circuit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func asc(_ name: String, _ values: String) throws -> String {
            let path = "\(dir)/\(name)"
            try "ncols 3\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -9999\n\(values)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let r = try asc("r.asc", "1 2 3"), f = try asc("f.asc", "1 -9999 2")
        let ok = try run(["circuit", "--resistance", r, "--focal", f, "--neighbours", "4", "--current-maps", "--voltage-maps", "-o", "\(dir)/out"])
        XCTAssertEqual(ok.0, 0, ok.2)
        let text = try String(contentsOfFile: "\(dir)/out_resistances.out", encoding: .utf8)
        let values = text.split(whereSeparator: \.isNewline)[1].split(separator: " ").compactMap { Double($0) }
        XCTAssertEqual(values[2], 4, accuracy: 1e-9)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/out_cum_curmap.tif"))
        XCTAssertTrue(ok.1.contains("residual"))

        func fails(_ args: [String], _ words: [String], line: UInt = #line) throws {
            let res = try run(args)
            XCTAssertNotEqual(res.0, 0, line: line)
            XCTAssertEqual(res.2.split(separator: "\n").count, 1, res.2, line: line)
            for w in words { XCTAssertTrue(res.2.contains(w), "'\(w)' not in \(res.2)", line: line) }
        }
        try fails(["circuit", "--resistance", try asc("neg.asc", "1 -2 3"), "--focal", f, "-o", "\(dir)/x"], ["neg.asc", "≤ 0"])
        try fails(["circuit", "--resistance", try asc("hole.asc", "-9999 2 3"), "--focal", f, "-o", "\(dir)/x"], ["f.asc", "NoData"])
        try fails(["circuit", "--resistance", r, "--focal", try asc("one.asc", "1 -9999 -9999"), "-o", "\(dir)/x"], ["one.asc", "fewer than two"])
        let ini = "\(dir)/bad.ini"
        try "[Circuitscape mode]\ndata_type = raster\nscenario = pairwise\nhabitat_file = r.asc\npoint_file = f.asc\nwrite_colour_maps = True\n".write(toFile: ini, atomically: true, encoding: .utf8)
        try fails(["circuit", "--ini", ini], ["bad.ini", "unknown option 'write_colour_maps'"])
        try "[Circuitscape mode]\ndata_type = raster\nscenario = pairwise\nhabitat_file = nowhere.asc\npoint_file = f.asc\n".write(toFile: ini, atomically: true, encoding: .utf8)
        try fails(["circuit", "--ini", ini], ["habitat_file", "nowhere.asc"])
    }
}

final class CorridorCurrentTests: XCTestCase {
    /// A corridor one cell wide (5 cells of resistance 1) between reservoir cells at both ends: all of
    /// the 1 A passes every corridor cell, and R = 6 branches of 1 Ω in series. A second, parallel
    /// corridor row splits the current in two: ½ A in each cell of the middle stretch.
    func testStraightCorridor() throws {
        let one = try CorridorCurrent.solve(cells: [1, 2, 3, 4, 5], reservoirA: [0], reservoirB: [6], cols: 7, rows: 1, conductance: { _ in 1 }, eightNeighbours: false)
        XCTAssertEqual(one.resistance, 6, accuracy: 1e-9)
        for c in one.current { XCTAssertEqual(c, 1, accuracy: 1e-9) }
        // Two rows: reservoirs are the whole first and last columns.
        let cells = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12]
        let two = try CorridorCurrent.solve(cells: cells, reservoirA: [0, 7], reservoirB: [6, 13], cols: 7, rows: 2, conductance: { _ in 1 }, eightNeighbours: false)
        XCTAssertEqual(two.resistance, 3, accuracy: 1e-9)
        XCTAssertEqual(two.current[2], 0.5, accuracy: 1e-9)
    }
}
