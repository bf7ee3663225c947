import Foundation
import XCTest
import TrameVector
@testable import TrameRouting

/// Snapping far from a small network is bounded by the network's buckets, not by the snap distance.
final class SnapBoundTests: XCTestCase {
    /// Two 50 m ways along y = 0 (10 m buckets at least). Before, a search with maxDistance 1e12 swept
    /// rings of buckets out to the snap distance (hours) and a point at 1e300 trapped converting to Int.
    func testFarPointsAndHugeSnapDistancesAnswerAtOnce() throws {
        let net = PathNetwork(ways: [
            WayInput(points: [Point(0, 0), Point(50, 0)], tags: ["highway": "footway"], id: 1),
            WayInput(points: [Point(50, 0), Point(100, 0)], tags: ["highway": "footway"], id: 2),
        ])
        let r = try Router(network: net, mode: .walk)
        let t0 = Date()
        let far = try XCTUnwrap(r.snap(Point(1_000_000, 0), maxDistance: 1e12))
        XCTAssertEqual(far.distance, 999_900, accuracy: 1e-6)
        XCTAssertEqual(far.point.x, 100, accuracy: 1e-9)
        let diagonal = try XCTUnwrap(r.snap(Point(-3e6, 4e6), maxDistance: .greatestFiniteMagnitude))
        XCTAssertEqual(diagonal.distance, 5e6, accuracy: 1e-3)
        XCTAssertEqual(diagonal.point.x, 0, accuracy: 1e-9)
        XCTAssertNil(r.snap(Point(1e300, -1e300), maxDistance: 1e12))
        XCTAssertNil(r.snap(Point(.nan, 0), maxDistance: 1e12))
        XCTAssertNil(r.snap(Point(1_000_000, 0), maxDistance: 999_899))
        // Inside the network's box: the nearest of the two ways, as before.
        let near = try XCTUnwrap(r.snap(Point(70, 3), maxDistance: 1e12))
        XCTAssertEqual(near.distance, 3, accuracy: 1e-9); XCTAssertEqual(near.point.x, 70, accuracy: 1e-9)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 2)
    }
}
