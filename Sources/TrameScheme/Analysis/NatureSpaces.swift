import TrameRaster

/// The typology of nature spaces in the scheme.
public enum Typology: UInt8, Sendable, CaseIterable {
    /// Nature spaces of major ecological interest: reservoirs of a sub-network, or sites of an
    /// inventory that confers major interest (ZNIEFF type 1, Natura 2000, …).
    case major = 1
    /// Nature spaces of mixed vocation: the other nature land (woods, parks, wetlands, …) above a
    /// minimum size, the main places of local leisure.
    case mixed = 2

    public var key: String { self == .major ? "major_interest" : "mixed_vocation" }
}

/// A fast membership test for land-cover codes (a table for codes below 65 536).
public struct ClassSet: Sendable {
    var table: [Bool]
    var others: Set<Int32>
    public init<S: Sequence>(_ codes: S) where S.Element == Int {
        table = [Bool](repeating: false, count: 65_536)
        others = []
        for c in codes {
            if c >= 0 && c < 65_536 { table[c] = true } else { others.insert(Int32(truncatingIfNeeded: c)) }
        }
    }
    @inline(__always) public func contains(_ v: Int32) -> Bool {
        v >= 0 && v < 65_536 ? table[Int(v)] : others.contains(v)
    }
}

/// One nature space: a connected region (8 neighbours) of one typology.
public struct NatureSpace: Sendable, Equatable {
    public var id: Int32
    public var typology: Typology
    public var cells: Int
    public var areaHa: Double
    /// Bit k set when inventory k overlaps the space.
    public var inventories: UInt32
    /// Most frequent land-cover class.
    public var dominantClass: Int32
}

/// The nature spaces of a territory, by typology.
public struct NatureSpaceMap: Sendable {
    /// 0 outside nature spaces, else `Typology.rawValue`.
    public var typology: Grid<UInt8>
    /// Nature-space id per cell (0 outside), index into `spaces` + 1.
    public var labels: Grid<Int32>
    public var spaces: [NatureSpace]

    /// Classifies every cell: major where `major` is set (reservoirs and major inventories, whatever
    /// the land cover), mixed where the class is a nature class, kept only in regions of at least
    /// `mixedMinAreaHa`.
    ///
    /// - Parameters:
    ///   - inventories: optional flags per cell (flag k: inventory k), recorded on each space.
    public init(landCover: ClassGrid, natureClasses: ClassSet, major: [UInt8], mixedMinAreaHa: Double,
                inventories: CellBits? = nil) {
        let spec = landCover.spec
        let n = spec.count
        let cellHa = spec.cellArea / 10_000
        var typ = [UInt8](repeating: 0, count: n)
        major.withUnsafeBufferPointer { M in
            for i in 0..<n {
                let v = landCover[i]
                if landCover.isNoData(v) { continue }
                if M[i] != 0 { typ[i] = Typology.major.rawValue } else if natureClasses.contains(v) { typ[i] = Typology.mixed.rawValue }
            }
        }
        let minMixed = Int((mixedMinAreaHa / cellHa).rounded(.up))
        let comps = Components(classes: typ, cols: spec.cols, rows: spec.rows) { $0 == Typology.mixed.rawValue ? minMixed : 0 }
        // Clear dropped cells, and gather per space its inventories and dominant class.
        var invBits = [UInt32](repeating: 0, count: comps.count)
        var classCounts: [[Int32: Int]] = Array(repeating: [:], count: comps.count)
        comps.labels.withUnsafeBufferPointer { Lab in
            for i in 0..<n {
                let id = Int(Lab[i])
                if id == 0 { typ[i] = 0; continue }
                if let inv = inventories { invBits[id - 1] |= inv[i] }
            }
            // Dominant class from a sample of each space (every cell of small spaces, one in 16 of large ones).
            for i in stride(from: 0, to: n, by: 1) {
                let id = Int(Lab[i])
                if id == 0 { continue }
                if comps.cells[id - 1] > 4096 && i & 15 != 0 { continue }
                classCounts[id - 1][landCover[i], default: 0] += 1
            }
        }
        spaces = comps.cells.indices.map { k in
            NatureSpace(id: Int32(k + 1), typology: Typology(rawValue: comps.classOf[k])!, cells: comps.cells[k],
                        areaHa: Double(comps.cells[k]) * cellHa, inventories: invBits[k],
                        dominantClass: classCounts[k].max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 0)
        }
        typology = Grid(spec: spec, values: typ, noData: nil)
        labels = Grid(spec: spec, values: comps.labels, noData: 0)
    }

    /// Frees `labels` (4 bytes a cell) once the spaces are drawn as polygons and the leisure hubs placed in
    /// them: `labels` becomes an empty grid (0 × 0 cells); `typology` and `spaces` stay.
    public mutating func releaseLabels() {
        labels = Grid(spec: GridSpec(cols: 0, rows: 0, transform: labels.spec.transform, crsWKT: labels.spec.crsWKT), values: [], noData: 0)
    }
}
