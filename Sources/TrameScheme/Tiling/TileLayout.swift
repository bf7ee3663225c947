import TrameRaster

/// A rectangle of cells of the territory's grid: its top-left cell and its size.
public struct CellWindow: Codable, Equatable, Sendable {
    public var col: Int
    public var row: Int
    public var cols: Int
    public var rows: Int

    public init(col: Int, row: Int, cols: Int, rows: Int) {
        self.col = col; self.row = row; self.cols = cols; self.rows = rows
    }

    public var count: Int { cols * rows }

    /// The same window seen from inside `outer` (its offsets relative to `outer`'s top-left cell).
    public func relative(to outer: CellWindow) -> CellWindow {
        CellWindow(col: col - outer.col, row: row - outer.row, cols: cols, rows: rows)
    }

    /// Whether `other` lies wholly inside this window.
    public func contains(_ other: CellWindow) -> Bool {
        other.col >= col && other.row >= row && other.col + other.cols <= col + cols && other.row + other.rows <= row + rows
    }

    /// The grid of this window's cells on `grid` (as `grid` is the whole territory's): its size, and the
    /// transform moved to its top-left cell.
    public func spec(in grid: GridSpec) -> GridSpec {
        var t = grid.transform
        t.originX += Double(col) * t.pixelWidth + Double(row) * t.rowRotation
        t.originY += Double(col) * t.colRotation + Double(row) * t.pixelHeight
        return GridSpec(cols: cols, rows: rows, transform: t, crsWKT: grid.crsWKT)
    }
}

/// A window's extent in map coordinates (metres of the grid's CRS).
public struct MapBounds: Codable, Equatable, Sendable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }

    public init(_ w: CellWindow, in spec: GridSpec) {
        let t = spec.transform
        let x0 = t.originX + Double(w.col) * t.pixelWidth, x1 = t.originX + Double(w.col + w.cols) * t.pixelWidth
        let y0 = t.originY + Double(w.row) * t.pixelHeight, y1 = t.originY + Double(w.row + w.rows) * t.pixelHeight
        minX = min(x0, x1); maxX = max(x0, x1); minY = min(y0, y1); maxY = max(y0, y1)
    }
}

/// One tile: the core it answers for, and the window (core + halo, clipped at the grid's edge) it reads.
public struct Tile: Codable, Equatable, Sendable {
    /// Its task number in the plan (1-based, row-major from the north-west tile).
    public var task: Int
    /// Its column and row among the tiles.
    public var tileCol: Int
    public var tileRow: Int
    public var core: CellWindow
    public var window: CellWindow
    public var coreBounds: MapBounds
    public var windowBounds: MapBounds
}

/// Cuts a grid into square tiles of `tileCells` cells (the last row and column of tiles take what is left),
/// each widened by a halo of `haloCells` on every side and clipped at the grid's edge.
///
/// The cores partition the grid: every cell lies in exactly one core. A tile larger than the grid gives one tile.
/// - Complexity: O(number of tiles).
public enum TileLayout {
    public static func tiles(spec: GridSpec, tileCells: Int, haloCells: Int) -> [Tile] {
        precondition(tileCells > 0 && haloCells >= 0)
        guard spec.cols > 0, spec.rows > 0 else { return [] }
        let nx = (spec.cols + tileCells - 1) / tileCells, ny = (spec.rows + tileCells - 1) / tileCells
        var out: [Tile] = []
        out.reserveCapacity(nx * ny)
        for j in 0..<ny {
            for i in 0..<nx {
                let c0 = i * tileCells, r0 = j * tileCells
                let core = CellWindow(col: c0, row: r0, cols: min(tileCells, spec.cols - c0), rows: min(tileCells, spec.rows - r0))
                let wc0 = max(0, c0 - haloCells), wr0 = max(0, r0 - haloCells)
                let wc1 = min(spec.cols, core.col + core.cols + haloCells), wr1 = min(spec.rows, core.row + core.rows + haloCells)
                let window = CellWindow(col: wc0, row: wr0, cols: wc1 - wc0, rows: wr1 - wr0)
                out.append(Tile(task: out.count + 1, tileCol: i, tileRow: j, core: core, window: window,
                                coreBounds: MapBounds(core, in: spec), windowBounds: MapBounds(window, in: spec)))
            }
        }
        return out
    }
}
