import Foundation
import TrameGDAL
@testable import TramePublish
import TrameRaster
import TrameScheme
import TrameTestSupport
import TrameVector
import XCTest

/// The land cover as real territories have it: polygons with text codes (OCS GE, CORINE as vectors),
/// rasterised by largest share; a raster in another CRS than the project's, reprojected; a CRS meant for
/// another part of the world, refused.
final class LandCoverSourceTests: XCTestCase {
    var dir = ""
    let l93 = try! SpatialReference(epsg: 2154)

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-lcsource-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // OCS GE-like text codes mapped through source_codes; 511 is read as the class code itself.
        try """
        code,label,label_fr,red,green,blue,natural,source_codes
        1,Built,Bâti,200,0,0,0,CS1.1.1.1;CS1.1.1.2
        20,Wood,Bois,30,110,50,1,CS2.1.1.1
        30,Grassland,Prairie,180,220,120,1,CS2.2.1
        511,Water,Eau,0,120,240,1,
        """.write(toFile: dir + "/nomenclature.csv", atomically: true, encoding: .utf8)
        try "code,label,forest\n1,Built,1000\n20,Wood,1\n30,Grassland,30\n511,Water,100\n"
            .write(toFile: dir + "/friction.csv", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func reader(_ toml: String) throws -> SchemeReader {
        let p = try ProjectFile.parse(toml, file: dir + "/project.toml")
        return SchemeReader(project: p, lang: "en", progress: { _ in }, warn: { _ in })
    }

    func vectorProject(_ file: String, field: String = "code_cs", resolution: String? = "5 m", crs: String? = nil) -> String {
        """
        [territory]
        name = "T"
        \(crs.map { "crs = \"\($0)\"" } ?? "")
        \(resolution.map { "resolution = \"\($0)\"" } ?? "")
        [land_cover]
        vector = { file = "\(file)", field = "\(field)" }
        nomenclature = "nomenclature.csv"
        friction = "friction.csv"
        built_up = [1]
        [[subnetwork]]
        name = "forest"
        habitat = [20]
        """
    }

    /// Worked by hand on one row of three 10 m cells (samples at 1, 3, 5, 7, 9 m of each cell):
    /// - cell 0: A (code 10) over 0–4.2 m, B (20) over 4.2–7.8 m, C (30) over 7.8–10 m: shares 42, 36, 22 %
    ///   → A, the largest share, though no class holds half the cell;
    /// - cell 1: A over 10–14.5 m only (45 %): the uncovered 55 % is larger → NoData;
    /// - cell 2: B over 20–25.5 m (55 %) → B.
    func testLargestShareWorkedByHand() throws {
        let spec = GridSpec(cols: 3, rows: 1, transform: GeoTransform(west: 700_000, north: 7_000_010, cellSize: 10), crsWKT: l93.wkt)
        func strip(_ x0: Double, _ x1: Double) -> Feature {
            let a = 700_000 + x0, b = 700_000 + x1, y0 = 7_000_000.0, y1 = 7_000_010.0
            return Feature(geometry: .polygon(Polygon(exterior: [Point(a, y0), Point(b, y0), Point(b, y1), Point(a, y1)])))
        }
        let layer = VectorLayer(name: "lc", geometryKind: .polygon,
                                features: [strip(0, 4.2), strip(4.2, 7.8), strip(7.8, 10), strip(10, 14.5), strip(20, 25.5)], crsWKT: l93.wkt)
        let g = try Rasterizer.rasterizeLargestShare(layer, classes: [10, 20, 30, 10, 20], onto: spec, noData: -1)
        XCTAssertEqual(g.values, [10, -1, 20])
        // Two classes with equal shares: the smaller code. A over 0–5 m minus nothing, B over 5–10 m: the
        // sample at 5 m is on the edge, so the split is moved to 4 / 6 m (2 samples each) and the middle
        // 4–6 m left uncovered (1 sample): A 2, B 2, uncovered 1 → A (10 < 20).
        let tie = VectorLayer(name: "lc", geometryKind: .polygon, features: [strip(0, 4), strip(6, 10)], crsWKT: l93.wkt)
        let t = try Rasterizer.rasterizeLargestShare(tie, classes: [20, 10], onto: GridSpec(cols: 1, rows: 1, transform: spec.transform, crsWKT: l93.wkt), noData: -1)
        XCTAssertEqual(t.values, [10])
    }

    /// Irregular polygons (a hole, a multipolygon, jagged edges) with OCS GE-like text codes: the area of each
    /// class in the grid equals the area SpatiaLite computes for its polygons, within one cell per polygon edge.
    func testTextCodesRasterisedKeepSpatiaLiteAreas() throws {
        // Deterministic jagged polygons on a 300 m grid of centres (radius 60–130 m, 9–23 vertices).
        var features: [String] = []
        let codes = ["CS1.1.1.1", "CS2.1.1.1", "CS2.2.1", "511", "CS1.1.1.2", "CS2.1.1.1"]
        for k in 0..<12 {
            let cx = 700_000.0 + Double(k % 4) * 300 + 17.3, cy = 7_000_000.0 + Double(k / 4) * 300 + 4.9
            let n = 9 + (k * 7) % 15
            func ring(_ r0: Double, _ phase: Double, dx: Double = 0) -> String {
                var pts: [String] = []
                for j in 0..<n {
                    let a = Double(j) / Double(n) * 2 * .pi + phase
                    let r = r0 * (0.75 + 0.25 * sin(Double(j * (k + 3)) * 1.7))
                    pts.append("[\(cx + dx + r * cos(a)), \(cy + r * sin(a))]")
                }
                pts.append(pts[0])
                return "[" + pts.joined(separator: ", ") + "]"
            }
            let r0 = 60.0 + Double((k * 37) % 70)
            let geometry: String
            if k == 3 {   // a hole
                geometry = "{\"type\": \"Polygon\", \"coordinates\": [\(ring(r0, 0)), \(ring(r0 * 0.3, 0.2))]}"
            } else if k == 7 {   // two parts apart: the main one (radius ≤ 0.6 r0 ≤ 78 m) and a small one 110 m east (≤ 26 m)
                geometry = "{\"type\": \"MultiPolygon\", \"coordinates\": [[\(ring(r0 * 0.6, 0))], [\(ring(r0 * 0.2, 0.1, dx: 110))]]}"
            } else {
                geometry = "{\"type\": \"Polygon\", \"coordinates\": [\(ring(r0, 0.05 * Double(k)))]}"
            }
            features.append("{\"type\": \"Feature\", \"properties\": {\"code_cs\": \"\(codes[k % codes.count])\"}, \"geometry\": \(geometry)}")
        }
        let geojson = dir + "/ocsge.geojson"
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
         "features": [\(features.joined(separator: ",\n"))]}
        """.write(toFile: geojson, atomically: true, encoding: .utf8)
        let gpkg = dir + "/ocsge.gpkg"
        let conv = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogr2ogr"), ["-f", "GPKG", "-nln", "occupation", gpkg, geojson])
        XCTAssertEqual(conv.status, 0, conv.err)

        let g = try reader(vectorProject("ocsge.gpkg")).landCoverGrid(nomenclature: try Nomenclature.read(dir + "/nomenclature.csv"))
        XCTAssertTrue(g.derived)
        let cellArea = g.grid.spec.cellArea
        XCTAssertEqual(cellArea, 25, accuracy: 1e-9)
        var cells: [Int32: Int] = [:]
        for v in g.grid.values where !g.grid.isNoData(v) { cells[v, default: 0] += 1 }

        // SpatiaLite: area and vertices of each code's polygons (a ring of n points, the first repeated at
        // its end, has n − 1 edges: the vertices bound the edges from above).
        let sql = "SELECT code_cs, SUM(ST_Area(geom)) AS area, SUM(ST_NPoints(geom)) AS edges FROM occupation GROUP BY code_cs"
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogrinfo"), ["-ro", "-q", "-dialect", "SQLite", "-sql", sql, gpkg])
        XCTAssertEqual(r.status, 0, r.err)
        var reference: [String: (area: Double, edges: Double)] = [:]
        var code = ""
        for line in r.out.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("code_cs (String) = ") { code = String(line.dropFirst("code_cs (String) = ".count)) }
            if line.hasPrefix("area (Real) = ") { reference[code, default: (0, 0)].area = Double(line.dropFirst("area (Real) = ".count))! }
            if line.hasPrefix("edges (Integer") { reference[code, default: (0, 0)].edges = Double(line.split(separator: "=").last!.trimmingCharacters(in: .whitespaces))! }
        }
        XCTAssertEqual(reference.count, 5, r.out)
        let classOf: [String: Int32] = ["CS1.1.1.1": 1, "CS1.1.1.2": 1, "CS2.1.1.1": 20, "CS2.2.1": 30, "511": 511]
        var expected: [Int32: (area: Double, edges: Double)] = [:]
        for (c, v) in reference { expected[classOf[c]!, default: (0, 0)].area += v.area; expected[classOf[c]!, default: (0, 0)].edges += v.edges }
        XCTAssertEqual(Set(cells.keys), Set(expected.keys))
        for (c, e) in expected {
            let got = Double(cells[c] ?? 0) * cellArea
            XCTAssertLessThanOrEqual(abs(got - e.area), e.edges * cellArea, "class \(c): \(got) m² against SpatiaLite's \(e.area) m²")
            // In practice far closer: the errors of a largest-share rule cancel along an edge.
            XCTAssertLessThan(abs(got - e.area) / e.area, 0.01, "class \(c): \(got) m² against SpatiaLite's \(e.area) m²")
        }
    }

    func testUnknownCodesAndMissingKeysAreNamed() throws {
        try """
        {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}, "features": [
        {"type": "Feature", "properties": {"code_cs": "CS9.9"}, "geometry": {"type": "Polygon", "coordinates": [[[700000, 7000000], [700100, 7000000], [700100, 7000100], [700000, 7000000]]]}},
        {"type": "Feature", "properties": {"code_cs": "CS9.9"}, "geometry": {"type": "Polygon", "coordinates": [[[700200, 7000000], [700300, 7000000], [700300, 7000100], [700200, 7000000]]]}},
        {"type": "Feature", "properties": {"code_cs": "CS2.2.1"}, "geometry": {"type": "Polygon", "coordinates": [[[700400, 7000000], [700500, 7000000], [700500, 7000100], [700400, 7000000]]]}}]}
        """.write(toFile: dir + "/bad.geojson", atomically: true, encoding: .utf8)
        let n = try Nomenclature.read(dir + "/nomenclature.csv")
        XCTAssertThrowsError(try reader(vectorProject("bad.geojson")).landCoverGrid(nomenclature: n)) { e in
            XCTAssertEqual("\(e)", "\(dir)/bad.geojson: field 'code_cs' holds code 'CS9.9' (2 polygons) that nomenclature.csv does not know; add each to a class's code or source_codes")
        }
        XCTAssertThrowsError(try reader(vectorProject("bad.geojson", field: "code")).landCoverGrid(nomenclature: n)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(dir)/bad.geojson: land cover layer 'bad' has no field 'code'"), "\(e)")
        }
        XCTAssertThrowsError(try reader(vectorProject("bad.geojson", resolution: nil))) { e in
            XCTAssertTrue("\(e)".contains("a vector land cover needs [territory] resolution"), "\(e)")
        }
        XCTAssertThrowsError(try reader(vectorProject("bad.geojson").replacingOccurrences(of: "[land_cover]\n", with: "[land_cover]\nraster = \"x.tif\"\n"))) { e in
            XCTAssertTrue("\(e)".contains("[land_cover] takes raster or vector, not both"), "\(e)")
        }
        // A source code given to two classes.
        try "code,label,source_codes\n1,A,X1\n2,B,X1;X2\n".write(toFile: dir + "/twice.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Nomenclature.read(dir + "/twice.csv")) { e in
            XCTAssertEqual("\(e)", "\(dir)/twice.csv: line 3: source code 'X1' is given to class 1 and to class 2; a polygon's code must mean one class")
        }
    }

    /// The NLCD extract (Albers, no NoData declared, 0 outside): read as it is with `nodata = 0`; reprojected
    /// to UTM 19N when the project names it, with the class counts gdalwarp gives; refused in Lambert-93.
    func testAForeignRasterIsReprojectedOrRefused() throws {
        let nlcd = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/data/landcover/nlcd-puerto-rico-3km.tif").path
        let classes = [11, 21, 22, 23, 24, 31, 42, 52, 71, 81, 82, 90, 95]
        try ("code,label\n" + classes.map { "\($0),c\($0)" }.joined(separator: "\n")).write(toFile: dir + "/nomenclature.csv", atomically: true, encoding: .utf8)
        func project(_ crs: String?) -> String {
            """
            [territory]
            name = "PR"
            \(crs.map { "crs = \"\($0)\"" } ?? "")
            resolution = "3000 m"
            [land_cover]
            raster = "\(nlcd)"
            nomenclature = "nomenclature.csv"
            friction = "friction.csv"
            built_up = [22]
            nodata = 0
            [[subnetwork]]
            name = "forest"
            habitat = [42]
            """
        }
        let own = try reader(project(nil)).landCoverGrid(nomenclature: nil)
        XCTAssertFalse(own.derived)
        XCTAssertEqual(own.grid.dataCount, 3864 - 2615)   // 84 × 46 cells, 2615 of them 0

        let utm = try reader(project("EPSG:32619")).landCoverGrid(nomenclature: nil)
        XCTAssertTrue(utm.derived)
        // Reference: gdalwarp itself, nearest neighbour on 3000 m cells aligned on multiples of 3000 m.
        let warped = dir + "/warped.tif"
        let w = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/gdalwarp"), ["-q", "-t_srs", "EPSG:32619", "-tr", "3000", "3000", "-tap",
                                                                               "-r", "near", "-ot", "Int32", "-srcnodata", "0", "-dstnodata", "0", nlcd, warped])
        XCTAssertEqual(w.status, 0, w.err)
        let ref = try RasterIO.read(warped, as: Int32.self)
        XCTAssertEqual(utm.grid.spec.cols, ref.spec.cols); XCTAssertEqual(utm.grid.spec.rows, ref.spec.rows)
        XCTAssertEqual(utm.grid.spec.transform.originX, ref.spec.transform.originX); XCTAssertEqual(utm.grid.spec.transform.originY, ref.spec.transform.originY)
        var a: [Int32: Int] = [:], b: [Int32: Int] = [:]
        for v in utm.grid.values where !utm.grid.isNoData(v) { a[v, default: 0] += 1 }
        for v in ref.values where v != 0 { b[v, default: 0] += 1 }
        XCTAssertEqual(a, b)
        // The reprojected territory keeps its area within 1 % (UTM's scale factor here, 3° from the central meridian: 1.0008).
        XCTAssertEqual(Double(utm.grid.dataCount), Double(own.grid.dataCount), accuracy: 0.01 * Double(own.grid.dataCount))

        XCTAssertThrowsError(try reader(project("EPSG:2154")).landCoverGrid(nomenclature: nil)) { e in
            XCTAssertTrue("\(e)".contains("outside the area where RGF93 v1 / Lambert-93 (EPSG:2154) is used"), "\(e)")
            XCTAssertTrue("\(e)".hasSuffix("write [territory] crs = \"EPSG:32619\""), "\(e)")
        }
    }
}
