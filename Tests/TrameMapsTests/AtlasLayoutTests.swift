import Foundation
import XCTest
import TrameVector
@testable import TrameMaps

/// The atlas's page layout: the page's orientation and the legend's place follow the map's shape, so that the
/// map fills the page; long table headers wrap instead of being cut.
final class AtlasLayoutTests: XCTestCase {
    /// A legend of four sections of five entries, about as long as the scheme's.
    var legend: [PanelBlock] {
        [.heading("Legend")] + (0..<4).map { s in
            .legend(LegendSection("Section \(s)", (0..<5).map { LegendEntry(.fill(.black, outline: nil), "Entry \($0) of section \(s)") }))
        }
    }

    /// The share of the A3 page (1191 × 842 points) the fitted map frame takes.
    func share(_ l: AtlasLayout) -> Double { l.frameArea / (AtlasLayout.long * AtlasLayout.short) }

    /// A territory three times taller than wide gets a portrait page with the legend beside the map; one
    /// three times wider than tall a landscape page with the legend below; a square one either, its map
    /// taking more than half the page. Each choice beats the fixed A3-landscape legend-right page (the frame
    /// of height 842 − 62 − 34 − 28.8 points for the tall one, width 1191 − 270 − 60 for the wide one).
    func testOrientationAndLegendFollowTheShape() throws {
        let c = try MapCanvas(pngWidth: 8, height: 8)
        let tall = AtlasLayout.choose(extent: (0, 0, 10_000, 30_000), blocks: legend, measuringOn: c)
        XCTAssertEqual(tall.width, AtlasLayout.short); XCTAssertEqual(tall.height, AtlasLayout.long)
        XCTAssertEqual(tall.place, .right)
        let tallFixed: Double = pow(842.0 - 62 - 34 - 28.8, 2) / 3
        XCTAssertGreaterThan(tall.frameArea, 1.3 * tallFixed)

        let wide = AtlasLayout.choose(extent: (0, 0, 30_000, 10_000), blocks: legend, measuringOn: c)
        XCTAssertEqual(wide.width, AtlasLayout.long); XCTAssertEqual(wide.height, AtlasLayout.short)
        XCTAssertEqual(wide.place, .below)
        let wideFixed: Double = pow(1191.0 - 270 - 60, 2) / 3
        XCTAssertGreaterThan(wide.frameArea, 1.2 * wideFixed)

        let square = AtlasLayout.choose(extent: (0, 0, 10_000, 10_000), blocks: legend, measuringOn: c)
        XCTAssertGreaterThan(share(square), 0.5)
        for l in [tall, wide, square] {
            // The map area and the panel's columns lie on the page and do not overlap.
            XCTAssertTrue(Rect(0, 0, l.width, l.height).contains(l.mapArea))
            for col in l.columns {
                XCTAssertFalse(l.mapArea.intersects(Rect(col.x, col.y, 250, 1)), "a panel column over the map")
                XCTAssertLessThanOrEqual(col.x + 250, l.width)
            }
            XCTAssertEqual(l.columns.flatMap(\.blocks), Array(legend.indices), "every block once, in order")
        }
    }

    /// Every block fits its column's height on the page (measured as it is drawn).
    func testPanelColumnsFitThePage() throws {
        let c = try MapCanvas(pngWidth: 8, height: 8)
        let table = PanelBlock.table(SideTable(title: "Figures of the unit", header: ["Rank", "Kind", "Sub-network"],
                                               rows: (1...14).map { ["\($0)", "road crossing the corridor D 943", "forest"] }, shares: [0.16, 0.56, 0.28]))
        let blocks = [table] + legend
        for extent in [(0.0, 0.0, 10_000.0, 30_000.0), (0.0, 0.0, 30_000.0, 10_000.0), (0.0, 0.0, 12_000.0, 10_000.0)] {
            let l = AtlasLayout.choose(extent: extent, blocks: blocks, measuringOn: c)
            for col in l.columns {
                let h = col.blocks.reduce(0.0) { $0 + PlanningMap.drawBlock(blocks[$1], x: 0, y: 0, width: 250, on: c, draw: false) }
                XCTAssertLessThanOrEqual(col.y + h, l.height - 34, "column runs into the credits")
            }
        }
    }

    /// Wrapping: no line is wider than asked unless it is a single letter; the words come back whole.
    func testWrapKeepsWordsWhole() throws {
        let c = try MapCanvas(pngWidth: 8, height: 8)
        c.font(9.5)
        let header = "Réservoirs de biodiversité"
        let lines = c.wrap(header, width: 70)
        XCTAssertGreaterThan(lines.count, 1, "the header is wider than 70 points: it wraps")
        for l in lines { XCTAssertLessThanOrEqual(c.measure(l).w, 70) }
        XCTAssertEqual(lines.joined(separator: " "), header)
        XCTAssertFalse(lines.joined().contains("…"))
    }
}
