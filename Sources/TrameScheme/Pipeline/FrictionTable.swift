import CSV
import Foundation
import TrameCost

/// The friction table (CSV): `code,label,<one resistance column per sub-network>`.
/// Empty cells and `inf` mark impassable classes.
public enum FrictionTable {
    public static func read(_ path: String) throws -> ResistanceTable {
        guard FileManager.default.fileExists(atPath: path) else { throw InputFileError(path, "no such file") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw InputFileError(path, "cannot be read as UTF-8 text") }
        return try parse(text, name: path)
    }

    /// Parses friction-table CSV text; `path` names it in errors.
    ///
    /// Every row has exactly the header's columns (a short row would silently make a class impassable);
    /// codes are whole numbers a 32-bit land cover holds, each once; resistances lie in `Ranges.resistance`.
    public static func parse(_ text: String, name path: String) throws -> ResistanceTable {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true) } catch {
            throw InputFileError(path, "is not a readable CSV file (\(error))")
        }
        guard let header = reader.headerRow, header.count >= 3 else {
            throw InputFileError(path, "needs a header row: code,label,<one resistance column per sub-network>")
        }
        let columns = Array(header.dropFirst(2))
        for (k, name) in columns.enumerated() {
            if name.isEmpty { throw InputFileError(path, "line 1: column \(k + 3) of the header has no name") }
            if columns[..<k].contains(name) { throw InputFileError(path, "line 1: column '\(name)' appears twice in the header") }
        }
        var rows: [ResistanceTable.Row] = []
        var line = 1
        var seen: [Int32: Int] = [:]
        while let row = reader.next() {
            line += 1
            if row.allSatisfy({ $0.isEmpty }) { continue }
            guard row.count == header.count else {
                let what = row.count < header.count ? "a missing column" : "an extra column"
                throw InputFileError(path, "line \(line): \(row.count) values where the header has \(header.count) (\(header.joined(separator: ","))): \(what); "
                                     + "leave a cell empty or write inf for an impassable class")
            }
            let code = try classCode(row[0], path: path, line: line)
            if let first = seen[code] { throw InputFileError(path, "line \(line): class \(code) appears twice (first on line \(first))") }
            seen[code] = line
            let values = try columns.enumerated().map { k, name in try resistance(row[k + 2], column: name, path: path, line: line) }
            rows.append(.init(code: Int(code), label: row[1], values: values))
        }
        guard !rows.isEmpty else { throw InputFileError(path, "holds no class row") }
        return ResistanceTable(columns: columns, rows: rows)
    }

    /// A class code: a whole number within `Ranges.classCode` that a 32-bit land cover holds.
    static func classCode(_ text: String, path: String, line: Int) throws -> Int32 {
        let wide = Int(text)
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard wide != nil || !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw InputFileError(path, "line \(line): class code '\(text)' is not an integer")
        }
        guard let wide, Ranges.classCode.contains(Double(wide)), let code = Int32(exactly: wide) else {
            throw InputFileError(path, "line \(line): class code \(text) is out of range: \(Ranges.classCode.text)")
        }
        return code
    }

    /// One resistance cell: nil (impassable) when empty or `inf`, else a number in `Ranges.resistance`.
    static func resistance(_ raw: String, column name: String, path: String, line: Int) throws -> Double? {
        let text = raw.lowercased()
        if text.isEmpty || text == "inf" || text == "infinity" { return nil }
        guard let v = Double(text), v.isFinite else {
            throw InputFileError(path, "line \(line), column '\(name)': '\(raw)' is not a number (use inf or leave empty for impassable)")
        }
        guard v > 0 else { throw InputFileError(path, "line \(line), column '\(name)': resistance \(raw) must be > 0 (use inf or leave empty for impassable)") }
        guard Ranges.resistance.contains(v) else {
            throw InputFileError(path, "line \(line), column '\(name)': resistance \(raw) is out of range: \(Ranges.resistance.text)")
        }
        return v
    }
}
