import TrameRaster
import TrameVector

/// A least-cost path traced on a cost surface.
public struct LeastCostPath: Sendable {
    /// Cells from the source to the end cell.
    public var cells: [Int]
    /// Cell centres, source first, in map coordinates.
    public var line: [Point]
    /// Length along the path in metres.
    public var length: Double
    /// Accumulated cost at the end cell (resistance × metres).
    public var cost: Double
}

extension CostSurface {
    /// Traces the path from `cell` back to its source through the back-links.
    ///
    /// Returns nil when the cell is unreached, or when the surface was computed without back-links. The path's cost is exactly the cost surface's value at
    /// `cell`, and its length is the sum of the step lengths.
    /// - Complexity: O(path length).
    public func path(to cell: Int) -> LeastCostPath? {
        let spec = cost.spec
        guard cell >= 0, cell < spec.count, cost.values[cell] >= 0, let backLink else { return nil }
        let steps = neighbourhood.steps
        let w = abs(spec.transform.pixelWidth), h = abs(spec.transform.pixelHeight)
        var cells = [cell]
        var length = 0.0
        var v = cell
        while true {
            let b = Int(backLink.values[v])
            if b == 0 { break }
            let s = steps[b - 1]
            length += ((Double(s.dc) * w) * (Double(s.dc) * w) + (Double(s.dr) * h) * (Double(s.dr) * h)).squareRoot()
            v -= s.dr * spec.cols + s.dc
            cells.append(v)
            if cells.count > spec.count { return nil } // corrupt back-links: never loop forever
        }
        cells.reverse()
        let line = cells.map { i -> Point in
            let c = spec.transform.centre(col: i % spec.cols, row: i / spec.cols)
            return Point(c.x, c.y)
        }
        return LeastCostPath(cells: cells, line: line, length: length, cost: cost.values[cell])
    }
}
