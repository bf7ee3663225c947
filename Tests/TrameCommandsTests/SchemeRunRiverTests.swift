import Foundation
import TrameScheme
import TrameTestSupport
import XCTest

/// The blue network of the tiny sample (its river sub-network is built on the watercourses), checked
/// against GEOS through GDAL's Python bindings on the files written.
extension SchemeRunTests {
    /// GEOS: the watercourses of territory.gpkg clipped to the land cover's extent, and the part of them
    /// inside the union of the river corridors; the corridors' length_m summed.
    func riverLengths() throws -> [String: Double] {
        let script = """
        import sys, json
        from osgeo import gdal, ogr
        d = sys.argv[1]
        ds = gdal.Open(d + '/landcover.tif')
        gt = ds.GetGeoTransform()
        x0, y0 = gt[0], gt[3]
        x1, y1 = x0 + ds.RasterXSize * gt[1], y0 + ds.RasterYSize * gt[5]
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]:
            ring.AddPoint_2D(x, y)
        extent = ogr.Geometry(ogr.wkbPolygon)
        extent.AddGeometry(ring)
        lines = ogr.Geometry(ogr.wkbMultiLineString)
        src = ogr.Open(d + '/territory.gpkg')
        for f in src.GetLayerByName('watercourses'):
            lines.AddGeometry(f.GetGeometryRef().Clone())
        inside = lines.Intersection(extent)
        scheme = ogr.Open(d + '/scheme/scheme.gpkg')
        corridors = scheme.GetLayerByName('corridors')
        corridors.SetAttributeFilter("subnetwork = 'river'")
        polys = ogr.Geometry(ogr.wkbMultiPolygon)
        total, n = 0.0, 0
        for f in corridors:
            g = f.GetGeometryRef()
            for k in range(g.GetGeometryCount()):
                polys.AddGeometry(g.GetGeometryRef(k).Clone())
            total += f.GetField('length_m')
            n += 1
        strip = polys.UnionCascaded()
        print(json.dumps({'watercourse_m': inside.Length(), 'covered_m': inside.Intersection(strip).Length(),
                          'corridor_length_m': total, 'corridors': n}))
        """
        let r = try run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, dir])
        XCTAssertEqual(r.status, 0, r.err)
        return try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Double]
    }

    /// The river sub-network's reservoirs as the sample project defines them, from GEOS and GDAL's rasteriser
    /// (not Trame): the cells the watercourses (clipped to the land cover) cross — ALL_TOUCHED — and the
    /// river cells (class 40) whose centre lies within 25 m of them (a 64-segment-per-quadrant buffer
    /// rasterised at cell centres).
    func riverReservoirs() throws -> [Bool] {
        if let cached = SchemeRunTests.riverMask { return cached }
        let script = """
        import sys
        from osgeo import gdal, ogr
        d, out = sys.argv[1], sys.argv[2]
        lc = gdal.Open(d + '/landcover.tif')
        gt = lc.GetGeoTransform()
        cols, rows = lc.RasterXSize, lc.RasterYSize
        ring = ogr.Geometry(ogr.wkbLinearRing)
        x0, y0, x1, y1 = gt[0], gt[3], gt[0] + cols * gt[1], gt[3] + rows * gt[5]
        for x, y in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]:
            ring.AddPoint_2D(x, y)
        extent = ogr.Geometry(ogr.wkbPolygon)
        extent.AddGeometry(ring)
        src = ogr.Open(d + '/territory.gpkg')
        wl = src.GetLayerByName('watercourses')
        lines = ogr.Geometry(ogr.wkbMultiLineString)
        for f in wl:
            lines.AddGeometry(f.GetGeometryRef().Clone())
        inside = lines.Intersection(extent)
        def burn(geom, touched):
            mem = gdal.GetDriverByName('MEM').Create('', cols, rows, 1, gdal.GDT_Byte)
            mem.SetGeoTransform(gt)
            mem.SetProjection(lc.GetProjection())
            ds = ogr.GetDriverByName('Memory').CreateDataSource('m')
            lyr = ds.CreateLayer('l', srs=wl.GetSpatialRef())
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetGeometry(geom)
            lyr.CreateFeature(f)
            gdal.RasterizeLayer(mem, [1], lyr, burn_values=[1], options=['ALL_TOUCHED=TRUE'] if touched else [])
            return mem.GetRasterBand(1).ReadRaster()
        axis = burn(inside, True)
        near = burn(inside.Buffer(25, 64), False)
        cls = lc.GetRasterBand(1).ReadRaster()
        open(out, 'wb').write(bytes(1 if axis[i] or (near[i] and cls[i] == 40) else 0 for i in range(cols * rows)))
        """
        let out = p("river-reservoirs.bin")
        let r = try run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script, dir, out])
        XCTAssertEqual(r.status, 0, r.err)
        let mask = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out))).map { $0 != 0 }
        SchemeRunTests.riverMask = mask
        return mask
    }

    /// River corridors follow the watercourses: the sample has no barrier class, so the stretches are the
    /// whole watercourses on the territory (GEOS's length of the lines clipped to the land cover's extent),
    /// the river corridors' lengths add up to it, and their polygons cover it; figures.csv gives the same
    /// km (tallied in half-cell pieces: within 10 m per line end), 6 obstacles (2 weirs on each of the 2
    /// rivers, a culvert, a lock) and obstacles per km = 6 / that length.
    func testRiverCorridorsFollowTheWatercourses() throws {
        let g = try riverLengths()
        let w = g["watercourse_m"]!
        XCTAssertGreaterThan(w, 10_000, "the tiny sample's two rivers and canal")
        XCTAssertEqual(g["corridor_length_m"]!, w, accuracy: 0.05, "the corridors' length_m are the stretches' lengths")
        XCTAssertEqual(g["covered_m"]!, w, accuracy: 0.01, "the strip covers the watercourses")
        XCTAssertGreaterThan(g["corridors"]!, 3, "obstacles cut the watercourses into stretches")
        let f = try territoryFigures()
        let ends = 3.0 * 2 * 10 / 1000
        XCTAssertEqual(Double(f["watercourse_km"]!)!, w / 1000, accuracy: ends)
        XCTAssertEqual(Double(f["river_corridor_km"]!)!, w / 1000, accuracy: ends)
        XCTAssertEqual(Int(f["river_obstacles"]!), 6)
        XCTAssertEqual(Double(f["river_obstacles_per_km"]!)!, 6 / Double(f["watercourse_km"]!)!, accuracy: 1e-9)
        let good = Double(f["watercourse_good_continuity_km"]!)!
        XCTAssertTrue(good >= 0 && good <= Double(f["watercourse_km"]!)! + 1e-9)
        // Obstacles are conflict points on the watercourses, each with the river its removal reconnects.
        let obstacles = try features(p("scheme/scheme.gpkg"), SchemeLayer.conflictPoints.name).filter {
            ($0["properties"] as! [String: Any])["kind"] as? String == "river_obstacle"
        }
        XCTAssertEqual(obstacles.count, 6)
        let breaking = obstacles.filter { (($0["properties"] as! [String: Any])["reconnected_m"] as? Double ?? 0) > 0 }
        XCTAssertGreaterThan(breaking.count, 0, "weirs of passability 0 and the 0.33 lock break continuity")
    }
}
