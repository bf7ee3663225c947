import Foundation
import TrameCost
import TrameRaster
import XCTest
@testable import TrameScheme

/// The tiled plan of `trame plan`: the halo worked by hand, the tiles against a brute-force count of every cell,
/// the Slurm scripts and the reading of squeue and sacct.
final class TilePlanTests: XCTestCase {
    /// Two sub-networks: forest (dispersal 5000 cost; its cheapest class, woodland, costs 1 per metre) and wetland
    /// (dispersal 3000 cost; its cheapest class costs 2 per metre).
    func project(forestCost: String = "5000 cost") throws -> Project {
        try ProjectFile.parse("""
        [territory]
        name = "Tiles"

        [land_cover]
        raster = "lc.tif"
        nomenclature = "nom.csv"
        friction = "friction.csv"
        built_up = [1]

        [[subnetwork]]
        name = "forest"
        habitat = [20]
        min_reservoir_area = "5 ha"
        dispersal_distance = "\(forestCost)"

        [[subnetwork]]
        name = "wetland"
        habitat = [40]
        min_reservoir_area = "1 ha"
        dispersal_distance = "3000 cost"
        """, file: "/p/project.toml")
    }

    /// code, label, forest, wetland: urban impassable for both, woodland 1 / 30, crops 50 / 10, marsh 20 / 2.
    let friction = ResistanceTable(columns: ["forest", "wetland"], rows: [
        .init(code: 1, label: "urban", values: [nil, nil]),
        .init(code: 20, label: "woodland", values: [1, 30]),
        .init(code: 30, label: "crops", values: [50, 10]),
        .init(code: 40, label: "marsh", values: [20, 2]),
    ])

    /// Lambert-93 cells of 10 m from (686 000, 7 038 000).
    func spec(cols: Int, rows: Int, cell: Double = 10) -> GridSpec {
        GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 686_000, north: 7_038_000, cellSize: cell))
    }

    let paths = (project: "/p/project.toml", landCover: "/p/lc.tif", friction: "/p/friction.csv", trame: "/usr/bin/trame")

    func testHaloIsTheDispersalCostOverTheLeastResistance() throws {
        // forest: 5000 cost ÷ 1 per m = 5000 m = 500 cells of 10 m; wetland: 3000 ÷ 2 = 1500 m. The widest, forest's, is used.
        let plan = try TilePlan.make(project: try project(), spec: spec(cols: 20_000, rows: 12_000), friction: friction,
                                     tileMetres: 50_000, haloMetres: nil, paths: paths)
        XCTAssertEqual(plan.tileCells, 5000)
        XCTAssertEqual(plan.halo.reaches.map(\.metres), [5000, 1500])
        XCTAssertEqual(plan.halo.reaches.map(\.minResistance), [1, 2])
        XCTAssertEqual(plan.halo.metres, 5000)
        XCTAssertEqual(plan.halo.cells, 500)
        XCTAssertFalse(plan.halo.capped)
        XCTAssertEqual(plan.halo.limiting, "forest")
        XCTAssertTrue(plan.haloStatement.contains("halo 5000 m (500 cells) = forest's dispersal 5000 cost ÷ its least resistance 1 per m"), plan.haloStatement)
        // 20 000 × 12 000 cells in tiles of 5000: 4 × 3 tiles; the north-west one reads 5500 × 5500 cells (halo on two sides only).
        XCTAssertEqual(plan.tiles.count, 12)
        XCTAssertEqual(plan.tiles[0].window, CellWindow(col: 0, row: 0, cols: 5500, rows: 5500))
        // Tile 6 (second row, second column) has its halo on every side: 6000 × 6000 cells.
        XCTAssertEqual(plan.tiles[5].core, CellWindow(col: 5000, row: 5000, cols: 5000, rows: 5000))
        XCTAssertEqual(plan.tiles[5].window, CellWindow(col: 4500, row: 4500, cols: 6000, rows: 6000))
        // Memory: 16 bytes × 36 M cells = 576 000 000 bytes = 549.3 MiB → 550, + 256.
        XCTAssertEqual(plan.memory.largestWindowCells, 36_000_000)
        XCTAssertEqual(plan.memory.megabytes, 806)
        XCTAssertEqual(plan.steps.count, 13)
        XCTAssertEqual(plan.steps.last?.kind, "merge")
        XCTAssertEqual(plan.mergeTask, 13)
    }

    func testHaloRoundsUpToWholeCells() throws {
        // 5005 cost ÷ 1 = 5005 m = 500.5 cells → 501 cells = 5010 m.
        let plan = try TilePlan.make(project: try project(forestCost: "5005 cost"), spec: spec(cols: 2000, rows: 2000), friction: friction,
                                     tileMetres: 10_000, haloMetres: nil, paths: paths)
        XCTAssertEqual(plan.halo.cells, 501)
        XCTAssertEqual(plan.halo.metres, 5010)
        XCTAssertEqual(plan.halo.wantedMetres, 5005)
    }

    func testHaloIsCappedAtThreeTilesAndSaysSo() throws {
        // 50 000 cost ÷ 1 = 50 km = 5000 cells, but tiles of 1 km (100 cells) cap it at 3 tiles = 300 cells = 3 km.
        let plan = try TilePlan.make(project: try project(forestCost: "50000 cost"), spec: spec(cols: 1000, rows: 800), friction: friction,
                                     tileMetres: 1000, haloMetres: nil, paths: paths)
        XCTAssertEqual(plan.halo.cells, 300)
        XCTAssertEqual(plan.halo.metres, 3000)
        XCTAssertEqual(plan.halo.wantedMetres, 50_000)
        XCTAssertTrue(plan.halo.capped)
        XCTAssertTrue(plan.haloStatement.contains("capped at 3 tiles (300 cells) instead of 50000 m"), plan.haloStatement)
    }

    func testGivenHaloReplacesTheDispersalReach() throws {
        let plan = try TilePlan.make(project: try project(), spec: spec(cols: 1000, rows: 800), friction: friction,
                                     tileMetres: 2000, haloMetres: 800, paths: paths)
        XCTAssertEqual(plan.halo.cells, 80)
        XCTAssertTrue(plan.halo.given)
        XCTAssertNil(plan.halo.limiting)
        XCTAssertTrue(plan.haloStatement.hasPrefix("halo 800 m (80 cells), as --halo gave"), plan.haloStatement)
    }

    func testATileUnderTenCellsIsRefusedAndOneLargerThanTheGridIsOneTile() throws {
        let p = try project()
        XCTAssertThrowsError(try TilePlan.make(project: p, spec: spec(cols: 500, rows: 300), friction: friction, tileMetres: 90, haloMetres: nil, paths: paths)) {
            XCTAssertEqual(($0 as? TilePlanError)?.description, "--tile 90 m is 9 cells of 10 m; a tile needs at least 10 cells a side (100 m)")
        }
        XCTAssertNoThrow(try TilePlan.make(project: p, spec: spec(cols: 500, rows: 300), friction: friction, tileMetres: 100, haloMetres: nil, paths: paths))
        let one = try TilePlan.make(project: p, spec: spec(cols: 500, rows: 300), friction: friction, tileMetres: 50_000, haloMetres: nil, paths: paths)
        XCTAssertEqual(one.tiles.count, 1)
        XCTAssertEqual(one.tiles[0].core, CellWindow(col: 0, row: 0, cols: 500, rows: 300))
        XCTAssertEqual(one.tiles[0].window, one.tiles[0].core)
    }

    /// Seeded random grids, tiles and halos: every cell lies in exactly one core (counted cell by cell), every window
    /// holds its core and is its core widened by the halo, clipped at the grid's edge and nowhere else.
    func testCoresCoverTheGridOnceAndHalosAreClippedAtTheEdge() {
        var state: UInt64 = 0x5eed
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        for _ in 0..<200 {
            let cols = 1 + next(300), rows = 1 + next(300), tile = 10 + next(120), halo = next(150)
            let s = spec(cols: cols, rows: rows)
            let tiles = TileLayout.tiles(spec: s, tileCells: tile, haloCells: halo)
            XCTAssertEqual(tiles.count, ((cols + tile - 1) / tile) * ((rows + tile - 1) / tile))
            var cover = [Int](repeating: 0, count: cols * rows)
            for t in tiles {
                for r in t.core.row..<(t.core.row + t.core.rows) { for c in t.core.col..<(t.core.col + t.core.cols) { cover[r * cols + c] += 1 } }
                XCTAssertTrue(t.window.contains(t.core))
                XCTAssertEqual(t.window.col, max(0, t.core.col - halo))
                XCTAssertEqual(t.window.row, max(0, t.core.row - halo))
                XCTAssertEqual(t.window.col + t.window.cols, min(cols, t.core.col + t.core.cols + halo))
                XCTAssertEqual(t.window.row + t.window.rows, min(rows, t.core.row + t.core.rows + halo))
            }
            XCTAssertEqual(tiles.map(\.core.count).reduce(0, +), cols * rows)
            XCTAssertTrue(cover.allSatisfy { $0 == 1 }, "grid \(cols) × \(rows), tile \(tile), halo \(halo)")
            XCTAssertEqual(tiles.map(\.task), Array(1...tiles.count))
        }
    }

    func testBoundsInMapCoordinates() {
        // Tiles of 200 cells of 10 m from x 686 000, y 7 038 000: tile 2's core spans x 688 000–690 000, y 7 036 000–7 038 000;
        // with a 30-cell halo its window starts 300 m west (687 700) and reaches 300 m south (7 035 700), clipped at the north edge.
        let tiles = TileLayout.tiles(spec: spec(cols: 500, rows: 400), tileCells: 200, haloCells: 30)
        XCTAssertEqual(tiles[1].coreBounds, MapBounds(minX: 688_000, minY: 7_036_000, maxX: 690_000, maxY: 7_038_000))
        XCTAssertEqual(tiles[1].windowBounds, MapBounds(minX: 687_700, minY: 7_035_700, maxX: 690_300, maxY: 7_038_000))
    }

    func testPlanRoundTripsThroughItsJSON() throws {
        let plan = try TilePlan.make(project: try project(), spec: spec(cols: 800, rows: 500), friction: friction, tileMetres: 4000, haloMetres: nil, paths: paths)
        let data = try plan.encoded()
        XCTAssertEqual(try TilePlan.decode(data), plan)
        XCTAssertEqual(try plan.encoded(), data, "the same plan gives the same bytes")
        var old = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        old["version"] = 0
        XCTAssertThrowsError(try TilePlan.decode(try JSONSerialization.data(withJSONObject: old))) {
            XCTAssertTrue("\($0)".contains("plan version 0"), "\($0)")
        }
    }

    func testSlurmScripts() throws {
        let plan = try TilePlan.make(project: try project(), spec: spec(cols: 800, rows: 500), friction: friction, tileMetres: 4000, haloMetres: 500, paths: paths)
        XCTAssertEqual(plan.tiles.count, 4)
        let s = SlurmScripts(plan: plan, folder: "/work/my plan", jobName: "trame-0123abcd", partition: "normal", time: "02:00:00")
        let lines = s.tiles.split(separator: "\n").map(String.init)
        // Tile windows: 450 × 450 cells at most (400 + 50 halo on one side each way) → 16 × 202 500 bytes = 3.09 MiB → 4, + 256.
        XCTAssertEqual(plan.memory.megabytes, 260)
        for expected in ["#SBATCH --array=1-4", "#SBATCH --mem=260M", "#SBATCH --cpus-per-task=2", "#SBATCH --job-name=trame-0123abcd",
                         "#SBATCH --output=/work/my plan/logs/%A_%a.out", "#SBATCH --partition=normal", "#SBATCH --time=02:00:00",
                         "exec '/usr/bin/trame' step '/work/my plan' --task \"$SLURM_ARRAY_TASK_ID\""] {
            XCTAssertTrue(lines.contains(expected), "\(expected) in\n\(s.tiles)")
        }
        XCTAssertTrue(s.merge.contains("#SBATCH --job-name=trame-0123abcd-merge"))
        // The merge builds the scheme on the whole territory: 44 bytes × 400 000 cells = 16.8 MiB → 17, + 512.
        XCTAssertTrue(s.merge.split(separator: "\n").contains("#SBATCH --mem=529M"), s.merge)
        // Without its own, the merge takes the tiles' partition and time; with them, its own.
        XCTAssertTrue(s.merge.split(separator: "\n").contains("#SBATCH --partition=normal"), s.merge)
        XCTAssertTrue(s.merge.split(separator: "\n").contains("#SBATCH --time=02:00:00"), s.merge)
        let big = SlurmScripts(plan: plan, folder: "/work/my plan", jobName: "trame-0123abcd", partition: "normal", time: "02:00:00",
                               mergePartition: "bigmem", mergeTime: "1-00:00:00")
        let mergeLines = big.merge.split(separator: "\n").map(String.init), tileLines = big.tiles.split(separator: "\n").map(String.init)
        XCTAssertTrue(mergeLines.contains("#SBATCH --partition=bigmem") && mergeLines.contains("#SBATCH --time=1-00:00:00"), big.merge)
        XCTAssertFalse(mergeLines.contains("#SBATCH --partition=normal") || mergeLines.contains("#SBATCH --time=02:00:00"), big.merge)
        XCTAssertTrue(tileLines.contains("#SBATCH --partition=normal") && tileLines.contains("#SBATCH --time=02:00:00"), big.tiles)
        XCTAssertTrue(s.merge.contains("exec '/usr/bin/trame' merge '/work/my plan' -o '/work/my plan/merged'"))
        XCTAssertTrue(s.submit.contains("sbatch --parsable \"$@\" trame.sbatch"))
        XCTAssertTrue(s.submit.contains("--dependency=afterok:\"$array\" merge.sbatch"))
        XCTAssertEqual(SlurmScripts.quote("it's"), "'it'\\''s'")
    }

    func testArrayListWritesRanges() {
        XCTAssertEqual(SlurmStatus.arrayList([7, 3]), "3,7")
        XCTAssertEqual(SlurmStatus.arrayList([5, 1, 2, 3]), "1-3,5")
        XCTAssertEqual(SlurmStatus.arrayList([1, 2]), "1,2")
        XCTAssertEqual(SlurmStatus.arrayList([4, 9, 10, 11, 12, 2]), "2,4,9-12")
        XCTAssertEqual(SlurmStatus.arrayList([]), "")
    }

    /// squeue and sacct lines as Slurm 22.05 prints them for the formats `trame slurm status` asks.
    func testReadingSqueueAndSacct() {
        let q = SlurmStatus.parseQueue("41|3|PENDING|trame-0123abcd\n40|2|RUNNING|trame-0123abcd\n45|N/A|PENDING|trame-0123abcd-merge\n")
        XCTAssertEqual(q.count, 2)
        XCTAssertEqual(q[3]?.state, "PENDING")
        XCTAssertEqual(q[2]?.jobID, "40")
        let a = SlurmStatus.parseAccounting("3|FAILED\n2|COMPLETED\n2.batch|COMPLETED\n7|CANCELLED by 0\n")
        XCTAssertEqual(a, ["3": "FAILED", "2": "COMPLETED", "7": "CANCELLED"])
        XCTAssertEqual(SlurmStatus.lastJob(inRecord: "12 11\n31 30\n"), "31")
        XCTAssertNil(SlurmStatus.lastJob(inRecord: ""))
    }

    func testTaskStatesFromMarkersQueueAndAccounting() {
        // 1 done (its marker, whatever sacct says), 2 running, 3 failed, 4 completed without its outputs, 5 pending,
        // 6 never run, 7 ran but sacct knows nothing of it (no accounting): failed.
        let s = SlurmStatus.resolve(tasks: 1...7, done: [1], queue: [2: (state: "RUNNING", jobID: "20"), 5: (state: "PENDING", jobID: "23")],
                                    lastJobs: [1: "10", 2: "20", 3: "21", 4: "22", 7: "25"],
                                    accounting: ["10": "FAILED", "21": "OUT_OF_MEMORY", "22": "COMPLETED"])
        XCTAssertEqual(s.map(\.state), [.done, .running, .failed, .missing, .pending, .notRun, .failed])
        XCTAssertEqual(s[2].slurmState, "OUT_OF_MEMORY")
        XCTAssertEqual(SlurmStatus.arrayList(s.filter { $0.state.needsResubmission }.map(\.task)), "3,4,6,7")
    }
}

extension TilePlanTests {
    /// The plan records how each least-cost sub-network's reservoirs are found, as the project gives them, so that
    /// a tile finds them without the project's sub-networks and a changed project makes another plan (hash).
    func testThePlanCarriesTheReservoirSettings() throws {
        let plan = try TilePlan.make(project: try project(), spec: spec(cols: 800, rows: 500), friction: friction, tileMetres: 4000, haloMetres: nil, paths: paths)
        XCTAssertEqual(plan.version, 3)
        XCTAssertEqual(plan.inventories, [])
        XCTAssertEqual(plan.subnetworks.map(\.reservoirs), [
            PlanReservoirs(habitat: [20], minAreaHa: 5, inventories: [], inventoryMask: 0, connexity: 8),
            PlanReservoirs(habitat: [40], minAreaHa: 1, inventories: [], inventoryMask: 0, connexity: 8),
        ])
        XCTAssertEqual(plan.subnetworks[0].reservoirs?.neighbourhood, .queen)
    }
}
