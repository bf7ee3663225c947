import CGDAL
import Foundation

/// Zip archives built in memory with GDAL's own minizip (`CPLCreateZip`), for files that are zips by
/// format (a QGIS `.qgz` project).
public enum ZipArchive {
    /// A zip (DEFLATE) holding `files` under their names, in the order given.
    public static func make(_ files: [(name: String, data: Data)]) throws -> Data {
        GDALSetup.ensure()
        let path = "/vsimem/trame-zip-\(UUID().uuidString).zip"
        defer { VSIUnlink(path) }
        guard let zip = CPLCreateZip(path, nil) else { throw GeodataError(path, "cannot create a zip archive: \(GDALSetup.lastError())") }
        var closed = false
        defer { if !closed { CPLCloseZip(zip) } }
        for f in files {
            guard CPLCreateFileInZip(zip, f.name, nil) == CE_None else {
                throw GeodataError(f.name, "cannot add to a zip archive: \(GDALSetup.lastError())")
            }
            let written = f.data.withUnsafeBytes { buf -> CPLErr in
                buf.count == 0 ? CE_None : CPLWriteFileInZip(zip, buf.baseAddress, Int32(buf.count))
            }
            guard written == CE_None, CPLCloseFileInZip(zip) == CE_None else {
                throw GeodataError(f.name, "cannot write into a zip archive: \(GDALSetup.lastError())")
            }
        }
        closed = true
        guard CPLCloseZip(zip) == CE_None else { throw GeodataError(path, "cannot finish a zip archive: \(GDALSetup.lastError())") }
        var length: vsi_l_offset = 0
        guard let bytes = VSIGetMemFileBuffer(path, &length, 0) else { throw GeodataError(path, "the zip archive built in memory is missing") }
        return Data(bytes: bytes, count: Int(length))
    }

    /// The files of a zip (name → bytes), read through GDAL's /vsizip/.
    public static func entries(_ zip: Data) throws -> [String: Data] {
        GDALSetup.ensure()
        let path = "/vsimem/trame-unzip-\(UUID().uuidString).zip"
        var copy = [UInt8](zip)
        return try copy.withUnsafeMutableBufferPointer { buf -> [String: Data] in
            guard let f = VSIFileFromMemBuffer(path, buf.baseAddress, vsi_l_offset(buf.count), 0) else {
                throw GeodataError(path, "cannot read a zip archive from memory")
            }
            VSIFCloseL(f)
            defer { VSIUnlink(path) }
            guard let list = VSIReadDir("/vsizip/" + path) else { throw GeodataError(path, "is not a zip archive or holds no file") }
            defer { CSLDestroy(list) }
            var out: [String: Data] = [:]
            var i = 0
            while let p = list[i] {
                let name = String(cString: p)
                i += 1
                guard let h = VSIFOpenL("/vsizip/\(path)/\(name)", "rb") else { continue }
                var data = Data()
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = chunk.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, 65536, h) }
                    if n == 0 { break }
                    data.append(contentsOf: chunk[0..<n])
                }
                VSIFCloseL(h)
                out[name] = data
            }
            return out
        }
    }
}

/// A QGIS project to store in a GeoPackage, where QGIS lists it and opens it as
/// `geopackage:/path/scheme.gpkg?projectName=NAME`: a row of the `qgis_projects` table, whose `content` is
/// the zipped project (a `.qgz`, hexadecimal text, as QGIS writes it) and `metadata` a JSON object with the
/// time of the last change.
public struct GeoPackageProject: Sendable {
    /// The project's name in the GeoPackage.
    public var name: String
    /// The `.qgz` bytes (a zip holding one `.qgs`).
    public var qgz: Data

    public init(name: String, qgz: Data) { self.name = name; self.qgz = qgz }

    /// Zips a project document (`.qgs` XML) under `NAME.qgs`.
    public init(name: String, qgs: String) throws {
        self.name = name
        qgz = try ZipArchive.make([(name: GeoPackageProject.fileName(name), data: Data(qgs.utf8))])
    }

    /// A file name for the `.qgs` inside the zip: the project's name without path separators.
    static func fileName(_ name: String) -> String {
        let safe = name.map { "/\\:".contains($0) ? "_" : $0 }
        return String(safe) + ".qgs"
    }

    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The SQL statements that create `qgis_projects` (when missing) and store `projects` in it.
    static func statements(_ projects: [GeoPackageProject], time: Date = Date()) -> [String] {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let metadata = "{\"last_modified_time\": \"\(f.string(from: time))\", \"last_modified_user\": \"trame\" }"
        return ["CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)"]
            + projects.map { p in
                let hex = p.qgz.map { String(format: "%02x", $0) }.joined()
                return "INSERT OR REPLACE INTO qgis_projects VALUES (\(quoted(p.name)), \(quoted(metadata)), \(quoted(hex)))"
            }
    }

    /// The projects stored in a GeoPackage (name → `.qgz` bytes); empty when it has none.
    public static func read(_ path: String) throws -> [String: Data] {
        let ds = try Dataset.open(path, vector: true)
        guard let check = GDALDatasetExecuteSQL(ds.handle, "SELECT count(*) FROM sqlite_master WHERE name = 'qgis_projects'", nil, "SQLITE") else { return [:] }
        let f0 = OGR_L_GetNextFeature(check)
        let has = f0.map { OGR_F_GetFieldAsInteger($0, 0) } ?? 0
        if let f0 { OGR_F_Destroy(f0) }
        GDALDatasetReleaseResultSet(ds.handle, check)
        guard has == 1, let rows = GDALDatasetExecuteSQL(ds.handle, "SELECT name, content FROM qgis_projects", nil, nil) else { return [:] }
        defer { GDALDatasetReleaseResultSet(ds.handle, rows) }
        var out: [String: Data] = [:]
        while let f = OGR_L_GetNextFeature(rows) {
            defer { OGR_F_Destroy(f) }
            let name = String(cString: OGR_F_GetFieldAsString(f, 0))
            // The column is declared BLOB (OGR hands it over as binary) and holds the hexadecimal text.
            let hex: [UInt8]
            if OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, 1)) == OFTBinary {
                var n: Int32 = 0
                let p = OGR_F_GetFieldAsBinary(f, 1, &n)
                hex = p.map { Array(UnsafeBufferPointer(start: $0, count: Int(n))) } ?? []
            } else {
                hex = Array(String(cString: OGR_F_GetFieldAsString(f, 1)).utf8)
            }
            guard hex.count % 2 == 0 else { throw GeodataError(path, "project '\(name)' in qgis_projects is not hexadecimal") }
            var bytes = Data(capacity: hex.count / 2)
            func nibble(_ c: UInt8) -> UInt8? {
                switch c { case 48...57: c - 48; case 97...102: c - 87; case 65...70: c - 55; default: nil }
            }
            var k = 0
            while k < hex.count {
                guard let hi = nibble(hex[k]), let lo = nibble(hex[k + 1]) else {
                    throw GeodataError(path, "project '\(name)' in qgis_projects is not hexadecimal")
                }
                bytes.append(hi << 4 | lo)
                k += 2
            }
            out[name] = bytes
        }
        return out
    }
}
