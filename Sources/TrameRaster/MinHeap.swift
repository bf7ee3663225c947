/// A binary min-heap of (key, item) pairs: the one priority queue of the Dijkstra and A* searches on grids
/// and graphs (buffer zones, unit connectivity, betweenness re-searches, routes, hubs). The radix heap of
/// cost distance (`TrameCost.RadixHeap`) is another structure, for monotone keys.
///
/// Entries of equal key leave in an order fixed by the sequence of pushes and pops (the classic array heap:
/// sift up while the parent is greater, sift down towards the smaller child, the left one on a tie), so
/// searches that break ties by pop order give the same results from run to run. swift-collections' `Heap`
/// (a min-max heap) orders ties differently, which would move labels and paths on ties.
///
/// Items are integers (a node, a cell; a search that carries more packs it in) kept with their keys in two
/// raw buffers that grow by doubling and are copied on write: the metrics bench ran twice as slow on
/// arrays in debug builds.
public struct MinHeap: @unchecked Sendable {
    @usableFromInline final class Storage {
        @usableFromInline var keys: UnsafeMutablePointer<Double>
        @usableFromInline var items: UnsafeMutablePointer<Int>
        @usableFromInline var count = 0
        @usableFromInline var capacity: Int

        @usableFromInline init(capacity: Int) {
            self.capacity = capacity
            keys = .allocate(capacity: capacity); items = .allocate(capacity: capacity)
        }

        @usableFromInline func copy(capacity: Int) -> Storage {
            let s = Storage(capacity: capacity)
            s.keys.initialize(from: keys, count: count); s.items.initialize(from: items, count: count)
            s.count = count
            return s
        }

        deinit { keys.deallocate(); items.deallocate() }
    }

    @usableFromInline var storage = Storage(capacity: 16)

    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { storage.count == 0 }
    @inlinable public var count: Int { storage.count }

    /// Empties the heap, keeping its storage for the next search.
    @inlinable public mutating func removeAll() {
        if isKnownUniquelyReferenced(&storage) { storage.count = 0 } else { storage = Storage(capacity: storage.capacity) }
    }

    @inlinable public mutating func push(_ key: Double, _ item: Int) {
        if !isKnownUniquelyReferenced(&storage) || storage.count == storage.capacity {
            storage = storage.copy(capacity: storage.count == storage.capacity ? 2 * storage.capacity : storage.capacity)
        }
        let s = storage, K = s.keys, V = s.items
        var i = s.count
        s.count += 1
        while i > 0 {
            let p = (i - 1) >> 1
            if K[p] <= key { break }
            K[i] = K[p]; V[i] = V[p]; i = p
        }
        K[i] = key; V[i] = item
    }

    /// The entry of least key, removed; nil when empty.
    @inlinable public mutating func pop() -> (key: Double, item: Int)? {
        guard storage.count > 0 else { return nil }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(capacity: storage.capacity) }
        let s = storage, K = s.keys, V = s.items
        let out = (key: K[0], item: V[0])
        s.count -= 1
        let n = s.count
        if n > 0 {
            let lastKey = K[n], lastItem = V[n]
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = r < n && K[r] < K[l] ? r : l
                if K[c] >= lastKey { break }
                K[i] = K[c]; V[i] = V[c]; i = c
            }
            K[i] = lastKey; V[i] = lastItem
        }
        return out
    }
}
