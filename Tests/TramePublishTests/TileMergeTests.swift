import Foundation
import TrameGDAL
@testable import TramePublish
import TrameRaster
@testable import TrameScheme
import TrameTestSupport
import TrameVector
import XCTest

/// `trame merge` builds its scheme from the tiles: on the tiny sample in 4 tiles, the scheme equals the one
/// `trame run` builds on one machine (the reference): figures.csv byte for byte, every layer and table
/// of scheme.gpkg feature for feature, every raster cell for cell.
final class TileMergeTests: XCTestCase {
    var work = ""

    override func setUpWithError() throws {
        work = NSTemporaryDirectory() + "trame-tilemerge-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: work) }

    /// The tiny sample, planned in 4 tiles of 4 km with `halo`, every tile run.
    func plannedSample(halo: Double?) throws -> (project: String, folder: PlanFolder) {
        let project = try tinySampleProject(in: work + "/demo")
        let plan = try TilePlanning.plan(project: project, tileMetres: 4000, haloMetres: halo, trame: TrameProcess.trame.path)
        try TilePlanning.write(plan, to: work + "/plan")
        let folder = try PlanFolder(work + "/plan")
        for t in 1...plan.tiles.count { _ = try TileStep.run(folder, task: t, progress: { _ in }) }
        return (project, folder)
    }

    func testTheMergedSchemeIsTrameRuns() throws {
        // A 300 m halo: windows smaller than the grid, so the reservoirs are really joined across the tiles' edges.
        let (project, folder) = try plannedSample(halo: 300)
        let run = work + "/run", merged = work + "/merged"
        let p = try SchemeJob.loadProject(project)
        let whole = try SchemeJob(project: p, out: run, lang: "fr").run()
        var steps: [String] = []
        let tiled = try TileMerge.run(folder, output: merged, lang: "fr", progress: { steps.append($0) }, warn: { XCTFail("warning: \($0)") })
        XCTAssertTrue(steps.contains("forest: resistance and reservoirs joined from 4 tiles"), "\(steps)")
        XCTAssertTrue(steps.contains("river: watercourse stretches"), "the watercourse sub-network is built as trame run builds it: \(steps)")
        XCTAssertTrue(folder.isMerged == false, "the plan's own merge goes to PLAN/merged")
        XCTAssertEqual(tiled.subNetworks.map(\.reservoirs), whole.subNetworks.map(\.reservoirs))
        XCTAssertGreaterThan(whole.subNetworks.reduce(0) { $0 + $1.functionalLinks }, 20)

        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: merged + "/figures.csv")),
                       try Data(contentsOf: URL(fileURLWithPath: run + "/figures.csv")), "figures.csv")
        let layers = try VectorIO.describe(run + "/scheme.gpkg").layers.map(\.name).filter { $0 != "layer_styles" }
        XCTAssertTrue(layers.contains("reservoirs") && layers.contains("links") && layers.contains("corridors") && layers.contains("figures"), "\(layers)")
        XCTAssertEqual(try VectorIO.describe(merged + "/scheme.gpkg").layers.map(\.name).filter { $0 != "layer_styles" }, layers)
        for name in layers {
            let a = try VectorIO.read(run + "/scheme.gpkg", layer: name, allowEmpty: true), b = try VectorIO.read(merged + "/scheme.gpkg", layer: name, allowEmpty: true)
            XCTAssertEqual(a.features.count, b.features.count, name)
            let differing = zip(a.features, b.features).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) of \(a.features.count) features differ")
        }
        let rasters = try FileManager.default.contentsOfDirectory(atPath: run + "/rasters").filter { $0.hasSuffix(".tif") }.sorted()
        XCTAssertGreaterThan(rasters.count, 15)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: merged + "/rasters").filter { $0.hasSuffix(".tif") }.sorted(), rasters)
        for name in rasters {
            let a = try RasterIO.read("\(run)/rasters/\(name)", as: Double.self), b = try RasterIO.read("\(merged)/rasters/\(name)", as: Double.self)
            XCTAssertEqual(a.noData, b.noData, name)
            let differing = zip(a.values, b.values).filter { $0 != $1 && !($0.isNaN && $1.isNaN) }.count
            XCTAssertEqual(differing, 0, "\(name): \(differing) cells differ")
        }
    }

    /// With --check-links and a halo the dispersal can use, the links found tile by tile are checked against the
    /// whole grid's; a tiled link file that differs stops the merge, naming it.
    func testTheTiledLinksAreCheckedAgainstTheWholeGrids() throws {
        let (_, folder) = try plannedSample(halo: nil)
        let out = work + "/merged"
        var said: [String] = []
        _ = try TileMerge.run(folder, output: out, checkLinks: true, progress: { _ in }, warn: { said.append($0) })
        XCTAssertEqual(said, [])
        let csv = folder.joinedFolder + "/calcicolous_links.csv"
        var rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(rows.count, 10)
        // One cost changed in its last digit, the file's size and time kept (so that the join is not redone).
        var fields = rows[3].split(separator: ",").map(String.init)
        let last = fields[2].last!
        fields[2] = String(fields[2].dropLast()) + (last == "5" ? "6" : "5")
        rows[3] = fields.joined(separator: ",")
        var st = stat()
        XCTAssertEqual(stat(csv, &st), 0)
        let size = st.st_size
        try rows.joined(separator: "\n").write(toFile: csv, atomically: false, encoding: .utf8)
        var times = [st.st_atim, st.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, csv, &times, 0), 0)
        XCTAssertEqual(stat(csv, &st), 0)
        XCTAssertEqual(st.st_size, size)
        XCTAssertThrowsError(try TileMerge.run(folder, output: out, checkLinks: true, progress: { _ in }, warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("calcicolous_links.csv: the links found tile by tile differ from the whole grid's (calcicolous)"), "\(e)")
        }
        // The failed merge left the earlier scheme as it was.
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/figures.csv"))
    }

    func testAMergeRefusesWhatItCannotTrust() throws {
        let (project, folder) = try plannedSample(halo: 300)
        func refused(_ output: String, _ expected: String, checkLinks: Bool = false, line: UInt = #line) {
            XCTAssertThrowsError(try TileMerge.run(folder, output: output, checkLinks: checkLinks, progress: { _ in }, warn: { _ in }), line: line) { e in
                XCTAssertTrue("\(e)".contains(expected), "\(e)", line: line)
            }
        }
        // A folder holding a user's file is not replaced.
        let mine = work + "/mine"
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try "notes".write(toFile: mine + "/notes.txt", atomically: true, encoding: .utf8)
        refused(mine, "holds files Trame did not write")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mine), ["notes.txt"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.joinedFolder), "refused before the join")
        // Inside the plan's folder (but its own PLAN/merged), or holding it.
        refused(folder.path + "/tiles/9", "is inside the plan's folder")
        refused(folder.joinedFolder, "is inside the plan's folder")
        refused(work, "holds the plan's folder")
        // A merge by an earlier Trame (the tiles' rasters and trame-merge.json): say what to do.
        try FileManager.default.createDirectory(atPath: work + "/old", withIntermediateDirectories: true)
        try "{}".write(toFile: work + "/old/trame-merge.json", atomically: true, encoding: .utf8)
        refused(work + "/old", "holds a merge by an earlier Trame (trame-merge.json")
        // --check-links with a halo no sub-network's links can be found in.
        refused(work + "/merged", "--check-links: no sub-network's links can be found tile by tile with this plan's halo of 30 cells", checkLinks: true)

        // A tile computed again while the scheme is being built (its step forgets the join): the merge says so and
        // does not mark the plan merged.
        var forgotten = false
        XCTAssertThrowsError(try TileMerge.run(folder, output: folder.mergedFolder, progress: { step in
            if step == "buffer zones" && !forgotten { forgotten = true; folder.forgetMerge() }
        }, warn: { _ in })) { e in XCTAssertTrue("\(e)".contains("a tile was computed again while the scheme was being built"), "\(e)") }
        XCTAssertTrue(forgotten)
        XCTAssertFalse(folder.isMerged)
        _ = try TileMerge.run(folder, output: folder.mergedFolder, progress: { _ in }, warn: { _ in })
        XCTAssertTrue(folder.isMerged)

        // A joined file changed since the join (size or time) is joined again: the scheme stays trame run's.
        let table = folder.joinedFolder + "/wetland_reservoirs.csv"
        let good = try String(contentsOfFile: table, encoding: .utf8)
        try good.replacingOccurrences(of: "\n1,", with: "\n1,9").write(toFile: table, atomically: true, encoding: .utf8)
        var steps: [String] = []
        _ = try TileMerge.run(folder, output: work + "/again", progress: { steps.append($0) }, warn: { _ in })
        XCTAssertTrue(steps.contains("merging 4 tiles of forest resistance"), "joined again: \(steps)")
        XCTAssertEqual(try String(contentsOfFile: table, encoding: .utf8), good)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: work + "/again/figures.csv")),
                       try Data(contentsOf: URL(fileURLWithPath: folder.mergedFolder + "/figures.csv")))

        // What the joined files must hold, read as the merge reads them (a file edited in place keeping its stamp).
        let labelFile = folder.joinedFolder + "/rasters/wetland_reservoirs.tif"
        let labels = try RasterIO.read(labelFile, as: Int32.self)
        XCTAssertEqual(try JoinedSubNetworks.reservoirs(table, labels: labels, labelFile: labelFile).patches.count, good.split(separator: "\n").count - 1)
        var rows = good.split(separator: "\n").map(String.init)
        for (k, edit) in [(1, "cells"), (2, "area"), (4, "flag")] {
            var fields = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let before = fields
            switch edit {
            case "cells": fields[1] = String(Int(fields[1])! + 1)
            case "area": fields[2] = "2000"
            default: fields[4] = "yes"
            }
            rows[1] = fields.joined(separator: ",")
            let bad = work + "/bad\(k).csv"
            try rows.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try JoinedSubNetworks.reservoirs(bad, labels: labels, labelFile: labelFile), edit) { e in
                XCTAssertTrue("\(e)".contains("bad\(k).csv: line 2 is not a reservoir written by `trame merge`"), "\(edit): \(e)")
            }
            rows[1] = before.joined(separator: ",")
        }
        // A reservoir id the table does not have.
        var more = labels
        more.values[more.values.firstIndex(of: 0)!] = 999
        XCTAssertThrowsError(try JoinedSubNetworks.reservoirs(table, labels: more, labelFile: labelFile)) { e in
            XCTAssertTrue("\(e)".contains("wetland_reservoirs.tif: holds reservoir 999"), "\(e)")
        }
        var res = try RasterIO.read(folder.joinedFolder + "/rasters/mining_resistance.tif", as: Float.self)
        XCTAssertNoThrow(try JoinedSubNetworks.checkResistance(res, file: "mining_resistance.tif"))
        res.values[res.values.firstIndex { $0 > 0 }!] = -5
        XCTAssertThrowsError(try JoinedSubNetworks.checkResistance(res, file: "mining_resistance.tif")) { e in
            XCTAssertTrue("\(e)".contains("mining_resistance.tif: holds the resistance -5.0; resistances are > 0"), "\(e)")
        }

        // The plan records the land cover (size and date), the friction table and the inventories' file (also
        // their SHA-256: the tiles rasterise the inventories' sites into the reservoirs).
        XCTAssertEqual(folder.plan.inputs.map { ($0.path as NSString).lastPathComponent }, ["landcover.tif", "friction.csv", "territory.gpkg"])
        XCTAssertEqual(folder.plan.inputs.map { $0.sha256 != nil }, [false, true, true])
        XCTAssertEqual(folder.plan.inputs[2].sha256, SchemeInputs.sha256(work + "/demo/territory.gpkg"))

        // The friction table edited after the plan: tiles and merge refuse it, naming it; touched only, it passes.
        let friction = work + "/demo/friction.csv"
        let text = try String(contentsOfFile: friction, encoding: .utf8)
        try text.write(toFile: friction, atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try folder.checkInputs(), "the same bytes, another date")
        try (text + "\n").write(toFile: friction, atomically: true, encoding: .utf8)
        refused(work + "/merged", "friction.csv: changed since the plan")
        XCTAssertThrowsError(try TileStep.run(folder, task: 1, progress: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("friction.csv: changed since the plan"), "\(e)")
        }
        // Planned again, the plan differs: every tile is due.
        let again = try TilePlanning.plan(project: project, tileMetres: 4000, haloMetres: 300, trame: TrameProcess.trame.path)
        try TilePlanning.write(again, to: folder.path)
        XCTAssertNotEqual(try PlanFolder(folder.path).hash, folder.hash)
        XCTAssertFalse(try PlanFolder(folder.path).isDone(1))

        // The project edited after the plan (a sub-network's minimum area): make the plan again.
        let toml = try String(contentsOfFile: project, encoding: .utf8)
        try toml.replacingOccurrences(of: "min_reservoir_area = \"5 ha\"", with: "min_reservoir_area = \"6 ha\"").write(toFile: project, atomically: true, encoding: .utf8)
        refused(work + "/merged", "project.toml: changed since the plan was made (sub-network 'forest' (friction column, habitat, minimum area or inventories)): make the plan again")
    }
}
