import Foundation
import TrameCost
import TOMLKit
import TrameVector

/// A problem in a project file; names the file and, when known, the line.
public struct ProjectError: Error, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var problem: String
    public init(_ file: String, line: Int? = nil, _ problem: String) { self.file = file; self.line = line; self.problem = problem }
    public var description: String { line.map { "\(file):\($0): \(problem)" } ?? "\(file): \(problem)" }
}

/// Reads a project file (TOML, read with TOMLKit).
///
/// Every key is checked: an unknown key, a missing one, a wrong type or a quantity without its unit
/// is an error naming the line. Paths are resolved against the project file's folder. The reader
/// goes on past a problem (the key left at its default) so that `diagnose` lists them all; `parse`
/// and `load` throw the first.
public enum ProjectFile {
    public static func load(_ path: String) throws -> Project {
        let (project, problems) = diagnose(path)
        if let first = problems.first { throw first }
        return project!
    }

    public static func parse(_ text: String, file: String) throws -> Project {
        let (project, problems) = diagnose(text, file: file)
        if let first = problems.first { throw first }
        return project!
    }

    /// Reads a project file and returns every problem found in it, in the order of the file's sections;
    /// the project (with defaults where a value was wrong) unless the file is not TOML at all.
    public static func diagnose(_ path: String) -> (project: Project?, problems: [ProjectError]) {
        guard FileManager.default.fileExists(atPath: path) else { return (nil, [ProjectError(path, "no such project file")]) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (nil, [ProjectError(path, "cannot be read as UTF-8 text")]) }
        return diagnose(text, file: URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    public static func diagnose(_ text: String, file: String) -> (project: Project?, problems: [ProjectError]) {
        let root: TOMLTable
        do { try TOMLShapeCheck.check(text) } catch let p as TOMLShapeCheck.Problem {
            return (nil, [ProjectError(file, line: p.line, "not valid TOML: \(p.message)")])
        } catch { return (nil, [ProjectError(file, "\(error)")]) }
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            return (nil, [ProjectError(file, line: e.source.begin.line, "not valid TOML: \(e.description)")])
        } catch { return (nil, [ProjectError(file, "not valid TOML: \(error)")]) }
        var r = Reader(file: file, lines: LineIndex(text))
        do {
            let p = try r.project(root)
            return (p, r.log.problems)
        } catch let e as ProjectError {
            return (nil, r.log.problems + [e])
        } catch {
            return (nil, r.log.problems + [ProjectError(file, "\(error)")])
        }
    }

    /// The line of a key ("land_cover.raster", "subnetwork#0.habitat") or a section ("units") in a project
    /// file's text.
    public static func line(of key: String, in text: String) -> Int? {
        let index = LineIndex(text)
        return index.lines[key] ?? index.tables[key]
    }

    /// The problems found so far, kept by every reader of a file.
    final class Log {
        var problems: [ProjectError] = []
    }

    /// Where each key sits: "table.key" (arrays of tables as "table#n.key") → line number.
    struct LineIndex {
        var lines: [String: Int] = [:]
        var tables: [String: Int] = [:]

        init(_ text: String) {
            var table = ""
            var counts: [String: Int] = [:]
            for (n, raw) in text.components(separatedBy: "\n").enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[[") , let end = line.range(of: "]]") {
                    let name = String(line[line.index(line.startIndex, offsetBy: 2)..<end.lowerBound]).trimmingCharacters(in: .whitespaces)
                    let k = counts[name, default: 0]
                    counts[name] = k + 1
                    table = "\(name)#\(k)"
                    tables[table] = n + 1
                } else if line.hasPrefix("["), let end = line.firstIndex(of: "]") {
                    table = String(line[line.index(after: line.startIndex)..<end]).trimmingCharacters(in: .whitespaces)
                    tables[table] = n + 1
                } else if let eq = line.firstIndex(of: "="), !line.hasPrefix("#") {
                    let key = line[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    if !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                        let full = table.isEmpty ? key : "\(table).\(key)"
                        if lines[full] == nil { lines[full] = n + 1 }
                    }
                }
            }
        }
    }

    /// A table being read: its path (for line numbers) and the keys already consumed.
    struct Section {
        var table: TOMLTable
        var path: String
        var allowed: Set<String>
        /// A required section that is missing: read as empty, its missing keys not reported again.
        var missing = false
    }

    struct Reader {
        let file: String
        let lines: LineIndex
        let log = Log()
        var directory: String { (file as NSString).deletingLastPathComponent }

        func line(_ s: Section, _ key: String? = nil) -> Int? {
            if let key {
                let full = s.path.isEmpty ? key : "\(s.path).\(key)"
                if let l = lines.lines[full] ?? lines.tables[full] ?? lines.tables["\(full)#0"] { return l }
            }
            return lines.tables[s.path]
        }

        func fail(_ s: Section, _ key: String?, _ problem: String) -> ProjectError {
            ProjectError(file, line: line(s, key), problem)
        }

        /// Keeps a problem and goes on reading.
        func note(_ e: ProjectError) { log.problems.append(e) }

        func checkKeys(_ s: Section) throws {
            for k in s.table.keys.sorted(by: { (line(s, $0) ?? 0, $0) < (line(s, $1) ?? 0, $1) }) where !s.allowed.contains(k) {
                let known = s.allowed.sorted().joined(separator: ", ")
                note(fail(s, k, "unknown key '\(k)' in \(s.path.isEmpty ? "the top level" : "[\(s.path.split(separator: "#").first!)]") (known keys: \(known))"))
            }
        }

        func section(_ parent: TOMLTable, _ name: String, allowed: [String], required: Bool = false) throws -> Section? {
            guard let v = parent[name] else {
                if required {
                    note(ProjectError(file, "missing section [\(name)]"))
                    return Section(table: TOMLTable(), path: name, allowed: Set(allowed), missing: true)
                }
                return nil
            }
            guard let t = v.table else {
                note(ProjectError(file, line: lines.lines[name], "'\(name)' must be a section [\(name)]"))
                return required ? Section(table: TOMLTable(), path: name, allowed: Set(allowed), missing: true) : nil
            }
            let s = Section(table: t, path: name, allowed: Set(allowed))
            try checkKeys(s)
            return s
        }

        /// A text; a required one missing or of the wrong type is noted and read as "".
        func string(_ s: Section, _ key: String, required: Bool = false) throws -> String? {
            guard let v = s.table[key] else {
                if required {
                    if !s.missing { note(fail(s, nil, "missing key '\(key)' in [\(s.path.split(separator: "#").first!)]")) }
                    return ""
                }
                return nil
            }
            guard let str = v.string else { note(fail(s, key, "'\(key)' must be text in quotes")); return required ? "" : nil }
            return str
        }

        func quantity<T>(_ s: Section, _ key: String, _ parse: (String) throws -> T) throws -> T? {
            guard let v = s.table[key] else { return nil }
            guard let str = v.string else {
                if let d = v.double ?? v.int.map(Double.init) {
                    // A bare number: say which unit to write.
                    do { _ = try parse("\(d)") } catch let e as Quantity.UnitError { note(fail(s, key, "'\(key)': \(e.description), in quotes")); return nil }
                }
                note(fail(s, key, "'\(key)' must be a quantity in quotes with its unit"))
                return nil
            }
            do { return try parse(str) } catch let e as Quantity.UnitError { note(fail(s, key, "'\(key)': \(e.description)")); return nil }
        }

        func flag(_ s: Section, _ key: String) throws -> Bool? {
            guard let v = s.table[key] else { return nil }
            guard let b = v.bool else { note(fail(s, key, "'\(key)' must be true or false")); return nil }
            return b
        }

        func classes(_ s: Section, _ key: String) throws -> [Int]? {
            guard let v = s.table[key] else { return nil }
            guard let a = v.array else { note(fail(s, key, "'\(key)' must be a list of class codes, e.g. [20, 21]")); return nil }
            let range = entry(s.path, key).range
            var out: [Int] = []
            for x in a {
                guard let i = x.int else { note(fail(s, key, "'\(key)' must hold integer class codes")); return nil }
                guard range.contains(Double(i)) else { note(fail(s, key, "\(key): class code \(i) is out of range: \(range.text)")); return nil }
                out.append(i)
            }
            return out
        }

        /// One class code (a whole number), checked against its range.
        func code(_ s: Section, _ key: String) throws -> Int? {
            guard let v = s.table[key] else { return nil }
            guard let i = v.int else { note(fail(s, key, "'\(key)' must be one whole class code, e.g. \(key) = 0")); return nil }
            let e = entry(s.path, key)
            guard e.range.contains(Double(i)) else { note(outOfRange(s, key, String(i), e)); return nil }
            return i
        }

        /// The table entry of a key holding a number; every such key is in `ProjectKeys.all` (a test reads them all).
        func entry(_ section: String, _ key: String) -> ProjectKey {
            guard let e = ProjectKeys.entry(section, key) else { preconditionFailure("\(section).\(key) is missing from ProjectKeys.all") }
            return e
        }

        func outOfRange(_ s: Section, _ key: String, _ shown: String, _ e: ProjectKey) -> ProjectError {
            fail(s, key, "\(key) \(shown) is out of range: \(e.rangeText)")
        }

        /// How the value of a key was written, for messages: "\"1e308 ha\"", "9223372036854775807".
        func written(_ v: any TOMLValueConvertible) -> String {
            if let str = v.string { return "\"\(str)\"" }
            if let i = v.int { return String(i) }
            if let d = v.double { return "\(d)" }
            return "\(v)"
        }

        /// A quantity with its unit (area, length, cost, share), checked against its range; the table's
        /// default when the key or its whole section is absent.
        func measure(_ s: Section?, _ section: String, _ key: String) throws -> Double? {
            let e = entry(section, key)
            guard let s, let raw = s.table[key] else { return e.defaultValue }
            let parse: (String) throws -> Double = switch e.kind {
            case .area: Quantity.area
            case .length: Quantity.length
            case .cost: Quantity.cost
            case .share: Quantity.percent
            default: preconditionFailure("\(key) is not a quantity with a unit")
            }
            guard let v = try quantity(s, key, parse) else { return e.defaultValue ?? e.range.low }
            guard e.range.contains(v) else { note(outOfRange(s, key, written(raw), e)); return e.defaultValue ?? e.range.low }
            return v
        }

        /// A plain number (count or weight), checked against its range; counts must be whole.
        func count(_ s: Section?, _ section: String, _ key: String) throws -> Double? {
            let e = entry(section, key)
            guard let s, let raw = s.table[key] else { return e.defaultValue }
            let v: Double
            let fallback = e.defaultValue ?? e.range.low
            if let i = raw.int { v = Double(i) } else if let d = raw.double { v = d } else { note(fail(s, key, "'\(key)' must be a number")); return fallback }
            if e.kind == .count, v != v.rounded(.towardZero) { note(fail(s, key, "\(key) \(written(raw)) must be a whole number (\(e.rangeText))")); return fallback }
            guard e.range.contains(v) else { note(outOfRange(s, key, written(raw), e)); return fallback }
            return v
        }

        func strings(_ s: Section, _ key: String) throws -> [String]? {
            guard let v = s.table[key] else { return nil }
            guard let a = v.array else { note(fail(s, key, "'\(key)' must be a list of names in quotes")); return nil }
            var out: [String] = []
            for x in a {
                guard let str = x.string else { note(fail(s, key, "'\(key)' must hold names in quotes")); return nil }
                out.append(str)
            }
            return out
        }

        func path(_ p: String) -> String {
            let expanded = (p as NSString).expandingTildeInPath
            if expanded.hasPrefix("/") { return expanded }
            return URL(fileURLWithPath: (directory as NSString).appendingPathComponent(expanded)).standardizedFileURL.path
        }

        /// A layer: "file.gpkg" or { file = "…", layer = "…", where = "…" }.
        func layer(_ s: Section, _ key: String, extra: [String] = []) throws -> LayerSource? {
            guard let v = s.table[key] else { return nil }
            let l = line(s, key)
            if let str = v.string { return LayerSource(file: path(str), line: l) }
            guard let t = v.table else { note(fail(s, key, "'\(key)' must be a file name or { file = \"…\", layer = \"…\" }")); return nil }
            let inner = Section(table: t, path: s.path, allowed: Set(["file", "layer", "where", "producer", "date", "licence"] + extra))
            for k in t.keys.sorted() where !inner.allowed.contains(k) {
                note(ProjectError(file, line: l, "unknown key '\(k)' in '\(key)' (known keys: \((["file", "layer", "where", "producer", "date", "licence"] + extra).joined(separator: ", ")))"))
            }
            guard let f = t["file"]?.string else { note(ProjectError(file, line: l, "'\(key)' needs file = \"…\"")); return nil }
            for k in ["layer", "where", "producer", "date", "licence"] where t[k] != nil && t[k]?.string == nil {
                note(ProjectError(file, line: l, "'\(k)' in '\(key)' must be a text in quotes"))
            }
            return LayerSource(file: path(f), layer: t["layer"]?.string, filter: t["where"]?.string, line: l,
                               origin: DataOrigin(producer: t["producer"]?.string, date: t["date"]?.string, licence: t["licence"]?.string))
        }

        /// [land_cover] vector = { file = "…", layer = "…", field = "…", where = "…" }.
        func vectorLandCover(_ s: Section) throws -> VectorLandCover? {
            guard let v = s.table["vector"] else { return nil }
            guard let t = v.table else { note(fail(s, "vector", "'vector' must be { file = \"…\", layer = \"…\", field = \"…\" }, the polygons and their class field")); return nil }
            guard let field = t["field"]?.string, !field.isEmpty else {
                note(fail(s, "vector", "'vector' needs field = \"…\", the field holding each polygon's class code")); return nil
            }
            guard let src = try layer(s, "vector", extra: ["field"]) else { return nil }
            return VectorLandCover(source: src, field: field)
        }

        /// A list of class codes (integers).
        func codes(_ s: Section, _ key: String) -> [Int]? {
            guard let v = s.table[key] else { return nil }
            guard let a = v.array, a.allSatisfy({ $0.int != nil }) else { note(fail(s, key, "'\(key)' must be a list of integer class codes, e.g. [20, 21]")); return nil }
            return a.compactMap(\.int)
        }

        /// [[management]] entries: code, labels and prescriptions in both languages, and what they apply to.
        func managementRegimes(_ root: TOMLTable, subNetworks: [SubNetwork]) throws -> [ManagementRegime] {
            guard let v = root["management"] else { return [] }
            guard let arr = v.array else { note(ProjectError(file, line: lines.lines["management"], "management regimes are written [[management]]")); return [] }
            var out: [ManagementRegime] = []
            for (k, item) in arr.enumerated() {
                guard let t = item.table else { note(ProjectError(file, "management regime \(k + 1) must be a table")); continue }
                let s = Section(table: t, path: "management#\(k)", allowed: ["code", "label_fr", "label_en", "prescription_fr", "prescription_en",
                                                                             "typology", "subnetwork", "classes"])
                try checkKeys(s)
                guard let code = try string(s, "code", required: true) else { continue }
                if code.isEmpty || code.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                    note(fail(s, "code", "management code '\(code)' must be letters, digits, _ or - (e.g. late_mowing)")); continue
                }
                if out.contains(where: { $0.code == code }) { note(fail(s, "code", "two management regimes have the code '\(code)'")); continue }
                let typology = try string(s, "typology")
                if let ty = typology, !ManagementRegime.typologies.contains(ty) {
                    note(fail(s, "typology", "typology '\(ty)' must be \"major\", \"mixed\" or \"corridor\""))
                }
                let sub = try string(s, "subnetwork")
                if let sub, !subNetworks.contains(where: { $0.name == sub }) {
                    note(fail(s, "subnetwork", "no [[subnetwork]] is named '\(sub)' (known: \(subNetworks.map(\.name).joined(separator: ", ")))"))
                }
                let labelFr = try string(s, "label_fr", required: true) ?? code, labelEn = try string(s, "label_en", required: true) ?? code
                out.append(ManagementRegime(code: code, labelFr: labelFr, labelEn: labelEn,
                                            prescriptionFr: try string(s, "prescription_fr") ?? "", prescriptionEn: try string(s, "prescription_en") ?? "",
                                            typology: typology, subNetwork: sub, classes: codes(s, "classes"), line: line(s)))
            }
            return out
        }

        mutating func project(_ root: TOMLTable) throws -> Project {
            let top = Section(table: root, path: "", allowed: ["territory", "land_cover", "nature_spaces", "inventory", "infrastructure",
                                                             "units", "leisure_hubs", "subnetwork", "buffer_zones", "itineraries", "pinch_points", "report", "web",
                                                             "hydrography", "management", "itinerary"])
            try checkKeys(top)
            // A section's keys: its texts, layers and flags, and the numbers of the table of keys.
            func keys(_ section: String, _ others: [String] = []) -> [String] { others + ProjectKeys.keys(in: section).map(\.name) }
            let terr = try section(root, "territory", allowed: keys("territory", ["name", "crs", "boundary", "reference_label", "reference_label_fr", "reference_label_en"]), required: true)!
            let lc = try section(root, "land_cover", allowed: keys("land_cover", ["raster", "vector", "nomenclature", "friction", "producer", "date", "licence"]), required: true)!
            let ns = try section(root, "nature_spaces", allowed: keys("nature_spaces"))
            let infra = try section(root, "infrastructure", allowed: keys("infrastructure", ["roads", "road_class_field", "railways", "paths"]))
            let units = try section(root, "units", allowed: ["communes", "groupings", "name_field", "level"])
            let hubs = try section(root, "leisure_hubs", allowed: ["source", "name_field", "stake_field"])
            let buf = try section(root, "buffer_zones", allowed: keys("buffer_zones"))
            let rep = try section(root, "report", allowed: ["title", "lang"])
            let pinch = try section(root, "pinch_points", allowed: keys("pinch_points"))
            let web = try section(root, "web", allowed: ["base_map", "base_map_attribution"])
            let baseMap = try web.flatMap { try string($0, "base_map") }
            if let web, let b = baseMap, !(b.hasPrefix("https://") || b.hasPrefix("http://")) || !b.contains("{z}") || !b.contains("{x}") || !b.contains("{y}") {
                note(fail(web, "base_map", "base_map must be a tile URL with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png"))
            }
            var pinchLinks = 0
            if let pinch, let v = try count(pinch, "pinch_points", "links_per_subnetwork") {
                pinchLinks = Int(v)   // whole and within 0 … 1,000,000: checked
            }
            let itin = try section(root, "itineraries", allowed: keys("itineraries", ["network", "mode", "join_crossings", "with_roads"]))
            var itineraries: ItinerarySettings? = nil
            if let itin {
                let net = try layer(itin, "network")
                if net == nil && itin.table["network"] == nil { note(fail(itin, nil, "[itineraries] needs network = { file = \"…\" }")) }
                var mode = try string(itin, "mode") ?? "walk"
                if !["walk", "bike"].contains(mode) { note(fail(itin, "mode", "mode '\(mode)' must be \"walk\" or \"bike\"")); mode = "walk" }
                let w = try count(itin, "itineraries", "prefer_green")!
                itineraries = ItinerarySettings(network: net ?? LayerSource(file: path("")), mode: mode, preferGreen: w,
                                                maxSnap: try measure(itin, "itineraries", "max_snap")!,
                                                joinCrossings: try flag(itin, "join_crossings") ?? false,
                                                withRoads: try flag(itin, "with_roads") ?? false,
                                                serveDistance: try measure(itin, "itineraries", "serve_distance")!)
            }
            let named = try namedItineraries(root, settings: itineraries)

            let hydro = try section(root, "hydrography", allowed: keys("hydrography", ["watercourses", "name_field", "obstacles", "passability_field",
                                                                                     "kind_field", "obstacle_name_field"]))
            var hydrography: Hydrography? = nil
            if let hydro {
                let w = try layer(hydro, "watercourses") ?? LayerSource(file: path(""))
                if hydro.table["watercourses"] == nil {
                    note(fail(hydro, nil, "[hydrography] needs watercourses = { file = \"…\", layer = \"…\" }, the watercourses as lines"))
                }
                hydrography = Hydrography(watercourses: w, nameField: try string(hydro, "name_field"), obstacles: try layer(hydro, "obstacles"),
                                          passabilityField: try string(hydro, "passability_field") ?? "passability",
                                          obstacleKindField: try string(hydro, "kind_field") ?? "kind",
                                          obstacleNameField: try string(hydro, "obstacle_name_field") ?? "name",
                                          riparianStrip: try measure(hydro, "hydrography", "riparian_strip")!,
                                          breakingPassability: try count(hydro, "hydrography", "breaking_passability")!,
                                          goodContinuity: try measure(hydro, "hydrography", "good_continuity")!,
                                          barrierClasses: try classes(hydro, "barrier_classes") ?? [])
            }

            let unitLevels = try self.unitLevels(units)

            let name = try string(terr, "name", required: true)!
            let builtUp = try classes(lc, "built_up") ?? []
            if builtUp.isEmpty && !lc.missing && lc.table["built_up"]?.array.map({ !$0.isEmpty }) != true { note(fail(lc, "built_up", "[land_cover] needs built_up = [...], the built-up classes (towns, industry)")) }

            var inventories: [Inventory] = []
            var declared = Set<String>()   // inventories written, even those with a problem (noted once, not again per sub-network)
            if let v = root["inventory"] {
                if v.array == nil { note(ProjectError(file, line: lines.lines["inventory"], "inventories are written [[inventory]]")) }
                for (k, item) in (v.array ?? TOMLArray()).enumerated() {
                    guard let t = item.table else { note(ProjectError(file, "inventory \(k + 1) must be a table")); continue }
                    let s = Section(table: t, path: "inventory#\(k)", allowed: ["name", "source", "partner", "interest"])
                    try checkKeys(s)
                    let iname = try string(s, "name", required: true)!
                    declared.insert(iname)
                    let src = try layer(s, "source")
                    if src == nil && t["source"] == nil { note(fail(s, nil, "inventory '\(iname)' needs source = { file = \"…\" }")) }
                    let interestText = try string(s, "interest") ?? "major"
                    let interest = Interest(rawValue: interestText) ?? .major
                    if Interest(rawValue: interestText) == nil {
                        note(fail(s, "interest", "interest '\(interestText)' must be \"major\" or \"information\""))
                    }
                    if inventories.contains(where: { $0.name == iname }) { note(fail(s, "name", "two inventories are named '\(iname)'")); continue }
                    guard let src else { continue }
                    inventories.append(Inventory(name: iname, source: src, partner: try string(s, "partner", required: true)!,
                                                 interest: interest, line: line(s)))
                }
            }

            var subs: [SubNetwork] = []
            let sarr = root["subnetwork"]?.array ?? TOMLArray()
            if sarr.isEmpty {
                note(ProjectError(file, "no sub-network: add at least one [[subnetwork]] (forest, wetland, …)"))
            }
            for (k, item) in sarr.enumerated() {
                guard let t = item.table else { note(ProjectError(file, "sub-network \(k + 1) must be a table")); continue }
                let s = Section(table: t, path: "subnetwork#\(k)", allowed: Set(keys("subnetwork", ["name", "label", "label_fr", "label_en", "friction_column", "inventories", "colour", "model"])))
                try checkKeys(s)
                let sname = try string(s, "name", required: true)!
                if !sname.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                    note(fail(s, "name", "sub-network name '\(sname)' may hold only letters, digits, _ and - (it names files)"))
                }
                if subs.contains(where: { $0.name == sname }) { note(fail(s, "name", "two sub-networks are named '\(sname)'")) }
                let habitat = try classes(s, "habitat") ?? []
                if habitat.isEmpty && (t["habitat"] == nil || t["habitat"]?.array?.isEmpty == true) {
                    note(fail(s, "habitat", "sub-network '\(sname)' needs habitat = [class codes]"))
                }
                let invNames = try strings(s, "inventories") ?? []
                for n in invNames where !declared.contains(n) {
                    note(fail(s, "inventories", "sub-network '\(sname)' names inventory '\(n)', which no [[inventory]] defines"))
                }
                let probEntry = entry("subnetwork", "dispersal_probability")
                var prob = probEntry.defaultValue!
                if let v = t["dispersal_probability"] {
                    if let d = v.double ?? v.int.map(Double.init) { prob = d } else if let str = v.string {
                        do { prob = try Quantity.percent(str) } catch let e as Quantity.UnitError { note(fail(s, "dispersal_probability", e.description)) }
                    } else { note(fail(s, "dispersal_probability", "'dispersal_probability' must be a number such as 0.05 or \"5 %\"")) }
                    if !probEntry.range.contains(prob) { note(outOfRange(s, "dispersal_probability", written(v), probEntry)); prob = probEntry.defaultValue! }
                }
                let dispersal = try measure(s, "subnetwork", "dispersal_distance")!
                let widthEntry = entry("subnetwork", "corridor_width")
                let width = try quantity(s, "corridor_width", Quantity.width) ?? .cost(dispersal / 10)
                switch width {
                case .cost(let w) where !widthEntry.ranges[0].contains(w), .metres(let w) where !widthEntry.ranges[1].contains(w):
                    note(outOfRange(s, "corridor_width", t["corridor_width"].map(written) ?? "\"\(width)\"", widthEntry))
                default: break
                }
                let colourText = try string(s, "colour") ?? "#2e7d32"
                let colour = RGB(hex: colourText) ?? RGB(0x2e, 0x7d, 0x32)
                if RGB(hex: colourText) == nil { note(fail(s, "colour", "colour '\(colourText)' must be #rrggbb")) }
                let minArea = try measure(s, "subnetwork", "min_reservoir_area")!
                let modelText = try string(s, "model") ?? SubNetworkKind.leastCost.rawValue
                let model = SubNetworkKind(rawValue: modelText) ?? .leastCost
                if SubNetworkKind(rawValue: modelText) == nil {
                    note(fail(s, "model", "model '\(modelText)' must be \(SubNetworkKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or "))"))
                }
                if model == .watercourse && hydrography == nil {
                    note(fail(s, "model", "sub-network '\(sname)' is built on the watercourses (model = \"watercourse\") but the project has no [hydrography] section"))
                }
                subs.append(SubNetwork(name: sname, label: try string(s, "label") ?? sname,
                                       labelFr: try string(s, "label_fr"), labelEn: try string(s, "label_en"), habitat: habitat,
                                       supporting: try classes(s, "supporting") ?? [], frictionColumn: try string(s, "friction_column") ?? sname,
                                       minReservoirHa: minArea, inventories: invNames, dispersalCost: dispersal,
                                       dispersalProbability: prob, corridorWidth: width, colour: colour, line: line(s), model: model))
            }

            let rules = BufferZoneRules(
                openLand: try buf.flatMap { try classes($0, "open_land") } ?? [],
                minTownHa: try measure(buf, "buffer_zones", "min_town_area")!,
                maxBreakWidth: try measure(buf, "buffer_zones", "max_break_width")!,
                aroundNetwork: try measure(buf, "buffer_zones", "around_network")!,
                minAreaHa: try measure(buf, "buffer_zones", "min_area")!,
                edge: try measure(buf, "buffer_zones", "edge")!)

            var lang = try rep.flatMap { try string($0, "lang") } ?? "en"
            if !["en", "fr"].contains(lang) { note(fail(rep!, "lang", "lang '\(lang)' must be \"en\" or \"fr\"")); lang = "en" }
            let resolution = try measure(terr, "territory", "resolution")
            let landCoverVector = try vectorLandCover(lc)
            if landCoverVector != nil && lc.table["raster"] != nil { note(fail(lc, "vector", "[land_cover] takes raster or vector, not both")) }
            if landCoverVector != nil && resolution == nil && !terr.missing {
                note(fail(terr, nil, "a vector land cover needs [territory] resolution = \"… m\", the cell size it is rasterised at"))
            }
            var project = Project(
                file: file, name: name, crs: try string(terr, "crs"), resolution: resolution,
                boundary: try layer(terr, "boundary"), referenceShare: try measure(terr, "territory", "reference_share"),
                referenceLabel: try string(terr, "reference_label") ?? "reference",
                landCover: try landCoverVector?.source.file ?? path(string(lc, "raster", required: landCoverVector == nil) ?? ""),
                nomenclature: path(try string(lc, "nomenclature", required: true)!),
                friction: path(try string(lc, "friction", required: true)!),
                builtUp: builtUp,
                landCoverNoData: try code(lc, "nodata"),
                natureClasses: try ns.flatMap { try classes($0, "classes") },
                mixedMinAreaHa: try measure(ns, "nature_spaces", "min_area")!,
                inventories: inventories,
                roads: try infra.flatMap { try layer($0, "roads") },
                roadClassField: try infra.flatMap { try string($0, "road_class_field") } ?? "class",
                minCrossing: try measure(infra, "infrastructure", "min_crossing")!,
                railways: try infra.flatMap { try layer($0, "railways") },
                paths: try infra.flatMap { try layer($0, "paths") },
                communes: try units.flatMap { try layer($0, "communes") },
                groupings: try units.flatMap { try layer($0, "groupings") },
                unitNameField: try units.flatMap { try string($0, "name_field") } ?? "name",
                leisureHubs: try hubs.flatMap { try layer($0, "source") },
                hubNameField: try hubs.flatMap { try string($0, "name_field") } ?? "name",
                subNetworks: subs, bufferZones: rules, itineraries: itineraries, pinchPointLinks: pinchLinks,
                title: try rep.flatMap { try string($0, "title") } ?? name,
                lang: lang, baseMap: baseMap, baseMapAttribution: try web.flatMap { try string($0, "base_map_attribution") },
                hydrography: hydrography)
            project.referenceLabelFr = try string(terr, "reference_label_fr")
            project.referenceLabelEn = try string(terr, "reference_label_en")
            project.landCoverVector = landCoverVector
            project.landCoverOrigin = DataOrigin(producer: try string(lc, "producer"), date: try string(lc, "date"), licence: try string(lc, "licence"))
            project.hubStakeField = try hubs.flatMap { try string($0, "stake_field") }
            project.unitLevels = unitLevels
            project.management = try managementRegimes(root, subNetworks: subs)
            project.namedItineraries = named
            return project
        }

        /// The named itineraries: [[itinerary]] entries, each with one course (where, relation or via), on
        /// the path network of [itineraries]; a parent names a long-distance path of the file.
        func namedItineraries(_ root: TOMLTable, settings: ItinerarySettings?) throws -> [NamedItinerary] {
            guard let v = root["itinerary"] else { return [] }
            guard let arr = v.array else {
                note(ProjectError(file, line: lines.lines["itinerary"] ?? lines.tables["itinerary"], "named itineraries are written [[itinerary]], one table each"))
                return []
            }
            var out: [NamedItinerary] = []
            var parents: [(Int, String, Section)] = []
            for (k, item) in arr.enumerated() {
                guard let t = item.table else { note(ProjectError(file, "itinerary \(k + 1) must be a table")); continue }
                let s = Section(table: t, path: "itinerary#\(k)", allowed: ["name", "kind", "mode", "status", "parent", "where", "relation", "via"])
                try checkKeys(s)
                let name = try string(s, "name", required: true)!.trimmingCharacters(in: .whitespaces)
                if name.isEmpty, t["name"]?.string != nil { note(fail(s, "name", "an itinerary's name may not be empty")) }
                if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    note(fail(s, "name", "itinerary name '\(name.unicodeScalars.filter { $0.properties.generalCategory != .control })' holds a control character")); continue
                }
                if out.contains(where: { $0.name == name }) { note(fail(s, "name", "two itineraries are named '\(name)'")); continue }
                let kindText = try string(s, "kind") ?? "local"
                let kind = NamedItinerary.Kind(rawValue: kindText)
                if kind == nil { note(fail(s, "kind", "kind '\(kindText)' must be \(NamedItinerary.Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")) }
                let statusText = try string(s, "status") ?? "existing"
                let status = NamedItinerary.Status(rawValue: statusText)
                if status == nil { note(fail(s, "status", "status '\(statusText)' must be \"existing\" or \"planned\"")) }
                let modeText = try string(s, "mode") ?? settings?.mode ?? "walk"
                if !["walk", "bike"].contains(modeText) { note(fail(s, "mode", "mode '\(modeText)' must be \"walk\" or \"bike\"")) }
                let parent = try string(s, "parent")
                if let parent { parents.append((k, parent, s)) }
                guard let settings else {
                    note(fail(s, nil, "itinerary '\(name)' is taken from the path network: add an [itineraries] section with network = { file = \"…\" }"))
                    continue
                }
                let given = ["where", "relation", "via"].filter { t[$0] != nil }
                guard given.count == 1 else {
                    note(fail(s, given.count > 1 ? given[1] : nil, "itinerary '\(name)' needs exactly one course: where = \"…\" (a selection of the path network), relation = \"name, ref or OSM id\" (an OpenStreetMap route relation) or via = [[x, y], [x, y], …] (waypoints)"))
                    continue
                }
                var course: NamedItinerary.Course? = nil
                switch given[0] {
                case "where":
                    if let w = try string(s, "where") {
                        if w.trimmingCharacters(in: .whitespaces).isEmpty { note(fail(s, "where", "itinerary '\(name)': where may not be empty")) } else { course = .selection(w) }
                    }
                case "relation":
                    if let r = try string(s, "relation") {
                        let l = settings.network.file.lowercased()
                        if !(l.hasSuffix(".pbf") || l.hasSuffix(".osm")) {
                            note(fail(s, "relation", "itinerary '\(name)': relation = reads an OpenStreetMap route relation, but [itineraries] network is not an OpenStreetMap extract (.osm.pbf); use where = \"…\" or via"))
                        } else if r.trimmingCharacters(in: .whitespaces).isEmpty {
                            note(fail(s, "relation", "itinerary '\(name)': relation may not be empty"))
                        } else { course = .relation(r) }
                    }
                default:
                    let bad = "itinerary '\(name)': via must be a list of two or more waypoints [x, y] in the land cover's CRS, e.g. via = [[650000, 7030000], [652000, 7031500]]"
                    guard let a = t["via"]?.array, a.count >= 2 else { note(fail(s, "via", bad)); continue }
                    var pts: [Point] = []
                    for x in a {
                        guard let pair = x.array, pair.count == 2,
                              let px = pair[0].double ?? pair[0].int.map(Double.init), let py = pair[1].double ?? pair[1].int.map(Double.init),
                              px.isFinite, py.isFinite, abs(px) < 1e9, abs(py) < 1e9 else { note(fail(s, "via", bad)); pts = []; break }
                        pts.append(Point(px, py))
                    }
                    if pts.count >= 2 { course = .via(pts) }
                }
                guard let course, let kind, let status, ["walk", "bike"].contains(modeText) else { continue }
                out.append(NamedItinerary(name: name, kind: kind, mode: modeText, status: status, parent: parent, course: course, line: line(s)))
            }
            for (_, parent, s) in parents {
                guard let p = out.first(where: { $0.name == parent }) else {
                    note(fail(s, "parent", "parent '\(parent)' names no [[itinerary]] of this file")); continue
                }
                if p.kind != .longDistance { note(fail(s, "parent", "parent '\(parent)' must be a long-distance path (kind = \"long-distance\"); it is \"\(p.kind.rawValue)\"")) }
                if let me = s.table["name"]?.string, me.trimmingCharacters(in: .whitespaces) == parent { note(fail(s, "parent", "an itinerary cannot be its own parent")) }
            }
            return out
        }

        /// The levels of units: [[units.level]] entries (largest first), or the older `communes` and
        /// `groupings` keys (groupings first, one atlas page per grouping). `name_field` of [units] is every
        /// level's default name field.
        func unitLevels(_ units: Section?) throws -> [UnitLevelSpec] {
            guard let units else { return [] }
            let defaultField = try string(units, "name_field") ?? "name"
            let older = ["groupings", "communes"].filter { units.table[$0] != nil }
            guard let v = units.table["level"] else {
                let fr = Words("fr"), en = Words("en")
                var out: [UnitLevelSpec] = []
                if let g = try layer(units, "groupings") {
                    out.append(UnitLevelSpec(name: "grouping", labelFR: fr.groupings, labelEN: en.groupings, source: g, nameField: defaultField, atlas: true, line: g.line))
                }
                if let c = try layer(units, "communes") {
                    out.append(UnitLevelSpec(name: "commune", labelFR: fr.communes, labelEN: en.communes, source: c, nameField: defaultField, atlas: false, line: c.line))
                }
                return out
            }
            guard let arr = v.array, !arr.isEmpty else {
                throw fail(units, "level", "unit levels are written as [[units.level]] tables, one per level, largest first")
            }
            if let k = older.first {
                throw fail(units, k, "[units] has both '\(k)' and [[units.level]]: declare the \(k) as a [[units.level]] too")
            }
            var out: [UnitLevelSpec] = []
            for (k, item) in arr.enumerated() {
                guard let t = item.table else {
                    throw ProjectError(file, line: lines.lines["units.level"], "unit levels are written as [[units.level]] tables, one per level")
                }
                let s = Section(table: t, path: "units.level#\(k)", allowed: ["name", "label_fr", "label_en", "file", "layer", "where", "name_field", "atlas"])
                try checkKeys(s)
                let lname = try string(s, "name", required: true)!.trimmingCharacters(in: .whitespaces)
                guard !lname.isEmpty, lname.allSatisfy({ $0.isLetter || $0.isNumber || " _-'".contains($0) }) else {
                    throw fail(s, "name", "unit level name '\(lname)' must be a word such as \"EPCI\" or \"commune\" (letters, digits, spaces, _ - ')")
                }
                guard lname != "territory" else { throw fail(s, "name", "'territory' names the whole territory in the outputs; give the level another name") }
                if out.contains(where: { $0.name == lname }) { throw fail(s, "name", "two unit levels are named '\(lname)'") }
                guard let f = try string(s, "file") else {
                    throw fail(s, nil, "unit level '\(lname)' needs file = \"…\" (with layer = \"…\" for a GeoPackage holding several layers)")
                }
                let src = LayerSource(file: path(f), layer: try string(s, "layer"), filter: try string(s, "where"), line: line(s, "file"))
                out.append(UnitLevelSpec(name: lname, labelFR: try string(s, "label_fr"), labelEN: try string(s, "label_en"), source: src,
                                         nameField: try string(s, "name_field") ?? defaultField, atlas: try flag(s, "atlas") ?? false, line: line(s)))
            }
            return out
        }
    }
}
