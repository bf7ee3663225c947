import Foundation
import TrameGDAL
import TrameScheme
import TrameVector

/// "What does the scheme say here?": the nature space and its typology, inventories and partners; the
/// corridors with their sub-network, linked reservoirs and dPC; the reservoir, buffer zone and commune;
/// the rasters' values; the nearest conflict point.
public struct PointQuery: Sendable {
    let site: SchemeSite
    let tiles: TileRenderer

    public init(site: SchemeSite, tiles: TileRenderer) { self.site = site; self.tiles = tiles }

    /// A point the scheme's CRS cannot hold (a pole in Lambert-93, say): the query answers 400.
    public struct OutsideProjection: Error, CustomStringConvertible {
        public var lon: Double, lat: Double
        public var description: String { "the point \(lon),\(lat) cannot be placed in the scheme's coordinate system (too far from the territory)" }
    }

    /// The answer as a JSON object; throws `OutsideProjection` where the reprojection fails.
    public func answer(lon: Double, lat: Double) throws -> [String: Any] {
        // Only the reprojection's own failure means "outside"; a workspace that cannot open stays a server fault.
        let projected = try tiles.withWorkspace { ws in Result { try ws.fromWGS84.transform(Point(lon, lat)) } }
        guard case .success(let p) = projected else { throw OutsideProjection(lon: lon, lat: lat) }
        // Finite, but far enough to overflow a raster's cell index: nothing of the scheme is there either.
        guard abs(p.x) < 1e12, abs(p.y) < 1e12 else { throw OutsideProjection(lon: lon, lat: lat) }
        let probe = LonLatBox(west: lon, south: lat, east: lon, north: lat)
        func containing(_ name: String) -> [Feature] {
            guard let l = site.layer(name) else { return [] }
            return l.features(in: probe).filter { i in
                switch l.native[i] {
                case .polygon(let g): return g.contains(p)
                case .multiPolygon(let gs): return gs.contains { $0.contains(p) }
                default: return false
                }
            }.map { l.features[$0] }
        }
        func object(_ f: Feature, _ keys: [String]) -> [String: Any] {
            var o: [String: Any] = [:]
            for k in keys {
                switch f[k] {
                case .integer(let i): o[k] = i
                case .real(let d): o[k] = (d * 1000).rounded() / 1000
                case .string(let s): o[k] = s
                case .null: continue
                }
            }
            return o
        }
        var out: [String: Any] = ["lon": lon, "lat": lat, "x": (p.x * 100).rounded() / 100, "y": (p.y * 100).rounded() / 100]
        out[SchemeLayer.natureSpaces.name] = containing(SchemeLayer.natureSpaces.name).map {
            object($0, ["space", "typology", "typology_label", "area_ha", "dominant_class", "inventories", "partners", "leisure_hubs"])
        }
        out[SchemeLayer.reservoirs.name] = containing(SchemeLayer.reservoirs.name).map { object($0, ["subnetwork", "reservoir", "area_ha", "inventories", "dPC"]) }
        out[SchemeLayer.corridors.name] = containing(SchemeLayer.corridors.name).map {
            object($0, ["subnetwork", "link", "from_reservoir", "to_reservoir", "length_m", "mean_width_m", "cost", "dPC", "dominant_class"])
        }
        out[SchemeLayer.pinchPoints.name] = containing(SchemeLayer.pinchPoints.name).map { object($0, ["subnetwork", "link", "mean_current_A", "link_dPC"]) }
        out[SchemeLayer.bufferZones.name] = containing(SchemeLayer.bufferZones.name).map { object($0, ["zone", "kind", "area_ha", "separates", "opening"]) }
        out[SchemeLayer.units.name] = containing(SchemeLayer.units.name).map { object($0, ["level", "name"]) }
        var values: [[String: Any]] = []
        for (r, v) in try tiles.values(at: p, kinds: [.resistance, .costDistance, .current]) {
            var o: [String: Any] = ["raster": r.name, "kind": r.kind.rawValue, "unit": r.unit]
            if let s = r.subNetwork { o["subnetwork"] = s }
            o["value"] = v.map { ($0 * 1000).rounded() / 1000 } ?? NSNull()
            values.append(o)
        }
        out["rasters"] = values
        if let l = site.layer(SchemeLayer.conflictPoints.name) {
            var best: (Int, Double)? = nil
            for (i, g) in l.native.enumerated() {
                guard case .point(let q)? = g else { continue }
                let d = q.distance(to: p)
                if best == nil || d < best!.1 { best = (i, d) }
            }
            if let (i, d) = best {
                var o = object(l.features[i], ["rank", "subnetwork", "kind", "kind_label", "infrastructure", "class", "name", "crossing_m", "link", "link_dPC"])
                o["distance_m"] = d.rounded()
                if case .point(let q)? = l.features[i].geometry { o["lon"] = q.x; o["lat"] = q.y }
                out["nearest_conflict_point"] = o
            }
        }
        return out
    }
}
