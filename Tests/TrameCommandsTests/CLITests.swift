import Foundation
import TrameTestSupport
import XCTest
import TrameGDAL
import TrameRaster
import TrameVector

/// Runs the built `trame` executable as a user would, and checks outputs, messages and exit codes.
final class CLITests: XCTestCase {
    var dir: String!
    let wkt = try! SpatialReference(epsg: 2154).wkt

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    @discardableResult
    func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try TrameProcess.run(TrameProcess.trame, args) }

    func assertFails(_ args: [String], mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args)
        XCTAssertNotEqual(r.status, 0, "should fail: \(args)", file: file, line: line)
        let lines = r.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line on stderr, got: \(r.err)", file: file, line: line)
        for w in words { XCTAssertTrue(r.err.contains(w), "'\(w)' not in: \(r.err)", file: file, line: line) }
    }

    /// A 6 × 4 land cover (10 m cells): two woods (20) of 2 cells joined by grassland (11), arable (10)
    /// elsewhere, a motorway cell (4).
    func writeLandCover() throws -> String {
        let spec = GridSpec(cols: 6, rows: 4, transform: GeoTransform(west: 690_000, north: 7_030_040, cellSize: 10), crsWKT: wkt)
        let lc = Grid<UInt8>(spec: spec, values: [20, 20, 11, 11, 20, 20,
                                                  10, 10, 11, 11, 10, 10,
                                                  10, 10, 4, 10, 10, 10,
                                                  10, 10, 10, 10, 10, 10], noData: 0)
        let path = p("lc.tif")
        try RasterIO.write(lc, to: path)
        return path
    }

    func writeFriction(_ text: String) throws -> String {
        let path = p("friction-\(UUID().uuidString.prefix(6)).csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testHelpSpeaksToPlanners() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.status, 0)
        for w in ["green and blue", "costdistance", "links", "corridors", "metrics", "demo"] { XCTAssertTrue(r.out.contains(w), w) }
        let cd = try run(["costdistance", "--help"])
        XCTAssertTrue(cd.out.contains("resistance × metres") && cd.out.contains("r.cost"))
    }

    /// Resistance → patches → links → metrics on the tiny territory, against values worked by hand.
    func testPipelineOnHandMadeTerritory() throws {
        let lc = try writeLandCover()
        let friction = try writeFriction("code,label,forest\n4,Motorway,inf\n10,Arable,100\n11,Grassland,10\n20,Wood,1\n")
        var r = try run(["resistance", "--landcover", lc, "--friction", friction, "-o", p("r.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let res = try RasterIO.read(p("r.tif"), as: Float.self)
        XCTAssertEqual(res.values[0], 1); XCTAssertEqual(res.values[2], 10); XCTAssertEqual(res.values[6], 100)
        XCTAssertTrue(res.isNoData(res.values[14]), "motorway impassable")

        r = try run(["patches", "--landcover", lc, "--habitat", "20", "--min-area", "0.01ha", "--connexity", "4", "-o", p("patches.gpkg"), "--raster", p("patches.tif")])
        XCTAssertEqual(r.status, 0, r.err)
        let patches = try VectorIO.read(p("patches.gpkg"))
        XCTAssertEqual(patches.features.count, 2)
        XCTAssertEqual(patches.features.map { $0["area_ha"].doubleValue! }, [0.02, 0.02])
        XCTAssertEqual(patches.features.map { $0["perimeter_m"].doubleValue! }, [60, 60])

        // Link: from (1,0) to (4,0) along row 0: wood→grass (1+10)/2·10 = 55, grass→grass 100, grass→wood 55 = 210.
        r = try run(["links", "--resistance", p("r.tif"), "--patches", p("patches.tif"), "-o", p("links.gpkg"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let links = try VectorIO.read(p("links.gpkg"))
        XCTAssertEqual(links.features.count, 1)
        XCTAssertEqual(links.features[0]["cost"].doubleValue!, 210, accuracy: 1e-9)
        XCTAssertEqual(links.features[0]["length_m"].doubleValue!, 30, accuracy: 1e-9)
        XCTAssertEqual(links.features[0]["euclidean_m"].doubleValue!, 20, accuracy: 1e-9)

        // Metrics: a = 0.02 ha each, p = exp(−α·210) with 50 % at 210 → PCnum = 2·0.0004 + 2·0.0004·0.5 = 0.0012.
        r = try run(["metrics", "--patches", p("patches.gpkg"), "--links", p("links.gpkg"), "--distance", "210", "--probability", "0.5",
                     "--area", "0.24", "-o", p("nodes.csv"), "--global", p("global.json"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let g = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p("global.json")))) as! [String: Any]
        XCTAssertEqual(g["PC"] as! Double, 0.0012 / (0.24 * 0.24), accuracy: 1e-12)
        XCTAssertEqual(g["NC"] as! Int, 1)
        let csv = try String(contentsOfFile: p("nodes.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("id,dPC,dPC_intra,dPC_flux,dPC_connector,dIIC,BC\n"))
        // Each patch: intra 0.0004/0.0012 = 33.3 %, flux 2·0.0002/0.0012 = 33.3 %.
        let row = csv.split(separator: "\n")[1].split(separator: ",").map(String.init)
        XCTAssertEqual(Double(row[2])!, 100.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(Double(row[3])!, 100.0 / 3, accuracy: 1e-9)
        // Written back into the GeoPackages.
        XCTAssertEqual(try VectorIO.read(p("patches.gpkg")).features[0]["dPC"].doubleValue!, 200.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(try VectorIO.read(p("links.gpkg")).features[0]["dPC"].doubleValue!, 100.0 / 3, accuracy: 1e-9)

        r = try run(["costdistance", "--resistance", p("r.tif"), "--sources", p("patches.tif"), "-o", p("cd.tif"),
                     "--allocation", p("alloc.tif"), "--direction", p("dir.tif"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let cd = try RasterIO.read(p("cd.tif"), as: Double.self)
        XCTAssertEqual(cd.values[2], 55, accuracy: 1e-9)
        XCTAssertEqual(cd.values[14], -1, "impassable is NoData")
        r = try run(["path", "--resistance", p("r.tif"), "--from", "690005,7030035", "--to", "690055,7030035", "-o", p("path.geojson"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try VectorIO.read(p("path.geojson")).features[0]["cost"].doubleValue!, 10 + 55 + 100 + 55 + 10, accuracy: 1e-9)
        r = try run(["corridors", "--resistance", p("r.tif"), "--patches", p("patches.tif"), "--links", p("links.gpkg"), "--width", "0",
                     "-o", p("corr.tif"), "--polygons", p("corr.gpkg"), "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let corr = try RasterIO.read(p("corr.tif"), as: Float.self)
        // The path cells form the zero-width corridor; the far cells of each wood are 10 cost units off it.
        XCTAssertEqual((0..<6).map { corr.values[$0] }, [-9999, 0, 0, 0, 0, -9999])
        r = try run(["info", p("patches.gpkg")])
        XCTAssertTrue(r.out.contains("Layer 'patches'") && r.out.contains("Features:  2"), r.out)
        r = try run(["info", lc])
        XCTAssertTrue(r.out.contains("RGF93 v1 / Lambert-93 (EPSG:2154)") && r.out.contains("0.04"), r.out)
    }

    func testBadInputs() throws {
        let lc = try writeLandCover()
        try assertFails(["info", p("missing.tif")], mentioning: [p("missing.tif"), "no such file"])
        let junk = p("junk.tif")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: junk))
        try assertFails(["info", junk], mentioning: [junk])
        // Friction table missing a class, non-numeric, negative.
        let missing = try writeFriction("code,label,forest\n10,Arable,100\n20,Wood,1\n")
        try assertFails(["resistance", "--landcover", lc, "--friction", missing, "-o", p("r.tif")], mentioning: [missing, "4, 11"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("r.tif")), "nothing written")
        let text = try writeFriction("code,label,forest\n4,M,inf\n10,A,lots\n11,G,1\n20,W,1\n")
        try assertFails(["resistance", "--landcover", lc, "--friction", text, "-o", p("r.tif")], mentioning: [text, "line 3", "'lots'"])
        let negative = try writeFriction("code,label,forest\n4,M,inf\n10,A,-5\n11,G,1\n20,W,1\n")
        try assertFails(["resistance", "--landcover", lc, "--friction", negative, "-o", p("r.tif")], mentioning: [negative, "must be > 0"])
        try assertFails(["resistance", "--landcover", lc, "--friction", missing, "--column", "wetland", "-o", p("r.tif")], mentioning: ["no column 'wetland'"])
        // A float raster as land cover.
        let spec = GridSpec(cols: 6, rows: 4, transform: GeoTransform(west: 690_000, north: 7_030_040, cellSize: 10), crsWKT: wkt)
        try RasterIO.write(Grid<Float>(spec: spec, fill: 1.5), to: p("float.tif"))
        try assertFails(["patches", "--landcover", p("float.tif"), "--habitat", "20", "-o", p("x.gpkg")], mentioning: [p("float.tif"), "Float32"])
        // No habitat.
        try assertFails(["patches", "--landcover", lc, "--habitat", "99", "-o", p("x.gpkg")], mentioning: [lc, "no habitat"])
        // Negative resistance, NoData everywhere.
        try RasterIO.write(Grid<Float>(spec: spec, values: [Float](repeating: 1, count: 23) + [-3], noData: -9999), to: p("neg.tif"))
        try assertFails(["costdistance", "--resistance", p("neg.tif"), "--sources", lc, "-o", p("cd.tif")], mentioning: [p("neg.tif"), "negative"])
        try RasterIO.write(Grid<Float>(spec: spec, fill: -9999, noData: -9999), to: p("nd.tif"))
        try assertFails(["costdistance", "--resistance", p("nd.tif"), "--sources", lc, "-o", p("cd.tif")], mentioning: [p("nd.tif"), "NoData"])
        // Grids not aligned; wrong CRS.
        var shifted = spec; shifted.transform.originX += 3
        try RasterIO.write(Grid<Float>(spec: shifted, fill: 1, noData: -9999), to: p("shifted.tif"))
        try RasterIO.write(Grid<Float>(spec: spec, fill: 1, noData: -9999), to: p("ones.tif"))
        try assertFails(["costdistance", "--resistance", p("ones.tif"), "--sources", p("shifted.tif"), "-o", p("cd.tif")],
                        mentioning: [p("ones.tif"), p("shifted.tif"), "not aligned"])
        var geo = spec; geo.crsWKT = try SpatialReference(epsg: 4326).wkt
        try RasterIO.write(Grid<Float>(spec: geo, fill: 1, noData: -9999), to: p("geo.tif"))
        try assertFails(["costdistance", "--resistance", p("geo.tif"), "--sources", lc, "-o", p("cd.tif")], mentioning: [p("geo.tif"), "degrees"])
        // Sources outside the grid or on impassable cells.
        let src = VectorLayer(name: "s", geometryKind: .point, fields: [FieldDefinition("id", .integer)],
                              features: [Feature(geometry: .point(Point(100, 100)), attributes: ["id": .integer(1)])], crsWKT: wkt)
        try VectorIO.write([src], to: p("outside.gpkg"))
        try assertFails(["costdistance", "--resistance", p("ones.tif"), "--sources", p("outside.gpkg"), "-o", p("cd.tif")], mentioning: [p("outside.gpkg"), "outside"])
        var wall = Grid<Float>(spec: spec, fill: 1, noData: -9999); wall.values[0] = -9999
        try RasterIO.write(wall, to: p("wall.tif"))
        let on = VectorLayer(name: "s", geometryKind: .point, features: [Feature(geometry: .point(Point(690_005, 7_030_035)))], crsWKT: wkt)
        try VectorIO.write([on], to: p("on.gpkg"))
        try assertFails(["costdistance", "--resistance", p("wall.tif"), "--sources", p("on.gpkg"), "-o", p("cd.tif")], mentioning: [p("on.gpkg"), "impassable"])
        // Empty layer.
        try VectorIO.write([VectorLayer(name: "s", geometryKind: .point, crsWKT: wkt)], to: p("empty.gpkg"))
        try assertFails(["costdistance", "--resistance", p("ones.tif"), "--sources", p("empty.gpkg"), "-o", p("cd.tif")], mentioning: [p("empty.gpkg"), "empty"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("cd.tif")), "no output after failures")
        // Metrics tables.
        try "id,capacity\nA,1\nB,2\n".write(toFile: p("n.csv"), atomically: true, encoding: .utf8)
        try "from,to,distance\nA,Z,10\n".write(toFile: p("e.csv"), atomically: true, encoding: .utf8)
        func metrics(_ nodes: String, _ edges: String, probability: String = "0.5", area: String = "10") -> [String] {
            ["metrics", "--nodes", p(nodes), "--edges", p(edges), "--distance", "100", "--probability", probability, "--area", area, "-o", p("o.csv")]
        }
        try assertFails(metrics("n.csv", "e.csv"), mentioning: ["unknown node 'Z'"])
        try "from,to,distance\nA,B,10\n".write(toFile: p("e2.csv"), atomically: true, encoding: .utf8)
        try assertFails(metrics("n.csv", "e2.csv", probability: "1.5"), mentioning: ["probability"])
        try assertFails(metrics("n.csv", "e2.csv", area: "2"), mentioning: ["smaller than the sum"])
        try "id,capacity\nA,1\nA,2\n".write(toFile: p("dup.csv"), atomically: true, encoding: .utf8)
        try assertFails(metrics("dup.csv", "e2.csv"), mentioning: ["duplicate"])
        try "id,capacity\nA,nan\nB,2\n".write(toFile: p("nan.csv"), atomically: true, encoding: .utf8)
        try assertFails(metrics("nan.csv", "e2.csv"), mentioning: ["capacit"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("o.csv")))
    }
}
