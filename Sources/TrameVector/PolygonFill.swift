/// Which cells of a north-up grid a polygon covers, by scanlines: a cell is in when its centre is inside
/// (even-odd rule over every ring of the geometry, as GDAL's rasterisation without ALL_TOUCHED).
///
/// Edges are bucketed by the first row whose centre they cross, so each row looks only at the edges that
/// cross it: the cost is the edges, plus the edges active per row, plus the cells filled. (GDAL's filler
/// goes over every edge of a polygon at each of its rows, which grows with the square of a region's
/// polygons.)
///
/// The grid is given by its top-left corner (`west`, `north`), cell width and height (positive, in map
/// units) and size; `span(row, firstCol, endCol)` receives each run of covered cells, `endCol` excluded.
public struct PolygonFill: Sendable {
    public var west: Double, north: Double, cellWidth: Double, cellHeight: Double
    public var cols: Int, rows: Int

    public init(west: Double, north: Double, cellWidth: Double, cellHeight: Double, cols: Int, rows: Int) {
        precondition(cellWidth > 0 && cellHeight > 0 && cols >= 0 && rows >= 0)
        self.west = west; self.north = north; self.cellWidth = cellWidth; self.cellHeight = cellHeight
        self.cols = cols; self.rows = rows
    }

    private struct Edge {
        var firstRow: Int, lastRow: Int
        /// Column coordinate (in cells, from the west edge) of the upper end, its row coordinate, and the
        /// change of column per row.
        var x0: Double, y0: Double, slope: Double
        func x(atRow r: Int) -> Double { x0 + (Double(r) + 0.5 - y0) * slope }
    }

    /// Calls `span` for each run of cells covered by the polygons (points and lines cover none).
    public func fill(_ geometry: Geometry, span: (_ row: Int, _ firstCol: Int, _ endCol: Int) -> Void) {
        let rings: [[Point]]
        switch geometry {
        case .polygon(let p): rings = [p.exterior] + p.holes
        case .multiPolygon(let ps): rings = ps.flatMap { [$0.exterior] + $0.holes }
        default: return
        }
        fill(rings: rings, span: span)
    }

    /// The same for a list of closed rings, taken together by the even-odd rule.
    public func fill(rings: [[Point]], span: (_ row: Int, _ firstCol: Int, _ endCol: Int) -> Void) {
        guard rows > 0, cols > 0 else { return }
        // Edges by first row: a centre line y = r + 0.5 (in rows, down from the north edge) is crossed when
        // one end lies strictly above it and the other on or below, as in the point-in-polygon test.
        var edges: [Edge] = []
        let lastRow = Double(rows - 1)
        for ring in rings where ring.count >= 2 {
            for k in 1..<ring.count {
                let a = ring[k - 1], b = ring[k]
                let ya = (north - a.y) / cellHeight, yb = (north - b.y) / cellHeight
                guard ya != yb, ya.isFinite, yb.isFinite, a.x.isFinite, b.x.isFinite else { continue }
                let (top, bottom) = ya < yb ? (a, b) : (b, a)
                let yTop = min(ya, yb), yBottom = max(ya, yb)
                // Rows r with yTop < r + 0.5 <= yBottom, clamped to the grid (in Double first: far
                // coordinates must not overflow Int).
                let r0 = max(0, min(lastRow + 1, (yTop - 0.5).rounded(.down) + 1))
                let r1 = min(lastRow, max(-1, (yBottom - 0.5).rounded(.down)))
                guard r0 <= r1 else { continue }
                let xTop = (top.x - west) / cellWidth, xBottom = (bottom.x - west) / cellWidth
                edges.append(Edge(firstRow: Int(r0), lastRow: Int(r1), x0: xTop, y0: yTop, slope: (xBottom - xTop) / (yBottom - yTop)))
            }
        }
        guard !edges.isEmpty else { return }
        edges.sort { $0.firstRow < $1.firstRow }
        let colLimit = Double(cols)
        var next = 0
        var active: [Edge] = []
        var xs: [Double] = []
        var row = edges[0].firstRow
        while row < rows {
            if active.isEmpty {
                guard next < edges.count else { break }
                row = edges[next].firstRow
            }
            while next < edges.count, edges[next].firstRow == row { active.append(edges[next]); next += 1 }
            xs.removeAll(keepingCapacity: true)
            for e in active { xs.append(e.x(atRow: row)) }
            xs.sort()
            var k = 0
            while k + 1 < xs.count {
                // Cells whose centre c + 0.5 lies in [xs[k], xs[k+1]).
                let c0 = Int(max(0, min(colLimit, (xs[k] - 0.5).rounded(.up))))
                let c1 = Int(max(0, min(colLimit, (xs[k + 1] - 0.5).rounded(.up))))
                if c0 < c1 { span(row, c0, c1) }
                k += 2
            }
            // Edges that end at this row leave.
            var w = 0
            for i in active.indices where active[i].lastRow > row { active[w] = active[i]; w += 1 }
            active.removeLast(active.count - w)
            row += 1
        }
    }
}
