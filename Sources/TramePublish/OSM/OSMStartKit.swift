import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameRouting
import TrameScheme
import TrameVector

/// `trame init DIR --osm EXTRACT.osm.pbf`: a ready project from an OpenStreetMap extract — the land cover
/// burnt from the tags (OSMKit's table), its nomenclature and friction tables, the layers of the scheme
/// (protected areas, roads, railways, paths, watercourses, obstacles, leisure hubs, units, territory) in
/// osm.gpkg, project.toml and INPUTS.md. Everything is computed before anything is written; the files are
/// written into a temporary folder inside DIR and moved into place at the end.
public enum OSMStartKit {
    public struct Options {
        public var extract: String
        public var dir: String
        public var name: String?
        public var crs: String?
        /// Cell size, metres.
        public var resolution: Double = 10
        public var clip: String?
        public var table: String?
        public var partner = "OpenStreetMap contributors"
        public var force = false
        public init(extract: String, dir: String) { self.extract = extract; self.dir = dir }
    }

    public struct Summary {
        public var files: [String]
        public var crs: String
        public var cols: Int, rows: Int
        public var landCells: Int
        public var cellSize: Double
        /// Share of the territory's cells per class code, in %.
        public var shares: [Int: Double]
        public var unmappedShare: Double
        public var seaHa: Double
        public var subNetworks: [String]
        public var dropped: [String]
        public var counts: [String: Int]
        public var unitsFrom: String
        public var seconds: Double
    }

    /// Fewest land cells a territory needs for a scheme.
    public static let minimumCells = 1_000
    /// Most cells the land cover may hold (about 1.6 GB of working grids).
    public static let maximumCells = 200_000_000

    public static let producer = "OpenStreetMap contributors"
    public static let licence = "ODbL 1.0"
    public static let inventoryName = "Protected areas (OpenStreetMap)"

    static let outputNames = ["project.toml", "nomenclature.csv", "friction.csv", "osm_classes.csv", "INPUTS.md", "landcover.tif", "osm.gpkg"]

    /// The tags of a feature of GDAL's OSM layers: its tag fields and its other_tags.
    static func tags(_ f: Feature) -> [String: String] {
        var t: [String: String] = [:]
        if let o = f["other_tags"].stringValue { t = parseOtherTags(o) }
        for (k, v) in f.attributes where !["osm_id", "osm_way_id", "other_tags", "z_order"].contains(k) {
            if let s = v.stringValue, !s.isEmpty { t[k] = s }
        }
        return t
    }

    static func polygons(_ g: Geometry?) -> [Polygon] {
        switch g {
        case .polygon(let p): [p]
        case .multiPolygon(let ps): ps
        default: []
        }
    }

    static func area(_ ps: [Polygon]) -> Double { ps.reduce(0) { $0 + $1.area } }

    /// Reads one layer of the extract (empty layers allowed), errors worded for an OSM file.
    static func readLayer(_ path: String, _ layer: String) throws -> VectorLayer {
        do {
            return try VectorIO.read(path, layer: layer, allowEmpty: true)
        } catch let e as GeodataError {
            throw GeodataError(path, "cannot be read as an OpenStreetMap extract (\(e.problem))")
        }
    }

    public static func build(_ o: Options, log: (String) -> Void = { _ in }) throws -> Summary {
        let t0 = Date()
        let extract = o.extract
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: extract, isDirectory: &isDir), !isDir.boolValue else {
            throw GeodataError(extract, "no such file (the OpenStreetMap extract)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: extract)[.size] as? Int) ?? 0
        guard size > 0 else { throw GeodataError(extract, "is empty (0 bytes), not an OpenStreetMap extract") }
        guard VectorIO.driverName(extract) == "OSM" else {
            throw GeodataError(extract, "is not an OpenStreetMap extract (GDAL's OSM driver cannot read it; an .osm.pbf or .osm file is expected)")
        }
        // Existing files (refused without --force), before any work.
        let dir = o.dir
        let existing = outputNames.map { (dir as NSString).appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0) }
        if !existing.isEmpty && !o.force {
            throw InputError("\(existing.joined(separator: ", ")): already exist\(existing.count == 1 ? "s" : ""); nothing written; use --force to overwrite")
        }
        // The tag table.
        var rules = OSMKit.defaultRules
        var tableText = OSMKit.tableCSV()
        if let t = o.table {
            guard FileManager.default.fileExists(atPath: t) else { throw GeodataError(t, "no such file (the tag → class table)") }
            guard let text = try? String(contentsOfFile: t, encoding: .utf8) else { throw GeodataError(t, "cannot be read as a UTF-8 text file (the tag → class table)") }
            rules = try OSMKit.parseTable(text, file: t)
            tableText = text
        }
        guard o.resolution > 0, o.resolution.isFinite else { throw InputError("--resolution must be a positive number of metres") }

        // Read the extract.
        log("reading \(extract)")
        let points = try readLayer(extract, "points")
        let lines = try readLayer(extract, "lines")
        let areas = try readLayer(extract, "multipolygons")
        guard !(points.features.isEmpty && lines.features.isEmpty && areas.features.isEmpty) else {
            throw GeodataError(extract, "holds no OpenStreetMap data GDAL can read (no node, way or relation): an empty, truncated or corrupt extract")
        }
        let wgs = try SpatialReference.fromWKT(lines.crsWKT) ?? SpatialReference.fromWKT(points.crsWKT) ?? SpatialReference(epsg: 4326)
        // The extract's bounds: its header's bounding box, else its data's.
        var bounds = try? VectorIO.declaredExtent(extract, layer: "points")
        if bounds == nil {
            var b = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
            for l in [points, lines, areas] { for f in l.features { for p in f.geometry?.points ?? [] {
                b = (min(b.minX, p.x), min(b.minY, p.y), max(b.maxX, p.x), max(b.maxY, p.y))
            } } }
            if b.maxX > b.minX, b.maxY > b.minY { bounds = b }
        }
        guard let bb = bounds else { throw GeodataError(extract, "has no extent: its data cover no area") }
        let utm = UTMZone(longitude: (bb.minX + bb.maxX) / 2, latitude: (bb.minY + bb.maxY) / 2)
        let crs: SpatialReference
        if let c = o.crs {
            let s: SpatialReference
            do { s = try SpatialReference(definition: c) } catch {
                throw InputError("--crs \(c): unknown CRS; the extract's centre is in \(utm.label): --crs EPSG:\(utm.epsg)")
            }
            guard s.isProjectedInMetres else {
                throw InputError("--crs \(c): \(s.name) is not a projected CRS in metres; the extract's centre is in \(utm.label): --crs EPSG:\(utm.epsg)")
            }
            crs = s
        } else {
            crs = try SpatialReference(epsg: utm.epsg)
        }
        let crsText = crs.epsgCode.map { "EPSG:\($0)" } ?? o.crs ?? crs.name
        let toCRS = try CoordinateTransformer(from: wgs, to: crs)

        // The territory: the extract's bounds (densified, reprojected), cut by --clip.
        var ring: [Point] = []
        let steps = 32
        for i in 0..<steps { ring.append(Point(bb.minX + (bb.maxX - bb.minX) * Double(i) / Double(steps), bb.minY)) }
        for i in 0..<steps { ring.append(Point(bb.maxX, bb.minY + (bb.maxY - bb.minY) * Double(i) / Double(steps))) }
        for i in 0..<steps { ring.append(Point(bb.maxX - (bb.maxX - bb.minX) * Double(i) / Double(steps), bb.maxY)) }
        for i in 0..<steps { ring.append(Point(bb.minX, bb.maxY - (bb.maxY - bb.minY) * Double(i) / Double(steps))) }
        let boundsPolygon = Polygon(exterior: try ring.map { try toCRS.transform($0) })
        var territory = [boundsPolygon]
        if let clip = o.clip {
            var cl = try VectorIO.read(clip)
            guard let own = SpatialReference.fromWKT(cl.crsWKT) else { throw GeodataError(clip, "has no CRS; assign one (ogr2ogr -a_srs EPSG:…)") }
            if !own.isSame(as: crs) { cl = try VectorIO.reproject(cl, to: crs, file: clip) }
            let cp = GeometryOps.union(cl.features.compactMap(\.geometry))
            guard !cp.isEmpty else { throw GeodataError(clip, "holds no polygon to clip the territory with") }
            territory = GeometryOps.intersection([boundsPolygon], cp)
            guard area(territory) > 0 else {
                throw GeodataError(clip, "lies outside the extract \((extract as NSString).lastPathComponent): its polygons do not overlap the extract's bounds")
            }
        }

        log("reprojecting to \(crsText)")
        let pts = try VectorIO.reproject(points, to: crs, file: extract)
        let lns = try VectorIO.reproject(lines, to: crs, file: extract)
        let mps = try VectorIO.reproject(areas, to: crs, file: extract)
        let areaTags = mps.features.map(tags), lineTags = lns.features.map(tags), pointTags = pts.features.map(tags)

        // The sea: faces of the territory on the right of natural=coastline ways, and sea polygons.
        var coast: [[Point]] = []
        for (f, t) in zip(lns.features, lineTags) where t["natural"] == "coastline" {
            guard let g = f.geometry, let c = GeometryOps.clipLines(g, to: territory) else { continue }
            switch c {
            case .lineString(let l): coast.append(l)
            case .multiLineString(let ls): coast += ls
            default: break
            }
        }
        // Extracts cut ways at their bounds: a coastline ending within `coastSnap` of the territory's edge is
        // carried on to it (a little beyond), so that it cuts the territory.
        coast = coast.map { extendToEdge($0, territory: territory, within: coastSnap) }
        var sea: [Polygon] = []
        if !coast.isEmpty {
            for piece in territory {
                let faces = GeometryOps.split(piece, by: coast)
                for face in faces where isSea(face, coast: coast) { sea.append(face) }
            }
        }
        let seaTags: [(String, String)] = [("natural", "bay"), ("natural", "strait"), ("water", "sea"), ("place", "sea"), ("place", "ocean")]
        let seaPolys = zip(mps.features, areaTags).filter { _, t in seaTags.contains { t[$0.0] == $0.1 } }.flatMap { polygons($0.0.geometry) }
        if !seaPolys.isEmpty { sea += seaPolys }
        var land = territory
        var seaHa = 0.0
        if !sea.isEmpty {
            let seaU = GeometryOps.intersection(GeometryOps.union(sea.map(Geometry.polygon)), territory)
            seaHa = area(seaU) / 10_000
            land = GeometryOps.difference(territory, seaU)
        }
        guard area(land) > 0 else { throw InputError("\(extract): the territory is all sea; there is no land for a scheme") }

        // The grid: the land's extent, snapped to the cell size.
        let r = o.resolution
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in land { for q in p.exterior { minX = min(minX, q.x); minY = min(minY, q.y); maxX = max(maxX, q.x); maxY = max(maxY, q.y) } }
        let west = (minX / r).rounded(.down) * r, east = (maxX / r).rounded(.up) * r
        let south = (minY / r).rounded(.down) * r, north = (maxY / r).rounded(.up) * r
        let cols = Int(((east - west) / r).rounded()), rows = Int(((north - south) / r).rounded())
        guard cols * rows <= maximumCells else {
            throw InputError("\(extract): \(cols) × \(rows) cells of \(readable(r)) m is too large a land cover; give a coarser --resolution")
        }
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: west, north: north, cellSize: r), crsWKT: crs.wkt)
        let landLayer = VectorLayer(name: "land", geometryKind: .multiPolygon, fields: [],
                                    features: [Feature(geometry: .multiPolygon(land))], crsWKT: crs.wkt)
        let mask = try Rasterizer.rasterize(landLayer, onto: spec, as: UInt8.self, burn: .value(1), fill: 0)
        let landCells = mask.values.reduce(0) { $0 + Int($1) }
        guard landCells >= minimumCells else {
            throw InputError("\(extract): the territory is too small for a scheme: \(landCells) land cells of \(readable(r)) m (at least \(minimumCells) are needed; give a finer --resolution or a larger extract)")
        }

        // The land cover: features burnt from the lowest priority to the highest.
        log("burning the land cover (\(cols) × \(rows) cells of \(readable(r)) m)")
        var burn: [(rule: OSMKit.Rule, geometry: Geometry)] = []
        for (f, t) in zip(mps.features, areaTags) {
            guard let g = f.geometry, !polygons(g).isEmpty, let rule = OSMKit.rule(for: t, kind: .area, in: rules) else { continue }
            burn.append((rule, g))
        }
        for (f, t) in zip(lns.features, lineTags) {
            guard let g = f.geometry, let rule = OSMKit.rule(for: t, kind: .line, in: rules), let w = rule.width else { continue }
            if let b = GeometryOps.buffer(g, distance: w / 2), !polygons(b).isEmpty { burn.append((rule, b)) }
        }
        burn.sort { ($0.rule.priority, $0.rule.order) < ($1.rule.priority, $1.rule.order) }
        let burnLayer = VectorLayer(name: "osm_classes", geometryKind: .multiPolygon, fields: [FieldDefinition("code", .integer)],
                                    features: burn.map { Feature(geometry: $0.geometry, attributes: ["code": .integer($0.rule.code)]) }, crsWKT: crs.wkt)
        var cover = try Rasterizer.rasterize(burnLayer, onto: spec, as: Int32.self, burn: .attribute("code"), fill: Int32(OSMKit.unmappedCode), noData: 0)
        var counts: [Int: Int] = [:]
        for i in 0..<cover.count {
            if mask.values[i] == 0 { cover.values[i] = 0 } else { counts[Int(cover.values[i]), default: 0] += 1 }
        }
        var shares: [Int: Double] = [:]
        for (c, n) in counts { shares[c] = 100 * Double(n) / Double(landCells) }
        let unmapped = shares[OSMKit.unmappedCode] ?? 0

        // Layers.
        log("writing the layers")
        func clipped(_ g: Geometry) -> Geometry? {
            switch g {
            case .point(let p): return land.contains { $0.contains(p) } ? g : nil
            case .lineString, .multiLineString: return GeometryOps.clipLines(g, to: land)
            case .polygon, .multiPolygon:
                let ps = GeometryOps.intersection(polygons(g), land)
                return ps.isEmpty ? nil : .multiPolygon(ps)
            default: return nil
            }
        }
        func osmID(_ f: Feature) -> String {
            if let w = f["osm_way_id"].stringValue { return "way/\(w)" }
            guard let id = f["osm_id"].stringValue else { return "" }
            if case .point = f.geometry { return "node/\(id)" }
            return (f.attributes["osm_way_id"] != nil ? "relation/" : "way/") + id
        }
        let wkt = crs.wkt
        // Protected areas.
        var protected: [Feature] = []
        for (f, t) in zip(mps.features, areaTags) where t["boundary"] == "protected_area" || t["leisure"] == "nature_reserve" || t["boundary"] == "national_park" {
            guard let g = f.geometry, let c = clipped(g) else { continue }
            protected.append(Feature(geometry: c, attributes: [
                "site_id": .string(osmID(f)), "inventory": .string(inventoryName), "name": t["name"].map(FieldValue.string) ?? .null,
                "protect_class": t["protect_class"].map(FieldValue.string) ?? .null,
                "designation": (t["protection_title"] ?? t["designation"]).map(FieldValue.string) ?? .null, "partner": .string(o.partner),
            ]))
        }
        // Roads, railways, paths.
        var roads: [Feature] = [], rails: [Feature] = [], paths: [Feature] = []
        let roadClasses = Set(rules.filter { $0.kind == .line && $0.key == "highway" }.map(\.value)).subtracting(OSMKit.pathClasses)
        for (f, t) in zip(lns.features, lineTags) {
            guard let g = f.geometry else { continue }
            if let h = t["highway"] {
                if OSMKit.pathClasses.contains(h) {
                    guard let c = clipped(g) else { continue }
                    var a: [String: FieldValue] = ["class": .string(h), "highway": .string(h)]
                    for k in ["name", "access", "foot", "bicycle", "surface"] { a[k] = t[k].map(FieldValue.string) ?? .null }
                    paths.append(Feature(geometry: c, attributes: a))
                } else if roadClasses.contains(h) || h.hasSuffix("_link") || ["motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "service"].contains(h) {
                    guard let c = clipped(g) else { continue }
                    var a: [String: FieldValue] = ["class": .string(h), "highway": .string(h)]
                    for k in ["ref", "name", "access", "foot", "bicycle"] { a[k] = t[k].map(FieldValue.string) ?? .null }
                    roads.append(Feature(geometry: c, attributes: a))
                }
            }
            if let rw = t["railway"], ["rail", "light_rail", "narrow_gauge", "tram", "subway", "funicular", "monorail"].contains(rw) {
                guard let c = clipped(g) else { continue }
                rails.append(Feature(geometry: c, attributes: ["class": .string(rw), "name": t["name"].map(FieldValue.string) ?? .null,
                                                               "status": .string(t["tunnel"].map { $0 != "no" ? "tunnel" : "" } ?? (t["bridge"].map { $0 != "no" ? "bridge" : "" } ?? ""))]))
            }
        }
        // Watercourses and obstacles.
        var watercourses: [Feature] = [], obstacles: [Feature] = []
        for (f, t) in zip(lns.features, lineTags) {
            guard let g = f.geometry, let w = t["waterway"] else { continue }
            if OSMKit.watercourseKinds.contains(w), let c = clipped(g) {
                watercourses.append(Feature(geometry: c, attributes: ["name": .string(t["name"] ?? "\(w) \(osmID(f))"), "kind": .string(w)]))
            }
        }
        let obstacleSources: [(Feature, [String: String])] = Array(zip(pts.features, pointTags)) + Array(zip(lns.features, lineTags)) + Array(zip(mps.features, areaTags))
        for (f, t) in obstacleSources {
            guard let w = t["waterway"], let ob = OSMKit.obstacles.first(where: { $0.kind == w }), let g = f.geometry,
                  let p = GeometryOps.representativePoint(g), land.contains(where: { $0.contains(p) }) else { continue }
            obstacles.append(Feature(geometry: .point(p), attributes: ["name": t["name"].map(FieldValue.string) ?? .null, "kind": .string(w),
                                                                        "passability": .real(ob.passability)]))
        }
        // Leisure hubs.
        var hubs: [Feature] = []
        for (f, t) in Array(zip(mps.features, areaTags)) + Array(zip(pts.features, pointTags)) {
            guard let name = t["name"], let hub = OSMKit.leisureHubs.first(where: { t[$0.key] == $0.value }), let g = f.geometry,
                  let p = GeometryOps.representativePoint(g), land.contains(where: { $0.contains(p) }) else { continue }
            hubs.append(Feature(geometry: .point(p), attributes: ["name": .string(name), "kind": .string(hub.value), "stake": .string(hub.stake)]))
        }
        // Units: communes at the lowest administrative level present, else a grid of squares.
        var units: [Feature] = []
        var unitsFrom = ""
        let admin = zip(mps.features, areaTags).filter { $0.1["boundary"] == "administrative" && Int($0.1["admin_level"] ?? "") != nil }
        if let level = admin.compactMap({ Int($0.1["admin_level"]!) }).max() {
            for (f, t) in admin where Int(t["admin_level"]!) == level {
                guard let g = f.geometry, let c = clipped(g) else { continue }
                units.append(Feature(geometry: c, attributes: ["name": .string(t["name"] ?? osmID(f)), "admin_level": .integer(level)]))
            }
            unitsFrom = "admin_level \(level)"
        }
        var gridSide = 0.0
        if units.isEmpty {
            let w = maxX - minX, h = maxY - minY
            gridSide = [5000.0, 2000, 1000, 500, 250, 100].first { (w / $0).rounded(.up) * (h / $0).rounded(.up) >= 4 } ?? 100
            let nc = Int((w / gridSide).rounded(.up)), nr = Int((h / gridSide).rounded(.up))
            for row in 0..<nr {
                for col in 0..<nc {
                    let x0 = minX + Double(col) * gridSide, y1 = maxY - Double(row) * gridSide
                    let sq = Polygon(exterior: [Point(x0, y1), Point(x0 + gridSide, y1), Point(x0 + gridSide, y1 - gridSide), Point(x0, y1 - gridSide), Point(x0, y1)])
                    let c = GeometryOps.intersection([sq], land)
                    guard area(c) >= r * r * 4 else { continue }
                    units.append(Feature(geometry: .multiPolygon(c), attributes: ["name": .string("R\(row + 1)C\(col + 1)")]))
                }
            }
            unitsFrom = "grid"
        }

        // Sub-networks: those whose habitat (or protected areas) makes at least one reservoir.
        var protectedGrid: Grid<UInt8>? = nil
        if !protected.isEmpty {
            protectedGrid = try Rasterizer.rasterize(VectorLayer(name: "protected", geometryKind: .multiPolygon, features: protected, crsWKT: wkt),
                                                     onto: spec, as: UInt8.self, burn: .value(1), fill: 0)
        }
        var kept: [OSMKit.SubNetworkDef] = [], dropped: [String] = []
        for s in OSMKit.subNetworks {
            let labels = s.habitat.compactMap { OSMKit.classDef($0)?.label.lowercased() }.joined(separator: ", ")
            if s.watercourse {
                if watercourses.isEmpty { dropped.append("\(s.name): no watercourse (waterway=river/stream/canal) in the territory"); continue }
                kept.append(s); continue
            }
            let found = try? PatchFinder.find(landCover: cover, habitat: Set(s.habitat.map(Int32.init)), minAreaHa: s.minReservoirHa, inventory: protectedGrid)
            if let found, !found.patches.isEmpty { kept.append(s) } else {
                dropped.append("\(s.name): no patch of \(labels) reaches \(readable(s.minReservoirHa)) ha")
            }
        }
        guard kept.contains(where: { !$0.watercourse }) else {
            throw InputError("\(extract): the territory is too small for a scheme: no habitat makes a reservoir (\(dropped.joined(separator: "; ")))")
        }

        // The files.
        let date = extractDate(extract)
        let layers: [(String, GeometryKind, [FieldDefinition], [Feature])] = [
            ("territory", .multiPolygon, [FieldDefinition("name", .string), FieldDefinition("sea_ha", .real)],
             [Feature(geometry: .multiPolygon(land), attributes: ["name": .string(o.name ?? defaultName(extract)), "sea_ha": .real(seaHa)])]),
            ("protected_areas", .multiPolygon, ["site_id", "inventory", "name", "protect_class", "designation", "partner"].map { FieldDefinition($0, .string) }, protected),
            ("roads", .multiLineString, ["class", "highway", "ref", "name", "access", "foot", "bicycle"].map { FieldDefinition($0, .string) }, roads),
            ("railways", .multiLineString, ["class", "name", "status"].map { FieldDefinition($0, .string) }, rails),
            ("paths", .multiLineString, ["class", "highway", "name", "access", "foot", "bicycle", "surface"].map { FieldDefinition($0, .string) }, paths),
            ("watercourses", .multiLineString, [FieldDefinition("name", .string), FieldDefinition("kind", .string)], watercourses),
            ("obstacles", .point, [FieldDefinition("name", .string), FieldDefinition("kind", .string), FieldDefinition("passability", .real)], obstacles),
            ("leisure_hubs", .point, [FieldDefinition("name", .string), FieldDefinition("kind", .string), FieldDefinition("stake", .string)], hubs),
            ("units", .multiPolygon, units.first?.attributes["admin_level"] != nil ? [FieldDefinition("name", .string), FieldDefinition("admin_level", .integer)] : [FieldDefinition("name", .string)], units),
        ]
        let vectorLayers = layers.filter { !$0.3.isEmpty }.map { VectorLayer(name: $0.0, geometryKind: $0.1, fields: $0.2, features: $0.3, crsWKT: wkt) }
        let present = Set(vectorLayers.map(\.name))
        let counts2 = Dictionary(uniqueKeysWithValues: layers.map { ($0.0, $0.3.count) })
        let info = OSMProjectText.Info(name: o.name ?? defaultName(extract), extract: (extract as NSString).lastPathComponent, crs: crsText, crsLabel: crs.name,
                                       resolution: r, date: date, partner: o.partner, layers: present, subNetworks: kept, dropped: dropped,
                                       unmappedShare: unmapped, seaHa: seaHa, unitsFrom: unitsFrom, gridSide: gridSide, table: o.table != nil,
                                       hubs: hubs.count, counts: counts2)
        let texts: [(String, String)] = [
            ("project.toml", OSMProjectText.project(info)),
            ("nomenclature.csv", OSMProjectText.nomenclatureCSV()),
            ("friction.csv", OSMProjectText.frictionCSV()),
            ("osm_classes.csv", tableText),
            ("INPUTS.md", OSMProjectText.inputsMarkdown(info)),
        ]
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tmp = (dir as NSString).appendingPathComponent(".trame-init-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(atPath: tmp)
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        for (n, t) in texts { try t.write(toFile: (tmp as NSString).appendingPathComponent(n), atomically: false, encoding: .utf8) }
        var categories: [Int: String] = [:], colours: [Int: (UInt8, UInt8, UInt8)] = [:]
        for c in OSMKit.classes { categories[c.code] = c.label; colours[c.code] = (UInt8(c.colour.0), UInt8(c.colour.1), UInt8(c.colour.2)) }
        // Byte cells (every code of the kit is below 256): GeoTIFF keeps the colour table only for them.
        let coverBytes = Grid<UInt8>(spec: spec, values: cover.values.map { UInt8(clamping: $0) }, noData: 0)
        try RasterIO.write(coverBytes, to: (tmp as NSString).appendingPathComponent("landcover.tif"), bandDescription: "land cover from OpenStreetMap tags (osm_classes.csv)",
                           categories: categories, colours: colours)
        try VectorIO.write(vectorLayers, to: (tmp as NSString).appendingPathComponent("osm.gpkg"),
                           metadata: ["source": "\(info.extract), \(producer), \(licence), \(date)"])
        var written: [String] = []
        for n in outputNames {
            let from = (tmp as NSString).appendingPathComponent(n), to = (dir as NSString).appendingPathComponent(n)
            guard FileManager.default.fileExists(atPath: from) else { continue }
            if FileManager.default.fileExists(atPath: to) { try FileManager.default.removeItem(atPath: to) }
            try FileManager.default.moveItem(atPath: from, toPath: to)
            written.append(n)
        }
        let aux = (dir as NSString).appendingPathComponent("landcover.tif.aux.xml")
        if FileManager.default.fileExists(atPath: aux) { try? FileManager.default.removeItem(atPath: aux) }
        return Summary(files: written, crs: crsText, cols: cols, rows: rows, landCells: landCells, cellSize: r, shares: shares, unmappedShare: unmapped,
                       seaHa: seaHa, subNetworks: kept.map(\.name), dropped: dropped, counts: counts2, unitsFrom: unitsFrom,
                       seconds: Date().timeIntervalSince(t0))
    }

    /// How far from the territory's edge a coastline's loose end is carried on to it, metres.
    public static let coastSnap = 100.0

    /// The nearest point to `p` on the rings of the polygons, and its distance.
    static func nearestOnEdge(_ p: Point, _ polys: [Polygon]) -> (Point, Double)? {
        var best: (Point, Double)? = nil
        for poly in polys {
            for ring in [poly.exterior] + poly.holes where ring.count > 1 {
                for i in 0..<(ring.count - 1) {
                    let a = ring[i], b = ring[i + 1]
                    let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
                    let t = l2 > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0
                    let q = Point(a.x + t * dx, a.y + t * dy)
                    let d = q.distance(to: p)
                    if best == nil || d < best!.1 { best = (q, d) }
                }
            }
        }
        return best
    }

    /// A coastline piece with each loose end (inside the territory, off its edge by less than `within`)
    /// carried on to the nearest point of the edge and 1 m beyond it.
    static func extendToEdge(_ line: [Point], territory: [Polygon], within: Double) -> [Point] {
        guard line.count > 1 else { return line }
        func beyond(_ end: Point) -> Point? {
            guard let (q, d) = nearestOnEdge(end, territory), d > 0.01, d <= within else { return nil }
            return Point(q.x + (q.x - end.x) / d, q.y + (q.y - end.y) / d)
        }
        var out = line
        if let s = beyond(line[0]) { out.insert(s, at: 0) }
        if let e = beyond(line[line.count - 1]) { out.append(e) }
        return out
    }

    /// Whether a face of the territory lies on the sea side of the coastline: OSM draws coastline ways
    /// with the land on their left and the sea on their right. Each coastline segment on the face's edge
    /// votes with a point just off its middle; the face is sea when more of those points on its side are
    /// on the right than on the left.
    static func isSea(_ face: Polygon, coast: [[Point]]) -> Bool {
        var sea = 0, landVotes = 0
        let eps = 0.05
        for l in coast where l.count > 1 {
            for i in 0..<(l.count - 1) {
                let a = l[i], b = l[i + 1]
                let dx = b.x - a.x, dy = b.y - a.y, len = (dx * dx + dy * dy).squareRoot()
                guard len > 4 * eps else { continue }
                let m = Point((a.x + b.x) / 2, (a.y + b.y) / 2)
                let right = Point(m.x + dy / len * eps, m.y - dx / len * eps), left = Point(m.x - dy / len * eps, m.y + dx / len * eps)
                if face.contains(right) { sea += 1 }
                if face.contains(left) { landVotes += 1 }
            }
        }
        return sea > landVotes
    }

    static func defaultName(_ extract: String) -> String {
        var n = (extract as NSString).lastPathComponent
        for s in [".pbf", ".osm"] where n.lowercased().hasSuffix(s) { n = String(n.dropLast(s.count)) }
        return n
    }

    /// The extract's date: GDAL's OSM driver does not give the header's timestamp, so the file's date (UTC).
    static func extractDate(_ path: String) -> String {
        let d = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd"
        return f.string(from: d)
    }

    static func readable(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
    }
}
