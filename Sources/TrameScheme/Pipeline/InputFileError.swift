import Foundation

/// A problem with an input file found by the scheme's own readers (text and CSV, no GDAL), told in one
/// line that names the file: `FILE: problem`, the same words as TrameGDAL's `GeodataError`.
public struct InputFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var problem: String
    /// The line of the file the problem is on (a CSV row), when it is on one.
    public var line: Int? = nil
    public init(_ file: String, _ problem: String) { self.file = file; self.problem = problem }
    public init(_ file: String, line: Int?, _ problem: String) { self.file = file; self.line = line; self.problem = problem }
    public var description: String {
        let text = line.map { "line \($0)\(problem.hasPrefix("column ") ? "," : ":") \(problem)" } ?? problem
        return file.isEmpty ? text : "\(file): \(text)"
    }
}

/// A number as a person reads it in a message: no trailing zeros, at most 6 decimals.
func readable(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
    var s = String(format: "%.6f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

/// Bad input that is not a file problem (a value, a table, a combination of options).
public struct InputError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
