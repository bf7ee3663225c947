import XCTest
@testable import TrameRaster

/// Per-cell flag sets in 0, 1, 2 or 4 bytes a cell, against one plain 32-bit word per cell.
final class CellBitsTests: XCTestCase {
    /// Bytes a cell by the number of flags, worked by hand: none, then whole bytes rounded up to 1, 2 or 4.
    func testStride() {
        let expected = [(0, 0), (1, 1), (5, 1), (8, 1), (9, 2), (16, 2), (17, 4), (24, 4), (32, 4)]
        for (flags, bytes) in expected {
            XCTAssertEqual(CellBits.stride(flags: flags), bytes, "\(flags) flags")
            XCTAssertEqual(CellBits(count: 10, flags: flags).bytes.count, 10 * bytes, "\(flags) flags")
        }
    }

    /// Flag k of cell i is bit k % 8 of byte i × stride + k / 8: flag 9 of cell 1 in a 16-flag set is bit 1
    /// of byte 3; flag 0 of cell 2 is bit 0 of byte 4.
    func testLayout() {
        var b = CellBits(count: 3, flags: 16)
        b.insert(9, at: 1)
        b.insert(0, at: 2)
        XCTAssertEqual(b.bytes, [0, 0, 0, 0b10, 1, 0])
        XCTAssertEqual(b[1], 1 << 9)
        XCTAssertEqual(b[2], 1)
        XCTAssertTrue(b.isEmpty(at: 0))
        XCTAssertTrue(b.contains(9, at: 1))
        XCTAssertFalse(b.contains(1, at: 1))
    }

    /// Seeded random flags set cell by cell and by mask, for every width from 0 to 32 flags: each cell
    /// reads back as the word a plain `UInt32` per cell holds after the same operations.
    func testAgainstOneWordPerCell() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let n = 257
        for flags in [0, 1, 3, 8, 9, 15, 16, 17, 31, 32] {
            var bits = CellBits(count: n, flags: flags)
            var words = [UInt32](repeating: 0, count: n)
            for _ in 0..<(flags == 0 ? 0 : 400) {
                let i = Int(next() % UInt64(n)), k = Int(next() % UInt64(flags))
                bits.insert(k, at: i); words[i] |= UInt32(1) << UInt32(k)
            }
            if flags > 0 {
                let k = flags - 1
                let cells = (0..<n).map { _ in UInt8(next() % 5 == 0 ? 1 : 0) }
                let set = bits.insert(k, where: cells)
                XCTAssertEqual(set, cells.filter { $0 != 0 }.count)
                for i in 0..<n where cells[i] != 0 { words[i] |= UInt32(1) << UInt32(k) }
            }
            for i in 0..<n {
                XCTAssertEqual(bits[i], words[i], "\(flags) flags, cell \(i)")
                XCTAssertEqual(bits.isEmpty(at: i), words[i] == 0)
                for k in 0..<flags { XCTAssertEqual(bits.contains(k, at: i), words[i] & (UInt32(1) << UInt32(k)) != 0) }
            }
            let mask: UInt32 = flags == 0 ? 0 : 0b101 & (flags >= 32 ? .max : (UInt32(1) << UInt32(flags)) - 1)
            XCTAssertEqual(bits.cells(matching: mask), words.map { $0 & mask != 0 ? 1 : 0 }, "\(flags) flags")
            XCTAssertEqual(CellBits(words: words, flags: flags), bits, "\(flags) flags")
        }
    }
}
