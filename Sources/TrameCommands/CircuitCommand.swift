import ArgumentParser
import Foundation
import TrameCircuit
import TrameGDAL
import TrameRaster
import TrameVector

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

        Solver: conjugate gradients preconditioned by aggregation algebraic multigrid, built once and reused \
        for every pair; the largest relative residual is reported.

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
    var neighbours: Int = 8

    @Option(help: "average-resistance or average-conductance.")
    var connect: String = "average-resistance"

    @Option(help: "pairwise, one-to-all or all-to-one.")
    var mode: String = "pairwise"

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

    func run() throws {
        do { try runChecked() } catch let e as CircuitError { throw InputError("\(ini ?? resistance ?? "circuit"): \(e.description)") }
    }

    func runChecked() throws {
        if let ini { try runIni(ini); return }
        guard let resistance, let focal, let output else { throw ValidationError("give --ini, or --resistance, --focal and -o") }
        guard neighbours == 4 || neighbours == 8 else { throw ValidationError("--neighbours is 4 or 8") }
        guard let conn = CellConnection(rawValue: connect) else { throw ValidationError("--connect is average-resistance or average-conductance") }
        let r = try RasterIO.read(resistance, as: Double.self)
        var cond = [Double](repeating: .nan, count: r.count)
        for i in 0..<r.count where !r.isNoData(r.values[i]) {
            let v = r.values[i]
            guard v > 0 else { throw GeodataError(resistance, "holds a resistance \(v) ≤ 0; resistances must be > 0 (NoData for barriers)") }
            cond[i] = 1 / v
        }
        guard ["pairwise", "one-to-all", "all-to-one"].contains(mode) else { throw ValidationError("--mode is pairwise, one-to-all or all-to-one") }
        let ids = try focalGrid(focal, like: r, resistancePath: resistance)
        if Set(ids.map(\.id)).count >= 2, Set(ids.map(\.cell)).count == 1 {
            throw GeodataError(focal, "all focal nodes lie in one cell of \(resistance): nothing to connect")
        }
        var maps = Maps()
        maps.cumulative = currentMaps || perPairMaps
        maps.maximum = currentMaps && mode == "pairwise"
        maps.perPairCurrent = perPairMaps
        maps.voltage = voltageMaps
        maps.format = ascii ? .asciiGrid : .geotiff
        if mode == "pairwise" {
            try solveAndWrite(conductance: cond, cols: r.cols, rows: r.rows, four: neighbours == 4, connection: conn, regions: nil,
                              focal: ids, include: nil, prefix: output, source: focal, maps: maps, spec: r.spec)
        } else {
            try solveOneAll(toAll: mode == "one-to-all", conductance: cond, spec: r.spec, four: neighbours == 4, connection: conn, regions: nil,
                            focal: ids, onlyIDs: nil, prefix: output, source: focal, maps: maps)
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

    /// Which maps to write (Circuitscape's output options).
    struct Maps {
        var perPairCurrent = false, cumulative = false, maximum = false, voltage = false
        var format: RasterIO.Format = .asciiGrid
        /// Circuitscape's set_null_currents_to_nodata / set_null_voltages_to_nodata: cells without
        /// conductance (NoData, zero, masked) written as NoData instead of 0.
        var nullCurrents = false, nullVoltages = false
        var nullCells: [Bool] = []
        var any: Bool { perPairCurrent || cumulative || maximum || voltage }

        func masked(_ values: [Double], voltage: Bool) -> [Double] {
            guard voltage ? nullVoltages : nullCurrents, nullCells.count == values.count else { return values }
            var v = values
            for i in v.indices where nullCells[i] { v[i] = -9999 }
            return v
        }
        var ext: String { format == .asciiGrid ? "asc" : "tif" }
    }

    func solveAndWrite(conductance: [Double], cols: Int, rows: Int, four: Bool, connection: CellConnection, regions: [Int32]?,
                       focal: [(id: Int32, cell: Int)], include: ((Int32, Int32) -> Bool)?, onlyIDs: Set<Int32>? = nil, prefix: String, source: String,
                       maps: Maps = Maps(), spec: GridSpec? = nil) throws {
        let allIDs = Array(Set(focal.map(\.id).filter { $0 != 0 && (onlyIDs?.contains($0) ?? true) })).sorted()
        guard allIDs.count >= 2 else { throw GeodataError(source, "fewer than two focal nodes: nothing to connect") }
        let rc = RasterCircuit(conductance: conductance, cols: cols, rows: rows, fourNeighbours: four, connection: connection, regions: regions, focal: focal)
        let nodesOf = Dictionary(uniqueKeysWithValues: zip(rc.focalIDs, rc.focalNodes))
        let present = allIDs.filter { nodesOf[$0] != nil }
        let n = cols * rows
        var cumulative = maps.cumulative ? [Double](repeating: 0, count: n) : []
        var maximum = maps.maximum ? [Double](repeating: 0, count: n) : []
        try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        func write(_ values: [Double], _ name: String) throws {
            guard let spec else { return }
            try RasterIO.write(Grid(spec: spec, values: maps.masked(values, voltage: name.hasPrefix("_voltmap")), noData: -9999),
                               to: prefix + name.replacingOccurrences(of: ".asc", with: ".\(maps.ext)"), format: maps.format)
        }
        let m = try Pairwise.resistances(rc.circuit, focalNodes: present.map { nodesOf[$0]! }, include: include.map { f in { f(present[$0], present[$1]) } }) { sol in
            guard maps.any else { return }
            let currents = sol.circuit.nodeCurrents(sol.voltages)
            var cur = [Double](repeating: 0, count: n), volt = maps.voltage ? [Double](repeating: 0, count: n) : []
            for i in 0..<n {
                let base = rc.nodeOfCell[i]
                guard base >= 0 else { continue }
                let node = Int(sol.node.map { $0[Int(base)] } ?? base)
                cur[i] = currents[node]
                if maps.voltage { volt[i] = sol.voltages[node] }
            }
            let pairName = "\(present[sol.i])_\(present[sol.j])"
            if maps.perPairCurrent { try write(cur, "_curmap_\(pairName).asc") }
            if maps.voltage { try write(volt, "_voltmap_\(pairName).asc") }
            if maps.cumulative { for i in 0..<n { cumulative[i] += cur[i] } }
            if maps.maximum { for i in 0..<n { maximum[i] = max(maximum[i], cur[i]) } }
        }
        if maps.cumulative { try write(cumulative, "_cum_curmap.asc") }
        if maps.maximum { try write(maximum, "_max_curmap.asc") }
        // Circuitscape's layout: every focal id, −1 for those on removed cells or in other components.
        var text = "0 " + allIDs.map(String.init).joined(separator: " ") + "\n"
        for a in allIDs {
            var row = [String(a)]
            for b in allIDs {
                if a == b { row.append("0"); continue }
                if let i = present.firstIndex(of: a), let j = present.firstIndex(of: b) { row.append(m[i][j] < 0 ? "-1" : String(format: "%.10g", m[i][j])) } else { row.append("-1") }
            }
            text += row.joined(separator: " ") + "\n"
        }
        if !common.quiet {
            let solved = m.enumerated().reduce(0) { acc, row in acc + row.element.enumerated().filter { $0.offset > row.offset && $0.element > 0 }.count }
            print(String(format: "%d focal nodes, %d pairs solved; largest relative residual %.1e; wrote %@_resistances.out", allIDs.count, solved, Pairwise.maxResidual, prefix))
        }
        let path = prefix + "_resistances.out"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AtomicOutput.write(to: path) { try text.write(toFile: $0, atomically: false, encoding: .utf8) }
    }

    /// One-to-all (1 A into each focal node in turn, every other focal node of its component grounded;
    /// its resistance is the voltage it takes) or all-to-one (1 A into every other focal node of the
    /// component, the one grounded; Circuitscape reports 0 for it). −1 when it has no partner.
    func solveOneAll(toAll: Bool, conductance: [Double], spec: GridSpec, four: Bool, connection: CellConnection, regions: [Int32]?,
                     focal: [(id: Int32, cell: Int)], onlyIDs: Set<Int32>?, include: ((Int32, Int32) -> Bool)? = nil,
                     prefix: String, source: String, maps: Maps) throws {
        let ids = Array(Set(focal.map(\.id).filter { $0 != 0 && (onlyIDs?.contains($0) ?? true) })).sorted()
        guard ids.count >= 2 else { throw GeodataError(source, "fewer than two focal nodes: nothing to connect") }
        let rc = RasterCircuit(conductance: conductance, cols: spec.cols, rows: spec.rows, fourNeighbours: four, connection: connection, regions: regions, focal: focal)
        let nodesOf = Dictionary(uniqueKeysWithValues: zip(rc.focalIDs, rc.focalNodes))
        // The circuit with the cells of each focal id joined into one node, as Circuitscape joins them in
        // these modes (even across otherwise separate parts of the grid; ids sharing a cell or a
        // short-circuit region become one node).
        let (base, joinedNode) = rc.circuit.merging(rc.focalNodes)
        let comp = base.components()
        let focalNode = nodesOf.mapValues { Array(Set($0.map { joinedNode[Int($0)] })).sorted() }
        let cellNode = rc.nodeOfCell.map { $0 >= 0 ? joinedNode[Int($0)] : -1 }
        let n = spec.count
        var cumulative = [Double](repeating: 0, count: n)
        func write(_ values: [Double], _ name: String) throws {
            try RasterIO.write(Grid(spec: spec, values: maps.masked(values, voltage: name.hasPrefix("_voltmap")), noData: -9999),
                               to: prefix + name.replacingOccurrences(of: ".asc", with: ".\(maps.ext)"), format: maps.format)
        }
        try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var text = ""
        for id in ids {
            guard let mine = focalNode[id] else { text += "\(id) -1\n"; continue }
            let myComps = Set(mine.map { comp[Int($0)] })
            // Partners: focal nodes of the same component that are not this one's node.
            let others = ids.filter { $0 != id && (include?(id, $0) ?? true) }.compactMap { o in
                focalNode[o].flatMap { ns in ns.contains { myComps.contains(comp[Int($0)]) } && Set(ns).isDisjoint(with: mine) ? ns : nil }
            }
            guard !others.isEmpty else { text += "\(id) -1\n"; continue }
            let sol = toAll
                ? try MultiSolve.solve(base, sources: [(mine, 1)], grounds: others)
                : try MultiSolve.solve(base, sources: others.map { ($0, 1.0) }, grounds: [mine])
            let r = toAll ? sol.voltages[Int(sol.node[Int(mine[0])])] : 0
            text += "\(id) \(String(format: "%.10g", r))\n"
            guard maps.any else { continue }
            // Currents on the circuit where each focal node is one node but the grounds (or sources)
            // stay apart, so that each focal node reports its own current, as Circuitscape does.
            let (regionCircuit, rmap) = base.merging([mine] + others)
            var vr = [Double](repeating: 0, count: regionCircuit.nodeCount)
            for b in 0..<base.nodeCount { vr[Int(rmap[b])] = sol.voltages[Int(sol.node[b])] }
            let currents = regionCircuit.nodeCurrents(vr)
            var cur = [Double](repeating: 0, count: n), volt = [Double](repeating: 0, count: n)
            for i in 0..<n where cellNode[i] >= 0 {
                let b = Int(cellNode[i])
                cur[i] = currents[Int(rmap[b])]; volt[i] = sol.voltages[Int(sol.node[b])]
            }
            if maps.perPairCurrent { try write(cur, "_curmap_\(id).asc") }
            if maps.voltage { try write(volt, "_voltmap_\(id).asc") }
            for i in 0..<n { cumulative[i] += cur[i] }
        }
        if maps.cumulative { try write(cumulative, "_cum_curmap.asc") }
        try AtomicOutput.write(to: prefix + "_resistances.out") { try text.write(toFile: $0, atomically: false, encoding: .utf8) }
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

    /// Advanced mode: current sources and grounds (each tied through its resistance or conductance, or
    /// held at 0 V) from rasters; one solve; voltage and current maps.
    func runAdvanced(cond: [Double], spec: GridSpec, four: Bool, connection: CellConnection, regions: [Int32]?,
                     sources: [(cell: Int, value: Double)], grounds: [(cell: Int, value: Double)], groundIsResistance: Bool,
                     unitCurrents: Bool, directGrounds: Bool, conflict: String, prefix: String, writeCurrent: Bool, writeVoltage: Bool,
                     masking: Maps = Maps()) throws {
        var srcs = sources.filter { $0.value != 0 }
        var gnds = grounds.filter { groundIsResistance ? $0.value >= 0 : $0.value > 0 }
        // A cell both source and ground: keep both, or drop one of them (remove_src_or_gnd).
        let srcCells = Set(srcs.map(\.cell)), gndCells = Set(gnds.map(\.cell))
        let both = srcCells.intersection(gndCells)
        switch conflict.lowercased() {
        case "rmvsrc": srcs.removeAll { both.contains($0.cell) }
        case "rmvgnd": gnds.removeAll { both.contains($0.cell) }
        case "rmvall": srcs.removeAll { both.contains($0.cell) }; gnds.removeAll { both.contains($0.cell) }
        default: break
        }
        // Sources and grounds on NoData cells are dropped (outside short-circuit regions), as in Circuitscape.
        let rc = RasterCircuit(conductance: cond, cols: spec.cols, rows: spec.rows, fourNeighbours: four, connection: connection, regions: regions, focal: [])
        let comp = rc.circuit.components()
        var direct: [Int32] = [], tied: [(Int32, Double)] = []
        for gnd in gnds {
            let node = rc.nodeOfCell[gnd.cell]
            guard node >= 0 else { continue }
            let r = groundIsResistance ? gnd.value : (gnd.value > 0 ? 1 / gnd.value : .infinity)
            if directGrounds || r == 0 { direct.append(node) } else if r.isFinite { tied.append((node, 1 / r)) }
        }
        // Components of a single node carry no current (Circuitscape skips them).
        var compSize: [Int32: Int] = [:]
        for c in comp { compSize[c, default: 0] += 1 }
        let groundedComps = Set((direct + tied.map(\.0)).map { comp[Int($0)] }).filter { (compSize[$0] ?? 0) > 1 }
        var current: [Int32: Double] = [:]
        for s in srcs {
            let node = rc.nodeOfCell[s.cell]
            guard node >= 0, groundedComps.contains(comp[Int(node)]) else { continue }
            current[node, default: 0] += unitCurrents ? 1 : s.value
        }
        let n = spec.count
        var volt = [Double](repeating: 0, count: n), cur = [Double](repeating: 0, count: n)
        if !current.isEmpty {
            let sol = try MultiSolve.solve(rc.circuit, sources: current.map { ([$0.key], $0.value) }, grounds: direct.isEmpty ? [] : [direct], groundConductance: tied)
            // Currents on the circuit with its ground branches, each node apart.
            let withGround = Circuit(nodeCount: rc.circuit.nodeCount + 1, branches: rc.circuit.branches + tied.map { ($0.0, Int32(rc.circuit.nodeCount), $0.1) })
            var v = [Double](repeating: 0, count: rc.circuit.nodeCount + 1)
            for b in 0..<rc.circuit.nodeCount { v[b] = sol.voltages[Int(sol.node[b])] }
            let currents = withGround.nodeCurrents(v)
            for i in 0..<n where rc.nodeOfCell[i] >= 0 {
                let b = Int(rc.nodeOfCell[i])
                volt[i] = v[b]; cur[i] = currents[b]
            }
        }
        try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if writeVoltage { try RasterIO.write(Grid(spec: spec, values: masking.masked(volt, voltage: true), noData: -9999), to: prefix + "_voltmap.asc", format: .asciiGrid) }
        if writeCurrent { try RasterIO.write(Grid(spec: spec, values: masking.masked(cur, voltage: false), noData: -9999), to: prefix + "_curmap.asc", format: .asciiGrid) }
    }

    /// Network mode: a graph given as `node node value` lines (conductances or resistances), focal nodes
    /// as a list of ids (pairwise), or sources and grounds as `node value` lists (advanced).
    func runNetwork(scenario: String, graph: String, isResistance: Bool, focal: String?, sources: String?, grounds: String?,
                    groundIsResistance: Bool, directGrounds: Bool, currents: Bool, voltages: Bool, prefix: String) throws {
        func rows(_ path: String) throws -> [[Double]] { CircuitscapeText.numberRows(try String(contentsOfFile: path, encoding: .utf8)) }
        /// A node id as written; nil (the line is skipped) when it is not an integer.
        func id(_ v: Double) -> Int? { CircuitscapeText.nodeID(v).map(Int.init) }
        var index: [Int: Int32] = [:], ids: [Int] = []
        func node(_ id: Int) -> Int32 { if let k = index[id] { return k }; let k = Int32(ids.count); index[id] = k; ids.append(id); return k }
        var branches: [(Int32, Int32, Double)] = []
        let graphBranches: [(from: Int, to: Int, value: Double)]
        do { graphBranches = try CircuitscapeText.branches(try String(contentsOfFile: graph, encoding: .utf8)) } catch let e as CircuitscapeFileError {
            throw GeodataError(graph, e.problem)
        }
        for r in graphBranches {
            guard r.value > 0 else { throw GeodataError(graph, "branch \(r.from)–\(r.to) has a value \(r.value) ≤ 0") }
            branches.append((node(r.from), node(r.to), isResistance ? 1 / r.value : r.value))
        }
        let c = Circuit(nodeCount: ids.count, branches: branches)
        try FileManager.default.createDirectory(atPath: ((prefix + "_x") as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        func fmt(_ v: Double) -> String { String(format: "%.10g", v) }
        func writeText(_ text: String, _ name: String) throws {
            try AtomicOutput.write(to: prefix + name) { try text.write(toFile: $0, atomically: false, encoding: .utf8) }
        }
        func results(_ circuit: Circuit, _ map: [Int32]?, _ v: [Double]) -> (node: [Double], branch: [Double], volt: [Double]) {
            let nodeV = (0..<c.nodeCount).map { v[Int(map?[$0] ?? Int32($0))] }
            let nodeI = c.nodeCurrents(nodeV)
            let branchI = c.branches.map { abs($0.2 * (nodeV[Int($0.0)] - nodeV[Int($0.1)])) }
            return (nodeI, branchI, nodeV)
        }
        // Circuitscape lists the nodes and branches of the components that carry the solve.
        let comp = c.components()
        func nodeText(_ values: [Double], in comps: Set<Int32>) -> String {
            ids.indices.filter { comps.contains(comp[$0]) }.sorted { ids[$0] < ids[$1] }.map { "\(ids[$0]) \(fmt(values[$0]))" }.joined(separator: "\n") + "\n"
        }
        // Branches that carry no current (dead ends) are left out, as Circuitscape does.
        func branchText(_ values: [Double], in comps: Set<Int32>) -> String {
            let top = values.max() ?? 0
            return c.branches.indices.filter { comps.contains(comp[Int(c.branches[$0].0)]) && values[$0] > 1e-9 * max(top, 1e-300) }
                .map { "\(ids[Int(c.branches[$0].0)]) \(ids[Int(c.branches[$0].1)]) \(fmt(values[$0]))" }.joined(separator: "\n") + "\n"
        }

        if scenario == "advanced" {
            var inj: [Int32: Double] = [:]
            for r in try rows(sources!) where r.count >= 2 { if let n = id(r[0]), let k = index[n] { inj[k, default: 0] += r[1] } }
            var direct: [Int32] = [], tied: [(Int32, Double)] = []
            for r in try rows(grounds!) where r.count >= 2 {
                guard let n = id(r[0]), let k = index[n] else { continue }
                let res = groundIsResistance ? r[1] : (r[1] > 0 ? 1 / r[1] : .infinity)
                if directGrounds || res == 0 { direct.append(k) } else if res.isFinite { tied.append((k, 1 / res)) }
            }
            let sol = try MultiSolve.solve(c, sources: inj.map { ([$0.key], $0.value) }, grounds: direct.isEmpty ? [] : [direct], groundConductance: tied)
            // Currents with the ground branches, each node apart.
            let withGround = Circuit(nodeCount: c.nodeCount + 1, branches: c.branches + tied.map { ($0.0, Int32(c.nodeCount), $0.1) })
            var v = [Double](repeating: 0, count: c.nodeCount + 1)
            for b in 0..<c.nodeCount { v[b] = sol.voltages[Int(sol.node[b])] }
            let nodeI = Array(withGround.nodeCurrents(v).prefix(c.nodeCount))
            let branchI = c.branches.map { abs($0.2 * (v[Int($0.0)] - v[Int($0.1)])) }
            let used = Set((Array(inj.keys) + direct + tied.map(\.0)).map { comp[Int($0)] })
            let all = Set(comp)
            if voltages { try writeText(nodeText(Array(v.prefix(c.nodeCount)), in: all), "_voltages.txt") }
            if currents { try writeText(nodeText(nodeI, in: all), "_node_currents.txt"); try writeText(branchText(branchI, in: used), "_branch_currents.txt") }
            return
        }
        let focalIDs = Array(Set(try rows(focal!).compactMap { $0.first.flatMap(id) })).sorted()
        let present = focalIDs.filter { index[$0] != nil }
        var cumNode = [Double](repeating: 0, count: c.nodeCount), cumBranch = [Double](repeating: 0, count: c.branches.count)
        var solvedComps = Set<Int32>()
        let m = try Pairwise.resistances(c, focalNodes: present.map { [index[$0]!] }) { sol in
            guard currents || voltages else { return }
            let r = results(sol.circuit, sol.node, sol.voltages)
            let name = "\(present[sol.i])_\(present[sol.j])"
            let here: Set<Int32> = [comp[Int(index[present[sol.i]]!)]]
            solvedComps.formUnion(here)
            if voltages { try writeText(nodeText(r.volt, in: here), "_voltages_\(name).txt") }
            if currents {
                try writeText(nodeText(r.node, in: here), "_node_currents_\(name).txt"); try writeText(branchText(r.branch, in: here), "_branch_currents_\(name).txt")
                for k in 0..<cumNode.count { cumNode[k] += r.node[k] }
                for k in 0..<cumBranch.count { cumBranch[k] += r.branch[k] }
            }
        }
        if currents {
            try writeText(nodeText(cumNode, in: Set(comp)), "_node_currents_cum.txt")
            try writeText(branchText(cumBranch, in: solvedComps), "_branch_currents_cum.txt")
        }
        var text = "0 " + focalIDs.map(String.init).joined(separator: " ") + "\n"
        for a in focalIDs {
            text += "\(a) " + focalIDs.map { b -> String in
                if a == b { return "0" }
                guard let i = present.firstIndex(of: a), let j = present.firstIndex(of: b), m[i][j] >= 0 else { return "-1" }
                return fmt(m[i][j])
            }.joined(separator: " ") + "\n"
        }
        try writeText(text, "_resistances.out")
    }

    // MARK: Circuitscape .ini

    func runIni(_ path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw GeodataError(path, "cannot be read") }
        let ini: CircuitscapeIni
        do { ini = try CircuitscapeIni(parsing: text) } catch let e as CircuitscapeFileError { throw GeodataError(path, e.problem) }
        let o = ini.options
        // --out-dir is new, empty or an earlier `trame circuit`'s output folder: refused before any work.
        let folder = try outDir.map { try OutputFolder.check($0, command: "circuit", version: Trame.configuration.version) }
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
        var unsupported: [String] = []
        for k in ["use_variable_source_strengths", "log_transform_maps", "compress_grids", "use_reclass_table", "set_focal_node_currents_to_zero"]
        where flag(k) { unsupported.append(k) }
        var maps = Maps()
        maps.perPairCurrent = flag("write_cur_maps") && !flag("write_cum_cur_map_only")
        maps.cumulative = flag("write_cur_maps") || flag("write_cum_cur_map_only")
        maps.maximum = flag("write_max_cur_maps")
        maps.voltage = flag("write_volt_maps")
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
                           currents: flag("write_cur_maps"), voltages: flag("write_volt_maps"), prefix: prefix)
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
        if scenario == "advanced" {
            var regions: [Int32]? = nil
            if flag("use_polygons") {
                let g = try readGrid(try file("polygon_file"))
                regions = try regionIDs(g, path: try file("polygon_file"))
            }
            let prefix = try outputPrefix(o, besideIni: dir, folder: folder)
            try runAdvanced(cond: cond, spec: habitat.spec, four: flag("connect_four_neighbors_only"),
                            connection: flag("connect_using_avg_resistances") ? .averageResistance : .averageConductance, regions: regions,
                            sources: try sourceOrGround(try file("source_file"), like: habitat), grounds: try sourceOrGround(try file("ground_file"), like: habitat),
                            groundIsResistance: flag("ground_file_is_resistances"), unitCurrents: flag("use_unit_currents"),
                            directGrounds: flag("use_direct_grounds"), conflict: o["remove_src_or_gnd"] ?? "keepall",
                            prefix: prefix, writeCurrent: flag("write_cur_maps"), writeVoltage: flag("write_volt_maps"), masking: maps)
            return
        }
        let focal = try focalFromIni(try file("point_file"), like: habitat)
        var regions: [Int32]? = nil
        if flag("use_polygons") {
            let g = try readGrid(try file("polygon_file"))
            regions = try regionIDs(g, path: try file("polygon_file"))
        }
        var include: ((Int32, Int32) -> Bool)? = nil
        var onlyIDs: Set<Int32>? = nil
        if flag("use_included_pairs") { (include, onlyIDs) = try includedPairs(try file("included_pairs_file")) }
        let prefix = try outputPrefix(o, besideIni: dir, folder: folder)
        let connection: CellConnection = flag("connect_using_avg_resistances") ? .averageResistance : .averageConductance
        if scenario != "pairwise" {
            try solveOneAll(toAll: scenario == "one-to-all", conductance: cond, spec: habitat.spec, four: flag("connect_four_neighbors_only"),
                            connection: connection, regions: regions, focal: focal, onlyIDs: onlyIDs, include: include, prefix: prefix, source: path, maps: maps)
            return
        }
        try solveAndWrite(conductance: cond, cols: habitat.cols, rows: habitat.rows, four: flag("connect_four_neighbors_only"),
                          connection: connection, regions: regions, focal: focal, include: include, onlyIDs: onlyIDs, prefix: prefix, source: path,
                          maps: maps, spec: habitat.spec)
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
