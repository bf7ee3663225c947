import CGDAL
import Foundation

/// A coordinate reference system (owns an `OGRSpatialReferenceH`).
///
/// Accepts what GDAL users type: `EPSG:2154`, `2154`, WKT, PROJ strings. Axis order is always
/// traditional GIS order (x = easting or longitude first).
public final class SpatialReference {
    let handle: OGRSpatialReferenceH

    init(owning handle: OGRSpatialReferenceH) {
        self.handle = handle
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit { OSRRelease(handle) }

    /// An EPSG code, e.g. 2154 for Lambert-93 or 4326 for WGS 84.
    public convenience init(epsg: Int) throws {
        GDALSetup.ensure()
        guard let h = OSRNewSpatialReference(nil) else { throw GeodataError("", "cannot allocate a CRS") }
        guard OSRImportFromEPSG(h, Int32(epsg)) == OGRERR_NONE else {
            OSRRelease(h)
            throw GeodataError("", "unknown EPSG code \(epsg)")
        }
        self.init(owning: h)
    }

    /// Any definition GDAL understands: `EPSG:2154`, a bare number, WKT or a PROJ string.
    public convenience init(definition: String) throws {
        GDALSetup.ensure()
        let text = definition.trimmingCharacters(in: .whitespaces)
        if let code = Int(text) { try self.init(epsg: code); return }
        guard let h = OSRNewSpatialReference(nil) else { throw GeodataError("", "cannot allocate a CRS") }
        guard !text.isEmpty, OSRSetFromUserInput(h, text) == OGRERR_NONE else {
            OSRRelease(h)
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            throw GeodataError("", "unknown or invalid CRS '\(shown)'")
        }
        self.init(owning: h)
    }

    /// WKT (WKT1 as GDAL writes it in GeoTIFF headers).
    public var wkt: String {
        var out: UnsafeMutablePointer<CChar>?
        guard OSRExportToWkt(handle, &out) == OGRERR_NONE, let s = out else { return "" }
        defer { VSIFree(s) }
        return String(cString: s)
    }

    /// The CRS's own name, e.g. "RGF93 v1 / Lambert-93".
    public var name: String {
        guard let n = OSRGetName(handle) else { return "unnamed CRS" }
        return String(cString: n)
    }

    /// `EPSG:2154` when the CRS carries or matches an EPSG code, else nil.
    public var epsgCode: Int? {
        var a = OSRGetAuthorityName(handle, nil)
        var c = OSRGetAuthorityCode(handle, nil)
        if a == nil || c == nil {
            // Try to identify it (WKT without authority nodes, as in some Shapefiles).
            if let clone = OSRClone(handle) {
                defer { OSRRelease(clone) }
                if OSRAutoIdentifyEPSG(clone) == OGRERR_NONE, let ac = OSRGetAuthorityCode(clone, nil) {
                    return Int(String(cString: ac))
                }
            }
            return nil
        }
        guard let an = a, let cn = c, String(cString: an).uppercased() == "EPSG" else { a = nil; c = nil; return nil }
        return Int(String(cString: cn))
    }

    /// "RGF93 v1 / Lambert-93 (EPSG:2154)" — what error messages and `trame info` show.
    public var label: String {
        if let code = epsgCode { return "\(name) (EPSG:\(code))" }
        return name
    }

    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }

    /// Same CRS, ignoring names and axis-order metadata.
    public func isSame(as other: SpatialReference) -> Bool {
        let opts = ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS"]
        return withCStringList(opts) { list in
            let constList = UnsafeRawPointer(list).map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
            return OSRIsSameEx(handle, other.handle, constList) != 0
        }
    }

    /// Where the CRS is meant to be used (its EPSG area of use), in degrees: west, south, east, north and
    /// the area's name ("France - mainland onshore and offshore"); nil when the definition carries none.
    public var areaOfUse: (west: Double, south: Double, east: Double, north: Double, name: String)? {
        var w = 0.0, s = 0.0, e = 0.0, n = 0.0
        var name: UnsafePointer<CChar>? = nil
        guard OSRGetAreaOfUse(handle, &w, &s, &e, &n, &name) != 0, w > -1000 else { return nil }
        return (w, s, e, n, name.map { String(cString: $0) } ?? "")
    }

    /// Whether a place (longitude, latitude in degrees) lies within the area of use widened by `margin`
    /// degrees; true when the CRS states no area.
    public func covers(longitude lon: Double, latitude lat: Double, margin: Double = 1) -> Bool {
        guard let a = areaOfUse else { return true }
        guard lat >= a.south - margin && lat <= a.north + margin else { return false }
        // An area crossing the antimeridian has west > east.
        if a.west <= a.east { return lon >= a.west - margin && lon <= a.east + margin }
        return lon >= a.west - margin || lon <= a.east + margin
    }

    /// Parses a WKT stored with a grid or a layer (empty = no CRS → nil).
    public static func fromWKT(_ wkt: String) -> SpatialReference? {
        guard !wkt.isEmpty else { return nil }
        return try? SpatialReference(definition: wkt)
    }
}

/// Transforms coordinates between two CRS (owns an `OGRCoordinateTransformationH`).
public final class CoordinateTransformer {
    let handle: OGRCoordinateTransformationH
    public let source: SpatialReference
    public let target: SpatialReference

    public init(from source: SpatialReference, to target: SpatialReference) throws {
        GDALSetup.ensure()
        guard let h = OCTNewCoordinateTransformation(source.handle, target.handle) else {
            throw GeodataError("", "no transformation from \(source.label) to \(target.label): \(GDALSetup.lastError())")
        }
        self.handle = h; self.source = source; self.target = target
    }

    deinit { OCTDestroyCoordinateTransformation(handle) }

    public func transform(_ p: Point) throws -> Point {
        var x = p.x, y = p.y, z = 0.0
        guard OCTTransform(handle, 1, &x, &y, &z) != 0, x.isFinite, y.isFinite else {
            throw GeodataError("", "point (\(p.x), \(p.y)) cannot be transformed from \(source.label) to \(target.label)")
        }
        return Point(x, y)
    }

    public func transform(_ g: Geometry) throws -> Geometry { try g.mapPoints(transform) }
}

/// Calls `body` with a NULL-terminated `char**` built from `strings`; the list lives for the call.
func withCStringList<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
    var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
    for s in strings { list = CSLAddString(list, s) }
    defer { CSLDestroy(list) }
    return try body(list)
}

import TrameVector
