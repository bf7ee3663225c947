/// A monotone integer priority queue that hands out, at each step, every entry with the least key
/// together (a batch), for label-setting searches that settle a whole cost band at once.
///
/// Inside it is a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990, "Faster algorithms for the shortest
/// path problem", J. ACM 37(2)) over `UInt64` keys: an entry sits in the bucket of the highest bit in which
/// its key differs from the current least key, so a push is an append; a 64-bit mask of non-empty buckets
/// finds the next one with one instruction. Key and cell are stored side by side (16 bytes), so moving a
/// bucket reads and writes one stream.
///
/// Keys pushed must be ≥ the key of the batch being handed out; entries with that same key may be pushed
/// while the batch is walked (they join its end, `batchCount` grows). Stale entries are left in and
/// skipped by the caller.
/// - Complexity: push O(1); `nextBatch` amortised O(log K) moves per entry for keys spread over K values.
final class BatchQueue {
    private struct Entry {
        var key: UInt64
        var cell: Int
    }

    private struct Bucket {
        var entries: UnsafeMutablePointer<Entry>
        var count = 0
        var capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            entries = .allocate(capacity: capacity)
        }
        @inline(__always) mutating func append(_ e: Entry) {
            if count == capacity { grow() }
            entries[count] = e
            count += 1
        }
        @inline(never) mutating func grow() {
            let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: entries, count: count)
            entries.deallocate()
            entries = bigger
            capacity *= 2
        }
    }

    /// Bucket 0 holds the current batch (key == `least`); bucket b ≥ 1 the keys whose highest bit
    /// differing from `least` is bit b − 1.
    private let buckets: UnsafeMutablePointer<Bucket>
    private var least: UInt64 = 0
    /// Bit b − 1 set when bucket b ≥ 1 is not empty.
    private var occupied: UInt64 = 0
    /// Entries in buckets 1…64.
    private var pending = 0

    init() {
        buckets = .allocate(capacity: 65)
        for i in 0..<65 { (buckets + i).initialize(to: Bucket(capacity: i == 0 ? 1024 : 256)) }
    }

    deinit {
        for i in 0..<65 { buckets[i].entries.deallocate() }
        buckets.deallocate()
    }

    @inline(__always) private func bucket(_ key: UInt64) -> Int { 64 - (key ^ least).leadingZeroBitCount }

    /// The least key among the entries in buckets 1…64, when known (`peekKey` found it and no gathering
    /// has happened since; pushes keep it up to date).
    private var pendingLeast: UInt64? = nil

    /// Adds `cell` with `key` ≥ the current batch's key.
    @inline(__always) func push(_ key: UInt64, _ cell: Int) {
        assert(key >= least, "batch queue keys must be monotone")
        let b = bucket(key)
        buckets[b].append(Entry(key: key, cell: cell))
        if b > 0 {
            occupied |= 1 << UInt64(b - 1)
            pending += 1
            if let p = pendingLeast, key < p { pendingLeast = key }
        }
    }

    /// The key of the next batch without handing it out (nil when the queue is empty): the current batch's
    /// if it holds entries, else the least pending key (the least of the lowest non-empty bucket, whose keys
    /// are all below the higher buckets'). A search on several threads compares these keys before each
    /// band; keys pushed afterwards must still be ≥ the current batch's key, not the key peeked.
    func peekKey() -> UInt64? {
        if buckets[0].count > 0 { return least }
        guard pending > 0 else { return nil }
        if let p = pendingLeast { return p }
        let b = buckets[occupied.trailingZeroBitCount + 1]
        var m = b.entries[0].key
        for j in 1..<b.count where b.entries[j].key < m { m = b.entries[j].key }
        pendingLeast = m
        return m
    }

    /// Calls `body(key, cell)` for every entry (stale ones included), in no particular order.
    func forEachEntry(_ body: (UInt64, Int) -> Void) {
        for b in 0..<65 { for j in 0..<buckets[b].count { body(buckets[b].entries[j].key, buckets[b].entries[j].cell) } }
    }

    /// Empties the current batch (once it has been walked).
    @inline(__always) func dropBatch() { buckets[0].count = 0 }

    /// Gathers the entries with the least key into the current batch, unless it holds entries already (the
    /// sources pushed with key 0, or entries pushed since the last `dropBatch` with the batch's key); false
    /// when the queue is empty.
    @inline(__always) func nextBatch() -> Bool {
        if buckets[0].count > 0 { return true }
        guard pending > 0 else { return false }
        let i = occupied.trailingZeroBitCount + 1
        occupied &= occupied - 1
        let b = buckets[i]
        var m = b.entries[0].key
        if let p = pendingLeast { m = p } else {
            for j in 1..<b.count where b.entries[j].key < m { m = b.entries[j].key }
        }
        pendingLeast = nil
        least = m
        pending -= b.count
        for j in 0..<b.count {
            let e = b.entries[j]
            let t = bucket(e.key)
            buckets[t].append(e)
            if t > 0 {
                occupied |= 1 << UInt64(t - 1)
                pending += 1
            }
        }
        buckets[i].count = 0
        return true
    }

    /// Entries in the current batch (grows when entries with the batch's key are pushed).
    @inline(__always) var batchCount: Int { buckets[0].count }

    /// Cell of entry `j` of the current batch.
    @inline(__always) func batchCell(_ j: Int) -> Int { buckets[0].entries[j].cell }
}
