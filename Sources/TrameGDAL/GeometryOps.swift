import CGDAL
import Foundation
import TrameVector

/// Planar geometry operations through OGR (GEOS): union, intersection, difference, polygonize.
/// Used to build a project from an OpenStreetMap extract (territory, sea, units).
extension GeometryOps {
    static func withHandle<R>(_ g: Geometry, _ body: (OGRGeometryH) throws -> R) rethrows -> R {
        GDALSetup.ensure()
        let h = OGRGeometryBridge.make(g)
        defer { OGR_G_DestroyGeometry(h) }
        return try body(h)
    }

    /// The polygons of a result (collections flattened, lines and points dropped); empty when nil.
    static func polygons(_ h: OGRGeometryH?) -> [Polygon] {
        guard let h else { return [] }
        defer { OGR_G_DestroyGeometry(h) }
        return OGRGeometryBridge.validPolygons(h)
    }

    /// One OGR multipolygon of every polygon of `gs` (lines and points ignored), made valid.
    static func multiPolygon(_ gs: [Geometry]) -> OGRGeometryH {
        let coll = OGR_G_CreateGeometry(wkbMultiPolygon)!
        for g in gs {
            switch g {
            case .polygon(let p): OGR_G_AddGeometryDirectly(coll, OGRGeometryBridge.makePolygon(p))
            case .multiPolygon(let ps): for p in ps { OGR_G_AddGeometryDirectly(coll, OGRGeometryBridge.makePolygon(p)) }
            default: continue
            }
        }
        return coll
    }

    static func valid(_ h: OGRGeometryH) -> OGRGeometryH {
        if OGR_G_IsValid(h) != 0 { return h }
        guard let fixed = withCStringList(["METHOD=STRUCTURE"], { OGR_G_MakeValidEx(h, $0) }) else { return h }
        OGR_G_DestroyGeometry(h)
        return fixed
    }

    /// The union of the polygons of `gs` as valid polygons.
    public static func union(_ gs: [Geometry]) -> [Polygon] {
        GDALSetup.ensure()
        guard !gs.isEmpty else { return [] }
        let m = multiPolygon(gs)
        // Each part made valid on its own first: OSM polygons may self-intersect.
        let fixed = OGR_G_CreateGeometry(wkbMultiPolygon)!
        let n = OGR_G_GetGeometryCount(m)
        for i in 0..<n {
            guard let part = OGR_G_GetGeometryRef(m, i), let c = OGR_G_Clone(part) else { continue }
            for p in OGRGeometryBridge.validPolygons(c) { OGR_G_AddGeometryDirectly(fixed, OGRGeometryBridge.makePolygon(p)) }
            OGR_G_DestroyGeometry(c)
        }
        OGR_G_DestroyGeometry(m)
        defer { OGR_G_DestroyGeometry(fixed) }
        return polygons(OGR_G_UnionCascaded(fixed))
    }

    /// The part of the polygons `a` inside the polygons `b`.
    public static func intersection(_ a: [Polygon], _ b: [Polygon]) -> [Polygon] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        GDALSetup.ensure()
        let ha = valid(multiPolygon([.multiPolygon(a)])), hb = valid(multiPolygon([.multiPolygon(b)]))
        defer { OGR_G_DestroyGeometry(ha); OGR_G_DestroyGeometry(hb) }
        return polygons(OGR_G_Intersection(ha, hb))
    }

    /// The part of the polygons `a` outside the polygons `b`.
    public static func difference(_ a: [Polygon], _ b: [Polygon]) -> [Polygon] {
        guard !a.isEmpty else { return [] }
        guard !b.isEmpty else { return a }
        GDALSetup.ensure()
        let ha = valid(multiPolygon([.multiPolygon(a)])), hb = valid(multiPolygon([.multiPolygon(b)]))
        defer { OGR_G_DestroyGeometry(ha); OGR_G_DestroyGeometry(hb) }
        return polygons(OGR_G_Difference(ha, hb))
    }

    /// The lines of `g` inside the polygons `clip` (lines only; nil when nothing is left).
    public static func clipLines(_ g: Geometry, to clip: [Polygon]) -> Geometry? {
        GDALSetup.ensure()
        let hc = valid(multiPolygon([.multiPolygon(clip)]))
        defer { OGR_G_DestroyGeometry(hc) }
        return withHandle(g) { h -> Geometry? in
            guard let r = OGR_G_Intersection(h, hc) else { return nil }
            defer { OGR_G_DestroyGeometry(r) }
            let lines = lineParts(r)
            if lines.isEmpty { return nil }
            return lines.count == 1 ? .lineString(lines[0]) : .multiLineString(lines)
        }
    }

    static func lineParts(_ h: OGRGeometryH) -> [[Point]] {
        switch OGR_GT_Flatten(OGR_G_GetGeometryType(h)) {
        case wkbLineString: let p = OGRGeometryBridge.points(h); return p.count > 1 ? [p] : []
        case wkbMultiLineString, wkbGeometryCollection:
            let n = OGR_G_GetGeometryCount(h)
            return n > 0 ? (0..<n).compactMap { OGR_G_GetGeometryRef(h, $0) }.flatMap(lineParts) : []
        default: return []
        }
    }

    /// The faces that the lines cut the polygon into (the lines noded with the polygon's rings, then
    /// polygonized; dangling line ends are ignored).
    public static func split(_ polygon: Polygon, by lines: [[Point]]) -> [Polygon] {
        GDALSetup.ensure()
        let all = OGR_G_CreateGeometry(wkbMultiLineString)!
        defer { OGR_G_DestroyGeometry(all) }
        for ring in [polygon.exterior] + polygon.holes { OGR_G_AddGeometryDirectly(all, OGRGeometryBridge.makeLine(wkbLineString, ring)) }
        for l in lines where l.count > 1 { OGR_G_AddGeometryDirectly(all, OGRGeometryBridge.makeLine(wkbLineString, l)) }
        // Noding: the union of the lines with themselves splits them at every crossing.
        guard let noded = OGR_G_UnionCascaded(all) ?? OGR_G_Union(all, all) else { return [polygon] }
        defer { OGR_G_DestroyGeometry(noded) }
        guard let faces = OGR_G_Polygonize(noded) else { return [polygon] }
        let inside = polygons(faces).filter { p in
            guard let c = interiorPoint(p) else { return false }
            return polygon.contains(c)
        }
        return inside.isEmpty ? [polygon] : inside
    }

    /// A point inside the polygon (GEOS point on surface).
    public static func interiorPoint(_ p: Polygon) -> Point? {
        withHandle(.polygon(p)) { h in
            guard let r = OGR_G_PointOnSurface(h) else { return nil }
            defer { OGR_G_DestroyGeometry(r) }
            return OGR_G_IsEmpty(r) != 0 ? nil : Point(OGR_G_GetX(r, 0), OGR_G_GetY(r, 0))
        }
    }

    /// A point on or inside the geometry: itself for a point, the middle vertex of a line, a point on the
    /// surface of a polygon.
    public static func representativePoint(_ g: Geometry) -> Point? {
        switch g {
        case .point(let p): return p
        case .multiPoint(let ps): return ps.first
        case .lineString(let l): return l.isEmpty ? nil : l[l.count / 2]
        case .multiLineString(let ls): return ls.first.flatMap { $0.isEmpty ? nil : $0[$0.count / 2] }
        case .polygon, .multiPolygon:
            return withHandle(g) { h in
                guard let r = OGR_G_PointOnSurface(h) else { return nil }
                defer { OGR_G_DestroyGeometry(r) }
                return OGR_G_IsEmpty(r) != 0 ? nil : Point(OGR_G_GetX(r, 0), OGR_G_GetY(r, 0))
            }
        }
    }
}

extension SpatialReference {
    /// True for a projected CRS whose unit is the metre (within a millimetre).
    public var isProjectedInMetres: Bool {
        guard OSRIsProjected(handle) != 0 else { return false }
        return abs(OSRGetLinearUnits(handle, nil) - 1) < 1e-3
    }
}

extension VectorIO {
    /// The extent a layer declares without reading its features (an OSM extract's header bounding box),
    /// nil when the driver would have to scan the data.
    public static func declaredExtent(_ path: String, layer: String) throws -> (minX: Double, minY: Double, maxX: Double, maxY: Double)? {
        let ds = try Dataset.open(path, vector: true)
        guard let l = GDALDatasetGetLayerByName(ds.handle, layer) else { return nil }
        var env = OGREnvelope()
        guard OGR_L_GetExtent(l, &env, 0) == OGRERR_NONE, env.MaxX > env.MinX, env.MaxY > env.MinY else { return nil }
        return (env.MinX, env.MinY, env.MaxX, env.MaxY)
    }

    /// The name of the driver that opens a file (e.g. "OSM"), or nil when no vector driver does.
    public static func driverName(_ path: String) -> String? {
        (try? Dataset.open(path, vector: true))?.driverName
    }
}
