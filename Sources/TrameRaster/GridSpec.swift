/// Where a grid lies: its size, transform and coordinate reference system.
///
/// Two grids can be combined cell by cell only when their specs are *aligned*: same size,
/// same transform (to a tolerance of a thousandth of a cell) and the same CRS.
public struct GridSpec: Equatable, Sendable {
    public var cols: Int
    public var rows: Int
    public var transform: GeoTransform
    /// The CRS as WKT (empty when the file has none).
    public var crsWKT: String

    public init(cols: Int, rows: Int, transform: GeoTransform, crsWKT: String = "") {
        precondition(cols >= 0 && rows >= 0)
        self.cols = cols; self.rows = rows; self.transform = transform; self.crsWKT = crsWKT
    }

    public var count: Int { cols * rows }

    /// Cell area in the CRS's squared units (m² for Lambert-93).
    public var cellArea: Double { abs(transform.pixelWidth * transform.pixelHeight) }

    /// Map extent: (minX, minY, maxX, maxY) of a north-up grid.
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let x0 = transform.originX, y0 = transform.originY
        let x1 = x0 + Double(cols) * transform.pixelWidth, y1 = y0 + Double(rows) * transform.pixelHeight
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    }

    @inlinable public func index(col: Int, row: Int) -> Int { row * cols + col }
    @inlinable public func contains(col: Int, row: Int) -> Bool { col >= 0 && row >= 0 && col < cols && row < rows }

    /// The cell that contains a map point, or nil outside the grid.
    public func cell(x: Double, y: Double) -> (col: Int, row: Int)? {
        let f = transform.fractionalCell(x: x, y: y)
        let c = Int(f.col.rounded(.down)), r = Int(f.row.rounded(.down))
        return contains(col: c, row: r) ? (c, r) : nil
    }

    /// Whether two grids can be combined cell by cell, ignoring the CRS (compared by the GDAL layer).
    public func isGeometricallyAligned(with other: GridSpec) -> Bool {
        guard cols == other.cols, rows == other.rows else { return false }
        let a = transform.gdalCoefficients, b = other.transform.gdalCoefficients
        let tol = 1e-3 * max(abs(transform.pixelWidth), abs(transform.pixelHeight))
        return zip(a, b).allSatisfy { abs($0 - $1) <= tol }
    }
}
