import Foundation
import TrameGDAL
import TrameRaster
import TrameTestSupport
import XCTest

/// `--json` on info, metrics and run, as GDAL users expect of `gdalinfo -json`; `--verbose` letting GDAL's
/// own messages through; exit codes 0 (done), 1 (bad input), 64 (bad usage).
final class MachineOutputTests: XCTestCase {
    var dir: String!
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-json-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
    func run(_ args: [String], env: [String] = []) throws -> (status: Int32, out: String, err: String) {
        env.isEmpty ? try TrameProcess.run(TrameProcess.trame, args) : try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/env"), env + [TrameProcess.trame.path] + args)
    }
    func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not one JSON object: \(text.prefix(200))")
    }
    func tool(_ name: String, _ args: [String]) throws -> String {
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/" + name), args)
        XCTAssertEqual(r.status, 0, r.err)
        return r.out
    }

    /// `trame info --json` against `gdalinfo -json` (size, geotransform, NoData, EPSG) and a hand count of
    /// the values; a GeoPackage against `ogrinfo -so` (feature count, fields).
    func testInfoJSONAgreesWithGDAL() throws {
        let spec = GridSpec(cols: 5, rows: 3, transform: GeoTransform(west: 690_000, north: 7_030_030, cellSize: 10), crsWKT: try SpatialReference(epsg: 2154).wkt)
        try RasterIO.write(Grid<UInt8>(spec: spec, values: [1, 1, 2, 2, 2, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3], noData: 0), to: p("lc.tif"))
        var r = try run(["info", p("lc.tif"), "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let o = try object(r.out), raster = try XCTUnwrap(o["raster"] as? [String: Any])
        let g = try object(try tool("gdalinfo", ["-json", p("lc.tif")]))
        XCTAssertEqual([raster["columns"] as! Int, raster["rows"] as! Int], g["size"] as! [Int])
        let gt = g["geoTransform"] as! [Double]
        XCTAssertEqual(raster["cell_size"] as! [Double], [gt[1], -gt[5]])
        let extent = raster["extent"] as! [String: Double]
        XCTAssertEqual(extent["min_x"], gt[0]); XCTAssertEqual(extent["max_y"], gt[3])
        XCTAssertEqual((raster["crs"] as! [String: Any])["epsg"] as? Int, 2154)
        XCTAssertEqual(((raster["bands"] as! [[String: Any]])[0]["nodata"] as! Double), ((g["bands"] as! [[String: Any]])[0]["noDataValue"] as! Double))
        // By hand: 1 → 4 cells, 2 → 5, 3 → 5 (0.04, 0.05, 0.05 ha); NoData 1 cell; shares of 14 data cells.
        let values = (raster["values"] as! [[String: Any]]).filter { !($0["nodata"] as! Bool) }
        XCTAssertEqual(values.map { $0["value"] as! Int }, [1, 2, 3])
        XCTAssertEqual(values.map { $0["cells"] as! Int }, [4, 5, 5])
        XCTAssertEqual(values[0]["area_ha"] as! Double, 0.04, accuracy: 1e-12)
        XCTAssertEqual(values[1]["share_pct"] as! Double, 500.0 / 14, accuracy: 1e-9)

        let csv = p("pts.csv")
        try "id,name,WKT\n1,a,POINT (690005 7030005)\n2,b,POINT (690015 7030015)\n".write(toFile: csv, atomically: true, encoding: .utf8)
        _ = try tool("ogr2ogr", ["-f", "GPKG", p("pts.gpkg"), csv, "-nln", "sites", "-a_srs", "EPSG:2154", "-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO"])
        r = try run(["info", p("pts.gpkg"), "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let layer = try XCTUnwrap(((try object(r.out))["vector"] as? [String: Any])?["layers"] as? [[String: Any]]).first!
        let so = try tool("ogrinfo", ["-ro", "-so", p("pts.gpkg"), "sites"])
        XCTAssertTrue(so.contains("Feature Count: \(layer["features"] as! Int)"), so)
        XCTAssertEqual((layer["fields"] as! [[String: String]]).map { $0["name"]! }, ["id", "name"])
    }

    /// `trame metrics --json` prints the same global indices as the file written by --global, and nothing else.
    func testMetricsJSON() throws {
        try "id,capacity\na,2\nb,3\n".write(toFile: p("n.csv"), atomically: true, encoding: .utf8)
        try "from,to,distance\na,b,100\n".write(toFile: p("e.csv"), atomically: true, encoding: .utf8)
        let r = try run(["metrics", "--nodes", p("n.csv"), "--edges", p("e.csv"), "--distance", "100", "--probability", "0.5", "--area", "10",
                         "-o", p("out.csv"), "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let o = try object(r.out)
        // By hand: PCnum = 2² + 3² + 2·2·3·0.5 = 19; PC = 19 / 10² ; EC = √19.
        XCTAssertEqual(o["PC"] as! Double, 0.19, accuracy: 1e-12)
        XCTAssertEqual(o["EC"] as! Double, 19.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(o["NC"] as? Int, 1)
        // The default cut-off (1e-12 ⇒ 3,986 m here) leaves no pair out of a 100 m link: the bound is 0.
        XCTAssertEqual(o["probability_cutoff"] as? Double, 1e-12)
        XCTAssertEqual(o["PCnum_cutoff_bound"] as? Double, 0)
        // --probability-cutoff 0.6 (⇒ 73.7 m) leaves out the pair a–b both ways: PCnum = 2² + 3² = 13,
        // within the bound 0.6 · 2 · (2·3) = 7.2 of the exact 19.
        let c = try run(["metrics", "--nodes", p("n.csv"), "--edges", p("e.csv"), "--distance", "100", "--probability", "0.5", "--area", "10",
                         "--probability-cutoff", "0.6", "-o", p("out.csv"), "--json"])
        XCTAssertEqual(c.status, 0, c.err)
        let oc = try object(c.out)
        XCTAssertEqual(oc["PC"] as! Double, 0.13, accuracy: 1e-12)
        XCTAssertEqual(oc["PCnum_cutoff_bound"] as! Double, 7.2, accuracy: 1e-12)
    }

    /// `--verbose` lets GDAL's messages through (its debug lines when CPL_DEBUG is on); without it, none.
    /// `--quiet --verbose` is a usage error (64); a missing file an input error (1).
    func testVerboseAndExitCodes() throws {
        try "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}]}"
            .write(toFile: p("a.geojson"), atomically: true, encoding: .utf8)
        var r = try run(["info", p("a.geojson"), "--verbose"], env: ["CPL_DEBUG=ON"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("gdal: debug: GeoJSON"), r.err)
        r = try run(["info", p("a.geojson")], env: ["CPL_DEBUG=ON"])
        XCTAssertFalse(r.err.contains("gdal: "), r.err)
        r = try run(["info", p("a.geojson"), "--quiet", "--verbose"])
        XCTAssertEqual(r.status, 64, r.err)
        r = try run(["info", p("missing.tif")])
        XCTAssertEqual(r.status, 1, r.err)
        // A VRT declaring 10¹⁶ cells is described, its values not counted (they would not fit in memory).
        try "<VRTDataset rasterXSize=\"100000000\" rasterYSize=\"100000000\"><VRTRasterBand dataType=\"Byte\" band=\"1\"/></VRTDataset>"
            .write(toFile: p("huge.vrt"), atomically: true, encoding: .utf8)
        r = try run(["info", p("huge.vrt")])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("100000000 columns × 100000000 rows") && r.out.contains("not counted"), r.out)
    }
}
