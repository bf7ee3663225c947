import Foundation
import TrameGDAL
import TrameVector

#if canImport(Glibc)
import Glibc
#endif

/// Checks a partner's upload before it is kept: its type from its first bytes (GeoPackage, GeoJSON or a
/// zipped Shapefile), its insides looked at before GDAL opens it (`UploadInspection`), readable by
/// GDAL's GPKG, GeoJSON or ESRI Shapefile driver only, a CRS that converts to the scheme's, polygons
/// only, every geometry valid, a `name` field, at least one site, and some of it inside the territory.
///
/// The checks run in a child process (`trame check-upload`, see `UploadChecker`) that limits its own
/// processor time and memory, cannot reach the network, and has only those three GDAL drivers.
public enum UploadCheck {
    public struct Failure: Error, CustomStringConvertible {
        /// 415 for a type we do not take, 422 for a file we take but that does not pass, 503 when the
        /// server cannot check it now.
        public var status: Int
        public var description: String
        public init(status: Int, description: String) { self.status = status; self.description = description }
    }

    public struct Passed: Sendable, Codable {
        public var features: Int
        public var crs: String
        public var ext: String
    }

    /// The only GDAL drivers that open an upload.
    public static let drivers = ["GPKG", "GeoJSON", "ESRI Shapefile"]

    /// Fields a revised inventory must have.
    public static let requiredFields = ["name"]

    /// The extension the bytes call for, or nil when they are none of the three accepted types.
    public static func type(of data: Data) -> String? {
        let head = [UInt8](data.prefix(16))
        if head.starts(with: Array("SQLite format 3\u{0}".utf8)) { return "gpkg" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "zip" }
        if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }), first == UInt8(ascii: "{") { return "geojson" }
        return nil
    }

    /// What the server asks the child to check (request.json in the check's folder).
    public struct Request: Codable {
        public var name: String
        public var file: String
        public var ext: String
        public var crs: String
        public var territory: [Double]
        public init(name: String, file: String, ext: String, crs: String, territory: [Double]) {
            self.name = name; self.file = file; self.ext = ext; self.crs = crs; self.territory = territory
        }
    }

    /// What the child answers on its standard output, one JSON object.
    public struct Verdict: Codable {
        public var ok: Bool
        public var status: Int?
        public var error: String?
        public var passed: Passed?
        /// Whether the child runs in a network namespace of its own (no interface but a down loopback).
        public var isolated: Bool?
    }

    /// Checks one file (inside the child): inspection first, then GDAL with the three drivers only.
    public static func check(path: String, ext: String, name: String, schemeCRS: String, territory: LonLatBox) throws -> Passed {
        func fail(_ why: String) -> Failure { Failure(status: 422, description: "\(name): \(why)") }
        let source: String
        let kind: String
        do {
            switch ext {
            case "gpkg":
                try UploadInspection.geoPackage(path); source = path; kind = "a GeoPackage"
            case "geojson":
                try UploadInspection.geoJSON(path); source = path; kind = "GeoJSON"
            case "zip":
                let shp = try UploadInspection.zip(path); source = "/vsizip/" + path + "/" + shp; kind = "a zipped Shapefile"
            default:
                throw Failure(status: 415, description: "\(name): not a GeoPackage, a GeoJSON file or a zipped Shapefile")
            }
        } catch let r as UploadInspection.Refusal {
            throw Failure(status: r.status, description: "\(name): \(r.problem)")
        }
        let layer: VectorLayer
        do {
            var layers = try VectorIO.describe(source, allowedDrivers: drivers).layers.filter { $0.name != "layer_styles" }
            let polygonal = layers.filter { $0.geometryKind == .polygon || $0.geometryKind == .multiPolygon }
            if layers.count > 1 && !polygonal.isEmpty { layers = polygonal }
            guard layers.count == 1 else {
                throw fail(layers.isEmpty ? "holds no layer with geometries" : "holds \(layers.count) layers; send one layer (the revised inventory)")
            }
            layer = try VectorIO.read(source, layer: layers[0].name, allowEmpty: true, allowedDrivers: drivers)
        } catch is GeodataError {
            // GDAL's own message may quote the file's bytes: only ours reaches the partner.
            throw fail("cannot be read as \(kind) (corrupt, incomplete or another format)")
        }
        guard !layer.features.isEmpty else { throw fail("holds no site") }
        guard let crs = SpatialReference.fromWKT(layer.crsWKT) else { throw fail("has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)") }
        let label = String(crs.label.prefix(80))
        guard let scheme = SpatialReference.fromWKT(schemeCRS), (try? CoordinateTransformer(from: crs, to: scheme)) != nil else {
            throw fail("its CRS (\(label)) cannot be converted to the scheme's")
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
        let wgs: VectorLayer
        do { wgs = try VectorIO.reproject(layer, to: try SpatialReference(epsg: 4326), file: name) } catch {
            throw fail("its sites cannot be converted to WGS 84 from \(label)")
        }
        let inside = wgs.features.contains { f in
            guard let b = f.geometry?.bounds else { return false }
            return LonLatBox(west: b.minX, south: b.minY, east: b.maxX, north: b.maxY).intersects(territory)
        }
        guard inside else { throw fail("lies wholly outside the territory") }
        return Passed(features: layer.features.count, crs: label, ext: ext)
    }

    // MARK: The child process

    /// `trame check-upload DIR`: limits itself, checks DIR/request.json's file, prints the verdict as
    /// one JSON object on standard output and returns the exit status (0 whenever a verdict was printed).
    public static func childMain(folder: String, cpuSeconds: Int, memoryBytes: UInt64) -> Int32 {
        // First of all, before any file is read: the limits, so nothing below can run away.
        limit(RLIMIT_CPU, soft: UInt64(cpuSeconds), hard: UInt64(cpuSeconds) + 1)
        limit(RLIMIT_AS, soft: memoryBytes, hard: memoryBytes)
        limit(RLIMIT_FSIZE, soft: 16 * 1024 * 1024, hard: 16 * 1024 * 1024)
        limit(RLIMIT_CORE, soft: 0, hard: 0)
        let isolated = leaveTheNetwork()
        watchParent()
        let verdict: Verdict
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("request.json")))
            let r = try JSONDecoder().decode(Request.self, from: data)
            guard r.territory.count == 4 else { throw Failure(status: 500, description: "malformed check request") }
            let left = Set(UntrustedInput.lockDown(drivers: Set(drivers)))
            guard left.isSubset(of: Set(drivers)) else { throw Failure(status: 500, description: "GDAL drivers could not be restricted") }
            let passed = try check(path: r.file, ext: r.ext, name: r.name, schemeCRS: r.crs,
                                   territory: LonLatBox(west: r.territory[0], south: r.territory[1], east: r.territory[2], north: r.territory[3]))
            verdict = Verdict(ok: true, passed: passed, isolated: isolated)
        } catch let f as Failure {
            verdict = Verdict(ok: false, status: f.status, error: f.description, isolated: isolated)
        } catch {
            verdict = Verdict(ok: false, status: 500, error: "the check could not run", isolated: isolated)
        }
        let out = (try? JSONEncoder().encode(verdict)) ?? Data("{\"ok\":false}".utf8)
        FileHandle.standardOutput.write(out + Data("\n".utf8))
        return 0
    }

    static func limit(_ resource: __rlimit_resource, soft: UInt64, hard: UInt64) {
        var r = rlimit(rlim_cur: rlim_t(soft), rlim_max: rlim_t(hard))
        _ = setrlimit(__rlimit_resource_t(resource.rawValue), &r)
    }

    /// Moves this process into a network namespace of its own, where nothing is reachable (not even
    /// the machine's loopback): as root directly, otherwise inside a user namespace. False when the
    /// system refuses (then GDAL's own settings, `UntrustedInput.lockDown`, are what keep it offline).
    static func leaveTheNetwork() -> Bool {
        let newNet: Int32 = 0x4000_0000, newUser: Int32 = 0x1000_0000
        if geteuid() == 0, trame_unshare(newNet) == 0 { return true }
        return trame_unshare(newUser | newNet) == 0
    }

    /// Ends this process when the server that started it is gone (even killed with SIGKILL).
    static func watchParent() {
        let parent = getppid()
        Thread.detachNewThread {
            while true {
                usleep(200_000)
                if getppid() != parent { _exit(3) }
            }
        }
    }
}

@_silgen_name("unshare")
private func trame_unshare(_ flags: Int32) -> Int32
