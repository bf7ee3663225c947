import Foundation
import TrameGDAL
@testable import TramePublish
import TrameRaster
@testable import TrameScheme
import TrameTestSupport
import TrameVector
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

    /// The tiny sample (800 × 500 cells of 10 m) in 4 tiles of 4 km (2 × 2: reservoirs cross row 400, none
    /// crosses column 400), then in 12 tiles of 2 km (4 × 3, six corners where four tiles meet).
    func testTheTinySampleInTilesHasTheReservoirsOfTrameRun() throws {
        let demo = try TrameProcess.run(TrameProcess.trame, ["demo", "--size", "tiny", "--out", work + "/demo", "--generate-only", "--quiet"])
        XCTAssertEqual(demo.status, 0, demo.err)
        let projectPath = work + "/demo/project.toml"
        let project = try ProjectFile.load(projectPath)
        let input = try SchemeReader(project: project, lang: "en", progress: { _ in }, warn: { _ in }).read()
        let subs = project.subNetworks.filter { $0.model != .watercourse }
        let whole = try subs.map { try LeastCostSubNetwork().reservoirs($0, input: input) }
        let spec = input.spec

        for (tileMetres, count) in [(4000.0, 4), (2000.0, 12)] {
            let name = "\(Int(tileMetres)) m tiles"
            // A 300 m halo (the reservoirs need one cell of it).
            let plan = try TilePlanning.plan(project: projectPath, tileMetres: tileMetres, haloMetres: 300, trame: TrameProcess.trame.path)
            XCTAssertEqual(plan.tiles.count, count)
            XCTAssertEqual(plan.subnetworks.filter { $0.reservoirs != nil }.map(\.name), subs.map(\.name), "the watercourse sub-network (river) is not tiled")
            let dir = "\(work)/plan\(count)", out = "\(work)/merged\(count)"
            try TilePlanning.write(plan, to: dir)
            let folder = try PlanFolder(dir)
            for t in 1...count {
                guard case .computed(let files) = try TileStep.run(folder, task: t, progress: { _ in }) else { return XCTFail("tile \(t) skipped") }
                XCTAssertTrue(files.contains("forest_fragments.json") && files.contains("forest_fragments.tif"), "\(files)")
            }
            let written = try TileMerge.run(folder, output: out, progress: { _ in })
            XCTAssertTrue(written.contains("rasters/wetland_reservoirs.tif") && written.contains("wetland_reservoirs.csv"), "\(written)")

            // OUT/reservoirs.gpkg: a polygon per reservoir of every sub-network, covering exactly its cells (its
            // area, by the shoelace formula, is its cell count × 100 m²), with the table's figures.
            let layer = try VectorIO.read("\(out)/reservoirs.gpkg", layer: "reservoirs")
            XCTAssertEqual(layer.features.count, whole.reduce(0) { $0 + $1.patches.count }, name)
            let cellArea = spec.transform.pixelWidth * abs(spec.transform.pixelHeight)
            for (sub, w) in zip(subs, whole) {
                let mine = layer.features.filter { $0["subnetwork"] == FieldValue.string(sub.name) }
                XCTAssertEqual(mine.count, w.patches.count, "\(name), \(sub.name) polygons")
                for (f, p) in zip(mine.sorted { ($0["reservoir"].doubleValue ?? 0) < ($1["reservoir"].doubleValue ?? 0) }, w.patches) {
                    let what = "\(name), \(sub.name) reservoir \(p.id) polygon"
                    XCTAssertEqual(f["reservoir"], FieldValue.integer(Int(p.id)), what)
                    XCTAssertEqual(f["cells"], FieldValue.integer(p.cells), what)
                    XCTAssertEqual(f.geometry?.area ?? 0, Double(p.cells) * cellArea, accuracy: 1e-6 * Double(p.cells) * cellArea, what)
                    XCTAssertEqual(f["area_ha"].doubleValue ?? 0, p.areaHa, accuracy: 1e-9 * p.areaHa, what)
                }
            }

            var spanning = 0
            for (sub, whole) in zip(subs, whole) {
                let merged = try RasterIO.read("\(out)/rasters/\(sub.name)_reservoirs.tif", as: Int32.self)
                XCTAssertTrue(merged.spec.isGeometricallyAligned(with: spec), sub.name)
                XCTAssertEqual(merged.noData, 0)
                let differing = zip(merged.values, whole.labels.values).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(name), \(sub.name): \(differing) cells have another reservoir id")

                let table = try csv("\(out)/\(sub.name)_reservoirs.csv")
                XCTAssertEqual(table.first, ["reservoir", "cells", "area_ha", "perimeter_m", "from_inventory", "inventories"])
                XCTAssertEqual(table.count - 1, whole.patches.count, "\(name), \(sub.name)")
                var bits = [UInt32](repeating: 0, count: whole.patches.count + 1)
                for i in 0..<spec.count where whole.labels.values[i] > 0 { bits[Int(whole.labels.values[i])] |= input.inventoryBits[i] }
                for (row, p) in zip(table.dropFirst(), whole.patches) {
                    let what = "\(name), \(sub.name) reservoir \(p.id)"
                    XCTAssertEqual(row[0], String(p.id), what)
                    XCTAssertEqual(Int(row[1]), p.cells, what)
                    let area = try XCTUnwrap(Double(row[2])), perimeter = try XCTUnwrap(Double(row[3]))
                    XCTAssertEqual(area, p.areaHa, accuracy: 1e-9 * p.areaHa, what)
                    XCTAssertEqual(perimeter, p.perimeter, accuracy: 1e-9 * p.perimeter, what)
                    XCTAssertEqual(row[4], p.fromInventory ? "1" : "0", what)
                    XCTAssertEqual(row[5], input.inventoryNames(bits[Int(p.id)]), what)
                }
                // The comparison means something only if reservoirs span several tiles: count those that do.
                var firstTile = [Int](repeating: -1, count: whole.patches.count + 1), several = Set<Int32>()
                for r in 0..<spec.rows {
                    for c in 0..<spec.cols {
                        let id = whole.labels.values[r * spec.cols + c]
                        guard id > 0 else { continue }
                        let t = (r / plan.tileCells) * 1000 + c / plan.tileCells
                        if firstTile[Int(id)] < 0 { firstTile[Int(id)] = t } else if firstTile[Int(id)] != t { several.insert(id) }
                    }
                }
                spanning += several.count
            }
            XCTAssertGreaterThan(spanning, 2, "\(name): too few reservoirs span several tiles for the test to tell")
        }
    }
}
