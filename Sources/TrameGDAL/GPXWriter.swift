import CGDAL
import Foundation
import TrameVector

/// GPX 1.1 tracks, written by GDAL's GPX driver in WGS 84 (what phones and GPS units read).
public enum GPXWriter {
    /// Writes one track per line, reprojected from `crsWKT` to WGS 84, atomically.
    public static func write(tracks: [(name: String, line: [Point])], crsWKT: String, to path: String) throws {
        GDALSetup.ensure()
        let wgs84 = try SpatialReference(epsg: 4326)
        guard let src = SpatialReference.fromWKT(crsWKT) else { throw GeodataError(path, "the tracks have no CRS to convert to WGS 84 from") }
        let t = try CoordinateTransformer(from: src, to: wgs84)
        let lines = try tracks.map { ($0.name, try $0.line.map { try t.transform($0) }) }
        try AtomicOutput.write(to: path) { tmp in
            guard let drv = GDALGetDriverByName("GPX"), let h = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, nil) else {
                throw GeodataError(path, "cannot create GPX: \(GDALSetup.lastError())")
            }
            let ds = Dataset(handle: h, path: tmp)
            guard let l = GDALDatasetCreateLayer(ds.handle, "tracks", wgs84.handle, wkbMultiLineString, nil) else {
                throw GeodataError(path, "cannot create the GPX tracks layer: \(GDALSetup.lastError())")
            }
            let defn = OGR_L_GetLayerDefn(l)
            let nameField = OGR_FD_GetFieldIndex(defn, "name")
            for (name, pts) in lines {
                let f = OGR_F_Create(defn)
                defer { OGR_F_Destroy(f) }
                if nameField >= 0 { OGR_F_SetFieldString(f, nameField, name) }
                OGR_F_SetGeometryDirectly(f, OGRGeometryBridge.make(.multiLineString([pts])))
                guard OGR_L_CreateFeature(l, f) == OGRERR_NONE else { throw GeodataError(path, "cannot write a GPX track: \(GDALSetup.lastError())") }
            }
        }
    }
}

extension SpatialReference {
    /// The WGS 84 / UTM zone of a longitude and latitude (EPSG 326xx north, 327xx south): a metric CRS
    /// for data that come in degrees, such as OpenStreetMap extracts.
    public static func utm(longitude: Double, latitude: Double) throws -> SpatialReference {
        try SpatialReference(epsg: UTMZone(longitude: longitude, latitude: latitude).epsg)
    }
}
