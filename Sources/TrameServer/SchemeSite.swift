import Foundation
import TrameGDAL
import TrameScheme
import TrameVector

/// A raster of the scheme's `rasters/` folder that the server renders as tiles.
public struct RasterLayer: Sendable {
    public enum Kind: String, Sendable {
        case resistance, costDistance = "cost_distance", current, corridors, natureSpaces = "nature_spaces", bufferZones = "buffer_zones"
    }
    public var name: String
    public var path: String
    public var kind: Kind
    /// The sub-network it belongs to (nil for nature spaces and buffer zones).
    public var subNetwork: String?
    /// Smallest and largest valid value (the colour ramp's ends).
    public var range: (min: Double, max: Double)

    /// What its values mean, with their unit.
    public var unit: String {
        switch kind {
        case .resistance: return "resistance (cost units per metre)"
        case .costDistance: return "cost units (resistance × m)"
        case .current: return "current (A, 1 A injected per link)"
        case .corridors: return "corridor (link number)"
        case .natureSpaces: return "1 major ecological interest, 2 mixed vocation"
        case .bufferZones: return "buffer-zone membership (%)"
        }
    }

    static func kind(of name: String) -> (Kind, String?)? {
        for (suffix, k) in [("_resistance", Kind.resistance), ("_cost_distance", .costDistance), ("_current", .current), ("_corridors", .corridors)]
        where name.hasSuffix(suffix) {
            return (k, String(name.dropLast(suffix.count)))
        }
        if name == "nature_spaces" { return (.natureSpaces, nil) }
        if name == "buffer_zones" { return (.bufferZones, nil) }
        return nil
    }
}

/// The scheme a `trame run` wrote, loaded for the web: the layers of `scheme.gpkg` in WGS 84 (and in
/// the scheme's CRS for point queries), the rasters, the figures and the run's parameters.
public struct SchemeSite: Sendable {
    public let folder: String
    public let gpkg: String
    public let title: String
    /// The scheme's CRS (WKT).
    public let crsWKT: String
    /// Layers in drawing order (bottom first); only these names are served.
    public let layers: [WebLayer]
    public let rasters: [RasterLayer]
    public let figureFields: [FieldDefinition]
    public let figures: [[String: FieldValue]]
    /// The run's parameters (project, land cover, cell size, …).
    public let parameters: [(name: String, value: String)]
    /// The territory's box (the union of the layers').
    public let extent: LonLatBox

    /// Layers the server publishes, in drawing order.
    public static let layerNames = [SchemeLayer.units, .bufferZones, .natureSpaces, .reservoirs, .corridors, .pinchPoints, .links,
                                    .itineraries, .sharedLinks, .namedItineraries, .itineraryGaps, .conflictPoints, .leisureHubs].map(\.name)

    public func layer(_ name: String) -> WebLayer? { layers.first { $0.name == name } }
    public func raster(_ name: String) -> RasterLayer? { rasters.first { $0.name == name } }

    /// The project file the scheme was built from (as recorded in the run's parameters: relative to the
    /// scheme's folder since issue 16, absolute before).
    public var projectFile: String? {
        guard let p = parameters.first(where: { $0.name == "project" })?.value else { return nil }
        return p.hasPrefix("/") ? p : ((folder as NSString).appendingPathComponent(p) as NSString).standardizingPath
    }

    /// Loads `folder`; throws a `GeodataError` naming the file when it is not a scheme.
    public static func load(_ folder: String) throws -> SchemeSite {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw GeodataError(folder, "no such folder: give the output folder of `trame run` (it holds scheme.gpkg)")
        }
        let gpkg = (folder as NSString).appendingPathComponent("scheme.gpkg")
        guard FileManager.default.fileExists(atPath: gpkg) else {
            throw GeodataError(folder, "holds no scheme.gpkg: give the output folder of `trame run`")
        }
        let described = try VectorIO.describe(gpkg).layers
        let present = Set(described.map(\.name))
        guard present.contains(SchemeLayer.natureSpaces.name) else {
            throw GeodataError(gpkg, "has no layer '\(SchemeLayer.natureSpaces.name)': it is not a scheme that `trame run` wrote")
        }
        let names = layerNames.filter { present.contains($0) }

        // Read and reproject the layers on both cores.
        let slots = ResultSlots<(WebLayer, String)>(count: names.count)
        DispatchQueue.concurrentPerform(iterations: names.count) { k in
            slots.set(k, Result { try loadLayer(gpkg, names[k]) })
        }
        var layers: [WebLayer] = []
        var crsWKT = ""
        for r in slots.values { let (l, wkt) = try r.get(); layers.append(l); if crsWKT.isEmpty { crsWKT = wkt } }

        var figures: [[String: FieldValue]] = [], figureFields: [FieldDefinition] = []
        if present.contains("figures") {
            let t = try VectorIO.read(gpkg, layer: "figures", allowEmpty: true)
            figures = t.features.map(\.attributes); figureFields = t.fields
        }
        var parameters: [(String, String)] = []
        if present.contains("run_parameters") {
            for f in try VectorIO.read(gpkg, layer: "run_parameters", allowEmpty: true).features {
                if let n = f["parameter"].stringValue, let v = f["value"].stringValue { parameters.append((n, v)) }
            }
        }
        let title = try VectorIO.metadata(gpkg)["TRAME_PROJECT"] ?? (folder as NSString).lastPathComponent

        // Rasters: only names the scheme writes are served.
        var rasters: [RasterLayer] = []
        let dir = (folder as NSString).appendingPathComponent("rasters")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".tif") }.sorted()
        for f in files {
            let name = String(f.dropLast(4))
            guard let (kind, sub) = RasterLayer.kind(of: name) else { continue }
            let path = (dir as NSString).appendingPathComponent(f)
            let reader = try RasterWindowReader(path)
            let range: (Double, Double)
            switch kind {
            case .natureSpaces: range = (1, 2)
            case .bufferZones: range = (0, 100)
            default:
                // Approximate (read on an overview); costs, resistances and currents are never negative.
                let r = reader.range() ?? (0, 1)
                range = (max(0, r.min), max(r.max, 0))
            }
            rasters.append(RasterLayer(name: name, path: path, kind: kind, subNetwork: sub, range: range))
        }

        var extent: LonLatBox? = nil
        for l in layers { for b in l.boxes { if let b { extent = extent.map { LonLatBox(west: min($0.west, b.west), south: min($0.south, b.south), east: max($0.east, b.east), north: max($0.north, b.north)) } ?? b } } }
        guard let extent else { throw GeodataError(gpkg, "holds no feature: the scheme is empty") }
        return SchemeSite(folder: folder, gpkg: gpkg, title: title, crsWKT: crsWKT, layers: layers, rasters: rasters,
                          figureFields: figureFields, figures: figures, parameters: parameters, extent: extent)
    }

    static func loadLayer(_ gpkg: String, _ name: String) throws -> (WebLayer, String) {
        let l = try VectorIO.read(gpkg, layer: name, allowEmpty: true)
        let wgs = try VectorIO.reproject(l, to: try SpatialReference(epsg: 4326), file: gpkg)
        let layer = WebLayer(name: name, kind: l.geometryKind, fields: l.fields, features: wgs.features, native: l.features.map(\.geometry))
        return (layer, l.crsWKT)
    }
}

/// One result per index, filled from concurrent tasks.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    var values: [Result<T, Error>] { slots.map { $0! } }
}
