import Foundation
import XCTest
import TrameCost
import TrameRaster
import TrameVector
@testable import TrameScheme

/// The pipeline's stages run alone on small hand-made grids, their answers worked out in the comments.
final class PipelineStageTests: XCTestCase {
    /// Records what a stage hands to the publisher.
    final class RecordingSink: RasterSink {
        var names: [String] = []
        func write<T: GridScalar>(_ grid: Grid<T>, to name: String, description: String,
                                  categories: [Int: String], colours: [Int: (UInt8, UInt8, UInt8)]) { names.append(name) }
    }

    /// One sub-network "forest": habitat 20, everything at resistance 1; dispersal p = 0.05 at 100 cost; no corridor margin.
    let projectText = """
    [territory]
    name = "Stage test"

    [land_cover]
    raster = "lc.tif"
    nomenclature = "nom.csv"
    friction = "friction.csv"
    built_up = [1]

    [[subnetwork]]
    name = "forest"
    habitat = [20]
    friction_column = "forest"
    min_reservoir_area = "0.005 ha"
    dispersal_distance = "100 cost"
    dispersal_probability = 0.05
    corridor_width = "0 cost"

    [nature_spaces]
    min_area = "0.5 ha"
    """

    /// 21 × 3 cells of 10 m (0.01 ha), open land (10) but three one-cell woods (20) on the middle row, at
    /// columns 1 (A), 9 (B) and 20 (C).
    func input(replacing: [Int32: Int32] = [:]) throws -> SchemeInput {
        let project = try ProjectFile.parse(projectText, file: "/p/project.toml")
        let cols = 21, rows = 3
        var v = [Int32](repeating: 10, count: cols * rows)
        for c in [1, 9, 20] { v[cols + c] = 20 }
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: 30, cellSize: 10))
        let lc = Grid(spec: spec, values: v.map { replacing[$0] ?? $0 }, noData: 0)
        let nomenclature = try Nomenclature.parse("code,label,label_fr,red,green,blue,natural\n1,Built-up,Bâti,200,0,0,0\n10,Meadow,Prairie,200,200,0,1\n20,Wood,Bois,0,100,0,1\n", name: "nom.csv")
        let friction = try FrictionTable.parse("code,label,forest\n1,Built-up,inf\n10,Meadow,1\n20,Wood,1\n", name: "friction.csv")
        return SchemeInput(project: project, landCover: ClassGrid(lc), crsLabel: "none", nomenclature: nomenclature, friction: friction,
                           inventoryLayers: [], inventoryBits: CellBits(count: cols * rows, flags: 0), units: [], unitCells: UnitCells(count: cols * rows), infrastructure: [],
                           hubs: nil, pathLines: [], language: "fr")
    }

    /// Planar links A–B (8 rook steps of 10 m: cost 80) and B–C (11 steps: 110); A and C are not
    /// neighbours (B's region lies between). Only A–B is within the 100-cost dispersal distance, so only it
    /// gets a corridor, which at zero width is the row of 9 cells from A to B.
    /// PC = Σᵢⱼ aᵢ aⱼ p*ᵢⱼ / A² with a = 0.01 ha, A = 63 × 0.01 ha and p* = 0.05^(cost/100) (A–C through B:
    /// 0.05^1.9): PC = 0.01² (3 + 2 (0.05^0.8 + 0.05^1.1 + 0.05^1.9)) / 0.63².
    func testLeastCostSubNetworkOnThreeWoods() throws {
        let sink = RecordingSink()
        var steps: [String] = []
        let a = try LeastCostSubNetwork().analyse(0, of: try input(), sink: sink) { steps.append($0) }
        XCTAssertEqual(a.patches.patches.count, 3)
        XCTAssertEqual(a.links.count, 2)
        let costs = a.links.map(\.cost).sorted()
        XCTAssertEqual(costs[0], 80, accuracy: 1e-9)
        XCTAssertEqual(costs[1], 110, accuracy: 1e-9)
        XCTAssertEqual(a.functional.count, 1)
        XCTAssertEqual(a.functional[0].element.cost, 80, accuracy: 1e-9)
        let corridorCells = (0..<63).filter { a.corridors!.link.values[$0] > 0 }
        XCTAssertEqual(corridorCells, Array((21 + 1)...(21 + 9)))
        let sum = 3 + 2 * (pow(0.05, 0.8) + pow(0.05, 1.1) + pow(0.05, 1.9))
        XCTAssertEqual(a.metrics.global.PC, 0.0001 * sum / (0.63 * 0.63), accuracy: 1e-12)
        XCTAssertEqual(a.metrics.global.EC, 0.01 * sum.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(a.decay.probability(100), 0.05, accuracy: 1e-15)
        XCTAssertEqual(sink.names, ["rasters/forest_resistance.tif", "rasters/forest_cost_distance.tif"])
        XCTAssertEqual(steps.first, "forest: resistance and reservoirs")

        // Masks: bit 0 on the three woods and the nine corridor cells; the network is their union (10 cells: A and B lie in the corridor).
        var masks = NetworkMasks(count: 63, subNetworks: 1)
        let corridorMask = masks.add(a)
        XCTAssertEqual(corridorMask.reduce(0) { $0 + Int($1) }, 9)
        XCTAssertEqual((0..<63).filter { masks.reservoirs[$0] == 1 }, [22, 30, 41])
        XCTAssertEqual(masks.network.reduce(0) { $0 + Int($1) }, 10)

        // The summary: 3 reservoirs of 0.01 ha, 1 of 2 links functional, a 0.09 ha corridor of 80 m.
        let s = SubNetworkFigures.summary(a, corridorCells: 9, conflicts: 0, cellArea: 100) { _ in "" }
        XCTAssertEqual(s.reservoirs, 3); XCTAssertEqual(s.reservoirHa, 0.03, accuracy: 1e-12)
        XCTAssertEqual(s.functionalLinks, 1); XCTAssertEqual(s.links, 2)
        XCTAssertEqual(s.corridorHa, 0.09, accuracy: 1e-12); XCTAssertEqual(s.corridorKm, 0.08, accuracy: 1e-12)
    }

    /// Per-unit connectivity in the scheme's order (units counted before the sub-network): two communes split
    /// the 21 columns at column 11 — West (columns 0–10, 33 cells = 0.33 ha) holds A and B, East (columns 11–20,
    /// 0.30 ha) holds C. West: EC = 0.01 √(1 + 1 + 2 · 0.05^0.8) ha (A and B linked at cost 80), PC = EC² / 0.33²;
    /// East: C alone, EC = 0.01 ha, PC = 0.01² / 0.30² (the link B–C leaves the unit, C's own area only).
    func testConnectivityPerUnit() throws {
        let i = try input()
        let a = try LeastCostSubNetwork().analyse(0, of: i, sink: DiscardingRasterSink()) { _ in }
        var units = [UInt16](repeating: 1, count: 63)
        for r in 0..<3 { for c in 11..<21 { units[r * 21 + c] = 2 } }
        var tally = FigureTally(spec: i.spec, valid: [Bool](repeating: true, count: 63), territoryName: "T",
                                levels: [("commune", units, ["West", "East"])], subNetworks: 1)
        XCTAssertEqual(tally.units.map(\.areaHa), [0.63, 0.33, 0.30].map { $0 }, "units' areas are known before the sub-networks")
        var masks = NetworkMasks(count: 63, subNetworks: 1)
        SubNetworkFigures.add(a, corridorMask: masks.add(a), to: &tally)
        let westEC = 0.01 * (2 + 2 * pow(0.05, 0.8)).squareRoot()
        XCTAssertEqual(tally.units[1].ec[0], westEC, accuracy: 1e-12)
        XCTAssertEqual(tally.units[1].pc[0], westEC * westEC / (0.33 * 0.33), accuracy: 1e-12)
        XCTAssertEqual(tally.units[2].ec[0], 0.01, accuracy: 1e-12)
        XCTAssertEqual(tally.units[2].pc[0], 0.0001 / (0.30 * 0.30), accuracy: 1e-12)
        XCTAssertEqual(tally.units[0].ec[0], a.metrics.global.EC, accuracy: 1e-15)
    }

    /// A sub-network whose habitat class is absent: the project error names the sub-network and its line.
    func testNoHabitatIsAProjectError() throws {
        let i = try input(replacing: [20: 10])
        XCTAssertThrowsError(try LeastCostSubNetwork().analyse(0, of: i, sink: DiscardingRasterSink()) { _ in }) { e in
            XCTAssertEqual((e as? ProjectError)?.line, 10)
            XCTAssertTrue("\(e)".contains("sub-network 'forest' has no habitat"), "\(e)")
        }
    }

    /// Typology: the three woods are reservoirs, so major; the meadow (natural) is one mixed space of 60 cells (0.6 ha ≥ 0.5 ha).
    func testTypologyStage() throws {
        var reservoirs = CellBits(count: 63, flags: 1)
        for i in [22, 30, 41] { reservoirs.insert(0, at: i) }
        let sink = RecordingSink()
        let t = TypologyStage.run(try input(), reservoirs: reservoirs, sink: sink)
        XCTAssertEqual(t.majorSpaces, 3)
        XCTAssertEqual(t.mixedSpaces, 1)
        XCTAssertEqual(t.spaces.typology.values[22], 1)
        XCTAssertEqual(t.spaces.typology.values[0], 2)
        XCTAssertEqual(sink.names, ["rasters/nature_spaces.tif"])
        XCTAssertTrue(t.hubs.isEmpty)
    }

    /// Conflicts rank by the dPC of the link they cut, then by crossing length, from 1.
    func testConflictRanking() {
        func point(_ dPC: Double, _ length: Double) -> ConflictPoint {
            ConflictPoint(point: Point(0, 0), kind: .roadCrossing, cls: "primary", name: "", crossingLength: length, linkID: 1, from: 1, to: 2, dPC: dPC)
        }
        let ranked = ConflictStage.rank([("a", point(1, 10)), ("b", point(5, 1)), ("c", point(1, 30))])
        XCTAssertEqual(ranked.map(\.subNetwork), ["b", "c", "a"])
        XCTAssertEqual(ranked.map(\.rank), [1, 2, 3])
        XCTAssertEqual(ConflictStage.minBuiltCells(cellArea: 100), 50)   // 0.5 ha of 0.01 ha cells
        XCTAssertEqual(ConflictStage.minBuiltCells(cellArea: 10_000), 2)  // at least two cells
    }

    /// The tables' errors name the file and the line.
    func testTablesNameFileAndLine() {
        XCTAssertThrowsError(try FrictionTable.parse("code,label,forest\n10,Meadow\n", name: "f.csv")) { e in
            XCTAssertEqual(e as? InputFileError, InputFileError("f.csv", line: 2, "2 values where the header has 3 (code,label,forest): a missing column; leave a cell empty or write inf for an impassable class"))
        }
        XCTAssertThrowsError(try FrictionTable.parse("code,label,forest\n10,Meadow,0\n", name: "f.csv")) { e in
            XCTAssertEqual("\(e)", "f.csv: line 2, column 'forest': resistance 0 must be > 0 (use inf or leave empty for impassable)")
        }
        XCTAssertThrowsError(try Nomenclature.parse("code,label\n10,Meadow\n10,Pasture\n", name: "n.csv")) { e in
            XCTAssertEqual("\(e)", "n.csv: line 3: class 10 appears twice")
        }
        let t = try? FrictionTable.parse("code,label,forest\n10,Meadow,inf\n20,Wood,2.5\n", name: "f.csv")
        XCTAssertEqual(t?.rows.map(\.values), [[nil], [2.5]])
    }
}
