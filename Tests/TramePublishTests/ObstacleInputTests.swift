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
        XCTAssertFalse(warnings.contains { $0.contains("[hydrography] is given but") })

        // The same project with the river on least-cost links: [hydrography] unused, and said so.
        var q = p
        for k in q.subNetworks.indices where q.subNetworks[k].model == .watercourse { q.subNetworks[k].model = .leastCost }
        warnings = []
        _ = try SchemeReader(project: q, lang: "en", progress: { _ in }, warn: { warnings.append($0) }).read()
        XCTAssertEqual(warnings.filter { $0.contains("[hydrography] is given but no [[subnetwork]] has model = \"watercourse\"") }.count, 1, "\(warnings)")
    }
}
