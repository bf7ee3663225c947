import Foundation
@testable import TramePublish
import TrameScheme
import TrameTestSupport
import XCTest

/// The obstacles of [hydrography] as the reader takes them from the tiny sample's territory.gpkg (six
/// obstacles), with duplicates added through GDAL's own SQL (ogrinfo).
final class ObstacleInputTests: XCTestCase {
    /// The first obstacle entered twice more at the same place, once as impassable: the reader keeps six
    /// obstacles, the duplicated one with passability 0 (the lower), and says so once.
    func testObstaclesAtTheSamePlaceAreOne() throws {
        let dir = NSTemporaryDirectory() + "trame-obstacles-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = try SampleFiles.write(size: .tiny, seed: 1, into: dir, progress: { _ in })
        let gpkg = dir + "/territory.gpkg"
        for sql in ["INSERT INTO obstacles (geom, name, kind, passability) SELECT geom, name, kind, passability FROM obstacles WHERE fid = 1",
                    "INSERT INTO obstacles (geom, name, kind, passability) SELECT geom, 'Copy', kind, 0 FROM obstacles WHERE fid = 1"] {
            let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/ogrinfo"), ["-q", gpkg, "-sql", sql])
            XCTAssertEqual(r.status, 0, r.err)
        }
        let p = try ProjectFile.load(sample.projectPath)
        var warnings: [String] = []
        let h = try XCTUnwrap(try SchemeReader(project: p, lang: "en", progress: { _ in }, warn: { warnings.append($0) }).read().hydrography)
        XCTAssertEqual(h.obstacles.count, 6)
        XCTAssertEqual(h.obstacles.filter { $0.name.hasSuffix(" / Copy") }.count, 1)
        XCTAssertEqual(h.obstacles.first { $0.name.hasSuffix(" / Copy") }?.passability, 0)
        XCTAssertEqual(warnings.filter { $0.contains("2 obstacles lie within 1 m of another: counted once") }.count, 1, "\(warnings)")
    }
}
