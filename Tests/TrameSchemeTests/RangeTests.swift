import Foundation
import XCTest
@testable import TrameScheme

/// Every number of the project file has a range, declared once in `ProjectKeys`: values past it are
/// refused in one line naming the file, the line, the value as written and the range.
final class ProjectRangeTests: XCTestCase {
    let base = """
    [territory]
    name = "Ranges"
    resolution = "10 m"
    reference_share = "12 %"

    [land_cover]
    raster = "lc.tif"
    nomenclature = "nom.csv"
    friction = "friction.csv"
    built_up = [1, 2]

    [nature_spaces]
    min_area = "1 ha"

    [buffer_zones]
    min_town_area = "20 ha"
    max_break_width = "1500 m"
    around_network = "200 m"
    min_area = "5 ha"
    edge = "50 m"

    [infrastructure]
    min_crossing = "10 m"

    [itineraries]
    network = { file = "paths.gpkg" }
    prefer_green = 1.0
    max_snap = "1000 m"

    [pinch_points]
    links_per_subnetwork = 50

    [hydrography]
    watercourses = { file = "rivers.gpkg" }
    riparian_strip = "25 m"
    breaking_passability = 0.33
    good_continuity = "5 km"
    barrier_classes = [3]

    [[subnetwork]]
    name = "forest"
    habitat = [20]
    supporting = [21]
    min_reservoir_area = "5 ha"
    dispersal_distance = "50000 cost"
    dispersal_probability = 0.05
    corridor_width = "250 m"
    """

    /// `base` with the line holding `old` replaced; returns the text and that line's number.
    func with(_ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) -> (String, Int) {
        let lines = base.components(separatedBy: "\n")
        guard let k = lines.firstIndex(where: { $0.contains(old) }) else { XCTFail("no line holds \(old)", file: file, line: line); return (base, 0) }
        var out = lines
        out[k] = out[k].replacingOccurrences(of: old, with: new)
        return (out.joined(separator: "\n"), k + 1)
    }

    func parse(_ text: String) throws -> Project { try ProjectFile.parse(text, file: "/p/project.toml") }

    /// Refused with one line `/p/project.toml:LINE: …` holding every word given.
    func assertRefused(_ old: String, _ new: String, mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
        let (text, at) = with(old, new, file: file, line: line)
        XCTAssertThrowsError(try parse(text), file: file, line: line) { e in
            guard let pe = e as? ProjectError else { return XCTFail("not a ProjectError: \(e)", file: file, line: line) }
            XCTAssertEqual(pe.line, at, pe.description, file: file, line: line)
            XCTAssertTrue(pe.description.hasPrefix("/p/project.toml:\(at): "), pe.description, file: file, line: line)
            XCTAssertFalse(pe.description.contains("\n"), "one line: \(pe.description)", file: file, line: line)
            for w in words { XCTAssertTrue(pe.description.contains(w), "'\(w)' not in: \(pe.description)", file: file, line: line) }
        }
    }

    func assertAccepted(_ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) {
        let (text, _) = with(old, new, file: file, line: line)
        XCTAssertNoThrow(try parse(text), file: file, line: line)
    }

    func testBaseIsValid() throws {
        let p = try parse(base)
        XCTAssertEqual(p.bufferZones.maxBreakWidth, 1500)
        XCTAssertEqual(p.pinchPointLinks, 50)
        XCTAssertEqual(p.minCrossing, 10)
        XCTAssertEqual(p.itineraries?.maxSnap, 1000)
    }

    /// The values that used to crash the reader or the run (SIGILL) or slip through.
    func testReportedValuesAreRefused() {
        assertRefused("min_area = \"1 ha\"", "min_area = \"1e308 ha\"",
                      mentions: ["min_area \"1e308 ha\" is out of range: 0 ha to 1,000,000 ha"])
        assertRefused("min_town_area = \"20 ha\"", "min_town_area = \"1e308 ha\"", mentions: ["min_town_area", "1e308 ha", "0 ha to 1,000,000 ha"])
        assertRefused("min_area = \"5 ha\"", "min_area = \"1e308 ha\"", mentions: ["min_area \"1e308 ha\"", "0 ha to 1,000,000 ha"])
        assertRefused("max_break_width = \"1500 m\"", "max_break_width = \"1e300 m\"",
                      mentions: ["max_break_width \"1e300 m\" is out of range: 0 m to 100 km"])
        assertRefused("max_snap = \"1000 m\"", "max_snap = \"1e308 m\"", mentions: ["max_snap \"1e308 m\"", "0 m to 100 km"])
        assertRefused("links_per_subnetwork = 50", "links_per_subnetwork = 9223372036854775807",
                      mentions: ["links_per_subnetwork 9223372036854775807 is out of range: 0 to 1,000,000"])
        assertRefused("min_area = \"1 ha\"", "min_area = \"-5 ha\"", mentions: ["min_area \"-5 ha\" is out of range"])
        assertRefused("edge = \"50 m\"", "edge = \"-1 m\"", mentions: ["edge \"-1 m\"", "0 m to 10 km"])
        assertRefused("min_reservoir_area = \"5 ha\"", "min_reservoir_area = \"-0.5 ha\"", mentions: ["min_reservoir_area", "0 ha to 1,000,000 ha"])
        assertRefused("habitat = [20]", "habitat = [20, 3000000000]",
                      mentions: ["habitat: class code 3000000000 is out of range: -2,147,483,648 to 2,147,483,647"])
        assertRefused("built_up = [1, 2]", "built_up = [1, -9223372036854775807]", mentions: ["built_up", "-9223372036854775807", "out of range"])
        assertRefused("prefer_green = 1.0", "prefer_green = -1", mentions: ["prefer_green -1 is out of range: 0 to 1,000"])
        assertRefused("dispersal_distance = \"50000 cost\"", "dispersal_distance = \"1e300 cost\"",
                      mentions: ["dispersal_distance \"1e300 cost\"", "more than 0 cost, up to 1,000,000,000,000 cost"])
        assertRefused("corridor_width = \"250 m\"", "corridor_width = \"1e300 m\"",
                      mentions: ["corridor_width \"1e300 m\" is out of range: 0 cost to 1,000,000,000,000 cost, or 0 m to 10 km"])
        assertRefused("corridor_width = \"250 m\"", "corridor_width = \"-3 cost\"", mentions: ["corridor_width \"-3 cost\"", "out of range"])
        assertRefused("links_per_subnetwork = 50", "links_per_subnetwork = 2.5", mentions: ["whole number"])
    }

    /// An integer past Int64 is not a number TOML holds: refused with its line, no trap.
    func testIntegerPastInt64IsRefused() {
        assertRefused("links_per_subnetwork = 50", "links_per_subnetwork = 9223372036854775808", mentions: ["not valid TOML"])
        assertRefused("habitat = [20]", "habitat = [99999999999999999999]", mentions: ["not valid TOML"])
    }

    /// Each bound accepted, and a value just past it refused.
    func testBoundaries() {
        assertAccepted("min_area = \"1 ha\"", "min_area = \"1000000 ha\"")
        assertAccepted("min_area = \"1 ha\"", "min_area = \"10000 km2\"")
        assertAccepted("min_area = \"1 ha\"", "min_area = \"0 ha\"")
        assertRefused("min_area = \"1 ha\"", "min_area = \"1000000.01 ha\"", mentions: ["1,000,000 ha"])
        assertRefused("min_area = \"1 ha\"", "min_area = \"10001 km2\"", mentions: ["min_area \"10001 km2\""])
        assertAccepted("resolution = \"10 m\"", "resolution = \"0.1 m\"")
        assertAccepted("resolution = \"10 m\"", "resolution = \"10 km\"")
        assertRefused("resolution = \"10 m\"", "resolution = \"0.09 m\"", mentions: ["resolution \"0.09 m\" is out of range: 0.1 m to 10 km"])
        assertRefused("resolution = \"10 m\"", "resolution = \"10.001 km\"", mentions: ["0.1 m to 10 km"])
        assertRefused("resolution = \"10 m\"", "resolution = \"0 m\"", mentions: ["0.1 m to 10 km"])
        assertAccepted("reference_share = \"12 %\"", "reference_share = \"100 %\"")
        assertRefused("reference_share = \"12 %\"", "reference_share = \"100.1 %\"", mentions: ["reference_share \"100.1 %\" is out of range: 0 % to 100 %"])
        assertAccepted("dispersal_probability = 0.05", "dispersal_probability = 0.999")
        assertAccepted("dispersal_probability = 0.05", "dispersal_probability = \"5 %\"")
        assertRefused("dispersal_probability = 0.05", "dispersal_probability = 1", mentions: ["dispersal_probability 1 is out of range: strictly between 0 and 1"])
        assertRefused("dispersal_probability = 0.05", "dispersal_probability = 0.0", mentions: ["strictly between 0 and 1"])
        assertRefused("dispersal_probability = 0.05", "dispersal_probability = \"100 %\"", mentions: ["\"100 %\"", "strictly between 0 and 1"])
        assertAccepted("links_per_subnetwork = 50", "links_per_subnetwork = 1000000")
        assertAccepted("links_per_subnetwork = 50", "links_per_subnetwork = 0")
        assertRefused("links_per_subnetwork = 50", "links_per_subnetwork = 1000001", mentions: ["0 to 1,000,000"])
        assertAccepted("max_break_width = \"1500 m\"", "max_break_width = \"100 km\"")
        assertRefused("max_break_width = \"1500 m\"", "max_break_width = \"100001 m\"", mentions: ["0 m to 100 km"])
        assertAccepted("corridor_width = \"250 m\"", "corridor_width = \"10 km\"")
        assertAccepted("corridor_width = \"250 m\"", "corridor_width = \"1e12 cost\"")
        assertRefused("corridor_width = \"250 m\"", "corridor_width = \"10.001 km\"", mentions: ["0 m to 10 km"])
        assertAccepted("dispersal_distance = \"50000 cost\"", "dispersal_distance = \"1e12 cost\"")
        assertRefused("dispersal_distance = \"50000 cost\"", "dispersal_distance = \"0 cost\"", mentions: ["more than 0 cost"])
        assertAccepted("habitat = [20]", "habitat = [2147483647]")
        assertAccepted("habitat = [20]", "habitat = [-2147483648]")
        assertRefused("habitat = [20]", "habitat = [2147483648]", mentions: ["class code 2147483648 is out of range"])
        assertAccepted("prefer_green = 1.0", "prefer_green = 1000")
        assertRefused("prefer_green = 1.0", "prefer_green = 1000.5", mentions: ["0 to 1,000"])
    }

    /// The table's defaults are the reader's, and each lies in its own range.
    func testDefaultsComeFromTheTable() throws {
        let minimal = """
        [territory]
        name = "Defaults"
        [land_cover]
        raster = "lc.tif"
        nomenclature = "nom.csv"
        friction = "friction.csv"
        built_up = [1]
        [itineraries]
        network = "paths.gpkg"
        [pinch_points]
        [[subnetwork]]
        name = "forest"
        habitat = [20]
        """
        let p = try parse(minimal)
        func d(_ s: String, _ k: String) -> Double? { ProjectKeys.entry(s, k)?.defaultValue }
        XCTAssertEqual(p.mixedMinAreaHa, d("nature_spaces", "min_area"))
        XCTAssertEqual(p.bufferZones.minTownHa, d("buffer_zones", "min_town_area"))
        XCTAssertEqual(p.bufferZones.maxBreakWidth, d("buffer_zones", "max_break_width"))
        XCTAssertEqual(p.bufferZones.aroundNetwork, d("buffer_zones", "around_network"))
        XCTAssertEqual(p.bufferZones.minAreaHa, d("buffer_zones", "min_area"))
        XCTAssertEqual(p.bufferZones.edge, d("buffer_zones", "edge"))
        XCTAssertEqual(p.itineraries?.maxSnap, d("itineraries", "max_snap"))
        XCTAssertEqual(p.itineraries?.preferGreen, d("itineraries", "prefer_green"))
        XCTAssertEqual(p.pinchPointLinks, 50)
        XCTAssertEqual(Double(p.pinchPointLinks), d("pinch_points", "links_per_subnetwork"))
        XCTAssertEqual(p.minCrossing, d("infrastructure", "min_crossing"))
        let s = try XCTUnwrap(p.subNetworks.first)
        XCTAssertEqual(s.minReservoirHa, d("subnetwork", "min_reservoir_area"))
        XCTAssertEqual(s.dispersalCost, d("subnetwork", "dispersal_distance"))
        XCTAssertEqual(s.dispersalProbability, d("subnetwork", "dispersal_probability"))
        XCTAssertNil(p.resolution); XCTAssertNil(p.referenceShare)
        for k in ProjectKeys.all {
            if let v = k.defaultValue { XCTAssertTrue(k.range.contains(v), "\(k.label): default \(v) outside \(k.rangeText)") }
            XCTAssertFalse(k.meaning.isEmpty, k.label)
        }
        XCTAssertEqual(Set(ProjectKeys.all.map(\.label)).count, ProjectKeys.all.count, "each key once")
    }

    /// Every key of the table is read by the reader: a value just past each one's range is refused
    /// with that key's name (a key in the table the reader ignored would be accepted).
    func testReaderChecksEveryKeyOfTheTable() {
        for k in ProjectKeys.all {
            let past: String
            switch k.kind {
            case .area: past = "\"\(k.range.high * 2) ha\""
            case .length: past = "\"\(k.range.high * 2) m\""
            case .cost: past = "\"\(k.range.high * 2) cost\""
            case .share: past = "\"\(k.range.high * 200) %\""
            case .probability: past = "1.5"
            case .width: past = "\"\(k.ranges[1].high * 2) m\""
            case .count, .weight: past = "\(Int(k.range.high) * 2)"
            case .classCodes: past = "[\(Int64(k.range.high) + 1)]"
            case .classCode: past = "\(Int64(k.range.high) + 1)"
            }
            var lines = base.components(separatedBy: "\n")
            let header = k.section == "subnetwork" ? "[[subnetwork]]" : "[\(k.section)]"
            guard let h = lines.firstIndex(of: header) else { XCTFail("no \(header) in the test project"); continue }
            if let at = lines[(h + 1)...].firstIndex(where: { $0.hasPrefix("\(k.name) =") }) {
                lines[at] = "\(k.name) = \(past)"
            } else {
                lines.insert("\(k.name) = \(past)", at: h + 1)
            }
            XCTAssertThrowsError(try parse(lines.joined(separator: "\n")), k.label) { e in
                let text = "\(e)"
                XCTAssertTrue(text.contains(k.name) && text.contains("out of range"), "\(k.label): \(text)")
            }
        }
    }

    /// README's table of project keys is the one `ProjectKeys.markdownTable` makes.
    func testReadmeTableMatchesTheSwiftTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = "<!-- project-keys: begin (generated from ProjectKeys.all; checked by ProjectRangeTests) -->"
        let end = "<!-- project-keys: end -->"
        guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) else {
            return XCTFail("README.md has no table of project keys between \(begin) and \(end)")
        }
        let table = text[b.upperBound..<e.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        let want = ProjectKeys.markdownTable
        let have = table.components(separatedBy: "\n"), wanted = want.components(separatedBy: "\n")
        for row in wanted where !have.contains(row) { XCTFail("README.md lacks the row: \(row)") }
        for row in have where !wanted.contains(row) { XCTFail("README.md has a row that ProjectKeys.all lacks: \(row)") }
        XCTAssertEqual(table, want, "README.md's table differs (order); paste ProjectKeys.markdownTable")
    }

    func testRangeTexts() {
        XCTAssertEqual(Ranges.area.text, "0 ha to 1,000,000 ha")
        XCTAssertEqual(Ranges.resolution.text, "0.1 m to 10 km")
        XCTAssertEqual(Ranges.probability.text, "strictly between 0 and 1")
        XCTAssertEqual(Ranges.share.text, "0 % to 100 %")
        XCTAssertFalse(Ranges.area.contains(.nan)); XCTAssertFalse(Ranges.area.contains(.infinity))
        XCTAssertEqual(ValueRange.number(-2_147_483_648), "-2,147,483,648")
    }
}
