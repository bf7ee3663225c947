import Foundation
import XCTest
import TrameCost
import TrameRaster
import TrameVector
@testable import TrameScheme

/// The watercourse model on a hand-made territory, every answer worked out in the comments.
///
/// 40 × 30 cells of 10 m (x 0–400 m, y 0–300 m), meadow (10) everywhere but a barrier class (9) in
/// columns 30–31 (x 300–320 m).
/// - River A runs west–east along y = 150 from x = −50 to x = 450: 400 m on the grid, 20 m of them in
///   the barrier.
/// - Tributary B runs south along x = 200 from y = 350 to y = 150, where it ends on A: 150 m on the grid.
/// - Obstacles: O1 (100, 152), 2 m off A, passability 0 (breaks); O2 (250, 150) on A, 0.66 (passable);
///   O3 (200, 250) on B, 0.33 (breaks: at most breaking_passability 0.33); O4 (380, 100), 50 m from A,
///   farther than the 25 m snap (left out).
///
/// Pieces, in the lines' order: A1 x 0–100, A2 x 100–250, A3 x 250–300, A4 x 320–400 (the barrier cuts
/// 300–320), B1 y 300–250, B2 y 250–150. B2 ends on A2 (x = 200), so they make one stretch:
/// S1 = A1 (100 m), S2 = A2 + B2 (150 + 100 = 250 m), S3 = A3 (50 m), S4 = A4 (80 m), S5 = B1 (50 m);
/// 530 m of stretches = 550 m of watercourse − 20 m in the barrier.
/// O2 links S2 and S3; reaches {S1} 100 m, {S2, S3} 300 m, {S4} 80 m, {S5} 50 m.
/// O1 reconnects min(100, 300) = 100 m, O3 min(50, 300) = 50 m, O2 (passable) 0.
final class WatercourseTests: XCTestCase {
    let spec = GridSpec(cols: 40, rows: 30, transform: GeoTransform(west: 0, north: 300, cellSize: 10))

    func landCover() -> ClassGrid {
        var v = [Int32](repeating: 10, count: 40 * 30)
        for r in 0..<30 { v[r * 40 + 30] = 9; v[r * 40 + 31] = 9 }
        return ClassGrid(Grid(spec: spec, values: v, noData: 0))
    }

    let watercourses = [Watercourse(name: "A", line: [Point(-50, 150), Point(450, 150)]),
                        Watercourse(name: "B", line: [Point(200, 350), Point(200, 150)])]
    let obstacles = [Obstacle(point: Point(100, 152), name: "O1", kind: "weir", passability: 0),
                     Obstacle(point: Point(250, 150), name: "O2", kind: "culvert", passability: 0.66),
                     Obstacle(point: Point(200, 250), name: "O3", kind: "weir", passability: 0.33),
                     Obstacle(point: Point(380, 100), name: "O4", kind: "weir", passability: 0)]

    func network() -> WatercourseNetwork {
        WatercourseBuilder.build(watercourses: watercourses, obstacles: obstacles, landCover: landCover(), barrier: ClassSet([9]),
                                 breakingPassability: 0.33, snap: 25)
    }

    func testStretchesReachesAndObstacles() {
        let net = network()
        XCTAssertEqual(net.watercourseLength, 550, accuracy: 0.01)
        XCTAssertEqual(net.barrierLength, 20, accuracy: 0.01)
        assertClose(net.pieces.map(\.length), [100, 150, 50, 80, 50, 100].map(Double.init), accuracy: 0.01)
        XCTAssertEqual(net.pieces.map(\.stretch), [1, 2, 3, 4, 5, 2])
        assertClose(net.stretches.map(\.length), [100, 250, 50, 80, 50].map(Double.init), accuracy: 0.01)
        XCTAssertEqual(net.stretches[1].names, ["A", "B"])
        XCTAssertEqual(net.stretchLength, 530, accuracy: 0.01)
        XCTAssertEqual(net.stretches.map(\.reach), [1, 2, 2, 3, 4])
        assertClose(net.reachLengths, [100, 300, 80, 50].map(Double.init), accuracy: 0.01)
        XCTAssertEqual(net.links.count, 1)
        XCTAssertEqual(net.links[0].from, 2); XCTAssertEqual(net.links[0].to, 3)
        XCTAssertEqual(net.links[0].passability, 0.66)
        XCTAssertEqual(net.unplaced, [3])
        XCTAssertEqual(net.obstacles.map(\.index), [0, 1, 2])
        XCTAssertEqual(net.obstacles.map(\.breaks), [true, false, true])
        XCTAssertEqual(net.obstacles.map(\.from), [1, 2, 5])
        XCTAssertEqual(net.obstacles.map(\.to), [2, 3, 2])
        XCTAssertEqual(net.obstacles.map(\.link), [nil, 0, nil])
        assertClose(net.obstacles.map(\.reconnected), [100, 0, 50].map(Double.init), accuracy: 0.01)
        // O1 is placed on A's axis, 2 m south of where it was given.
        XCTAssertEqual(net.obstacles[0].at.x, 100, accuracy: 1e-9); XCTAssertEqual(net.obstacles[0].at.y, 150, accuracy: 1e-9)
        // Good continuity: reaches of at least 200 m → 300 m; of at least 100 m → 100 + 300 m.
        XCTAssertEqual(net.goodContinuityLength(minReach: 200), 300, accuracy: 0.01)
        XCTAssertEqual(net.goodContinuityLength(minReach: 100), 400, accuracy: 0.01)
    }

    /// Without obstacles nor barrier, A and B are one stretch of 550 m and one reach.
    func testWithoutObstaclesTheRiverIsOneStretch() {
        let net = WatercourseBuilder.build(watercourses: watercourses, obstacles: [], landCover: landCover(), barrier: ClassSet([Int]()),
                                           breakingPassability: 0.33, snap: 25)
        XCTAssertEqual(net.stretches.count, 1)
        XCTAssertEqual(net.stretchLength, 550, accuracy: 0.01)
        XCTAssertEqual(net.barrierLength, 0)
        assertClose(net.reachLengths, [550], accuracy: 0.01)
        // Two lines crossing without a shared vertex meet too: C runs north–south across A at x = 50.
        let crossing = watercourses + [Watercourse(name: "C", line: [Point(50, 20), Point(50, 280)])]
        let c = WatercourseBuilder.build(watercourses: crossing, obstacles: [], landCover: landCover(), barrier: ClassSet([Int]()),
                                         breakingPassability: 0.33, snap: 25)
        XCTAssertEqual(c.stretches.count, 1)
        XCTAssertEqual(c.stretchLength, 810, accuracy: 0.01)
    }

    /// The riparian strip, 10 m each side of the axes (cell centres).
    /// Along A (y = 150, a row boundary) the centres at y = 145 and 155 (rows 14 and 15) are 5 m from the
    /// axis, those at 135 and 165 15 m: two rows. Columns 30 and 31 (centres x 305 and 315, in the barrier)
    /// are 7.07 m from the end of A3 (300, 150) or the start of A4 (320, 150): in. So A gives 40 × 2 = 80 cells.
    /// Along B (x = 200, a column boundary) columns 19 and 20, rows 0–13 (centres y 295 … 165; rows 14 and 15
    /// are A's already): 14 × 2 = 28 cells. 108 cells in all; each is the nearest stretch's.
    func testRiparianStrip() {
        let net = network()
        let strip = WatercourseBuilder.strip(net, spec: spec, width: 10)
        let inStrip = strip.owner.values.filter { $0 > 0 }.count
        XCTAssertEqual(inStrip, 40 * 2 + 14 * 2)
        // Owners: the cell (x 55, y 145) is S1's; (x 205, y 255) S2's via B2 … (x 205, y 295) S5's (B1, y 300–250).
        func owner(_ x: Double, _ y: Double) -> Int32 { let c = spec.cell(x: x, y: y)!; return strip.owner.values[spec.index(col: c.col, row: c.row)] }
        XCTAssertEqual(owner(55, 145), 1)
        XCTAssertEqual(owner(205, 205), 2)
        XCTAssertEqual(owner(275, 155), 3)
        XCTAssertEqual(owner(355, 145), 4)
        XCTAssertEqual(owner(195, 285), 5)
        XCTAssertEqual(owner(55, 175), 0)
    }

    /// The model on the same territory: river sub-network on habitat 8 (absent), so its reservoirs are the
    /// axis cells alone: the cells each piece passes through, a boundary line counting for the cell below
    /// it or east of it (cells are [x0, x0 + 10) × (y0 − 10, y0]: y = 150 lies in row 15, x = 200 in column 20).
    /// Row 15 holds A: A1 columns 0–9 (10 cells; x = 100 is where A2 starts), A2 10–24 (15), A3 25–29 (5; its
    /// end stops just short of x = 300), A4 32–39 (8); column 20 holds B: B1 rows 0–4 (5), B2 rows 5–14 (10).
    /// Areas (0.01 ha a cell): S1 0.10, S2 0.25, S3 0.05, S4 0.08, S5 0.05 ha; land 12 ha.
    /// The link S2–S3 (O2) costs −ln(0.66)/α, so p*₂₃ = 0.66 and
    /// PC = (Σ aᵢ² + 2 a₂ a₃ 0.66) / 12². Removing O1 adds 2 a₁ a₂ + 2 a₁ a₃ 0.66 to the numerator; O2
    /// 2 a₂ a₃ (1 − 0.66); O3 2 a₅ a₂ + 2 a₅ a₃ 0.66.
    /// A road along x = 60 crosses S1's strip (rows 14–15): ConflictFinder's quarter-cell samples y = 142.5 …
    /// 160 lie in it: 8 samples of 2.5 m, 20 m (the strip's two rows), marked at y = 150 (the first of the two
    /// samples nearest the middle, 151.25); 20 m is at least the 10 m minimum crossing and under twice the strip's width.
    func testWatercourseModel() throws {
        let text = """
        [territory]
        name = "River test"

        [land_cover]
        raster = "lc.tif"
        nomenclature = "nom.csv"
        friction = "friction.csv"
        built_up = [1]

        [hydrography]
        watercourses = { file = "w.gpkg", layer = "watercourses" }
        riparian_strip = "10 m"
        good_continuity = "200 m"
        barrier_classes = [9]

        [[subnetwork]]
        name = "river"
        habitat = [8]
        dispersal_distance = "1000 cost"
        dispersal_probability = 0.05
        model = "watercourse"
        """
        let project = try ProjectFile.parse(text, file: "/p/project.toml")
        XCTAssertEqual(project.subNetworks[0].model, .watercourse)
        XCTAssertEqual(project.hydrography?.riparianStrip, 10)
        XCTAssertEqual(project.hydrography?.breakingPassability, 0.33)
        let nomenclature = try Nomenclature.parse("code,label,label_fr,red,green,blue,natural\n1,Built-up,Bâti,200,0,0,0\n8,Water,Eau,0,0,200,1\n9,Dam,Barrage,90,90,90,0\n10,Meadow,Prairie,200,200,0,1\n", name: "nom.csv")
        let friction = try FrictionTable.parse("code,label,river\n1,Built-up,inf\n8,Water,1\n9,Dam,1000\n10,Meadow,10\n", name: "friction.csv")
        var input = SchemeInput(project: project, landCover: landCover(), crsLabel: "none", nomenclature: nomenclature, friction: friction,
                                inventoryLayers: [], inventoryBits: CellBits(count: 1200, flags: 0), units: [], unitCells: UnitCells(count: 1200),
                                infrastructure: [InfrastructureLine(kind: "road", cls: "primary", name: "D1", line: [Point(60, 0), Point(60, 300)])],
                                hubs: nil, pathLines: [], language: "en")
        input.hydrography = HydrographyInput(watercourses: watercourses, obstacles: obstacles)
        let a = try ProjectSubNetworkModel().analyse(0, of: input, sink: PipelineStageTests.RecordingSink()) { _ in }
        let w = try XCTUnwrap(a.watercourse)
        XCTAssertEqual(a.patches.patches.map(\.cells), [10, 25, 5, 8, 5])
        let ar = [0.10, 0.25, 0.05, 0.08, 0.05]
        assertClose(a.patches.patches.map(\.areaHa), ar, accuracy: 1e-12)
        let alpha = -log(0.05) / 1000
        XCTAssertEqual(a.links.count, 1)
        XCTAssertEqual(a.links[0].cost, -log(0.66) / alpha, accuracy: 1e-9)
        XCTAssertEqual(a.functional.count, 1, "p = 0.66 ≥ 0.05: within the dispersal distance")
        let num = ar.map { $0 * $0 }.reduce(0, +) + 2 * ar[1] * ar[2] * 0.66
        XCTAssertEqual(a.metrics.global.PC, num / 144, accuracy: 1e-12)
        let gains = [2 * ar[0] * ar[1] + 2 * ar[0] * ar[2] * 0.66, 2 * ar[1] * ar[2] * 0.34, 2 * ar[4] * ar[1] + 2 * ar[4] * ar[2] * 0.66]
        assertClose(w.removalDPC, gains.map { 100 * $0 / num }, accuracy: 1e-9)
        XCTAssertEqual(w.goodContinuityLength, 300, accuracy: 0.01)
        // Corridors: the strip (108 cells, see testRiparianStrip), owned by stretch.
        XCTAssertEqual(a.corridors?.link.values.filter { $0 > 0 }.count, 108)
        // Figures: the corridor length is the stretches' 530 m.
        let summary = SubNetworkFigures.summary(a, corridorCells: 108, conflicts: 0, cellArea: 100, reservoirInventories: { _ in "" })
        XCTAssertEqual(summary.corridorKm, 0.53, accuracy: 1e-5)
        XCTAssertEqual(summary.corridorHa, 1.08, accuracy: 1e-12)
        // Conflict points: the three placed obstacles, then the road over S1's strip.
        let cs = WatercourseConflicts.find(a, input: input)
        XCTAssertEqual(cs.map(\.kind), [.riverObstacle, .riverObstacle, .riverObstacle, .roadCrossing])
        assertClose(cs.prefix(3).map { $0.reconnected ?? -1 }, [100, 0, 50], accuracy: 0.01)
        XCTAssertEqual(cs.prefix(3).map(\.linkID), [0, 1, 0])
        XCTAssertEqual(cs[0].cls, "weir"); XCTAssertEqual(cs[0].passability, 0)
        XCTAssertEqual(cs[3].from, 1); XCTAssertEqual(cs[3].to, 1)
        XCTAssertEqual(cs[3].crossingLength, 20, accuracy: 1e-9)
        XCTAssertEqual(cs[3].point.x, 60, accuracy: 1e-9); XCTAssertEqual(cs[3].point.y, 150, accuracy: 1e-9)
        XCTAssertEqual(cs[3].dPC, a.metrics.nodes[0].dPC)
    }

    /// A sub-network on the watercourses needs [hydrography]; a model the reader does not know is named.
    func testModelNeedsHydrography() {
        let base = """
        [territory]
        name = "T"
        [land_cover]
        raster = "lc.tif"
        nomenclature = "nom.csv"
        friction = "friction.csv"
        built_up = [1]
        [[subnetwork]]
        name = "river"
        habitat = [8]
        """
        XCTAssertThrowsError(try ProjectFile.parse(base + "\nmodel = \"watercourse\"", file: "/p/project.toml")) { e in
            XCTAssertEqual("\(e)", "/p/project.toml:11: sub-network 'river' is built on the watercourses (model = \"watercourse\") but the project has no [hydrography] section")
        }
        XCTAssertThrowsError(try ProjectFile.parse(base + "\nmodel = \"circuit\"", file: "/p/project.toml")) { e in
            XCTAssertEqual("\(e)", "/p/project.toml:11: model 'circuit' must be \"least_cost\" or \"watercourse\"")
        }
        XCTAssertEqual(try ProjectFile.parse(base, file: "/p/project.toml").subNetworks[0].model, .leastCost)
    }
}

/// Two arrays of numbers equal within `accuracy`, element by element.
func assertClose(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "counts: \(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
