import Foundation
import TrameGDAL
import TrameRaster
import TrameRouting
import TrameScheme
import TrameVector

/// A path network read from a line layer or an OSM extract, in a metric CRS.
public struct LoadedNetwork {
    public var network: PathNetwork
    /// The metric CRS the network is in (the layer's own, or the UTM zone of an OSM extract).
    public var crs: SpatialReference
    public var ways: Int
    public var seconds: Double
}

public enum NetworkInput {
    public static let tagKeys = ["highway", "access", "foot", "bicycle", "oneway", "oneway:bicycle"]

    public static func isOSM(_ path: String) -> Bool {
        let l = path.lowercased()
        return l.hasSuffix(".pbf") || l.hasSuffix(".osm")
    }

    /// Reads the network. OSM extracts: the `lines` layer's ways that carry a `highway` tag, joined
    /// where they share a node (identical coordinates). Other layers: every line, joined where
    /// vertices lie within `snap` metres, with the tags found in fields of the same names.
    public static func load(_ path: String, layer: String?, snap: Double?, profile: AccessProfile, filter: String? = nil,
                     into target: SpatialReference? = nil, joinCrossings: Bool = false,
                     extra: [(file: String, layer: String?, classField: String)] = []) throws -> LoadedNetwork {
        let t0 = Date()
        guard FileManager.default.fileExists(atPath: path) else { throw GeodataError(path, "no such file (the path network)") }
        let osm = isOSM(path)
        var l: VectorLayer
        do {
            l = try VectorIO.read(path, layer: layer ?? (osm ? "lines" : nil), filter: osm ? "highway IS NOT NULL" : filter)
        } catch let e as GeodataError where osm {
            throw GeodataError(path, "cannot be read as an OpenStreetMap extract (\(e.problem))")
        }
        guard let src = SpatialReference.fromWKT(l.crsWKT) else { throw GeodataError(path, "the path network has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)") }
        var crs = src
        if let target, !target.isSame(as: src) {
            crs = target
            l = try VectorIO.reproject(l, to: target, file: path)
        } else if src.isGeographic {
            var sx = 0.0, sy = 0.0, n = 0.0
            for f in l.features.prefix(5000) { for p in f.geometry?.points.prefix(1) ?? [] { sx += p.x; sy += p.y; n += 1 } }
            guard n > 0 else { throw GeodataError(path, "the path network holds no line") }
            crs = try SpatialReference.utm(longitude: sx / n, latitude: sy / n)
            l = try VectorIO.reproject(l, to: crs, file: path)
        }
        var ways: [WayInput] = []
        for (k, f) in l.features.enumerated() {
            var tags: [String: String] = [:]
            if osm, let other = f["other_tags"].stringValue { tags = parseOtherTags(other).filter { tagKeys.contains($0.key) } }
            for key in tagKeys { if let v = f[key].stringValue, !v.isEmpty { tags[key] = v } }
            let id = osm ? Int(f["osm_id"].stringValue ?? "") ?? (f.fid ?? k) : (f.fid ?? k + 1)
            switch f.geometry {
            case .lineString(let pts): ways.append(WayInput(points: pts, tags: tags, id: id))
            case .multiLineString(let ls): for pts in ls { ways.append(WayInput(points: pts, tags: tags, id: id)) }
            case nil: continue
            default: throw GeodataError(path, "layer '\(l.name)' must hold lines; it holds \(f.geometry!.kind)")
            }
        }
        guard !ways.isEmpty else { throw GeodataError(path, "the path network holds no line") }
        // Further line layers (e.g. roads, their class field read as the highway tag).
        for x in extra {
            var xl = try VectorIO.read(x.file, layer: x.layer)
            if let own = SpatialReference.fromWKT(xl.crsWKT), !own.isSame(as: crs) { xl = try VectorIO.reproject(xl, to: crs, file: x.file) }
            for (k, f) in xl.features.enumerated() {
                var tags: [String: String] = [:]
                if let c = f[x.classField].stringValue, !c.isEmpty { tags["highway"] = c }
                switch f.geometry {
                case .lineString(let pts): ways.append(WayInput(points: pts, tags: tags, id: -(k + 1)))
                case .multiLineString(let ls): for pts in ls { ways.append(WayInput(points: pts, tags: tags, id: -(k + 1))) }
                default: continue
                }
            }
        }
        if joinCrossings && !osm { ways = WayInput.nodingCrossings(ways) }
        let net = PathNetwork(ways: ways, profile: profile, tolerance: osm ? 0 : (snap ?? 0.5))
        return LoadedNetwork(network: net, crs: crs, ways: ways.count, seconds: Date().timeIntervalSince(t0))
    }

    /// Part of each edge outside the green network of a scheme (nature spaces, corridors, buffer zones).
    public static func outsideGreen(_ net: PathNetwork, crs: SpatialReference, scheme: String) throws -> [Float] {
        var polygons: [Feature] = []
        for name in SchemeLayer.greenNetwork.map(\.name) {
            let have = try VectorIO.describe(scheme).layers.contains { $0.name == name }
            guard have else { throw GeodataError(scheme, "has no layer '\(name)': give the scheme.gpkg that `trame run` wrote") }
            var l = try VectorIO.read(scheme, layer: name, allowEmpty: true)
            if let own = SpatialReference.fromWKT(l.crsWKT), !own.isSame(as: crs) { l = try VectorIO.reproject(l, to: crs, file: scheme) }
            polygons += l.features
        }
        var lo = (x: Double.infinity, y: Double.infinity), hi = (x: -Double.infinity, y: -Double.infinity)
        for p in net.vertices { lo = (min(lo.x, p.x), min(lo.y, p.y)); hi = (max(hi.x, p.x), max(hi.y, p.y)) }
        let cell = 10.0
        let cols = Int((hi.x - lo.x) / cell) + 3, rows = Int((hi.y - lo.y) / cell) + 3
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: lo.x - cell, north: hi.y + cell, cellSize: cell), crsWKT: crs.wkt)
        let layer = VectorLayer(name: "green", geometryKind: .multiPolygon, features: polygons.map { Feature(geometry: $0.geometry) }, crsWKT: crs.wkt)
        let mask = polygons.isEmpty ? Grid<UInt8>(spec: spec, fill: 0) : try Rasterizer.rasterize(layer, onto: spec, as: UInt8.self, burn: .value(1), fill: 0)
        return outsideFraction(net, spec: spec) { mask.values[$0] != 0 }
    }

    /// Part of each edge's length outside the cells where `inside` holds, measured in pieces of half a cell.
    public static func outsideFraction(_ net: PathNetwork, spec: GridSpec, inside: (Int) -> Bool) -> [Float] {
        let cell = abs(spec.transform.pixelWidth)
        var out = [Float](repeating: 1, count: net.edgeCount)
        for e in 0..<net.edgeCount {
            let g = Array(net.geometry(e))
            var inGreen = 0.0, total = 0.0
            for k in 1..<g.count {
                let a = g[k - 1], b = g[k]
                let len = a.distance(to: b)
                let pieces = max(1, Int((len / (cell / 2)).rounded(.up)))
                for j in 0..<pieces {
                    let t = (Double(j) + 0.5) / Double(pieces)
                    total += len / Double(pieces)
                    if let c = spec.cell(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t), inside(spec.index(col: c.col, row: c.row)) {
                        inGreen += len / Double(pieces)
                    }
                }
            }
            out[e] = total > 0 ? Float(1 - inGreen / total) : 1
        }
        return out
    }

    /// A point given on the command line, in `crs` (or the network's CRS), brought into the network's CRS.
    public static func point(_ text: String, crs: String?, network: SpatialReference, default defaultCRS: SpatialReference?) throws -> Point {
        let p = try Inputs.point(text)
        let from: SpatialReference
        if let crs { from = try SpatialReference(definition: crs) } else if let d = defaultCRS { from = d } else { return p }
        if from.isSame(as: network) { return p }
        return try CoordinateTransformer(from: from, to: network).transform(p)
    }
}
