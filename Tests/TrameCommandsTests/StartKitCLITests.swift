import Foundation
import TrameTestSupport
import XCTest

/// `trame init` and `trame check` as a user runs them: the kit written, a fresh CLC kit's missing inputs
/// named once each at their line, the sample kit on the demo's data clean, seeded faults all reported.
final class StartKitCLITests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-kit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
    func trame(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try TrameProcess.run(TrameProcess.trame, args) }

    /// Lines (1-based) of `text` that satisfy `pick`.
    func lineNumbers(_ text: String, _ pick: (String) -> Bool) -> [Int] {
        text.components(separatedBy: "\n").enumerated().filter { pick($0.element) }.map { $0.offset + 1 }
    }

    func testInitClcThenCheckNamesExactlyTheMissingInputs() throws {
        let kit = p("kit")
        let r = try trame(["init", kit, "--preset", "clc", "--name", "Pays test"])
        XCTAssertEqual(r.status, 0, r.err)
        for f in ["project.toml", "nomenclature.csv", "friction.csv", "INPUTS.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(kit)/\(f)"), f)
        }
        let project = try String(contentsOfFile: "\(kit)/project.toml", encoding: .utf8)
        XCTAssertTrue(project.contains("name = \"Pays test\""))
        // Nothing is overwritten without --force, and the refusal names the files.
        try "# mine\n".write(toFile: "\(kit)/friction.csv", atomically: true, encoding: .utf8)
        let again = try trame(["init", kit])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.err.contains("\(kit)/project.toml") && again.err.contains("--force"), again.err)
        XCTAssertEqual(try String(contentsOfFile: "\(kit)/friction.csv", encoding: .utf8), "# mine\n")
        XCTAssertEqual(try trame(["init", kit, "--preset", "clc", "--name", "Pays test", "--force"]).status, 0)
        XCTAssertNotEqual(try String(contentsOfFile: "\(kit)/friction.csv", encoding: .utf8), "# mine\n")

        // What the user must supply, read from project.toml's text here: the raster's line, and each line
        // naming a layer { file = … }, a layer named twice (paths, the itineraries' network) at its first line.
        var expected = lineNumbers(project) { $0.hasPrefix("raster = \"landcover.tif\"") }
        var seen = Set<String>()
        let all = project.components(separatedBy: "\n")
        for n in lineNumbers(project, { $0.contains("{ file = \"") && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }) {
            let inline = String(all[n - 1][all[n - 1].range(of: "{")!.lowerBound...])
            if seen.insert(inline).inserted { expected.append(n) }
        }
        // The levels of units: each [[units.level]] names its layer on its own lines, told at the entry's file line.
        expected += lineNumbers(project) { $0.hasPrefix("file = \"") }
        XCTAssertEqual(expected.count, 13, "land cover, 4 inventories, roads, railways, paths, watercourses, obstacles, communes, groupings, leisure hubs")

        let check = try trame(["check", "\(kit)/project.toml"])
        XCTAssertEqual(check.status, 1, check.err)
        let problems = check.out.components(separatedBy: "\n").filter { $0.hasPrefix("\(kit)/project.toml:") }
        let lines = problems.map { Int($0.dropFirst("\(kit)/project.toml:".count).prefix { $0.isNumber })! }
        XCTAssertEqual(lines.sorted(), expected.sorted(), check.out)
        XCTAssertEqual(problems.count, check.out.components(separatedBy: "\n").filter { !$0.isEmpty }.count - 1, "only the missing inputs and a summary:\n\(check.out)")
        for line in problems { XCTAssertTrue(line.contains("is missing") && line.contains("INPUTS.md"), line) }
        XCTAssertTrue(problems.contains { $0.contains("[land_cover] raster") && $0.contains("landcover.tif") })
        XCTAssertTrue(problems.contains { $0.contains("[infrastructure] paths, [itineraries] network") })
        // Every role check names is a key INPUTS.md lists.
        let inputs = try String(contentsOfFile: "\(kit)/INPUTS.md", encoding: .utf8)
        for key in ["[land_cover] raster", "[infrastructure] roads", "[hydrography] obstacles", "[[units.level]] commune", "[leisure_hubs] source"] {
            XCTAssertTrue(inputs.contains("`\(key)`"), key)
            XCTAssertTrue(problems.contains { $0.contains(key) }, key)
        }

        let json = try trame(["check", "\(kit)/project.toml", "--json"])
        XCTAssertEqual(json.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(object["ok"] as? Bool, false)
        XCTAssertEqual((object["problems"] as? [[String: Any]])?.compactMap { $0["line"] as? Int }.sorted(), expected.sorted())
    }

    /// The sample preset on the data of `trame demo`: clean; then four faults seeded at once, each reported.
    func testSampleKitOnDemoDataThenSeededFaults() throws {
        let demo = p("demo"), kit = p("kit")
        let d = try trame(["demo", "--size", "tiny", "--out", demo, "--generate-only", "--quiet"])
        XCTAssertEqual(d.status, 0, d.err)
        XCTAssertEqual(try trame(["init", kit, "--preset", "sample"]).status, 0)
        for f in ["landcover.tif", "territory.gpkg"] { try FileManager.default.copyItem(atPath: "\(demo)/\(f)", toPath: "\(kit)/\(f)") }
        let clean = try trame(["check", "\(kit)/project.toml"])
        XCTAssertEqual(clean.status, 0, clean.out + clean.err)
        XCTAssertTrue(clean.out.contains("ok: "), clean.out)
        let ran = try trame(["run", "\(kit)/project.toml", "-o", p("scheme"), "--quiet"])
        XCTAssertEqual(ran.status, 0, ran.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: p("scheme/scheme.gpkg")))

        // Seeded: an unknown key, a missing file, a negative friction, a class missing from the friction table.
        var project = try String(contentsOfFile: "\(kit)/project.toml", encoding: .utf8).components(separatedBy: "\n")
        let territory = project.firstIndex(of: "[territory]")!
        project.insert("population = 120000", at: territory + 1)
        let railways = project.firstIndex { $0.hasPrefix("railways = ") }!
        project[railways] = "railways = { file = \"rail.gpkg\" }"
        try project.joined(separator: "\n").write(toFile: "\(kit)/project.toml", atomically: true, encoding: .utf8)
        var friction = try String(contentsOfFile: "\(kit)/friction.csv", encoding: .utf8).components(separatedBy: "\n")
        let grass = friction.firstIndex { $0.hasPrefix("11,") }!
        friction[grass] = "11,\"Grassland (meadows and pastures)\",30,-20,30,30,20"
        let woodland = friction.firstIndex { $0.hasPrefix("20,") }!
        friction.remove(at: woodland)
        try friction.joined(separator: "\n").write(toFile: "\(kit)/friction.csv", atomically: true, encoding: .utf8)

        let check = try trame(["check", "\(kit)/project.toml"])
        XCTAssertEqual(check.status, 1)
        let out = check.out.components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("warning:") }
        XCTAssertEqual(out.count, 5, check.out)   // four problems and the summary
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/project.toml:\(territory + 2): ") && $0.contains("unknown key 'population'") }, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/project.toml:\(railways + 1): ") && $0.contains("rail.gpkg is missing") }, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/friction.csv:\(grass + 1): ") && $0.contains("column 'calcicolous': resistance -20 must be > 0") }, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/friction.csv: ") && $0.contains("no row for class 20 ") }, check.out)
        XCTAssertEqual(out.last, "4 problems in \(kit)/project.toml")
        // The run stops on the first of them.
        let run = try trame(["run", "\(kit)/project.toml", "-o", p("out"), "--quiet"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.err.contains("unknown key 'population'"), run.err)
    }

    /// Layer fields and the land cover's CRS, checked against the demo's data: every fault, each in its file.
    func testCheckNamesMissingFieldsAndAWrongCRS() throws {
        let demo = p("demo"), kit = p("kit")
        XCTAssertEqual(try trame(["demo", "--size", "tiny", "--out", demo, "--generate-only", "--quiet"]).status, 0)
        XCTAssertEqual(try trame(["init", kit, "--preset", "sample"]).status, 0)
        for f in ["landcover.tif", "territory.gpkg"] { try FileManager.default.copyItem(atPath: "\(demo)/\(f)", toPath: "\(kit)/\(f)") }
        var project = try String(contentsOfFile: "\(kit)/project.toml", encoding: .utf8)
        project = project.replacingOccurrences(of: "\npassability_field = \"passability\"", with: "\npassability_field = \"ice\"")
        let units = try XCTUnwrap(project.range(of: "[units]"))
        let firstLevel = try XCTUnwrap(project.range(of: "[[units.level]]"))
        project = project.replacingOccurrences(of: "name_field = \"name\"", with: "name_field = \"nom\"", range: units.upperBound..<firstLevel.lowerBound)
        try project.write(toFile: "\(kit)/project.toml", atomically: true, encoding: .utf8)
        let check = try trame(["check", "\(kit)/project.toml"])
        XCTAssertEqual(check.status, 1)
        let out = check.out.components(separatedBy: "\n").filter { !$0.isEmpty && !$0.hasPrefix("warning:") }
        XCTAssertEqual(out.count, 5, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/territory.gpkg: ") && $0.contains("SCoT layer 'scot' has no field 'nom'") }, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/territory.gpkg: ") && $0.contains("commune layer 'communes' has no field 'nom'") }, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/territory.gpkg: ") && $0.contains("EPCI layer 'groupings' has no field 'nom'") }, check.out)
        XCTAssertTrue(out.contains { $0.hasPrefix("\(kit)/territory.gpkg: ") && $0.contains("obstacle layer 'obstacles' has no field 'ice'") }, check.out)

        // A land cover in another CRS than the project's: reprojected to it, with a warning naming both; in a
        // CRS meant for another part of the world (UTM 19N, the Caribbean), refused with the UTM zone of the
        // territory's centre (31N: the sample lies near Lens, 2.7° E).
        try project.replacingOccurrences(of: "crs = \"EPSG:2154\"", with: "crs = \"EPSG:32631\"").write(toFile: "\(kit)/project.toml", atomically: true, encoding: .utf8)
        let crs = try trame(["check", "\(kit)/project.toml", "--json"])
        XCTAssertEqual(crs.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(crs.out.utf8)) as? [String: Any])
        let problems = try XCTUnwrap(object["problems"] as? [[String: Any]])
        XCTAssertEqual(problems.count, 4, crs.out)
        let warnings = try XCTUnwrap(object["warnings"] as? [[String: Any]])
        XCTAssertTrue(warnings.contains { ($0["message"] as? String)?.contains("land cover in RGF93 v1 / Lambert-93 (EPSG:2154), reprojected to WGS 84 / UTM zone 31N (EPSG:32631)") == true }, crs.out)
        try project.replacingOccurrences(of: "crs = \"EPSG:2154\"", with: "crs = \"EPSG:32619\"").write(toFile: "\(kit)/project.toml", atomically: true, encoding: .utf8)
        let far = try trame(["check", "\(kit)/project.toml", "--json"])
        let farObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(far.out.utf8)) as? [String: Any])
        let farProblems = try XCTUnwrap(farObject["problems"] as? [[String: Any]])
        XCTAssertTrue(farProblems.contains { ($0["file"] as? String) == "\(kit)/landcover.tif" && ($0["message"] as? String)?.contains("UTM zone 31N (EPSG:32631): write [territory] crs = \"EPSG:32631\"") == true }, far.out)
    }
}
