/// The affine transform from (column, row) to map coordinates, as GDAL defines it:
/// `x = originX + col·pixelWidth + row·rowRotation`, `y = originY + col·colRotation + row·pixelHeight`.
///
/// Trame works on north-up grids (no rotation); `pixelHeight` is negative for them.
/// # Units
/// Map units of the grid's CRS (metres for Lambert-93).
public struct GeoTransform: Equatable, Sendable, CustomStringConvertible {
    public var originX: Double
    public var pixelWidth: Double
    public var rowRotation: Double
    public var originY: Double
    public var colRotation: Double
    public var pixelHeight: Double

    public init(originX: Double, pixelWidth: Double, rowRotation: Double = 0,
                originY: Double, colRotation: Double = 0, pixelHeight: Double) {
        self.originX = originX; self.pixelWidth = pixelWidth; self.rowRotation = rowRotation
        self.originY = originY; self.colRotation = colRotation; self.pixelHeight = pixelHeight
    }

    /// North-up transform for square cells: top-left corner at (`west`, `north`).
    public init(west: Double, north: Double, cellSize: Double) {
        self.init(originX: west, pixelWidth: cellSize, originY: north, pixelHeight: -cellSize)
    }

    /// GDAL's six coefficients, in GDAL's order.
    public init(gdal c: [Double]) {
        precondition(c.count == 6, "a geotransform has six coefficients")
        self.init(originX: c[0], pixelWidth: c[1], rowRotation: c[2], originY: c[3], colRotation: c[4], pixelHeight: c[5])
    }

    public var gdalCoefficients: [Double] { [originX, pixelWidth, rowRotation, originY, colRotation, pixelHeight] }

    public var isNorthUp: Bool { rowRotation == 0 && colRotation == 0 && pixelHeight < 0 && pixelWidth > 0 }

    /// Cell size in map units when cells are square, else nil.
    public var squareCellSize: Double? {
        guard isNorthUp, abs(pixelWidth + pixelHeight) <= 1e-9 * pixelWidth else { return nil }
        return pixelWidth
    }

    /// Map coordinates of a cell centre.
    @inlinable
    public func centre(col: Int, row: Int) -> (x: Double, y: Double) {
        let c = Double(col) + 0.5, r = Double(row) + 0.5
        return (originX + c * pixelWidth + r * rowRotation, originY + c * colRotation + r * pixelHeight)
    }

    /// Cell containing a map point, as fractional (col, row); floor it to get the cell.
    public func fractionalCell(x: Double, y: Double) -> (col: Double, row: Double) {
        // Inverse of the 2×2 linear part.
        let det = pixelWidth * pixelHeight - rowRotation * colRotation
        let dx = x - originX, dy = y - originY
        let col = (dx * pixelHeight - dy * rowRotation) / det
        let row = (dy * pixelWidth - dx * colRotation) / det
        return (col, row)
    }

    public var description: String {
        "origin (\(originX), \(originY)), cell \(pixelWidth) × \(-pixelHeight)"
    }
}
