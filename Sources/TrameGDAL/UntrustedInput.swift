import CGDAL
import Foundation

/// GDAL set up for files from outside (partners' uploads), for a process that reads nothing else:
/// only the named drivers stay registered, and GDAL is told not to reach the network.
public enum UntrustedInput {
    /// Deregisters every driver but `drivers` (GDAL short names) and turns off GDAL's network access
    /// (/vsicurl/ and the other network file systems, HTTP fetches of CRS definitions, PROJ's grids).
    /// Returns the drivers left, for the caller to verify. Meant for a child process that only checks
    /// one file: it changes GDAL for the whole process.
    @discardableResult
    public static func lockDown(drivers: Set<String>) -> [String] {
        // PROJ reads this when its context is created: set it before GDAL builds one.
        setenv("PROJ_NETWORK", "OFF", 1)
        GDALSetup.ensure()
        var i = GDALGetDriverCount() - 1
        while i >= 0 {
            if let d = GDALGetDriver(i) {
                let name = GDALGetDriverShortName(d).map { String(cString: $0) } ?? ""
                if !drivers.contains(name) {
                    GDALDeregisterDriver(d)
                    GDALDestroyDriver(d)
                }
            }
            i -= 1
        }
        for (key, value) in [
            // /vsicurl/ and friends only fetch files whose names end in this (none do).
            ("CPL_VSIL_CURL_ALLOWED_FILENAME", "/nonexistent/trame-no-network"),
            ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".trame-no-network"),
            // Any HTTP request GDAL would still make goes to a closed port and gives up at once.
            ("GDAL_HTTP_PROXY", "127.0.0.1:1"),
            ("GDAL_HTTPS_PROXY", "127.0.0.1:1"),
            ("GDAL_HTTP_MAX_RETRY", "0"),
            ("GDAL_HTTP_CONNECTTIMEOUT", "1"),
            ("GDAL_HTTP_TIMEOUT", "1"),
            ("PROJ_NETWORK", "OFF"),
            ("OSR_USE_NON_DEPRECATED", "NO"),
            // No directory listing to look for sidecar files (.aux.xml, …) beside the checked file.
            ("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR"),
            ("GDAL_PAM_ENABLED", "NO"),
        ] {
            CPLSetConfigOption(key, value)
        }
        var left: [String] = []
        for j in 0..<GDALGetDriverCount() {
            if let d = GDALGetDriver(j), let n = GDALGetDriverShortName(d) { left.append(String(cString: n)) }
        }
        return left
    }
}
