/// The cell types a grid may hold, matching the GDAL band types Trame reads and writes.
public protocol GridScalar: Numeric, Comparable, Sendable {
    /// Converts from a double, truncating toward zero for integers (callers round first).
    init(gridDouble: Double)
    var gridDouble: Double { get }
    static var typeName: String { get }
}

extension UInt8: GridScalar {
    public init(gridDouble v: Double) { self = UInt8(clamping: Int(v)) }
    public var gridDouble: Double { Double(self) }
    public static var typeName: String { "UInt8" }
}
extension Int32: GridScalar {
    public init(gridDouble v: Double) { self = Int32(clamping: Int(v)) }
    public var gridDouble: Double { Double(self) }
    public static var typeName: String { "Int32" }
}
extension Float: GridScalar {
    public init(gridDouble v: Double) { self = Float(v) }
    public var gridDouble: Double { Double(self) }
    public static var typeName: String { "Float32" }
}
extension Double: GridScalar {
    public init(gridDouble v: Double) { self = v }
    public var gridDouble: Double { self }
    public static var typeName: String { "Float64" }
}

/// A single-band raster held in one contiguous row-major buffer.
///
/// Indices are `Int` (row · cols + col), so grids of more than 2³¹ cells work.
/// `noData`, when set, marks cells without a value; algorithms treat them as absent or impassable.
public struct Grid<T: GridScalar>: Sendable {
    public var spec: GridSpec
    public var values: [T]
    public var noData: T?

    public init(spec: GridSpec, fill: T, noData: T? = nil) {
        self.spec = spec
        self.values = [T](repeating: fill, count: spec.count)
        self.noData = noData
    }

    public init(spec: GridSpec, values: [T], noData: T? = nil) {
        precondition(values.count == spec.count, "grid of \(spec.cols)×\(spec.rows) needs \(spec.count) values, got \(values.count)")
        self.spec = spec; self.values = values; self.noData = noData
    }

    @inlinable public var cols: Int { spec.cols }
    @inlinable public var rows: Int { spec.rows }
    @inlinable public var count: Int { values.count }

    @inlinable public subscript(col: Int, row: Int) -> T {
        get { values[row * spec.cols + col] }
        set { values[row * spec.cols + col] = newValue }
    }

    /// Whether a value is the NoData marker (NaN counts as NoData for floating grids).
    @inlinable public func isNoData(_ v: T) -> Bool {
        if let nd = noData, v == nd { return true }
        return v != v // NaN
    }

    /// Number of cells holding data.
    ///
    /// Generic loops over every cell unwrap `noData` once: `isNoData` in code that is not specialised for `T`
    /// asks the runtime for `Optional<T>`'s metadata at each call, a quarter of a small run's time once.
    @inlinable public var dataCount: Int {
        var n = 0
        if let nd = noData {
            for v in values where v == v && v != nd { n += 1 }
        } else {
            for v in values where v == v { n += 1 }
        }
        return n
    }

    /// Applies `f` to every cell, keeping the spec; NoData maps to `noData` of the result.
    @inlinable public func map<U: GridScalar>(noData newNoData: U?, _ f: (T) -> U) -> Grid<U> {
        var out = [U](); out.reserveCapacity(values.count)
        if let newND = newNoData, let nd = noData {
            for v in values { out.append(v != v || v == nd ? newND : f(v)) }
        } else if let newND = newNoData {
            for v in values { out.append(v != v ? newND : f(v)) }
        } else {
            for v in values { out.append(f(v)) }
        }
        return Grid<U>(spec: spec, values: out, noData: newNoData)
    }
}
