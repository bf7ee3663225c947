import Foundation
import TrameCircuit
import TrameCost
import TrameGDAL
import TrameGraph
import TrameMaps
import TrameRaster
import TrameRouting
import TrameScheme
import TrameVector

/// Builds a whole scheme from a project: every sub-network, the nature spaces by typology, buffer
/// zones, conflict points and figures, then the GeoPackage, rasters, maps and report.
///
/// Everything is written into a hidden folder beside OUT and exchanged with it in one step at the end
/// (`OutputFolder.replace`), so a failed or interrupted run leaves the previous OUT as it was. OUT must be
/// new, empty or an earlier scheme, and hold none of the inputs (`OutputFolder.check`).
public struct SchemeJob {
    public let project: Project
    public let out: String
    public let lang: String
    /// One line per step ("buffer zones"); the CLI shows them on a terminal.
    public let progress: (String) -> Void
    /// Warnings (a layer reprojected, an inventory covering no cell); the CLI prints them on stderr.
    public var warn: (String) -> Void = { FileHandle.standardError.write(Data("trame: warning: \($0)\n".utf8)) }
    /// How each sub-network is analysed.
    public var model: SubNetworkModel = ProjectSubNetworkModel()

    /// Sub-networks are named in `lang` from here on (`SubNetwork.label(in:)`): maps, report, layers and styles.
    public init(project: Project, out: String, lang: String, progress: @escaping (String) -> Void = { _ in }) {
        var p = project
        for k in p.subNetworks.indices { p.subNetworks[k].label = p.subNetworks[k].label(in: lang) }
        self.project = p; self.out = out; self.lang = lang; self.progress = progress
    }

    /// Loads a project file, with other files for some inventories (a partner's revised version: its first
    /// layer, all its sites), in the order given; a zip is read through /vsizip/.
    public static func loadProject(_ project: String, replacing files: [(name: String, file: String)] = []) throws -> Project {
        var p = try ProjectFile.load(project)
        for (name, file) in files {
            guard let k = p.inventories.firstIndex(where: { $0.name == name }) else {
                throw InputError("\(project): no inventory named '\(name)' (known: \(p.inventories.map(\.name).joined(separator: ", ")))")
            }
            guard FileManager.default.fileExists(atPath: file) else { throw InputError("\(file): no such file (inventory '\(name)')") }
            let source = file.lowercased().hasSuffix(".zip") ? "/vsizip/" + file : file
            p.inventories[k].source = LayerSource(file: source)
        }
        return p
    }

    /// Builds the scheme into `out` (checked first, built aside, swapped in at the end) and returns its figures.
    public func run() throws -> SchemeResult {
        let t0 = Date()
        // OUT is new, empty or an earlier scheme, and holds none of the inputs; checked before anything is read.
        let folder = try OutputFolder.check(out, command: "run", version: TrameVersion.current, inputs: SchemeJob.inputFiles(project))
        return try folder.replace { building in
            var result = try build(into: building)
            result.seconds = Date().timeIntervalSince(t0)
            try SchemeReport(result: result, lang: lang, folder: building).write()
            return result
        }
    }

    /// The files a run reads: the project file, land cover, tables and every layer's file.
    public static func inputFiles(_ p: Project) -> [String] {
        var files = [p.file, p.landCover, p.nomenclature, p.friction]
        for src in [p.roads, p.railways, p.paths, p.leisureHubs, p.itineraries?.network, p.hydrography?.watercourses,
                    p.hydrography?.obstacles].compactMap({ $0 }) + p.unitLevels.map(\.source) + p.inventories.map(\.source) {
            files.append(src.file.hasPrefix("/vsizip/") ? String(src.file.dropFirst(8)) : src.file)
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    // MARK: - Building

    /// Reads the inputs, runs the stages (TrameScheme's `Pipeline`) and writes their outputs into `dir`.
    /// The name of the QGIS project in scheme.gpkg: QGIS opens it as `geopackage:…/scheme.gpkg?projectName=trame`.
    public static let qgisProjectName = "trame"

    public func build(into dir: String) throws -> SchemeResult {
        let input = try SchemeReader(project: project, lang: lang, progress: progress, warn: warn).read()
        // What the reading freed (the land cover's 4-byte codes, the rasterised layers) leaves the resident set.
        ProcessMemory.releaseFreeHeap()
        // The named itineraries' courses, read before the analysis: a mistake stops the run at once.
        let courses = try SchemeJob.courses(project, crs: SpatialReference.fromWKT(input.spec.crsWKT)!, extent: input.spec.extent, crsLabel: input.crsLabel)
        try FileManager.default.createDirectory(atPath: (dir as NSString).appendingPathComponent("rasters"), withIntermediateDirectories: true)
        let writer = RasterWriter(folder: dir, styler: RasterStyler(subNetworks: project.subNetworks, lang: lang))
        // A failing stage leaves by an error while rasters are still being written: let the writer stop and
        // drain before the error reaches the caller, which then removes the half-built folder (a write still
        // running afterwards recreated files in it).
        defer { writer.drain() }
        var layers = Layers(crsWKT: input.spec.crsWKT, lang: lang)
        let lc = input.landCover
        if input.landCoverDerived {
            // Polygons rasterised or a raster reprojected: the grid every figure comes from, for QGIS.
            let fr = lang == "fr"
            writer.write(lc.grid, to: "rasters/land_cover.tif", description: "land cover as the run used it (classes of the nomenclature)",
                               categories: input.nomenclature.mapValues { fr ? $0.labelFr : $0.label },
                               colours: input.nomenclature.mapValues { (UInt8(clamping: $0.colour.0), UInt8(clamping: $0.colour.1), UInt8(clamping: $0.colour.2)) })
        }
        var tally = FigureTally(spec: input.spec, valid: SchemeJob.valid(lc), territoryName: project.name, levels: input.units.map { ($0.level, $0.names) }, cells: input.unitCells,
                                subNetworks: project.subNetworks.count)
        tally.addLength(input.infrastructure.filter { $0.kind == "road" }.map(\.line), to: \.roadKm, scale: 0.001)
        tally.addLength(input.infrastructure.filter { $0.kind == "railway" }.map(\.line), to: \.railwayKm, scale: 0.001)
        let networks = try analyseSubNetworks(input, sink: writer, layers: &layers, tally: &tally)

        ProcessMemory.releaseFreeHeap()
        progress("nature spaces by typology")
        var spaces = TypologyStage.run(input, reservoirs: networks.masks.reservoirs, sink: writer)
        tally.addPoints(spaces.hubs.map(\.point), to: \.leisureHubs)
        tally.addPoints(spaces.hubs.filter { $0.stake == .regional }.map(\.point), to: \.regionalHubs)
        tally.addPoints(spaces.hubs.filter { $0.stake == .community }.map(\.point), to: \.communityHubs)
        try layers.addNatureSpaces(spaces.spaces, inventories: project.inventories, hubs: spaces.hubsBySpace, lang: lang, label: input.label)
        // The spaces are polygons and the hubs placed: their ids per cell go before the buffer zones (4 bytes a cell).
        spaces.spaces.releaseLabels()
        layers.addHubs(spaces.hubs, lang: lang)

        ProcessMemory.releaseFreeHeap()
        progress("buffer zones")
        let buffers = BufferZoneStage.run(input, network: networks.masks.network, sink: writer)
        try layers.addBufferZones(buffers.map, townName: { buffers.townNames[Int($0) - 1] })

        let green = SchemeJob.greenNetwork(spaces: spaces, corridors: networks.masks.corridors, buffers: buffers)
        writer.write(green, to: NetworkInput.greenMaskName, description: "green network of the itineraries: 1 in nature spaces, corridors and buffer zones",
                     categories: [0: "", 1: "green network"], colours: [1: (60, 160, 80)])
        let pathNetwork = try loadPathNetwork(input, needed: !spaces.hubs.isEmpty || !project.namedItineraries.isEmpty)
        let itineraries = try itineraries(input, spaces: spaces, green: green, loaded: pathNetwork)
        if let itineraries {
            layers.addItineraries(itineraries.routes.map { ($0.name, $0.hubA, $0.hubB, $0.route) }, mode: itineraries.mode)
            tally.addLength(itineraries.routes.map(\.route.line), to: \.itineraryKm, scale: 0.001)
        }
        let named = try namedItineraries(input, lines: courses, loaded: pathNetwork, hubs: spaces.hubs, green: green, layers: layers, dir: dir)
        if let named {
            layers.addNamedItineraries(named.figures, proposals: named.proposals, gpx: named.gpx)
            tally.addLength(named.figures.flatMap(\.parts), to: \.namedItineraryKm, scale: 0.001)
            for sub in project.subNetworks {
                tally.addSharedLength(sub.name, lines: named.figures.flatMap { $0.shared.filter { $0.subNetwork == sub.name }.flatMap(\.lines) })
            }
        }
        let conflicts = ConflictStage.rank(networks.conflicts)
        layers.addConflicts(conflicts, lang: lang)
        tally.addConflicts(conflicts.map(\.point))

        progress("figures per unit")
        tally.addCells(valid: SchemeJob.valid(lc), typology: spaces.spaces.typology.values, corridorAny: networks.masks.corridors, buffer: buffers.map.labels.values)
        if !project.management.isEmpty {
            progress("differentiated management")
            let regimes = try layers.addManagement(project.management, subNetworks: project.subNetworks, nomenclature: input.nomenclature, lang: lang, spec: input.spec)
            tally.addManagement(regimes, regimes: project.management.count, cellHa: input.spec.cellArea / 10_000)
        }
        layers.addUnits(input.units.map { ($0.level, $0.layer) }, figures: tally.units, subNetworks: project.subNetworks)

        var result = assemble(input, networks: networks, spaces: spaces, buffers: buffers, itineraries: itineraries, conflicts: conflicts, units: tally.units)
        result.management = project.management
        if let named {
            result.namedItineraries = named.figures; result.itineraryProposals = named.proposals
            result.serveDistance = project.itineraries?.serveDistance ?? 0
        }
        progress("maps")
        let mapInput = SchemeMaps.Input(project: project, lang: lang, landCover: lc, builtUp: input.builtUp, typology: spaces.spaces.typology.values,
                                        reservoirBits: networks.masks.reservoirs, corridorBits: networks.masks.corridors,
                                        pinchCells: networks.masks.pinchPoints, bufferLabels: buffers.map.labels.values,
                                        layers: layers, infra: input.infrastructure, paths: input.pathLines,
                                        itineraries: itineraries?.routes.map(\.route.line) ?? [], hubs: spaces.hubs.map { ($0.point, $0.name, $0.stake) },
                                        units: input.units.map { ($0.level, $0.layer) }, result: result)
        try SchemeMaps(input: mapInput).write(into: dir)
        if !project.management.isEmpty {
            try ManagementMap.write(layers, regimes: project.management, title: project.title, extent: input.spec.extent, lang: lang,
                                    to: (dir as NSString).appendingPathComponent("map_management.png"))
        }
        progress("finishing the rasters (COG)")
        try writer.finish()
        // The GeoPackage last: its QGIS project styles the rasters by their values.
        try publishTables(result, layers: layers, rasters: writer.styles, extent: input.spec.extent, into: dir)
        return result
    }

    /// What the sub-networks leave once their grids are freed.
    public struct SubNetworks {
        var masks: NetworkMasks
        var summaries: [SchemeResult.SubNetworkSummary] = []
        var conflicts: [(subNetwork: String, point: ConflictPoint)] = []
        var pinchPoints: [(subNetwork: String, link: Int, from: Int32, to: Int32, areaHa: Double, maxCurrent: Double, dPC: Double)] = []
        var hydrography: SchemeResult.HydrographySummary? = nil
    }

    /// Every sub-network, one at a time (each frees its grids before the next): analysis, masks, figures,
    /// pinch points, conflict points and layers.
    public func analyseSubNetworks(_ input: SchemeInput, sink: RasterWriter, layers: inout Layers, tally: inout FigureTally) throws -> SubNetworks {
        let p = project
        guard p.subNetworks.count <= 16 else { throw ProjectError(p.file, "at most 16 sub-networks are supported") }
        var out = SubNetworks(masks: NetworkMasks(count: input.spec.count, subNetworks: p.subNetworks.count))
        for s in p.subNetworks.indices {
            // The previous sub-network's grids are freed: what malloc keeps of them goes back too.
            ProcessMemory.releaseFreeHeap()
            var a = try model.analyse(s, of: input, sink: sink, progress: progress)
            let sub = a.sub
            if let corridors = a.corridors {
                sink.write(corridors.value, to: "rasters/\(sub.name)_corridors.tif",
                           description: a.watercourse != nil ? "riparian strip (\(sub.name)), m from the watercourse's axis"
                                                             : "normalised corridor cost (\(sub.name)), cost units above the least-cost path")
            }
            // The corridor mask (a byte a cell) goes once counted: not held through pinch points and layers.
            var corridorCells = 0
            do {
                let corridorMask = out.masks.add(a)
                SubNetworkFigures.add(a, corridorMask: corridorMask, to: &tally)
                corridorCells = corridorMask.reduce(0) { $0 + Int($1) }
            }
            // The corridors' values go with their raster (the writer holds them until written): only their
            // link ids are read from here on.
            a.corridors?.releaseValues()
            if let w = a.watercourse, out.hydrography == nil {
                // The hydrography's figures, once (every watercourse sub-network has the same watercourses).
                out.hydrography = SchemeResult.HydrographySummary(sub.name, w)
                out.hydrography?.riparianStripM = project.hydrography?.riparianStrip ?? 0
                let net = w.network
                tally.addHydrography(watercourse: input.hydrography?.watercourses.map(\.line) ?? [],
                                     continuity: net.pieces.filter { net.inGoodContinuity(net.stretches[Int($0.stretch) - 1], minReach: w.settings.goodContinuity) }.map(\.line),
                                     obstacles: net.obstacles.map(\.at))
            }
            try pinchPoints(a, sink: sink, layers: &layers, into: &out)
            let conflicts = a.watercourse != nil ? WatercourseConflicts.find(a, input: input) : ConflictStage.find(a, input: input)
            out.conflicts += conflicts.map { (sub.name, $0) }

            progress("\(sub.name): layers")
            let invOfPatch = SubNetworkFigures.inventoriesOfReservoirs(a, inventoryBits: input.inventoryBits)
            try layers.addReservoirs(a.patches, sub: sub, metrics: a.metrics, inventories: { input.inventoryNames(invOfPatch[Int($0)]) })
            layers.addLinks(a.links, sub: sub, metrics: a.metrics, decay: a.decay, functional: Set(a.functional.map(\.offset)))
            if let corridors = a.corridors, let w = a.watercourse {
                try layers.addStretchCorridors(corridors, network: w.network, width: w.settings.riparianStrip, sub: sub, metrics: a.metrics,
                                               landCover: input.landCover, label: input.label)
            } else if let corridors = a.corridors {
                try layers.addCorridors(corridors, links: a.functional, sub: sub, metrics: a.metrics, landCover: input.landCover, label: input.label)
            }
            out.summaries.append(SubNetworkFigures.summary(a, corridorCells: corridorCells, conflicts: conflicts.count,
                                                           cellArea: input.spec.cellArea, reservoirInventories: { input.inventoryNames(invOfPatch[Int($0)]) }))
        }
        return out
    }

    /// Pinch points: current flow through each corridor between its two reservoirs (Linkage Mapper's
    /// Pinchpoint Mapper), for the most important links; the narrowest, most-used stretches.
    public func pinchPoints(_ a: SubNetworkAnalysis, sink: RasterWriter, layers: inout Layers, into out: inout SubNetworks) throws {
        // No pinch points along a riparian strip (a few cells wide: current through it says nothing more).
        guard let corridors = a.corridors, project.pinchPointLinks > 0, a.watercourse == nil else { return }
        let sub = a.sub, functional = a.functional
        progress("\(sub.name): current flow through the corridors (pinch points)")
        let pinch = try PinchPoints.compute(corridors: corridors, links: functional.map(\.element), linkIDs: functional.map { $0.offset + 1 },
                                            dPC: functional.map { a.metrics.linkDPC[$0.offset] }, labels: a.patches.labels, resistance: a.resistance,
                                            maxLinks: project.pinchPointLinks)
        sink.write(pinch.current, to: "rasters/\(sub.name)_current.tif",
                   description: "current through the corridors between their reservoirs (\(sub.name)), A per cell")
        try layers.addPinchPoints(pinch, sub: sub)
        out.masks.addPinchPoints(a.index, cells: pinch.groupCells.map(\.cell))
        let cellArea = a.resistance.spec.cellArea
        out.pinchPoints += pinch.points.map { (sub.name, $0.link, $0.from, $0.to, Double($0.cells) * cellArea / 10_000, $0.maxCurrent, $0.dPC) }
    }

    /// Itineraries between the leisure hubs, preferring the green network (nature spaces, corridors, buffer zones).
    public func itineraries(_ input: SchemeInput, spaces: NatureSpaces, green: Grid<UInt8>, loaded: LoadedNetwork?) throws -> ItineraryNetwork? {
        let p = project
        guard let it = p.itineraries, let loaded, !spaces.hubs.isEmpty else { return nil }
        progress("itineraries between the leisure hubs")
        let outside = GreenShare.outsideFraction(loaded.network, mask: green)
        return try ItineraryStage.run(it, network: loaded.network, outside: outside, hubs: spaces.hubs, networkFile: it.network.file)
    }

    /// Whether each cell holds data; made where a tally needs it rather than held through the run (a byte a cell).
    static func valid(_ lc: ClassGrid) -> [Bool] {
        var valid = [Bool](repeating: false, count: lc.count)
        for i in 0..<valid.count { valid[i] = !lc.isNoData(lc[i]) }
        return valid
    }

    /// The green network the itineraries prefer: 1 where a cell is in a nature space, a corridor or a buffer zone.
    static func greenNetwork(spaces: NatureSpaces, corridors: CellBits, buffers: BufferZones) -> Grid<UInt8> {
        let typology = spaces.spaces.typology.values, buffer = buffers.map.labels.values
        var g = [UInt8](repeating: 0, count: typology.count)
        for i in g.indices where typology[i] != 0 || !corridors.isEmpty(at: i) || buffer[i] != 0 { g[i] = 1 }
        return Grid(spec: spaces.spaces.typology.spec, values: g, noData: nil)
    }

    /// The scheme's figures, assembled once from the stages' results, for the report, the tables and the console.
    public func assemble(_ input: SchemeInput, networks: SubNetworks, spaces: NatureSpaces, buffers: BufferZones, itineraries: ItineraryNetwork?,
                  conflicts: [SchemeResult.Conflict], units: [UnitFigures]) -> SchemeResult {
        let p = project
        var r = SchemeResult(title: p.title, name: p.name, crs: input.crsLabel, cellSize: abs(input.spec.transform.pixelWidth))
        r.referenceShare = p.referenceShare
        r.referenceLabel = p.referenceLabel(in: lang)
        r.partners = p.inventories.enumerated().map { k, inv in
            SchemeResult.Partner(partner: inv.partner, inventory: inv.name, interest: inv.interest, sites: input.inventoryLayers[k].features.count, file: inv.source.label)
        }
        r.subNetworks = networks.summaries
        r.pinchPoints = networks.pinchPoints
        r.majorSpaces = spaces.majorSpaces
        r.mixedSpaces = spaces.mixedSpaces
        r.leisureHubs = spaces.hubs.map { ($0.name, $0.space?.typology, $0.stake) }
        r.urbanBreaks = buffers.urbanBreaks
        r.networkFrames = buffers.networkFrames
        r.northSouthBreaks = buffers.northSouthBreaks
        if let itineraries {
            r.unreachableHubs = itineraries.unreachable
            r.itineraries = itineraries.routes.map { ($0.hubA, $0.hubB, $0.route.length, $0.route.greenShare) }
            r.itineraryMode = itineraries.mode.rawValue
        }
        r.conflicts = conflicts
        r.units = units
        r.unitLevels = p.unitLevels
        r.hydrography = networks.hydrography
        // Paths as seen from the output folder ("../project.toml"): partners' documents do not carry the
        // machine's folders, and the scheme still finds its project when the two folders move together.
        r.parameters = SchemeJob.parameters(p, input: input).map { ["project", "land_cover"].contains($0.0) ? ($0.0, SchemeJob.relative($0.1, from: out)) : $0 }
        r.frictionColumns = input.friction.columns
        r.frictionRows = input.friction.rows.map { ($0.code, input.label(Int32($0.code)), $0.values) }
        r.inputs = SchemeJob.inputFiles(p).map { (SchemeJob.relative($0, from: out), SchemeInputs.sha256($0)) }
        r.sources = SchemeJob.sources(p, counts: input.featureCounts, lang: lang)
        r.readableParameters = RunParameters.readable(p, cellSize: r.cellSize, crs: input.crsLabel, naturalClasses: input.natureClassCodes, words: Words(lang),
                                                      files: (SchemeJob.relative(p.file, from: out), SchemeJob.relative(p.landCover, from: out)))
        return r
    }

    /// The data sources table: the project file, the land cover and its tables, then every layer, each with
    /// its file relative to the project's folder and its checksum (computed once per file).
    public static func sources(_ p: Project, counts: [LayerSource: Int], lang: String) -> [SchemeResult.Source] {
        var sums: [String: String] = [:]
        func sha(_ file: String) -> String {
            let f = file.hasPrefix("/vsizip/") ? String(file.dropFirst(8)) : file
            if let s = sums[f] { return s }
            let s = SchemeInputs.sha256(f); sums[f] = s; return s
        }
        func rel(_ file: String) -> String { SchemeJob.relative(file, from: p.directory) }
        var out: [SchemeResult.Source] = [
            .init(role: .roleProject, file: rel(p.file), sha256: sha(p.file)),
            .init(role: .roleLandCover, file: rel(p.landCover), origin: p.landCoverOrigin, sha256: sha(p.landCover)),
            .init(role: .roleNomenclature, file: rel(p.nomenclature), sha256: sha(p.nomenclature)),
            .init(role: .roleFriction, file: rel(p.friction), sha256: sha(p.friction)),
        ]
        func add(_ role: Term, _ src: LayerSource?, detail: String? = nil, producer: String? = nil) {
            guard let src else { return }
            var origin = src.origin
            if origin.producer == nil { origin.producer = producer }
            // The same layer named twice (paths for the conflicts and for the itineraries) was read once.
            let features = counts[src] ?? counts.first { $0.key.file == src.file && $0.key.layer == src.layer && $0.key.filter == src.filter }?.value
            out.append(.init(role: role, detail: detail, file: rel(src.file), layer: src.layer, features: features, origin: origin, sha256: sha(src.file)))
        }
        add(.roleBoundary, p.boundary)
        for inv in p.inventories { add(.roleInventory, inv.source, detail: inv.name, producer: inv.partner) }
        add(.roleRoads, p.roads); add(.roleRailways, p.railways); add(.rolePaths, p.paths)
        for level in p.unitLevels { add(.roleUnits, level.source, detail: level.label(lang)) }
        add(.roleHubs, p.leisureHubs)
        add(.roleNetwork, p.itineraries?.network)
        add(.roleWatercourses, p.hydrography?.watercourses); add(.roleObstacles, p.hydrography?.obstacles)
        return out
    }

    /// The run's parameters, as the `run_parameters` table and the GeoPackage metadata give them
    /// (TrameScheme's `RunParameters`, from the project keys' table).
    /// `file` relative to the folder `dir` ("../project.toml", "data/lc.tif"); a GDAL virtual path
    /// (/vsizip/…) keeps only its file name.
    public static func relative(_ file: String, from dir: String) -> String {
        if file.hasPrefix("/vsi") { return (file as NSString).lastPathComponent }
        let cwd = FileManager.default.currentDirectoryPath
        func parts(_ p: String) -> [String] {
            let abs = p.hasPrefix("/") ? p : (cwd as NSString).appendingPathComponent(p)
            return (abs as NSString).standardizingPath.split(separator: "/").map(String.init)
        }
        let f = parts(file), d = parts(dir)
        var common = 0
        while common < min(f.count, d.count) && f[common] == d[common] { common += 1 }
        let up = Array(repeating: "..", count: d.count - common)
        let rel = (up + f[common...]).joined(separator: "/")
        return rel.isEmpty ? "." : rel
    }

    public static func parameters(_ p: Project, input: SchemeInput) -> [(String, String)] {
        RunParameters.rows(p, cellSize: abs(input.spec.transform.pixelWidth), crs: input.crsLabel, naturalClasses: input.natureClassCodes)
    }

    /// scheme.gpkg (layers, styles, the figures and run_parameters tables, metadata, the QGIS project of
    /// the layers and `rasters`, opening on `extent`) and figures.csv.
    public func publishTables(_ result: SchemeResult, layers: Layers, rasters: [RasterStyle] = [],
                              extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)? = nil, into dir: String) throws {
        progress("writing scheme.gpkg")
        var metadata: [String: String] = ["TRAME_VERSION": TrameVersion.current, "TRAME_PROJECT": project.name,
                                          "TRAME_RUN": ISO8601DateFormatter().string(from: Date())]
        for (k, v) in result.parameters { metadata["TRAME_PARAM_\(k.uppercased())"] = v }
        for (k, i) in result.inputs.enumerated() { metadata["TRAME_INPUT_\(k + 1)"] = "\(i.file) sha256:\(i.sha256)" }
        let figureTable = SchemeFigures.table(result)
        var projects: [GeoPackageProject] = []
        if let extent {
            let qgis = QGISProject.scheme(title: "\(project.title) — \(Words(lang).scheme)", lang: lang, subNetworks: project.subNetworks,
                                          levels: project.unitLevels, layers: layers, extent: extent, rasters: rasters)
            projects.append(try qgis.stored(as: SchemeJob.qgisProjectName))
        }
        try VectorIO.write(layers.all, to: (dir as NSString).appendingPathComponent("scheme.gpkg"),
                           styles: SchemeStyles.styles(project.subNetworks, levels: project.unitLevels, lang: lang),
                           tables: [figureTable, SchemeFigures.parameterTable(result, words: Words(lang))], metadata: metadata, projects: projects)
        try SchemeFigures.writeCSV(result, to: (dir as NSString).appendingPathComponent("figures.csv"))
    }
}

/// Writes rasters as Cloud-Optimized GeoTIFFs on a background queue while the run goes on; `name` is
/// the path inside `folder`. With a styler, each raster also gets its QGIS style: `NAME.qml` beside it, and
/// in `styles` for the QGIS project.
///
/// At most `inFlight` writes are pending (the one running and those waiting): a stage that hands another
/// raster waits until one is done, so grids do not pile up in memory while the next sub-network computes.
public final class RasterWriter: RasterSink, @unchecked Sendable {
    /// Writes pending at most (running and waiting). One: each pending grid holds 4 bytes a cell, and with
    /// DEFLATE at level 1 a write rarely makes the next stage wait (large sample: 45.7 → 42.5 B/cell at the
    /// peak, 144 → 136 s).
    public static let inFlight = 1
    private let slots = DispatchSemaphore(value: RasterWriter.inFlight)
    public let folder: String
    public let styler: RasterStyler?
    /// The styles of the rasters written so far, in the order written (read after `finish`).
    public private(set) var styles: [RasterStyle] = []
    public let queue = DispatchQueue(label: "trame.raster-writer")
    public let group = DispatchGroup()
    public let lock = NSLock()
    public var failure: Error?
    /// Set when the run fails: writes not yet started are skipped.
    var cancelled = false

    public init(folder: String, styler: RasterStyler? = nil) { self.folder = folder; self.styler = styler }

    /// Skips the writes not yet started and waits for the one running (after a failure, or at the end).
    public func drain() {
        lock.lock(); cancelled = true; lock.unlock()
        group.wait()
    }

    public func write<T: GridScalar>(_ grid: Grid<T>, to name: String, description: String,
                              categories: [Int: String], colours: [Int: (UInt8, UInt8, UInt8)]) {
        let path = (folder as NSString).appendingPathComponent(name)
        slots.wait()
        queue.async(group: group) {
            defer { self.slots.signal() }
            self.lock.lock(); let skip = self.cancelled; self.lock.unlock()
            if skip { return }
            do {
                try RasterIO.write(grid, to: path, format: .cog, bandDescription: description, categories: categories, colours: colours)
                if let styler = self.styler {
                    let style = styler.style(grid, file: name, description: description, categories: categories, colours: colours)
                    try AtomicOutput.write(to: (path as NSString).deletingPathExtension + ".qml") {
                        try Data(style.qml.utf8).write(to: URL(fileURLWithPath: $0))
                    }
                    self.lock.lock(); self.styles.append(style); self.lock.unlock()
                }
            } catch {
                self.lock.lock(); if self.failure == nil { self.failure = error }; self.lock.unlock()
            }
        }
    }

    public func finish() throws {
        group.wait()
        if let failure { throw failure }
    }
}
