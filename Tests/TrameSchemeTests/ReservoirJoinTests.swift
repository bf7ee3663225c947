import TrameCost
import TrameRaster
@testable import TrameScheme
import XCTest

/// Reservoirs found tile by tile (`FragmentFinder`) and joined across the tiles' edges (`ReservoirJoin`) against a
/// grid worked by hand and against `PatchFinder.find` on the whole grid (seeded random grids and tilings).
final class ReservoirJoinTests: XCTestCase {
    /// Runs the tiled reservoirs in memory as `trame step` and `trame merge` run them on files: each tile sees its
    /// core and the ring around it, the join sees the tables only. Returns the join, every tile's table, and the
    /// reservoir id of every cell of the whole grid (each tile's fragment ids relabelled).
    func tiled(_ lc: Grid<Int32>, tileCells: Int, habitat: Set<Int32>, minAreaHa: Double, bits: [UInt32]?, mask: UInt32,
               connexity: Neighbourhood) throws -> (joined: JoinedReservoirs, tables: [ReservoirFragments], labels: [Int32]) {
        let spec = lc.spec
        let tiles = TileLayout.tiles(spec: spec, tileCells: tileCells, haloCells: 0)
        var found: [(tile: Tile, fragments: ReservoirFragments)] = [], local: [[Int32]] = []
        for t in tiles {
            let ring = FragmentFinder.ring(of: t.core, gridCols: spec.cols, gridRows: spec.rows)
            var values: [Int32] = [], ringBits: [UInt32] = []
            for r in ring.row..<(ring.row + ring.rows) {
                for c in ring.col..<(ring.col + ring.cols) {
                    values.append(lc.values[r * spec.cols + c])
                    if let bits { ringBits.append(bits[r * spec.cols + c]) }
                }
            }
            let (labels, f) = try FragmentFinder.find(landCover: values, noData: lc.noData, ring: ring, core: t.core, gridCols: spec.cols,
                                                      gridRows: spec.rows, habitat: habitat, inventoryBits: bits == nil ? nil : ringBits,
                                                      subnetworkInventories: mask, connexity: connexity)
            found.append((t, f)); local.append(labels)
        }
        let joined = try ReservoirJoin.join(found, spec: spec, minAreaHa: minAreaHa, connexity: connexity)
        var whole = [Int32](repeating: -1, count: spec.count)
        for (k, t) in tiles.enumerated() {
            for r in 0..<t.core.rows {
                for c in 0..<t.core.cols { whole[(t.core.row + r) * spec.cols + t.core.col + c] = joined.relabel[k][Int(local[k][r * t.core.cols + c])] }
            }
        }
        return (joined, found.map(\.fragments), whole)
    }

    func grid(_ rows: [String], cell: Double = 10) -> Grid<Int32> {
        let cols = rows[0].count
        let spec = GridSpec(cols: cols, rows: rows.count, transform: GeoTransform(west: 500_000, north: 6_000_000, cellSize: cell), crsWKT: "")
        return Grid(spec: spec, values: rows.flatMap { $0.map { $0 == "#" ? Int32(1) : $0 == "?" ? Int32(9) : Int32(0) } }, noData: 9)
    }

    /// 6 × 6 cells of 10 m in four tiles of 3 × 3 (tile 1 north-west, 2 north-east, 3 south-west, 4 south-east):
    ///
    ///     . . . . . c        A: (2,2) (3,3) (3,4) (2,5) (4,2) — in all four tiles, joined through the corner
    ///     . . . . . .           where they meet ((2,2)–(3,3) diagonally) and across two sides diagonally
    ///     b . A . . A        B: (2,0) (3,0) — on the edge between tiles 1 and 3, on the grid's west border
    ///     b . . A A .        c: (0,5) — one cell, under the minimum area (2 cells): dropped
    ///     . . A . . .        d: (5,0) — one cell on an inventory site: kept whatever its size
    ///     d . . . . ?        ?: NoData (not habitat)
    ///
    /// Worked by hand. Ids by first cell in row-major order: B (row 2, col 0 → index 12) = 1, A (index 14) = 2,
    /// d (index 30) = 3. A: 5 cells × 4 edges − 2 for the one rook contact (3,3)–(3,4) = 18 edges = 180 m, 0.05 ha.
    /// B: 2 × 4 − 2 (the contact across the tile edge is not perimeter) = 6 edges = 60 m, 2 of them on the
    /// border. d: 4 edges = 40 m (2 on the border).
    func testAPatchOverFourTilesThroughACornerAndOneOnATileEdgeWorkedByHand() throws {
        let lc = grid([".....#",
                       "......",
                       "#.#..#",
                       "#..##.",
                       "..#...",
                       "#....?"])
        var bits = [UInt32](repeating: 0, count: 36)
        bits[30] = 0b10  // inventory 1 (the sub-network's) on d
        bits[14] = 0b1   // inventory 0 (another one's) on A's first cell: listed, but does not make a reservoir
        let r = try tiled(lc, tileCells: 3, habitat: [1], minAreaHa: 0.02, bits: bits, mask: 0b10, connexity: .queen)
        XCTAssertEqual(r.joined.patches, [
            PatchSet.Patch(id: 1, cells: 2, areaHa: 0.02, perimeter: 60, fromInventory: false),
            PatchSet.Patch(id: 2, cells: 5, areaHa: 0.05, perimeter: 180, fromInventory: false),
            PatchSet.Patch(id: 3, cells: 1, areaHa: 0.01, perimeter: 40, fromInventory: true),
        ])
        XCTAssertEqual(r.joined.inventoryBits, [0, 0b1, 0b10])
        XCTAssertEqual(r.joined.habitatCells, 9)
        XCTAssertEqual(r.labels, [0, 0, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0,
                                  1, 0, 2, 0, 0, 2,
                                  1, 0, 0, 2, 2, 0,
                                  0, 0, 2, 0, 0, 0,
                                  3, 0, 0, 0, 0, 0])
        // Tile 1's table: fragment 1 = B's (2,0), fragment 2 = A's (2,2); their edges inside the core, across its
        // sides (non-habitat cells of tiles 2 and 3) and on the grid's border.
        let t1 = r.tables[0]
        XCTAssertEqual(t1.cells, [1, 1])
        XCTAssertEqual(t1.innerEdges, [2, 2])   // (2,0): north, east; (2,2): north, west
        XCTAssertEqual(t1.crossEdges, [0, 2])   // (2,0)'s south is B's (3,0), habitat: no edge; (2,2): east, south
        XCTAssertEqual(t1.borderEdges, [1, 0])
        XCTAssertEqual(t1.firstCell, [12, 14])
        XCTAssertEqual(t1.bottom, [1, 0, 2])
        XCTAssertEqual(t1.right, [0, 0, 2])
        XCTAssertEqual(t1.top, [0, 0, 0])
        XCTAssertEqual(t1.left, [0, 0, 1])
        // Tile 2 holds c (its own fragment, dropped) and A's (2,5), whose east edge is the grid's border.
        XCTAssertEqual(r.tables[1].cells, [1, 1])
        XCTAssertEqual(r.tables[1].borderEdges, [2, 1])
        XCTAssertEqual(r.tables[1].firstCell, [5, 17])

        // With rook contacts A falls apart: only (3,3)–(3,4) reaches 2 cells (first cell 21); the other pieces are dropped.
        let rook = try tiled(lc, tileCells: 3, habitat: [1], minAreaHa: 0.02, bits: bits, mask: 0b10, connexity: .rook)
        XCTAssertEqual(rook.joined.patches.map(\.cells), [2, 2, 1])
        XCTAssertEqual(rook.joined.patches.map(\.perimeter), [60, 60, 40])
        XCTAssertEqual(rook.labels[21], 2)
        XCTAssertEqual(rook.labels[14], 0)
    }

    /// A habitat cell whose only neighbour is NoData: NoData is not habitat, so the edge facing it is perimeter,
    /// in the tile and across a tile edge alike.
    func testNoDataAcrossATileEdgeIsPerimeter() throws {
        let lc = grid(["....",
                       ".#?.",
                       ".?#.",
                       "...."])
        let r = try tiled(lc, tileCells: 2, habitat: [1], minAreaHa: 0, bits: nil, mask: 0, connexity: .queen)
        // (1,1) and (2,2) join diagonally across the corner of the four tiles: 8 edges, none shared.
        XCTAssertEqual(r.joined.patches, [PatchSet.Patch(id: 1, cells: 2, areaHa: 0.02, perimeter: 80, fromInventory: false)])
    }

    /// Seeded random grids and tilings against `PatchFinder.find` on the whole grid: the same count, the same id
    /// on every cell, the same cells, areas, perimeters and inventory flags, to the bit.
    func testRandomGridsAndTilingsEqualTheWholeGrid() throws {
        var rng = SplitMix(seed: 21)
        for trial in 0..<60 {
            let cols = 1 + Int(rng.next() % 40), rows = 1 + Int(rng.next() % 40)
            let tileCells = 1 + Int(rng.next() % UInt64(max(cols, rows) + 2))
            let density = 0.2 + Double(rng.next() % 60) / 100
            let connexity: Neighbourhood = rng.next() % 3 == 0 ? .rook : .queen
            let minAreaHa = [0, 0.01, 0.03, 0.08][Int(rng.next() % 4)]
            let cell = [10.0, 25.0, 5.0][Int(rng.next() % 3)]
            let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: 700_000, north: 7_000_000, cellSize: cell), crsWKT: "")
            var values = [Int32](repeating: 0, count: cols * rows), bits = [UInt32](repeating: 0, count: cols * rows)
            for i in values.indices {
                let u = Double(rng.next() % 1000) / 1000
                values[i] = u < density / 2 ? 1 : u < density ? 2 : u < density + 0.05 ? -1 : 3
                if rng.next() % 25 == 0 { bits[i] = UInt32(1) << UInt32(rng.next() % 3) }
            }
            let lc = Grid(spec: spec, values: values, noData: -1)
            let habitat: Set<Int32> = rng.next() % 2 == 0 ? [1] : [1, 2]
            let mask: UInt32 = rng.next() % 2 == 0 ? 0b10 : 0
            let inventory = Grid(spec: spec, values: bits.map { $0 & mask != 0 ? UInt8(1) : 0 }, noData: nil)
            let hasHabitat = values.indices.contains { (values[$0] != -1 && habitat.contains(values[$0])) || bits[$0] & mask != 0 }
            let r = try tiled(lc, tileCells: tileCells, habitat: habitat, minAreaHa: minAreaHa, bits: bits, mask: mask, connexity: connexity)
            let what = "trial \(trial): \(cols) × \(rows), tiles of \(tileCells), \(connexity), min \(minAreaHa) ha"
            guard hasHabitat else {
                XCTAssertEqual(r.joined.habitatCells, 0, what)
                XCTAssertThrowsError(try PatchFinder.find(landCover: lc, habitat: habitat, minAreaHa: minAreaHa, connexity: connexity, inventory: inventory))
                continue
            }
            let whole = try PatchFinder.find(landCover: lc, habitat: habitat, minAreaHa: minAreaHa, connexity: connexity, inventory: inventory)
            XCTAssertEqual(r.joined.patches.count, whole.patches.count, what)
            XCTAssertEqual(r.joined.patches, whole.patches, what)
            XCTAssertEqual(r.labels, whole.labels.values, what)
            // Inventories per reservoir: every bit of every cell of it, OR-ed.
            var expected = [UInt32](repeating: 0, count: whole.patches.count)
            for i in values.indices where whole.labels.values[i] > 0 { expected[Int(whole.labels.values[i]) - 1] |= bits[i] }
            XCTAssertEqual(r.joined.inventoryBits, expected, what)
        }
    }

    /// A fragment table survives its JSON round trip (the step writes it, the merge reads it).
    func testFragmentTableRoundTrip() throws {
        let lc = grid(["#.#", "##.", "..#"])
        let ring = FragmentFinder.ring(of: CellWindow(col: 0, row: 0, cols: 2, rows: 2), gridCols: 3, gridRows: 3)
        XCTAssertEqual(ring, CellWindow(col: 0, row: 0, cols: 3, rows: 3))
        let f = try FragmentFinder.find(landCover: lc.values, noData: 9, ring: ring, core: CellWindow(col: 0, row: 0, cols: 2, rows: 2), gridCols: 3,
                                        gridRows: 3, habitat: [1], inventoryBits: nil, subnetworkInventories: 0).fragments
        XCTAssertEqual(f.cells, [3])
        // (0,0): west and north on the border, east faces (0,1) non-habitat in the core; (1,0): west border, south
        // (2,0) across; (1,1): north (0,1) inner, east (1,2) across, south (2,1) across.
        XCTAssertEqual([f.innerEdges[0], f.crossEdges[0], f.borderEdges[0]], [2, 3, 3])
        XCTAssertEqual(try JSONDecoder().decode(ReservoirFragments.self, from: try JSONEncoder().encode(f)), f)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for reproducible random cases.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
