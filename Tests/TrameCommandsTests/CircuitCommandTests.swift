import Foundation
import TrameTestSupport
import XCTest

/// `trame circuit --ini` end to end: one Circuitscape.jl case per mode (the modes themselves are tested
/// case by case in TrameCircuitTests), its files compared with Circuitscape's verified outputs —
/// resistances to its tolerance (1e-3), maps and network tables to Σ(Δ²) < 1e-6.
final class CircuitscapeIniTests: XCTestCase {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/reference/circuitscape-jl").standardized.path

    var trame: URL { TrameProcess.trame }

    func rows(_ path: String) throws -> [[Double]] {
        try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) } }.filter { !$0.isEmpty }
    }

    func run(_ ini: String, out: String) throws {
        let r = try TrameProcess.run(trame, ["circuit", "--ini", ini, "--out-dir", out, "--quiet"])
        XCTAssertEqual(r.status, 0, "\(ini): \(r.err)")
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

    /// A network table: value per node id, or per branch as "smaller id-larger id".
    func table(_ path: String) throws -> [String: Double] {
        var d: [String: Double] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline) {
            let t = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard t.count >= 2, let v = Double(t.last!) else { continue }
            d[t.dropLast().compactMap { Double($0).map { Int($0) } }.sorted().map(String.init).joined(separator: "-")] = v
        }
        return d
    }

    /// Pairwise case 1 asks for `solver = cholmod`; `--solver cg` overrides it. Both match Circuitscape's verified
    /// resistances, printed there to 10 significant digits: to 6e-10 relative (half a unit of the 10th digit).
    func testSolverFromIniAndOverride() throws {
        let ref = Self.reference
        for solver in ["", "cg", "cholmod"] {
            let out = NSTemporaryDirectory() + "trame-csi-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TrameProcess.run(trame, ["circuit", "--ini", "\(ref)/input/raster/pairwise/1/sgVerify1.ini", "--out-dir", out] + (solver.isEmpty ? [] : ["--solver", solver]))
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.out.contains("(\(solver.isEmpty ? "cholmod" : solver))"), r.out)
            let got = try rows("\(out)/sgVerify1_resistances.out"), want = try rows("\(ref)/output_verify/sgVerify1_resistances.out")
            XCTAssertEqual(got.count, want.count)
            for (a, b) in zip(got.dropFirst(), want.dropFirst()) {
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 6e-10 * abs(y), "--solver \(solver)") }
            }
        }
    }

    /// Raster pairwise (case 1: short-circuit regions, per-pair, cumulative and maximum current maps,
    /// voltage maps), one-to-all (case 1), advanced (case 1) and network pairwise and advanced (case 1).
    func testOneCasePerModeThroughTheCommand() throws {
        let out = NSTemporaryDirectory() + "trame-csi-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let ref = Self.reference
        for ini in ["raster/pairwise/1/sgVerify1.ini", "raster/one_to_all/1/oneToAllVerify1.ini", "raster/advanced/1/mgVerify1.ini",
                    "network/sgNetworkVerify1.ini", "network/mgNetworkVerify1.ini"] {
            try run("\(ref)/input/\(ini)", out: out)
        }
        for name in ["sgVerify1", "oneToAllVerify1", "sgNetworkVerify1"] {
            let got = try rows("\(out)/\(name)_resistances.out"), want = try rows("\(ref)/output_verify/\(name)_resistances.out")
            XCTAssertEqual(got.count, want.count, name)
            for (a, b) in zip(got, want) {
                XCTAssertEqual(a.count, b.count, name)
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-3, name) }
            }
        }
        var maps = 0, tables = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: out).sorted() where name.hasSuffix(".asc") || name.hasSuffix(".txt") {
            let refPath = "\(ref)/output_verify/\(name)"
            guard FileManager.default.fileExists(atPath: refPath) else { XCTFail("\(name): Circuitscape wrote no such file"); continue }
            if name.hasSuffix(".asc") {
                let a = try cells("\(out)/\(name)"), b = try cells(refPath)
                XCTAssertEqual(a.count, b.count, name)
                XCTAssertLessThan(zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, 1e-6, name)
                maps += 1
            } else {
                let a = try table("\(out)/\(name)"), b = try table(refPath)
                var d = 0.0
                for (k, v) in b { guard let x = a[k] else { XCTFail("\(name): \(k) missing"); continue }; d += (x - v) * (x - v) }
                for (k, x) in a where b[k] == nil { XCTAssertLessThan(abs(x), 1e-6, "\(name): extra \(k)") }
                XCTAssertLessThan(d, 1e-6, name)
                tables += 1
            }
        }
        XCTAssertGreaterThan(maps, 10)
        XCTAssertGreaterThan(tables, 10)
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
        XCTAssertTrue(ok.1.contains("(cg)"), ok.1)
        // The same strip by CHOLMOD: 4 Ω as worked by hand above.
        let direct = try run(["circuit", "--resistance", r, "--focal", f, "--neighbours", "4", "--solver", "cholmod", "-o", "\(dir)/direct"])
        XCTAssertEqual(direct.0, 0, direct.2)
        XCTAssertTrue(direct.1.contains("(cholmod)"), direct.1)
        let directText = try String(contentsOfFile: "\(dir)/direct_resistances.out", encoding: .utf8)
        XCTAssertEqual(directText.split(whereSeparator: \.isNewline)[1].split(separator: " ").compactMap { Double($0) }[2], 4, accuracy: 1e-12)

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
        try fails(["circuit", "--resistance", r, "--focal", f, "--solver", "pardiso", "-o", "\(dir)/x"], ["--solver", "pardiso"])
        try "[Circuitscape mode]\ndata_type = raster\nscenario = pairwise\nhabitat_file = r.asc\npoint_file = f.asc\nsolver = mkl_pardiso\n".write(toFile: ini, atomically: true, encoding: .utf8)
        try fails(["circuit", "--ini", ini], ["bad.ini", "solver 'mkl_pardiso' is not supported"])
    }
}
