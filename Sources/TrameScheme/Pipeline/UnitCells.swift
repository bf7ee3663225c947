/// Which unit of every level (communes, groupings, …) each cell lies in, held as one number a cell: the index of
/// the cell's *combination* (its unit number in each level, 0 outside that level's units).
///
/// Levels nest or nearly so, so a territory has about as many combinations as units of its finest level: two
/// bytes a cell however many levels there are (before: two bytes a cell per level). Beyond 65,536 combinations
/// the cells take four bytes.
public struct UnitCells: Sendable {
    /// Per combination, the unit number (1…, 0 outside) in each level added so far.
    public private(set) var combinations: [[UInt16]]
    public private(set) var levelCount: Int
    private var narrow: [UInt16]
    private var wide: [UInt32]
    public let count: Int

    /// `count` cells, no level yet: every cell in the one empty combination.
    public init(count: Int) {
        self.count = count
        combinations = [[]]
        levelCount = 0
        narrow = [UInt16](repeating: 0, count: count)
        wide = []
    }

    /// The level grids given whole (one unit number a cell each), added in order.
    public init(count: Int, levels: [[UInt16]]) {
        self.init(count: count)
        for g in levels {
            precondition(g.count == count, "a unit grid of \(g.count) cells for \(count) cells")
            add(level: { g[$0] })
        }
    }

    /// Adds a level: `unit(i)` is cell i's unit number in it (0 outside its units).
    public mutating func add(level unit: (Int) -> UInt16) {
        var index: [UInt64: UInt32] = [:]
        var next: [[UInt16]] = []
        // Runs of cells share their combination: the last one found is tried first.
        var lastKey = UInt64.max, lastValue: UInt32 = 0
        func combination(_ old: Int, _ u: UInt16) -> UInt32 {
            let key = UInt64(old) << 16 | UInt64(u)
            if key == lastKey { return lastValue }
            let v: UInt32
            if let found = index[key] { v = found } else {
                v = UInt32(next.count)
                index[key] = v
                next.append(combinations[old] + [u])
            }
            lastKey = key; lastValue = v
            return v
        }
        if wide.isEmpty {
            var i = 0
            while i < count {
                let v = combination(Int(narrow[i]), unit(i))
                if v > UInt32(UInt16.max) { break }
                narrow[i] = UInt16(v)
                i += 1
            }
            if i < count {
                // More combinations than two bytes hold: four bytes a cell from here on. Cells before i hold
                // their new number already, the others still their old one.
                wide = narrow.map(UInt32.init)
                narrow = []
                for j in i..<count { wide[j] = combination(Int(wide[j]), unit(j)) }
            }
        } else {
            for i in 0..<count { wide[i] = combination(Int(wide[i]), unit(i)) }
        }
        combinations = next
        levelCount += 1
    }

    /// Cell i's combination (an index in `combinations`).
    @inline(__always) public func combination(at i: Int) -> Int { wide.isEmpty ? Int(narrow[i]) : Int(wide[i]) }

    /// Cell i's unit number in `level` (0 outside its units).
    @inline(__always) public func unit(level: Int, at i: Int) -> UInt16 { combinations[combination(at: i)][level] }

    /// Bytes held per cell: 2, or 4 beyond 65,536 combinations.
    public var bytesPerCell: Int { wide.isEmpty ? 2 : 4 }
}
