import TrameRaster

/// Connected regions of equal non-zero class on a grid (8-connected), labelled 1…count.
///
/// An explicit stack, no per-cell allocation; the labels array is the only grid-sized buffer.
public struct Components {
    /// Region id of each cell (0 outside every region).
    public var labels: [Int32]
    /// Per region (index id − 1): its class and its number of cells.
    public var classOf: [UInt8]
    public var cells: [Int]

    public var count: Int { cells.count }

    /// Labels the regions of `classes` (0 = background); regions of class `c` smaller than
    /// `minCells(c)` are dropped (their cells get label 0).
    public init(classes: [UInt8], cols: Int, rows: Int, minCells: (UInt8) -> Int = { _ in 0 }) {
        let n = cols * rows
        var labels = [Int32](repeating: 0, count: n)
        var classOf: [UInt8] = [], cells: [Int] = []
        var stack: [Int] = []
        var next: Int32 = 1
        classes.withUnsafeBufferPointer { C in
            labels.withUnsafeMutableBufferPointer { L in
                for seed in 0..<n where C[seed] != 0 && L[seed] == 0 {
                    let cls = C[seed]
                    var count = 0
                    L[seed] = next; stack.append(seed)
                    while let v = stack.popLast() {
                        count += 1
                        let c = v % cols, r = v / cols
                        for dr in -1...1 {
                            let rr = r + dr
                            if rr < 0 || rr >= rows { continue }
                            for dc in -1...1 where dr != 0 || dc != 0 {
                                let cc = c + dc
                                if cc < 0 || cc >= cols { continue }
                                let u = rr * cols + cc
                                if C[u] == cls && L[u] == 0 { L[u] = next; stack.append(u) }
                            }
                        }
                    }
                    classOf.append(cls); cells.append(count)
                    next += 1
                }
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
}
