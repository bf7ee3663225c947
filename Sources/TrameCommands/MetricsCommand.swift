import ArgumentParser
import CSV
import Foundation
import TrameGDAL
import TrameGraph
import TramePublish
import TrameScheme
import TrameVector

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Connectivity metrics of a landscape graph: PC, IIC, EC, NC, and each patch's dPC, dIIC, BC.",
        discussion: """
        Definitions as Conefor and Graphab: p = exp(−α·d), α set by --distance and --probability (e.g. 5 % at \
        1 000 m); PC = Σ ai·aj·p*ij / AL² over ordered pairs; EC = √(Σ ai·aj·p*ij); IIC with the fewest links; \
        dPC split into intra, flux and connector fractions (Saura & Rubio 2010); BC weighted by ai·aj·p*ij.

        Two inputs:
          --nodes nodes.csv --edges edges.csv     (columns id,capacity and from,to,distance)
          --patches patches.gpkg --links links.gpkg   (from `trame patches` and `trame links`)
        Outputs: nodes_out.csv (id,dPC,dPC_intra,dPC_flux,dPC_connector,dIIC,BC), global.json (PC, IIC, EC, NC \
        and the component table); with GeoPackage input the patch and link layers are written back with the \
        metrics (links get dPC: PC loss when that link alone is removed).

        Probability cut-off (--probability-cutoff ε, default 1e-12): pairs whose p*ij < ε, i.e. farther apart \
        than −ln(ε)/α, count as unconnected in PC, EC, dPC and its fractions, BC and link dPC (not in IIC and \
        dIIC); each search stops there. Every term left out is below ai·aj·ε, so PCnum (= PC·AL²) is off by at \
        most ε·Σ ai·aj over the pairs cut, ≤ ε·(Σa)²; global.json gives that bound as PCnum_cutoff_bound \
        (0: nothing was cut and all values are exact). Each dPC, fraction or link dPC is off by at most \
        200·ε·(Σa)²/PCnum percentage points, each BC by ε·(Σa)²/2. --probability-cutoff 0 computes every pair.

        Example:
          trame metrics --patches patches.gpkg --links links.gpkg --distance 1000 --probability 0.05 --area 20000 -o nodes.csv --global global.json
        """)

    @Option(help: "Nodes table (CSV: id,capacity).") var nodes: String?
    @Option(help: "Edges table (CSV: from,to,distance).") var edges: String?
    @Option(help: "Patch polygons (GeoPackage from `trame patches`).") var patches: String?
    @Option(help: "Links (GeoPackage from `trame links`).") var links: String?
    @Option(help: "Patch field holding the capacity.") var capacityField = "capacity"
    @Option(help: "Link field holding the distance (cost, length_m, euclidean_m).") var distanceField = "cost"
    @Option(help: "Distance at which the dispersal probability is --probability (same unit as the links).") var distance: Double
    @Option(help: "Dispersal probability at --distance, in (0, 1).") var probability: Double
    @Option(help: "Landscape area AL, in the capacity's unit (ha).") var area: Double
    @Option(help: "Drop links longer than this before computing.") var maxDistance: Double?
    @Option(help: "Leave out of PC the pairs whose probability p*ij is below this, in [0, 1); 0: none (see above).")
    var probabilityCutoff = ConnectivityMetrics.defaultProbabilityCutoff
    @Option(name: .shortAndLong, help: "Output per-node CSV.") var output: String
    @Option(name: .customLong("global"), help: "Output global indices (JSON).") var globalPath: String?
    @Flag(help: "Print the global indices (PC, IIC, EC, NC, components) as one JSON object on stdout.") var json = false
    @OptionGroup var common: CommonOptions

    func validate() throws {
        let tables = nodes != nil || edges != nil, layers = patches != nil || links != nil
        guard tables != layers else { throw ValidationError("give either --nodes and --edges, or --patches and --links") }
        if tables, nodes == nil || edges == nil { throw ValidationError("--nodes and --edges go together") }
        if layers, patches == nil || links == nil { throw ValidationError("--patches and --links go together") }
        try OptionRanges.number(distance, option: "--distance", OptionRanges.graphDistance)
        try OptionRanges.number(probability, option: "--probability", OptionRanges.probability)
        try OptionRanges.number(area, option: "--area", OptionRanges.landscapeArea)
        if let maxDistance { try OptionRanges.number(maxDistance, option: "--max-distance", OptionRanges.graphMaxDistance) }
        try OptionRanges.number(probabilityCutoff, option: "--probability-cutoff", OptionRanges.probabilityCutoff)
    }

    func run() throws {
        try Inputs.distinctOutputs([output, globalPath], inputs: [nodes, edges, patches, links].compactMap { $0 })
        var nodeList: [(id: String, capacity: Double)] = []
        var edgeList: [(from: String, to: String, distance: Double)] = []
        var patchLayer: VectorLayer?, linkLayer: VectorLayer?
        if let n = nodes, let e = edges {
            nodeList = try readTable(n, columns: ["id", "capacity"]).map { r in (r[0], try number(r[1], n, "capacity of \(r[0])")) }
            edgeList = try readTable(e, columns: ["from", "to", "distance"]).map { r in (r[0], r[1], try number(r[2], e, "distance \(r[0])–\(r[1])")) }
        } else if let p = patches, let l = links {
            let pl = try VectorIO.read(p), ll = try VectorIO.read(l, allowEmpty: true)
            guard pl.fields.contains(where: { $0.name == capacityField }) else { throw GeodataError(p, "has no field '\(capacityField)' (choose one with --capacity-field)") }
            guard ll.features.isEmpty || ll.fields.contains(where: { $0.name == distanceField }) else { throw GeodataError(l, "has no field '\(distanceField)' (choose one with --distance-field)") }
            nodeList = try pl.features.enumerated().map { k, f in
                let id = f["id"].stringValue ?? String(f.fid ?? k + 1)
                guard let c = f[capacityField].doubleValue else { throw GeodataError(p, "patch \(id) has no \(capacityField)") }
                return (id, c)
            }
            edgeList = try ll.features.map { f in
                guard let a = f["from"].stringValue, let b = f["to"].stringValue, let d = f[distanceField].doubleValue else {
                    throw GeodataError(l, "a link lacks from, to or \(distanceField)")
                }
                return (a, b, d)
            }
            patchLayer = pl; linkLayer = ll
        }
        let graph: LandscapeGraph
        let result: ConnectivityResult
        do {
            graph = try LandscapeGraph(nodes: nodeList, edges: edgeList).thresholded(maxDistance)
            result = try ConnectivityMetrics.compute(graph, decay: ExponentialDecay(distance: distance, probability: probability), landscapeArea: area,
                                                     probabilityCutoff: probabilityCutoff)
        } catch let e as GraphError { throw InputError((edges ?? links ?? "") + ": " + e.description) }

        var csv = "id,dPC,dPC_intra,dPC_flux,dPC_connector,dIIC,BC\n"
        for (k, id) in graph.ids.enumerated() {
            let m = result.nodes[k]
            csv += "\(csvField(id)),\(m.dPC),\(m.dPC_intra),\(m.dPC_flux),\(m.dPC_connector),\(m.dIIC),\(m.BC)\n"
        }
        try AtomicOutput.write(to: output) { try csv.write(toFile: $0, atomically: false, encoding: .utf8) }
        let global: [String: Any] = [
            "PC": result.global.PC, "IIC": result.global.IIC, "EC": result.global.EC, "NC": result.global.NC,
            "EC_unit": "capacity unit (ha)", "landscape_area": area, "patches": graph.nodeCount, "links": graph.edges.count,
            "probability_cutoff": probabilityCutoff, "PCnum_cutoff_bound": result.cutoffErrorBound,
            "components": result.components.enumerated().map { ["id": $0 + 1, "patches": $1.nodes, "capacity": $1.capacity] },
        ]
        if json { try JSONOutput.print(global) }
        if let g = globalPath {
            let obj: [String: Any] = [
                "PC": result.global.PC, "IIC": result.global.IIC, "EC": result.global.EC, "NC": result.global.NC,
                "EC_unit": "capacity unit (ha)", "landscape_area": area,
                "probability_cutoff": probabilityCutoff, "PCnum_cutoff_bound": result.cutoffErrorBound,
                "components": result.components.enumerated().map { ["id": $0 + 1, "patches": $1.nodes, "capacity": $1.capacity] },
            ]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
            try AtomicOutput.write(to: g) { try data.write(to: URL(fileURLWithPath: $0)) }
        }
        if var pl = patchLayer, var ll = linkLayer, let p = patches, let l = links {
            try writeBack(&pl, &ll, graph: graph, result: result, patchesPath: p, linksPath: l)
        }
        if !common.quiet && !json {
            print(String(format: "PC %.6g, IIC %.6g, EC %.1f (ha), %d component(s), %d patches, %d links", result.global.PC, result.global.IIC,
                         result.global.EC, result.global.NC, graph.nodeCount, graph.edges.count))
        }
    }

    func writeBack(_ pl: inout VectorLayer, _ ll: inout VectorLayer, graph: LandscapeGraph, result: ConnectivityResult,
                   patchesPath: String, linksPath: String) throws {
        let names = ["dPC", "dPC_intra", "dPC_flux", "dPC_connector", "dIIC", "BC"]
        for n in names where !pl.fields.contains(where: { $0.name == n }) { pl.fields.append(FieldDefinition(n, .real)) }
        for k in pl.features.indices {
            let m = result.nodes[k]
            for (n, v) in zip(names, [m.dPC, m.dPC_intra, m.dPC_flux, m.dPC_connector, m.dIIC, m.BC]) { pl.features[k].attributes[n] = .real(v) }
        }
        if !ll.fields.contains(where: { $0.name == "dPC" }) { ll.fields.append(FieldDefinition("dPC", .real)) }
        // Links over --max-distance were dropped: they carry no dPC.
        var e = 0
        for k in ll.features.indices {
            let d = ll.features[k][distanceField].doubleValue ?? .infinity
            if let m = maxDistance, d > m { ll.features[k].attributes["dPC"] = .null; continue }
            ll.features[k].attributes["dPC"] = .real(result.linkDPC[e]); e += 1
        }
        try rewrite(patchesPath, replacing: pl)
        try rewrite(linksPath, replacing: ll)
    }

    /// Rewrites a vector file with one layer replaced, keeping its other layers.
    func rewrite(_ path: String, replacing layer: VectorLayer) throws {
        let names = try VectorIO.describe(path).layers.map(\.name).filter { $0 != "layer_styles" }
        let layers = try names.map { $0 == layer.name ? layer : try VectorIO.read(path, layer: $0, allowEmpty: true) }
        try VectorIO.write(layers, to: path, styles: try VectorIO.readStyles(path))
    }

    func readTable(_ path: String, columns: [String]) throws -> [[String]] {
        guard let stream = InputStream(fileAtPath: path), FileManager.default.fileExists(atPath: path) else { throw GeodataError(path, "no such file") }
        let reader = try CSVReader(stream: stream, hasHeaderRow: true, trimFields: true)
        let header = (reader.headerRow ?? []).map { $0.lowercased() }
        let idx = try columns.map { c -> Int in
            guard let i = header.firstIndex(of: c) else { throw GeodataError(path, "has no column '\(c)' (needs \(columns.joined(separator: ",")))") }
            return i
        }
        var rows: [[String]] = []
        while let r = reader.next() {
            if r.allSatisfy({ $0.isEmpty }) { continue }
            guard idx.allSatisfy({ $0 < r.count }) else { throw GeodataError(path, "line \(rows.count + 2) has too few columns") }
            rows.append(idx.map { r[$0] })
        }
        return rows
    }

    func number(_ s: String, _ path: String, _ what: String) throws -> Double {
        guard let v = Double(s) else { throw GeodataError(path, "\(what) is '\(s)', not a number") }
        return v
    }

    func csvField(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
}
