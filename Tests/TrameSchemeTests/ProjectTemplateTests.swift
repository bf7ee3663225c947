import Foundation
import XCTest
import TrameCost
@testable import TrameScheme

/// The commented template and the run's parameters come from the table of keys (`ProjectKeys.all`).
final class ProjectTemplateTests: XCTestCase {
    func parse(_ text: String) throws -> Project { try ProjectFile.parse(text, file: "/p/project.toml") }

    /// Every key of the table is written in both templates, in its section.
    func testEveryKeyAppearsInTheTemplate() {
        for forSample in [false, true] {
            let index = ProjectFile.LineIndex(ProjectTemplate.text(name: "T", forSample: forSample))
            for k in ProjectKeys.all {
                let path = k.section == "subnetwork" ? "subnetwork#0.\(k.name)" : "\(k.section).\(k.name)"
                XCTAssertNotNil(index.lines[path], "\(k.label) is not in the template (forSample: \(forSample))")
            }
        }
    }

    /// The template reads back with the values it writes (worked out from its text by hand).
    func testTemplateReadsBack() throws {
        let p = try parse(ProjectTemplate.text(name: "Sample", forSample: true))
        XCTAssertEqual(p.name, "Sample")
        XCTAssertEqual(p.resolution, 10)
        XCTAssertEqual(p.referenceShare, 0.12)
        XCTAssertEqual(p.builtUp, [1, 2, 3])
        XCTAssertEqual(p.landCoverNoData, 0)
        XCTAssertEqual(p.mixedMinAreaHa, 1)
        XCTAssertEqual(p.bufferZones.minTownHa, 20)
        XCTAssertEqual(p.bufferZones.maxBreakWidth, 1500)
        XCTAssertEqual(p.bufferZones.aroundNetwork, 200)
        XCTAssertEqual(p.bufferZones.minAreaHa, 5)
        XCTAssertEqual(p.bufferZones.edge, 100)
        XCTAssertEqual(p.itineraries?.preferGreen, 1)
        XCTAssertEqual(p.itineraries?.maxSnap, 1000)
        XCTAssertEqual(p.pinchPointLinks, 50)
        XCTAssertEqual(p.subNetworks.map(\.name), ["forest", "calcicolous", "mining", "river", "wetland"])
        XCTAssertEqual(p.subNetworks.map(\.corridorWidth), [.cost(5000), .cost(3000), .cost(4000), .cost(2000), .cost(3000)])
        XCTAssertEqual(p.subNetworks.map(\.dispersalCost), [50_000, 30_000, 40_000, 20_000, 30_000])
        XCTAssertEqual(p.subNetworks.map(\.minReservoirHa), [5, 1, 1, 1, 1])
        XCTAssertEqual(p.subNetworks.map(\.model), [.leastCost, .leastCost, .leastCost, .watercourse, .leastCost])
        XCTAssertEqual(p.hydrography?.watercourses, LayerSource(file: "/p/territory.gpkg", layer: "watercourses", line: p.hydrography?.watercourses.line))
        XCTAssertEqual(p.hydrography?.obstacles?.layer, "obstacles")
        XCTAssertEqual(p.hydrography?.passabilityField, "passability")
        XCTAssertEqual(p.hydrography?.riparianStrip, 25)
        XCTAssertEqual(p.hydrography?.breakingPassability, 0.33)
        XCTAssertEqual(p.hydrography?.goodContinuity, 5000)
        XCTAssertEqual(p.hydrography?.barrierClasses, [])
        // The numbers' lines sit where the table says, with its comment from column 35.
        let text = ProjectTemplate.text(name: "Sample", forSample: true)
        XCTAssertTrue(text.contains("\nmax_break_width = \"1500 m\"        # open land between two towns closer than this is an urban break\n"))
        XCTAssertTrue(text.contains("\nprefer_green = 1.0\nmax_snap = \"1000 m\"               # hubs farther than this"))
    }

    /// The template with the line of every key that has a default blanked (line numbers kept) reads back
    /// as the template's project with the defaults of the table: 1 ha, 20 ha, 1500 m, 200 m, 5 ha, 50 m,
    /// 1, 1000 m, 50 links; per sub-network 1 ha, 10,000 cost at p = 0.05.
    func testTemplateWithoutNumbersGivesTheDefaults() throws {
        let text = ProjectTemplate.text(name: "Sample", forSample: true)
        let defaulted = Set(ProjectKeys.all.filter { $0.defaultValue != nil }.map(\.name))
        let blanked = text.components(separatedBy: "\n").map { line -> String in
            guard let eq = line.firstIndex(of: "=") else { return line }
            return defaulted.contains(line[..<eq].trimmingCharacters(in: .whitespaces)) ? "#" : line
        }.joined(separator: "\n")
        var want = try parse(text)
        want.mixedMinAreaHa = 1
        want.bufferZones.minTownHa = 20; want.bufferZones.maxBreakWidth = 1500; want.bufferZones.aroundNetwork = 200
        want.bufferZones.minAreaHa = 5; want.bufferZones.edge = 50
        want.itineraries?.preferGreen = 1; want.itineraries?.maxSnap = 1000
        want.pinchPointLinks = 50
        for k in want.subNetworks.indices {
            want.subNetworks[k].minReservoirHa = 1; want.subNetworks[k].dispersalCost = 10_000; want.subNetworks[k].dispersalProbability = 0.05
        }
        XCTAssertEqual(try parse(blanked), want)
        // And every default of the table is the value read.
        let got = try parse(blanked)
        for k in ProjectKeys.all {
            guard let d = k.defaultValue else { continue }
            let v = k.section == "subnetwork" ? got.subNetworks[0].value(of: k) : got.value(of: k)
            XCTAssertEqual(v, .number(d), k.label)
        }
    }

    /// The run's parameters, worked out by hand for the template's project.
    func testRunParameters() throws {
        let p = try parse(ProjectTemplate.text(name: "Sample", forSample: true))
        let rows = RunParameters.rows(p, cellSize: 10, crs: "EPSG:2154", naturalClasses: [40, 20, 30])
        let want: [(String, String)] = [
            ("project", "/p/project.toml"), ("land_cover", "/p/landcover.tif"), ("cell_size", "10 m"), ("crs", "EPSG:2154"),
            ("nature_classes", p.natureClasses!.sorted().map(String.init).joined(separator: " ")),
            ("mixed_min_area", "1 ha"), ("built_up", "1 2 3"),
            ("buffer_max_break_width", "1500 m"), ("buffer_around_network", "200 m"), ("buffer_min_town_area", "20 ha"),
            ("buffer_min_area", "5 ha"), ("buffer_edge", "100 m"), ("conflict_min_crossing", "10 m"),
            // [hydrography] (the template writes every key at its default; no barrier class).
            ("riparian_strip", "25 m"), ("breaking_passability", "0.33"), ("good_continuity", "5000 m"), ("barrier_classes", ""),
        ]
        XCTAssertEqual(rows.prefix(want.count).map(\.0), want.map(\.0))
        XCTAssertEqual(rows.prefix(want.count).map(\.1), want.map(\.1))
        XCTAssertEqual(rows.dropFirst(want.count).map(\.0), p.subNetworks.map { "subnetwork_\($0.name)" })
        let forest = p.subNetworks[0]
        XCTAssertEqual(rows[want.count].1, "habitat \(forest.habitat.map(String.init).joined(separator: " ")); supporting \(forest.supporting.map(String.init).joined(separator: " ")); friction column forest; min reservoir 5 ha; dispersal 50000 cost at p = 0.05; corridor width 5000 cost")
        // Without nature classes in the project, the nomenclature's natural ones, sorted.
        var q = p
        q.natureClasses = nil
        XCTAssertEqual(RunParameters.rows(q, cellSize: 12.5, crs: "X", naturalClasses: [40, 20, 30])[4].1, "20 30 40")
        XCTAssertEqual(RunParameters.rows(q, cellSize: 12.5, crs: "X", naturalClasses: [])[2].1, "12.5 m")
    }
}
