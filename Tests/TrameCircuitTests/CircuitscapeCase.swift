import Foundation
import TrameCircuit
import TrameGDAL
import TrameRaster

/// One of Circuitscape.jl's verification cases (Tests/Fixtures/reference/circuitscape-jl, MIT licence),
/// its .ini's inputs read here and run through TrameCircuit's modes; the outputs kept under the names
/// Circuitscape gives its files, to be compared with its `output_verify` folder.
struct CircuitscapeCase {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/reference/circuitscape-jl").standardized.path

    /// Rows of PREFIX_resistances.out as numbers (pairwise: ids on the first row and column; one-to-all,
    /// all-to-one: `id resistance`).
    var resistances: [[Double]] = []
    /// Maps by file name (PREFIX_curmap_1_2.asc, …), NoData as −9999 where the .ini asks for it.
    var maps: [String: [Double]] = [:]
    /// Network outputs by file name (PREFIX_voltages_1_2.txt, …): value per node id or per "id-id" branch.
    var tables: [String: [String: Double]] = [:]

    /// - Parameter solver: the solver to run with (nil: the .ini's `solver`).
    init(_ iniPath: String, solver override: CircuitSolverKind? = nil) throws {
        let ini = try CircuitscapeIni(parsing: try String(contentsOfFile: iniPath, encoding: .utf8))
        let solver = override ?? ini.solver
        let prefix = ((ini["output_file"] ?? "") as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? ""
        func file(_ k: String) -> String { Self.reference + "/" + ini[k]! }
        func text(_ k: String) throws -> String { try String(contentsOfFile: file(k), encoding: .utf8) }
        func grid(_ k: String) throws -> Grid<Double> {
            let p = file(k)
            return try RasterIO.read(p.hasSuffix(".gz") ? "/vsigzip/" + p : p, as: Double.self)
        }
        let request = ini.mapRequest
        if ini.dataType == "network" {
            let net = try CircuitNetwork(branches: try CircuitscapeText.branches(try text("habitat_file")), isResistance: ini.flag("habitat_map_is_resistances"))
            let currents = ini.flag("write_cur_maps"), voltages = ini.flag("write_volt_maps")
            func nodes(_ t: [CircuitNetwork.NodeValue]) -> [String: Double] { Dictionary(uniqueKeysWithValues: t.map { ("\($0.id)", $0.value) }) }
            func branches(_ t: [CircuitNetwork.BranchValue]) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: t.map { ("\(min($0.from, $0.to))-\(max($0.from, $0.to))", $0.value) })
            }
            if ini.scenario == "advanced" {
                func rows(_ k: String) throws -> [(id: Int, value: Double)] {
                    CircuitscapeText.numberRows(try text(k)).filter { $0.count >= 2 }.compactMap { r in CircuitscapeText.nodeID(r[0]).map { (Int($0), r[1]) } }
                }
                let r = try NetworkAdvanced.solve(net, sources: try rows("source_file"), grounds: try rows("ground_file"),
                                                  groundIsResistance: ini.flag("ground_file_is_resistances"), directGrounds: ini.flag("use_direct_grounds"), solver: solver)
                if voltages { tables["\(prefix)_voltages.txt"] = nodes(r.voltages) }
                if currents { tables["\(prefix)_node_currents.txt"] = nodes(r.nodeCurrents); tables["\(prefix)_branch_currents.txt"] = branches(r.branchCurrents) }
                return
            }
            let ids = Array(Set(CircuitscapeText.numberRows(try text("point_file")).compactMap { $0.first.flatMap(CircuitscapeText.nodeID).map(Int.init) })).sorted()
            var pairTables: [String: [String: Double]] = [:]
            let r = try NetworkPairwise.solve(net, focalIDs: ids, currents: currents, voltages: voltages, solver: solver) { p in
                let name = "\(prefix)_%@_\(p.from)_\(p.to).txt"
                if let v = p.voltages { pairTables[name.replacingOccurrences(of: "%@", with: "voltages")] = nodes(v) }
                if let n = p.nodeCurrents { pairTables[name.replacingOccurrences(of: "%@", with: "node_currents")] = nodes(n) }
                if let b = p.branchCurrents { pairTables[name.replacingOccurrences(of: "%@", with: "branch_currents")] = branches(b) }
            }
            tables = pairTables
            if let n = r.nodeCurrents { tables["\(prefix)_node_currents_cum.txt"] = nodes(n) }
            if let b = r.branchCurrents { tables["\(prefix)_branch_currents_cum.txt"] = branches(b) }
            resistances = [[0] + r.ids.map(Double.init)] + zip(r.ids, r.resistances).map { [Double($0)] + $1 }
            return
        }

        let habitat = try grid("habitat_file")
        let isResistance = ini.flag("habitat_map_is_resistances")
        var conductance = habitat.values.map { v in habitat.isNoData(v) || !(v > 0) ? Double.nan : isResistance ? 1 / v : v }
        if ini.flag("use_mask") {
            let mask = try grid("mask_file")
            for i in conductance.indices where mask.isNoData(mask.values[i]) || mask.values[i] <= 0 { conductance[i] = .nan }
        }
        let null = conductance.map { !($0 > 0) || !$0.isFinite }
        func masked(_ v: [Double], voltage: Bool) -> [Double] {
            guard ini.flag(voltage ? "set_null_voltages_to_nodata" : "set_null_currents_to_nodata") else { return v }
            return v.indices.map { null[$0] ? -9999 : v[$0] }
        }
        var options = RasterCircuitOptions(neighbourhood: ini.neighbourhood, connection: ini.connection, solver: solver)
        if ini.flag("use_polygons") {
            let g = try grid("polygon_file")
            options.regions = g.values.map { g.isNoData($0) ? 0 : CircuitscapeText.nodeID($0)! }
        }
        let spec = habitat.spec
        if ini.scenario == "advanced" {
            func cells(_ k: String) throws -> [(cell: Int, value: Double)] {
                if file(k).hasSuffix(".txt") {
                    return CircuitscapeText.numberRows(try text(k)).filter { $0.count >= 3 }.compactMap { f in
                        spec.cell(x: f[1], y: f[2]).map { (spec.index(col: $0.col, row: $0.row), f[0]) }
                    }
                }
                let g = try grid(k)
                return g.values.enumerated().compactMap { g.isNoData($0.element) ? nil : ($0.offset, $0.element) }
            }
            let inputs = RasterAdvanced.Inputs(sources: try cells("source_file"), grounds: try cells("ground_file"),
                                               groundIsResistance: ini.flag("ground_file_is_resistances"), unitCurrents: ini.flag("use_unit_currents"),
                                               directGrounds: ini.flag("use_direct_grounds"), conflict: SourceGroundConflict(iniValue: ini["remove_src_or_gnd"] ?? "keepall"))
            let r = try RasterAdvanced.solve(conductance: conductance, cols: spec.cols, rows: spec.rows, options: options, inputs: inputs)
            if ini.flag("write_volt_maps") { maps["\(prefix)_voltmap.asc"] = masked(r.voltage, voltage: true) }
            if ini.flag("write_cur_maps") { maps["\(prefix)_curmap.asc"] = masked(r.current, voltage: false) }
            return
        }
        let focal: [(id: Int32, cell: Int)]
        if file("point_file").hasSuffix(".txt") {
            focal = try CircuitscapeText.focalPoints(try text("point_file")).compactMap { p in spec.cell(x: p.x, y: p.y).map { (p.id, spec.index(col: $0.col, row: $0.row)) } }
        } else {
            let g = try grid("point_file")
            focal = g.values.enumerated().compactMap { g.isNoData($0.element) || $0.element <= 0 ? nil : (CircuitscapeText.nodeID($0.element)!, $0.offset) }
        }
        var include: ((Int32, Int32) -> Bool)? = nil, onlyIDs: Set<Int32>? = nil
        if ini.flag("use_included_pairs") { (include, onlyIDs) = try CircuitscapeText.includedPairs(try text("included_pairs_file")) }
        var found: [String: [Double]] = [:]
        if ini.scenario == "pairwise" {
            let r = try RasterPairwise.solve(conductance: conductance, cols: spec.cols, rows: spec.rows, options: options, focal: focal, include: include,
                                             onlyIDs: onlyIDs, maps: request) { p in
                if request.perPairCurrent { found["\(prefix)_curmap_\(p.from)_\(p.to).asc"] = masked(p.current, voltage: false) }
                if let v = p.voltage { found["\(prefix)_voltmap_\(p.from)_\(p.to).asc"] = masked(v, voltage: true) }
            }
            if let c = r.cumulativeCurrent { found["\(prefix)_cum_curmap.asc"] = masked(c, voltage: false) }
            if let m = r.maximumCurrent { found["\(prefix)_max_curmap.asc"] = masked(m, voltage: false) }
            resistances = [[0] + r.ids.map(Double.init)] + zip(r.ids, r.resistances).map { [Double($0)] + $1 }
        } else {
            let r = try RasterOneToAll.solve(toAll: ini.scenario == "one-to-all", conductance: conductance, cols: spec.cols, rows: spec.rows, options: options,
                                             focal: focal, include: include, onlyIDs: onlyIDs, maps: request) { p in
                if request.perPairCurrent { found["\(prefix)_curmap_\(p.id).asc"] = masked(p.current, voltage: false) }
                if request.voltage { found["\(prefix)_voltmap_\(p.id).asc"] = masked(p.voltage, voltage: true) }
            }
            if let c = r.cumulativeCurrent { found["\(prefix)_cum_curmap.asc"] = masked(c, voltage: false) }
            resistances = zip(r.ids, r.resistances).map { [Double($0), $1] }
        }
        maps = found
    }

    /// The numbers of each line of a reference file, lines without a number left out.
    static func rows(_ name: String) throws -> [[Double]] {
        try String(contentsOfFile: "\(reference)/output_verify/\(name)", encoding: .utf8).split(whereSeparator: \.isNewline)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) } }.filter { !$0.isEmpty }
    }

    /// The cell values of a reference ESRI ASCII grid (header lines skipped).
    static func cells(_ name: String) throws -> [Double] {
        var out: [Double] = []
        for line in try String(contentsOfFile: "\(reference)/output_verify/\(name)", encoding: .utf8).split(whereSeparator: \.isNewline) {
            let t = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = t.first, Double(first) != nil else { continue }
            out += t.compactMap { Double($0) }
        }
        return out
    }

    /// A reference network table: value per node id, or per branch as "smaller id-larger id".
    static func table(_ name: String) throws -> [String: Double] {
        var d: [String: Double] = [:]
        for line in try String(contentsOfFile: "\(reference)/output_verify/\(name)", encoding: .utf8).split(whereSeparator: \.isNewline) {
            let t = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard t.count >= 2, let v = Double(t.last!) else { continue }
            d[t.dropLast().compactMap { Double($0).map { Int($0) } }.sorted().map(String.init).joined(separator: "-")] = v
        }
        return d
    }
}
