import Foundation
import XCTest
import TrameCost
@testable import TrameScheme

/// The start kit of `trame init`: the CLC preset against the EEA's list, the tables it writes read back
/// by the run's own readers (comments included), and the project reader listing every problem at once.
final class StartKitTests: XCTestCase {
    /// The EEA's 44 level-3 classes (Tests/Fixtures/reference/clc, source in the fixtures' README).
    func officialCLC() throws -> [(Int, String)] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/reference/clc/clc_level3.csv").standardized.path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        return lines.map { line in
            let comma = line.firstIndex(of: ",")!
            return (Int(line[..<comma])!, String(line[line.index(after: comma)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
    }

    func testCLCPresetIsTheEEAList() throws {
        let official = try officialCLC()
        XCTAssertEqual(official.count, 44)
        let preset = CorineLandCover.classes
        XCTAssertEqual(Set(preset.map(\.code)).count, 44, "44 distinct codes")
        XCTAssertEqual(preset.map(\.code), official.map(\.0))
        XCTAssertEqual(preset.map(\.label), official.map(\.1))
        XCTAssertEqual(preset.first { $0.code == 111 }?.labelFr, "Tissu urbain continu")
        XCTAssertEqual(preset.first { $0.code == 311 }?.labelFr, "Forêts de feuillus")
        for c in preset { XCTAssertEqual(c.resistance.count, 5, "class \(c.code)") }
    }

    /// The tables as written, read by the run's readers: every class, every sub-network's column, each
    /// habitat class at resistance 1 in its column, every supporting class easier than farmland (≤ 30).
    func testKitTablesReadBack() throws {
        for preset in StartKit.Preset.allCases {
            let classes = StartKit.classes(preset)
            let nomenclature = try Nomenclature.parse(StartKit.nomenclatureCSV(preset), name: "nomenclature.csv")
            XCTAssertEqual(Set(nomenclature.keys), Set(classes.map(\.code)), "\(preset)")
            let table = try FrictionTable.parse(StartKit.frictionCSV(preset), name: "friction.csv")
            XCTAssertEqual(table.columns, ["forest", "calcicolous", "mining", "river", "wetland"])
            XCTAssertEqual(table.rows.map(\.code), classes.map(\.code))
            for (k, name) in table.columns.enumerated() {
                let sub = StartKit.subNetwork(name, preset)
                for c in sub.habitat { XCTAssertEqual(table.rows.first { $0.code == c }?.values[k], 1, "\(preset) \(name): habitat \(c)") }
                // A supporting class is easier to cross than arable land (sample 10, CLC 211, NLCD 82).
                let arableCode = switch preset { case .clc: 211; case .nlcd: 82; case .sample: 10 }
                let arable = try XCTUnwrap(table.rows.first { $0.code == arableCode }?.values[k] ?? nil)
                for c in sub.supporting {
                    let v = try XCTUnwrap(table.rows.first { $0.code == c }?.values[k] ?? nil)
                    XCTAssertLessThan(v, arable, "\(preset) \(name): supporting \(c)")
                }
            }
        }
        // The CLC values are on the five-step scale the file cites.
        let clc = try FrictionTable.parse(StartKit.frictionCSV(.clc), name: "friction.csv")
        for row in clc.rows { for v in row.values { XCTAssertTrue([1, 10, 30, 100, 1000].contains(v ?? -1), "class \(row.code): \(String(describing: v))") } }
        XCTAssertTrue(StartKit.frictionCSV(.clc).contains("EEA Technical report No 40"))
        // Continuous urban fabric is hostile to all, broad-leaved forest is forest habitat (hand-checked rows).
        XCTAssertTrue(StartKit.frictionCSV(.clc).contains("\n111,\"Continuous urban fabric\",1000,1000,1000,1000,1000\n"))
        XCTAssertTrue(StartKit.frictionCSV(.clc).contains("\n311,\"Broad-leaved forest\",1,30,10,30,30\n"))
    }

    /// The project of each preset reads, and every class it names is in its nomenclature, every
    /// sub-network has its friction column.
    func testKitProjectReadsAndAgreesWithItsTables() throws {
        for preset in StartKit.Preset.allCases {
            let p = try ProjectFile.parse(ProjectTemplate.text(name: "Mon territoire", preset: preset), file: "/kit/project.toml")
            XCTAssertEqual(p.name, "Mon territoire")
            XCTAssertEqual(p.landCover, "/kit/landcover.tif")
            XCTAssertEqual(p.nomenclature, "/kit/nomenclature.csv")
            XCTAssertEqual(p.friction, "/kit/friction.csv")
            let nomenclature = try Nomenclature.parse(StartKit.nomenclatureCSV(preset), name: "nomenclature.csv")
            let table = try FrictionTable.parse(StartKit.frictionCSV(preset), name: "friction.csv")
            XCTAssertEqual(InputChecks.frictionProblems(table, nomenclature: nomenclature, histogram: [:], project: p).map { "\($0)" }, [], "\(preset)")
            XCTAssertEqual(p.subNetworks.count, 5)
        }
        let clc = try ProjectFile.parse(ProjectTemplate.text(name: "T", preset: .clc), file: "/kit/project.toml")
        XCTAssertEqual(clc.builtUp, [111, 112, 121, 123])
        XCTAssertEqual(clc.subNetworks.first { $0.name == "forest" }?.habitat, [311, 312, 313])
        XCTAssertEqual(clc.resolution, 25)
        XCTAssertEqual(clc.inventories.map(\.source.layer), ["znieff1", "natura2000", "ens", "wetlands"])
        // The sample preset keeps the sample's project (the demo's layers and classes).
        // (The init template's header is one line longer: the same project, lines aside.)
        func withoutLines(_ p: Project) -> Project {
            var p = p
            func strip(_ s: LayerSource?) -> LayerSource? { s.map { var s = $0; s.line = nil; return s } }
            p.boundary = strip(p.boundary); p.roads = strip(p.roads); p.railways = strip(p.railways); p.paths = strip(p.paths)
            p.communes = strip(p.communes); p.groupings = strip(p.groupings); p.leisureHubs = strip(p.leisureHubs)
            for k in p.inventories.indices { p.inventories[k].line = nil; p.inventories[k].source.line = nil }
            for k in p.subNetworks.indices { p.subNetworks[k].line = nil }
            for k in p.unitLevels.indices { p.unitLevels[k].line = nil; p.unitLevels[k].source.line = nil }
            p.itineraries?.network.line = nil
            p.hydrography?.watercourses.line = nil
            let obstacles = strip(p.hydrography?.obstacles)
            p.hydrography?.obstacles = obstacles
            return p
        }
        let sample = try ProjectFile.parse(ProjectTemplate.text(name: "T", preset: .sample), file: "/kit/project.toml")
        let demo = try ProjectFile.parse(ProjectTemplate.text(name: "T", forSample: true), file: "/kit/project.toml")
        XCTAssertNotEqual(sample, demo)
        XCTAssertEqual(withoutLines(sample), withoutLines(demo))
    }

    /// Comment lines are skipped before the header and between rows, the rows keep their own line numbers,
    /// and every problem of a table is listed with its line.
    func testCSVCommentsAndEveryProblemWithItsLine() {
        let text = """
        # a comment, with commas, and "quotes"
          # an indented one

        code,label,forest
        1,"a",1
        # between rows
        2,"b",-3
        3,"c"
        4,"# not a comment
        # the label's second line",10
        1,"again",5

        """
        let (table, problems) = FrictionTable.check(text, name: "f.csv")
        XCTAssertEqual(problems.map(\.line), [7, 8, 11])
        XCTAssertEqual(problems.map(\.description), [
            "f.csv: line 7, column 'forest': resistance -3 must be > 0 (use inf or leave empty for impassable)",
            "f.csv: line 8: 2 values where the header has 3 (code,label,forest): a missing column; leave a cell empty or write inf for an impassable class",
            "f.csv: line 11: class 1 appears twice (first on line 5)",
        ])
        XCTAssertEqual(table?.rows.map(\.code), [1, 2, 4])
        XCTAssertEqual(table?.rows.last?.label, "# not a comment\n# the label's second line")
        XCTAssertThrowsError(try FrictionTable.parse(text, name: "f.csv")) { XCTAssertEqual(($0 as? InputFileError)?.line, 7) }
        let (n, nProblems) = Nomenclature.check("# classes\ncode,label\n# one\n5,x\ny,z\n", name: "n.csv")
        XCTAssertEqual(Array(n.keys), [5])
        XCTAssertEqual(nProblems, [InputFileError("n.csv", line: 5, "class code 'y' is not an integer")])
    }

    /// The project reader goes on past a problem: every one is listed with its line, and `parse` throws the first.
    func testProjectProblemsAllAtOnce() throws {
        var lines = ProjectTemplate.text(name: "T", preset: .clc).components(separatedBy: "\n")
        func index(_ prefix: String, after start: Int = 0) -> Int { lines.indices.first { $0 >= start && lines[$0].hasPrefix(prefix) }! }
        let territory = index("[territory]")
        lines.insert("colour_scheme = \"green\"", at: territory + 1)            // unknown key
        let minArea = index("min_area = ", after: index("[nature_spaces]"))
        lines[minArea] = "min_area = 5"                                         // no unit
        let colour = index("colour = ", after: index("[[subnetwork]]"))
        lines[colour] = "colour = \"green\""                                    // not #rrggbb
        let lang = index("lang = ")
        lines[lang] = "lang = \"de\""
        let (project, problems) = ProjectFile.diagnose(lines.joined(separator: "\n"), file: "/kit/project.toml")
        XCTAssertNotNil(project)
        // In the order they are read (sections first, then the values); each on its own line.
        XCTAssertEqual(problems.count, 4)
        let expected = [(territory + 2, "unknown key 'colour_scheme'"), (minArea + 1, "min_area"), (colour + 1, "colour 'green' must be #rrggbb"),
                        (lang + 1, "lang 'de'")]
        for (line, words) in expected {
            let found = problems.filter { $0.line == line }
            XCTAssertEqual(found.count, 1, "line \(line): \(problems)")
            XCTAssertTrue(found.first?.problem.contains(words) == true, "line \(line): \(found)")
        }
        XCTAssertThrowsError(try ProjectFile.parse(lines.joined(separator: "\n"), file: "/kit/project.toml")) {
            XCTAssertEqual(($0 as? ProjectError)?.line, territory + 2)
        }
    }

    /// INPUTS.md names every key of the template that points at a file to supply, in both languages.
    func testInputsListEveryLayerOfTheTemplate() throws {
        for preset in StartKit.Preset.allCases {
            let md = StartKit.inputsMarkdown(preset)
            XCTAssertTrue(md.contains("## Français") && md.contains("## English"))
            let p = try ProjectFile.parse(ProjectTemplate.text(name: "T", preset: preset), file: "/kit/project.toml")
            for key in ["[land_cover] raster", "[infrastructure] roads", "[infrastructure] railways", "[hydrography] watercourses", "[hydrography] obstacles",
                        "[[units.level]] commune", "[[units.level]] EPCI", "[leisure_hubs] source"] {
                XCTAssertEqual(md.components(separatedBy: "| `\(key)` |").count - 1, 2, "\(preset): \(key) in both tables")
            }
            for inv in p.inventories { XCTAssertTrue(md.contains("[[inventory]] source (\(inv.name))"), "\(preset): \(inv.name)") }
            XCTAssertTrue(md.contains("`passability` (required)") && md.contains("`passability` (obligatoire)"))
        }
    }
}
