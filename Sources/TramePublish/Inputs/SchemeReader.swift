import Crypto
import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

/// Reading and checking the inputs a project names, before any computation starts.
public enum SchemeInputs {
    /// The file on disk behind a GDAL path: the zip itself for `/vsizip/A.zip` or `/vsizip/A.zip/B.shp`
    /// (a zipped Shapefile, e.g. a partner's upload given with `--inventory`), the path otherwise.
    public static func archivePath(_ path: String) -> String {
        guard path.hasPrefix("/vsizip/") else { return path }
        let inner = String(path.dropFirst("/vsizip/".count))
        if let r = inner.range(of: ".zip/", options: [.caseInsensitive, .backwards]) { return String(inner[..<r.upperBound].dropLast()) }
        return inner
    }

    /// Reads a layer named in the project; reprojects it to `crsWKT` with a warning when it is in
    /// another CRS; refuses a layer without CRS or wholly outside the territory.
    public static func layer(_ src: LayerSource, role: String, crsWKT: String, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double),
                      allowEmpty: Bool = false, warn: (String) -> Void) throws -> VectorLayer {
        guard FileManager.default.fileExists(atPath: archivePath(src.file)) else { throw GeodataError(src.file, "no such file (\(role))") }
        var l = try VectorIO.read(src.file, layer: src.layer, filter: src.filter, allowEmpty: allowEmpty)
        guard let target = SpatialReference.fromWKT(crsWKT) else { return l }
        guard let own = SpatialReference.fromWKT(l.crsWKT) else {
            throw GeodataError(src.file, "\(role) layer '\(l.name)' has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)")
        }
        if !own.isSame(as: target) {
            warn("\(src.label): \(role) in \(own.label), reprojected to \(target.label)")
            l = try VectorIO.reproject(l, to: target, file: src.file)
        }
        if !l.features.isEmpty {
            let inside = l.features.contains { f in
                guard let b = f.geometry?.bounds else { return false }
                return b.maxX >= extent.minX && b.minX <= extent.maxX && b.maxY >= extent.minY && b.minY <= extent.maxY
            }
            if !inside {
                throw GeodataError(src.file, "\(role) layer '\(l.name)' lies wholly outside the territory (x \(Int(extent.minX))–\(Int(extent.maxX)), y \(Int(extent.minY))–\(Int(extent.maxY)) m)")
            }
        }
        return l
    }

    /// Lines of a layer (lines and multilines; other geometries are refused).
    public static func lines(_ l: VectorLayer, file: String) throws -> [(Feature, [Point])] {
        var out: [(Feature, [Point])] = []
        for f in l.features {
            switch f.geometry {
            case .lineString(let pts): out.append((f, pts))
            case .multiLineString(let ls): for pts in ls { out.append((f, pts)) }
            case nil: continue
            default: throw GeodataError(file, "layer '\(l.name)' must hold lines; it holds \(f.geometry!.kind)")
            }
        }
        return out
    }

    /// SHA-256 of a file, read in blocks.
    public static func sha256(_ path: String) -> String {
        guard let h = FileHandle(forReadingAtPath: path) else { return "unreadable" }
        defer { try? h.close() }
        var hasher = SHA256()
        while let d = try? h.read(upToCount: 4 << 20), !d.isEmpty { hasher.update(data: d) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Reads a project's inputs through GDAL into the pipeline's first value (`SchemeInput`), checking each as
/// soon as it is read: the land cover (CRS, cell size), the tables, the layers (reprojected when needed),
/// the inventories and units as grids, the infrastructure lines.
public struct SchemeReader {
    public let project: Project
    public let lang: String
    public let progress: (String) -> Void
    public let warn: (String) -> Void

    public func read() throws -> SchemeInput {
        let p = project
        progress("reading the land cover")
        // Polygons are classed through the nomenclature as they are rasterised: it is read first.
        let early = p.landCoverVector != nil ? try Nomenclature.read(p.nomenclature) : nil
        // The grid of codes (4 bytes a cell) lives only until it is checked and narrowed to class indices.
        let (lc, derived, crs, nomenclature, table) = try { () throws -> (ClassGrid, Bool, SpatialReference, [Int: NomenclatureEntry], ResistanceTable) in
            let (lc, derived) = try landCoverGrid(nomenclature: early)
            let crs = try checkGrid(lc.spec)
            for w in InputChecks.scale(p, cellWidth: abs(lc.spec.transform.pixelWidth), cellHeight: abs(lc.spec.transform.pixelHeight)) { warn(w) }
            let nomenclature = try early ?? Nomenclature.read(p.nomenclature)
            if let nd = p.landCoverNoData, let entry = nomenclature[nd] {
                warn("\(p.file): [land_cover] nodata = \(nd) is the class '\(entry.label)' of \((p.nomenclature as NSString).lastPathComponent): its cells are left out of the scheme")
            }
            let histogram = Nomenclature.histogram(lc)
            try InputChecks.nomenclature(nomenclature, histogram: histogram, project: p)
            let table = try FrictionTable.read(p.friction)
            try InputChecks.friction(table, nomenclature: nomenclature, histogram: histogram, project: p)
            return (ClassGrid(lc), derived, crs, nomenclature, table)
        }()

        progress("reading the layers")
        let spec = lc.spec
        var counts: [LayerSource: Int] = [:]
        func read(_ src: LayerSource?, _ role: String) throws -> VectorLayer? {
            guard let src else { return nil }
            let layer = try SchemeInputs.layer(src, role: role, crsWKT: spec.crsWKT, extent: spec.extent, warn: warn)
            counts[src] = layer.features.count
            return layer
        }
        var inventoryLayers: [VectorLayer] = []
        for inv in p.inventories { inventoryLayers.append(try read(inv.source, "inventory '\(inv.name)'")!) }
        guard p.inventories.count <= 32 else { throw ProjectError(p.file, "at most 32 inventories are supported; \(p.inventories.count) are listed") }
        let roads = try read(p.roads, "roads"), railways = try read(p.railways, "railways")
        let unitLayers = try p.unitLevels.map { try read($0.source, "unit level '\($0.name)'")! }
        var hubs = try read(p.leisureHubs, "leisure hubs")
        // A hub outside the territory (beyond the land cover, or on its NoData) is left out of everything, with
        // a warning: the layer, the key figures and figures.csv then count the same hubs.
        if var h = hubs, let src = p.leisureHubs {
            var outside: [String] = []
            h.features = h.features.enumerated().filter { k, f in
                let pts: [Point] = switch f.geometry { case .point(let q)?: [q]; case .multiPoint(let qs)?: qs; default: [] }
                let inside = pts.contains { q in spec.cell(x: q.x, y: q.y).map { !lc.isNoData(lc[spec.index(col: $0.col, row: $0.row)]) } ?? false }
                if !inside && !pts.isEmpty { outside.append(f[p.hubNameField].stringValue ?? "hub \(k + 1)") }
                return inside || pts.isEmpty
            }.map(\.1)
            if !outside.isEmpty {
                warn("\(src.label): \(outside.count) leisure hub\(outside.count > 1 ? "s lie" : " lies") outside the territory, left out: \(outside.prefix(5).joined(separator: ", "))\(outside.count > 5 ? ", …" : "")")
            }
            hubs = h
        }
        if let hubs, let field = p.hubStakeField, let src = p.leisureHubs {
            guard hubs.fields.contains(where: { $0.name == field }) else {
                throw GeodataError(src.file, "leisure hub layer '\(hubs.name)' has no field '\(field)' ([leisure_hubs] stake_field)")
            }
            for (k, f) in hubs.features.enumerated() {
                let v = f[field].stringValue ?? ""
                if HubStake.parse(v) == nil {
                    let name = f[p.hubNameField].stringValue ?? "hub \(k + 1)"
                    throw GeodataError(src.file, "leisure hub '\(name)' has stake '\(v)' in field '\(field)'; write regional (régional) or community (communautaire, intercommunal)")
                }
            }
        }
        let paths = try read(p.paths, "paths")
        let pathLines = try paths.map { l in try SchemeInputs.lines(l, file: p.paths!.file).map(\.1) } ?? []

        progress("rasterising \(p.inventories.count) inventories")
        let inventoryBits = try inventoryGrid(inventoryLayers, spec: spec)
        progress("rasterising the units")
        var units: [UnitLevel] = []
        var unitCells = UnitCells(count: spec.count)
        for (level, layer) in zip(p.unitLevels, unitLayers) {
            let (unit, grid) = try unitLevel(layer, level, spec: spec)
            let g = grid.values
            unitCells.add(level: { UInt16(truncatingIfNeeded: g[$0]) })
            units.append(unit)
        }
        var input = SchemeInput(project: p, landCover: lc, crsLabel: crs.label, nomenclature: nomenclature, friction: table,
                                inventoryLayers: inventoryLayers, inventoryBits: inventoryBits, units: units, unitCells: unitCells,
                                infrastructure: try infrastructure(roads: roads, railways: railways), hubs: hubs, pathLines: pathLines, language: lang)
        if p.hydrography != nil && !p.subNetworks.contains(where: { $0.model == .watercourse }) {
            warn("\(p.file): [hydrography] is given but no [[subnetwork]] has model = \"watercourse\": the watercourses and obstacles are not used")
        }
        if let h = p.hydrography {
            input.hydrography = try hydrography(h, watercourses: try read(h.watercourses, "watercourses")!,
                                                obstacles: try read(h.obstacles, "obstacles"), nomenclature: nomenclature)
        }
        input.featureCounts = counts
        input.landCoverDerived = derived
        return input
    }

    /// Watercourses as lines with their name; obstacles as points with their passability (0 … 1), type and name.
    public func hydrography(_ h: Hydrography, watercourses: VectorLayer, obstacles: VectorLayer?, nomenclature: [Int: NomenclatureEntry]) throws -> HydrographyInput {
        let p = project
        for c in h.barrierClasses where nomenclature[c] == nil {
            throw ProjectError(p.file, "[hydrography] barrier_classes: class \(c) is not in \((p.nomenclature as NSString).lastPathComponent)")
        }
        if let f = h.nameField, !watercourses.fields.contains(where: { $0.name == f }) {
            throw GeodataError(h.watercourses.file, "watercourse layer '\(watercourses.name)' has no field '\(f)' ([hydrography] name_field)")
        }
        let lines = try SchemeInputs.lines(watercourses, file: h.watercourses.file).map { f, pts in
            Watercourse(name: h.nameField.flatMap { f[$0].stringValue } ?? "", line: pts)
        }
        guard !lines.isEmpty else { throw GeodataError(h.watercourses.file, "watercourse layer '\(watercourses.name)' holds no line") }
        var out: [Obstacle] = []
        if let obstacles, let src = h.obstacles {
            guard obstacles.fields.contains(where: { $0.name == h.passabilityField }) else {
                throw GeodataError(src.file, "obstacle layer '\(obstacles.name)' has no field '\(h.passabilityField)' ([hydrography] passability_field)")
            }
            for (k, f) in obstacles.features.enumerated() {
                let pts: [Point]
                switch f.geometry {
                case .point(let q): pts = [q]
                case .multiPoint(let qs): pts = qs
                case nil: continue
                default: throw GeodataError(src.file, "obstacle layer '\(obstacles.name)' must hold points; it holds \(f.geometry!.kind)")
                }
                guard let v = f[h.passabilityField].doubleValue, v >= 0, v <= 1 else {
                    throw GeodataError(src.file, "obstacle \(k + 1) of layer '\(obstacles.name)': \(h.passabilityField) '\(f[h.passabilityField].description)' is not a passability from 0 (impassable) to 1")
                }
                for q in pts {
                    out.append(Obstacle(point: q, name: f[h.obstacleNameField].stringValue ?? "", kind: f[h.obstacleKindField].stringValue ?? "obstacle", passability: v))
                }
            }
        }
        // One obstacle per place: entries within 1 m of each other (the same weir entered twice, a register's
        // duplicates) are one, with the lower passability (the one that governs) and both names.
        if out.count > 1, let src = h.obstacles {
            let order = out.indices.sorted { (out[$0].point.x, out[$0].point.y, $0) < (out[$1].point.x, out[$1].point.y, $1) }
            var keep = [Bool](repeating: true, count: out.count), merged = 0
            for (a, i) in order.enumerated() where keep[i] {
                var b = a + 1
                while b < order.count && out[order[b]].point.x - out[i].point.x <= 1 {
                    let j = order[b]
                    if keep[j] && out[j].point.distance(to: out[i].point) <= 1 {
                        keep[j] = false; merged += 1
                        if out[j].passability < out[i].passability { out[i].passability = out[j].passability; out[i].kind = out[j].kind }
                        if !out[j].name.isEmpty && !out[i].name.split(separator: "/").map({ $0.trimmingCharacters(in: .whitespaces) }).contains(out[j].name) {
                            out[i].name = out[i].name.isEmpty ? out[j].name : out[i].name + " / " + out[j].name
                        }
                    }
                    b += 1
                }
            }
            if merged > 0 {
                warn("\(src.file): \(merged) obstacle\(merged > 1 ? "s lie" : " lies") within 1 m of another: counted once, with the lower passability")
                out = out.indices.filter { keep[$0] }.map { out[$0] }
            }
        }
        return HydrographyInput(watercourses: lines, obstacles: out)
    }

    /// The land cover is projected, in the project's CRS if it names one, with cells of the project's resolution.
    /// The land cover as the run's grid: the raster as it is, or reprojected to [territory] crs when it is in
    /// another CRS (largest share of each new cell, `gdalwarp -r mode`); or polygons ([land_cover] vector)
    /// rasterised at [territory] resolution, each cell taking the class with the largest share of it.
    /// - Returns: the grid, and whether Trame made it (rasterised or reprojected) rather than read it as it is.
    public func landCoverGrid(nomenclature: [Int: NomenclatureEntry]?) throws -> (grid: Grid<Int32>, derived: Bool) {
        let p = project
        let declared = p.landCoverNoData.flatMap { Int32(exactly: $0) }
        if let v = p.landCoverVector, let nomenclature { return (try vectorLandCover(v, nomenclature: nomenclature), true) }
        if let want = p.crs, let expected = try? SpatialReference(definition: want), !expected.isGeographic,
           FileManager.default.fileExists(atPath: SchemeInputs.archivePath(p.landCover)) {
            let d = try RasterIO.describe(p.landCover)
            if let own = SpatialReference.fromWKT(d.spec.crsWKT), !own.isSame(as: expected) {
                guard let cell = p.resolution ?? (own.isGeographic ? nil : abs(d.spec.transform.pixelWidth)) else {
                    throw ProjectError(p.file, "\((p.landCover as NSString).lastPathComponent) is in \(own.label), in degrees: give [territory] resolution = \"… m\", the cell size to reproject it to \(expected.label)")
                }
                let e = d.spec.extent
                try Inputs.requireCovered(expected, centre: Point((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2), from: own, file: p.landCover, key: "[territory] crs =")
                warn("\(p.landCover): land cover in \(own.label), reprojected to \(expected.label) on \(fmt(cell)) m cells (nearest cell; the class most of each cell holds where the cells are coarser: gdalwarp -r near / mode)")
                let g = try RasterWarp.readClasses(p.landCover, to: expected, cell: cell, declaredNoData: declared)
                if g.dataCount == 0 { throw GeodataError(p.landCover, "every cell is NoData once reprojected to \(expected.label)") }
                return (g, true)
            }
        }
        return (try Inputs.landCover(p.landCover, noData: declared), false)
    }

    /// Polygons with a class field rasterised by largest share (`Rasterizer.rasterizeLargestShare`), in
    /// [territory] crs (reprojected to it when needed) or the layer's own, on cells of [territory]
    /// resolution aligned on multiples of the cell size and covering the polygons.
    public func vectorLandCover(_ v: VectorLandCover, nomenclature: [Int: NomenclatureEntry]) throws -> Grid<Int32> {
        let p = project, src = v.source
        guard FileManager.default.fileExists(atPath: SchemeInputs.archivePath(src.file)) else { throw GeodataError(src.file, "no such file (the land cover)") }
        var l = try VectorIO.read(src.file, layer: src.layer, filter: src.filter)
        guard l.fields.contains(where: { $0.name == v.field }) else {
            throw GeodataError(src.file, "land cover layer '\(l.name)' has no field '\(v.field)' ([land_cover] vector field; its fields: \(l.fields.map(\.name).joined(separator: ", ")))")
        }
        guard var crs = SpatialReference.fromWKT(l.crsWKT) else {
            throw GeodataError(src.file, "land cover layer '\(l.name)' has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)")
        }
        if let want = p.crs {
            let target = try SpatialReference(definition: want)
            if !target.isGeographic && !target.isSame(as: crs) {
                if let b = l.features.lazy.compactMap({ $0.geometry?.bounds }).first {
                    try Inputs.requireCovered(target, centre: Point((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2), from: crs, file: src.file, key: "[territory] crs =")
                }
                warn("\(src.label): land cover in \(crs.label), reprojected to \(target.label)")
                l = try VectorIO.reproject(l, to: target, file: src.file)
                crs = target
            }
        }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        let classify = Nomenclature.classifier(nomenclature)
        var classes: [Int32?] = [], unknown: [String: Int] = [:]
        classes.reserveCapacity(l.features.count)
        for f in l.features {
            guard let g = f.geometry else { classes.append(nil); continue }
            switch g {
            case .polygon, .multiPolygon: break
            default: throw GeodataError(src.file, "land cover layer '\(l.name)' must hold polygons; it holds \(g.kind)")
            }
            let raw = f[v.field].stringValue ?? ""
            guard let c = classify(raw), let c32 = Int32(exactly: c) else { unknown[raw, default: 0] += 1; classes.append(nil); continue }
            classes.append(c32)
            if let b = g.bounds { minX = min(minX, b.minX); minY = min(minY, b.minY); maxX = max(maxX, b.maxX); maxY = max(maxY, b.maxY) }
        }
        if !unknown.isEmpty {
            let list = unknown.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(6)
                .map { "'\($0.key)' (\($0.value) polygon\($0.value > 1 ? "s" : ""))" }.joined(separator: ", ")
            throw GeodataError(src.file, "field '\(v.field)' holds code\(unknown.count > 1 ? "s" : "") \(list)\(unknown.count > 6 ? " and \(unknown.count - 6) more" : "") that \((p.nomenclature as NSString).lastPathComponent) does not know; add each to a class's code or source_codes")
        }
        guard minX.isFinite else { throw GeodataError(src.file, "land cover layer '\(l.name)' holds no polygon") }
        // Checked here too: rasterising needs the CRS in metres before the grid is made.
        if crs.isGeographic {
            let lon = (minX + maxX) / 2, lat = (minY + maxY) / 2
            let utm = UTMZone(longitude: lon, latitude: lat)
            throw GeodataError(src.file, "land cover layer '\(l.name)' is in \(crs.label), in degrees; costs and areas need a projected CRS in metres: the UTM zone of its centre is \(utm.label), write [territory] crs = \"EPSG:\(utm.epsg)\"")
        }
        guard let cell = p.resolution else {
            throw ProjectError(p.file, "a vector land cover needs [territory] resolution = \"… m\", the cell size it is rasterised at")
        }
        let x0 = (minX / cell).rounded(.down) * cell, x1 = (maxX / cell).rounded(.up) * cell
        let y0 = (minY / cell).rounded(.down) * cell, y1 = (maxY / cell).rounded(.up) * cell
        let cols = max(1, Int(((x1 - x0) / cell).rounded())), rows = max(1, Int(((y1 - y0) / cell).rounded()))
        let (cells, overflow) = cols.multipliedReportingOverflow(by: rows)
        let memory = ProcessInfo.processInfo.physicalMemory
        guard !overflow, UInt64(cells) * 4 <= memory / 2 else {
            throw GeodataError(src.file, "at \(fmt(cell)) m its polygons span \(cols) × \(rows) cells, more than this machine's memory holds; choose a coarser [territory] resolution or cut the layer to the territory")
        }
        // Cells no polygon covers: [land_cover] nodata, else -1 (or the smallest Int32 when -1 is a class).
        let noData = p.landCoverNoData.flatMap { Int32(exactly: $0) } ?? (nomenclature[-1] == nil ? -1 : Int32.min)
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: x0, north: y1, cellSize: cell), crsWKT: crs.wkt)
        progress("rasterising the land cover: \(classes.count) polygons on \(cols) × \(rows) cells of \(fmt(cell)) m, largest share of each cell")
        let g = try Rasterizer.rasterizeLargestShare(l, classes: classes, onto: spec, noData: noData)
        if g.dataCount == 0 { throw GeodataError(src.file, "its polygons cover no cell at \(fmt(cell)) m: each is smaller than half a cell") }
        return g
    }

    public func checkGrid(_ spec: GridSpec) throws -> SpatialReference {
        let p = project
        try Inputs.requireProjected(spec, p.landCover)
        let crs = SpatialReference.fromWKT(spec.crsWKT)!
        if let want = p.crs {
            let expected = try SpatialReference(definition: want)
            if expected.isGeographic {
                let utm = Inputs.utmZone(of: spec, crs: crs)
                throw ProjectError(p.file, "[territory] crs = \"\(want)\" is in degrees; costs and areas need a projected CRS in metres: the UTM zone of the territory's centre is \(utm.label), write crs = \"EPSG:\(utm.epsg)\"")
            }
            guard expected.isSame(as: crs) else {
                throw GeodataError(p.landCover, "is in \(crs.label) but the project says \(want); reproject it (gdalwarp -t_srs \(want)) or fix [territory] crs")
            }
        }
        let cell = abs(spec.transform.pixelWidth)
        guard Ranges.resolution.contains(cell) else {
            throw GeodataError(p.landCover, "has \(fmt(cell)) m cells, out of range: \(Ranges.resolution.text)")
        }
        if let r = p.resolution, abs(r - cell) > 1e-6 * r {
            throw GeodataError(p.landCover, "has \(fmt(cell)) m cells but the project says resolution = \"\(fmt(r)) m\"")
        }
        return crs
    }

    /// Inventories as flags per cell (flag k: inventory k; one byte a cell up to 8 inventories); warns of an inventory that covers no cell.
    public func inventoryGrid(_ layers: [VectorLayer], spec: GridSpec) throws -> CellBits {
        var bits = CellBits(count: spec.count, flags: project.inventories.count)
        for (k, inv) in project.inventories.enumerated() {
            let g = try Rasterizer.rasterize(layers[k], onto: spec, as: UInt8.self, burn: .value(1), fill: 0)
            let cells = bits.insert(k, where: g.values)
            if cells == 0 { warn("\(inv.source.label): inventory '\(inv.name)' covers no cell of the land cover") }
        }
        return bits
    }

    /// One level of units (communes, groupings, EPCI, …), each unit named by the level's name field, and its
    /// grid of unit numbers (1…, in the layer's order; 0 outside every unit).
    public func unitLevel(_ l: VectorLayer, _ spec0: UnitLevelSpec, spec: GridSpec) throws -> (UnitLevel, Grid<Int32>) {
        var l = l
        let level = spec0.name, src = spec0.source
        let field = spec0.nameField
        guard l.fields.contains(where: { $0.name == field }) else {
            throw GeodataError(src.file, "\(level) layer '\(l.name)' has no field '\(field)' ([units] name_field)")
        }
        for f in l.features {
            switch f.geometry {
            case .polygon, .multiPolygon, nil: continue
            default: throw GeodataError(src.file, "\(level) layer '\(l.name)' must hold polygons; it holds \(f.geometry!.kind)")
            }
        }
        let names = l.features.enumerated().map { k, f in f[field].stringValue ?? "\(level) \(k + 1)" }
        l.fields.append(FieldDefinition("trame_unit", .integer))
        for k in l.features.indices { l.features[k].attributes["trame_unit"] = .integer(k + 1) }
        guard l.features.count <= Int(UInt16.max) else {
            throw GeodataError(src.file, "\(level) layer '\(l.name)' holds \(l.features.count) units; at most \(UInt16.max) per level are supported")
        }
        // The units are numbered 1…count ≤ 65,535 (`UnitCells` holds them in two bytes).
        let g = try Rasterizer.rasterize(l, onto: spec, as: Int32.self, burn: .attribute("trame_unit"), fill: 0)
        return (UnitLevel(level: level, names: names, layer: l), g)
    }

    /// Roads and railways as lines, with their class and name.
    public func infrastructure(roads: VectorLayer?, railways: VectorLayer?) throws -> [InfrastructureLine] {
        let p = project
        var infra: [InfrastructureLine] = []
        if let roads, let src = p.roads {
            for (f, pts) in try SchemeInputs.lines(roads, file: src.file) {
                infra.append(InfrastructureLine(kind: "road", cls: f[p.roadClassField].stringValue ?? "road",
                                                name: f["ref"].stringValue ?? f["name"].stringValue ?? "", line: pts))
            }
        }
        if let railways, let src = p.railways {
            for (f, pts) in try SchemeInputs.lines(railways, file: src.file) {
                infra.append(InfrastructureLine(kind: "railway", cls: f["class"].stringValue ?? "railway", name: f["name"].stringValue ?? "", line: pts))
            }
        }
        return infra
    }
}
