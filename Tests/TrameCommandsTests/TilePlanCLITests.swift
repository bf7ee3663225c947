import Foundation
import TrameGDAL
import TrameRaster
import TrameTestSupport
import TrameVector
import XCTest

/// `trame plan`, `trame step` and `trame merge` on the tiny sample, and the same plan run by a one-node Slurm cluster
/// (scripts/slurm-cluster.sh): the mosaic of the tiles must equal `trame resistance` on the whole grid, cell for cell.
final class TilePlanCLITests: XCTestCase {
    var work = ""
    static let subnetworks = ["forest", "calcicolous", "mining", "river", "wetland"]

    override func setUpWithError() throws {
        work = NSTemporaryDirectory() + "trame-tiles-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: work) }

    func p(_ name: String) -> String { "\(work)/\(name)" }

    func trame(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try TrameProcess.run(TrameProcess.trame, args) }

    /// The tiny sample (800 × 500 cells of 10 m, land cover NoData 0 as the project declares).
    func sample() throws -> String {
        let d = try trame(["demo", "--size", "tiny", "--out", p("demo"), "--generate-only", "--quiet"])
        XCTAssertEqual(d.status, 0, d.err)
        return p("demo/project.toml")
    }

    /// Each sub-network's merged resistance equals `trame resistance` over the whole land cover, cell for cell.
    func assertMosaicEqualsWholeGrid(_ merged: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for sub in Self.subnetworks {
            let whole = p("whole_\(sub).tif")
            let r = try trame(["resistance", "--landcover", p("demo/landcover.tif"), "--friction", p("demo/friction.csv"), "--column", sub, "-o", whole, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
            let a = try RasterIO.read(whole, as: Float.self), b = try RasterIO.read("\(merged)/rasters/\(sub)_resistance.tif", as: Float.self)
            XCTAssertTrue(a.spec.isGeometricallyAligned(with: b.spec), "\(sub): \(a.spec.transform) vs \(b.spec.transform)", file: file, line: line)
            XCTAssertEqual(a.noData, b.noData, file: file, line: line)
            let differing = zip(a.values, b.values).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(sub): \(differing) cells differ", file: file, line: line)
            XCTAssertGreaterThan(a.values.filter { $0 > 0 }.count, 300_000, file: file, line: line)
        }
    }

    /// The joined reservoirs (PLAN/joined/SUB_reservoirs.csv and reservoirs.gpkg) are those of `trame run` on the whole
    /// grid (its scheme.gpkg's reservoirs layer): per least-cost sub-network, the same ids, areas to 1e-9, and as
    /// many polygons.
    func assertReservoirsEqualTrameRun(_ merged: String, project: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let runDir = try trameRun(project)
        let whole = try VectorIO.read(runDir + "/scheme.gpkg", layer: "reservoirs")
        let polygons = try VectorIO.read(merged + "/reservoirs.gpkg", layer: "reservoirs")
        var compared = 0
        for sub in Self.subnetworks where FileManager.default.fileExists(atPath: "\(merged)/\(sub)_reservoirs.csv") {
            let rows = try String(contentsOfFile: "\(merged)/\(sub)_reservoirs.csv", encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let expected = whole.features.filter { $0["subnetwork"] == FieldValue.string(sub) }
                .map { (Int($0["reservoir"].doubleValue ?? 0), $0["area_ha"].doubleValue ?? 0) }.sorted { $0.0 < $1.0 }
            XCTAssertEqual(rows.map { Int($0[0]) ?? 0 }, expected.map(\.0), "\(sub): reservoir ids", file: file, line: line)
            for (row, e) in zip(rows, expected) {
                XCTAssertEqual(Double(row[2]) ?? -1, e.1, accuracy: 1e-9 * e.1, "\(sub) reservoir \(e.0): area (ha)", file: file, line: line)
            }
            XCTAssertEqual(polygons.features.filter { $0["subnetwork"] == FieldValue.string(sub) }.count, expected.count, "\(sub): polygons", file: file, line: line)
            compared += expected.count
        }
        XCTAssertGreaterThan(compared, 20, "reservoirs compared", file: file, line: line)
    }

    /// `trame run` of the project on one machine, into work/run (once).
    func trameRun(_ project: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let runDir = p("run")
        if !FileManager.default.fileExists(atPath: runDir + "/scheme.gpkg") {
            let r = try trame(["run", project, "-o", runDir, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
        }
        return runDir
    }

    /// The merged scheme's figures.csv is `trame run`'s, byte for byte, and it is a scheme `trame run` recognises.
    func assertFiguresEqualTrameRun(_ merged: String, project: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try trameRun(project, file: file, line: line)
        let a = try String(contentsOfFile: run + "/figures.csv", encoding: .utf8), b = try String(contentsOfFile: merged + "/figures.csv", encoding: .utf8)
        XCTAssertGreaterThan(a.split(separator: "\n").count, 3, file: file, line: line)
        XCTAssertEqual(b, a, "figures.csv", file: file, line: line)
        let marker = try String(contentsOfFile: merged + "/.trame-output", encoding: .utf8)
        XCTAssertTrue(marker.contains("\ncommand run\n"), marker, file: file, line: line)
    }

    func testPlanStepsAndMergeEqualTheWholeGrid() throws {
        let project = try sample()
        // Default halo: forest's 50 000 cost ÷ its least resistance 1 (woodland) = 50 km, capped at 3 tiles of 400 cells.
        let capped = try trame(["plan", project, "--tile", "4km", "-o", p("capped")])
        XCTAssertEqual(capped.status, 0, capped.err)
        XCTAssertTrue(capped.out.contains("4 tiles (2 × 2) of 400 cells (4000 m) over 800 × 500 cells of 10 m"), capped.out)
        XCTAssertTrue(capped.out.contains("halo 12000 m (1200 cells) = forest's dispersal 50000 cost ÷ its least resistance 1 per m; capped at 3 tiles (1200 cells) instead of 50000 m"), capped.out)

        // A 300 m halo (30 cells): the windows are smaller than the grid, so the cores must be cut out of them right.
        let plan = p("plan")
        let made = try trame(["plan", project, "--tile", "4km", "--halo", "300m", "-o", plan])
        XCTAssertEqual(made.status, 0, made.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan + "/plan.json"))) as? [String: Any])
        XCTAssertEqual(json["project"] as? String, project)
        XCTAssertEqual((json["halo"] as? [String: Any])?["cells"] as? Int, 30)
        let tiles = try XCTUnwrap(json["tiles"] as? [[String: Any]])
        XCTAssertEqual(tiles.count, 4)
        // Tile 4 (south-east): core 400 × 100 cells from (400, 400); window from (370, 370) to the grid's corner.
        XCTAssertEqual(tiles[3]["core"] as? [String: Int], ["col": 400, "row": 400, "cols": 400, "rows": 100])
        XCTAssertEqual(tiles[3]["window"] as? [String: Int], ["col": 370, "row": 370, "cols": 430, "rows": 130])
        XCTAssertEqual((json["steps"] as? [[String: Any]])?.count, 5)

        // The merge refuses while tiles are missing, naming them.
        let early = try trame(["merge", plan, "-o", p("merged")])
        XCTAssertEqual(early.status, 1)
        XCTAssertTrue(early.err.contains("tasks 1-4 of 4 are not done"), early.err)
        for t in 1...4 {
            let s = try trame(["step", plan, "--task", "\(t)", "--quiet"])
            XCTAssertEqual(s.status, 0, s.err)
        }
        // Tile 4's resistance covers its window, halo included.
        let t4 = try RasterIO.describe(plan + "/tiles/4/forest_resistance.tif").spec
        XCTAssertEqual([t4.cols, t4.rows], [430, 130])
        XCTAssertEqual(t4.transform.originX, 686_000 + 3700, accuracy: 1e-6)
        XCTAssertEqual(t4.transform.originY, 7_038_000 - 3700, accuracy: 1e-6)
        // Idempotent: a done task is skipped.
        let again = try trame(["step", plan, "--task", "2"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.out.contains("task 2: already done for this plan"), again.out)
        // A task out of the plan is refused.
        let none = try trame(["step", plan, "--task", "9"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.err.contains("there is no task 9"), none.err)

        let merged = try trame(["merge", plan, "-o", p("merged"), "--quiet"])
        XCTAssertEqual(merged.status, 0, merged.err)
        try assertMosaicEqualsWholeGrid(p("merged"))
        try assertMosaicEqualsWholeGrid(plan + "/joined")
        try assertFiguresEqualTrameRun(p("merged"), project: project)
        // The merge task builds PLAN/merged once; run again, it is skipped.
        let task5 = try trame(["step", plan, "--task", "5", "--quiet"])
        XCTAssertEqual(task5.status, 0, task5.err)
        try assertFiguresEqualTrameRun(plan + "/merged", project: project)
        let skipped = try trame(["step", plan, "--task", "5"])
        XCTAssertTrue(skipped.out.contains("task 5 (merge): already done for this plan"), skipped.out)

        // A marker left by another plan does not count: re-planning with another halo makes every tile due again.
        XCTAssertEqual(try trame(["plan", project, "--tile", "4km", "--halo", "200m", "-o", plan, "--quiet"]).status, 0)
        let stale = try trame(["merge", plan, "-o", p("merged2")])
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.err.contains("tasks 1-4 of 4 are not done"), stale.err)
    }

    func testNonsenseIsRefusedOnOneLine() throws {
        let project = try sample()
        let small = try trame(["plan", project, "--tile", "50m", "-o", p("plan")])
        XCTAssertEqual(small.status, 1)
        XCTAssertTrue(small.err.contains("--tile 50 m is 5 cells of 10 m; a tile needs at least 10 cells a side (100 m)"), small.err)
        XCTAssertEqual(small.err.split(separator: "\n").count, 1, small.err)
        let unitless = try trame(["plan", project, "--tile", "50", "-o", p("plan")])
        XCTAssertEqual(unitless.status, 64)
        XCTAssertTrue(unitless.err.contains("has no unit"), unitless.err)
        let time = try trame(["plan", project, "--tile", "4km", "-o", p("plan"), "--slurm", "--time", "2h"])
        XCTAssertEqual(time.status, 64)
        XCTAssertTrue(time.err.contains("--time '2h' is not HH:MM:SS"), time.err)
        let mergeTime = try trame(["plan", project, "--tile", "4km", "-o", p("plan"), "--slurm", "--merge-time", "6h"])
        XCTAssertEqual(mergeTime.status, 64)
        XCTAssertTrue(mergeTime.err.contains("--merge-time '6h' is not HH:MM:SS"), mergeTime.err)
        let noSlurm = try trame(["plan", project, "--tile", "4km", "-o", p("plan"), "--merge-partition", "bigmem"])
        XCTAssertEqual(noSlurm.status, 64)
        XCTAssertTrue(noSlurm.err.contains("go with --slurm"), noSlurm.err)
        // One tile when the tile is larger than the grid.
        let one = try trame(["plan", project, "--tile", "50km", "-o", p("one")])
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertTrue(one.out.hasPrefix("1 tile (1 × 1) of 5000 cells"), one.out)
    }

    // MARK: - On a one-node Slurm cluster

    static var repository: String {
        var u = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: u.appendingPathComponent("Package.swift").path) && u.path != "/" { u.deleteLastPathComponent() }
        return u.path
    }

    /// A command found on PATH (`/usr/bin/env` looks it up), with Slurm's environment added.
    func shell(_ args: [String], env: [String: String]) throws -> (status: Int32, out: String, err: String) {
        try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/env"), args, env: env)
    }

    /// `trame slurm status --json`, decoded.
    func status(_ plan: String, env: [String: String]) throws -> [String: Any] {
        let r = try shell([TrameProcess.trame.path, "slurm", "status", plan, "--json"], env: env)
        XCTAssertEqual(r.status, 0, r.err)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], r.out)
    }

    /// Polls the status until the merge is done (or fails, or 5 minutes pass).
    func waitForMerge(_ plan: String, env: [String: String]) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(300)
        while true {
            let s = try status(plan, env: env)
            let merge = s["merge"] as? String ?? ""
            if merge == "done" || merge == "failed" || merge.hasPrefix("pending for ever") || Date() > deadline { return s }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    func testTheSamplePlanOnAOneNodeSlurmCluster() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld"), FileManager.default.isExecutableFile(atPath: "/usr/sbin/munged") else {
            throw XCTSkip("slurmctld or munged is not installed (Debian's slurm-wlm and munge; scripts/install-deps.sh installs them)")
        }
        let script = Self.repository + "/scripts/slurm-cluster.sh"
        let state = NSTemporaryDirectory() + "trame-slurm-tests"
        // Ports of its own, so that a cluster a developer runs on Slurm's usual 6817/6818 is left alone.
        let env = ["TRAME_SLURM_DIR": state, "SLURM_CONF": state + "/slurm.conf", "TRAME_SLURM_CTLD_PORT": "6917", "TRAME_SLURM_D_PORT": "6918"]
        let started = try shell([script, "start"], env: env)
        XCTAssertEqual(started.status, 0, started.out + started.err)
        defer { _ = try? shell([script, "stop"], env: env) }
        // Idempotent: a second start finds it running.
        let twice = try shell([script, "start"], env: env)
        XCTAssertEqual(twice.status, 0, twice.err)
        XCTAssertTrue(twice.out.contains("already running"), twice.out)

        let project = try sample()
        let plan = p("plan")
        let made = try trame(["plan", project, "--tile", "4km", "--halo", "300m", "-o", plan, "--slurm", "--time", "00:10:00"])
        XCTAssertEqual(made.status, 0, made.err)
        let submitted = try shell([plan + "/submit.sh"], env: env)
        XCTAssertEqual(submitted.status, 0, submitted.out + submitted.err)
        XCTAssertTrue(submitted.out.hasPrefix("tiles: job "), submitted.out)

        var s = try waitForMerge(plan, env: env)
        XCTAssertEqual(s["merge"] as? String, "done", "\(s)\n" + ((try? String(contentsOfFile: state + "/log/slurmctld.log", encoding: .utf8)) ?? ""))
        var tasks = try XCTUnwrap(s["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.map { $0["state"] as? String }, ["done", "done", "done", "done"])
        XCTAssertEqual(tasks.map { $0["slurm"] as? String }, ["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"], "sacct --completion reads the job completion log")
        XCTAssertEqual(s["accounting"] as? String, "sacct --completion")
        XCTAssertNil(s["resubmit"] as? String)
        try assertMosaicEqualsWholeGrid(plan + "/merged")
        try assertReservoirsEqualTrameRun(plan + "/joined", project: project)
        try assertFiguresEqualTrameRun(plan + "/merged", project: project)

        // A lost tile: its marker and outputs deleted. The status names it, alone, for resubmission.
        try FileManager.default.removeItem(atPath: plan + "/tiles/3")
        try FileManager.default.removeItem(atPath: plan + "/merged")
        s = try status(plan, env: env)
        tasks = try XCTUnwrap(s["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.map { $0["state"] as? String }, ["done", "done", "outputs missing", "done"])
        XCTAssertEqual(s["resubmit"] as? String, "3")
        let text = try shell([TrameProcess.trame.path, "slurm", "status", plan], env: env)
        XCTAssertTrue(text.out.contains("resubmit only these: \(plan)/submit.sh --array=3"), text.out)
        let before = try String(contentsOfFile: plan + "/slurm/tasks/1", encoding: .utf8)

        let again = try shell([plan + "/submit.sh", "--array=3"], env: env)
        XCTAssertEqual(again.status, 0, again.out + again.err)
        s = try waitForMerge(plan, env: env)
        XCTAssertEqual(s["merge"] as? String, "done", "\(s)")
        tasks = try XCTUnwrap(s["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.map { $0["state"] as? String }, ["done", "done", "done", "done"])
        // Only task 3 ran again: task 1's record of its runs is unchanged, task 3's has a second run.
        XCTAssertEqual(try String(contentsOfFile: plan + "/slurm/tasks/1", encoding: .utf8), before)
        XCTAssertEqual(try String(contentsOfFile: plan + "/slurm/tasks/3", encoding: .utf8).split(separator: "\n").count, 2)
        try assertMosaicEqualsWholeGrid(plan + "/merged")
        try assertReservoirsEqualTrameRun(plan + "/joined", project: project)
        try assertFiguresEqualTrameRun(plan + "/merged", project: project)
    }
}
