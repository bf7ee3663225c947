import TrameRaster

/// A friction table: for each land-cover class, the resistance of crossing one of its cells, per
/// sub-network (forest, calcicolous, mining, river, wetland…). `nil` marks an impassable class.
public struct ResistanceTable: Sendable {
    public struct Row: Sendable {
        public var code: Int
        public var label: String
        /// Resistance per sub-network column, nil = impassable.
        public var values: [Double?]
        public init(code: Int, label: String, values: [Double?]) { self.code = code; self.label = label; self.values = values }
    }
    public var columns: [String]
    public var rows: [Row]

    public init(columns: [String], rows: [Row]) { self.columns = columns; self.rows = rows }

    /// Index of a column by name; the first column when `name` is nil.
    public func column(_ name: String?) throws -> Int {
        guard !columns.isEmpty else { throw CostError.noResistanceColumn }
        guard let name else { return 0 }
        guard let i = columns.firstIndex(of: name) else {
            throw CostError.unknownColumn(name: name, columns: columns)
        }
        return i
    }

    /// Resistance grid for one sub-network: each cell takes its class's resistance; impassable classes and
    /// NoData become NoData (−1 marker, NaN-free).
    ///
    /// - Throws: listing every class present in the grid and missing from the table.
    public func resistance(for landCover: Grid<Int32>, column name: String? = nil) throws -> Grid<Float> {
        try landCover.values.withUnsafeBufferPointer { src in
            try resistance(spec: landCover.spec, count: src.count, column: name, isNoData: landCover.isNoData) { src[$0] }
        }
    }

    /// The same, for a land cover held as class indices (`ClassGrid`): same cells, same errors.
    public func resistance(for landCover: ClassGrid, column name: String? = nil) throws -> Grid<Float> {
        try resistance(spec: landCover.spec, count: landCover.count, column: name, isNoData: landCover.isNoData) { landCover[$0] }
    }

    /// Each cell `i` takes the resistance of class `code(i)`.
    private func resistance(spec: GridSpec, count: Int, column name: String?, isNoData: (Int32) -> Bool,
                            code: (Int) -> Int32) throws -> Grid<Float> {
        let col = try column(name)
        var lut: [Int32: Float] = [:]
        for r in rows {
            guard let code = Int32(exactly: r.code) else { throw CostError.classCodeTooWide(code: r.code) }
            lut[code] = r.values[col].map { Float($0) } ?? ResistanceTable.impassable
        }
        var missing = Set<Int32>()
        var out = [Float](repeating: ResistanceTable.impassable, count: count)
        // Small codes use a flat lookup; others the dictionary.
        var flat = [Float](repeating: .nan, count: 256)
        for (k, v) in lut where k >= 0 && k < 256 { flat[Int(k)] = v }
        for i in 0..<count {
            let v = code(i)
            if isNoData(v) { continue }
            if v >= 0 && v < 256 {
                let r = flat[Int(v)]
                if r.isNaN { missing.insert(v) } else { out[i] = r }
            } else if let r = lut[v] { out[i] = r } else { missing.insert(v) }
        }
        guard missing.isEmpty else {
            throw CostError.missingClasses(missing.sorted())
        }
        return Grid(spec: spec, values: out, noData: ResistanceTable.impassable)
    }

    /// NoData marker of resistance grids: impassable.
    public static let impassable: Float = -9999
}

