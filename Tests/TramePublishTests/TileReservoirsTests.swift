import Foundation
import TrameGDAL
import TramePublish
import TrameRaster
@testable import TrameScheme
import TrameTestSupport
import XCTest

/// The tiny sample's plan in 4 tiles, run step by step and merged in this process (no Slurm): the merged
/// reservoirs of every least-cost sub-network equal those `trame run` finds on the whole grid
/// (`SchemeReader` + `LeastCostSubNetwork.reservoirs`, the run's own reading and reservoir stage): the same
/// id on every cell, the same count, cells, areas, perimeters and inventories.
final class TileReservoirsTests: XCTestCase {
    var work = ""

    override func setUpWithError() throws {
        work = NSTemporaryDirectory() + "trame-tileres-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: work) }

    /// OUT/SUB_reservoirs.csv as rows of fields (the sample's inventory names hold no comma or quote).
    func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testTheTinySampleInFourTilesHasTheReservoirsOfTrameRun() throws {
        let demo = try TrameProcess.run(TrameProcess.trame, ["demo", "--size", "tiny", "--out", work + "/demo", "--generate-only", "--quiet"])
        XCTAssertEqual(demo.status, 0, demo.err)
        let projectPath = work + "/demo/project.toml"
        // 4 km tiles of 400 cells over 800 × 500: four tiles; a 300 m halo (the reservoirs need one cell of it).
        let plan = try TilePlanning.plan(project: projectPath, tileMetres: 4000, haloMetres: 300, trame: TrameProcess.trame.path)
        XCTAssertEqual(plan.tiles.count, 4)
        XCTAssertEqual(plan.subnetworks.filter { $0.reservoirs != nil }.map(\.name), ["forest", "calcicolous", "mining", "wetland"],
                       "the watercourse sub-network (river) is not tiled")
        try TilePlanning.write(plan, to: work + "/plan")
        let folder = try PlanFolder(work + "/plan")
        for t in 1...4 {
            guard case .computed(let files) = try TileStep.run(folder, task: t, progress: { _ in }) else { return XCTFail("tile \(t) skipped") }
            XCTAssertTrue(files.contains("forest_fragments.json") && files.contains("forest_fragments.tif"), "\(files)")
        }
        let written = try TileMerge.run(folder, output: work + "/merged", progress: { _ in })
        XCTAssertTrue(written.contains("rasters/wetland_reservoirs.tif") && written.contains("wetland_reservoirs.csv"), "\(written)")

        let project = try ProjectFile.load(projectPath)
        let input = try SchemeReader(project: project, lang: "en", progress: { _ in }, warn: { _ in }).read()
        var joinedAcrossEdges = 0
        for sub in project.subNetworks where sub.model != .watercourse {
            let whole = try LeastCostSubNetwork().reservoirs(sub, input: input)
            let merged = try RasterIO.read("\(work)/merged/rasters/\(sub.name)_reservoirs.tif", as: Int32.self)
            XCTAssertTrue(merged.spec.isGeometricallyAligned(with: input.spec), sub.name)
            XCTAssertEqual(merged.noData, 0)
            let differing = zip(merged.values, whole.labels.values).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(sub.name): \(differing) cells have another reservoir id")

            let rows = try csv("\(work)/merged/\(sub.name)_reservoirs.csv")
            XCTAssertEqual(rows.first, ["reservoir", "cells", "area_ha", "perimeter_m", "from_inventory", "inventories"])
            XCTAssertEqual(rows.count - 1, whole.patches.count, sub.name)
            var bits = [UInt32](repeating: 0, count: whole.patches.count + 1)
            for i in 0..<input.spec.count where whole.labels.values[i] > 0 { bits[Int(whole.labels.values[i])] |= input.inventoryBits[i] }
            for (row, p) in zip(rows.dropFirst(), whole.patches) {
                XCTAssertEqual(row[0], String(p.id))
                XCTAssertEqual(Int(row[1]), p.cells, "\(sub.name) reservoir \(p.id)")
                let area = try XCTUnwrap(Double(row[2])), perimeter = try XCTUnwrap(Double(row[3]))
                XCTAssertEqual(area, p.areaHa, accuracy: 1e-9 * p.areaHa, "\(sub.name) reservoir \(p.id)")
                XCTAssertEqual(perimeter, p.perimeter, accuracy: 1e-9 * p.perimeter, "\(sub.name) reservoir \(p.id)")
                XCTAssertEqual(row[4], p.fromInventory ? "1" : "0", "\(sub.name) reservoir \(p.id)")
                XCTAssertEqual(row[5], input.inventoryNames(bits[Int(p.id)]), "\(sub.name) reservoir \(p.id)")
            }
            // The test means something only if reservoirs do cross the tiles' edges (column 400, row 400).
            let cols = input.spec.cols
            joinedAcrossEdges += Set((0..<input.spec.rows).compactMap { r -> Int32? in
                let a = whole.labels.values[r * cols + 399], b = whole.labels.values[r * cols + 400]
                return a > 0 && a == b ? a : nil
            }).count
        }
        XCTAssertGreaterThan(joinedAcrossEdges, 0, "no reservoir crosses the tiles' vertical edge")
    }
}
