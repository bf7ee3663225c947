import Foundation
import XCTest
@testable import TrameGDAL
import TrameRaster
import TrameVector

final class GeodataTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-gdal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    var lambert93: String { try! SpatialReference(epsg: 2154).wkt }

    func spec(_ cols: Int = 7, _ rows: Int = 5) -> GridSpec {
        GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 685_000, north: 7_035_000, cellSize: 10), crsWKT: lambert93)
    }

    // MARK: Rasters

    func roundTrip<T: GridScalar>(_ values: [T], noData: T?, format: RasterIO.Format = .geotiff) throws {
        let g = Grid(spec: spec(), values: values, noData: noData)
        let p = path("rt-\(T.typeName)-\(format).tif")
        try RasterIO.write(g, to: p, format: format)
        let back = try RasterIO.read(p, as: T.self)
        XCTAssertEqual(back.values, values, "\(T.typeName) \(format)")
        XCTAssertEqual(back.noData, noData)
        XCTAssertEqual(back.spec.cols, 7); XCTAssertEqual(back.spec.rows, 5)
        XCTAssertEqual(back.spec.transform, g.spec.transform)
        XCTAssertTrue(try SpatialReference(definition: back.spec.crsWKT).isSame(as: SpatialReference(epsg: 2154)))
        XCTAssertEqual(try RasterIO.describe(p).driver, "GTiff")
    }

    func testRasterRoundTripsOfEachType() throws {
        try roundTrip((0..<35).map { UInt8($0 * 7 % 256) }, noData: 0)
        try roundTrip((0..<35).map { Int32($0 * 100_003 - 1_000_000) }, noData: -1)
        try roundTrip((0..<35).map { Float($0) * 0.125 - 2 }, noData: -9999)
        try roundTrip((0..<35).map { Double($0) * 1e-7 + 123_456.789 }, noData: nil)
        try roundTrip((0..<35).map { Float($0) + 0.5 }, noData: -9999, format: .cog)
    }

    func testWrongBandTypeIsRefused() throws {
        let p = path("float.tif")
        try RasterIO.write(Grid(spec: spec(), values: [Float](repeating: 1.5, count: 35), noData: nil), to: p)
        XCTAssertThrowsError(try RasterIO.read(p, as: UInt8.self)) { e in
            XCTAssertTrue("\(e)".contains(p) && "\(e)".contains("Float32"), "\(e)")
        }
    }

    /// A VRT declaring 10⁸ × 10⁸ cells (10¹⁶, far beyond any machine) is refused by name before any allocation,
    /// as `trame info` and every raster command read it; a VRT of 3 × 2 cells still reads.
    func testRasterLargerThanMemoryIsRefused() throws {
        let huge = path("huge.vrt")
        try "<VRTDataset rasterXSize=\"100000000\" rasterYSize=\"100000000\"><VRTRasterBand dataType=\"Byte\" band=\"1\"/></VRTDataset>"
            .write(toFile: huge, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RasterIO.read(huge, as: UInt8.self)) { e in
            XCTAssertTrue("\(e)".hasPrefix(huge + ": is 100000000 × 100000000 cells") && "\(e)".contains("more than this machine's"), "\(e)")
        }
        let small = path("small.vrt")
        try "<VRTDataset rasterXSize=\"3\" rasterYSize=\"2\"><VRTRasterBand dataType=\"Byte\" band=\"1\"/></VRTDataset>"
            .write(toFile: small, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RasterIO.read(small, as: UInt8.self).values.count, 6)
    }

    func testMissingAndCorruptFiles() throws {
        XCTAssertThrowsError(try RasterIO.read(path("nope.tif"), as: Float.self)) { e in
            XCTAssertEqual("\(e)", "\(self.path("nope.tif")): no such file")
        }
        let junk = path("junk.tif")
        try Data("this is not a GeoTIFF".utf8).write(to: URL(fileURLWithPath: junk))
        XCTAssertThrowsError(try RasterIO.read(junk, as: Float.self)) { e in XCTAssertTrue("\(e)".hasPrefix(junk + ": "), "\(e)") }
        XCTAssertThrowsError(try VectorIO.read(junk)) { e in XCTAssertTrue("\(e)".hasPrefix(junk + ": "), "\(e)") }
    }

    func testFailedWriteLeavesNoFile() throws {
        // A GeoJSON file holds one layer: asking for two fails before anything is written.
        let p = path("two.geojson")
        let l = VectorLayer(name: "a", geometryKind: .point, features: [Feature(geometry: .point(Point(1, 2)))], crsWKT: lambert93)
        XCTAssertThrowsError(try VectorIO.write([l, l], to: p))
        XCTAssertFalse(FileManager.default.fileExists(atPath: p))
        // A failing writer body leaves neither the file nor its temporary.
        XCTAssertThrowsError(try AtomicOutput.write(to: path("x.tif")) { tmp in
            try Data("partial".utf8).write(to: URL(fileURLWithPath: tmp))
            throw GeodataError(tmp, "simulated failure")
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        XCTAssertThrowsError(try RasterIO.write(Grid(spec: spec(), fill: UInt8(1)), to: path("no/such/folder/x.tif")))
    }

    func testMisalignedGridsAndCRSAreRefused() throws {
        let a = spec()
        var b = spec(); b.transform.originX += 5
        XCTAssertThrowsError(try RasterIO.requireAligned(a, "a.tif", b, "b.tif")) { e in
            XCTAssertTrue("\(e)".contains("a.tif") && "\(e)".contains("b.tif"), "\(e)")
        }
        var c = spec(); c.crsWKT = try SpatialReference(epsg: 32631).wkt
        XCTAssertThrowsError(try RasterIO.requireAligned(a, "a.tif", c, "c.tif")) { e in
            XCTAssertTrue("\(e)".contains("Lambert-93") && "\(e)".contains("UTM zone 31N"), "\(e)")
        }
        XCTAssertNoThrow(try RasterIO.requireAligned(a, "a.tif", spec(), "d.tif"))
    }

    func testUnknownEPSG() {
        XCTAssertThrowsError(try SpatialReference(epsg: 999_999)) { e in XCTAssertTrue("\(e)".contains("999999")) }
        XCTAssertThrowsError(try SpatialReference(definition: "EPSG:nonsense"))
    }

    // MARK: Vectors

    func sampleLayers() -> [VectorLayer] {
        let ring = [Point(0, 0), Point(0, 100), Point(100, 100), Point(100, 0), Point(0, 0)].map { Point($0.x + 690_000, $0.y + 7_030_000) }
        let hole = [Point(20, 20), Point(40, 20), Point(40, 40), Point(20, 40), Point(20, 20)].map { Point($0.x + 690_000, $0.y + 7_030_000) }
        let fields = [FieldDefinition("name", .string), FieldDefinition("n", .integer), FieldDefinition("area_ha", .real)]
        return [
            VectorLayer(name: "sites", geometryKind: .polygon, fields: fields, features: [
                Feature(geometry: .polygon(Polygon(exterior: ring, holes: [hole])),
                        attributes: ["name": .string("Forêt de Marchiennes"), "n": .integer(42), "area_ha": .real(0.96)]),
                Feature(geometry: .polygon(Polygon(exterior: ring)), attributes: ["name": .string("Étang d'Amaury — zone humide"), "n": .integer(-7), "area_ha": .null]),
            ], crsWKT: lambert93),
            VectorLayer(name: "paths", geometryKind: .multiLineString, fields: [FieldDefinition("name", .string)], features: [
                Feature(geometry: .multiLineString([[Point(690_000, 7_030_000), Point(690_500, 7_030_250.5)], [Point(1, 2), Point(3, 4), Point(5, 6)]]),
                        attributes: ["name": .string("Cavalier de Pecquencourt")]),
            ], crsWKT: lambert93),
            VectorLayer(name: "hubs", geometryKind: .point, fields: [FieldDefinition("name", .string)], features: [
                Feature(geometry: .point(Point(690_123.25, 7_031_456.5)), attributes: ["name": .string("Base de loisirs")]),
            ], crsWKT: lambert93),
            VectorLayer(name: "lines", geometryKind: .lineString, features: [Feature(geometry: .lineString([Point(0, 0), Point(10, 10)]))], crsWKT: lambert93),
            VectorLayer(name: "mpoly", geometryKind: .multiPolygon, features: [Feature(geometry: .multiPolygon([Polygon(exterior: ring), Polygon(exterior: hole)]))], crsWKT: lambert93),
            VectorLayer(name: "mpoints", geometryKind: .multiPoint, features: [Feature(geometry: .multiPoint([Point(1, 1), Point(2, 2)]))], crsWKT: lambert93),
        ]
    }

    func testGeoPackageRoundTrip() throws {
        let p = path("layers.gpkg")
        let layers = sampleLayers()
        try VectorIO.write(layers, to: p)
        let d = try VectorIO.describe(p)
        XCTAssertEqual(d.driver, "GPKG")
        XCTAssertEqual(d.layers.map(\.name), layers.map(\.name))
        for l in layers {
            let back = try VectorIO.read(p, layer: l.name)
            XCTAssertEqual(back.geometryKind, l.geometryKind)
            XCTAssertEqual(back.fields, l.fields)
            XCTAssertEqual(back.features.map(\.geometry), l.features.map(\.geometry), l.name)
            XCTAssertEqual(back.features.map(\.attributes), l.features.map { f in
                Dictionary(uniqueKeysWithValues: l.fields.map { ($0.name, f[$0.name]) })
            }, l.name)
        }
        XCTAssertEqual(try VectorIO.read(p, layer: "sites").features[0]["name"], .string("Forêt de Marchiennes"))
    }

    func testQGISStylesGoIntoLayerStyles() throws {
        let p = path("styled.gpkg")
        let qml = "<qgis version=\"3.28.0\"><renderer-v2 type=\"singleSymbol\"/></qgis>"
        try VectorIO.write(sampleLayers(), to: p, styles: ["sites": qml])
        XCTAssertEqual(try VectorIO.readStyles(p), ["sites": qml])
        let table = try VectorIO.read(p, layer: "layer_styles")
        XCTAssertEqual(table.features[0]["useAsDefault"], .integer(1))
        XCTAssertEqual(table.features[0]["f_geometry_column"], .string("geom"))
    }

    func testGeoJSONRoundTrip() throws {
        let p = path("sites.geojson")
        let l = sampleLayers()[0]
        try VectorIO.write([l], to: p)
        let back = try VectorIO.read(p)
        XCTAssertEqual(back.features.map(\.geometry), l.features.map(\.geometry))
        XCTAssertEqual(back.features[0]["name"], .string("Forêt de Marchiennes"))
        XCTAssertEqual(back.features[0]["n"], .integer(42))
    }

    /// Shapefiles come from partners every day: GDAL's own ogr2ogr converts our GeoPackage, Trame reads it back.
    func testReadsShapefile() throws {
        let gpkg = path("sites.gpkg")
        try VectorIO.write([sampleLayers()[0]], to: gpkg)
        let shp = path("sites.shp")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
        p.arguments = ["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", shp, gpkg]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let back = try VectorIO.read(shp)
        XCTAssertEqual(try VectorIO.describe(shp).driver, "ESRI Shapefile")
        XCTAssertEqual(back.features[0]["name"], .string("Forêt de Marchiennes"))
        XCTAssertEqual(back.features.map(\.geometry), sampleLayers()[0].features.map(\.geometry))
        XCTAssertTrue(try SpatialReference(definition: back.crsWKT).isSame(as: SpatialReference(epsg: 2154)))
    }

    func testEmptyLayerIsRefused() throws {
        let p = path("empty.gpkg")
        try VectorIO.write([VectorLayer(name: "nothing", geometryKind: .point, crsWKT: lambert93)], to: p)
        XCTAssertThrowsError(try VectorIO.read(p)) { e in XCTAssertTrue("\(e)".contains("empty"), "\(e)") }
        XCTAssertThrowsError(try VectorIO.read(p, layer: "other")) { e in XCTAssertTrue("\(e)".contains("no layer 'other'"), "\(e)") }
    }

    func testReadsRealOSMExtract() throws {
        let p = fixturesDir.appendingPathComponent("data/osm/kotka-karhula.osm.pbf").path
        let d = try VectorIO.describe(p)
        XCTAssertEqual(d.driver, "OSM")
        XCTAssertTrue(d.layers.map(\.name).contains("lines"))
        let lines = try VectorIO.read(p, layer: "lines")
        let cycleways = lines.features.filter { $0["highway"] == .string("cycleway") }
        XCTAssertEqual(cycleways.count, 81, "Tests/Fixtures/README.md counts 81 cycleways")
        XCTAssertTrue(lines.features.allSatisfy { f in f.geometry.map { g in g.points.allSatisfy { $0.x > 26.9 && $0.x < 27.0 && $0.y > 60.5 && $0.y < 60.56 } } ?? true })
    }

    /// An ESRI ASCII grid from Circuitscape's test inputs, read through GDAL like any raster.
    func testReadsASCIIGrid() throws {
        let p = fixturesDir.appendingPathComponent("reference/circuitscape-jl/input/raster/advanced/1/cellmap5x5.asc").path
        let g = try RasterIO.read(p, as: Float.self)
        XCTAssertEqual(try RasterIO.describe(p).driver, "AAIGrid")
        XCTAssertEqual(g.cols, 5); XCTAssertEqual(g.rows, 5)
        XCTAssertEqual(g.spec.transform.originX, 100); XCTAssertEqual(g.spec.transform.originY, 150)
        XCTAssertEqual(g.spec.transform.pixelWidth, 10)
        XCTAssertEqual(g.noData, -9999)
        XCTAssertEqual(g.values[0], 1); XCTAssertTrue(g.isNoData(g.values[2])); XCTAssertEqual(g.values[24], 1)
        XCTAssertEqual(g.dataCount, 14) // 4 + 1 + 3 + 3 + 3
    }

    func testReadsRealLandCoverInAnotherCRS() throws {
        let p = fixturesDir.appendingPathComponent("data/landcover/nlcd-puerto-rico-3km.tif").path
        let g = try RasterIO.read(p, as: UInt8.self)
        XCTAssertEqual(g.cols, 84); XCTAssertEqual(g.rows, 46)
        let crs = try XCTUnwrap(SpatialReference.fromWKT(g.spec.crsWKT))
        XCTAssertFalse(crs.isSame(as: try SpatialReference(epsg: 2154)))
        XCTAssertTrue(Set(g.values).isSubset(of: [0, 11, 21, 22, 23, 24, 31, 42, 52, 71, 81, 82, 90, 95, 255]), "\(Set(g.values))")
    }

    // MARK: CRS

    /// Lambert-93's definition: its origin (3° E, 46.5° N) is (700 000, 6 600 000) m, and the 3° E
    /// meridian maps to x = 700 000; a third point against the closed-form Lambert conformal conic
    /// (IGN NTG_71 formulas, GRS 80) computed here independently.
    func testReprojectionLambert93AndWGS84() throws {
        let t = try CoordinateTransformer(from: SpatialReference(epsg: 4326), to: SpatialReference(epsg: 2154))
        let o = try t.transform(Point(3, 46.5))
        XCTAssertEqual(o.x, 700_000, accuracy: 1e-3); XCTAssertEqual(o.y, 6_600_000, accuracy: 1e-3)
        XCTAssertEqual(try t.transform(Point(3, 50.3)).x, 700_000, accuracy: 1e-3)
        let lille = Point(3.0573, 50.6292)
        let expected = lambertConformalConic(lon: lille.x, lat: lille.y)
        let got = try t.transform(lille)
        XCTAssertEqual(got.x, expected.x, accuracy: 1e-3); XCTAssertEqual(got.y, expected.y, accuracy: 1e-3)
        let back = try CoordinateTransformer(from: SpatialReference(epsg: 2154), to: SpatialReference(epsg: 4326)).transform(got)
        XCTAssertEqual(back.x, lille.x, accuracy: 1e-9); XCTAssertEqual(back.y, lille.y, accuracy: 1e-9)
        // A whole layer.
        var layer = VectorLayer(name: "p", geometryKind: .point, features: [Feature(geometry: .point(Point(3, 46.5)))], crsWKT: try SpatialReference(epsg: 4326).wkt)
        layer = try VectorIO.reproject(layer, to: SpatialReference(epsg: 2154))
        guard case .point(let p)? = layer.features[0].geometry else { return XCTFail() }
        XCTAssertEqual(p.x, 700_000, accuracy: 1e-3)
    }

    func lambertConformalConic(lon: Double, lat: Double) -> Point {
        let a = 6_378_137.0, f = 1 / 298.257222101
        let e = (2 * f - f * f).squareRoot()
        let rad = Double.pi / 180
        func m(_ p: Double) -> Double { cos(p) / (1 - e * e * sin(p) * sin(p)).squareRoot() }
        func t(_ p: Double) -> Double { tan(Double.pi / 4 - p / 2) / pow((1 - e * sin(p)) / (1 + e * sin(p)), e / 2) }
        let p1 = 49 * rad, p2 = 44 * rad, p0 = 46.5 * rad
        let n = (log(m(p1)) - log(m(p2))) / (log(t(p1)) - log(t(p2)))
        let F = m(p1) / (n * pow(t(p1), n))
        let r0 = a * F * pow(t(p0), n), r = a * F * pow(t(lat * rad), n)
        let th = n * (lon - 3) * rad
        return Point(700_000 + r * sin(th), 6_600_000 + r0 - r * cos(th))
    }

    // MARK: Rasterize and polygonize

    /// A 10 × 10 grid of 10 m cells and a square covering columns 2–5, rows 3–6 exactly (cell edges), valued 7;
    /// a second square (cols 7–8, rows 0–1) valued 3 by attribute.
    func testRasterizeAndPolygonizeByHand() throws {
        let s = GridSpec(cols: 10, rows: 10, transform: GeoTransform(west: 0, north: 100, cellSize: 10), crsWKT: lambert93)
        func square(_ c0: Int, _ r0: Int, _ c1: Int, _ r1: Int) -> Polygon {
            let x0 = Double(c0) * 10, x1 = Double(c1 + 1) * 10, y0 = 100 - Double(r1 + 1) * 10, y1 = 100 - Double(r0) * 10
            return Polygon(exterior: [Point(x0, y0), Point(x0, y1), Point(x1, y1), Point(x1, y0), Point(x0, y0)])
        }
        let layer = VectorLayer(name: "sq", geometryKind: .polygon, fields: [FieldDefinition("v", .integer)], features: [
            Feature(geometry: .polygon(square(2, 3, 5, 6)), attributes: ["v": .integer(7)]),
            Feature(geometry: .polygon(square(7, 0, 8, 1)), attributes: ["v": .integer(3)]),
        ], crsWKT: lambert93)
        let g = try Rasterizer.rasterize(layer, onto: s, as: Int32.self, burn: .attribute("v"), fill: 0)
        for r in 0..<10 {
            for c in 0..<10 {
                let expected: Int32 = (2...5).contains(c) && (3...6).contains(r) ? 7 : ((7...8).contains(c) && (0...1).contains(r) ? 3 : 0)
                XCTAssertEqual(g[c, r], expected, "col \(c) row \(r)")
            }
        }
        let burnt = try Rasterizer.rasterize(layer, onto: s, as: UInt8.self, burn: .value(1), fill: 0)
        XCTAssertEqual(burnt.values.filter { $0 == 1 }.count, 16 + 4)
        XCTAssertThrowsError(try Rasterizer.rasterize(layer, onto: s, as: Int32.self, burn: .attribute("missing"), fill: 0))

        let polys = try Rasterizer.polygonize(g)
        XCTAssertEqual(polys.features.count, 2)
        let seven = try XCTUnwrap(polys.features.first { $0["value"] == .integer(7) })
        XCTAssertEqual(seven.geometry?.area ?? 0, 1600, accuracy: 1e-9)
        XCTAssertEqual(seven.geometry?.length ?? 0, 160, accuracy: 1e-9)
        let b = try XCTUnwrap(seven.geometry?.bounds)
        XCTAssertEqual(b.minX, 20); XCTAssertEqual(b.maxX, 60); XCTAssertEqual(b.minY, 30); XCTAssertEqual(b.maxY, 70)

        // Two cells meeting at a corner, joined 8-connected: GDAL draws one self-touching ring; it comes
        // back as two valid squares of 100 m² each (GEOS-valid, same area).
        var diag = Grid<Int32>(spec: GridSpec(cols: 3, rows: 3, transform: GeoTransform(west: 0, north: 30, cellSize: 10)), fill: 0)
        diag[0, 0] = 5; diag[1, 1] = 5; diag[2, 0] = 5
        let joined = try Rasterizer.polygonize(diag, eightConnected: true)
        XCTAssertEqual(joined.features.count, 1)
        XCTAssertEqual(joined.features[0].geometry?.area ?? 0, 300, accuracy: 1e-9)
        XCTAssertTrue(VectorIO.invalidGeometries(joined).isEmpty)
    }

    /// 4-connected polygonize is trusted to give valid polygons (the validity check is skipped for it: it
    /// is quadratic in a polygon's holes): random grids of two values and gaps, full of cells meeting at a
    /// corner, give only GEOS-valid polygons, whose areas add up to the cells'.
    func testFourConnectedPolygonsAreValid() throws {
        var seed: UInt64 = 0x4C0
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        for _ in 0..<5 {
            var g = Grid<Int32>(spec: GridSpec(cols: 90, rows: 70, transform: GeoTransform(west: 0, north: 700, cellSize: 10), crsWKT: lambert93), fill: 0)
            for i in g.values.indices where next() % 100 < 55 { g.values[i] = next() % 10 == 0 ? 2 : 1 }
            let polys = try Rasterizer.polygonize(g)
            XCTAssertGreaterThan(polys.features.count, 100)
            let invalid = VectorIO.invalidGeometries(polys)
            XCTAssertTrue(invalid.isEmpty, "\(invalid.count) invalid, the first: \(invalid.first?.reason ?? "")")
            let area = polys.features.reduce(0) { $0 + ($1.geometry?.area ?? 0) }
            XCTAssertEqual(area, Double(g.values.filter { $0 != 0 }.count) * 100, accuracy: 1e-6)
        }
    }

    /// The scanline fill (used where GDAL's filler would be quadratic) against GDAL's rasterisation:
    /// random blobs of labels polygonized by GDAL, then burnt back by both, in feature order, give the
    /// labels again; random star polygons with holes give GDAL's cells.
    func testScanlineFillAgreesWithGDAL() throws {
        var seed: UInt64 = 0xF111_CE11
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        for trial in 0..<8 {
            let cols = 20 + Int(next() * 60), rows = 20 + Int(next() * 60)
            let s = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 700_000 + 10 * Double(trial), north: 7_000_000, cellSize: 10), crsWKT: lambert93)
            let t = s.transform
            let fill = PolygonFill(west: t.originX, north: t.originY, cellWidth: t.pixelWidth, cellHeight: -t.pixelHeight, cols: cols, rows: rows)
            // Labels: a few random walks of cells (holes and islands appear between them).
            var labels = Grid<Int32>(spec: s, fill: 0)
            for k in 1...6 {
                var c = Int(next() * Double(cols)), r = Int(next() * Double(rows))
                for _ in 0..<(cols * rows / 8) {
                    labels[c, r] = Int32(k)
                    c = min(cols - 1, max(0, c + Int(next() * 3) - 1)); r = min(rows - 1, max(0, r + Int(next() * 3) - 1))
                }
            }
            let polys = try Rasterizer.polygonize(labels)
            var ours = [Int32](repeating: 0, count: s.count)
            for f in polys.features {
                guard let g = f.geometry, case .integer(let v) = f["value"] else { continue }
                fill.fill(g) { r, c0, c1 in for c in c0..<c1 { ours[r * cols + c] = Int32(v) } }
            }
            XCTAssertEqual(zip(ours, labels.values).filter { $0 != $1 }.count, 0, "trial \(trial): cells differ from the labels polygonized and filled back")

            var stars = VectorLayer(name: "stars", geometryKind: .multiPolygon, fields: [FieldDefinition("v", .integer)], crsWKT: lambert93)
            for k in 1...4 {
                func ring(_ n: Int, _ cx: Double, _ cy: Double, _ r: Double) -> [Point] {
                    let pts = (0..<n).map { j -> Point in
                        let a = 2 * Double.pi * (Double(j) + next() * 0.8) / Double(n), d = r * (0.2 + next())
                        return Point(cx + d * cos(a), cy + d * sin(a))
                    }
                    return pts + [pts[0]]
                }
                let cx = t.originX + next() * Double(cols) * 10, cy = t.originY - next() * Double(rows) * 10, r = (0.1 + next() * 0.5) * Double(cols) * 10
                stars.features.append(Feature(geometry: .multiPolygon([Polygon(exterior: ring(5 + Int(next() * 25), cx, cy, r), holes: [ring(4, cx, cy, r * 0.15)])]),
                                              attributes: ["v": .integer(k)]))
            }
            let gdal = try Rasterizer.rasterize(stars, onto: s, as: Int32.self, burn: .attribute("v"), fill: 0)
            var filled = [Int32](repeating: 0, count: s.count)
            for (k, f) in stars.features.enumerated() {
                fill.fill(f.geometry!) { r, c0, c1 in for c in c0..<c1 { filled[r * cols + c] = Int32(k + 1) } }
            }
            let differ = zip(filled, gdal.values).filter { $0 != $1 }.count
            XCTAssertEqual(differ, 0, "trial \(trial): \(differ) cells differ from GDAL's")
        }
    }
}

let fixturesDir: URL = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
}()
