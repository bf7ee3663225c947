import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

/// Reading and checking the inputs every step shares.
public enum Inputs {
    /// A land-cover raster as integer class codes (refuses floating-point bands).
    ///
    /// - Parameter declared: a value whose cells are outside the territory ([land_cover] nodata): the
    ///   grid's NoData when the raster declares none, else its cells become the raster's own NoData.
    public static func landCover(_ path: String, noData declared: Int32? = nil) throws -> Grid<Int32> {
        var g = try RasterIO.read(path, as: Int32.self)
        if let d = declared, g.noData != d {
            if let own = g.noData {
                g.values.withUnsafeMutableBufferPointer { V in
                    for i in V.indices where V[i] == d { V[i] = own }
                }
            } else {
                g.noData = d
            }
        }
        if g.dataCount == 0 { throw GeodataError(path, "every cell is NoData" + (declared.map { " (with [land_cover] nodata = \($0))" } ?? "")) }
        return g
    }

    /// A resistance raster: NoData and values ≤ 0 are refused unless NoData; impassable cells are NoData.
    public static func resistance(_ path: String) throws -> Grid<Float> {
        var g = try RasterIO.read(path, as: Float.self)
        var data = 0
        for v in g.values where !g.isNoData(v) {
            if v < 0 { throw GeodataError(path, "holds a negative resistance (\(v)); resistance must be > 0 (mark impassable cells as NoData)") }
            if v == 0 { throw GeodataError(path, "holds a zero resistance; resistance must be > 0 (mark impassable cells as NoData)") }
            data += 1
        }
        if data == 0 { throw GeodataError(path, "every cell is NoData (impassable): nothing to compute") }
        if g.noData == nil { g.noData = ResistanceTable.impassable }
        return g
    }

    /// A resistance raster and an aligned patch-id raster (from `trame patches --raster`).
    public static func resistanceAndPatches(_ resistancePath: String, _ patchesPath: String) throws -> (Grid<Float>, PatchSet) {
        let res = try resistance(resistancePath)
        try requireProjected(res.spec, resistancePath)
        let labels = try RasterIO.read(patchesPath, as: Int32.self)
        try RasterIO.requireAligned(res.spec, resistancePath, labels.spec, patchesPath)
        do { return (res, try PatchSet(labels: labels)) } catch let e as CostError { throw GeodataError(patchesPath, e.description) }
    }

    /// Refuses to reproject a territory into a CRS meant for another part of the world (Puerto Rico into
    /// Lambert-93): distances and areas would be distorted. `centre` is in `from`'s coordinates.
    public static func requireCovered(_ target: SpatialReference, centre: Point, from crs: SpatialReference, file: String, key: String) throws {
        var lonLat = centre
        if let wgs = try? SpatialReference(epsg: 4326), !wgs.isSame(as: crs), let t = try? CoordinateTransformer(from: crs, to: wgs),
           let c = try? t.transform(centre) { lonLat = c }
        guard !target.covers(longitude: lonLat.x, latitude: lonLat.y), let a = target.areaOfUse else { return }
        let utm = UTMZone(longitude: lonLat.x, latitude: lonLat.y)
        let deg = { (v: Double, pos: String, neg: String) in String(format: "%.2f° %@", abs(v), v < 0 ? neg : pos) }
        var area = a.name.components(separatedBy: " (").first ?? a.name
        while area.hasSuffix(".") { area.removeLast() }
        let place = area.isEmpty ? "" : area + ", "
        throw GeodataError(file, "lies at \(deg(lonLat.x, "E", "W")), \(deg(lonLat.y, "N", "S")), outside the area where \(target.label) is used (\(place)\(deg(a.west, "E", "W")) to \(deg(a.east, "E", "W")), \(deg(a.south, "N", "S")) to \(deg(a.north, "N", "S"))): reprojected there, its distances and areas would be distorted; the UTM zone of its centre is \(utm.label): write \(key) \"EPSG:\(utm.epsg)\"")
    }

    /// The UTM zone of a grid's centre (its CRS in degrees, converted to WGS 84 when it is another datum).
    public static func utmZone(of spec: GridSpec, crs: SpatialReference) -> UTMZone {
        let e = spec.extent
        var centre = Point((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2)
        if let wgs = try? SpatialReference(epsg: 4326), !wgs.isSame(as: crs), let t = try? CoordinateTransformer(from: crs, to: wgs),
           let c = try? t.transform(centre) { centre = c }
        return UTMZone(longitude: centre.x, latitude: centre.y)
    }

    public static func requireProjected(_ spec: GridSpec, _ path: String) throws {
        guard let crs = SpatialReference.fromWKT(spec.crsWKT) else {
            throw GeodataError(path, "has no CRS; assign one (gdal_edit.py -a_srs EPSG:2154)")
        }
        guard !crs.isGeographic else {
            let utm = utmZone(of: spec, crs: crs)
            throw GeodataError(path, "is in \(crs.label), in degrees; costs need a projected CRS in metres: the UTM zone of its centre is \(utm.label) (gdalwarp -t_srs EPSG:\(utm.epsg)), or your country's own (Lambert-93, EPSG:2154, in France)")
        }
        guard spec.transform.isNorthUp else { throw GeodataError(path, "is rotated; resample it north-up (gdalwarp)") }
    }

    /// "5ha", "5 ha", "50000m2", "5" (hectares).
    public static func area(_ text: String) throws -> Double {
        let t = text.lowercased().replacingOccurrences(of: " ", with: "")
        if t.hasSuffix("ha"), let v = Double(t.dropLast(2)) { return v }
        if t.hasSuffix("m2"), let v = Double(t.dropLast(2)) { return v / 10_000 }
        if t.hasSuffix("km2"), let v = Double(t.dropLast(3)) { return v * 100 }
        if let v = Double(t) { return v }
        throw InputError("area '\(text)' not understood: write 5ha, 50000m2 or 0.05km2")
    }

    /// "50m", "50", "1.5km" (metres).
    public static func length(_ text: String) throws -> Double {
        let t = text.lowercased().replacingOccurrences(of: " ", with: "")
        if t.hasSuffix("km"), let v = Double(t.dropLast(2)) { return v * 1000 }
        if t.hasSuffix("m"), let v = Double(t.dropLast(1)) { return v }
        if let v = Double(t) { return v }
        throw InputError("length '\(text)' not understood: write 50m or 1.5km")
    }

    /// "X,Y" in the grid's CRS.
    public static func point(_ text: String) throws -> Point {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let x = parts[0], let y = parts[1] else { throw InputError("point '\(text)' must be X,Y in map units (e.g. 685000,7035000)") }
        return Point(x, y)
    }

    /// Sources from a raster (every non-NoData, non-zero cell; its value is the id) or a vector layer
    /// (points: their cell; polygons and lines: every cell they cover; id from the field `id`, else the feature id).
    public static func sources(_ path: String, on resistance: Grid<Float>, resistancePath: String) throws -> [CostSource] {
        let spec = resistance.spec
        var out: [CostSource] = []
        let kind = try RasterIO.contents(path)
        if kind.raster {
            try RasterIO.requireAligned(spec, resistancePath, try RasterIO.describe(path).spec, path)
            let g = try RasterIO.read(path, as: Int32.self, conversion: .any)
            for i in 0..<g.count where !g.isNoData(g.values[i]) && g.values[i] != 0 { out.append(CostSource(cell: i, id: g.values[i])) }
        } else {
            var layer = try VectorIO.read(path)
            try VectorIO.requireSameCRS(spec.crsWKT, resistancePath, layer.crsWKT, path)
            for (k, f) in layer.features.enumerated() {
                let idValue = f["id"].doubleValue ?? Double(f.fid ?? k + 1)
                guard let id = Int32(exactly: idValue) else {
                    throw GeodataError(path, "source id \(fmt(idValue)) is not a whole number from 1 to 2,147,483,647")
                }
                guard let g = f.geometry else { continue }
                switch g {
                case .point(let p):
                    guard let c = spec.cell(x: p.x, y: p.y) else {
                        throw GeodataError(path, "source \(id) at (\(fmt(p.x)), \(fmt(p.y))) lies outside the grid of \(resistancePath)")
                    }
                    out.append(CostSource(cell: spec.index(col: c.col, row: c.row), id: id))
                case .multiPoint(let ps):
                    for p in ps {
                        guard let c = spec.cell(x: p.x, y: p.y) else { throw GeodataError(path, "source \(id) lies outside the grid of \(resistancePath)") }
                        out.append(CostSource(cell: spec.index(col: c.col, row: c.row), id: id))
                    }
                default:
                    layer.features = [Feature(geometry: g, attributes: ["id": .integer(Int(id))])]
                    layer.fields = [FieldDefinition("id", .integer)]
                    let burnt = try Rasterizer.rasterize(layer, onto: spec, as: Int32.self, burn: .value(1), fill: 0, allTouched: true)
                    let before = out.count
                    for i in 0..<burnt.count where burnt.values[i] != 0 { out.append(CostSource(cell: i, id: id)) }
                    if out.count == before { throw GeodataError(path, "source \(id) covers no cell of the grid of \(resistancePath)") }
                }
            }
        }
        guard !out.isEmpty else { throw GeodataError(path, "holds no source") }
        for s in out {
            let r = resistance.values[s.cell]
            if resistance.isNoData(r) || r <= 0 {
                let p = spec.transform.centre(col: s.cell % spec.cols, row: s.cell / spec.cols)
                throw GeodataError(path, "source \(s.id) at (\(fmt(p.x)), \(fmt(p.y))) lies on an impassable cell of \(resistancePath)")
            }
        }
        return out
    }

    /// Refuses to overwrite an input with an output.
    public static func distinctOutputs(_ paths: [String?], inputs: [String]) throws {
        let outs = paths.compactMap { $0 }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        for i in inputs.map({ URL(fileURLWithPath: $0).standardizedFileURL.path }) where outs.contains(i) {
            throw InputError("\(i): would be both read and written; choose another output name")
        }
        if Set(outs).count != outs.count { throw InputError("two outputs have the same name") }
    }
}

