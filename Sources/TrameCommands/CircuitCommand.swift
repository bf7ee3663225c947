import ArgumentParser
import Foundation
import TrameCircuit
import TrameGDAL
import TramePublish
import TrameRaster
import TrameScheme
import TrameVector

extension CircuitMode: ExpressibleByArgument {}
extension CellConnection: ExpressibleByArgument {}
/// 4, 8 or 16; the values each command takes are named in its help and checked in its `validate()`.
extension Neighbourhood: ExpressibleByArgument {
    public static var allValueStrings: [String] { [] }
}

struct CircuitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "circuit",
        abstract: "Circuit theory as Circuitscape computes it: effective resistances, current and voltage maps.",
        discussion: """
        Cells are nodes joined to their 4 or 8 neighbours; the conductance between two cells is the inverse \
        of their mean resistance (or their mean conductance), divided by √2 on diagonals. Focal nodes are \
        points or regions (the cells of one id are short-circuited while their pairs are solved); focal nodes \
        in different components are reported as not connected (−1). Modes: pairwise (every pair), one-to-all \
        (1 A into each focal node, the others grounded), all-to-one (1 A into all, one grounded).

        Solver (--solver, or the .ini's `solver`; --solver wins): cg (the default, Circuitscape's cg+amg) is \
        conjugate gradients preconditioned by aggregation algebraic multigrid (Jacobi below 20 000 cells), \
        built once and reused for every pair, stopped when the residual and the estimated error of each \
        resistance are below 1e-10 and 1e-12 relative; it needs little memory beyond the grid. cholmod factors the \
        grounded circuit once with SuiteSparse's CHOLMOD (a direct Cholesky solve, exact to rounding) and \
        then answers each pair by two triangular solves: faster as soon as there are several pairs (measured \
        here, 4 neighbours: 36× with 20 focal nodes on 200 × 200 cells, 19× with 10 on 500 × 500, 5× with 5 on \
        1000 × 1000), slower for a single pair (cg 2–2.6× faster), and the factor takes memory that grows faster \
        than the grid (360 MB at 1000 × 1000 cells; compare with `trame bench circuit`). The largest relative \
        residual is reported.

        `trame circuit --ini config.ini` runs a Circuitscape .ini file as it is: raster (pairwise, \
        one-to-all, all-to-one, advanced with source and ground rasters, short-circuit regions, masks, \
        included pairs) and network (pairwise, advanced) data. An unknown option is refused by name; options \
        not supported (variable source strengths, log-transformed maps, null currents as NoData, \
        reclassification) are named on stderr. Outputs follow Circuitscape's names and layouts \
        (PREFIX_resistances.out with the focal ids on the first row and column; maps as ASCII grids). \
        --out-dir must be a new or empty folder or an earlier `trame circuit --out-dir` folder (marked by \
        .trame-output, which lists the PREFIX_ families written there); a folder holding anything else is \
        refused, nothing touched.
        """)

    @Option(help: "A Circuitscape .ini file to run as it is.")
    var ini: String?

    @Option(help: "Folder for the outputs of --ini: new, empty or an earlier `trame circuit --out-dir` folder (default: as the .ini says, relative to it).")
    var outDir: String?

    @Option(help: "Resistance raster (any raster GDAL reads).")
    var resistance: String?

    @Option(help: "Focal nodes: a raster of ids (0 / NoData elsewhere) or a point layer (field id).")
    var focal: String?

    @Option(help: "Moves between cells: 4 or 8.")
    var neighbours: Neighbourhood = .queen

    @Option(help: "average-resistance or average-conductance.")
    var connect: CellConnection = .averageResistance

    @Option(help: "pairwise, one-to-all or all-to-one.")
    var mode: CircuitMode = .pairwise

    @Option(help: ArgumentHelp("Linear solver: cg (conjugate gradients + multigrid, little memory; the default) or cholmod (direct factorisation, exact, faster with many focal nodes, more memory).",
                               discussion: "With --ini, overrides the .ini's `solver` (cg+amg or cholmod)."))
    var solver: CircuitSolverKind?

    @Flag(name: .customLong("current-maps"), help: "Write the cumulative and maximum current maps (PREFIX_cum_curmap, PREFIX_max_curmap).")
    var currentMaps = false

    @Flag(name: .customLong("per-pair-maps"), help: "Also write a current map per pair (or per focal node).")
    var perPairMaps = false

    @Flag(name: .customLong("voltage-maps"), help: "Write a voltage map per pair (or per focal node).")
    var voltageMaps = false

    @Flag(help: "Write maps as ESRI ASCII grids instead of GeoTIFF.")
    var ascii = false

    @Option(name: .shortAndLong, help: "Output prefix: writes PREFIX_resistances.out and the maps asked for.")
    var output: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard ini == nil else { return }
        guard resistance != nil, focal != nil, output != nil else { throw ValidationError("give --ini, or --resistance, --focal and -o") }
        guard neighbours != .knight else { throw ValidationError("--neighbours is 4 or 8") }
    }

    func run() throws {
        do { try runChecked() } catch let e as CircuitError { throw InputError("\(ini ?? resistance ?? "circuit"): \(e.description)") }
    }

    func runChecked() throws {
        if let ini { try runIni(ini); return }
        guard let resistance, let focal, let output else { throw ValidationError("give --ini, or --resistance, --focal and -o") }
        let r = try RasterIO.read(resistance, as: Double.self)
        var cond = [Double](repeating: .nan, count: r.count)
        for i in 0..<r.count where !r.isNoData(r.values[i]) {
            let v = r.values[i]
            guard v > 0 else { throw GeodataError(resistance, "holds a resistance \(v) ≤ 0; resistances must be > 0 (NoData for barriers)") }
            cond[i] = 1 / v
        }
        let ids = try focalGrid(focal, like: r, resistancePath: resistance)
        if Set(ids.map(\.id)).count >= 2, Set(ids.map(\.cell)).count == 1 {
            throw GeodataError(focal, "all focal nodes lie in one cell of \(resistance): nothing to connect")
        }
        var maps = Maps()
        maps.request.cumulative = currentMaps || perPairMaps
        maps.request.maximum = currentMaps && mode == .pairwise
        maps.request.perPairCurrent = perPairMaps
        maps.request.voltage = voltageMaps
        maps.format = ascii ? .asciiGrid : .geotiff
        let options = RasterCircuitOptions(neighbourhood: neighbours, connection: connect, solver: solver ?? .cg)
        if mode == .pairwise {
            try pairwise(conductance: cond, spec: r.spec, options: options, focal: ids, include: nil, prefix: output, source: focal, maps: maps)
        } else {
            try oneToAll(toAll: mode == .oneToAll, conductance: cond, spec: r.spec, options: options, focal: ids, onlyIDs: nil, prefix: output, source: focal, maps: maps)
        }
    }

    /// Focal ids per cell from a raster aligned with the resistance, or from a point layer.
    func focalGrid(_ path: String, like r: Grid<Double>, resistancePath: String) throws -> [(id: Int32, cell: Int)] {
        if try RasterIO.contents(path).raster {
            let g = try RasterIO.read(path, as: Double.self)
            try RasterIO.requireAligned(r.spec, resistancePath, g.spec, path)
            var out: [(id: Int32, cell: Int)] = []
            for i in 0..<g.count where !g.isNoData(g.values[i]) && g.values[i] > 0 {
                let id = try FileNumbers.int32(g.values[i], path, "focal node id")
                guard !r.isNoData(r.values[i]) else { throw GeodataError(path, "focal node \(id) lies on a NoData cell of \(resistancePath)") }
                out.append((id, i))
            }
            return out
        }
        let layer = try VectorIO.read(path)
        var ids: [(id: Int32, cell: Int)] = []
        for (k, f) in layer.features.enumerated() {
            guard case .point(let p) = f.geometry else { throw GeodataError(path, "focal nodes must be points") }
            let id = try FileNumbers.int32(f["id"].doubleValue ?? Double(k + 1), path, "focal node id")
            guard let c = r.spec.cell(x: p.x, y: p.y) else { throw GeodataError(path, "focal node \(id) lies outside the grid of \(resistancePath)") }
            let i = r.spec.index(col: c.col, row: c.row)
            guard !r.isNoData(r.values[i]) else { throw GeodataError(path, "focal node \(id) lies on a NoData cell of \(resistancePath)") }
            ids.append((id, i))
        }
        return ids
    }

    /// Which maps to write (Circuitscape's output options) and how.
    struct Maps {
        var request = MapRequest()
        var format: RasterIO.Format = .asciiGrid
        /// Circuitscape's set_null_currents_to_nodata / set_null_voltages_to_nodata: cells without
        /// conductance (NoData, zero, masked) written as NoData instead of 0.
        var nullCurrents = false, nullVoltages = false
        var nullCells: [Bool] = []

        func masked(_ values: [Double], voltage: Bool) -> [Double] {
            guard voltage ? nullVoltages : nullCurrents, nullCells.count == values.count else { return values }
            var v = values
            for i in v.indices where nullCells[i] { v[i] = -9999 }
            return v
        }
        var ext: String { format == .asciiGrid ? "asc" : "tif" }

        /// Writes PREFIX + name (its .asc becoming the format's extension), its folder made first.
        func write(_ values: [Double], _ name: String, prefix: String, spec: GridSpec) throws {
            try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try RasterIO.write(Grid(spec: spec, values: masked(values, voltage: name.hasPrefix("_voltmap")), noData: -9999),
                               to: prefix + name.replacingOccurrences(of: ".asc", with: ".\(ext)"), format: format)
        }
    }

    /// A mode's refusal, naming the file it concerns.
    func named<T>(_ source: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CircuitInputError { throw GeodataError(source, e.description) }
    }

    /// Writes text to PREFIX + name, its folder made first.
    func writeText(_ text: String, prefix: String, _ name: String) throws {
        let path = prefix + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicOutput.write(to: path) { try text.write(toFile: $0, atomically: false, encoding: .utf8) }
    }

    func fmt(_ v: Double) -> String { String(format: "%.10g", v) }

    /// Circuitscape's matrix layout: the ids on the first row and column, 0 on the diagonal, −1 for pairs not connected.
    func matrixText<ID>(_ ids: [ID], _ m: [[Double]]) -> String {
        var text = "0 " + ids.map { "\($0)" }.joined(separator: " ") + "\n"
        for (a, id) in ids.enumerated() {
            text += "\(id) " + ids.indices.map { b in a == b ? "0" : m[a][b] < 0 ? "-1" : fmt(m[a][b]) }.joined(separator: " ") + "\n"
        }
        return text
    }

    /// Pairwise: PREFIX_resistances.out and the maps asked for.
    func pairwise(conductance: [Double], spec: GridSpec, options: RasterCircuitOptions, focal: [(id: Int32, cell: Int)],
                  include: ((Int32, Int32) -> Bool)?, onlyIDs: Set<Int32>? = nil, prefix: String, source: String, maps: Maps) throws {
        let result = try named(source) {
            try RasterPairwise.solve(conductance: conductance, cols: spec.cols, rows: spec.rows, options: options, focal: focal, include: include,
                                     onlyIDs: onlyIDs, maps: maps.request) { pair in
                let pairName = "\(pair.from)_\(pair.to)"
                if maps.request.perPairCurrent { try maps.write(pair.current, "_curmap_\(pairName).asc", prefix: prefix, spec: spec) }
                if let v = pair.voltage { try maps.write(v, "_voltmap_\(pairName).asc", prefix: prefix, spec: spec) }
            }
        }
        if let c = result.cumulativeCurrent { try maps.write(c, "_cum_curmap.asc", prefix: prefix, spec: spec) }
        if let m = result.maximumCurrent { try maps.write(m, "_max_curmap.asc", prefix: prefix, spec: spec) }
        if !common.quiet {
            print(String(format: "%d focal nodes, %d pairs solved (%@); largest relative residual %.1e; wrote %@_resistances.out", result.ids.count, result.solvedPairs,
                         options.solver.rawValue, result.maxResidual, prefix))
        }
        try writeText(matrixText(result.ids, result.resistances), prefix: prefix, "_resistances.out")
    }

    /// One-to-all or all-to-one: PREFIX_resistances.out (one "id resistance" row per focal node) and the maps asked for.
    func oneToAll(toAll: Bool, conductance: [Double], spec: GridSpec, options: RasterCircuitOptions, focal: [(id: Int32, cell: Int)],
                  onlyIDs: Set<Int32>?, include: ((Int32, Int32) -> Bool)? = nil, prefix: String, source: String, maps: Maps) throws {
        let result = try named(source) {
            try RasterOneToAll.solve(toAll: toAll, conductance: conductance, cols: spec.cols, rows: spec.rows, options: options, focal: focal,
                                     include: include, onlyIDs: onlyIDs, maps: maps.request) { node in
                if maps.request.perPairCurrent { try maps.write(node.current, "_curmap_\(node.id).asc", prefix: prefix, spec: spec) }
                if maps.request.voltage { try maps.write(node.voltage, "_voltmap_\(node.id).asc", prefix: prefix, spec: spec) }
            }
        }
        if let c = result.cumulativeCurrent { try maps.write(c, "_cum_curmap.asc", prefix: prefix, spec: spec) }
        let text = zip(result.ids, result.resistances).map { "\($0) \(fmt($1))\n" }.joined()
        try writeText(text, prefix: prefix, "_resistances.out")
    }

    /// Sources or grounds: an ASCII grid of values, or a text file of `value x y` lines. Returns (cell, value).
    func sourceOrGround(_ path: String, like g: Grid<Double>) throws -> [(cell: Int, value: Double)] {
        if path.lowercased().hasSuffix(".txt") {
            var out: [(Int, Double)] = []
            for line in try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline) {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).compactMap { Double($0) }
                guard f.count >= 3, let c = g.spec.cell(x: f[1], y: f[2]) else { continue }
                out.append((g.spec.index(col: c.col, row: c.row), f[0]))
            }
            return out
        }
        let r = try readGrid(path)
        return r.values.enumerated().compactMap { r.isNoData($0.element) ? nil : ($0.offset, $0.element) }
    }

    /// Advanced mode: voltage and current maps of one solve with sources and grounds.
    func advanced(conductance: [Double], spec: GridSpec, options: RasterCircuitOptions, inputs: RasterAdvanced.Inputs, prefix: String,
                  writeCurrent: Bool, writeVoltage: Bool, masking: Maps) throws {
        let result = try RasterAdvanced.solve(conductance: conductance, cols: spec.cols, rows: spec.rows, options: options, inputs: inputs)
        try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if writeVoltage { try RasterIO.write(Grid(spec: spec, values: masking.masked(result.voltage, voltage: true), noData: -9999), to: prefix + "_voltmap.asc", format: .asciiGrid) }
        if writeCurrent { try RasterIO.write(Grid(spec: spec, values: masking.masked(result.current, voltage: false), noData: -9999), to: prefix + "_curmap.asc", format: .asciiGrid) }
    }

    /// Network mode: a graph given as `node node value` lines (conductances or resistances), focal nodes
    /// as a list of ids (pairwise), or sources and grounds as `node value` lists (advanced).
    func runNetwork(scenario: String, graph: String, isResistance: Bool, focal: String?, sources: String?, grounds: String?,
                    groundIsResistance: Bool, directGrounds: Bool, currents: Bool, voltages: Bool, solver: CircuitSolverKind, prefix: String) throws {
        func rows(_ path: String) throws -> [[Double]] { CircuitscapeText.numberRows(try String(contentsOfFile: path, encoding: .utf8)) }
        /// `node value` rows; a row whose node is not an integer is skipped.
        func nodeValues(_ path: String) throws -> [(id: Int, value: Double)] {
            try rows(path).filter { $0.count >= 2 }.compactMap { r in CircuitscapeText.nodeID(r[0]).map { (Int($0), r[1]) } }
        }
        let net: CircuitNetwork
        do { net = try CircuitNetwork(branches: try CircuitscapeText.branches(try String(contentsOfFile: graph, encoding: .utf8)), isResistance: isResistance) }
        catch let e as CircuitscapeFileError { throw GeodataError(graph, e.problem) }
        catch let e as CircuitInputError { throw GeodataError(graph, e.description) }
        try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        func nodeText(_ t: [CircuitNetwork.NodeValue]) -> String { t.map { "\($0.id) \(fmt($0.value))" }.joined(separator: "\n") + "\n" }
        func branchText(_ t: [CircuitNetwork.BranchValue]) -> String { t.map { "\($0.from) \($0.to) \(fmt($0.value))" }.joined(separator: "\n") + "\n" }

        if scenario == "advanced" {
            let r = try NetworkAdvanced.solve(net, sources: try nodeValues(sources!), grounds: try nodeValues(grounds!),
                                              groundIsResistance: groundIsResistance, directGrounds: directGrounds, solver: solver)
            if voltages { try writeText(nodeText(r.voltages), prefix: prefix, "_voltages.txt") }
            if currents {
                try writeText(nodeText(r.nodeCurrents), prefix: prefix, "_node_currents.txt")
                try writeText(branchText(r.branchCurrents), prefix: prefix, "_branch_currents.txt")
            }
            return
        }
        let focalIDs = Array(Set(try rows(focal!).compactMap { $0.first.flatMap { CircuitscapeText.nodeID($0).map(Int.init) } })).sorted()
        let result = try NetworkPairwise.solve(net, focalIDs: focalIDs, currents: currents, voltages: voltages, solver: solver) { pair in
            let name = "\(pair.from)_\(pair.to)"
            if let v = pair.voltages { try writeText(nodeText(v), prefix: prefix, "_voltages_\(name).txt") }
            if let n = pair.nodeCurrents, let b = pair.branchCurrents {
                try writeText(nodeText(n), prefix: prefix, "_node_currents_\(name).txt")
                try writeText(branchText(b), prefix: prefix, "_branch_currents_\(name).txt")
            }
        }
        if let n = result.nodeCurrents, let b = result.branchCurrents {
            try writeText(nodeText(n), prefix: prefix, "_node_currents_cum.txt")
            try writeText(branchText(b), prefix: prefix, "_branch_currents_cum.txt")
        }
        try writeText(matrixText(result.ids, result.resistances), prefix: prefix, "_resistances.out")
    }

    // MARK: Circuitscape .ini

    func runIni(_ path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw GeodataError(path, "cannot be read") }
        let ini: CircuitscapeIni
        do { ini = try CircuitscapeIni(parsing: text) } catch let e as CircuitscapeFileError { throw GeodataError(path, e.problem) }
        let o = ini.options
        // --out-dir is new, empty or an earlier `trame circuit`'s output folder: refused before any work.
        let folder = try outDir.map { try OutputFolder.check($0, command: "circuit", version: TrameVersion.current) }
        func flag(_ k: String) -> Bool { ini.flag(k) }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        func file(_ k: String) throws -> String {
            guard let v = o[k], !v.isEmpty, v != "None" else { throw GeodataError(path, "option \(k) names no file") }
            // Paths are relative to the folder Circuitscape ran in: look upwards from the .ini's folder.
            var d = dir
            for _ in 0..<6 {
                let candidate = d.appendingPathComponent(v).path
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
                d.deleteLastPathComponent()
            }
            throw GeodataError(path, "option \(k): file \(v) not found")
        }
        let dataType = ini.dataType, scenario = ini.scenario
        let unsupported = ini.unsupportedOptions
        var maps = Maps()
        maps.request = ini.mapRequest
        maps.nullCurrents = flag("set_null_currents_to_nodata")
        maps.nullVoltages = flag("set_null_voltages_to_nodata")
        if !unsupported.isEmpty {
            FileHandle.standardError.write(Data("trame: warning: \(path): not supported yet, ignored: \(unsupported.joined(separator: ", "))\n".utf8))
        }
        if dataType == "network" {
            let prefix = try outputPrefix(o, besideIni: dir, folder: folder)
            try runNetwork(scenario: scenario, graph: try file("habitat_file"), isResistance: flag("habitat_map_is_resistances"),
                           focal: scenario == "advanced" ? nil : try file("point_file"),
                           sources: scenario == "advanced" ? try file("source_file") : nil, grounds: scenario == "advanced" ? try file("ground_file") : nil,
                           groundIsResistance: flag("ground_file_is_resistances"), directGrounds: flag("use_direct_grounds"),
                           currents: flag("write_cur_maps"), voltages: flag("write_volt_maps"), solver: solver ?? ini.solver, prefix: prefix)
            return
        }
        let habitat = try readGrid(try file("habitat_file"))
        let isRes = flag("habitat_map_is_resistances")
        var cond = [Double](repeating: .nan, count: habitat.count)
        for i in 0..<habitat.count where !habitat.isNoData(habitat.values[i]) {
            let v = habitat.values[i]
            if v > 0 { cond[i] = isRes ? 1 / v : v }
        }
        if flag("use_mask") {
            let mask = try readGrid(try file("mask_file"))
            for i in 0..<min(mask.count, cond.count) where mask.isNoData(mask.values[i]) || mask.values[i] <= 0 { cond[i] = .nan }
        }
        maps.nullCells = cond.map { !($0 > 0) || !$0.isFinite }
        var options = RasterCircuitOptions(neighbourhood: ini.neighbourhood, connection: ini.connection, solver: solver ?? ini.solver)
        if scenario == "advanced" {
            if flag("use_polygons") {
                let g = try readGrid(try file("polygon_file"))
                options.regions = try regionIDs(g, path: try file("polygon_file"))
            }
            let prefix = try outputPrefix(o, besideIni: dir, folder: folder)
            let inputs = RasterAdvanced.Inputs(sources: try sourceOrGround(try file("source_file"), like: habitat),
                                               grounds: try sourceOrGround(try file("ground_file"), like: habitat),
                                               groundIsResistance: flag("ground_file_is_resistances"), unitCurrents: flag("use_unit_currents"),
                                               directGrounds: flag("use_direct_grounds"), conflict: SourceGroundConflict(iniValue: o["remove_src_or_gnd"] ?? "keepall"))
            try advanced(conductance: cond, spec: habitat.spec, options: options, inputs: inputs, prefix: prefix,
                         writeCurrent: flag("write_cur_maps"), writeVoltage: flag("write_volt_maps"), masking: maps)
            return
        }
        let focal = try focalFromIni(try file("point_file"), like: habitat)
        if flag("use_polygons") {
            let g = try readGrid(try file("polygon_file"))
            options.regions = try regionIDs(g, path: try file("polygon_file"))
        }
        var include: ((Int32, Int32) -> Bool)? = nil
        var onlyIDs: Set<Int32>? = nil
        if flag("use_included_pairs") { (include, onlyIDs) = try includedPairs(try file("included_pairs_file")) }
        let prefix = try outputPrefix(o, besideIni: dir, folder: folder)
        if scenario != "pairwise" {
            try oneToAll(toAll: scenario == "one-to-all", conductance: cond, spec: habitat.spec, options: options, focal: focal, onlyIDs: onlyIDs,
                         include: include, prefix: prefix, source: path, maps: maps)
            return
        }
        try pairwise(conductance: cond, spec: habitat.spec, options: options, focal: focal, include: include, onlyIDs: onlyIDs, prefix: prefix,
                     source: path, maps: maps)
    }

    /// PREFIX of the outputs: output_file without its extension, in --out-dir (claimed first: its marker
    /// then names the files PREFIX_* as Trame's) or, without --out-dir, relative to the .ini as Circuitscape has it.
    func outputPrefix(_ o: [String: String], besideIni dir: URL, folder: OutputFolder?) throws -> String {
        let outName = ((o["output_file"] ?? "output/circuit.out") as NSString).deletingPathExtension
        guard let folder else { return dir.appendingPathComponent(outName).path }
        let base = (outName as NSString).lastPathComponent
        try folder.claim(prefixes: [base + "_"])
        return (folder.name as NSString).appendingPathComponent(base)
    }

    func readGrid(_ path: String) throws -> Grid<Double> {
        try RasterIO.read(path.hasSuffix(".gz") ? "/vsigzip/" + path : path, as: Double.self)
    }

    /// Region ids of a polygon grid (NoData is 0).
    func regionIDs(_ g: Grid<Double>, path: String) throws -> [Int32] {
        try g.values.map { v in
            if g.isNoData(v) { return 0 }
            guard let id = CircuitscapeText.nodeID(v) else { throw GeodataError(path, "region \(v) is not an integer id") }
            return id
        }
    }

    /// Focal nodes: an ASCII grid of ids, or a text file of `id x y` lines.
    func focalFromIni(_ path: String, like g: Grid<Double>) throws -> [(id: Int32, cell: Int)] {
        if path.lowercased().hasSuffix(".txt") {
            let points: [(id: Int32, x: Double, y: Double)]
            do { points = try CircuitscapeText.focalPoints(try String(contentsOfFile: path, encoding: .utf8)) } catch let e as CircuitscapeFileError {
                throw GeodataError(path, e.problem)
            }
            return points.compactMap { p in g.spec.cell(x: p.x, y: p.y).map { (p.id, g.spec.index(col: $0.col, row: $0.row)) } }
        }
        let p = try readGrid(path)
        var ids: [(id: Int32, cell: Int)] = []
        for (i, v) in p.values.enumerated() where !p.isNoData(v) && v > 0 {
            guard let id = CircuitscapeText.nodeID(v) else { throw GeodataError(path, "focal node \(v) is not an integer id") }
            ids.append((id, i))
        }
        return ids
    }

    /// Circuitscape's included-pairs file: `mode include|exclude` then pairs, or `min`/`max` then a matrix.
    func includedPairs(_ path: String) throws -> ((Int32, Int32) -> Bool, Set<Int32>?) {
        do {
            let pairs = try CircuitscapeText.includedPairs(try String(contentsOfFile: path, encoding: .utf8))
            return (pairs.include, pairs.ids)
        } catch let e as CircuitscapeFileError {
            throw GeodataError(path, e.problem)
        }
    }
}
