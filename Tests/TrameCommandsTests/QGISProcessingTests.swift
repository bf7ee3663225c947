import Foundation
import TrameTestSupport
import XCTest

/// The QGIS Processing provider (qgis/trame_processing), packaged as its plugin zip by
/// scripts/package-qgis-plugin.sh, unzipped as QGIS installs it, and run headless with Debian's
/// python3-qgis (scripts/qgis_processing_check.py): its algorithms, a cost distance worked by hand,
/// a whole scheme whose layers are handed to QGIS, and trame's own error line as the Processing error.
final class QGISProcessingTests: XCTestCase {
    func testProviderRunsTrameFromProcessing() throws {
        guard FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/qgis/core/__init__.py") else {
            XCTFail("python3-qgis is not installed (scripts/install-deps.sh installs it)"); return
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let work = NSTemporaryDirectory() + "trame-qgis-processing-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/plugins", withIntermediateDirectories: true)
        var r = try TrameProcess.run(URL(fileURLWithPath: repo + "/scripts/package-qgis-plugin.sh"), [])
        XCTAssertEqual(r.status, 0, r.err)
        let zip = repo + "/" + r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-m", "zipfile", "-e", zip, work + "/plugins"])
        XCTAssertEqual(r.status, 0, r.err)
        r = try TrameProcess.run(TrameProcess.trame, ["demo", "--size", "tiny", "--out", work + "/demo", "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["QT_QPA_PLATFORM=offscreen", "TRAME_PLUGIN_DIR=" + work + "/plugins",
                                                                      "/usr/bin/python3", repo + "/scripts/qgis_processing_check.py", TrameProcess.trame.path, work, work + "/demo"])
        XCTAssertEqual(r.status, 0, r.err)
        let line = try XCTUnwrap(r.out.split(separator: "\n").last.map(String.init))
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], r.out + r.err)
        XCTAssertEqual(o["algorithms"] as? [String], ["trame:circuit", "trame:costdistance", "trame:links", "trame:loop", "trame:metrics", "trame:route", "trame:run"])
        // By hand: steps of 10 m between cell centres cost the mean of the two resistances × 10.
        XCTAssertEqual(o["costdistance"] as? [Double], [0, 10, 65, 165, 220])
        let files = o["run_files"] as? [String] ?? []
        XCTAssertTrue(files.contains("scheme.gpkg") && files.contains("report.html"), "\(files)")
        let layers = o["run_layers"] as? [String] ?? []
        for l in ["reservoirs", "corridors", "links", "nature_spaces", "buffer_zones", "conflict_points"] { XCTAssertTrue(layers.contains(l), "\(l) not loaded: \(layers)") }
        XCTAssertTrue((o["error"] as? String ?? "").contains("missing.tif: no such file"), "\(o["error"] ?? "none")")
    }
}
