import CGDAL

/// A problem with an input or output file, told in one line that names the file.
///
/// `description` is what the CLI prints on stderr: `trame: FILE: problem`.
public struct GeodataError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String
    public init(_ file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { file.isEmpty ? problem : "\(file): \(problem)" }
}

/// Registers GDAL's drivers once and keeps GDAL from printing its own messages:
/// Trame reports errors itself, naming the file.
enum GDALSetup {
    static let once: Void = {
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
        // Trame holds whole grids in memory: a small block cache keeps GDAL from holding a second copy.
        if CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil { CPLSetConfigOption("GDAL_CACHEMAX", "64") }
        // Write GeoPackages that QGIS and older readers open without complaint.
        CPLSetConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF")
        // Reading a .gz input must not leave a side file (`.gz.properties`) beside the user's data.
        CPLSetConfigOption("CPL_VSIL_GZIP_WRITE_PROPERTIES", "NO")
    }()

    static func ensure() { _ = once }

    /// GDAL's last error message on this thread, trimmed to one line.
    static func lastError() -> String {
        guard let m = CPLGetLastErrorMsg() else { return "" }
        return String(cString: m).replacingOccurrences(of: "\n", with: " ")
    }
}

/// Whether GDAL can tell this file apart from garbage: a readable message for "open failed".
func openFailureReason(_ path: String) -> String {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    if !fm.fileExists(atPath: path, isDirectory: &isDir) { return "no such file" }
    if !fm.isReadableFile(atPath: path) { return "file is not readable (permissions)" }
    let msg = GDALSetup.lastError()
    if msg.isEmpty || msg.contains("not recognized as a supported file format") || msg.contains("not recognized as being in a supported file format") {
        return "not a raster or vector format GDAL can read (corrupt or unsupported file)"
    }
    return "GDAL cannot open it: \(msg)"
}

import Foundation

/// GDAL's own messages. Trame keeps them quiet and names the file itself; `trame … --verbose` lets them
/// through on stderr as `gdal: warning: …` (and `gdal: debug: …` when CPL_DEBUG is set).
public enum GDALMessages {
    /// From now on GDAL's warnings, errors and debug messages are written to stderr.
    public static func show() {
        GDALSetup.ensure()
        CPLSetErrorHandler { level, _, message in
            let kind: String
            switch level {
            case CE_Debug: kind = "debug"
            case CE_Warning: kind = "warning"
            case CE_Failure, CE_Fatal: kind = "error"
            default: kind = "note"
            }
            let text = message.map { String(cString: $0) } ?? ""
            FileHandle.standardError.write(Data("gdal: \(kind): \(text)\n".utf8))
        }
    }
}
