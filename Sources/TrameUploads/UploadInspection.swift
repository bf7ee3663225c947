import Foundation
import GRDB
import ZIPFoundation

/// Looks inside an upload before GDAL opens it: a zip's central directory (nothing extracted), a
/// GeoPackage's schema through SQLite (read-only, nothing evaluated), a GeoJSON file's CRS member.
/// Refuses what could make GDAL read other files, reach the network or run endless queries.
/// Messages name the upload and the problem, never other files' contents.
enum UploadInspection {
    struct Refusal: Error, CustomStringConvertible {
        var status: Int
        var problem: String
        var description: String { problem }
    }

    static func refuse(_ problem: String, status: Int = 422) -> Refusal { Refusal(status: status, problem: problem) }

    // MARK: Zipped Shapefiles

    /// At most this many entries in a zipped Shapefile (its components, with room for indexes).
    static let maxZipEntries = 12
    /// At most this many bytes once inflated, all entries together.
    static let maxZipInflated: UInt64 = 256 * 1024 * 1024
    /// At most this inflated/compressed ratio for an entry above `ratioFloor` bytes inflated: a
    /// Shapefile's .dbf of mostly blank text compresses about 20–60 times, a zip bomb a thousand.
    static let maxZipRatio: UInt64 = 100
    static let ratioFloor: UInt64 = 1024 * 1024
    /// The components of a Shapefile a zip may hold.
    static let shapefileParts: Set<String> = ["shp", "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx"]

    /// Checks a zip's central directory and answers the name of its one `.shp` entry.
    static func zip(_ path: String) throws -> String {
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw refuse("is not a readable zip file (corrupt or incomplete)")
        }
        var names: [String] = []
        var inflated: UInt64 = 0
        let entries = archive.makeIterator()
        while let e = entries.next() {
            guard names.count < maxZipEntries else {
                throw refuse("holds more than \(maxZipEntries) files; a zipped Shapefile holds its .shp, .shx, .dbf, .prj (and .cpg)")
            }
            let name = e.path(using: .utf8)
            try zipEntryName(name, type: e.type)
            guard !names.contains(where: { $0.lowercased() == name.lowercased() }) else { throw refuse("holds '\(name)' twice") }
            names.append(name)
            let size = e.uncompressedSize, packed = e.compressedSize
            inflated += size
            guard inflated <= maxZipInflated else {
                throw refuse("inflates to more than \(maxZipInflated / 1_048_576) MB; send a GeoPackage or split the layer")
            }
            if size > ratioFloor && size > packed * maxZipRatio {
                throw refuse("'\(name)' inflates more than \(maxZipRatio) times (\(packed) → \(size) bytes): refused as a zip bomb")
            }
        }
        guard !names.isEmpty else { throw refuse("is an empty zip file (or not a readable one)") }
        let shp = names.filter { ($0 as NSString).pathExtension.lowercased() == "shp" }
        guard shp.count == 1 else {
            throw refuse(shp.isEmpty ? "holds no .shp file; zip the Shapefile's .shp, .shx, .dbf and .prj"
                                     : "holds \(shp.count) Shapefiles; send one layer (the revised inventory)")
        }
        let stem = (shp[0] as NSString).deletingPathExtension.lowercased()
        for n in names where (n as NSString).deletingPathExtension.lowercased() != stem {
            throw refuse("holds '\(n)', which is not part of the Shapefile '\(shp[0])'")
        }
        let parts = Set(names.map { ($0 as NSString).pathExtension.lowercased() })
        for needed in ["shx", "dbf"] where !parts.contains(needed) {
            throw refuse("lacks the Shapefile's .\(needed) file")
        }
        return shp[0]
    }

    /// A zip entry's name: a Shapefile component at the top of the zip, nothing that names a folder,
    /// a parent folder, a device or a link.
    static func zipEntryName(_ name: String, type: Entry.EntryType) throws {
        guard type == .file else {
            throw refuse(type == .directory ? "holds a folder ('\(name)'); zip the Shapefile's files themselves, without a folder"
                                            : "holds a symbolic link ('\(name)')")
        }
        let shown = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(80).map(Character.init))
        guard !name.isEmpty, name.count <= 200 else { throw refuse("holds a file with an empty or overlong name") }
        guard !name.contains("/"), !name.contains("\\"), !name.contains(":"), !name.contains(".."), !name.hasPrefix("."),
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw refuse("holds '\(shown)', a name that points outside the zip or is not a plain file name")
        }
        guard shapefileParts.contains((name as NSString).pathExtension.lowercased()) else {
            throw refuse("holds '\(shown)', which is not a Shapefile component (.shp .shx .dbf .prj .cpg .qix .sbn .sbx)")
        }
    }

    // MARK: GeoJSON

    /// GDAL fetches a GeoJSON file's CRS when it is given by link (`"crs": {"type": "link", …}`):
    /// only a named CRS (`urn:ogc:def:crs:EPSG::2154`, `EPSG:2154`) or none (WGS 84) is taken.
    static func geoJSON(_ path: String) throws {
        let object: Any
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw refuse("cannot be read as GeoJSON (not valid JSON)")
        }
        guard let top = object as? [String: Any] else { throw refuse("is not a GeoJSON object ({\"type\": \"FeatureCollection\", …})") }
        guard let crs = top["crs"] else { return }
        guard let c = crs as? [String: Any], let type = c["type"] as? String else { throw refuse("has a 'crs' member GDAL does not read") }
        guard type.lowercased() == "name", let props = c["properties"] as? [String: Any], let name = props["name"] as? String else {
            throw refuse("gives its CRS by '\(type.prefix(20))'; only a named CRS (\"EPSG:2154\") is taken, never a link or a file")
        }
        let lower = name.lowercased()
        // OGC's CRS URIs (http://www.opengis.net/def/crs/EPSG/0/2154) are parsed by GDAL without fetching them.
        let ogcURI = ["http://www.opengis.net/def/crs/", "https://www.opengis.net/def/crs/"].contains { lower.hasPrefix($0) }
            && lower.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/:._-".unicodeScalars.contains($0) } && !lower.contains("..")
        guard ogcURI || ((lower.hasPrefix("urn:ogc:def:crs:") || lower.hasPrefix("epsg:") || lower.hasPrefix("crs:") || lower.hasPrefix("ogc:"))
              && !lower.contains("/") && !lower.contains("\\")) else {
            throw refuse("names its CRS in a way that points at a file or a URL; use \"EPSG:2154\" or urn:ogc:def:crs:EPSG::2154")
        }
    }

    // MARK: GeoPackages

    /// Views, foreign triggers, virtual tables other than the R-tree index, generated columns and
    /// contents other than features make a GeoPackage refused before GDAL sees it.
    static func geoPackage(_ path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.foreignKeysEnabled = false
        config.label = "upload check"
        config.prepareDatabase { db in
            // Nothing in the schema may run a function marked unsafe; nothing is written.
            try db.execute(sql: "PRAGMA trusted_schema = OFF")
            try db.execute(sql: "PRAGMA query_only = ON")
        }
        let queue: DatabaseQueue
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch {
            throw refuse("cannot be read as a GeoPackage (not an SQLite database, or corrupt)")
        }
        do {
            try queue.read { db in try inspect(db) }
        } catch let r as Refusal {
            throw r
        } catch {
            throw refuse("cannot be read as a GeoPackage (corrupt SQLite database)")
        }
    }

    struct SchemaRow { var type: String; var name: String; var table: String; var sql: String }

    static func inspect(_ db: Database) throws {
        let schema = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master").map {
            SchemaRow(type: $0["type"] ?? "", name: $0["name"] ?? "", table: $0["tbl_name"] ?? "", sql: $0["sql"] ?? "")
        }
        func shown(_ s: String) -> String { String(s.unicodeScalars.filter { $0.value >= 0x20 }.prefix(60).map(Character.init)) }
        if let v = schema.first(where: { $0.type == "view" }) {
            throw refuse("holds a view ('\(shown(v.name))'); send plain tables (QGIS: Export › Save Features As…, or ogr2ogr)")
        }
        guard schema.contains(where: { $0.type == "table" && $0.name == "gpkg_contents" }) else {
            throw refuse("is an SQLite database but not a GeoPackage (no gpkg_contents table)")
        }
        let contents = try Row.fetchAll(db, sql: "SELECT table_name, data_type FROM gpkg_contents").map {
            (name: ($0["table_name"] as String?) ?? "", type: ($0["data_type"] as String?) ?? "")
        }
        for c in contents where !(c.type == "features" || (c.type == "attributes" && c.name == "layer_styles")) {
            throw refuse("holds '\(shown(c.name))' of type '\(shown(c.type))'; only feature tables (vector layers) are taken")
        }
        let features = contents.filter { $0.type == "features" }.map(\.name)
        var geometryColumn: [String: String] = [:]
        if schema.contains(where: { $0.type == "table" && $0.name == "gpkg_geometry_columns" }) {
            for r in try Row.fetchAll(db, sql: "SELECT table_name, column_name FROM gpkg_geometry_columns") {
                if let t: String = r["table_name"], let c: String = r["column_name"] { geometryColumn[t.lowercased()] = c }
            }
        }
        // Every layer is a plain table without computed columns.
        for t in contents.map(\.name) {
            guard let row = schema.first(where: { $0.type == "table" && $0.name.lowercased() == t.lowercased() }),
                  !isVirtual(row.sql) else {
                throw refuse("lists '\(shown(t))' as a layer, but it is not a plain table")
            }
            let generated = try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)", arguments: [row.name]) ?? 0
            if generated > 0 { throw refuse("layer '\(shown(t))' has computed (generated) columns; send plain values") }
        }
        // Virtual tables: only the R-tree spatial index of a layer's geometry column.
        let rtrees = Set(features.compactMap { t in geometryColumn[t.lowercased()].map { "rtree_\(t)_\($0)".lowercased() } })
        for v in schema where v.type == "table" && isVirtual(v.sql) {
            guard rtrees.contains(v.name.lowercased()), TriggerShape.isRTreeDeclaration(v.sql) else {
                throw refuse("holds a virtual table ('\(shown(v.name))') other than a layer's spatial index")
            }
        }
        // Triggers: only the GeoPackage's own (R-tree index upkeep, GDAL's feature counts, the spec's checks).
        for t in schema where t.type == "trigger" {
            guard TriggerShape.isKnown(name: t.name, table: t.table, sql: t.sql, features: features, geometryColumn: geometryColumn) else {
                throw refuse("holds a trigger ('\(shown(t.name))') that is not one of the GeoPackage's own; export the layer again (ogr2ogr -f GPKG new.gpkg file.gpkg)")
            }
        }
    }

    static func isVirtual(_ sql: String) -> Bool {
        let words = TriggerShape.tokens(sql).prefix(3).map { $0.text.uppercased() }
        return words.count == 3 && words[0] == "CREATE" && words[1] == "VIRTUAL" && words[2] == "TABLE"
    }
}

/// Recognises the triggers that GDAL, QGIS and the GeoPackage specification put in a GeoPackage, by
/// name and by the shape of their body: which functions they call and which tables they write.
enum TriggerShape {
    struct Token: Equatable {
        enum Kind { case word, quoted, string, number, symbol }
        var kind: Kind
        var text: String
        /// Words and quoted identifiers compare without case, as SQLite does (which also takes a
        /// 'string' where a name is expected, as the GeoPackage specification's triggers write them).
        func isName(_ s: String) -> Bool { (kind == .word || kind == .quoted || kind == .string) && text.lowercased() == s.lowercased() }
        func isKeyword(_ s: String) -> Bool { kind == .word && text.uppercased() == s }
    }

    /// SQL split into words, quoted identifiers ("…", `…`, […]), strings ('…'), numbers and symbols;
    /// comments dropped. An unterminated quote ends the text (the caller then finds no known shape).
    static func tokens(_ sql: String) -> [Token] {
        let s = Array(sql.unicodeScalars)
        var out: [Token] = []
        var i = 0
        func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic || c.value > 0x7F }
        func isWord(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) || c == "$" }
        while i < s.count {
            let c = s[i]
            if c.properties.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < s.count, s[i + 1] == "-" { while i < s.count && s[i] != "\n" { i += 1 }; continue }
            if c == "/", i + 1 < s.count, s[i + 1] == "*" {
                i += 2
                while i + 1 < s.count && !(s[i] == "*" && s[i + 1] == "/") { i += 1 }
                i += 2; continue
            }
            if c == "'" || c == "\"" || c == "`" || c == "[" {
                let close: Unicode.Scalar = c == "[" ? "]" : c
                var text = String.UnicodeScalarView()
                i += 1
                while i < s.count {
                    if s[i] == close {
                        if close != "]", i + 1 < s.count, s[i + 1] == close { text.append(close); i += 2; continue }
                        break
                    }
                    text.append(s[i]); i += 1
                }
                i += 1
                out.append(Token(kind: c == "'" ? .string : .quoted, text: String(text)))
                continue
            }
            if isWordStart(c) {
                var text = String.UnicodeScalarView()
                while i < s.count && isWord(s[i]) { text.append(s[i]); i += 1 }
                out.append(Token(kind: .word, text: String(text)))
                continue
            }
            if ("0"..."9").contains(c) || (c == "." && i + 1 < s.count && ("0"..."9").contains(s[i + 1])) {
                var text = String.UnicodeScalarView()
                while i < s.count && (isWord(s[i]) || s[i] == ".") { text.append(s[i]); i += 1 }
                out.append(Token(kind: .number, text: String(text)))
                continue
            }
            out.append(Token(kind: .symbol, text: String(c)))
            i += 1
        }
        return out
    }

    /// Words SQL puts before a parenthesis that are not function calls.
    static let notCalls: Set<String> = ["IN", "VALUES", "AND", "OR", "NOT", "WHEN", "WHERE", "ON", "IS", "THEN", "ELSE"]

    /// The functions a trigger calls (upper-cased).
    static func calls(_ t: [Token]) -> Set<String> {
        var out = Set<String>()
        for (k, tok) in t.enumerated() where k + 1 < t.count && t[k + 1].text == "(" && t[k + 1].kind == .symbol {
            if tok.kind == .quoted || (tok.kind == .word && !notCalls.contains(tok.text.uppercased())) { out.insert(tok.text.uppercased()) }
        }
        return out
    }

    /// The parsed trigger: what it is attached to and its statements (each a list of tokens).
    struct Parsed {
        var table: Token
        var header: [Token]
        var statements: [[Token]]
    }

    static func parse(_ sql: String) -> Parsed? {
        let t = tokens(sql)
        guard t.count > 6, t[0].isKeyword("CREATE"), t[1].isKeyword("TRIGGER"),
              let begin = t.firstIndex(where: { $0.isKeyword("BEGIN") }), let end = t.lastIndex(where: { $0.isKeyword("END") }),
              end == t.count - 1 || (end == t.count - 2 && t[t.count - 1].text == ";"), begin < end,
              let on = t[..<begin].firstIndex(where: { $0.isKeyword("ON") }), on + 1 < begin else { return nil }
        var statements: [[Token]] = []
        var current: [Token] = []
        for tok in t[(begin + 1)..<end] {
            if tok.kind == .symbol && tok.text == ";" {
                if !current.isEmpty { statements.append(current) }
                current = []
            } else {
                current.append(tok)
            }
        }
        if !current.isEmpty { statements.append(current) }
        guard !statements.isEmpty else { return nil }
        return Parsed(table: t[on + 1], header: Array(t[..<begin]), statements: statements)
    }

    /// `CREATE VIRTUAL TABLE "rtree_t_c" USING rtree(id, minx, maxx, miny, maxy)`.
    static func isRTreeDeclaration(_ sql: String) -> Bool {
        let t = tokens(sql)
        guard let using = t.firstIndex(where: { $0.isKeyword("USING") }), using + 2 < t.count else { return false }
        return t[using + 1].isName("rtree") && t[using + 2].text == "("
    }

    /// Whether a trigger is one of the GeoPackage's own, for the layers `features` (geometry columns given).
    static func isKnown(name: String, table: String, sql: String, features: [String], geometryColumn: [String: String]) -> Bool {
        guard let p = parse(sql), p.table.isName(table) else { return false }
        let all = p.header + p.statements.flatMap { $0 }
        let called = calls(all)
        let selects = all.filter { $0.isKeyword("SELECT") }.count
        let lname = name.lowercased()

        // The R-tree spatial index kept up to date: rtree_<t>_<c>_insert, _update1…7, _delete.
        for t in features {
            guard let c = geometryColumn[t.lowercased()], table.lowercased() == t.lowercased() else { continue }
            let prefix = "rtree_\(t)_\(c)_".lowercased()
            guard lname.hasPrefix(prefix) else { continue }
            let suffix = String(lname.dropFirst(prefix.count))
            guard suffix == "insert" || suffix == "delete" || (suffix.hasPrefix("update") && ["1", "2", "3", "4", "5", "6", "7"].contains(String(suffix.dropFirst(6)))) else { return false }
            let rtree = "rtree_\(t)_\(c)"
            guard selects == 0, called.isSubset(of: ["ST_ISEMPTY", "ST_MINX", "ST_MAXX", "ST_MINY", "ST_MAXY"]) else { return false }
            return p.statements.allSatisfy { writes($0, only: rtree, verbs: ["INSERT", "DELETE", "UPDATE"]) }
        }
        // GDAL's feature counts: trigger_insert_feature_count_<t>, trigger_delete_feature_count_<t>.
        for t in features where lname == "trigger_insert_feature_count_\(t)".lowercased() || lname == "trigger_delete_feature_count_\(t)".lowercased() {
            guard table.lowercased() == t.lowercased(), selects == 0, called.isSubset(of: ["LOWER"]) else { return false }
            return p.statements.allSatisfy { writes($0, only: "gpkg_ogr_contents", verbs: ["UPDATE"]) }
        }
        // The specification's checks on its own tables: SELECT RAISE(ABORT, '…') WHERE <a test of NEW's values>.
        let specTables = ["gpkg_tile_matrix", "gpkg_metadata", "gpkg_metadata_reference"]
        if specTables.contains(table.lowercased()), lname.hasPrefix("gpkg_tile_matrix_") || lname.hasPrefix("gpkg_metadata_") {
            guard called.isSubset(of: ["RAISE"]), selects == p.statements.count, !all.contains(where: { $0.isKeyword("FROM") }) else { return false }
            return p.statements.allSatisfy { $0.count > 3 && $0[0].isKeyword("SELECT") && $0[1].isKeyword("RAISE") }
        }
        return false
    }

    /// A statement that writes to `table` only (INSERT [OR REPLACE] INTO t …, DELETE FROM t …, UPDATE t SET …).
    static func writes(_ s: [Token], only table: String, verbs: Set<String>) -> Bool {
        guard let first = s.first, first.kind == .word, verbs.contains(first.text.uppercased()) else { return false }
        // Statements that name another object: none of these may appear in the body.
        for tok in s where tok.kind == .word && ["SELECT", "FROM", "JOIN", "ATTACH", "PRAGMA", "CREATE", "DROP", "ALTER", "WITH"].contains(tok.text.uppercased()) {
            if !(tok.isKeyword("FROM") && first.isKeyword("DELETE")) { return false }
        }
        switch first.text.uppercased() {
        case "INSERT":
            guard let into = s.firstIndex(where: { $0.isKeyword("INTO") }), into + 1 < s.count else { return false }
            return s[into + 1].isName(table) && s[1..<into].allSatisfy { $0.isKeyword("OR") || $0.isKeyword("REPLACE") }
        case "DELETE":
            return s.count > 2 && s[1].isKeyword("FROM") && s[2].isName(table)
        case "UPDATE":
            return s.count > 2 && s[1].isName(table) && s[2].isKeyword("SET")
        default:
            return false
        }
    }
}
