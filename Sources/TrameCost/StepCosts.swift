import TrameRaster
import TrameVector

/// The cost of each move of a neighbourhood on a resistance grid, by GRASS r.cost's rules:
/// mean of the two cells' resistances × step length for rook and queen moves; mean of the four cells a
/// knight's move crosses × its length, barred when any of them is impassable.
struct StepCosts {
    let steps: [Neighbourhood.Step]
    let offsets: [Int]
    /// Step length in metres.
    let lengths: [Double]
    /// For knight's moves, the offsets of the two cells beside the move.
    let beside: [(Int, Int)]
    let isKnight: [Bool]
    let cols: Int, rows: Int
    let noData: Float?

    init(spec: GridSpec, neighbourhood: Neighbourhood, noData: Float?) {
        let cols = spec.cols
        steps = neighbourhood.steps
        let w = abs(spec.transform.pixelWidth), h = abs(spec.transform.pixelHeight)
        lengths = steps.map { ((Double($0.dc) * w) * (Double($0.dc) * w) + (Double($0.dr) * h) * (Double($0.dr) * h)).squareRoot() }
        offsets = steps.map { $0.dr * cols + $0.dc }
        beside = steps.map { s in
            guard abs(s.dc) + abs(s.dr) == 3 else { return (0, 0) }
            if abs(s.dr) == 2 { return (s.dr.signum() * cols, s.dr.signum() * cols + s.dc.signum()) }
            return (s.dc.signum(), s.dr.signum() * cols + s.dc.signum())
        }
        isKnight = steps.map { abs($0.dc) + abs($0.dr) == 3 }
        self.cols = cols; rows = spec.rows; self.noData = noData
    }

    @inline(__always) func passable(_ r: Float) -> Bool { r > 0 && r.isFinite && r != noData }

    /// Target cell of step `k` from cell `v` at (c, r), or nil off the grid.
    @inline(__always) func target(_ v: Int, _ c: Int, _ r: Int, _ k: Int) -> Int? {
        let cc = c + steps[k].dc, rr = r + steps[k].dr
        if cc < 0 || cc >= cols || rr < 0 || rr >= rows { return nil }
        return v + offsets[k]
    }

    /// Cost of step `k` from `v` to `u` (resistance × metres), or nil when barred.
    @inline(__always) func cost(_ R: UnsafeBufferPointer<Float>, _ v: Int, _ u: Int, _ k: Int) -> Double? {
        let rv = R[v], ru = R[u]
        if !passable(rv) || !passable(ru) { return nil }
        if isKnight[k] {
            let m1 = R[v + beside[k].0], m2 = R[v + beside[k].1]
            if !passable(m1) || !passable(m2) { return nil }
            return (Double(rv) + Double(ru) + Double(m1) + Double(m2)) / 4 * lengths[k]
        }
        return (Double(rv) + Double(ru)) / 2 * lengths[k]
    }

    /// Follows back-links from `end` to a cell without one (a source): the cells source first, their centres,
    /// and the length in metres. `stepInto(cell)` is 1 + the index of the move that led into the cell, 0 at a
    /// source. Nil when the links loop (corrupt input).
    func trace(to end: Int, transform: GeoTransform, stepInto: (Int) -> Int) -> (cells: [Int], line: [Point], length: Double)? {
        var cells = [end]
        var length = 0.0
        var v = end
        while true {
            let b = stepInto(v)
            if b == 0 { break }
            length += lengths[b - 1]
            v -= offsets[b - 1]
            cells.append(v)
            if cells.count > cols * rows { return nil }
        }
        cells.reverse()
        let line = cells.map { i -> Point in
            let c = transform.centre(col: i % cols, row: i / cols)
            return Point(c.x, c.y)
        }
        return (cells, line, length)
    }
}
