import Foundation
import XCTest
import TrameCircuit

/// Circuitscape.jl's own verification cases run through TrameCircuit's modes, compared with the
/// resistances Circuitscape verified, to its tolerance (1e-3), and with its maps to Σ(Δ²) < 1e-6.
final class CircuitscapeTests: XCTestCase {
    let reference = CircuitscapeCase.reference

    /// Σ(Δ²) of every map against Circuitscape's (each must exist there); returns how many were compared.
    func compareMaps(_ maps: [String: [Double]], skipping: [String] = []) throws -> Int {
        var compared = 0
        for (name, a) in maps.sorted(by: { $0.key < $1.key }) where !skipping.contains(where: { name.hasPrefix($0) }) {
            guard FileManager.default.fileExists(atPath: "\(reference)/output_verify/\(name)") else { XCTFail("\(name): Circuitscape wrote no such map"); continue }
            let b = try CircuitscapeCase.cells(name)
            XCTAssertEqual(a.count, b.count, name)
            XCTAssertLessThan(zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, 1e-6, name)
            compared += 1
        }
        return compared
    }

    /// Raster pairwise cases 1–17: resistance matrices and every current and voltage map (case 14 sets
    /// null currents and voltages to NoData: its three NoData cells are −9999 in every map).
    func testRasterPairwiseCasesMatchCircuitscape() throws {
        var compared = 0
        for k in 1...17 {
            let run = try CircuitscapeCase("\(reference)/input/raster/pairwise/\(k)/sgVerify\(k).ini")
            let want = try CircuitscapeCase.rows("sgVerify\(k)_resistances.out")
            XCTAssertEqual(run.resistances.first, want.first, "case \(k): focal ids")
            XCTAssertEqual(run.resistances.count, want.count, "case \(k): rows")
            for (a, b) in zip(run.resistances.dropFirst(), want.dropFirst()) {
                XCTAssertEqual(a.count, b.count)
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-3, "case \(k)") }
            }
            compared += try compareMaps(run.maps)
        }
        XCTAssertGreaterThan(compared, 250, "current and voltage maps compared")
    }

    /// `solver` read from the .ini: pairwise 1 (short-circuit regions, every map) asks for cholmod, pairwise 2 for
    /// Circuitscape's default cg+amg; another solver is refused by name. Pairwise 1 run by each solver matches
    /// Circuitscape's verified resistances, which it printed to 10 significant digits: to 6e-10 relative (half a
    /// unit of the 10th digit is at most 5e-10 of the value), and its maps to Σ(Δ²) < 1e-6.
    func testIniSolverCholmod() throws {
        let one = "\(reference)/input/raster/pairwise/1/sgVerify1.ini"
        XCTAssertEqual(try CircuitscapeIni(parsing: String(contentsOfFile: one, encoding: .utf8)).solver, .cholmod)
        XCTAssertEqual(try CircuitscapeIni(parsing: String(contentsOfFile: "\(reference)/input/raster/pairwise/2/sgVerify2.ini", encoding: .utf8)).solver, .cg)
        XCTAssertEqual(try CircuitscapeIni(parsing: "scenario = pairwise\n").solver, .cg)
        XCTAssertThrowsError(try CircuitscapeIni(parsing: "scenario = pairwise\nsolver = mkl_pardiso\n")) {
            XCTAssertEqual("\($0)", "solver 'mkl_pardiso' is not supported: cg+amg or cholmod")
        }
        let want = try CircuitscapeCase.rows("sgVerify1_resistances.out")
        for solver in CircuitSolverKind.allCases {
            let run = try CircuitscapeCase(one, solver: solver)
            XCTAssertEqual(run.resistances.first, want.first, "\(solver): focal ids")
            XCTAssertEqual(run.resistances.count, want.count)
            var compared = 0
            for (a, b) in zip(run.resistances.dropFirst(), want.dropFirst()) {
                for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
                    XCTAssertEqual(x, y, accuracy: 6e-10 * abs(y), "\(solver)")
                    if y > 0 { compared += 1 }
                }
            }
            XCTAssertEqual(compared, 28, "\(solver): 14 pairs both ways (of the 15 connected pairs, ids 4 and 5 share a region: 0)")
            XCTAssertGreaterThan(try compareMaps(run.maps), 10, "\(solver)")
        }
    }

    /// One-to-all 1–13 and all-to-one 1–12: the resistance of each focal node ("id value" rows) to 1e-3, and
    /// the maps. Not matched: the current maps of all-to-one 12, the one case combining included pairs with
    /// short-circuit regions and focal regions: there Circuitscape.jl (onetoall.jl) rebuilds its node map
    /// from the original polygons for each point while keeping the Laplacian built on the merged ones, so
    /// its maps follow that mixed numbering; the resistances (0 or −1) match.
    func testRasterOneToAllAndAllToOneCases() throws {
        var compared = 0
        for (mode, name, cases) in [("one_to_all", "oneToAllVerify", Array(1...13)), ("all_to_one", "allToOneVerify", Array(1...12))] {
            for k in cases {
                let run = try CircuitscapeCase("\(reference)/input/raster/\(mode)/\(k)/\(name)\(k).ini")
                let want = try CircuitscapeCase.rows("\(name)\(k)_resistances.out")
                XCTAssertEqual(run.resistances.count, want.count, "\(name)\(k)")
                for (x, y) in zip(run.resistances, want) {
                    XCTAssertEqual(x.first, y.first, "\(name)\(k): focal id")
                    XCTAssertEqual(x.last ?? .nan, y.last ?? .nan, accuracy: 1e-3, "\(name)\(k)")
                }
                compared += try compareMaps(run.maps, skipping: ["allToOneVerify12_"])
            }
        }
        XCTAssertGreaterThan(compared, 130)
    }

    /// Advanced mode 1–7 (sources and grounds from rasters or text lists, resistive and direct grounds,
    /// short-circuit regions): voltage and current maps.
    func testRasterAdvancedCases() throws {
        var compared = 0
        for k in 1...7 { compared += try compareMaps(try CircuitscapeCase("\(reference)/input/raster/advanced/\(k)/mgVerify\(k).ini").maps) }
        XCTAssertEqual(compared, 11)
    }

    /// Network mode, pairwise (sgNetwork 1–3) and advanced (mgNetwork 1–3): resistances to 1e-3; voltages,
    /// node and branch currents per pair and cumulative to Σ(Δ²) < 1e-6 (a branch Circuitscape leaves out
    /// must carry under 1 µA here).
    func testNetworkCases() throws {
        var tables: [String: [String: Double]] = [:]
        for k in 1...3 {
            let pairwise = try CircuitscapeCase("\(reference)/input/network/sgNetworkVerify\(k).ini")
            let want = try CircuitscapeCase.rows("sgNetworkVerify\(k)_resistances.out")
            XCTAssertEqual(pairwise.resistances.first, want.first, "network \(k): ids")
            for (a, b) in zip(pairwise.resistances.dropFirst(), want.dropFirst()) { for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-3, "network \(k)") } }
            tables.merge(pairwise.tables) { a, _ in a }
            tables.merge(try CircuitscapeCase("\(reference)/input/network/mgNetworkVerify\(k).ini").tables) { a, _ in a }
        }
        var compared = 0
        for (name, a) in tables {
            guard FileManager.default.fileExists(atPath: "\(reference)/output_verify/\(name)") else { XCTFail("\(name): Circuitscape wrote no such file"); continue }
            let b = try CircuitscapeCase.table(name)
            var d = 0.0
            for (k, v) in b { guard let x = a[k] else { XCTFail("\(name): \(k) missing"); continue }; d += (x - v) * (x - v) }
            for (k, x) in a where b[k] == nil { XCTAssertLessThan(abs(x), 1e-6, "\(name): extra \(k)") }
            XCTAssertLessThan(d, 1e-6, name)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 140)
    }
}
