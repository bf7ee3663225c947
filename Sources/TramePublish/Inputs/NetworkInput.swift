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

    /// Part of each edge outside the green network of a scheme, from the mask `trame run` wrote beside
    /// its GeoPackage (rasters/green_network.tif), as the run itself measured it (`GreenShare`); the
    /// network's points are converted into the mask's CRS when they differ (an OSM extract in UTM).
    public static func outsideGreen(_ net: PathNetwork, crs: SpatialReference, scheme: String) throws -> [Float] {
        let (mask, toMask) = try greenMask(scheme, crs: crs)
        return GreenShare.outsideFraction(net, mask: mask, toMask: toMask)
    }

    /// The green network's mask of a scheme (`greenMaskName` beside its GeoPackage), and the conversion of
    /// points in `crs` into the mask's CRS (nil when they are the same).
    public static func greenMask(_ scheme: String, crs: SpatialReference) throws -> (Grid<UInt8>, ((Point) -> Point?)?) {
        let folder = (scheme as NSString).deletingLastPathComponent
        let path = (folder as NSString).appendingPathComponent(greenMaskName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeodataError(scheme, "has no \(greenMaskName) beside it: give the scheme.gpkg of a scheme folder written by `trame run` (re-run a scheme written before Trame wrote that mask)")
        }
        let mask = try RasterIO.read(path, as: UInt8.self)
        guard let maskCRS = SpatialReference.fromWKT(mask.spec.crsWKT) else { throw GeodataError(path, "has no CRS") }
        if maskCRS.isSame(as: crs) { return (mask, nil) }
        let toMask = try CoordinateTransformer(from: crs, to: maskCRS)
        return (mask, { try? toMask.transform($0) })
    }

    /// The green network's mask in a scheme folder: 1 in nature spaces, corridors and buffer zones.
    public static let greenMaskName = "rasters/green_network.tif"

    /// A point given on the command line, in `crs` (or the network's CRS), brought into the network's CRS.
    public static func point(_ text: String, crs: String?, network: SpatialReference, default defaultCRS: SpatialReference?) throws -> Point {
        let p = try Inputs.point(text)
        let from: SpatialReference
        if let crs { from = try SpatialReference(definition: crs) } else if let d = defaultCRS { from = d } else { return p }
        if from.isSame(as: network) { return p }
        return try CoordinateTransformer(from: from, to: network).transform(p)
    }
}
