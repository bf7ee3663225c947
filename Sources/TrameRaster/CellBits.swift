/// Per cell, a set of up to 32 flags (flag k: inventory k, sub-network k), stored in the fewest whole bytes
/// that hold `flags` of them: none for 0 flags, 1 byte a cell up to 8, 2 up to 16, 4 up to 32.
///
/// The scheme keeps several such sets for the whole run (the inventories' sites, each sub-network's
/// reservoirs, corridors and pinch points); at 40 million cells each byte a cell is 40 MB. Flag k of cell
/// i lives in byte `i * stride + k / 8`, bit `k % 8`, so setting a flag touches one byte and the layout
/// does not depend on the machine's byte order.
///
/// - Complexity: reading or setting a cell's flags is O(`stride`); memory is `count * stride` bytes.
public struct CellBits: Sendable, Equatable {
    /// The flags' bytes, `stride` per cell.
    @usableFromInline var bytes: [UInt8]
    /// Bytes per cell: 0, 1, 2 or 4.
    public let stride: Int
    /// Cells.
    public let count: Int
    /// How many flags a cell can hold (the `flags` it was made for).
    public let flags: Int

    /// All flags clear. `flags` is at most 32 (callers refuse more, naming their own limit).
    public init(count: Int, flags: Int) {
        precondition(flags >= 0 && flags <= 32, "CellBits holds 0…32 flags a cell, not \(flags)")
        self.count = count
        self.flags = flags
        stride = CellBits.stride(flags: flags)
        bytes = LargeBuffer.array(repeating: 0, count: count * stride)
    }

    /// From one 32-bit word of flags per cell (a test's hand-made cells); flags at or above `flags` are dropped.
    public init(words: [UInt32], flags: Int) {
        self.init(count: words.count, flags: flags)
        for i in words.indices {
            for k in 0..<flags where words[i] & (UInt32(1) << UInt32(k)) != 0 { insert(k, at: i) }
        }
    }

    /// Bytes a cell takes for `flags` flags: 0, 1, 2 or 4.
    public static func stride(flags: Int) -> Int { flags == 0 ? 0 : flags <= 8 ? 1 : flags <= 16 ? 2 : 4 }

    /// The flags of cell `i` as a word (bit k: flag k).
    @inlinable public subscript(i: Int) -> UInt32 {
        switch stride {
        case 0: return 0
        case 1: return UInt32(bytes[i])
        case 2: return UInt32(bytes[2 &* i]) | UInt32(bytes[2 &* i &+ 1]) << 8
        default:
            let b = 4 &* i
            return UInt32(bytes[b]) | UInt32(bytes[b &+ 1]) << 8 | UInt32(bytes[b &+ 2]) << 16 | UInt32(bytes[b &+ 3]) << 24
        }
    }

    /// Whether cell `i` has any flag.
    @inlinable public func isEmpty(at i: Int) -> Bool { self[i] == 0 }

    /// Whether cell `i` has flag `k`.
    @inlinable public func contains(_ k: Int, at i: Int) -> Bool {
        assert(k < flags)
        return bytes[i &* stride &+ k >> 3] & (1 << UInt8(k & 7)) != 0
    }

    /// Sets flag `k` of cell `i`.
    @inlinable public mutating func insert(_ k: Int, at i: Int) {
        assert(k < flags)
        bytes[i &* stride &+ k >> 3] |= 1 << UInt8(k & 7)
    }

    /// Sets flag `k` on every cell where `cells` is non-zero; returns how many cells that is.
    /// - Complexity: O(`count`).
    @discardableResult public mutating func insert(_ k: Int, where cells: [UInt8]) -> Int {
        precondition(cells.count == count && k < flags)
        let s = stride, at = k >> 3, bit = UInt8(1) << UInt8(k & 7)
        var n = 0
        cells.withUnsafeBufferPointer { C in
            bytes.withUnsafeMutableBufferPointer { B in
                for i in 0..<C.count where C[i] != 0 { B[i &* s &+ at] |= bit; n += 1 }
            }
        }
        return n
    }

    /// 1 where a cell has a flag of `mask`, 0 elsewhere.
    /// - Complexity: O(`count` × `stride`).
    public func cells(matching mask: UInt32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count where self[i] & mask != 0 { out[i] = 1 }
        return out
    }
}
