import Foundation
import XCTest
import TrameRaster
import TrameVector
@testable import TrameScheme

/// Levels of units: how the project file declares them, and figures tallied per unit of every level,
/// worked out by hand on a small grid.
final class UnitLevelTests: XCTestCase {
    let head = """
    [territory]
    name = "Levels"

    [land_cover]
    raster = "lc.tif"
    nomenclature = "nom.csv"
    friction = "friction.csv"
    built_up = [1]

    [[subnetwork]]
    name = "forest"
    habitat = [20]

    """

    func parse(_ units: String) throws -> Project { try ProjectFile.parse(head + units, file: "/p/project.toml") }

    /// Three levels in the order given, each with its layer, name field, labels and atlas flag; [units]
    /// name_field is the default of the levels that give none.
    func testLevelsAreReadInOrder() throws {
        let p = try parse("""
        [units]
        name_field = "nom"

        [[units.level]]
        name = "SCoT"
        file = "units.gpkg"
        layer = "scot"

        [[units.level]]
        name = "EPCI"
        label_fr = "Intercommunalités"
        label_en = "Groupings"
        file = "units.gpkg"
        layer = "epci"
        where = "kind = 'CA'"
        name_field = "nom_epci"
        atlas = true

        [[units.level]]
        name = "commune"
        file = "communes.shp"
        """)
        XCTAssertEqual(p.unitLevels.map(\.name), ["SCoT", "EPCI", "commune"])
        XCTAssertEqual(p.unitLevels.map(\.nameField), ["nom", "nom_epci", "nom"])
        XCTAssertEqual(p.unitLevels.map(\.atlas), [false, true, false])
        XCTAssertEqual(p.unitLevels.map(\.source.file), ["/p/units.gpkg", "/p/units.gpkg", "/p/communes.shp"])
        XCTAssertEqual(p.unitLevels[1].source.layer, "epci")
        XCTAssertEqual(p.unitLevels[1].source.filter, "kind = 'CA'")
        XCTAssertEqual(p.unitLevels[1].label("fr"), "Intercommunalités")
        XCTAssertEqual(p.unitLevels[1].label("en"), "Groupings")
        XCTAssertEqual(p.unitLevels[0].label("fr"), "SCoT", "no label: the name")
    }

    /// The older keys still read: groupings (with atlas pages) then communes.
    func testOlderKeysAreTwoLevels() throws {
        let p = try parse("""
        [units]
        communes = { file = "t.gpkg", layer = "communes" }
        groupings = { file = "t.gpkg", layer = "groupings" }
        name_field = "nom"
        """)
        XCTAssertEqual(p.unitLevels.map(\.name), ["grouping", "commune"])
        XCTAssertEqual(p.unitLevels.map(\.atlas), [true, false])
        XCTAssertEqual(p.unitLevels.map(\.source.layer), ["groupings", "communes"])
        XCTAssertEqual(p.unitLevels.map(\.nameField), ["nom", "nom"])
        XCTAssertEqual(p.unitLevels[0].label("fr"), "Intercommunalités")
        XCTAssertEqual(try parse("").unitLevels.count, 0)
    }

    /// Mistakes are one-line errors naming the file and the line.
    func testMistakesNameTheLine() throws {
        let base = head.split(separator: "\n", omittingEmptySubsequences: false).count - 1   // lines before [units]
        func error(_ units: String) -> ProjectError? {
            do { _ = try parse(units); return nil } catch { return error as? ProjectError }
        }
        // Line numbers below count from the first line of the [units] text.
        let cases: [(String, Int, String)] = [
            ("[units]\n\n[[units.level]]\nname = \"EPCI\"\nfile = \"a.gpkg\"\ncolour = \"#000000\"\n", 6, "unknown key 'colour' in [units.level]"),
            ("[units]\n\n[[units.level]]\nname = \"EPCI\"\nlayer = \"epci\"\n", 3, "unit level 'EPCI' needs file"),
            ("[units]\n\n[[units.level]]\nname = \"EPCI\"\nfile = \"a.gpkg\"\n\n[[units.level]]\nname = \"EPCI\"\nfile = \"b.gpkg\"\n", 8, "two unit levels are named 'EPCI'"),
            ("[units]\ncommunes = \"c.gpkg\"\n\n[[units.level]]\nname = \"EPCI\"\nfile = \"a.gpkg\"\n", 2, "both 'communes' and [[units.level]]"),
            ("[units]\n\n[[units.level]]\nname = \"territory\"\nfile = \"a.gpkg\"\n", 4, "'territory' names the whole territory"),
            ("[units]\n\n[[units.level]]\nname = \"EPCI\"\nfile = \"a.gpkg\"\natlas = \"yes\"\n", 6, "'atlas' must be true or false"),
            ("[units]\n\n[[units.level]]\nfile = \"a.gpkg\"\n", 3, "missing key 'name' in [units.level]"),
        ]
        for (text, line, message) in cases {
            guard let e = error(text) else { XCTFail("no error for \(text)"); continue }
            XCTAssertEqual(e.file, "/p/project.toml")
            XCTAssertEqual(e.line, base + line, "\(e)")
            XCTAssertTrue(e.problem.contains(message), "\(e)")
            XCTAssertFalse(e.description.contains("\n"), "\(e)")
        }
    }

    /// A 6 × 4 grid of 10 m cells (0.01 ha each); the cell of row 3, column 0 has no data. Three levels:
    ///   SCoT    — unit 1 over columns 0–4 (column 5 lies outside every SCoT);
    ///   EPCI    — West over columns 0–2, East over columns 3–5;
    ///   commune — a over columns 0–1, b over 2–3, c over 4–5.
    /// Reservoir cells: rows 0–1 × columns 1–3 (6 cells) and row 3, column 5 (1 cell): 0.07 ha in the territory,
    /// 0.06 in the SCoT (column 5 is out), West 4 cells, East 3, a 2, b 4, c 1. A road along row 2 from x = 0 to
    /// x = 60 m: 20 m per commune, 30 m per EPCI, 50 m in the SCoT. Conflict points in the cells (row 0, col 0)
    /// and (row 3, col 5). Areas: territory 23 cells, SCoT 19, West 11, East 12, a 7, b 8, c 8.
    func testFiguresPerUnitOfEveryLevel() {
        let cols = 6, rows = 4
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 0, north: 40, cellSize: 10))
        func grid(_ unit: (Int, Int) -> UInt16) -> [UInt16] { (0..<(cols * rows)).map { unit($0 / cols, $0 % cols) } }
        let scot = grid { _, c in c <= 4 ? 1 : 0 }
        let epci = grid { _, c in c <= 2 ? 1 : 2 }
        let commune = grid { _, c in UInt16(c / 2 + 1) }
        var valid = [Bool](repeating: true, count: cols * rows)
        valid[3 * cols + 0] = false
        var tally = FigureTally(spec: spec, valid: valid, territoryName: "T",
                                levels: [("SCoT", scot, ["S"]), ("EPCI", epci, ["West", "East"]), ("commune", commune, ["a", "b", "c"])],
                                subNetworks: 1)
        XCTAssertEqual(tally.units.map(\.level), ["territory", "SCoT", "EPCI", "EPCI", "commune", "commune", "commune"])
        XCTAssertEqual(tally.units.map(\.name), ["T", "S", "West", "East", "a", "b", "c"])
        let areas: [Double] = [23, 19, 11, 12, 7, 8, 8]
        for (u, cells) in areas.enumerated() { XCTAssertEqual(tally.units[u].areaHa, cells * 0.01, accuracy: 1e-12, tally.units[u].name) }

        var reservoirs = [Int32](repeating: 0, count: cols * rows)
        for r in 0...1 { for c in 1...3 { reservoirs[r * cols + c] = 1 } }
        reservoirs[3 * cols + 5] = 2
        _ = tally.addSubNetwork(0, reservoirs: reservoirs, corridor: [UInt8](repeating: 0, count: cols * rows))
        let reservoirCells: [Double] = [7, 6, 4, 3, 2, 4, 1]
        for (u, cells) in reservoirCells.enumerated() { XCTAssertEqual(tally.units[u].reservoirHa[0], cells * 0.01, accuracy: 1e-12, tally.units[u].name) }

        tally.addLength([[Point(0, 15), Point(60, 15)]], to: \.roadKm, scale: 0.001)
        let roadM: [Double] = [60, 50, 30, 30, 20, 20, 20]
        for (u, m) in roadM.enumerated() { XCTAssertEqual(tally.units[u].roadKm, m / 1000, accuracy: 1e-12, tally.units[u].name) }

        tally.addPoints([Point(5, 35), Point(55, 5)], to: \.conflicts)
        XCTAssertEqual(tally.units.map(\.conflicts), [2, 1, 1, 1, 1, 0, 1])

        // Levels that cover the territory add up to it; the SCoT level misses column 5 (4 data cells,
        // 1 reservoir cell, 10 m of road, 1 conflict point).
        let t = tally.units[0]
        for level in ["EPCI", "commune"] {
            let us = tally.units.filter { $0.level == level }
            XCTAssertEqual(us.reduce(0) { $0 + $1.areaHa }, t.areaHa, accuracy: 1e-12, level)
            XCTAssertEqual(us.reduce(0) { $0 + $1.reservoirHa[0] }, t.reservoirHa[0], accuracy: 1e-12, level)
            XCTAssertEqual(us.reduce(0) { $0 + $1.roadKm }, t.roadKm, accuracy: 1e-12, level)
            XCTAssertEqual(us.reduce(0) { $0 + $1.conflicts }, t.conflicts, level)
        }
        XCTAssertEqual(tally.units[1].areaHa, t.areaHa - 0.04, accuracy: 1e-12)
    }

    /// One combination number a cell for every level: reading each level back gives its grid cell for cell, and
    /// there are as many combinations as distinct tuples of units (counted with a Set) — in two bytes a cell,
    /// then in four once the tuples pass 65,536 (the level added last overflowing half-way through the grid).
    func testUnitCellsHoldEveryLevel() {
        var seed: UInt64 = 0x5eed
        func next(_ n: Int) -> UInt16 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return UInt16((seed >> 33) % UInt64(n))
        }
        // Nested-ish levels with noise: regions of 300 cells, groupings of 60, stray cells in other units.
        let n = 12_000
        let region = (0..<n).map { i in UInt16(i / 3000 + 1) }
        let grouping = (0..<n).map { i in next(50) == 0 ? next(200) + 1 : UInt16(i / 60 % 200 + 1) }
        let commune = (0..<n).map { i in next(10) == 0 ? 0 : UInt16(i / 7 % 1000 + 1) }
        let cells = UnitCells(count: n, levels: [region, grouping, commune])
        XCTAssertEqual(cells.levelCount, 3)
        XCTAssertEqual(cells.bytesPerCell, 2)
        var tuples = Set<[UInt16]>()
        for i in 0..<n {
            XCTAssertEqual(cells.unit(level: 0, at: i), region[i])
            XCTAssertEqual(cells.unit(level: 1, at: i), grouping[i])
            XCTAssertEqual(cells.unit(level: 2, at: i), commune[i])
            tuples.insert([region[i], grouping[i], commune[i]])
        }
        XCTAssertEqual(cells.combinations.count, tuples.count)

        // 300 × 300 distinct pairs over 90,000 cells, the second level crossing the first: 65,536 is reached
        // in the middle of the second level's pass.
        let m = 90_000
        let a = (0..<m).map { UInt16($0 % 300 + 1) }, b = (0..<m).map { UInt16($0 / 300 + 1) }
        let wide = UnitCells(count: m, levels: [a, b])
        XCTAssertEqual(wide.bytesPerCell, 4)
        XCTAssertEqual(wide.combinations.count, 90_000)
        for i in 0..<m where wide.unit(level: 0, at: i) != a[i] || wide.unit(level: 1, at: i) != b[i] {
            XCTFail("cell \(i): \(wide.combinations[wide.combination(at: i)]) instead of [\(a[i]), \(b[i])]"); break
        }
    }
}
