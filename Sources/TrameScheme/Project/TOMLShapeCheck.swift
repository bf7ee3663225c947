/// Refuses two shapes of malformed TOML before they reach TOMLKit's parser (toml++), which does not
/// report them as errors but stops the program on an internal assertion (found by `Fuzz/` — the
/// project target; reproducers in `Fuzz/reproducers/fixed/project/`):
///
/// - a table header whose name does not start with a key character or a quote: `[~`, `[[ ~`;
/// - an array whose next value is missing before `}` or `,`: `a = [}`, `a = [1, ,2]`.
///
/// A small scanner that knows TOML's strings and comments; everything else is left to the parser.
/// - Complexity: O(n) in the text's length.
enum TOMLShapeCheck {
    struct Problem: Error {
        var line: Int
        var message: String
    }

    static func check(_ text: String) throws {
        let s = Array(text.unicodeScalars)
        var i = 0, line = 1
        var lineHasContent = false
        /// Open arrays and inline tables, innermost last: true for an array.
        var open: [Bool] = []
        var expectValue = false
        func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
        func isKeyStart(_ c: Unicode.Scalar?) -> Bool {
            guard let c else { return false }
            return (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "_" || c == "-" || c == "\"" || c == "'"
        }
        /// Skips a string starting at `i` (on its opening quote); counts the lines it spans.
        func skipString() {
            let q = s[i]
            let triple = at(i + 1) == q && at(i + 2) == q
            i += triple ? 3 : 1
            while i < s.count {
                let c = s[i]
                if c == "\n" { line += 1; if !triple { return } }
                if c == "\\" && q == "\"" { i += 2; continue }
                if c == q {
                    if !triple { i += 1; return }
                    if at(i + 1) == q && at(i + 2) == q {
                        i += 3
                        while at(i) == q { i += 1 }  // up to two quotes may close the content
                        return
                    }
                }
                i += 1
            }
        }
        while i < s.count {
            let c = s[i]
            switch c {
            case "\n":
                line += 1; lineHasContent = false; i += 1; continue
            case " ", "\t", "\r":
                i += 1; continue
            case "#":
                while i < s.count && s[i] != "\n" { i += 1 }
                continue
            default: break
            }
            if expectValue {
                expectValue = false
                if c == "}" || c == "," {
                    throw Problem(line: line, message: "a value is missing in an array (before '\(c)')")
                }
            }
            switch c {
            case "\"", "'":
                skipString(); lineHasContent = true; continue
            case "[":
                if open.isEmpty && !lineHasContent {
                    // A table header: [name] or [[name]].
                    var k = i + 1
                    if at(k) == "[" { k += 1 }
                    while at(k) == " " || at(k) == "\t" { k += 1 }
                    guard isKeyStart(at(k)) else {
                        throw Problem(line: line, message: "a table name must follow '[' (letters, digits, _ or -, or a quoted name)")
                    }
                    i = k; lineHasContent = true; continue
                }
                open.append(true); expectValue = true
            case "{":
                open.append(false)
            case "]", "}":
                if !open.isEmpty { open.removeLast() }
            case ",":
                if open.last == true { expectValue = true }
            default: break
            }
            lineHasContent = true
            i += 1
        }
    }
}
