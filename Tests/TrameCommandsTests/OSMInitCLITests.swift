import Foundation
import TrameScheme
import TrameTestSupport
import XCTest

/// `trame init DIR --osm EXTRACT` then `trame run` on the two real extracts of Tests/Fixtures/data/osm
/// (© OpenStreetMap contributors, ODbL) and on a small hand-written extract with a protected area. The land
/// cover's areas are compared with the OSM polygons' areas computed independently: ogr2ogr of the extract
/// to the same UTM zone, then SpatiaLite's ST_Area of the unions, less what the stated priority puts above
/// each class (also computed in SQL here); the roads and railways buffered by half their width in SQL.
final class OSMInitCLITests: XCTestCase {
    static let root = NSTemporaryDirectory() + "trame-osm-\(UUID().uuidString)"
    static var done: Set<String> = []
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/data/osm").path

    override class func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    func trame(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try TrameProcess.run(TrameProcess.trame, args) }

    func tool(_ name: String, _ args: [String]) throws -> String {
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/\(name)"), args)
        XCTAssertEqual(r.status, 0, "\(name) \(args.joined(separator: " ")): \(r.err)")
        return r.out
    }

    /// init then run, once per extract: (project folder, init's output).
    static var inits: [String: String] = [:]
    func project(_ name: String, resolution: String, lang: String) throws -> String {
        let dir = (Self.root as NSString).appendingPathComponent(name)
        if Self.done.contains(name) { return dir }
        let pbf = "\(Self.fixtures)/\(name).osm.pbf"
        let i = try trame(["init", dir, "--osm", pbf, "--resolution", resolution])
        XCTAssertEqual(i.status, 0, i.err)
        Self.inits[name] = i.out
        let r = try trame(["run", "\(dir)/project.toml", "-o", "\(dir)/scheme", "--lang", lang, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        Self.done.insert(name)
        return dir
    }

    /// Cells of the land cover per class (gdal_translate to raw Int32), and the cell area.
    func classCells(_ tif: String) throws -> (counts: [Int32: Int], cellArea: Double) {
        let bin = tif + ".\(UUID().uuidString.prefix(6)).bin"
        _ = try tool("gdal_translate", ["-q", "-of", "ENVI", "-ot", "Int32", tif, bin])
        let data = try Data(contentsOf: URL(fileURLWithPath: bin))
        var counts: [Int32: Int] = [:]
        data.withUnsafeBytes { raw in for v in raw.bindMemory(to: Int32.self) { counts[v, default: 0] += 1 } }
        let info = try JSONSerialization.jsonObject(with: Data(try tool("gdalinfo", ["-json", tif]).utf8)) as! [String: Any]
        let gt = info["geoTransform"] as! [Double]
        return (counts, abs(gt[1] * gt[5]))
    }

    /// The reference areas (m²) of woodland, water and built-up land from the extract, in SQL.
    func referenceAreas(_ pbf: String, epsg: Int, work: String) throws -> [String: Double] {
        let gpkg = "\(work)/reference-\(UUID().uuidString.prefix(6)).gpkg"
        _ = try tool("ogr2ogr", ["-q", "-t_srs", "EPSG:\(epsg)", gpkg, pbf, "multipolygons", "lines"])
        // The extract's bounds (its header's box), the territory before the sea is taken out.
        let so = try tool("ogrinfo", ["-ro", "-so", pbf, "points"])
        let ext = try XCTUnwrap(so.components(separatedBy: "\n").first { $0.hasPrefix("Extent:") })
        let nums = ext.components(separatedBy: CharacterSet(charactersIn: "0123456789.-").inverted).compactMap(Double.init)
        XCTAssertEqual(nums.count, 4, ext)
        let t = "ST_Transform(BuildMbr(\(nums[0]), \(nums[1]), \(nums[2]), \(nums[3]), 4326), \(epsg))"
        let notBridge = "(other_tags IS NULL OR (other_tags NOT LIKE '%\"bridge\"=>%' AND other_tags NOT LIKE '%\"tunnel\"=>%'))"
        func polys(_ w: String) -> String { "(SELECT ST_Union(CollectionExtract(MakeValid(geom), 3)) FROM multipolygons WHERE (\(w)) AND \(notBridge))" }
        // The widths of the table (osm_classes.csv): the buffer is half of each.
        let roadWidth: [(String, Double)] = [("motorway", 25), ("trunk", 20), ("primary", 15), ("motorway_link", 10), ("trunk_link", 8), ("primary_link", 8),
                                             ("secondary", 12), ("tertiary", 10), ("secondary_link", 7), ("tertiary_link", 6), ("unclassified", 7),
                                             ("residential", 7), ("living_street", 6), ("service", 5), ("busway", 7)]
        let roads = "(SELECT ST_Union(ST_Buffer(geom, CASE highway " + roadWidth.map { "WHEN '\($0.0)' THEN \($0.1 / 2)" }.joined(separator: " ")
            + " END)) FROM lines WHERE highway IN (" + roadWidth.map { "'\($0.0)'" }.joined(separator: ",") + ") AND \(notBridge))"
        let rails = "(SELECT ST_Union(ST_Buffer(geom, CASE railway WHEN 'rail' THEN 5 WHEN 'light_rail' THEN 4 ELSE 3 END)) FROM lines WHERE railway IN ('rail','light_rail','narrow_gauge') AND \(notBridge))"
        let buildings = polys("building IS NOT NULL AND building <> 'no'")
        let water = polys("\"natural\" = 'water' OR landuse IN ('reservoir','basin') OR other_tags LIKE '%\"waterway\"=>\"riverbank\"%'")
        let wood = polys("\"natural\" = 'wood' OR landuse = 'forest'")
        let aboveWood = polys("\"natural\" IN ('wetland','bare_rock','scree','shingle','sand','beach','rock')")
        let builtLanduse = polys("landuse IN ('residential','industrial','commercial','retail','railway','military','garages','port','education','religious') OR amenity IN ('school','university','college','hospital','parking')")
        // Above built-up land use: the later rows of priority 10 and every polygon class of a higher priority.
        let aboveBuilt = polys("landuse IN ('quarry','landfill','construction','brownfield','farmland','farmyard','greenhouse_horticulture','orchard','vineyard','plant_nursery','allotments','meadow','grass','village_green','cemetery','recreation_ground','forest','reservoir','basin') OR amenity = 'grave_yard' OR leisure IN ('park','garden','pitch','playground','sports_centre','stadium','track','dog_park','golf_course') OR \"natural\" IN ('grassland','heath','fell','scrub','wood','wetland','bare_rock','scree','shingle','sand','beach','rock','water') OR other_tags LIKE '%\"waterway\"=>\"riverbank\"%'")
        func minus(_ a: String, _ above: [String]) -> String {
            let h = "(SELECT ST_Union(x) FROM (" + above.map { "SELECT \($0) AS x" }.joined(separator: " UNION ALL ") + "))"
            return "(SELECT COALESCE(ST_Area(CASE WHEN h IS NULL THEN g ELSE ST_Difference(g, h) END), 0) FROM (SELECT ST_Intersection(\(a), \(t)) AS g, \(h) AS h))"
        }
        // Built-up: (land use less what lies above it, plus buildings) less railways and roads.
        let built = "(SELECT ST_Union(x) FROM (SELECT CASE WHEN h IS NULL THEN b ELSE ST_Difference(b, h) END AS x FROM (SELECT \(builtLanduse) AS b, \(aboveBuilt) AS h) UNION ALL SELECT \(buildings)))"
        let sql = "SELECT \(minus(wood, [aboveWood, water, buildings, rails, roads])) AS wood, \(minus(water, [buildings, rails, roads])) AS water, "
            + "\(minus(built, [rails, roads])) AS built"
        let out = try tool("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", sql, gpkg])
        var r: [String: Double] = [:]
        for key in ["wood", "water", "built"] {
            let line = try XCTUnwrap(out.components(separatedBy: "\n").first { $0.contains(" \(key) (") }, out)
            r[key] = Double(line.components(separatedBy: "= ").last!.trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return r
    }

    func checkAreas(_ name: String, dir: String) throws {
        let (counts, cell) = try classCells("\(dir)/landcover.tif")
        let ref = try referenceAreas("\(Self.fixtures)/\(name).osm.pbf", epsg: 32635, work: dir)
        let got: [String: Double] = ["wood": Double(counts[20] ?? 0) * cell, "water": Double((counts[40] ?? 0) + (counts[41] ?? 0)) * cell,
                                     "built": Double((counts[1] ?? 0) + (counts[2] ?? 0) + (counts[3] ?? 0)) * cell]
        for k in ["wood", "water", "built"] {
            let want = ref[k]!, have = got[k]!
            print("\(name) \(k): land cover \(String(format: "%.0f", have)) m², SpatiaLite \(String(format: "%.0f", want)) m²")
            if want == 0 { XCTAssertEqual(have, 0, "\(name) \(k)"); continue }
            // Within 2 %; a class smaller than 100 cells (Helsinki centre's woodland: 7 cells) within 2 cells,
            // the noise of cell centres on its edges.
            if want < 100 * cell {
                XCTAssertEqual(have, want, accuracy: 2 * cell, "\(name) \(k): \(have) m² in the land cover, \(want) m² from SpatiaLite")
            } else {
                XCTAssertEqual(have / want, 1, accuracy: 0.02, "\(name) \(k): \(have) m² in the land cover, \(want) m² from SpatiaLite")
            }
        }
    }

    func checkComplete(_ dir: String) throws {
        let layers = try tool("ogrinfo", ["-ro", "-q", "\(dir)/scheme/scheme.gpkg"])
        for l in SchemeLayer.allCases { XCTAssertTrue(layers.contains(" \(l.name) ") || layers.contains(": \(l.name) ("), "\(l.name) missing:\n\(layers)") }
        for f in ["map.png", "atlas.pdf", "report.html", "figures.csv"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(dir)/scheme/\(f)")[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 1000, f)
        }
    }

    // MARK: The two extracts

    func testKotkaKarhulaInitThenRun() throws {
        let dir = try project("kotka-karhula", resolution: "5m", lang: "en")
        try checkComplete(dir)
        try checkAreas("kotka-karhula", dir: dir)
        let toml = try String(contentsOfFile: "\(dir)/project.toml", encoding: .utf8)
        XCTAssertTrue(toml.contains("crs = \"EPSG:32635\""), "the UTM zone of the extract's centre (26.95° E, 60.53° N): 35N")
        XCTAssertTrue(toml.contains("of the territory (class 90"), "the share of land with no tag is written in project.toml")
        XCTAssertTrue(Self.inits["kotka-karhula"]!.contains("has no land-use tag"))

        // The user's table: every row of farmland (farmland, farmyard, greenhouses) made grassland in
        // osm_classes.csv and given back with --osm-table. The rows keep their priority and place, so the cells
        // of farmland become grassland and nothing else moves.
        let table = try String(contentsOfFile: "\(dir)/osm_classes.csv", encoding: .utf8).components(separatedBy: "\n").map { line -> String in
            let f = line.components(separatedBy: ",")
            guard !line.hasPrefix("#"), f.count > 7, f[6] == "10" else { return line }
            return (f[..<6] + ["11"] + f[7...]).joined(separator: ",")
        }.joined(separator: "\n")
        XCTAssertTrue(table.contains("\n10,area,landuse,farmland,,,11,"))
        let mine = (Self.root as NSString).appendingPathComponent("my_classes.csv")
        try table.write(toFile: mine, atomically: true, encoding: .utf8)
        let edited = (Self.root as NSString).appendingPathComponent("kotka-edited")
        let e = try trame(["init", edited, "--osm", "\(Self.fixtures)/kotka-karhula.osm.pbf", "--resolution", "5m", "--osm-table", mine])
        XCTAssertEqual(e.status, 0, e.err)
        let before = try classCells("\(dir)/landcover.tif").counts, after = try classCells("\(edited)/landcover.tif").counts
        XCTAssertGreaterThan(before[10] ?? 0, 1000)
        XCTAssertNil(after[10])
        XCTAssertEqual(after[11] ?? 0, (before[10] ?? 0) + (before[11] ?? 0))
        XCTAssertEqual(after[20], before[20])
    }

    func testHelsinkiCentreInitThenRun() throws {
        let dir = try project("helsinki-centre", resolution: "5m", lang: "fr")
        try checkComplete(dir)
        try checkAreas("helsinki-centre", dir: dir)
        // The sea: OpenStreetMap draws the coastline with the land on its left. Points 10 m off the middle of
        // each segment of the Kaisaniemenlahti coastline way (24629633), read from the extract with ogr2ogr in
        // UTM 35N and looked up with gdallocationinfo: on the right, NoData (sea); on the left, land.
        let csv = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", "-t_srs", "EPSG:32635", "-lco", "GEOMETRY=AS_WKT", "-sql",
                                       "SELECT osm_id FROM lines WHERE osm_id = '24629633'", "\(Self.fixtures)/helsinki-centre.osm.pbf"])
        let wkt = try XCTUnwrap(csv.components(separatedBy: "LINESTRING (").last?.components(separatedBy: ")").first)
        let pts = wkt.components(separatedBy: ",").map { $0.split(separator: " ").compactMap { Double($0) } }
        var right: [String] = [], left: [String] = []
        for k in stride(from: 10, to: pts.count - 10, by: 8) {
            let a = pts[k], b = pts[k + 1]
            let dx = b[0] - a[0], dy = b[1] - a[1], len = (dx * dx + dy * dy).squareRoot()
            guard len > 2 else { continue }
            let mx = (a[0] + b[0]) / 2, my = (a[1] + b[1]) / 2
            for (side, sign) in [("r", 1.0), ("l", -1.0)] {
                let x = mx + sign * dy / len * 10, y = my - sign * dx / len * 10
                let v = try tool("gdallocationinfo", ["-valonly", "-geoloc", "\(dir)/landcover.tif", "\(x)", "\(y)"]).trimmingCharacters(in: .whitespacesAndNewlines)
                if v.isEmpty { continue }  // off the grid
                if side == "r" { right.append(v) } else { left.append(v) }
            }
        }
        XCTAssertGreaterThan(right.count, 5)
        XCTAssertEqual(right.filter { $0 == "0" }.count, right.count, "the sea side is NoData: \(right)")
        XCTAssertEqual(left.filter { $0 == "0" }.count, 0, "the land side is land: \(left)")
    }

    // MARK: Protected areas

    /// A small extract written here (OSM XML): a wood, a protected area over part of it and over open land,
    /// a lake, houses, a road, a path, a stream with a weir, two named parks.
    static func handMadeExtract(_ path: String) throws {
        var nodes: [(Int, Double, Double, String)] = []
        var ways: [(Int, [Int], [(String, String)])] = []
        var next = 1
        let lon0 = 25.0, lat0 = 60.3, dLon = 1 / 55_230.0, dLat = 1 / 111_200.0  // about 1 m
        func node(_ x: Double, _ y: Double, tags: String = "") -> Int {
            nodes.append((next, lat0 + y * dLat, lon0 + x * dLon, tags)); next += 1; return next - 1
        }
        func area(_ pts: [(Double, Double)], _ tags: [(String, String)]) {
            var ids = pts.map { node($0.0, $0.1) }
            ids.append(ids[0])
            ways.append((1000 + ways.count, ids, tags))
        }
        func line(_ pts: [(Double, Double)], _ tags: [(String, String)]) { ways.append((1000 + ways.count, pts.map { node($0.0, $0.1) }, tags)) }
        area([(0, 0), (600, 0), (600, 1200), (0, 1200)], [("natural", "wood")])
        area([(900, 0), (1500, 0), (1500, 1200), (900, 1200)], [("landuse", "forest")])
        area([(100, 100), (800, 100), (800, 500), (100, 500)], [("boundary", "protected_area"), ("protect_class", "4"), ("name", "Testin luonnonsuojelualue")])
        area([(650, 800), (850, 800), (850, 1100), (650, 1100)], [("landuse", "residential")])
        area([(1000, 600), (1300, 600), (1300, 900), (1000, 900)], [("natural", "water")])
        area([(620, 100), (700, 100), (700, 200), (620, 200)], [("leisure", "park"), ("name", "Puisto A")])
        area([(620, 300), (700, 300), (700, 400), (620, 400)], [("leisure", "park"), ("name", "Puisto B")])
        // Two communes (admin_level 8) in a region (7): the units are the communes, the lowest level.
        area([(-50, -50), (750, -50), (750, 1250), (-50, 1250)], [("boundary", "administrative"), ("admin_level", "8"), ("name", "Länsikylä")])
        area([(750, -50), (1550, -50), (1550, 1250), (750, 1250)], [("boundary", "administrative"), ("admin_level", "8"), ("name", "Itäkylä")])
        area([(-60, -60), (1560, -60), (1560, 1260), (-60, 1260)], [("boundary", "administrative"), ("admin_level", "7"), ("name", "Maakunta")])
        line([(750, -10), (750, 1210)], [("highway", "primary"), ("name", "Testitie")])
        line([(660, 150), (660, 350)], [("highway", "footway")])
        line([(-10, 700), (300, 650), (620, 600), (1000, 650), (1510, 700)], [("waterway", "stream"), ("name", "Testioja")])
        _ = node(300, 650, tags: "<tag k=\"waterway\" v=\"weir\"/>")
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"trame tests\">\n"
        s += "<bounds minlat=\"\(lat0)\" minlon=\"\(lon0)\" maxlat=\"\(lat0 + 1200 * dLat)\" maxlon=\"\(lon0 + 1500 * dLon)\"/>\n"
        for (id, lat, lon, tags) in nodes {
            s += tags.isEmpty ? "<node id=\"\(id)\" version=\"1\" lat=\"\(lat)\" lon=\"\(lon)\"/>\n" : "<node id=\"\(id)\" version=\"1\" lat=\"\(lat)\" lon=\"\(lon)\">\(tags)</node>\n"
        }
        // The weir sits on the stream: the stream's second vertex.
        for (id, refs, tags) in ways {
            s += "<way id=\"\(id)\" version=\"1\">" + refs.map { "<nd ref=\"\($0)\"/>" }.joined() + tags.map { "<tag k=\"\($0.0)\" v=\"\($0.1)\"/>" }.joined() + "</way>\n"
        }
        s += "</osm>\n"
        try s.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testProtectedAreasAreNatureSpacesOfMajorInterest() throws {
        let dir = (Self.root as NSString).appendingPathComponent("hand")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let osm = "\(dir)/small.osm"
        try Self.handMadeExtract(osm)
        let i = try trame(["init", "\(dir)/p", "--osm", osm, "--resolution", "10m", "--partner", "Metsähallitus"])
        XCTAssertEqual(i.status, 0, i.err)
        let toml = try String(contentsOfFile: "\(dir)/p/project.toml", encoding: .utf8)
        XCTAssertTrue(toml.contains("partner = \"Metsähallitus\""))
        // The layers of osm.gpkg, read with ogrinfo: the two communes of the lowest level, the weir with the
        // passability of its kind, the two named parks as hubs.
        let units = try tool("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", "SELECT group_concat(name, '|') AS names FROM (SELECT name FROM units ORDER BY name)", "\(dir)/p/osm.gpkg"])
        XCTAssertTrue(units.contains("names (String) = Itäkylä|Länsikylä"), units)
        let weir = try tool("ogrinfo", ["-ro", "-q", "-sql", "SELECT kind, passability FROM obstacles", "\(dir)/p/osm.gpkg"])
        XCTAssertTrue(weir.contains("kind (String) = weir") && weir.contains("passability (Real) = 0.33"), weir)
        let hubs = try tool("ogrinfo", ["-ro", "-q", "-sql", "SELECT COUNT(*) AS n FROM leisure_hubs", "\(dir)/p/osm.gpkg"])
        XCTAssertTrue(hubs.contains("n (Integer) = 2"), hubs)
        XCTAssertTrue(toml.contains("admin_level 8"), "the units' level is named in project.toml")
        let r = try trame(["run", "\(dir)/p/project.toml", "-o", "\(dir)/p/scheme", "--lang", "en", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        // The protected area and the major-interest nature spaces in one GeoPackage, then SpatiaLite: the
        // share of the protected area (on land) covered by spaces of major interest.
        let both = "\(dir)/both.gpkg"
        _ = try tool("ogr2ogr", ["-q", both, "\(dir)/p/osm.gpkg", "protected_areas"])
        _ = try tool("ogr2ogr", ["-q", "-update", both, "\(dir)/p/scheme/scheme.gpkg", "nature_spaces"])
        let out = try tool("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql",
            "SELECT ST_Area(ST_Intersection((SELECT ST_Union(geom) FROM protected_areas), (SELECT ST_Union(geom) FROM nature_spaces WHERE typology = 'major_interest'))) / (SELECT ST_Area(ST_Union(geom)) FROM protected_areas) AS share, (SELECT partners FROM nature_spaces WHERE typology = 'major_interest' LIMIT 1) AS partners", both])
        let share = Double(try XCTUnwrap(out.components(separatedBy: "share (Real) = ").last?.components(separatedBy: "\n").first))!
        XCTAssertGreaterThan(share, 0.97, out)
        XCTAssertTrue(out.contains("Metsähallitus"), out)
    }

    // MARK: Hostile input

    func testHostileInputsAreRefusedInOneLineAndWriteNothing() throws {
        let dir = (Self.root as NSString).appendingPathComponent("hostile")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let text = "\(dir)/x.osm.pbf", empty = "\(dir)/empty.osm.pbf"
        try "this is not OpenStreetMap\n".write(toFile: text, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: empty, contents: Data())
        // The first 3000 bytes of a real extract: a truncated download.
        let truncated = "\(dir)/cut.osm.pbf"
        let whole = try Data(contentsOf: URL(fileURLWithPath: "\(Self.fixtures)/helsinki-centre.osm.pbf"))
        try whole.prefix(3000).write(to: URL(fileURLWithPath: truncated))
        // A polygon far from the extract (in Lapland), as GeoJSON turned into a GeoPackage.
        try "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[27,68],[27.1,68],[27.1,68.1],[27,68.1],[27,68]]]}}]}"
            .write(toFile: "\(dir)/far.geojson", atomically: true, encoding: .utf8)
        _ = try tool("ogr2ogr", ["-q", "\(dir)/far.gpkg", "\(dir)/far.geojson"])
        let kotka = "\(Self.fixtures)/kotka-karhula.osm.pbf"
        let cases: [([String], String)] = [
            (["--osm", text], "x.osm.pbf"),
            (["--osm", empty], "empty.osm.pbf"),
            (["--osm", truncated], "truncated or corrupt"),
            (["--osm", kotka, "--crs", "EPSG:4326"], "EPSG:32635"),
            (["--osm", kotka, "--clip", "\(dir)/far.gpkg"], "far.gpkg"),
            (["--osm", kotka, "--resolution", "200m"], "too small"),
        ]
        for (k, (args, word)) in cases.enumerated() {
            let out = "\(dir)/out\(k)"
            let r = try trame(["init", out] + args)
            XCTAssertNotEqual(r.status, 0, args.joined(separator: " "))
            let lines = r.err.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.err)
            XCTAssertTrue(r.err.contains(word), "\(args): \(r.err)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            XCTAssertTrue(left.isEmpty, "\(args): \(left) left behind")
        }
    }
}
