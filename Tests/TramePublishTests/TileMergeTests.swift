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
        let demo = try TrameProcess.run(TrameProcess.trame, ["demo", "--size", "tiny", "--out", work + "/demo", "--generate-only", "--quiet"])
        XCTAssertEqual(demo.status, 0, demo.err)
        let project = work + "/demo/project.toml"
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
        // One cost off by its last bit.
        var fields = rows[3].split(separator: ",").map(String.init)
        fields[2] = String(format: "%.17g", Double(fields[2])!.nextUp)
        rows[3] = fields.joined(separator: ",")
        try rows.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TileMerge.run(folder, output: out, checkLinks: true, progress: { _ in }, warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("calcicolous_links.csv: the links found tile by tile differ from the whole grid's (calcicolous)"), "\(e)")
        }
        // The failed merge left the earlier scheme as it was.
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/figures.csv"))
    }

    func testAMergeRefusesWhatItCannotTrust() throws {
        let (project, folder) = try plannedSample(halo: 300)
        // A folder holding a user's file is not replaced.
        let mine = work + "/mine"
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try "notes".write(toFile: mine + "/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TileMerge.run(folder, output: mine, progress: { _ in }, warn: { _ in }))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mine), ["notes.txt"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.joinedFolder), "refused before the join")

        // A reservoir table edited by hand (a reservoir's cells) is refused against its raster.
        _ = try TileMerge.run(folder, output: work + "/merged", progress: { _ in }, warn: { _ in })
        let table = folder.joinedFolder + "/wetland_reservoirs.csv"
        var rows = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n").map(String.init)
        var fields = rows[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[1] = String(Int(fields[1])! + 1)
        rows[1] = fields.joined(separator: ",")
        try rows.joined(separator: "\n").write(toFile: table, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TileMerge.run(folder, output: work + "/merged", progress: { _ in }, warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("wetland_reservoirs.tif: reservoir 1 has "), "\(e)")
        }

        // A joined resistance replaced by one with a negative cell: refused before any search.
        let resFile = folder.joinedFolder + "/rasters/mining_resistance.tif"
        var res = try RasterIO.read(resFile, as: Float.self)
        res.values[res.values.firstIndex { $0 > 0 }!] = -5
        try RasterIO.write(res, to: resFile)
        XCTAssertThrowsError(try TileMerge.run(folder, output: work + "/merged", progress: { _ in }, warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("mining_resistance.tif: holds the resistance -5.0; resistances are > 0"), "\(e)")
        }

        // The project edited after the plan (a sub-network's minimum area): make the plan again.
        let text = try String(contentsOfFile: project, encoding: .utf8)
        try text.replacingOccurrences(of: "min_reservoir_area = \"5 ha\"", with: "min_reservoir_area = \"6 ha\"").write(toFile: project, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TileMerge.run(folder, output: work + "/merged", progress: { _ in }, warn: { _ in })) { e in
            XCTAssertTrue("\(e)".contains("project.toml: changed since the plan was made (sub-network 'forest' (friction column, habitat, minimum area or inventories)): make the plan again"), "\(e)")
        }
    }
}
