import Foundation
import XCTest
import TrameVector
@testable import TrameMaps

final class PlanningMapTests: XCTestCase {
    /// Forty labels crowded on a 10 km map: the ones placed never overlap each other, the point symbols,
    /// the north arrow or the scale bar, and they all stay inside the map frame.
    func testLabelsNeverOverlap() throws {
        let c = try MapCanvas(pngWidth: 1200, height: 700)
        var labels: [MapLabel] = []
        var pts: [Point] = []
        for k in 0..<40 {
            let p = Point(Double(k % 8) * 1200 + 400, Double(k / 8) * 700 + 800)
            pts.append(p)
            labels.append(MapLabel("Base de loisirs n°\(k)", at: p, priority: Double(k)))
        }
        labels.append(MapLabel("COMMUNAUTÉ D'AGGLOMÉRATION", at: Point(5000, 2500), priority: 100, bold: true, centred: true))
        var page = MapPage(title: "Test", subtitle: "", extent: (0, 0, 10_000, 5000), layers: [.markers(pts, shape: .circle, size: 8, fill: .black)],
                           labels: labels, legend: [], credits: "")
        page.obstacles = pts
        let placed = PlanningMap.draw(page, on: c)
        XCTAssertGreaterThan(placed.count, 10)
        XCTAssertLessThan(placed.count, labels.count, "a crowded map leaves some labels out")
        for i in placed.indices {
            XCTAssertTrue(c.frame.contains(placed[i]))
            for j in placed.indices where j > i { XCTAssertFalse(placed[i].intersects(placed[j]), "labels \(i) and \(j) overlap") }
            for p in pts {
                let q = c.page(p)
                XCTAssertFalse(placed[i].intersects(Rect(q.x - 3, q.y - 3, 6, 6)), "label \(i) covers a symbol")
            }
        }
    }

    /// World → page: the frame keeps the extent's proportions and puts north up.
    func testFrameKeepsProportionsNorthUp() throws {
        let c = try MapCanvas(pngWidth: 1000, height: 1000)
        let f = c.setFrame(Rect(0, 0, 1000, 500), extent: (0, 0, 4000, 1000))
        XCTAssertEqual(f.w / f.h, 4, accuracy: 1e-9)
        let nw = c.page(Point(0, 1000)), se = c.page(Point(4000, 0))
        XCTAssertEqual(nw.x, f.x, accuracy: 1e-9); XCTAssertEqual(nw.y, f.y, accuracy: 1e-9)
        XCTAssertEqual(se.x, f.x + f.w, accuracy: 1e-9); XCTAssertEqual(se.y, f.y + f.h, accuracy: 1e-9)
    }
}
