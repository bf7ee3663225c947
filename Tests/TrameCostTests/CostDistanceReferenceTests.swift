import Foundation
import XCTest
import TrameCost
import TrameGDAL
import TrameRaster
import TrameVector

let fixturesDir: URL = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
}()

/// Compares with GRASS GIS r.cost 8.2.1 outputs in Tests/Fixtures/reference/costdistance
/// (GRASS reports resistance × cell widths; Trame resistance × metres = GRASS × cell size).
final class CostDistanceReferenceTests: XCTestCase {
    func run(_ name: String, _ nb: Neighbourhood, _ file: String) throws {
        let dir = fixturesDir.appendingPathComponent("reference/costdistance/\(name)")
        let res = try RasterIO.read(dir.appendingPathComponent("resistance.tif").path, as: Float.self)
        let src = try VectorIO.read(dir.appendingPathComponent("sources.gpkg").path)
        let sources = src.features.map { f -> CostSource in
            guard case .point(let p) = f.geometry!, let c = res.spec.cell(x: p.x, y: p.y) else { fatalError("bad source") }
            return CostSource(cell: res.spec.index(col: c.col, row: c.row), id: Int32(f["id"].doubleValue ?? Double(f.fid!)))
        }
        let grass = try RasterIO.read(dir.appendingPathComponent(file).path, as: Double.self)
        let surface = try CostDistance.compute(resistance: res, sources: sources, neighbourhood: nb, allocation: true)
        let cell = res.spec.transform.pixelWidth
        var compared = 0
        var worst = 0.0
        for i in 0..<res.count {
            let g = grass.values[i], t = surface.cost.values[i]
            if g < 0 {
                XCTAssertEqual(t, CostSurface.unreached, "\(name) cell \(i): GRASS has no value, Trame has \(t)")
                continue
            }
            let expected = g * cell
            let rel = expected == 0 ? abs(t) : abs(t - expected) / expected
            worst = max(worst, rel)
            if rel > 1e-4 { XCTFail("\(name) \(file) cell \(i): \(t) vs GRASS \(expected)"); return }
            compared += 1
            // Every reached cell is allocated to a source.
            XCTAssertGreaterThan(surface.allocation!.values[i], -1)
        }
        XCTAssertGreaterThan(compared, res.count / 2, "\(name): most cells reachable")
        // The least-cost path to a far cell has the cost the surface reports there.
        let far = (0..<res.count).max { surface.cost.values[$0] < surface.cost.values[$1] }!
        let path = try XCTUnwrap(surface.path(to: far))
        XCTAssertEqual(path.cost, surface.cost.values[far])
        XCTAssertTrue(sources.contains { $0.cell == path.cells.first! })
        var resum = 0.0
        for k in 1..<path.cells.count {
            let a = path.cells[k - 1], b = path.cells[k]
            let dc = abs(a % res.cols - b % res.cols), dr = abs(a / res.cols - b / res.cols)
            let len = (Double(dc * dc + dr * dr)).squareRoot() * cell
            if dc + dr == 3 {
                let cA = a % res.cols, rA = a / res.cols, sc = (b % res.cols - cA).signum(), sr = (b / res.cols - rA).signum()
                let m1 = dr == 2 ? (rA + sr) * res.cols + cA : rA * res.cols + cA + sc
                let m2 = (rA + sr) * res.cols + cA + sc
                resum += (Double(res.values[a]) + Double(res.values[b]) + Double(res.values[m1]) + Double(res.values[m2])) / 4 * len
            } else {
                resum += (Double(res.values[a]) + Double(res.values[b])) / 2 * len
            }
        }
        XCTAssertEqual(resum, path.cost, accuracy: 1e-9 * path.cost, "\(name): re-summed path cost")
    }

    func testUniformOneSource() throws { try run("uniform_1src", .queen, "grass_rcost_8.tif"); try run("uniform_1src", .knight, "grass_rcost_16.tif") }
    func testUniformFiveSources() throws { try run("uniform_5src", .queen, "grass_rcost_8.tif"); try run("uniform_5src", .knight, "grass_rcost_16.tif") }
    func testLandcoverTwentySources() throws { try run("landcover_20src", .queen, "grass_rcost_8.tif"); try run("landcover_20src", .knight, "grass_rcost_16.tif") }
    func testWallsThreeSources() throws { try run("walls_3src", .queen, "grass_rcost_8.tif"); try run("walls_3src", .knight, "grass_rcost_16.tif") }
}
