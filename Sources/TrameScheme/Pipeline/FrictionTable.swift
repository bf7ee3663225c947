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

    /// Parses friction-table CSV text; `path` names it in errors. `#` lines are comments.
    ///
    /// Every row has exactly the header's columns (a short row would silently make a class impassable);
    /// codes are whole numbers a 32-bit land cover holds, each once; resistances lie in `Ranges.resistance`.
    public static func parse(_ text: String, name path: String) throws -> ResistanceTable {
        let (table, problems) = check(text, name: path)
        if let first = problems.first { throw first }
        return table!
    }

    /// Parses friction-table CSV text and returns every problem, each with its line (`trame check`),
    /// and the table (with problems: its readable rows).
    public static func check(_ raw: String, name path: String) -> (ResistanceTable?, [InputFileError]) {
        let (text, headerLine) = CSVComments.strip(raw)
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true) } catch {
            return (nil, [InputFileError(path, "is not a readable CSV file (\(error))")])
        }
        guard let header = reader.headerRow, header.count >= 3 else {
            return (nil, [InputFileError(path, "needs a header row: code,label,<one resistance column per sub-network>")])
        }
        var problems: [InputFileError] = []
        let columns = Array(header.dropFirst(2))
        for (k, name) in columns.enumerated() {
            if name.isEmpty { problems.append(InputFileError(path, line: headerLine, "column \(k + 3) of the header has no name")) }
            if !name.isEmpty, columns[..<k].contains(name) { problems.append(InputFileError(path, line: headerLine, "column '\(name)' appears twice in the header")) }
        }
        var rows: [ResistanceTable.Row] = []
        var line = headerLine
        var seen: [Int32: Int] = [:]
        var spanned = 0   // lines of the previous row beyond its first (quoted fields holding line breaks)
        while let row = reader.next() {
            line += 1 + spanned
            spanned = row.reduce(0) { $0 + $1.reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 } }
            if row.allSatisfy({ $0.isEmpty }) { continue }
            guard row.count == header.count else {
                let what = row.count < header.count ? "a missing column" : "an extra column"
                problems.append(InputFileError(path, line: line, "\(row.count) values where the header has \(header.count) (\(header.joined(separator: ","))): \(what); "
                                               + "leave a cell empty or write inf for an impassable class"))
                continue
            }
            let code: Int32
            do { code = try classCode(row[0], path: path, line: line) } catch let e as InputFileError { problems.append(e); continue } catch { continue }
            if let first = seen[code] {
                problems.append(InputFileError(path, line: line, "class \(code) appears twice (first on line \(first))"))
                continue
            }
            seen[code] = line
            var values: [Double?] = []
            for (k, name) in columns.enumerated() {
                do { values.append(try resistance(row[k + 2], column: name, path: path, line: line)) } catch let e as InputFileError {
                    problems.append(e); values.append(nil)
                } catch { values.append(nil) }
            }
            rows.append(.init(code: Int(code), label: row[1], values: values))
        }
        if rows.isEmpty && problems.isEmpty { problems.append(InputFileError(path, "holds no class row")) }
        // With problems, the rows that could be read (a wrong cell as impassable), for the checks that follow.
        return (rows.isEmpty ? nil : ResistanceTable(columns: columns, rows: rows), problems)
    }

    /// A class code: a whole number within `Ranges.classCode` that a 32-bit land cover holds.
    static func classCode(_ text: String, path: String, line: Int) throws -> Int32 {
        let wide = Int(text)
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard wide != nil || !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw InputFileError(path, line: line, "class code '\(text)' is not an integer")
        }
        guard let wide, Ranges.classCode.contains(Double(wide)), let code = Int32(exactly: wide) else {
            throw InputFileError(path, line: line, "class code \(text) is out of range: \(Ranges.classCode.text)")
        }
        return code
    }

    /// One resistance cell: nil (impassable) when empty or `inf`, else a number in `Ranges.resistance`.
    static func resistance(_ raw: String, column name: String, path: String, line: Int) throws -> Double? {
        let text = raw.lowercased()
        if text.isEmpty || text == "inf" || text == "infinity" { return nil }
        guard let v = Double(text), v.isFinite else {
            throw InputFileError(path, line: line, "column '\(name)': '\(raw)' is not a number (use inf or leave empty for impassable)")
        }
        guard v > 0 else { throw InputFileError(path, line: line, "column '\(name)': resistance \(raw) must be > 0 (use inf or leave empty for impassable)") }
        guard Ranges.resistance.contains(v) else {
            throw InputFileError(path, line: line, "column '\(name)': resistance \(raw) is out of range: \(Ranges.resistance.text)")
        }
        return v
    }
}
