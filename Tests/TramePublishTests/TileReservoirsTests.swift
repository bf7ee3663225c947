import Foundation
import TrameCost
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

    /// The tiny sample generated into the work folder: its project file, the run's own reading of it, and its
    /// least-cost sub-networks (the watercourse one is not tiled).
    func tinySample() throws -> (path: String, input: SchemeInput, subs: [SubNetwork]) {
        let projectPath = try tinySampleProject(in: work + "/demo")
        let project = try ProjectFile.load(projectPath)
        let input = try SchemeReader(project: project, lang: "en", progress: { _ in }, warn: { _ in }).read()
        return (projectPath, input, project.subNetworks.filter { $0.model != .watercourse })
    }

    /// The tiny sample (800 × 500 cells of 10 m) in 4 tiles of 4 km (2 × 2: reservoirs cross row 400, none
    /// crosses column 400), then in 12 tiles of 2 km (4 × 3, six corners where four tiles meet).
    func testTheTinySampleInTilesHasTheReservoirsOfTrameRun() throws {
        let (projectPath, input, subs) = try tinySample()
        let whole = try subs.map { try LeastCostSubNetwork().reservoirs($0, input: input) }
        let spec = input.spec

        for (tileMetres, count) in [(4000.0, 4), (2000.0, 12)] {
            let name = "\(Int(tileMetres)) m tiles"
            // A 300 m halo (the reservoirs need one cell of it).
            let plan = try TilePlanning.plan(project: projectPath, tileMetres: tileMetres, haloMetres: 300, trame: TrameProcess.trame.path)
            XCTAssertEqual(plan.tiles.count, count)
            XCTAssertEqual(plan.subnetworks.filter { $0.reservoirs != nil }.map(\.name), subs.map(\.name), "the watercourse sub-network (river) is not tiled")
            let dir = "\(work)/plan\(count)"
            try TilePlanning.write(plan, to: dir)
            let folder = try PlanFolder(dir), out = folder.joinedFolder
            for t in 1...count {
                guard case .computed(let files) = try TileStep.run(folder, task: t, progress: { _ in }) else { return XCTFail("tile \(t) skipped") }
                XCTAssertTrue(files.contains("forest_fragments.json") && files.contains("forest_fragments.tif"), "\(files)")
            }
            let written = try TileJoin.run(folder, progress: { _ in })
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

    /// The join's functional links (PLAN/joined/SUB_links.csv and links.gpkg), found a tile at a time, against those of
    /// `trame run`'s own stages on the whole grid (its resistance, reservoirs and planar links, kept at cost ≤ the
    /// dispersal cost): the same pairs, costs and lengths, lines to a micrometre. The sample's dispersal reaches
    /// past the grid, so the default halo (capped at 3 tiles) makes every window the whole grid; with a 300 m
    /// halo the windows fall short and the merge says so and writes no links.
    func testTheMergesLinksAreTrameRunsFunctionalLinks() throws {
        let (projectPath, input, subs) = try tinySample()

        let plan = try TilePlanning.plan(project: projectPath, tileMetres: 4000, haloMetres: nil, trame: TrameProcess.trame.path)
        XCTAssertEqual(plan.tiles.count, 4)
        let dir = work + "/plan"
        try TilePlanning.write(plan, to: dir)
        let folder = try PlanFolder(dir), out = folder.joinedFolder
        for t in 1...4 { _ = try TileStep.run(folder, task: t, progress: { _ in }) }
        let written = try TileJoin.run(folder, links: true, progress: { _ in })
        XCTAssertTrue(written.contains("links.gpkg"), "\(written)")
        let layer = try VectorIO.read(out + "/links.gpkg", layer: "links")
        var compared = 0
        for sub in subs {
            let res = try input.friction.resistance(for: input.landCover, column: sub.frictionColumn)
            let patches = try LeastCostSubNetwork().reservoirs(sub, input: input)
            let whole = try LinkBuilder.links(resistance: res, patches: patches, topology: .planar).filter { $0.cost <= sub.dispersalCost }
            let rows = try String(contentsOfFile: "\(out)/\(sub.name)_links.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
                .map { $0.split(separator: ",").map(String.init) }
            XCTAssertEqual(rows.first, TileJoin.linkColumns)
            XCTAssertEqual(rows.dropFirst().map { "\($0[0])–\($0[1])" }, whole.map { "\($0.from)–\($0.to)" }, sub.name)
            for (row, l) in zip(rows.dropFirst(), whole) {
                XCTAssertEqual(Double(row[2]), l.cost, "\(sub.name) \(l.from)–\(l.to) cost")
                XCTAssertEqual(Double(row[3]), l.length, "\(sub.name) \(l.from)–\(l.to) length")
            }
            let lines = layer.features.filter { $0["subnetwork"] == FieldValue.string(sub.name) }
            XCTAssertEqual(lines.count, whole.count, sub.name)
            for (f, l) in zip(lines, whole) {
                guard case .lineString(let pts)? = f.geometry else { XCTFail("\(sub.name): not a line"); continue }
                XCTAssertEqual(pts.count, l.line.count, "\(sub.name) \(l.from)–\(l.to)")
                for (a, b) in zip(pts, l.line) { XCTAssertEqual(a.distance(to: b), 0, accuracy: 1e-6) }
            }
            compared += whole.count
        }
        XCTAssertGreaterThan(compared, 20)

        // A 300 m halo: the windows do not reach what the dispersal needs; no links, and the merge says why.
        let short = try TilePlanning.plan(project: projectPath, tileMetres: 4000, haloMetres: 300, trame: TrameProcess.trame.path)
        try TilePlanning.write(short, to: work + "/short")
        let shortFolder = try PlanFolder(work + "/short")
        for t in 1...4 { _ = try TileStep.run(shortFolder, task: t, progress: { _ in }) }
        var said: [String] = []
        let w2 = try TileJoin.run(shortFolder, links: true, progress: { _ in }, warn: { said.append($0) })
        XCTAssertFalse(w2.contains("links.gpkg"), "\(w2)")
        XCTAssertTrue(w2.contains(TileJoin.noLinksNote), "\(w2)")
        XCTAssertTrue(said.contains { $0.hasPrefix("forest: links not tiled: the halo of 30 cells is under the ") }, "\(said)")
    }
}
