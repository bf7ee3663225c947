import Foundation

/// A problem in one of Circuitscape's text inputs (the .ini, a focal-node list, an included-pairs file,
/// a network file); the caller names the file.
public struct CircuitscapeFileError: Error, CustomStringConvertible {
    public var problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}

/// Circuitscape's .ini: `key = value` lines (sections, comments and blank lines skipped), keys lower-cased.
///
/// Unknown options are refused by name; those that only tune Circuitscape's own run (logging, memory,
/// parallelism) are accepted and have no effect here. `data_type`, `scenario` and `solver` are checked.
public struct CircuitscapeIni: Sendable {
    public static let knownOptions: Set<String> = [
        "compress_grids", "connect_four_neighbors_only", "connect_using_avg_resistances", "data_type", "ground_file",
        "ground_file_is_resistances", "habitat_file", "habitat_map_is_resistances", "included_pairs_file", "log_file", "log_level",
        "log_transform_maps", "low_memory_mode", "mask_file", "output_file", "parallelize", "point_file", "polygon_file",
        "preemptive_memory_release", "print_rusages", "print_timings", "profiler_log_file", "reclass_file", "remove_src_or_gnd",
        "scenario", "screenprint_log", "set_focal_node_currents_to_zero", "set_null_currents_to_nodata",
        "set_null_voltages_to_nodata", "solver", "source_file", "use_direct_grounds", "use_included_pairs", "use_mask",
        "use_polygons", "use_reclass_table", "use_unit_currents", "use_variable_source_strengths", "variable_source_file",
        "version", "write_cum_cur_map_only", "write_cur_maps", "write_max_cur_maps", "write_volt_maps", "max_parallel",
        "suppress_messages", "write_as_tif", "cholmod_batch_size", "precision", "num_parallel", "use_64bit_indexing"]

    /// The options as written (keys lower-cased, values trimmed).
    public var options: [String: String]
    /// "raster" or "network".
    public var dataType: String
    /// "pairwise", "one-to-all", "all-to-one" or "advanced".
    public var scenario: String
    /// `solver`: cg+amg (Circuitscape's default, also when absent) or cholmod.
    public var solver: CircuitSolverKind

    public init(parsing text: String) throws {
        var o: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("[") || line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            guard let eq = line.firstIndex(of: "=") else { continue }
            o[line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for k in o.keys.sorted() where !Self.knownOptions.contains(k) { throw CircuitscapeFileError("unknown option '\(k)'") }
        options = o
        dataType = o["data_type"] ?? "raster"
        guard ["raster", "network"].contains(dataType) else { throw CircuitscapeFileError("data_type '\(dataType)' must be raster or network") }
        scenario = o["scenario"] ?? ""
        guard ["pairwise", "one-to-all", "all-to-one", "advanced"].contains(scenario) else {
            throw CircuitscapeFileError("scenario '\(scenario)' is not supported")
        }
        solver = try CircuitSolverKind(iniValue: o["solver"] ?? "cg+amg")
    }

    public subscript(_ key: String) -> String? { options[key] }

    /// A True/False option (absent is false).
    public func flag(_ key: String) -> Bool { (options[key] ?? "false").lowercased() == "true" }
}

/// Circuitscape's other text inputs: focal-node lists, included-pairs files, network (graph) files.
public enum CircuitscapeText {
    /// A node or region id read as a number (Circuitscape writes them as integers, sometimes as `3.0`):
    /// truncated towards zero; nil when NaN, infinite or outside Int32.
    public static func nodeID(_ v: Double) -> Int32? {
        guard v.isFinite else { return nil }
        return Int32(exactly: v.rounded(.towardZero))
    }

    /// The numbers on each line (split at spaces, tabs, commas), lines without a number left out.
    public static func numberRows(_ text: String) -> [[Double]] {
        text.split(whereSeparator: \.isNewline)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }).compactMap { Double($0) } }
            .filter { !$0.isEmpty }
    }

    /// A focal-node list: `id x y` lines (other lines skipped).
    public static func focalPoints(_ text: String) throws -> [(id: Int32, x: Double, y: Double)] {
        var out: [(id: Int32, x: Double, y: Double)] = []
        for f in numberRows(text) where f.count >= 3 {
            guard let id = nodeID(f[0]) else { throw CircuitscapeFileError("focal node id \(f[0]) is not an integer id") }
            out.append((id, f[1], f[2]))
        }
        return out
    }

    /// A network file: `from to value` lines, node ids as written (other lines skipped).
    public static func branches(_ text: String) throws -> [(from: Int, to: Int, value: Double)] {
        var out: [(from: Int, to: Int, value: Double)] = []
        for r in numberRows(text) where r.count >= 3 {
            guard let a = nodeID(r[0]), let b = nodeID(r[1]) else { throw CircuitscapeFileError("branch \(r[0])–\(r[1]): node ids must be integers") }
            out.append((Int(a), Int(b), r[2]))
        }
        return out
    }

    /// One key per unordered pair of ids.
    static func key(_ a: Int32, _ b: Int32) -> Int64 { Int64(min(a, b)) << 32 | Int64(UInt32(bitPattern: max(a, b))) }

    /// Circuitscape's included-pairs file: `mode include|exclude` then pairs, or `min`/`max` lines then a
    /// matrix (first row the ids, then one row per id). Returns whether a pair is included and, when the
    /// file names the only ids to use, those ids.
    public static func includedPairs(_ text: String) throws -> (include: (Int32, Int32) -> Bool, ids: Set<Int32>?) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init) }
        if let first = lines.first, first.first == "mode" {
            let include = first.count > 1 && first[1] == "include"
            var pairs: [(Int32, Int32)] = []
            for l in lines.dropFirst() where l.count >= 2 { if let a = Int32(l[0]), let b = Int32(l[1]) { pairs.append((a, b)) } }
            let set = Set(pairs.map { key($0.0, $0.1) })
            let ids = Set(pairs.flatMap { [$0.0, $0.1] })
            return ({ a, b in set.contains(key(a, b)) == include }, include ? ids : nil)
        }
        var lo = -Double.infinity, hi = Double.infinity
        var matrix: [[String]] = []
        for l in lines where !l.isEmpty {
            if l[0] == "min" || l[0] == "max" {
                guard l.count >= 2, let v = Double(l[1]), !v.isNaN else { throw CircuitscapeFileError("'\(l[0])' needs a number, e.g. '\(l[0]) 0.5'") }
                if l[0] == "min" { lo = v } else { hi = v }
            } else { matrix.append(l) }
        }
        guard let header = matrix.first else { throw CircuitscapeFileError("holds no matrix") }
        var ids: [Int32] = []
        for t in header.dropFirst() {
            guard let v = Double(t) else { continue }
            guard let id = nodeID(v) else { throw CircuitscapeFileError("id \(t) in the matrix's first row is not an integer id") }
            ids.append(id)
        }
        var ok = Set<Int64>()
        for row in matrix.dropFirst() {
            guard let av = Double(row[0]) else { continue }
            guard let a = nodeID(av) else { throw CircuitscapeFileError("id \(row[0]) at the start of a matrix row is not an integer id") }
            for (k, v) in row.dropFirst().enumerated() where k < ids.count {
                if let x = Double(v), x >= lo, x <= hi { ok.insert(key(a, ids[k])) }
            }
        }
        return ({ a, b in ok.contains(key(a, b)) }, Set(ids))
    }
}
