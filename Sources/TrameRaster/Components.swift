/// Connected regions of a grid: the one component labeller (reservoirs, towns, buffer zones, nature spaces,
/// built-up groups in corridors).
///
/// Regions are numbered 1…count in the order of their first cell in row-major order (the published ids of
/// reservoirs and nature spaces are these numbers). Each region is filled depth-first with an explicit stack
/// (no per-cell allocation), pushing neighbours in the order of the given steps; `visit` sees the cells of
/// one region after another, each region from its first cell.
public struct Components: Sendable {
    /// Region id of each cell (0 outside every region).
    public var labels: [Int32]
    /// Per region (index id − 1): its class and its number of cells.
    public var classOf: [UInt8]
    public var cells: [Int]

    public var count: Int { cells.count }

    /// Labels the regions of equal non-zero class of `classes` (0 = background); regions of class `c`
    /// smaller than `minCells(c)` are dropped (their cells get label 0) and the kept ones renumbered 1…count
    /// in their order.
    public init(classes: [UInt8], cols: Int, rows: Int, connexity: Neighbourhood = .queen, minCells: (UInt8) -> Int = { _ in 0 }) {
        let n = cols * rows
        var classOf: [UInt8] = [], cells: [Int] = []
        var labels = classes.withUnsafeBufferPointer { C in
            Components.label(cols: cols, rows: rows, steps: connexity.steps, region: { C[$0] != 0 ? C[$0] : nil }) { id, cell in
                if Int(id) > cells.count { classOf.append(C[cell]); cells.append(0) }
                cells[Int(id) - 1] += 1
            }
        }
        // Drop small regions and renumber the kept ones 1…count.
        var newId = [Int32](repeating: 0, count: cells.count + 1)
        var keptClass: [UInt8] = [], keptCells: [Int] = []
        for k in cells.indices where cells[k] >= minCells(classOf[k]) {
            keptClass.append(classOf[k]); keptCells.append(cells[k])
            newId[k + 1] = Int32(keptCells.count)
        }
        if keptCells.count != cells.count {
            newId.withUnsafeBufferPointer { M in
                labels.withUnsafeMutableBufferPointer { L in
                    for i in 0..<n where L[i] != 0 { L[i] = M[Int(L[i])] }
                }
            }
        }
        self.labels = labels; self.classOf = keptClass; self.cells = keptCells
    }

    /// Labels the connected regions of a `cols` × `rows` grid.
    ///
    /// - Parameters:
    ///   - steps: the neighbours a region spreads to, in the order they are pushed (`Neighbourhood.steps`,
    ///     or `Neighbourhood.rowMajorSteps` where the visiting order must follow rows).
    ///   - region: the region key of a cell, nil for background; neighbours of equal key join.
    ///   - visit: called once per cell of each region, with its id, region after region.
    /// - Returns: per cell its region id (1…), 0 for background.
    @inlinable
    public static func label<Key: Equatable>(cols: Int, rows: Int, steps: [Neighbourhood.Step], region: (Int) -> Key?,
                                             visit: (Int32, Int) -> Void) -> [Int32] {
        let n = cols * rows
        var labels = [Int32](repeating: 0, count: n)
        var stack: [Int] = []
        var next: Int32 = 0
        labels.withUnsafeMutableBufferPointer { L in
            for seed in 0..<n where L[seed] == 0 {
                guard let key = region(seed) else { continue }
                next += 1
                L[seed] = next; stack.append(seed)
                while let v = stack.popLast() {
                    visit(next, v)
                    let c = v % cols, r = v / cols
                    for s in steps {
                        let cc = c + s.dc, rr = r + s.dr
                        guard cc >= 0, cc < cols, rr >= 0, rr < rows else { continue }
                        let u = rr * cols + cc
                        if L[u] == 0 && region(u) == key { L[u] = next; stack.append(u) }
                    }
                }
            }
        }
        return labels
    }
}
