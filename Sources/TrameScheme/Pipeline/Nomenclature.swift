import CSV
import Foundation
import TrameRaster

/// One class of the land-cover nomenclature.
public struct NomenclatureEntry: Sendable {
    public var code: Int
    public var label: String
    public var labelFr: String
    public var colour: (Int, Int, Int)
    public var natural: Bool
    /// The codes of a vector land cover's polygons that mean this class, when they are not the class code
    /// itself (OCS GE's "CS2.1.1", a national product's own codes): the `source_codes` column, separated by `;`.
    public var sourceCodes: [String]
    public init(code: Int, label: String, labelFr: String, colour: (Int, Int, Int), natural: Bool, sourceCodes: [String] = []) {
        self.code = code; self.label = label; self.labelFr = labelFr; self.colour = colour; self.natural = natural; self.sourceCodes = sourceCodes
    }
}

/// The land-cover nomenclature: class code → entry.
public enum Nomenclature {
    /// Reads a nomenclature CSV: `code,label[,label_fr,red,green,blue,natural,source_codes]`.
    public static func read(_ path: String) throws -> [Int: NomenclatureEntry] {
        guard FileManager.default.fileExists(atPath: path) else { throw InputFileError(path, "no such file (the nomenclature)") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw InputFileError(path, "cannot be read as UTF-8 text") }
        return try parse(text, name: path)
    }

    /// Parses nomenclature CSV text; `path` names it in errors. `#` lines are comments.
    public static func parse(_ text: String, name path: String) throws -> [Int: NomenclatureEntry] {
        let (out, problems) = check(text, name: path)
        if let first = problems.first { throw first }
        return out
    }

    /// Parses nomenclature CSV text and returns every problem, each with its line (`trame check`).
    public static func check(_ raw: String, name path: String) -> ([Int: NomenclatureEntry], [InputFileError]) {
        let (text, headerLine) = CSVComments.strip(raw)
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true) } catch {
            return ([:], [InputFileError(path, "is not a readable CSV file (\(error))")])
        }
        guard let header = reader.headerRow?.map({ $0.lowercased() }), let ci = header.firstIndex(of: "code"), let li = header.firstIndex(of: "label") else {
            return ([:], [InputFileError(path, "needs a header with at least the columns code and label")])
        }
        func col(_ name: String) -> Int? { header.firstIndex(of: name) }
        var out: [Int: NomenclatureEntry] = [:]
        var problems: [InputFileError] = []
        var sourceOwner: [String: Int] = [:]
        var line = headerLine
        var spanned = 0   // lines of the previous row beyond its first (quoted fields holding line breaks)
        while let row = reader.next() {
            line += 1 + spanned
            spanned = row.reduce(0) { $0 + $1.reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 } }
            if row.allSatisfy({ $0.isEmpty }) { continue }
            func cell(_ k: Int?) -> String? { k.flatMap { $0 < row.count ? row[$0] : nil } }
            guard let code = Int(cell(ci) ?? "") else {
                problems.append(InputFileError(path, line: line, "class code '\(cell(ci) ?? "")' is not an integer")); continue
            }
            guard out[code] == nil else { problems.append(InputFileError(path, line: line, "class \(code) appears twice")); continue }
            let label = cell(li) ?? ""
            let rgb = (Int(cell(col("red")) ?? "") ?? 150, Int(cell(col("green")) ?? "") ?? 150, Int(cell(col("blue")) ?? "") ?? 150)
            let natural = ["1", "true", "yes", "oui"].contains((cell(col("natural")) ?? "0").lowercased())
            let sources = (cell(col("source_codes")) ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for sc in sources {
                if let other = sourceOwner[sc], other != code {
                    problems.append(InputFileError(path, line: line, "source code '\(sc)' is given to class \(other) and to class \(code); a polygon's code must mean one class"))
                }
                sourceOwner[sc] = code
            }
            out[code] = NomenclatureEntry(code: code, label: label, labelFr: cell(col("label_fr")).flatMap { $0.isEmpty ? nil : $0 } ?? label,
                                          colour: rgb, natural: natural, sourceCodes: sources)
        }
        if out.isEmpty && problems.isEmpty { problems.append(InputFileError(path, "holds no class")) }
        return (out, problems)
    }

    /// The class of a vector land cover's code: a `source_codes` entry, else the class code itself (an
    /// integer written "311", "311.0" or " 311 "); nil when neither.
    public static func classifier(_ n: [Int: NomenclatureEntry]) -> (String) -> Int? {
        var map: [String: Int] = [:]
        for (code, e) in n { for sc in e.sourceCodes { map[sc] = code } }
        return { raw in
            let t = raw.trimmingCharacters(in: .whitespaces)
            if let c = map[t] { return c }
            if let i = Int(t), n[i] != nil { return i }
            if let d = Double(t), d == d.rounded(), abs(d) < 1e9, n[Int(d)] != nil { return Int(d) }
            return nil
        }
    }

    /// Class codes present in a land-cover grid, with their cell counts.
    public static func histogram(_ g: Grid<Int32>) -> [Int32: Int] {
        var small = [Int](repeating: 0, count: 65_536)
        var other: [Int32: Int] = [:]
        g.values.withUnsafeBufferPointer { V in
            for v in V where !g.isNoData(v) {
                if v >= 0 && v < 65_536 { small[Int(v)] += 1 } else { other[v, default: 0] += 1 }
            }
        }
        for (k, c) in small.enumerated() where c > 0 { other[Int32(k)] = c }
        return other
    }
}
