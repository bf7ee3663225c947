import Foundation
import TrameScheme
import TrameTestSupport
import XCTest

/// The QGIS project stored in scheme.gpkg, opened headless by QGIS itself (Debian's python3-qgis, through
/// scripts/qgis_project_check.py): every layer valid and styled, one group per sub-network, a map that
/// renders, the rasters' .qml loaded when a raster is opened alone; and the same once the folder is moved.
extension SchemeRunTests {
    /// What QGIS made of the project in `gpkg` (the script's JSON); fails when python3-qgis is missing.
    func qgisFacts(_ gpkg: String, png: String? = nil) throws -> [String: Any] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/qgis_project_check.py").path
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        let probe = try run(python, ["-c", "import qgis.core"])
        guard probe.status == 0 else {
            // A failure, not a skip: CI installs python3-qgis, and a missing one must show.
            struct MissingQGIS: Error, CustomStringConvertible {
                var description: String { "python3-qgis is missing: apt-get install python3-qgis (scripts/install-deps.sh installs it)" }
            }
            XCTFail("\(MissingQGIS()); \(probe.err)")
            throw MissingQGIS()
        }
        setenv("QT_QPA_PLATFORM", "offscreen", 1)
        let r = try run(python, [script, gpkg] + (png.map { ["--png", $0] } ?? []))
        XCTAssertEqual(r.status, 0, r.err)
        let line = r.out.split(separator: "\n").last.map(String.init) ?? ""
        guard let facts = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            XCTFail("qgis_project_check.py printed no JSON: \(r.out) \(r.err)")
            return [:]
        }
        return facts
    }

    /// The sub-networks' names as the English run writes them (group names).
    var subNetworkTitles: [String] {
        get throws {
            let project = try ProjectFile.load(p("project.toml"))
            let w = Words("en")
            return project.subNetworks.map { w.subNetworkName($0.name, label: $0.label) }
        }
    }

    func assertProjectOpens(_ facts: [String: Any], folder: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(facts["projects"] as? [String], ["trame"], file: file, line: line)
        XCTAssertEqual(facts["read"] as? Bool, true, "QGIS could not read the project", file: file, line: line)
        XCTAssertEqual(facts["crs"] as? String, "EPSG:2154", file: file, line: line)
        // The view opens on the territory (the tiny sample: x 686000–694000, y 7033000–7038000).
        XCTAssertEqual(facts["viewExtent"] as? [Double], [686_000, 7_033_000, 694_000, 7_038_000], file: file, line: line)

        // The sample's named itineraries on top, then the territory's group, one group per sub-network and the nature spaces'.
        let tree = facts["tree"] as? [[String: Any]] ?? []
        let groups = tree.compactMap { $0["group"] as? String }
        XCTAssertEqual(tree.count, groups.count, "layers outside the groups: \(tree)", file: file, line: line)
        XCTAssertEqual(groups, ["Named itineraries", "Territory"] + (try subNetworkTitles) + ["Nature spaces and buffer zones"], file: file, line: line)

        let layers = facts["layers"] as? [[String: Any]] ?? []
        XCTAssertGreaterThan(layers.count, 20, file: file, line: line)
        for l in layers {
            let name = l["name"] as? String ?? "?"
            XCTAssertEqual(l["valid"] as? Bool, true, "\(name) is not valid (source \(l["source"] ?? "?"))", file: file, line: line)
            // Sources resolved inside the folder where the project now is.
            let source = l["source"] as? String ?? ""
            XCTAssertTrue(source.hasPrefix(folder + "/"), "\(name): \(source) is not in \(folder)", file: file, line: line)
            XCTAssertNotEqual(l["renderer"] as? String, "singlebandgray", "\(name) opens grey", file: file, line: line)
            XCTAssertEqual(l["crs"] as? String, "EPSG:2154", file: file, line: line)
        }
        func layer(_ name: String) -> [String: Any]? { layers.first { $0["name"] as? String == name } }

        // Nature spaces (cells): paletted, with the two classes named, in the printed map's colours.
        let spaces = try XCTUnwrap(layer("Nature spaces (cells)"), file: file, line: line)
        XCTAssertEqual(spaces["renderer"] as? String, "paletted", file: file, line: line)
        let classes = spaces["classes"] as? [[String: Any]] ?? []
        XCTAssertEqual(classes.map { $0["label"] as? String ?? "" },
                       ["Nature spaces of major ecological interest", "Nature spaces of mixed vocation"], file: file, line: line)
        XCTAssertEqual(classes.map { $0["colour"] as? String ?? "" }, [Palette.major.hex, Palette.mixed.hex], file: file, line: line)
        XCTAssertGreaterThanOrEqual(spaces["colours"] as? Int ?? 0, 3, "nature spaces render blank", file: file, line: line)

        // Every continuous raster: a pseudocolor ramp whose stops carry units and rise, and that draws in colours.
        let rasters = layers.filter { $0["type"] as? String == "raster" }
        XCTAssertEqual(rasters.count, 19, "the tiny sample writes 19 rasters", file: file, line: line)
        for r in rasters where r["renderer"] as? String != "paletted" {
            let name = r["name"] as? String ?? "?"
            XCTAssertEqual(r["renderer"] as? String, "singlebandpseudocolor", name, file: file, line: line)
            let stops = r["stops"] as? [[String: Any]] ?? []
            let values = stops.compactMap { $0["value"] as? Double }
            XCTAssertGreaterThanOrEqual(values.count, 2, name, file: file, line: line)
            XCTAssertEqual(values, values.sorted(), name, file: file, line: line)
            XCTAssertLessThan(values.first ?? 0, values.last ?? 0, "\(name): empty ramp", file: file, line: line)
            let units = ["cost units per metre", "cost unit per metre", "cost units", "cost unit", "cost units above the path", "cost unit above the path", "m from the axis", "A per cell", "%"]
            for s in stops {
                let label = s["label"] as? String ?? ""
                XCTAssertTrue(units.contains { label.hasSuffix(" " + $0) }, "\(name): stop label '\(label)' has no unit", file: file, line: line)
            }
            XCTAssertGreaterThanOrEqual(r["colours"] as? Int ?? 0, 3, "\(name) renders blank or in one colour", file: file, line: line)
        }
        // The resistance of the forest: frictions 1–2000 in the sample's table; the ramp spans them.
        let forest = try XCTUnwrap(layer("Resistance — Forest (woods, copses and hedges)"), file: file, line: line)
        XCTAssertTrue((forest["source"] as? String ?? "").hasSuffix("/rasters/forest_resistance.tif"), file: file, line: line)
        let forestStops = (forest["stops"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? Double }
        XCTAssertEqual(forestStops.first, 1, file: file, line: line)
        XCTAssertEqual(forestStops.last, 1000, "the 98th percentile of the forest's resistance (numpy on the tiny sample)", file: file, line: line)

        // Vector layers of a sub-network are filtered on it.
        let subsets = layers.compactMap { $0["subset"] as? String }.filter { !$0.isEmpty }
        XCTAssertTrue(subsets.contains("\"subnetwork\" = 'forest'"), "\(subsets)", file: file, line: line)
        // The functional links QGIS draws are those GDAL counts (ogr2ogr on the same GeoPackage).
        let functional = try XCTUnwrap(layers.first { $0["subset"] as? String == "\"subnetwork\" = 'calcicolous' AND \"functional\" = 1" },
                                       file: file, line: line)
        let counted = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", folder + "/scheme.gpkg", "-sql",
                                           "SELECT COUNT(*) AS n FROM links WHERE subnetwork = 'calcicolous' AND functional = 1"])
            .split(separator: "\n").last.map { Int($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "")) ?? -1 }
        XCTAssertEqual(functional["features"] as? Int, counted, file: file, line: line)
        XCTAssertGreaterThan(counted ?? 0, 0, file: file, line: line)

        // The map renders: several colours, not a white page.
        let render = facts["render"] as? [String: Any] ?? [:]
        XCTAssertEqual(render["blank"] as? Bool, false, file: file, line: line)
        XCTAssertGreaterThanOrEqual(render["colours"] as? Int ?? 0, 8, "\(render)", file: file, line: line)
    }

    func testQGISProjectInTheGeoPackageOpensStyledAndMoves() throws {
        let scheme = p("scheme")
        let facts = try qgisFacts(scheme + "/scheme.gpkg", png: p("qgis-map.png"))
        try assertProjectOpens(facts, folder: scheme)

        // Each raster opened alone loads the .qml beside it: classes or ramp, never grey.
        let standalone = facts["standalone"] as? [[String: Any]] ?? []
        XCTAssertEqual(standalone.count, 19)
        for r in standalone {
            let name = r["file"] as? String ?? "?"
            XCTAssertEqual(r["qml"] as? Bool, true, "\(name) has no .qml")
            XCTAssertEqual(r["valid"] as? Bool, true, name)
            XCTAssertTrue(["paletted", "singlebandpseudocolor"].contains(r["renderer"] as? String ?? ""), "\(name): \(r["renderer"] ?? "none")")
        }
        let natureAlone = try XCTUnwrap(standalone.first { $0["file"] as? String == "rasters/nature_spaces.tif" })
        XCTAssertEqual((natureAlone["classes"] as? [[String: Any]])?.map { $0["label"] as? String ?? "" },
                       ["Nature spaces of major ecological interest", "Nature spaces of mixed vocation"])

        // The folder moved elsewhere (and renamed) still opens, its layers found beside the GeoPackage.
        let moved = NSTemporaryDirectory() + "trame-moved-\(UUID().uuidString)/sent to a partner"
        try FileManager.default.createDirectory(atPath: (moved as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: (moved as NSString).deletingLastPathComponent) }
        try FileManager.default.copyItem(atPath: scheme, toPath: moved)
        try assertProjectOpens(try qgisFacts(moved + "/scheme.gpkg"), folder: moved)
    }
}
