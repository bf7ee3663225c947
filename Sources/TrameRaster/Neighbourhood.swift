/// Which cells count as neighbours of a cell, and how far away each one is in cell widths.
///
/// - `rook`: 4 neighbours (N, E, S, W), step 1.
/// - `queen`: 8 neighbours, adding diagonals at √2.
/// - `knight`: 16 neighbours, adding the eight knight's moves at √5, as GRASS `r.cost -k`.
public enum Neighbourhood: Int, CaseIterable, Sendable {
    case rook = 4
    case queen = 8
    case knight = 16

    /// A move from a cell: column and row offsets and the step length in cell widths.
    public struct Step: Sendable, Equatable {
        public let dc: Int
        public let dr: Int
        public let length: Double
    }

    public var steps: [Step] {
        var s: [Step] = [
            Step(dc: 0, dr: -1, length: 1), Step(dc: 1, dr: 0, length: 1),
            Step(dc: 0, dr: 1, length: 1), Step(dc: -1, dr: 0, length: 1),
        ]
        if self == .rook { return s }
        let d = 2.0.squareRoot()
        s += [Step(dc: 1, dr: -1, length: d), Step(dc: 1, dr: 1, length: d),
              Step(dc: -1, dr: 1, length: d), Step(dc: -1, dr: -1, length: d)]
        if self == .queen { return s }
        let k = 5.0.squareRoot()
        s += [Step(dc: 1, dr: -2, length: k), Step(dc: 2, dr: -1, length: k),
              Step(dc: 2, dr: 1, length: k), Step(dc: 1, dr: 2, length: k),
              Step(dc: -1, dr: 2, length: k), Step(dc: -2, dr: 1, length: k),
              Step(dc: -2, dr: -1, length: k), Step(dc: -1, dr: -2, length: k)]
        return s
    }

    /// The same steps in row-major order (the row above left to right, then the row itself, then the row
    /// below), for searches whose ties are broken in that order.
    public var rowMajorSteps: [Step] { steps.sorted { ($0.dr, $0.dc) < ($1.dr, $1.dc) } }
}
