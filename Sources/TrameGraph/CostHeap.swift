/// A binary min-heap of (cost, index) pairs for Dijkstra searches, with lazy deletion:
/// a node may be pushed several times and stale entries are skipped by the caller.
///
/// - Complexity: `push` and `popMin` are O(log n).
public struct CostHeap: Sendable {
    public struct Entry: Sendable {
        public var cost: Double
        public var index: Int
    }

    public private(set) var entries: [Entry] = []

    public init(capacity: Int = 0) { entries.reserveCapacity(capacity) }

    @inlinable public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    public mutating func push(_ cost: Double, _ index: Int) {
        entries.append(Entry(cost: cost, index: index))
        entries.withUnsafeMutableBufferPointer { e in
            var i = e.count - 1
            let x = e[i]
            while i > 0 {
                let p = (i - 1) >> 1
                if e[p].cost <= x.cost { break }
                e[i] = e[p]; i = p
            }
            e[i] = x
        }
    }

    public mutating func popMin() -> Entry? {
        guard let last = entries.popLast() else { return nil }
        if entries.isEmpty { return last }
        let top = entries[0]
        entries.withUnsafeMutableBufferPointer { e in
            let n = e.count
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = (r < n && e[r].cost < e[l].cost) ? r : l
                if e[c].cost >= last.cost { break }
                e[i] = e[c]; i = c
            }
            e[i] = last
        }
        return top
    }
}
