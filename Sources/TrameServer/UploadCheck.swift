import Foundation
import TrameGDAL
import TrameVector

/// Checks a partner's upload before it is kept: its type from its first bytes (GeoPackage, GeoJSON or a
/// zipped Shapefile), readable by GDAL, a CRS that converts to the scheme's, polygons only, every
/// geometry valid, a `name` field, at least one site, and some of it inside the territory.
public enum UploadCheck {
    public struct Failure: Error, CustomStringConvertible {
        /// 415 for a type we do not take, 422 for a file we take but that does not pass.
        public var status: Int
        public var description: String
    }

    public struct Passed: Sendable {
        public var features: Int
        public var crs: String
        public var ext: String
    }

    /// Fields a revised inventory must have.
    public static let requiredFields = ["name"]

    /// The extension the bytes call for, or nil when they are none of the three accepted types.
    public static func type(of data: Data) -> String? {
        let head = [UInt8](data.prefix(16))
        if head.starts(with: Array("SQLite format 3".utf8)) { return "gpkg" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "zip" }
        if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }), first == UInt8(ascii: "{") { return "geojson" }
        return nil
    }

    /// Writes `data` to a temporary file named for its type, checks it, and returns what was found; the
    /// caller keeps the file (`path`) or deletes it.
    public static func check(_ data: Data, name: String, schemeCRS: String, territory: LonLatBox, in dir: String) throws -> (Passed, String) {
        guard let ext = type(of: data) else {
            throw Failure(status: 415, description: "\(name): not a GeoPackage, a GeoJSON file or a zipped Shapefile")
        }
        let path = (dir as NSString).appendingPathComponent("upload-\(UUID().uuidString).\(ext)")
        try data.write(to: URL(fileURLWithPath: path))
        do {
            let passed = try check(path: path, ext: ext, name: name, schemeCRS: schemeCRS, territory: territory)
            return (passed, path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    static func check(path: String, ext: String, name: String, schemeCRS: String, territory: LonLatBox) throws -> Passed {
        func fail(_ why: String) -> Failure { Failure(status: 422, description: "\(name): \(why)") }
        let source = ext == "zip" ? "/vsizip/" + path : path
        let layer: VectorLayer
        do {
            var layers = try VectorIO.describe(source).layers.filter { $0.name != "layer_styles" }
            let polygonal = layers.filter { $0.geometryKind == .polygon || $0.geometryKind == .multiPolygon }
            if layers.count > 1 && !polygonal.isEmpty { layers = polygonal }
            guard layers.count == 1 else {
                throw fail(layers.isEmpty ? "holds no layer with geometries" : "holds \(layers.count) layers; send one layer (the revised inventory)")
            }
            layer = try VectorIO.read(source, layer: layers[0].name, allowEmpty: true)
        } catch let e as GeodataError {
            throw fail("cannot be read (\(e.problem))")
        }
        guard !layer.features.isEmpty else { throw fail("holds no site") }
        guard let crs = SpatialReference.fromWKT(layer.crsWKT) else { throw fail("has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)") }
        guard let scheme = SpatialReference.fromWKT(schemeCRS), (try? CoordinateTransformer(from: crs, to: scheme)) != nil else {
            throw fail("its CRS (\(crs.label)) cannot be converted to the scheme's")
        }
        let names = Set(layer.fields.map(\.name))
        for f in requiredFields where !names.contains(f) { throw fail("lacks the field '\(f)' (the site's name)") }
        for (i, f) in layer.features.enumerated() {
            guard let g = f.geometry else { throw fail("site \(i + 1) has no geometry") }
            guard g.kind == .polygon || g.kind == .multiPolygon else { throw fail("site \(i + 1) is a \(g.kind.rawValue); sites must be polygons") }
        }
        if let bad = VectorIO.invalidGeometries(layer, limit: 1).first {
            throw fail("site \(bad.index + 1) has an invalid geometry (self-intersection or similar); repair it (QGIS: Fix geometries)")
        }
        let wgs = try VectorIO.reproject(layer, to: try SpatialReference(epsg: 4326), file: name)
        let inside = wgs.features.contains { f in
            guard let b = f.geometry?.bounds else { return false }
            return LonLatBox(west: b.minX, south: b.minY, east: b.maxX, north: b.maxY).intersects(territory)
        }
        guard inside else { throw fail("lies wholly outside the territory") }
        return Passed(features: layer.features.count, crs: crs.label, ext: ext)
    }
}
