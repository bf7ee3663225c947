import Foundation
import XCTest
import TrameCircuit
@testable import TrameServer
@testable import TrameUploads
import TrameVector

/// Replays the seeds and the fixed crash reproducers of the fuzz targets whose code these tests reach
/// (Fuzz/corpus/TARGET, Fuzz/reproducers/fixed/TARGET; see scripts/fuzz.sh): each input must parse or
/// throw, as in the fuzz target. Reproducers still open are in Fuzz/reproducers/open, for their owners.
final class FuzzRegressionTests: XCTestCase {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz").standardized.path

    func inputs(_ target: String) throws -> [(String, Data)] {
        var out: [(String, Data)] = []
        for folder in ["corpus", "reproducers/fixed"] {
            let dir = "\(Self.fuzz)/\(folder)/\(target)"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for n in names.sorted() { out.append(("\(folder)/\(target)/\(n)", try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(n)")))) }
        }
        return out
    }

    /// Circuitscape's text inputs, as FuzzIni feeds them: .ini, focal-node list, network file, included pairs.
    func testCircuitscapeTextInputs() throws {
        let all = try inputs("ini")
        XCTAssertGreaterThan(all.count, 5)
        for (_, data) in all {
            guard let text = String(data: data, encoding: .utf8) else { continue }
            _ = try? CircuitscapeIni(parsing: text)
            _ = try? CircuitscapeText.focalPoints(text)
            _ = try? CircuitscapeText.branches(text)
            if let pairs = try? CircuitscapeText.includedPairs(text) {
                let ids = Array(pairs.ids ?? []).prefix(8)
                for a in ids { for b in ids { _ = pairs.include(a, b) } }
            }
        }
        // What the fixed reproducers now give: errors naming the problem, or the value read.
        XCTAssertThrowsError(try CircuitscapeText.includedPairs("min\n")) { XCTAssertTrue("\($0)".contains("'min' needs a number")) }
        XCTAssertThrowsError(try CircuitscapeText.includedPairs("x 1e10\n1 1\n")) { XCTAssertTrue("\($0)".contains("not an integer id")) }
        XCTAssertThrowsError(try CircuitscapeText.focalPoints("3e9 0 0\n")) { XCTAssertTrue("\($0)".contains("not an integer id")) }
        XCTAssertThrowsError(try CircuitscapeText.branches("nan 1 1\n")) { XCTAssertTrue("\($0)".contains("node ids must be integers")) }
        let pairs = try CircuitscapeText.includedPairs("mode include\n1 -1\n")
        XCTAssertEqual(pairs.ids, [1, -1])
        XCTAssertTrue(pairs.include(-1, 1))
        XCTAssertFalse(pairs.include(1, 2))
        // Pairs of negative ids stay apart (the key once sign-extended the larger id over the smaller).
        XCTAssertFalse(try CircuitscapeText.includedPairs("mode include\n-3 -1\n").include(-2, -1))
        XCTAssertEqual(CircuitscapeText.nodeID(3.0), 3)
        XCTAssertEqual(CircuitscapeText.nodeID(-2.7), -2)
        XCTAssertNil(CircuitscapeText.nodeID(.infinity))
        XCTAssertNil(CircuitscapeText.nodeID(2_147_483_648))
    }

    /// The API's query-string and tile-path parsing, as FuzzQuery feeds it.
    func testQueryParsing() throws {
        let all = try inputs("query")
        XCTAssertGreaterThan(all.count, 5)
        for (_, data) in all {
            let text = String(decoding: data, as: UTF8.self)
            _ = try? SchemeServer.lonLat(Substring(text), "from")
            _ = try? SchemeServer.number(Substring(text), "lon", range: -180...180)
            _ = LonLatBox(parsing: text)
            _ = try? SchemeServer.zoom(Substring(text))
            let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 3 { _ = try? SchemeServer.tileAddress(z: parts[0], x: parts[1], y: parts[2]) }
        }
        XCTAssertEqual(try SchemeServer.tileAddress(z: "22", x: "4194303", y: "0.png").x, 4_194_303)
        XCTAssertThrowsError(try SchemeServer.tileAddress(z: "22", x: "4194304", y: "0.png"))
        XCTAssertThrowsError(try SchemeServer.tileAddress(z: "1", x: "0", y: ".png"))
        XCTAssertNil(try SchemeServer.zoom(nil))
        XCTAssertThrowsError(try SchemeServer.zoom("25"))
    }
}
