import Foundation
import TrameGDAL
import TrameRaster
import TrameTestSupport
import XCTest

/// The ways in for a real territory, run end to end as a user would: a foreign raster land cover (the NLCD
/// extract, its own CRS and a NoData key, the tables of `trame init --preset nlcd`), and a land cover given
/// as polygons with text codes.
final class LandCoverSourceCLITests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-lccli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func trame(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        try TrameProcess.run(TrameProcess.trame, args)
    }

    func tool(_ name: String, _ args: [String]) throws {
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/" + name), args)
        XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
    }

    /// The figures.csv rows, each as column → value.
    func figures(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { l in
            Dictionary(uniqueKeysWithValues: zip(header, l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    /// NLCD for Puerto Rico (Albers, no NoData declared, 0 outside the mapped area): no gdal_translate, no
    /// CRS declared, tables from `trame init --preset nlcd`. The territory is its 1,249 mapped cells of
    /// 900 ha (counted in the file: 84 × 46 cells, 2,615 of them 0).
    func testNLCDRunsWithItsOwnCRSAndANoDataKey() throws {
        let nlcd = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/data/landcover/nlcd-puerto-rico-3km.tif").path
        let kit = dir + "/pr"
        let i = try trame(["init", kit, "--preset", "nlcd", "--name", "Puerto Rico"])
        XCTAssertEqual(i.status, 0, i.err)
        try FileManager.default.copyItem(atPath: nlcd, toPath: kit + "/landcover.tif")
        try """
        [territory]
        name = "Puerto Rico"
        resolution = "3000 m"
        [land_cover]
        raster = "landcover.tif"
        nomenclature = "nomenclature.csv"
        friction = "friction.csv"
        built_up = [22, 23, 24]
        nodata = 0
        [nature_spaces]
        min_area = "900 ha"
        [buffer_zones]
        open_land = [71, 81, 82]
        [[subnetwork]]
        name = "forest"
        habitat = [41, 42, 43]
        supporting = [51, 52, 90]
        friction_column = "forest"
        min_reservoir_area = "900 ha"
        dispersal_distance = "50000 cost"
        corridor_width = "5000 cost"
        """.write(toFile: kit + "/mini.toml", atomically: true, encoding: .utf8)
        let r = try trame(["run", kit + "/mini.toml", "-o", kit + "/out", "--lang", "en", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let territory = try figures(kit + "/out/figures.csv").first { $0["level"] == "territory" }
        XCTAssertEqual(territory?["area_ha"], "1124100")
        // Read as it is: no land_cover.tif of the run's own.
        XCTAssertFalse(FileManager.default.fileExists(atPath: kit + "/out/rasters/land_cover.tif"))
    }

    /// The tiny sample's land cover turned into polygons (gdal_polygonize) with text codes ("C20"): the run on
    /// the polygons uses the very raster of the sample, and gives the sample's figures.
    func testPolygonsWithTextCodesGiveTheRasterItself() throws {
        let d = dir + "/tiny"
        let demo = try trame(["demo", "--out", d, "--size", "tiny", "--quiet"])
        XCTAssertEqual(demo.status, 0, demo.err)
        try tool("gdal_polygonize.py", ["-q", d + "/landcover.tif", "-f", "GPKG", d + "/lc.gpkg", "lc", "code"])
        try tool("ogr2ogr", ["-f", "GPKG", d + "/ocs.gpkg", d + "/lc.gpkg", "-nln", "occupation", "-dialect", "SQLite",
                             "-sql", "SELECT 'C' || code AS code_oc, geom FROM lc"])
        // The nomenclature with a source_codes column: class 20 is "C20".
        var rows: [String] = []
        for line in try String(contentsOfFile: d + "/nomenclature.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("#") || line.isEmpty { rows.append(line) } else if line.hasPrefix("code,") { rows.append(line + ",source_codes") } else {
                rows.append(line + ",C" + line.prefix { $0 != "," })
            }
        }
        try rows.joined(separator: "\n").write(toFile: d + "/nomenclature_ocs.csv", atomically: true, encoding: .utf8)
        var project = try String(contentsOfFile: d + "/project.toml", encoding: .utf8)
        project = project.replacingOccurrences(of: "raster = \"landcover.tif\"", with: "vector = { file = \"ocs.gpkg\", layer = \"occupation\", field = \"code_oc\" }")
            .replacingOccurrences(of: "nomenclature = \"nomenclature.csv\"", with: "nomenclature = \"nomenclature_ocs.csv\"")
        try project.write(toFile: d + "/vector.toml", atomically: true, encoding: .utf8)
        let r = try trame(["run", d + "/vector.toml", "-o", d + "/vector", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)

        let original = try RasterIO.read(d + "/landcover.tif", as: Int32.self)
        let used = try RasterIO.read(d + "/vector/rasters/land_cover.tif", as: Int32.self)
        // The polygons' envelope, on the same 10 m lattice: each cell compared with the original's at that place.
        let dc = Int(((used.spec.transform.originX - original.spec.transform.originX) / 10).rounded())
        let dr = Int(((original.spec.transform.originY - used.spec.transform.originY) / 10).rounded())
        var differ = 0, compared = 0
        for r in 0..<original.spec.rows {
            for c in 0..<original.spec.cols {
                let o = original.values[r * original.spec.cols + c]
                let (uc, ur) = (c - dc, r - dr)
                let inside = uc >= 0 && ur >= 0 && uc < used.spec.cols && ur < used.spec.rows
                let u = inside ? used.values[ur * used.spec.cols + uc] : used.noData!
                let same = original.isNoData(o) ? used.isNoData(u) : (u == o)
                if !same { differ += 1 }
                compared += 1
            }
        }
        XCTAssertEqual(differ, 0, "of \(compared) cells")
        // Hence the scheme's figures, unit by unit, are the sample's own.
        let a = try figures(d + "/scheme/figures.csv"), b = try figures(d + "/vector/figures.csv")
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y) }
    }
}
