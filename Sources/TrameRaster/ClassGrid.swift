/// A land cover held as class indices: each cell stores the index of its class code in `codes`, in one byte
/// while the grid holds at most 256 distinct values (NoData included), two up to 65,536; beyond that, four
/// bytes a cell holding the codes themselves. A land cover read as 32-bit codes takes a quarter of the
/// memory once narrowed (40 MB instead of 160 at 40 million cells), and reads back the same codes.
///
/// - Complexity: narrowing is O(cells) plus O(classes log classes); reading a cell's code is O(1).
public struct ClassGrid: Sendable {
    public let spec: GridSpec
    /// The NoData code, if any (as in the `Grid<Int32>` it was made from).
    public let noData: Int32?
    /// The distinct codes of the grid, increasing, when it stores indices (`stride` 1 or 2); empty at 4.
    public let codes: [Int32]
    /// Bytes per cell: 1, 2 or 4 (then the codes themselves, little-endian).
    public let stride: Int
    @usableFromInline let bytes: [UInt8]

    /// Narrows a grid of class codes. - Complexity: two passes over the cells.
    public init(_ grid: Grid<Int32>) {
        spec = grid.spec
        noData = grid.noData
        // The distinct codes: 0…65,535 in a flat table, others (negative, wide) in a set.
        var small = [Bool](repeating: false, count: 65_536)
        var others = Set<Int32>()
        grid.values.withUnsafeBufferPointer { V in
            for v in V {
                if v >= 0 && v < 65_536 { small[Int(v)] = true } else if others.count <= 65_536 { others.insert(v) }
            }
        }
        let n = grid.count
        let distinct = small.reduce(0) { $0 + ($1 ? 1 : 0) } + others.count
        if distinct <= 65_536 {
            let sorted = (others.sorted().filter { $0 < 0 }) + small.indices.filter { small[$0] }.map { Int32($0) } + others.sorted().filter { $0 >= 65_536 }
            codes = sorted
            stride = sorted.count <= 256 ? 1 : 2
            var index: [Int32: Int] = [:]
            for (k, c) in sorted.enumerated() { index[c] = k }
            // Codes from 0 to 65,535 through a flat table; others through the dictionary.
            var flat = [Int32](repeating: -1, count: 65_536)
            for (k, c) in sorted.enumerated() where c >= 0 && c < 65_536 { flat[Int(c)] = Int32(k) }
            var b = LargeBuffer.array(repeating: UInt8(0), count: n * stride)
            let s = stride
            grid.values.withUnsafeBufferPointer { V in
                b.withUnsafeMutableBufferPointer { B in
                    for i in 0..<n {
                        let v = V[i]
                        let k = v >= 0 && v < 65_536 ? Int(flat[Int(v)]) : index[v]!
                        if s == 1 { B[i] = UInt8(k) } else { B[2 &* i] = UInt8(k & 0xFF); B[2 &* i &+ 1] = UInt8(k >> 8) }
                    }
                }
            }
            bytes = b
        } else {
            codes = []
            stride = 4
            var b = LargeBuffer.array(repeating: UInt8(0), count: n * 4)
            grid.values.withUnsafeBufferPointer { V in
                b.withUnsafeMutableBufferPointer { B in
                    for i in 0..<n {
                        let u = UInt32(bitPattern: V[i])
                        B[4 &* i] = UInt8(u & 0xFF); B[4 &* i &+ 1] = UInt8((u >> 8) & 0xFF)
                        B[4 &* i &+ 2] = UInt8((u >> 16) & 0xFF); B[4 &* i &+ 3] = UInt8(u >> 24)
                    }
                }
            }
            bytes = b
        }
    }

    /// Cells.
    @inlinable public var count: Int { bytes.count / stride }

    /// The class code of cell `i` (the NoData code on NoData cells).
    @inlinable public subscript(i: Int) -> Int32 {
        switch stride {
        case 1: return codes[Int(bytes[i])]
        case 2: return codes[Int(bytes[2 &* i]) | Int(bytes[2 &* i &+ 1]) << 8]
        default:
            let b = 4 &* i
            return Int32(bitPattern: UInt32(bytes[b]) | UInt32(bytes[b &+ 1]) << 8 | UInt32(bytes[b &+ 2]) << 16 | UInt32(bytes[b &+ 3]) << 24)
        }
    }

    /// Whether a code is the NoData code.
    @inlinable public func isNoData(_ v: Int32) -> Bool { noData == v }

    /// Cells holding a class (not NoData).
    public var dataCount: Int {
        var n = 0
        for i in 0..<count where !isNoData(self[i]) { n += 1 }
        return n
    }

    /// The grid of codes again (4 bytes a cell): for writing it, or for a caller that needs `Grid<Int32>`.
    public var grid: Grid<Int32> {
        var v = [Int32](repeating: 0, count: count)
        for i in v.indices { v[i] = self[i] }
        return Grid(spec: spec, values: v, noData: noData)
    }
}
