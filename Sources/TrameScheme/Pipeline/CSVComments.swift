import Foundation

/// Comment lines in the CSV tables (nomenclature, friction): a line whose first non-blank character is
/// `#` is a comment, before the header or between rows, as `trame init` writes them. They are blanked
/// (the rows keep their line numbers) and the comments and blank lines before the header are skipped.
enum CSVComments {
    /// The text without its comments, and the line number of its header (1 when the file starts with it).
    static func strip(_ text: String) -> (text: String, headerLine: Int) {
        var lines = text.components(separatedBy: "\n")
        var skipped = 0
        while skipped < lines.count, isCommentOrBlank(lines[skipped]) { skipped += 1 }
        if skipped == lines.count { return ("", 1) }
        lines.removeFirst(skipped)
        var inQuotes = false
        for k in lines.indices {
            if !inQuotes && isComment(lines[k]) { lines[k] = ""; continue }
            // A quoted field may span lines: a `#` at the start of its next line is text, not a comment.
            for c in lines[k] where c == "\"" { inQuotes.toggle() }
        }
        return (lines.joined(separator: "\n"), skipped + 1)
    }

    static func isComment(_ line: String) -> Bool { line.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
    static func isCommentOrBlank(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty || t.hasPrefix("#")
    }
}
