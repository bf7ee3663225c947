import Foundation
import TrameScheme
import TrameTestSupport
import XCTest

/// Runs the whole scheme on the tiny sample territory with the `trame` executable, then checks its
/// figures against values recomputed here from the land cover and the layers with GDAL's own command
/// line tools (gdal_translate, gdal_rasterize, ogr2ogr) — not with Trame's modules.
final class SchemeRunTests: XCTestCase {
    static var dir: String = NSTemporaryDirectory() + "trame-scheme-\(UUID().uuidString)"
    static var ran = false
    /// The river sub-network's reservoirs recomputed by `riverReservoirs()` (once).
    static var riverMask: [Bool]? = nil

    var dir: String { SchemeRunTests.dir }
    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    var trame: URL { TrameProcess.trame }

    @discardableResult
    func run(_ exe: URL, _ args: [String]) throws -> (status: Int32, out: String, err: String) { try TrameProcess.run(exe, args) }

    func tool(_ name: String, _ args: [String]) throws -> String {
        let r = try run(URL(fileURLWithPath: "/usr/bin/\(name)"), args)
        XCTAssertEqual(r.status, 0, "\(name) \(args.joined(separator: " ")): \(r.err)")
        return r.out
    }

    override func setUpWithError() throws {
        if SchemeRunTests.ran { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = try run(trame, ["demo", "--size", "tiny", "--out", dir, "--quiet", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.err)
        SchemeRunTests.ran = true
    }

    override class func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    // MARK: Independent reading

    /// figures.csv as rows of fields (a quoted field, such as the territory's name with its comma, kept whole).
    func figuresCSV() throws -> [[String]] {
        func fields(_ line: Substring) -> [String] {
            var out: [String] = [], cur = "", quoted = false, prev: Character = " "
            for ch in line {
                if ch == "\"" { if quoted && prev == "\"" { cur.append(ch) }; quoted.toggle() } else if ch == "," && !quoted { out.append(cur); cur = "" } else { cur.append(ch) }
                prev = ch
            }
            return out + [cur]
        }
        return try String(contentsOfFile: p("scheme/figures.csv"), encoding: .utf8).split(separator: "\n").map(fields)
    }

    /// The land cover as raw bytes (gdal_translate to ENVI), with its size and geotransform.
    func landCover() throws -> (values: [UInt8], cols: Int, rows: Int, west: Double, north: Double, cell: Double) {
        _ = try tool("gdal_translate", ["-q", "-of", "ENVI", p("landcover.tif"), p("lc.bin")])
        let values = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p("lc.bin"))))
        let info = try JSONSerialization.jsonObject(with: Data(try tool("gdalinfo", ["-json", p("landcover.tif")]).utf8)) as! [String: Any]
        let size = info["size"] as! [Int]
        let gt = info["geoTransform"] as! [Double]
        XCTAssertEqual(values.count, size[0] * size[1])
        return (values, size[0], size[1], gt[0], gt[3], gt[1])
    }

    /// Cells inside the inventory sites of one kind (gdal_rasterize, cell centres, as GDAL's default).
    func inventory(_ kind: String, cols: Int, rows: Int, west: Double, north: Double, cell: Double) throws -> [Bool] {
        let out = p("inv-\(UUID().uuidString.prefix(6)).bin")
        _ = try tool("gdal_rasterize", ["-q", "-of", "ENVI", "-ot", "Byte", "-init", "0", "-burn", "1", "-l", "nature_inventories",
                                        "-where", "inventory = '\(kind.replacingOccurrences(of: "'", with: "''"))'",
                                        "-te", "\(west)", "\(north - Double(rows) * cell)", "\(west + Double(cols) * cell)", "\(north)",
                                        "-ts", "\(cols)", "\(rows)", p("territory.gpkg"), out])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out))).map { $0 != 0 }
    }

    /// 8-connected components of `mask`; returns the label of each cell (0 outside) and the size of each label.
    func components(_ mask: [Bool], cols: Int, rows: Int) -> ([Int], [Int]) {
        var label = [Int](repeating: 0, count: mask.count)
        var sizes = [0]
        for s in mask.indices where mask[s] && label[s] == 0 {
            let id = sizes.count
            var stack = [s]; label[s] = id
            var n = 0
            while let v = stack.popLast() {
                n += 1
                let c = v % cols, r = v / cols
                for dr in -1...1 { for dc in -1...1 {
                    let cc = c + dc, rr = r + dr
                    guard cc >= 0, cc < cols, rr >= 0, rr < rows else { continue }
                    let u = rr * cols + cc
                    if mask[u] && label[u] == 0 { label[u] = id; stack.append(u) }
                } }
            }
            sizes.append(n)
        }
        return (label, sizes)
    }

    /// A layer as GeoJSON features (ogr2ogr).
    func features(_ gpkg: String, _ layer: String) throws -> [[String: Any]] {
        let text = try tool("ogr2ogr", ["-f", "GeoJSON", "/vsistdout/", gpkg, layer])
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        return json["features"] as! [[String: Any]]
    }

    /// The territory row of figures.csv, by column name.
    func territoryFigures() throws -> [String: String] {
        let lines = try String(contentsOfFile: p("scheme/figures.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        func cells(_ l: String) -> [String] {
            var out: [String] = [], cur = "", quoted = false
            for ch in l { if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(cur); cur = "" } else { cur.append(ch) } }
            out.append(cur)
            return out
        }
        let header = cells(lines[0])
        let row = cells(lines.first { $0.hasPrefix("territory,") }!)
        return Dictionary(uniqueKeysWithValues: zip(header, row))
    }

    // MARK: Tests

    /// The scheme's nature spaces, recomputed from the rules of the sample project: reservoirs are
    /// habitat patches (8 neighbours) of at least the minimum area or holding a site of the sub-network's
    /// inventories; major interest = reservoirs ∪ sites of every inventory (all confer major interest
    /// in the sample); mixed vocation = the other nature cells, in regions of at least 1 ha.
    func testNatureSpacesMatchAnIndependentCount() throws {
        let lc = try landCover()
        let n = lc.values.count
        let cellHa = lc.cell * lc.cell / 10_000
        var inv: [String: [Bool]] = [:]
        for kind in ["ZNIEFF type 1", "Natura 2000", "Espace naturel sensible", "Terril d'intérêt écologique", "Zone humide prioritaire"] {
            inv[kind] = try inventory(kind, cols: lc.cols, rows: lc.rows, west: lc.west, north: lc.north, cell: lc.cell)
        }
        let subNetworks: [(habitat: Set<UInt8>, minHa: Double, inventories: [String])] = [
            ([20], 5, ["Natura 2000", "ZNIEFF type 1"]), ([12], 1, []), ([30], 1, ["Terril d'intérêt écologique"]),
            ([42, 41], 1, ["Zone humide prioritaire"]),
        ]
        var major = [Bool](repeating: false, count: n)
        for s in subNetworks {
            var sites = [Bool](repeating: false, count: n)
            for k in s.inventories { for i in 0..<n where inv[k]![i] { sites[i] = true } }
            let mask = (0..<n).map { lc.values[$0] != 0 && (s.habitat.contains(lc.values[$0]) || sites[$0]) }
            let (label, sizes) = components(mask, cols: lc.cols, rows: lc.rows)
            var keep = sizes.map { Double($0) * cellHa >= s.minHa }
            for i in 0..<n where sites[i] && label[i] > 0 { keep[label[i]] = true }
            for i in 0..<n where label[i] > 0 && keep[label[i]] { major[i] = true }
        }
        // The river sub-network is built on the watercourses: its reservoirs are the cells the watercourses
        // cross and its habitat (40) within its 25 m riparian strip (GEOS and GDAL's rasteriser).
        let river = try riverReservoirs()
        for i in 0..<n where river[i] && lc.values[i] != 0 { major[i] = true }
        for (_, cells) in inv { for i in 0..<n where cells[i] && lc.values[i] != 0 { major[i] = true } }
        let natural: Set<UInt8> = [12, 20, 21, 30, 31, 40, 41, 42, 50]
        let mixedMask = (0..<n).map { !major[$0] && natural.contains(lc.values[$0]) }
        let (label, sizes) = components(mixedMask, cols: lc.cols, rows: lc.rows)
        let mixed = (0..<n).filter { label[$0] > 0 && sizes[label[$0]] >= 100 }.count
        let majorHa = Double(major.filter { $0 }.count) * cellHa, mixedHa = Double(mixed) * cellHa
        let totalHa = Double(lc.values.filter { $0 != 0 }.count) * cellHa
        XCTAssertGreaterThan(majorHa, 0); XCTAssertGreaterThan(mixedHa, 0)

        // figures.csv, whole territory.
        let f = try territoryFigures()
        XCTAssertEqual(Double(f["area_ha"]!)!, totalHa, accuracy: 1e-3)
        XCTAssertEqual(Double(f["major_interest_ha"]!)!, majorHa, accuracy: 1e-3)
        XCTAssertEqual(Double(f["mixed_vocation_ha"]!)!, mixedHa, accuracy: 1e-3)
        XCTAssertEqual(Double(f["nature_pct"]!)!, 100 * (majorHa + mixedHa) / totalHa, accuracy: 1e-3)
        XCTAssertEqual(Double(f["nature_vs_reference_pts"]!)!, 100 * (majorHa + mixedHa) / totalHa - 12, accuracy: 1e-3)

        // figures.csv keeps the precision of the GeoPackage's figures table (read by GDAL): tiny PCs included.
        let table = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", p("scheme/scheme.gpkg"), "figures"]).split(separator: "\n").map(String.init)
        let tableHeader = table[0].split(separator: ",").map(String.init)
        let tableRow = table.first { $0.hasPrefix("territory,") }!
        let tableCells = tableRow.replacingOccurrences(of: "\"[^\"]*\"", with: "name", options: .regularExpression).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var compared = 0, small = 0
        for (k, column) in tableHeader.enumerated() where k < tableCells.count {
            guard let want = Double(tableCells[k]), let got = f[column].flatMap(Double.init) else { continue }
            XCTAssertEqual(got, want, accuracy: abs(want) * 1e-12, "figures.csv \(column): \(f[column]!) vs the figures table's \(tableCells[k])")
            compared += 1
            if want != 0 && abs(want) < 1e-3 { small += 1 }
        }
        XCTAssertGreaterThan(compared, 20)
        XCTAssertGreaterThan(small, 0, "the sample has PCs below 0.001, which 4 decimals wrote as 0.0000")

        // The nature_spaces layer: polygon areas per typology (SpatiaLite's ST_Area through ogr2ogr).
        let csv = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", "-dialect", "sqlite", "-sql",
                                       "SELECT typology, SUM(ST_Area(geom)) / 10000.0 AS ha FROM nature_spaces GROUP BY typology", p("scheme/scheme.gpkg")])
        var byTypology: [String: Double] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            byTypology[String(parts[0])] = Double(parts[1])
        }
        XCTAssertEqual(byTypology["major_interest"] ?? -1, majorHa, accuracy: 1e-3)
        XCTAssertEqual(byTypology["mixed_vocation"] ?? -1, mixedHa, accuracy: 1e-3)
    }

    /// Every conflict point lies on a corridor of its sub-network and on the road or railway it names
    /// (or, for built-up land, on a built-up cell; for a river obstacle, on a watercourse).
    func testConflictPointsLieOnACorridorAndAnInfrastructure() throws {
        let lc = try landCover()
        let points = try features(p("scheme/scheme.gpkg"), SchemeLayer.conflictPoints.name)
        XCTAssertFalse(points.isEmpty, "the tiny sample has conflict points")
        var lines: [String: [[[Double]]]] = ["road": [], "railway": [], "obstacle": []]
        for (kind, layer) in [("road", "roads"), ("railway", "railways"), ("obstacle", "watercourses")] {
            for f in try features(p("territory.gpkg"), layer) {
                let g = f["geometry"] as! [String: Any]
                if g["type"] as! String == "LineString" { lines[kind]!.append(g["coordinates"] as! [[Double]]) }
                else { lines[kind]! += g["coordinates"] as! [[[Double]]] }
            }
        }
        func distance(_ p: [Double], _ line: [[Double]]) -> Double {
            var best = Double.infinity
            for k in 0..<(line.count - 1) {
                let a = line[k], b = line[k + 1]
                let dx = b[0] - a[0], dy = b[1] - a[1]
                let t = max(0, min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / max(dx * dx + dy * dy, 1e-12)))
                best = min(best, hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy))
            }
            return best
        }
        var kinds = Set<String>()
        for f in points {
            let props = f["properties"] as! [String: Any]
            let xy = (f["geometry"] as! [String: Any])["coordinates"] as! [Double]
            let kind = props["infrastructure"] as! String, sub = props["subnetwork"] as! String
            kinds.insert(kind)
            // On the corridor: the corridor raster of its sub-network has a value at the point, or the
            // point lies within 1 mm of a corridor polygon of that sub-network.
            let near = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", "-dialect", "sqlite", "-sql",
                                            "SELECT MIN(ST_Distance(geom, MakePoint(\(xy[0]), \(xy[1])))) AS d FROM corridors WHERE subnetwork = '\(sub)'",
                                            p("scheme/scheme.gpkg")])
            let d = Double(near.split(separator: "\n")[1]) ?? .infinity
            XCTAssertLessThan(d, 1e-3, "conflict point \(props["rank"]!) lies \(d) m from the \(sub) corridors")
            if kind == "built-up" {
                let c = Int((xy[0] - lc.west) / lc.cell), r = Int((lc.north - xy[1]) / lc.cell)
                XCTAssertTrue([1, 2, 3].contains(lc.values[r * lc.cols + c]), "built-up conflict point on class \(lc.values[r * lc.cols + c])")
            } else {
                let dl = lines[kind]!.map { distance(xy, $0) }.min() ?? .infinity
                XCTAssertLessThan(dl, 1e-6, "conflict point \(props["rank"]!) lies \(dl) m from the nearest \(kind)")
                // A river obstacle is a point on its watercourse (crossing nothing).
                if kind != "obstacle" { XCTAssertGreaterThan(props["crossing_m"] as! Double, 0) }
            }
        }
        XCTAssertTrue(kinds.contains("road") || kinds.contains("railway"), "at least one crossing of a line: \(kinds)")
    }

    /// The outputs a partner opens: styled layers, metadata with checksums, rasters as COG, maps and a report.
    /// `route -o` and `loop -o` never replace their own network nor a file of the scheme: the GeoPackage would
    /// lose every other layer. Both are refused in one line before any work, the files left byte for byte.
    func testRouteOutputIsNeverAnInputNorASchemeFile() throws {
        let territory = p("territory.gpkg"), scheme = p("scheme/scheme.gpkg")
        let before = try [territory, scheme].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        for (args, mentions) in [
            (["route", "--network", territory, "--from", "0,0", "--to", "1,1", "-o", p("./territory.gpkg")], "is also an input of the command"),
            (["loop", "--network", territory, "--start", "0,0", "--length", "5km", "-o", territory], "is also an input of the command"),
            (["route", "--network", territory, "--from", "0,0", "--to", "1,1", "-o", scheme], "belongs to the output of `trame run`"),
        ] {
            let r = try run(trame, args)
            XCTAssertEqual(r.status, 1, args.joined(separator: " "))
            XCTAssertTrue(r.err.contains(mentions), r.err)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        }
        XCTAssertEqual(try [territory, scheme].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, before)
    }

    /// The report explains its method and shows the friction table the run used: one row per row of
    /// friction.csv (read here as text), in its order, with the file's resistances ("inf" or empty = impassable).
    func testReportShowsTheMethodAndTheFrictionTable() throws {
        let html = try String(contentsOfFile: p("scheme/report.html"), encoding: .utf8)
        for title in ["<h2>Method</h2>", "<h3>Connectivity: PC, EC, dPC</h3>", "<h3>Pinch points</h3>", "<h3>Conflict points</h3>"] {
            XCTAssertTrue(html.contains(title), title)
        }
        let start = try XCTUnwrap(html.range(of: "Resistance per land-cover class (cost units per metre)</h3>"))
        let table = html[start.upperBound...].prefix { _ in true }
        let end = try XCTUnwrap(table.range(of: "</table>"))
        let rows = table[..<end.lowerBound].components(separatedBy: "<tr>").dropFirst(2).map { row in
            row.components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
        }
        let csv = try String(contentsOfFile: p("friction.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.count, csv.count)
        for (row, line) in zip(rows, csv) {
            XCTAssertEqual(row.first, line.first)
            XCTAssertEqual(row.count, line.count)
            for (shown, value) in zip(row.dropFirst(2), line.dropFirst(2)) {
                if value.isEmpty || value == "inf" { XCTAssertEqual(shown, "impassable") }
                else { XCTAssertEqual(Double(shown.replacingOccurrences(of: ",", with: "")), Double(value), "class \(line[0])") }
            }
        }
    }

    /// Partners' documents carry no folder of the machine that ran the scheme: the run's folder name appears
    /// nowhere in report.html, figures.csv and scheme.gpkg (its tables and metadata, read as bytes); the project
    /// and the inputs are given from the output folder (dir/scheme → "../project.toml", "../landcover.tif").
    func testNoMachinePathInThePartnersDocuments() throws {
        let folder = (dir as NSString).lastPathComponent
        // Every file of the scheme folder, as bytes (rasters' metadata, .qml and .aux.xml side files included)…
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: p("scheme"))).filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: p("scheme/" + $0), isDirectory: &isDir) && !isDir.boolValue
        }
        XCTAssertTrue(files.contains("scheme.gpkg") && files.contains { $0.hasSuffix(".qml") } && files.contains("atlas.pdf"), "\(files)")
        for f in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: p("scheme/" + f)))
            XCTAssertNil(bytes.range(of: Data(folder.utf8)), "\(f) holds the machine's folder \(folder)")
        }
        // …the atlas's text (its streams are compressed) and the QGIS project zipped inside scheme.gpkg (hex, as QGIS stores it).
        XCTAssertFalse(try tool("pdftotext", [p("scheme/atlas.pdf"), "-"]).contains(folder), "atlas.pdf")
        let qgs = try tool("python3", ["-c", "import sqlite3,zipfile,io,sys; c=bytes.fromhex(sqlite3.connect(sys.argv[1]).execute('select content from qgis_projects').fetchone()[0]); "
                                             + "z=zipfile.ZipFile(io.BytesIO(c)); print(''.join(z.read(n).decode('utf-8') for n in z.namelist()))", p("scheme/scheme.gpkg")])
        XCTAssertTrue(qgs.contains("<qgis"), "the QGIS project is read back")
        XCTAssertFalse(qgs.contains(folder), "the QGIS project holds the machine's folder")
        let rows = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", p("scheme/scheme.gpkg"), "-sql", "SELECT parameter, value FROM run_parameters"])
        XCTAssertTrue(rows.contains("project,../project.toml"), rows)
        XCTAssertTrue(rows.contains("land_cover,../landcover.tif"), rows)
    }

    /// The report's data sources table: each input's file relative to the project, the features read (as
    /// ogrinfo counts them), and its SHA-256 as sha256sum computes it; producer, date and licence given in
    /// the project (new optional keys) are shown.
    func testDataSourcesTableNamesEachInputWithItsChecksum() throws {
        // The sample's own origin of its land cover, replaced by another.
        let text = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
            .replacingOccurrences(of: "producer = \"Trame (territoire d'exemple généré)\"", with: "producer = \"IGN\"")
            .replacingOccurrences(of: "date = \"2026\"", with: "date = \"2021\"").replacingOccurrences(of: "licence = \"CC0 1.0\"", with: "licence = \"Licence Ouverte 2.0\"")
        XCTAssertTrue(text.contains("producer = \"IGN\"") && text.contains("date = \"2021\"") && text.contains("licence = \"Licence Ouverte 2.0\""), "the sample says where its land cover comes from")
        let variantPath = p("sources.toml")
        try text.write(toFile: variantPath, atomically: true, encoding: .utf8)
        let out = p("sources-out")
        let r = try run(trame, ["run", variantPath, "-o", out, "-q", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.err)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let start = try XCTUnwrap(html.range(of: "<h2>Data sources</h2>"))
        let table = String(html[start.upperBound...].prefix { _ in true }.components(separatedBy: "</table>")[0])
        let rows = table.components(separatedBy: "<tr>").dropFirst(2).map { row in
            row.components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0].replacingOccurrences(of: "<code>", with: "").replacingOccurrences(of: "</code>", with: "") }
        }
        func sha(_ file: String) throws -> String { String(try tool("sha256sum", [p(file)]).prefix(64)) }
        let landCover = try XCTUnwrap(rows.first { $0[0] == "Land cover" })
        XCTAssertEqual(landCover, ["Land cover", "landcover.tif", "–", "IGN", "2021", "Licence Ouverte 2.0", try sha("landcover.tif")])
        let roads = try XCTUnwrap(rows.first { $0[0] == "Roads" })
        let count = try tool("ogrinfo", ["-ro", "-so", p("territory.gpkg"), "roads"]).components(separatedBy: "Feature Count: ")[1].prefix { $0.isNumber }
        XCTAssertEqual(roads[1], "territory.gpkg (layer roads)")
        XCTAssertEqual(roads[2], String(count))
        XCTAssertEqual(roads[6], try sha("territory.gpkg"))
        XCTAssertEqual(try XCTUnwrap(rows.first { $0[0] == "Nomenclature" })[6], try sha("nomenclature.csv"))
        XCTAssertTrue(rows.contains { $0[0] == "Inventory: Natura 2000" && $0[3] == "DREAL Hauts-de-France" }, "\(rows)")
    }

    /// `trame run --json` prints one JSON object and nothing else on stdout: per unit the figures of
    /// figures.csv (the same numbers, read back from the CSV), and per sub-network its summary.
    func testRunJSONGivesTheFiguresOfTheCSV() throws {
        let out = p("json-out")
        let r = try run(trame, ["run", p("project.toml"), "-o", out, "--json", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.err)
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out)
        let figures = try XCTUnwrap(o["figures"] as? [[String: Any]])
        // CSV fields, quoted ones with their commas (a name "Bassin minier (…, graine 1)").
        func fields(_ row: Substring) -> [String] {
            var out: [String] = [], cur = "", quoted = false
            for ch in row {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { out.append(cur); cur = "" } else { cur.append(ch) }
            }
            return out + [cur]
        }
        let csv = try String(contentsOfFile: out + "/figures.csv", encoding: .utf8).split(separator: "\n").map(fields)
        XCTAssertEqual(figures.count, csv.count - 1)
        for (row, line) in zip(figures, csv.dropFirst()) {
            for (k, column) in csv[0].enumerated() {
                if let d = Double(line[k]) { XCTAssertEqual((row[column] as? NSNumber)?.doubleValue ?? .nan, d, accuracy: abs(d) * 1e-12, column) }
                else if !line[k].isEmpty { XCTAssertEqual(row[column] as? String, line[k], column) }
            }
        }
        let subs = try XCTUnwrap(o["sub_networks"] as? [[String: Any]])
        XCTAssertEqual(subs.map { $0["name"] as! String }, ["forest", "calcicolous", "mining", "river", "wetland"])
    }

    /// A territory in degrees is refused with the UTM zone of its centre (the sample lies near Lens,
    /// 2.7° E 50.4° N: zone 31N, EPSG:32631): a land cover warped to EPSG:4326 given to `trame patches`,
    /// and a project whose [territory] crs is EPSG:4326.
    func testDegreesAreRefusedWithTheUTMZone() throws {
        _ = try tool("gdalwarp", ["-q", "-t_srs", "EPSG:4326", p("landcover.tif"), p("lc-4326.tif")])
        let r = try run(trame, ["patches", "--landcover", p("lc-4326.tif"), "--habitat", "20", "--min-area", "1ha", "-o", p("deg.gpkg")])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.contains("lc-4326.tif") && r.err.contains("UTM zone 31N (EPSG:32631)") && r.err.contains("gdalwarp -t_srs EPSG:32631"), r.err)
        _ = try assertRunFails(try variant("crs = \"EPSG:2154\"", with: "crs = \"EPSG:4326\""), mentioning: ["project", "crs = \"EPSG:32631\""])
    }

    /// Leisure hubs carry their stake: the key figures and figures.csv count the hubs of regional and of
    /// community stake as ogr2ogr counts them in the sample's layer; the layer names each stake; a value
    /// that is neither is refused with the file, the hub and the value.
    func testLeisureHubsCarryTheirStake() throws {
        func count(_ stake: String) throws -> Int {
            let out = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", p("territory.gpkg"), "-sql", "SELECT COUNT(*) AS n FROM leisure_hubs WHERE stake = '\(stake)'"])
            return Int(out.split(separator: "\n")[1].replacingOccurrences(of: "\"", with: ""))!
        }
        let regional = try count("régional"), community = try count("communautaire")
        XCTAssertGreaterThan(regional, 0); XCTAssertGreaterThan(community, 0)
        let csv = try figuresCSV()
        let header = csv[0], territory = csv[1]
        XCTAssertEqual(territory[0], "territory")
        XCTAssertEqual(header.count, territory.count)
        XCTAssertEqual(Int(territory[header.firstIndex(of: "leisure_hubs")!]), regional + community)
        XCTAssertEqual(Int(territory[header.firstIndex(of: "leisure_hubs_regional")!]), regional)
        XCTAssertEqual(Int(territory[header.firstIndex(of: "leisure_hubs_community")!]), community)
        let layer = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", p("scheme/scheme.gpkg"), "-sql", "SELECT stake, stake_label FROM leisure_hubs"])
        XCTAssertEqual(layer.components(separatedBy: "regional,regional stake").count - 1, regional, layer)
        XCTAssertEqual(layer.components(separatedBy: "community,community stake").count - 1, community, layer)
        let html = try String(contentsOfFile: p("scheme/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("\(regional + community) (\(regional) of regional stake, \(community) of community stake)"), "key figures")
        // A stake that is neither.
        try FileManager.default.copyItem(atPath: p("territory.gpkg"), toPath: p("hubs-bad.gpkg"))
        _ = try tool("ogrinfo", ["-q", p("hubs-bad.gpkg"), "-sql", "UPDATE leisure_hubs SET stake = 'majeur' WHERE fid = 1"])
        _ = try assertRunFails(try variant("source = { file = \"territory.gpkg\", layer = \"leisure_hubs\" }", with: "source = { file = \"hubs-bad.gpkg\", layer = \"leisure_hubs\" }"),
                               mentioning: ["hubs-bad.gpkg", "stake 'majeur'", "regional"])
    }

    /// The same project run again, in another process (Swift seeds its hashing per process) and on one worker
    /// thread instead of two, gives byte-identical figures.csv and the same layers, tables and rasters:
    /// scripts/compare_schemes.py --strict reads both folders with GDAL (ogr2ogr for every feature and field,
    /// gdalinfo -checksum for every band) and leaves out only the run's date, duration and paths.
    func testRunsAreReproducibleWithOneOrTwoThreads() throws {
        let again = NSTemporaryDirectory() + "trame-one-thread-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: again) }
        let r = try run(URL(fileURLWithPath: "/usr/bin/env"), ["TRAME_THREADS=1", trame.path, "run", p("project.toml"), "-o", again, "--quiet", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: p("scheme/figures.csv"))), try Data(contentsOf: URL(fileURLWithPath: again + "/figures.csv")),
                       "figures.csv differs between two runs")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/compare_schemes.py").standardized
        let c = try run(script, ["--strict", p("scheme"), again])
        XCTAssertEqual(c.status, 0, "two runs differ:\n\(c.out)\(c.err)")
    }

    func testOutputsArePublishable() throws {
        let info = try tool("ogrinfo", ["-q", p("scheme/scheme.gpkg")])
        for layer in [SchemeLayer.natureSpaces, .reservoirs, .links, .corridors, .bufferZones, .conflictPoints, .leisureHubs, .itineraries, .pinchPoints, .units].map(\.name) + ["figures", "layer_styles"] {
            XCTAssertTrue(info.contains(layer), "scheme.gpkg lacks \(layer)")
        }
        // Every polygon is OGC-valid for GEOS (QGIS's processing tools stop on invalid geometries).
        for layer in [SchemeLayer.natureSpaces, .reservoirs, .corridors, .bufferZones, .pinchPoints].map(\.name) {
            let v = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", "-dialect", "sqlite", "-sql",
                                         "SELECT COUNT(*) AS n, SUM(ST_IsValid(geom)) AS valid FROM \(layer)", p("scheme/scheme.gpkg")])
            let nv = v.split(separator: "\n")[1].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "\" \r"))) }
            XCTAssertEqual(nv.count, 2, v)
            XCTAssertGreaterThan(nv.first ?? 0, 0, layer)
            XCTAssertEqual(nv.first, nv.last, "\(layer): every polygon valid")
        }
        // Pinch points lie inside a corridor of their sub-network, and the current rasters are there.
        let pinch = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", "-dialect", "sqlite", "-sql",
                                         "SELECT COUNT(*) AS n, SUM(CASE WHEN EXISTS (SELECT 1 FROM corridors c WHERE c.subnetwork = p.subnetwork AND ST_Within(ST_PointOnSurface(p.geom), c.geom)) THEN 1 ELSE 0 END) AS inside FROM pinch_points p",
                                         p("scheme/scheme.gpkg")])
        let counts = pinch.split(separator: "\n")[1].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))) }
        guard counts.count == 2 else { return XCTFail("unexpected answer: \(pinch)") }
        XCTAssertGreaterThan(counts[0], 0, "the tiny sample has pinch points")
        XCTAssertEqual(counts[0], counts[1], "every pinch point lies in a corridor of its sub-network")
        XCTAssertTrue(FileManager.default.fileExists(atPath: p("scheme/rasters/wetland_current.tif")))
        // Itineraries: each joins two leisure hubs, and km of itineraries are in the figures.
        let its = try features(p("scheme/scheme.gpkg"), SchemeLayer.itineraries.name)
        let hubNames = Set(try features(p("territory.gpkg"), "leisure_hubs").map { ($0["properties"] as! [String: Any])["name"] as! String })
        for f in its {
            let props = f["properties"] as! [String: Any]
            XCTAssertTrue(hubNames.contains(props["hub_a"] as! String) && hubNames.contains(props["hub_b"] as! String))
            let share = props["green_share"] as! Double
            XCTAssertTrue(share >= 0 && share <= 1)
        }
        let km = its.reduce(0.0) { $0 + (($1["properties"] as! [String: Any])["length_m"] as! Double) } / 1000
        XCTAssertEqual(Double(try territoryFigures()["itinerary_km"]!)!, km, accuracy: 0.01 + 0.001 * km)
        let styled = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", "-sql", "SELECT f_table_name FROM layer_styles", p("scheme/scheme.gpkg")])
        for layer in [SchemeLayer.natureSpaces, .reservoirs, .links, .corridors, .bufferZones, .conflictPoints, .leisureHubs, .units].map(\.name) {
            XCTAssertTrue(styled.contains(layer), "no QGIS style for \(layer)")
        }
        let meta = try tool("ogrinfo", ["-so", p("scheme/scheme.gpkg"), SchemeLayer.natureSpaces.name])
        XCTAssertTrue(meta.contains("sha256:"), "input checksums in the GeoPackage metadata")
        // A checksum is the file's: compare with sha256sum.
        let sum = try tool("sha256sum", [p("landcover.tif")]).split(separator: " ")[0]
        XCTAssertTrue(meta.contains("landcover.tif sha256:\(sum)"))
        let cog = try tool("gdalinfo", [p("scheme/rasters/forest_cost_distance.tif")])
        XCTAssertTrue(cog.contains("LAYOUT=COG"), "rasters are Cloud-Optimized GeoTIFFs")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: p("scheme/atlas.pdf")))
        XCTAssertEqual(String(decoding: pdf.prefix(5), as: UTF8.self), "%PDF-")
        let pages = String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Type /Page\n").count - 1
            + String(decoding: pdf, as: UTF8.self).components(separatedBy: "/Type /Page ").count - 1
        XCTAssertGreaterThanOrEqual(pages, 7, "overview, five sub-networks, figures")
        let png = try Data(contentsOf: URL(fileURLWithPath: p("scheme/map.png")))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        let html = try String(contentsOfFile: p("scheme/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("data:image/png;base64,"), "maps embedded in the report")
        XCTAssertFalse(html.contains("src=\"map"), "no link to a file beside the report")
        XCTAssertTrue(html.contains("Most important reservoirs"))
    }

    /// A failed run leaves the previous scheme untouched, and says why in one line.
    func testFailedRunKeepsThePreviousScheme() throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: p("scheme/figures.csv")))
        var project = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
        project = project.replacingOccurrences(of: "raster = \"landcover.tif\"", with: "raster = \"missing.tif\"")
        try project.write(toFile: p("broken.toml"), atomically: true, encoding: .utf8)
        let r = try run(trame, ["run", p("broken.toml"), "-o", p("scheme"), "-q"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        XCTAssertTrue(r.err.contains("missing.tif"), r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: p("scheme/figures.csv"))), before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("building") }
        XCTAssertEqual(leftovers, [])
    }

    /// A variant of the sample project with one line replaced, written beside it.
    func variant(_ replace: String, with new: String) throws -> String {
        let project = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
        XCTAssertTrue(project.contains(replace), "the sample project holds \(replace)")
        let path = p("variant-\(UUID().uuidString.prefix(6)).toml")
        try project.replacingOccurrences(of: replace, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func assertRunFails(_ project: String, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try run(trame, ["run", project, "-o", p("bad-out"), "-q"])
        XCTAssertNotEqual(r.status, 0, file: file, line: line)
        let last = r.err.split(separator: "\n").last.map(String.init) ?? ""
        for w in words { XCTAssertTrue(last.contains(w), "'\(w)' not in: \(r.err)", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("bad-out")), "no output after a failed run", file: file, line: line)
        return r.err
    }

    func testBadProjectsAreRefusedWithOneClearLine() throws {
        // An unknown key and a quantity without its unit: the file and the line.
        let text = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
        let minAreaLine = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("min_area = ") }! + 1
        var err = try assertRunFails(try variant("min_area = \"1 ha\"", with: "min_area = 1"), mentioning: [":\(minAreaLine):", "min_area", "ha"])
        XCTAssertEqual(err.split(separator: "\n").count, 1, err)
        err = try assertRunFails(try variant("min_area = \"1 ha\"", with: "min_area = \"1 ha\"\nminimum = 2"), mentioning: [":\(minAreaLine + 1):", "unknown key 'minimum'"])
        // A nomenclature missing a class of the land cover.
        let nom = try String(contentsOfFile: p("nomenclature.csv"), encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("10,") }.joined(separator: "\n")
        try nom.write(toFile: p("nom-missing.csv"), atomically: true, encoding: .utf8)
        _ = try assertRunFails(try variant("nomenclature = \"nomenclature.csv\"", with: "nomenclature = \"nom-missing.csv\""),
                               mentioning: ["nom-missing.csv", "lacks class 10", "landcover.tif"])
        // A friction table without a row for a class.
        let fr = try String(contentsOfFile: p("friction.csv"), encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("11,") }.joined(separator: "\n")
        try fr.write(toFile: p("friction-missing.csv"), atomically: true, encoding: .utf8)
        _ = try assertRunFails(try variant("friction = \"friction.csv\"", with: "friction = \"friction-missing.csv\""),
                               mentioning: ["friction-missing.csv", "no row for class 11"])
    }

    func testLayersInAnotherCRSAreReprojectedAndStrayLayersRefused() throws {
        // Communes in WGS84: reprojected with a warning. A sub-network whose habitat class is absent then
        // stops the run (after the warning), so the test stays quick.
        _ = try tool("ogr2ogr", ["-t_srs", "EPSG:4326", p("communes-4326.gpkg"), p("territory.gpkg"), "communes"])
        let nom = try String(contentsOfFile: p("nomenclature.csv"), encoding: .utf8) + "99,\"Test class\",\"Classe test\",0,0,0,1\n"
        try nom.write(toFile: p("nom-99.csv"), atomically: true, encoding: .utf8)
        var project = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
        project = project.replacingOccurrences(of: "file = \"territory.gpkg\"\nlayer = \"communes\"", with: "file = \"communes-4326.gpkg\"")
            .replacingOccurrences(of: "nomenclature = \"nomenclature.csv\"", with: "nomenclature = \"nom-99.csv\"")
            .replacingOccurrences(of: "habitat = [12]", with: "habitat = [99]")
        try project.write(toFile: p("reproject.toml"), atomically: true, encoding: .utf8)
        let err = try assertRunFails(p("reproject.toml"), mentioning: ["calcicolous", "has no habitat", "99"])
        XCTAssertTrue(err.contains("communes-4326.gpkg: unit level 'commune' in WGS 84") && err.contains("reprojected"), err)

        // An inventory wholly outside the territory.
        let far = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[{"type":"Feature","properties":{"inventory":"ZNIEFF type 1"},"geometry":{"type":"Polygon","coordinates":[[[100000,6500000],[101000,6500000],[101000,6501000],[100000,6500000]]]}}]}"#
        try far.write(toFile: p("far.geojson"), atomically: true, encoding: .utf8)
        _ = try assertRunFails(try variant("source = { file = \"territory.gpkg\", layer = \"nature_inventories\", where = \"inventory = 'ZNIEFF type 1'\" }",
                                           with: "source = { file = \"far.geojson\" }"), mentioning: ["far.geojson", "wholly outside the territory"])
    }

    /// Values finer than the land cover can draw are run, with a warning naming the file and line: on the
    /// sample's 10 m cells (0.01 ha each), a buffer-zone minimum of 50 m² (0.005 ha) removes nothing, and
    /// a forest corridor buffer of 15 m is less than two cells (20 m). The defaults (1 ha and more) draw no warning.
    func testValuesFinerThanTheLandCoverAreWarned() throws {
        var project = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
        XCTAssertTrue(project.contains("min_area = \"5 ha\"") && project.contains("corridor_width = \"5000 cost\""))
        project = project.replacingOccurrences(of: "min_area = \"5 ha\"", with: "min_area = \"50 m2\"")
            .replacingOccurrences(of: "corridor_width = \"5000 cost\"", with: "corridor_width = \"15 m\"")
        let path = p("fine.toml")
        try project.write(toFile: path, atomically: true, encoding: .utf8)
        let lines = project.split(separator: "\n", omittingEmptySubsequences: false)
        let areaLine = lines.firstIndex { $0.hasPrefix("min_area = \"50 m2\"") }! + 1
        let widthLine = lines.firstIndex { $0.hasPrefix("corridor_width = \"15 m\"") }! + 1
        let r = try run(trame, ["run", path, "-o", p("fine-out"), "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        let warnings = r.err.split(separator: "\n").filter { $0.contains("of the land cover") }
        XCTAssertEqual(warnings.count, 2, r.err)
        XCTAssertTrue(warnings.contains { $0.hasPrefix("trame: warning: \(path):\(areaLine): [buffer_zones] min_area 0.005 ha is smaller than one cell of the land cover (10 m cells, 0.01 ha each)") }, r.err)
        XCTAssertTrue(warnings.contains { $0.hasPrefix("trame: warning: \(path):\(widthLine): sub-network 'forest': corridor_width 15 m is less than two cells of the land cover (10 m cells)") && $0.contains("widen it to 20 m") }, r.err)
    }

    // MARK: Levels of units and the atlas

    /// The sample's three levels (SCoT, EPCI, commune): each unit's area in figures.csv is the count of land-cover
    /// cells with data whose centre lies in its polygon (gdal_rasterize, one unit at a time), and each level's
    /// units add up to the territory for the additive figures (areas, reservoirs, conflict points).
    func testFiguresPerLevelMatchGDALAndAddUp() throws {
        let lc = try landCover()
        let cellHa = lc.cell * lc.cell / 10_000
        let rows = try tool("python3", ["-c", "import csv,json,sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1])))))", p("scheme/figures.csv")])
        let table = try JSONSerialization.jsonObject(with: Data(rows.utf8)) as! [[String: String]]
        let territory = table.first { $0["level"] == "territory" }!
        for (level, layer) in [("SCoT", "scot"), ("EPCI", "groupings"), ("commune", "communes")] {
            let units = table.filter { $0["level"] == level }
            let names = try features(p("territory.gpkg"), layer).map { ($0["properties"] as! [String: Any])["name"] as! String }
            XCTAssertEqual(units.map { $0["name"]! }, names, level)
            for key in ["area_ha", "nature_ha", "forest_reservoir_ha", "buffer_zone_ha", "conflict_points"] {
                let sum = units.reduce(0.0) { $0 + Double($1[key]!)! }
                XCTAssertEqual(sum, Double(territory[key]!)!, accuracy: 1e-6 * max(1, sum), "\(level) \(key)")
            }
            for u in units.prefix(3) {
                let out = p("unit-\(UUID().uuidString.prefix(6)).bin")
                _ = try tool("gdal_rasterize", ["-q", "-of", "ENVI", "-ot", "Byte", "-init", "0", "-burn", "1", "-l", layer,
                                                "-where", "name = '\(u["name"]!.replacingOccurrences(of: "'", with: "''"))'",
                                                "-te", "\(lc.west)", "\(lc.north - Double(lc.rows) * lc.cell)", "\(lc.west + Double(lc.cols) * lc.cell)", "\(lc.north)",
                                                "-ts", "\(lc.cols)", "\(lc.rows)", p("territory.gpkg"), out])
                let burnt = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
                let cells = burnt.indices.filter { burnt[$0] != 0 && lc.values[$0] != 0 }.count
                XCTAssertEqual(Double(u["area_ha"]!)!, Double(cells) * cellHa, accuracy: 1e-6, "\(level) \(u["name"]!)")
            }
        }
    }

    /// atlas.pdf: the overview, one page per sub-network, one page per grouping (the EPCI level has atlas =
    /// true) naming it, a page per kind of named itinerary, the differentiated management, the figures' tables with whole header words (pdftotext), then the annex (method and
    /// friction table); every page is A3, portrait or landscape (pdfinfo).
    func testAtlasHasAPagePerSubNetworkAndGrouping() throws {
        let pdf = p("scheme/atlas.pdf")
        let info = try tool("pdfinfo", ["-f", "1", "-l", "999", pdf])
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
        for line in info.split(separator: "\n") where line.hasPrefix("Page ") && line.contains("size:") {
            let size = line.components(separatedBy: "size: ")[1].split(separator: " ")
            let (w, h) = (Double(size[0])!, Double(size[2])!)
            XCTAssertTrue([(1191.0, 842.0), (842.0, 1191.0)].contains { abs($0.0 - w) < 1 && abs($0.1 - h) < 1 }, String(line))
        }
        let project = try String(contentsOfFile: p("project.toml"), encoding: .utf8)
        let labels = project.split(separator: "\n").filter { $0.hasPrefix("label = \"") }.map { $0.dropFirst(9).dropLast() }.map(String.init)
        XCTAssertEqual(labels.count, 5)
        let groupings = try features(p("territory.gpkg"), "groupings").map { ($0["properties"] as! [String: Any])["name"] as! String }
        XCTAssertGreaterThanOrEqual(groupings.count, 2)
        func text(_ k: Int) throws -> String { try tool("pdftotext", ["-f", "\(k)", "-l", "\(k)", pdf, "-"]) }
        let first = try text(1)
        XCTAssertTrue(first.contains("Green and blue infrastructure") && first.contains("Conflict points") && first.contains("Legend"), first)
        for (k, label) in labels.enumerated() { XCTAssertTrue(try text(2 + k).contains(label), "page \(2 + k): \(label)") }
        for (k, name) in groupings.enumerated() {
            let t = try text(2 + labels.count + k)
            XCTAssertTrue(t.contains(name) && t.contains("Figures of the unit"), "page \(2 + labels.count + k): \(name)\n\(t)")
        }
        var page = 2 + labels.count + groupings.count
        // Then one page per kind of the sample's named itineraries (greenway, long-distance path, loops).
        var kinds: [String] = []
        while page <= pages, case let t = try text(page), let r = t.range(of: "Named itineraries: ") {
            kinds.append(String(t[r.upperBound...].prefix { !$0.isNewline })); page += 1
        }
        XCTAssertEqual(kinds, ["Greenway", "Long-distance path", "Loop"])
        // Then the differentiated management's map (the sample fills [[management]]).
        XCTAssertTrue(try text(page).contains("Differentiated management — "), "page \(page): the management map")
        page += 1
        var tables = ""
        while page <= pages, case let t = try text(page), t.contains("Figures of the scheme") { tables += t; page += 1 }
        XCTAssertFalse(tables.isEmpty, "the figures' tables follow the units' pages")
        var annex = 0
        while page <= pages, try text(page).contains("Annex: method") { annex += 1; page += 1 }
        XCTAssertGreaterThanOrEqual(annex, 2, "method text and friction table")
        XCTAssertEqual(page - 1, pages, "overview + sub-networks + groupings + itineraries + management + tables + annex, nothing else")
        XCTAssertTrue(try text(pages).contains("Resistance per land-cover class"))
        // Header words whole: wrapped onto lines, never cut with an ellipsis.
        XCTAssertFalse(tables.contains("…"), tables)
        for word in ["Sub-network", "Reservoirs", "functional/all", "Corridors", "Conflict", "points", "Nature", "spaces", "major", "ecological",
                     "interest", "mixed", "vocation", "Buffer", "zones", "Groupings", "(EPCI)", "Territorial", "coherence", "schemes", "(SCoT)",
                     "Regime", "Prescription", "Applies"] {
            XCTAssertTrue(tables.contains(word), word)
        }
    }

    /// Differentiated management: every nature space carries a regime of the sample's [[management]] table (the
    /// major ones without a biotope regime, the conservation plan), and figures.csv gives, per regime that
    /// applies only to nature spaces, the area SpatiaLite sums over the nature spaces that carry it.
    func testEveryNatureSpaceCarriesItsManagementAndTheAreasAddUp() throws {
        let gpkg = p("scheme/scheme.gpkg")
        let nulls = try tool("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", "SELECT COUNT(*) AS n FROM nature_spaces WHERE management IS NULL", gpkg])
        XCTAssertTrue(nulls.contains("n (Integer) = 0"), nulls)
        let out = try tool("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql",
                                       "SELECT management, SUM(ST_Area(geom)) / 10000.0 AS ha FROM nature_spaces GROUP BY management", gpkg])
        var areas: [String: Double] = [:], code = ""
        for line in out.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("management (String) = ") { code = String(line.dropFirst("management (String) = ".count)) }
            if line.hasPrefix("ha (Real) = ") { areas[code] = Double(line.dropFirst("ha (Real) = ".count)) }
        }
        XCTAssertGreaterThanOrEqual(areas.count, 3, out)
        let csv = try figuresCSV()
        let header = csv[0], territory = csv[1]
        XCTAssertEqual(header.count, territory.count)
        // Regimes of nature spaces only (typology major or mixed; the biotope regimes also take their
        // sub-network's reservoirs and corridors): the figure is their nature spaces' area.
        for code in ["free_evolution", "conservation_plan", "differentiated_green_spaces"] where areas[code] != nil {
            let k = try XCTUnwrap(header.firstIndex(of: "management_\(code)_ha"), code)
            XCTAssertEqual(Double(territory[k]) ?? -1, areas[code]!, accuracy: 1e-6 * max(1, areas[code]!), code)
        }
        let report = try String(contentsOfFile: p("scheme/report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("Differentiated management"))
        XCTAssertTrue(report.contains("Late mowing with removal"))
    }
}
