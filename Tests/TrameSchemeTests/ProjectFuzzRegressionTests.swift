import Foundation
import XCTest
@testable import TrameScheme

/// Replays the project-file fuzz target's seeds and its fixed crash reproducers
/// (Fuzz/corpus/project, Fuzz/reproducers/fixed/project): each must parse or throw a ProjectError, never
/// stop the program; the reproducers give the errors worked out by hand below.
final class ProjectFuzzRegressionTests: XCTestCase {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz").standardized.path

    func testSeedsAndReproducersParseOrThrow() throws {
        var seen = 0
        for folder in ["corpus/project", "reproducers/fixed/project"] {
            let dir = "\(Self.fuzz)/\(folder)"
            for n in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
                let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(n)")), as: UTF8.self)
                do { _ = try ProjectFile.parse(text, file: n) } catch is ProjectError {}
                seen += 1
            }
        }
        XCTAssertGreaterThanOrEqual(seen, 7, "three seeds and four reproducers")
    }

    func error(_ text: String) -> String {
        do { _ = try ProjectFile.parse(text, file: "p.toml"); return "parsed" } catch let e as ProjectError { return e.description } catch { return "\(error)" }
    }

    func testMalformedTablesAndArraysAreErrorsNamingTheLine() {
        // toml++ stopped on an internal assertion for these (fuzzer finds): now one line each.
        XCTAssertEqual(error("[~"), "p.toml:1: not valid TOML: a table name must follow '[' (letters, digits, _ or -, or a quoted name)")
        XCTAssertEqual(error("# a comment\n[[ ~]]"), "p.toml:2: not valid TOML: a table name must follow '[' (letters, digits, _ or -, or a quoted name)")
        XCTAssertEqual(error("a=[}"), "p.toml:1: not valid TOML: a value is missing in an array (before '}')")
        XCTAssertEqual(error("x = 1\na = [1,\n ,2]"), "p.toml:3: not valid TOML: a value is missing in an array (before ',')")
        // Not refused by the shape check: brackets inside strings and comments, trailing commas.
        XCTAssertFalse(error("s = \"\"\"\n[~\n\"\"\"\n# [~\na = [1, 2,]\n").contains("table name must follow"))
    }

    func testHugeCountsAreOutOfRange() throws {
        for n in ["review-pinch-links-inf.toml", "review-pinch-links-1e300.toml"] {
            let text = try String(contentsOfFile: "\(Self.fuzz)/reproducers/fixed/project/\(n)", encoding: .utf8)
            let e = error(text)
            XCTAssertTrue(e.hasPrefix("p.toml:") && e.contains("links_per_subnetwork"), "\(n): \(e)")
        }
    }
}
