/// The cost and step of each cell a bounded search touches, stored only for the runs of 64 cells it
/// touches, so that a search's memory follows the area it explores rather than the whole grid.
///
/// A bounded search (a link from one patch, a corridor around one link) explores a few thousand to a few
/// million cells of a grid that may hold hundreds of millions. Two dense arrays per search (cost as
/// `Double`, step as `UInt8`: 9 bytes per cell of the grid) made the corridor stage of a scheme, with two
/// workers of two searches each, cost 36 bytes per cell. Here the grid is cut into runs of 64 consecutive
/// cells (part of one row, or the end of one and the start of the next); a run gets a page — 64 costs and 64
/// steps, 576 bytes — the first time one of its cells is written, and a table of one pointer per run
/// (8 bytes per 64 cells) finds it. Untouched cells read as cost ∞ and step 0, as the dense arrays were
/// initialised. Pages are cleared and kept for the next search.
///
/// - Complexity: a read or write is one more load than a dense array (the run's page pointer, shared by
///   the cells of a row); memory is 0.125 bytes per grid cell plus 9 bytes per cell of the touched runs.
final class SearchCells {
    static let runShift = 6
    static let runLength = 1 << runShift
    static let stepsOffset = runLength * MemoryLayout<Double>.stride
    private static let pageBytes = stepsOffset + runLength

    /// One page pointer per run of 64 cells, nil where no cell of the run was written.
    let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let runs: Int
    /// Runs holding a page, to clear at the next search; pages cleared and free for reuse.
    private var used: [Int] = []
    private var spare: [UnsafeMutableRawPointer] = []

    init(count: Int) {
        runs = (count + SearchCells.runLength - 1) >> SearchCells.runShift
        table = .allocate(capacity: max(1, runs))
        table.initialize(repeating: nil, count: max(1, runs))
    }

    deinit {
        for r in used { table[r].map { $0.deallocate() } }
        for p in spare { p.deallocate() }
        table.deallocate()
    }

    /// Bytes held: the table and every page, used or spare.
    var bytes: Int { runs * MemoryLayout<UnsafeMutableRawPointer?>.stride + (used.count + spare.count) * SearchCells.pageBytes }

    /// Every cell back to cost ∞ and step 0 (the touched runs only).
    func clear() {
        for r in used {
            let p = table[r]!
            SearchCells.fresh(p)
            spare.append(p)
            table[r] = nil
        }
        used.removeAll(keepingCapacity: true)
    }

    @inline(__always) func cost(_ i: Int) -> Double {
        guard let p = table[i >> SearchCells.runShift] else { return .infinity }
        return p.assumingMemoryBound(to: Double.self)[i & (SearchCells.runLength - 1)]
    }

    @inline(__always) func step(_ i: Int) -> UInt8 {
        guard let p = table[i >> SearchCells.runShift] else { return 0 }
        return (p + SearchCells.stepsOffset).assumingMemoryBound(to: UInt8.self)[i & (SearchCells.runLength - 1)]
    }

    /// The page of cell `i`'s run, made on first use.
    @inline(__always) func page(_ i: Int) -> UnsafeMutableRawPointer {
        if let p = table[i >> SearchCells.runShift] { return p }
        return newPage(i >> SearchCells.runShift)
    }

    @inline(__always) func setCost(_ i: Int, _ v: Double) {
        page(i).assumingMemoryBound(to: Double.self)[i & (SearchCells.runLength - 1)] = v
    }

    @inline(__always) func setStep(_ i: Int, _ v: UInt8) {
        (page(i) + SearchCells.stepsOffset).assumingMemoryBound(to: UInt8.self)[i & (SearchCells.runLength - 1)] = v
    }

    private func newPage(_ run: Int) -> UnsafeMutableRawPointer {
        let p: UnsafeMutableRawPointer
        if let s = spare.popLast() {
            p = s
        } else {
            p = .allocate(byteCount: SearchCells.pageBytes, alignment: MemoryLayout<Double>.alignment)
            p.bindMemory(to: Double.self, capacity: SearchCells.runLength)
            (p + SearchCells.stepsOffset).bindMemory(to: UInt8.self, capacity: SearchCells.runLength)
            SearchCells.fresh(p)
        }
        table[run] = p
        used.append(run)
        return p
    }

    private static func fresh(_ p: UnsafeMutableRawPointer) {
        p.assumingMemoryBound(to: Double.self).update(repeating: .infinity, count: runLength)
        (p + stepsOffset).assumingMemoryBound(to: UInt8.self).update(repeating: 0, count: runLength)
    }
}
