/// A radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990) over non-negative `Double` keys for monotone
/// searches such as Dijkstra's, where every key pushed is at least the last key popped.
///
/// Keys are bucketed by the highest bit in which they differ from the last key popped (the IEEE 754 bit
/// pattern of a non-negative double orders like the double), so a push is an append and a pop rarely
/// touches more than one small bucket. Stale entries are left in and skipped by the caller.
/// - Complexity: push O(1); popMin amortised O(log K) for 64-bit keys, in practice a few moves per entry.
final class RadixHeap {
    private struct Bucket {
        var keys: UnsafeMutablePointer<UInt64>
        var cells: UnsafeMutablePointer<Int>
        var count = 0
        var capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            keys = .allocate(capacity: capacity); cells = .allocate(capacity: capacity)
        }
        mutating func append(_ k: UInt64, _ c: Int) {
            if count == capacity {
                let nc = capacity * 2
                let nk = UnsafeMutablePointer<UInt64>.allocate(capacity: nc), ncl = UnsafeMutablePointer<Int>.allocate(capacity: nc)
                nk.moveInitialize(from: keys, count: count); ncl.moveInitialize(from: cells, count: count)
                keys.deallocate(); cells.deallocate()
                keys = nk; cells = ncl; capacity = nc
            }
            keys[count] = k; cells[count] = c; count += 1
        }
        func free() { keys.deallocate(); cells.deallocate() }
    }

    private var buckets: UnsafeMutablePointer<Bucket>
    private var last: UInt64 = 0
    private(set) var count = 0

    init() {
        buckets = .allocate(capacity: 65)
        for i in 0..<65 { (buckets + i).initialize(to: Bucket(capacity: i == 0 ? 256 : 64)) }
    }

    deinit {
        for i in 0..<65 { buckets[i].free() }
        buckets.deallocate()
    }

    func removeAll() {
        for i in 0..<65 { buckets[i].count = 0 }
        count = 0; last = 0
    }

    @inline(__always) private func bucket(_ k: UInt64) -> Int {
        k == last ? 0 : 64 - (k ^ last).leadingZeroBitCount
    }

    /// Adds a key ≥ the last key popped (finite, ≥ 0).
    @inline(__always) func push(_ key: Double, _ cell: Int) {
        let k = key.bitPattern
        assert(key >= 0 && key.isFinite && k >= last, "radix heap keys must be monotone")
        buckets[bucket(k)].append(k, cell)
        count += 1
    }

    @inline(__always) func popMin() -> (Double, Int)? {
        guard count > 0 else { return nil }
        if buckets[0].count == 0 {
            var i = 1
            while buckets[i].count == 0 { i += 1 }
            // New last = the least key in bucket i; its entries all move to lower buckets.
            let b = buckets[i]
            var m = b.keys[0]
            for j in 1..<b.count where b.keys[j] < m { m = b.keys[j] }
            last = m
            for j in 0..<b.count { buckets[bucket(b.keys[j])].append(b.keys[j], b.cells[j]) }
            buckets[i].count = 0
        }
        buckets[0].count -= 1
        count -= 1
        let j = buckets[0].count
        return (Double(bitPattern: buckets[0].keys[j]), buckets[0].cells[j])
    }
}
