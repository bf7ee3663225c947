import CGDAL
import TrameVector

/// Conversion between Trame's geometry values and OGR geometry handles.
enum OGRGeometryBridge {
    static func points(_ g: OGRGeometryH) -> [Point] {
        let n = OGR_G_GetPointCount(g)
        guard n > 0 else { return [] }
        return (0..<n).map { Point(OGR_G_GetX(g, $0), OGR_G_GetY(g, $0)) }
    }

    static func polygon(_ g: OGRGeometryH) -> Polygon? {
        let n = OGR_G_GetGeometryCount(g)
        guard n > 0, let ext = OGR_G_GetGeometryRef(g, 0) else { return nil }
        let holes = n > 1 ? (1..<n).compactMap { OGR_G_GetGeometryRef(g, $0).map(points) } : []
        return Polygon(exterior: points(ext), holes: holes)
    }

    /// Reads an OGR geometry; curves are linearised; unsupported types (collections) give nil.
    static func geometry(_ g0: OGRGeometryH) -> Geometry? {
        var owned: OGRGeometryH? = nil
        var g = g0
        if OGR_G_HasCurveGeometry(g0, 0) != 0, let lin = OGR_G_GetLinearGeometry(g0, 0, nil) { owned = lin; g = lin }
        defer { if let o = owned { OGR_G_DestroyGeometry(o) } }
        let t = OGR_GT_Flatten(OGR_G_GetGeometryType(g))
        func subs() -> [OGRGeometryH] {
            let n = OGR_G_GetGeometryCount(g)
            return n > 0 ? (0..<n).compactMap { OGR_G_GetGeometryRef(g, $0) } : []
        }
        switch t {
        case wkbPoint:
            return OGR_G_IsEmpty(g) != 0 ? nil : .point(Point(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)))
        case wkbLineString, wkbLinearRing: return .lineString(points(g))
        case wkbPolygon: return polygon(g).map(Geometry.polygon)
        case wkbMultiPoint: return .multiPoint(subs().flatMap(points))
        case wkbMultiLineString: return .multiLineString(subs().map(points))
        case wkbMultiPolygon: return .multiPolygon(subs().compactMap(polygon))
        default: return nil
        }
    }

    /// The polygons of a geometry made valid by GEOS when it is not (self-touching rings where raster
    /// cells meet at a corner, holes cutting the interior): same area, OGC-valid parts, so that QGIS's
    /// processing tools accept them. Valid polygons are read as they are.
    /// The polygons of `g`, made GEOS-valid first when `check` finds them invalid. (The check itself tests
    /// every hole against its shell, point by point: on a region's polygon with thousands of holes it costs
    /// minutes. GDAL's 4-connected polygonize gives valid polygons, and skips it.)
    static func validPolygons(_ g: OGRGeometryH, check: Bool = true) -> [Polygon] {
        func polygons(_ h: OGRGeometryH) -> [Polygon] {
            switch OGR_GT_Flatten(OGR_G_GetGeometryType(h)) {
            case wkbPolygon: return polygon(h).map { [$0] } ?? []
            case wkbMultiPolygon, wkbGeometryCollection:
                let n = OGR_G_GetGeometryCount(h)
                return n > 0 ? (0..<n).compactMap { OGR_G_GetGeometryRef(h, $0) }.flatMap(polygons) : []
            default: return []
            }
        }
        guard check, OGR_G_IsValid(g) == 0 else { return polygons(g) }
        CPLErrorReset()
        guard let fixed = withCStringList(["METHOD=STRUCTURE"], { OGR_G_MakeValidEx(g, $0) }) else { return polygons(g) }
        defer { OGR_G_DestroyGeometry(fixed) }
        return polygons(fixed)
    }

    static func makeLine(_ type: OGRwkbGeometryType, _ pts: [Point]) -> OGRGeometryH {
        let h = OGR_G_CreateGeometry(type)!
        OGR_G_SetPointCount(h, Int32(pts.count))
        for (i, p) in pts.enumerated() { OGR_G_SetPoint_2D(h, Int32(i), p.x, p.y) }
        return h
    }

    static func makePolygon(_ p: Polygon) -> OGRGeometryH {
        let h = OGR_G_CreateGeometry(wkbPolygon)!
        for ring in [p.exterior] + p.holes { OGR_G_AddGeometryDirectly(h, makeLine(wkbLinearRing, ring)) }
        return h
    }

    /// A new OGR geometry the caller owns.
    static func make(_ g: Geometry) -> OGRGeometryH {
        switch g {
        case .point(let p):
            let h = OGR_G_CreateGeometry(wkbPoint)!
            OGR_G_SetPoint_2D(h, 0, p.x, p.y)
            return h
        case .lineString(let l): return makeLine(wkbLineString, l)
        case .polygon(let p): return makePolygon(p)
        case .multiPoint(let ps):
            let h = OGR_G_CreateGeometry(wkbMultiPoint)!
            for p in ps { OGR_G_AddGeometryDirectly(h, make(.point(p))) }
            return h
        case .multiLineString(let ls):
            let h = OGR_G_CreateGeometry(wkbMultiLineString)!
            for l in ls { OGR_G_AddGeometryDirectly(h, makeLine(wkbLineString, l)) }
            return h
        case .multiPolygon(let ps):
            let h = OGR_G_CreateGeometry(wkbMultiPolygon)!
            for p in ps { OGR_G_AddGeometryDirectly(h, makePolygon(p)) }
            return h
        }
    }

    static func wkbType(_ k: GeometryKind) -> OGRwkbGeometryType {
        switch k {
        case .point: wkbPoint
        case .lineString: wkbLineString
        case .polygon: wkbPolygon
        case .multiPoint: wkbMultiPoint
        case .multiLineString: wkbMultiLineString
        case .multiPolygon: wkbMultiPolygon
        case .unknown: wkbUnknown
        }
    }

    static func kind(_ t: OGRwkbGeometryType) -> GeometryKind {
        switch OGR_GT_Flatten(t) {
        case wkbPoint: .point
        case wkbLineString: .lineString
        case wkbPolygon: .polygon
        case wkbMultiPoint: .multiPoint
        case wkbMultiLineString: .multiLineString
        case wkbMultiPolygon: .multiPolygon
        default: .unknown
        }
    }
}

/// Geometry operations through GEOS (OGR).
public enum GeometryOps {
    /// The polygon within `distance` of a geometry (a line widened to a strip of 2 × distance), with round
    /// ends; nil when GEOS gives no polygon.
    public static func buffer(_ g: Geometry, distance: Double) -> Geometry? {
        GDALSetup.ensure()
        let h = OGRGeometryBridge.make(g)
        defer { OGR_G_DestroyGeometry(h) }
        guard let b = OGR_G_Buffer(h, distance, 8) else { return nil }
        defer { OGR_G_DestroyGeometry(b) }
        return OGRGeometryBridge.geometry(b)
    }
}
