/// A binary min-heap of (key, item) pairs in two flat arrays: the one priority queue of the Dijkstra and A*
/// searches on grids and graphs (buffer zones, unit connectivity, betweenness re-searches, routes, hubs).
/// Items are integers (a node, a cell; a search that carries more packs it in), so that the heap is concrete
/// code: a generic one ran the metrics bench twice as slow in debug builds.
/// The radix heap of cost distance (`TrameCost.RadixHeap`) is another structure, for monotone integer keys.
///
/// Entries of equal key leave in an order fixed by the sequence of pushes and pops (the classic array heap:
/// sift up while the parent is greater, sift down towards the smaller child, the left one on a tie), so
/// searches that break ties by pop order give the same results from run to run. swift-collections' `Heap`
/// (a min-max heap) orders ties differently, which would move labels and paths on ties.
public struct MinHeap: Sendable {
    @usableFromInline var keys: [Double] = []
    @usableFromInline var items: [Int] = []

    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { keys.isEmpty }
    @inlinable public var count: Int { keys.count }

    /// Empties the heap, keeping its storage for the next search.
    @inlinable public mutating func removeAll() {
        keys.removeAll(keepingCapacity: true); items.removeAll(keepingCapacity: true)
    }

    @inlinable public mutating func push(_ key: Double, _ item: Int) {
        keys.append(key); items.append(item)
        var i = keys.count - 1
        while i > 0 {
            let p = (i - 1) >> 1
            if keys[p] <= key { break }
            keys[i] = keys[p]; items[i] = items[p]; i = p
        }
        keys[i] = key; items[i] = item
    }

    /// The entry of least key, removed; nil when empty.
    @inlinable public mutating func pop() -> (key: Double, item: Int)? {
        guard let top = keys.first else { return nil }
        let out = (key: top, item: items[0])
        let lastKey = keys.removeLast(), lastItem = items.removeLast()
        let n = keys.count
        if n > 0 {
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = r < n && keys[r] < keys[l] ? r : l
                if keys[c] >= lastKey { break }
                keys[i] = keys[c]; items[i] = items[c]; i = c
            }
            keys[i] = lastKey; items[i] = lastItem
        }
        return out
    }
}
