import Foundation

/// What Trame's HTML pages share (the scheme's report, a comparison, the restoration priorities): text
/// escaping, the style sheet, tables.
public enum HTMLPage {
    /// Text for an HTML element or attribute (& < > ").
    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The style sheet of every page.
    public static let css = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:0;color:#1d2b20;background:#fbfbf8}
        header{background:#20482c;color:#fff;padding:1.2em 2em}header h1{margin:0 0 .2em;font-size:1.7em}
        main{max-width:1200px;margin:0 auto;padding:1em 2em}
        h2{color:#20482c;border-bottom:2px solid #9bc88a;padding-bottom:.2em;margin-top:1.6em}
        .cards{display:flex;flex-wrap:wrap;gap:1em}.card{background:#fff;border:1px solid #d5e3d0;border-radius:6px;padding:.8em 1.1em;min-width:12em}
        .card b{display:block;font-size:1.5em;color:#1c6930}.card b.loss{color:#b3141c}
        table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em;background:#fff}
        th,td{border:1px solid #d8e0d5;padding:.3em .5em;text-align:left}th{background:#e8f1e4}tbody tr:nth-child(even){background:#f6faf4}
        figure{margin:1em 0}img{max-width:100%;border:1px solid #ccc}figcaption{font-size:.9em;color:#555}
        code{font-size:.85em;word-break:break-all}
        """

    /// The page's start, up to the opening of `<main>`: `title` in the window, `heading` and `subheading` in
    /// the header band.
    public static func start(lang: String, title: String, heading: String, subheading: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(lang)"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        \(css)
        </style></head><body>
        <header><h1>\(escape(heading))</h1><div>\(escape(subheading))</div></header><main>
        """
    }

    /// A table; cells of `codeColumns` are shown as code (a key, a checksum), not words of the language.
    public static func table(_ header: [String], _ rows: [[String]], codeColumns: Set<Int> = []) -> String {
        "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.enumerated().map { codeColumns.contains($0.offset) ? "<td><code>\(escape($0.element))</code></td>" : "<td>\(escape($0.element))</td>" }.joined() + "</tr>" }.joined()
            + "</tbody></table>"
    }
}
