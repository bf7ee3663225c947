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
        let moves = StepCosts(spec: spec, neighbourhood: neighbourhood, noData: nil)
        guard let (cells, line, length) = moves.trace(to: cell, transform: spec.transform, stepInto: { Int(backLink.values[$0]) }) else { return nil }
        return LeastCostPath(cells: cells, line: line, length: length, cost: cost.values[cell])
    }
}
