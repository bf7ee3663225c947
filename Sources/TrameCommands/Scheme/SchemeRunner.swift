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
struct SchemeRunner {
    let project: Project
    let out: String
    let lang: String
    let progress: Progress
    var warn: (String) -> Void = { FileHandle.standardError.write(Data("trame: warning: \($0)\n".utf8)) }

    /// Layers and grids gathered while building; turned into outputs at the end.
    struct Built {
        var layers: [VectorLayer] = []
        var result: SchemeResult
        var links: [[Point]] = []
        var linkColours: [Int] = []
    }

    func run() throws -> SchemeResult {
        let t0 = Date()
        // OUT is new, empty or an earlier scheme, and holds none of the inputs; checked before anything is read.
        let folder = try OutputFolder.check(out, command: "run", version: Trame.configuration.version, inputs: SchemeRunner.inputFiles(project))
        return try folder.replace { building in
            var result = try build(into: building)
            result.seconds = Date().timeIntervalSince(t0)
            try SchemeReport(result: result, lang: lang, folder: building).write()
            return result
        }
    }

    /// The files a run reads: the project file, land cover, tables and every layer's file.
    static func inputFiles(_ p: Project) -> [String] {
        var files = [p.file, p.landCover, p.nomenclature, p.friction]
        for src in [p.roads, p.railways, p.paths, p.communes, p.groupings, p.leisureHubs, p.itineraries?.network].compactMap({ $0 }) + p.inventories.map(\.source) {
            files.append(src.file.hasPrefix("/vsizip/") ? String(src.file.dropFirst(8)) : src.file)
        }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    // MARK: - Building

    func build(into dir: String) throws -> SchemeResult {
        let p = project
        // Land cover, nomenclature, friction.
        progress.step("reading the land cover")
        let lc = try Inputs.landCover(p.landCover)
        try Inputs.requireProjected(lc.spec, p.landCover)
        let spec = lc.spec
        let crs = SpatialReference.fromWKT(spec.crsWKT)!
        if let want = p.crs {
            let expected = try SpatialReference(definition: want)
            guard expected.isSame(as: crs) else {
                throw GeodataError(p.landCover, "is in \(crs.label) but the project says \(want); reproject it (gdalwarp -t_srs \(want)) or fix [territory] crs")
            }
        }
        let cell = abs(spec.transform.pixelWidth)
        guard Ranges.resolution.contains(cell) else {
            throw GeodataError(p.landCover, "has \(fmt(cell)) m cells, out of range: \(Ranges.resolution.text)")
        }
        if let r = p.resolution, abs(r - cell) > 1e-6 * r {
            throw GeodataError(p.landCover, "has \(fmt(cell)) m cells but the project says resolution = \"\(fmt(r)) m\"")
        }
        let nomenclature = try SchemeInputs.nomenclature(p.nomenclature)
        let histogram = SchemeInputs.histogram(lc)
        let missing = histogram.keys.filter { nomenclature[Int($0)] == nil }.sorted()
        if !missing.isEmpty {
            throw GeodataError(p.nomenclature, "lacks class\(missing.count > 1 ? "es" : "") \(missing.map { "\($0) (\(histogram[$0]!) cells)" }.joined(separator: ", ")) found in \(p.landCover)")
        }
        let table = try Inputs.frictionTable(p.friction)
        let frictionCodes = Set(table.rows.map(\.code))
        let noFriction = histogram.keys.filter { !frictionCodes.contains(Int($0)) }.sorted()
        if !noFriction.isEmpty {
            throw GeodataError(p.friction, "has no row for class\(noFriction.count > 1 ? "es" : "") \(noFriction.map(String.init).joined(separator: ", ")) found in \(p.landCover)")
        }
        for s in p.subNetworks {
            guard table.columns.contains(s.frictionColumn) else {
                throw GeodataError(p.friction, "has no column '\(s.frictionColumn)' for sub-network '\(s.name)' (columns: \(table.columns.joined(separator: ", ")))")
            }
            for c in s.habitat + s.supporting where nomenclature[c] == nil {
                throw ProjectError(p.file, line: s.line, "sub-network '\(s.name)' names class \(c), which \((p.nomenclature as NSString).lastPathComponent) does not define")
            }
        }
        for c in p.builtUp + p.bufferZones.openLand + (p.natureClasses ?? []) where nomenclature[c] == nil {
            throw ProjectError(p.file, "class \(c) is not in \((p.nomenclature as NSString).lastPathComponent)")
        }
        func label(_ code: Int32) -> String {
            guard let e = nomenclature[Int(code)] else { return "class \(code)" }
            return lang == "fr" ? e.labelFr : e.label
        }

        // Vector inputs, in the land cover's CRS.
        progress.step("reading the layers")
        let ext = spec.extent
        func read(_ src: LayerSource?, _ role: String) throws -> VectorLayer? {
            try src.map { try SchemeInputs.layer($0, role: role, crsWKT: spec.crsWKT, extent: ext, warn: warn) }
        }
        var inventoryLayers: [VectorLayer] = []
        for inv in p.inventories { inventoryLayers.append(try read(inv.source, "inventory '\(inv.name)'")!) }
        guard p.inventories.count <= 32 else { throw ProjectError(p.file, "at most 32 inventories are supported; \(p.inventories.count) are listed") }
        let roads = try read(p.roads, "roads"), railways = try read(p.railways, "railways")
        let communes = try read(p.communes, "communes"), groupings = try read(p.groupings, "groupings")
        let hubs = try read(p.leisureHubs, "leisure hubs")
        let paths = try read(p.paths, "paths")
        let pathLines = try paths.map { l in try SchemeInputs.lines(l, file: p.paths!.file).map(\.1) } ?? []

        var result = SchemeResult(title: p.title, name: p.name, crs: crs.label, cellSize: cell)
        result.referenceShare = p.referenceShare
        result.referenceLabel = p.referenceLabel
        let n = spec.count

        // Inventories as bits per cell.
        progress.step("rasterising \(p.inventories.count) inventories")
        var invBits = [UInt32](repeating: 0, count: n)
        var majorInvMask: UInt32 = 0
        for (k, inv) in p.inventories.enumerated() {
            let g = try Rasterizer.rasterize(inventoryLayers[k], onto: spec, as: UInt8.self, burn: .value(1), fill: 0)
            let bit = UInt32(1) << UInt32(k)
            var cells = 0
            for i in 0..<n where g.values[i] != 0 { invBits[i] |= bit; cells += 1 }
            if cells == 0 { warn("\(inv.source.label): inventory '\(inv.name)' covers no cell of the land cover") }
            if inv.interest == .major { majorInvMask |= bit }
            result.partners.append(.init(partner: inv.partner, inventory: inv.name, interest: inv.interest,
                                         sites: inventoryLayers[k].features.count, file: inv.source.label))
        }

        // Units: communes and groupings as unit grids.
        func unitGrid(_ l: VectorLayer?, _ src: LayerSource?, level: String) throws -> (level: String, grid: [Int32], names: [String], layer: VectorLayer)? {
            guard var l, let src else { return nil }
            guard l.fields.contains(where: { $0.name == p.unitNameField }) else {
                throw GeodataError(src.file, "\(level) layer '\(l.name)' has no field '\(p.unitNameField)' ([units] name_field)")
            }
            let names = l.features.enumerated().map { k, f in f[p.unitNameField].stringValue ?? "\(level) \(k + 1)" }
            l.fields.append(FieldDefinition("trame_unit", .integer))
            for k in l.features.indices { l.features[k].attributes["trame_unit"] = .integer(k + 1) }
            let g = try Rasterizer.rasterize(l, onto: spec, as: Int32.self, burn: .attribute("trame_unit"), fill: 0)
            return (level, g.values, names, l)
        }
        progress.step("rasterising the units")
        let levels = [try unitGrid(communes, p.communes, level: "commune"), try unitGrid(groupings, p.groupings, level: "grouping")].compactMap { $0 }
        var tally = FigureTally(spec: spec, territoryName: p.name, levels: levels.map { ($0.level, $0.grid, $0.names) }, subNetworks: p.subNetworks.count)

        // Infrastructure lines.
        var infra: [InfrastructureLine] = []
        if let roads, let src = p.roads {
            for (f, pts) in try SchemeInputs.lines(roads, file: src.file) {
                infra.append(InfrastructureLine(kind: "road", cls: f[p.roadClassField].stringValue ?? "road",
                                                name: f["ref"].stringValue ?? f["name"].stringValue ?? "", line: pts))
            }
        }
        if let railways, let src = p.railways {
            for (f, pts) in try SchemeInputs.lines(railways, file: src.file) {
                infra.append(InfrastructureLine(kind: "railway", cls: f["class"].stringValue ?? "railway", name: f["name"].stringValue ?? "", line: pts))
            }
        }
        tally.addLength(infra.filter { $0.kind == "road" }.map(\.line), to: \.roadKm, scale: 0.001)

        // Sub-networks, one at a time (each frees its grids before the next).
        var reservoirBits = [UInt16](repeating: 0, count: n)
        var corridorBits = [UInt16](repeating: 0, count: n)
        guard p.subNetworks.count <= 16 else { throw ProjectError(p.file, "at most 16 sub-networks are supported") }
        var layers = Layers(crsWKT: spec.crsWKT)
        var allConflicts: [(String, ConflictPoint)] = []
        var pinchBits = [UInt16](repeating: 0, count: spec.count)
        let netDir = (dir as NSString).appendingPathComponent("rasters")
        try FileManager.default.createDirectory(atPath: netDir, withIntermediateDirectories: true)
        let areaHa = Double(lc.dataCount) * spec.cellArea / 10_000
        let builtUp = ClassSet(p.builtUp)
        let writer = RasterWriter()
        // A corridor is cut by built-up land from half a hectare of it on (a few houses do not cut it).
        let builtConflictCells = max(2, Int((0.5 / (spec.cellArea / 10_000)).rounded(.up)))
        for (s, sub) in p.subNetworks.enumerated() {
            let bit = UInt16(1) << UInt16(s)
            progress.step("\(sub.name): resistance and reservoirs")
            let res = try table.resistance(for: lc, column: sub.frictionColumn)
            var invMask: UInt32 = 0
            for name in sub.inventories { invMask |= UInt32(1) << UInt32(p.inventories.firstIndex { $0.name == name }!) }
            var invGrid: Grid<UInt8>? = nil
            if invMask != 0 {
                var g = [UInt8](repeating: 0, count: n)
                for i in 0..<n where invBits[i] & invMask != 0 { g[i] = 1 }
                invGrid = Grid(spec: spec, values: g, noData: nil)
            }
            let patches: PatchSet
            do {
                patches = try PatchFinder.find(landCover: lc, habitat: Set(sub.habitat.map(Int32.init)), minAreaHa: sub.minReservoirHa, inventory: invGrid)
            } catch is CostError {
                throw ProjectError(p.file, line: sub.line, "sub-network '\(sub.name)' has no habitat: none of the classes \(sub.habitat.map(String.init).joined(separator: ", ")) occurs in \((p.landCover as NSString).lastPathComponent) and no inventory site is given to it")
            }
            invGrid = nil
            guard !patches.patches.isEmpty else {
                throw ProjectError(p.file, line: sub.line, "sub-network '\(sub.name)': no habitat patch reaches \(fmt(sub.minReservoirHa)) ha (min_reservoir_area)")
            }
            writer.write(res, to: (netDir as NSString).appendingPathComponent("\(sub.name)_resistance.tif"), description: "resistance (\(sub.name)), cost units per metre")
            progress.step("\(sub.name): \(patches.patches.count) reservoirs; least-cost links")
            var links: [PatchLink] = []
            var surface: CostSurface? = nil
            if patches.patches.count > 1 {
                (links, surface) = try LinkBuilder.linksAndSurface(resistance: res, patches: patches, topology: .planar)
            } else {
                surface = try CostDistance.compute(resistance: res, sources: LinkBuilder.sources(patches).filter { res.values[$0.cell] > 0 }, backLinks: false)
            }
            if let surface {
                let costGrid = surface.cost.map(noData: Float(-1)) { $0 < 0 ? Float(-1) : Float($0) }
                writer.write(costGrid, to: (netDir as NSString).appendingPathComponent("\(sub.name)_cost_distance.tif"), description: "cost distance to the nearest reservoir (\(sub.name)), cost units")
            }
            let functional = links.enumerated().filter { $0.element.cost <= sub.dispersalCost }
            progress.step("\(sub.name): \(links.count) links, \(functional.count) within \(fmt(sub.dispersalCost)) cost; corridors")
            var corridors: CorridorMap? = nil
            if !functional.isEmpty {
                let width: CorridorWidth = switch sub.corridorWidth { case .cost(let w): .cost(w); case .metres(let m): .metres(m) }
                corridors = try CorridorBuilder.corridors(resistance: res, patches: patches, links: functional.map(\.element), width: width,
                                                          nearestCost: surface?.cost.values)
            }
            surface = nil
            progress.step("\(sub.name): connectivity metrics")
            let graph = try LandscapeGraph(nodes: patches.patches.map { (String($0.id), $0.areaHa) },
                                           edges: links.map { (String($0.from), String($0.to), $0.cost) })
            let decay = try ExponentialDecay(distance: sub.dispersalCost, probability: sub.dispersalProbability)
            let metrics = try ConnectivityMetrics.compute(graph, decay: decay, landscapeArea: areaHa)

            // Masks and figures.
            var corridorMask = [UInt8](repeating: 0, count: n)
            if let corridors {
                writer.write(corridors.value, to: (netDir as NSString).appendingPathComponent("\(sub.name)_corridors.tif"), description: "normalised corridor cost (\(sub.name)), cost units above the least-cost path")
                for i in 0..<n where corridors.link.values[i] > 0 { corridorMask[i] = 1; corridorBits[i] |= bit }
            }
            for i in 0..<n where patches.labels.values[i] > 0 { reservoirBits[i] |= bit }
            let perUnit = tally.addSubNetwork(s, reservoirs: patches.labels.values, corridor: corridorMask)
            tally.addCorridorLength(s, lines: functional.map(\.element.line))
            let unitAreas = tally.units.map(\.areaHa)
            let local = UnitConnectivity.compute(nodes: patches.patches.count, edges: links.map { ($0.from, $0.to, $0.cost) },
                                                 alpha: decay.alpha, areas: perUnit, unitArea: unitAreas)
            for u in tally.units.indices { tally.units[u].pc[s] = local[u].pc; tally.units[u].ec[s] = local[u].ec }
            tally.units[0].pc[s] = metrics.global.PC
            tally.units[0].ec[s] = metrics.global.EC

            // Pinch points: current flow through each corridor between its two reservoirs (Linkage Mapper's
            // Pinchpoint Mapper), for the most important links; the narrowest, most-used stretches.
            if let corridors, p.pinchPointLinks > 0 {
                progress.step("\(sub.name): current flow through the corridors (pinch points)")
                let pinch = try PinchPoints.compute(corridors: corridors, links: functional.map(\.element), linkIDs: functional.map { $0.offset + 1 },
                                                    dPC: functional.map { metrics.linkDPC[$0.offset] }, labels: patches.labels, resistance: res,
                                                    maxLinks: p.pinchPointLinks)
                writer.write(pinch.current, to: (netDir as NSString).appendingPathComponent("\(sub.name)_current.tif"),
                             description: "current through the corridors between their reservoirs (\(sub.name)), A per cell")
                try layers.addPinchPoints(pinch, sub: sub)
                for i in 0..<n where pinch.groups.values[i] > 0 { pinchBits[i] |= bit }
                result.pinchPoints += pinch.points.map { (sub.name, $0.link, $0.from, $0.to, Double($0.cells) * spec.cellArea / 10_000, $0.maxCurrent, $0.dPC) }
            }

            // Conflict points of the corridors.
            let corridorLinks = functional.map { CorridorLink(id: $0.offset + 1, from: $0.element.from, to: $0.element.to, line: $0.element.line, dPC: metrics.linkDPC[$0.offset]) }
            let conflicts = corridors.map {
                ConflictFinder.find(links: corridorLinks, owner: $0.link.values, infrastructure: infra, landCover: lc, builtUp: builtUp,
                                    minBuiltCells: builtConflictCells, classLabel: label)
            } ?? []
            allConflicts += conflicts.map { (sub.name, $0) }

            // Layers.
            progress.step("\(sub.name): layers")
            let invNames: (UInt32) -> String = { bits in p.inventories.enumerated().filter { bits & (1 << UInt32($0.offset)) != 0 }.map(\.element.name).joined(separator: "; ") }
            var invOfPatch = [UInt32](repeating: 0, count: patches.patches.count + 1)
            for i in 0..<n where patches.labels.values[i] > 0 { invOfPatch[Int(patches.labels.values[i])] |= invBits[i] }
            try layers.addReservoirs(patches, sub: sub, metrics: metrics, inventories: { invNames(invOfPatch[Int($0)]) })
            layers.addLinks(links, sub: sub, metrics: metrics, functional: Set(functional.map(\.offset)))
            if let corridors {
                try layers.addCorridors(corridors, links: functional, sub: sub, metrics: metrics, landCover: lc, label: label)
            }
            var summary = SchemeResult.SubNetworkSummary(
                name: sub.name, label: sub.label, colour: sub.colour, reservoirs: patches.patches.count,
                reservoirHa: patches.patches.reduce(0) { $0 + $1.areaHa }, links: links.count, functionalLinks: functional.count,
                corridorHa: Double(corridorMask.reduce(0) { $0 + Int($1) }) * spec.cellArea / 10_000,
                corridorKm: functional.reduce(0) { $0 + $1.element.length } / 1000,
                pc: metrics.global.PC, ec: metrics.global.EC, components: metrics.global.NC, conflicts: conflicts.count,
                dispersalCost: sub.dispersalCost, dispersalProbability: sub.dispersalProbability, corridorWidth: sub.corridorWidth)
            summary.topReservoirs = patches.patches.indices.sorted { metrics.nodes[$0].dPC > metrics.nodes[$1].dPC }.prefix(5).map {
                (patches.patches[$0].id, patches.patches[$0].areaHa, metrics.nodes[$0].dPC, invNames(invOfPatch[Int(patches.patches[$0].id)]))
            }
            summary.topLinks = links.indices.sorted { metrics.linkDPC[$0] > metrics.linkDPC[$1] }.prefix(5).map {
                ($0 + 1, links[$0].from, links[$0].to, links[$0].cost, links[$0].length, metrics.linkDPC[$0])
            }
            result.subNetworks.append(summary)
        }

        // Nature spaces by typology.
        progress.step("nature spaces by typology")
        var major = [UInt8](repeating: 0, count: n)
        for i in 0..<n where reservoirBits[i] != 0 || invBits[i] & majorInvMask != 0 { major[i] = 1 }
        let natureClasses = ClassSet(p.natureClasses ?? nomenclature.values.filter(\.natural).map(\.code))
        let spaces = NatureSpaceMap(landCover: lc, natureClasses: natureClasses, major: major, mixedMinAreaHa: p.mixedMinAreaHa, inventories: invBits)
        major = []
        writer.write(spaces.typology, to: (dir as NSString).appendingPathComponent("rasters/nature_spaces.tif"),
                     description: "nature spaces: 1 major ecological interest, 2 mixed vocation",
                     categories: [0: "", 1: "major ecological interest", 2: "mixed vocation"],
                     colours: [1: (30, 110, 50), 2: (150, 205, 120)])
        result.majorSpaces = spaces.spaces.filter { $0.typology == .major }.count
        result.mixedSpaces = spaces.spaces.count - result.majorSpaces

        // Leisure hubs and the spaces that hold them.
        var hubSpace: [Int32: [String]] = [:]
        var hubPoints: [(Point, String, NatureSpace?)] = []
        if let hubs {
            for (k, f) in hubs.features.enumerated() {
                guard case .point(let pt) = f.geometry else { continue }
                let name = f[p.hubNameField].stringValue ?? "hub \(k + 1)"
                var space: NatureSpace? = nil
                if let c = spec.cell(x: pt.x, y: pt.y) {
                    let id = spaces.labels.values[spec.index(col: c.col, row: c.row)]
                    if id > 0 { space = spaces.spaces[Int(id) - 1]; hubSpace[id, default: []].append(name) }
                }
                hubPoints.append((pt, name, space))
            }
        }
        result.leisureHubs = hubPoints.map { ($0.1, $0.2?.typology) }
        tally.addPoints(hubPoints.map(\.0), to: \.leisureHubs)
        try layers.addNatureSpaces(spaces, inventories: p.inventories, hubs: hubSpace, label: label)
        layers.addHubs(hubPoints)

        // Buffer zones.
        progress.step("buffer zones")
        var network = [UInt8](repeating: 0, count: n)
        for i in 0..<n where reservoirBits[i] != 0 || corridorBits[i] != 0 { network[i] = 1 }
        let openLand = p.bufferZones.openLand.isEmpty
            ? ClassSet(nomenclature.keys.filter { !p.builtUp.contains($0) })
            : ClassSet(p.bufferZones.openLand)
        let buffers = BufferZoneMap(landCover: lc, builtUp: builtUp, openLand: openLand, network: network, rules: p.bufferZones)
        network = []
        writer.write(buffers.membership, to: (dir as NSString).appendingPathComponent("rasters/buffer_zones.tif"),
                     description: "buffer-zone membership, per cent (diffuse edge)")
        let townName: (Int32) -> String = { id in
            let t = buffers.towns[Int(id) - 1]
            if let c = spec.cell(x: t.centre.x, y: t.centre.y), let communes = levels.first(where: { $0.level == "commune" }) {
                let u = communes.grid[spec.index(col: c.col, row: c.row)]
                if u > 0 { return communes.names[Int(u) - 1] }
            }
            return "town \(id)"
        }
        try layers.addBufferZones(buffers, townName: townName)
        let breaks = buffers.zones.filter { $0.kind == .urbanBreak }, frames = buffers.zones.filter { $0.kind == .networkFrame }
        result.urbanBreaks = (breaks.count, breaks.reduce(0) { $0 + $1.areaHa })
        result.networkFrames = (frames.count, frames.reduce(0) { $0 + $1.areaHa })
        result.northSouthBreaks = breaks.filter { $0.opening == "north-south" }.count

        // Itineraries between the leisure hubs, preferring the green network.
        var itineraryLines: [(name: String, hubA: String, hubB: String, route: Route)] = []
        if let it = p.itineraries, !hubPoints.isEmpty {
            progress.step("itineraries between the leisure hubs")
            let loaded = try NetworkInput.load(it.network.file, layer: it.network.layer, snap: nil, profile: .standard,
                                               filter: it.network.filter, into: crs, joinCrossings: it.joinCrossings,
                                               extra: it.withRoads ? p.roads.map { [($0.file, $0.layer, p.roadClassField)] } ?? [] : [])
            let net = loaded.network
            let outside = NetworkInput.outsideFraction(net, spec: spec) { i in
                spaces.typology.values[i] != 0 || corridorBits[i] != 0 || buffers.labels.values[i] != 0
            }
            let mode = TravelMode(rawValue: it.mode) ?? .walk
            let router: Router
            do { router = try Router(network: net, mode: mode, outside: outside, preferGreen: it.preferGreen) } catch let e as RoutingError {
                throw GeodataError(it.network.file, e.description)
            }
            var names: [String] = [], positions: [EdgePosition] = []
            for (pt, name, _) in hubPoints {
                if let s = router.snap(pt, maxDistance: it.maxSnap) { names.append(name); positions.append(s) } else { result.unreachableHubs.append(name) }
            }
            if positions.count >= 2 {
                let hn = try router.hubNetwork(positions)
                result.unreachableHubs += hn.unreachable.map { names[$0] }
                for x in hn.itineraries {
                    itineraryLines.append(("\(names[x.from]) – \(names[x.to])", names[x.from], names[x.to], x.route))
                    result.itineraries.append((names[x.from], names[x.to], x.route.length, x.route.greenShare))
                }
            } else {
                result.unreachableHubs += names
            }
            result.itineraryMode = mode.rawValue
            layers.addItineraries(itineraryLines, mode: mode)
            tally.addLength(itineraryLines.map(\.route.line), to: \.itineraryKm, scale: 0.001)
        }

        // Conflict points, ranked by the importance of the link they cut.
        let ranked = allConflicts.sorted { ($0.1.dPC, $0.1.crossingLength) > ($1.1.dPC, $1.1.crossingLength) }
        result.conflicts = ranked.enumerated().map { SchemeResult.Conflict(subNetwork: $0.element.0, point: $0.element.1, rank: $0.offset + 1) }
        layers.addConflicts(result.conflicts)
        tally.addPoints(ranked.map(\.1.point), to: \.conflicts)

        // Figures per unit.
        progress.step("figures per unit")
        var valid = [Bool](repeating: false, count: n)
        for i in 0..<n { valid[i] = !lc.isNoData(lc.values[i]) }
        tally.addCells(valid: valid, typology: spaces.typology.values, corridorAny: corridorBits, buffer: buffers.labels.values)
        result.units = tally.units
        layers.addUnits(levels.map { ($0.level, $0.layer) }, figures: tally.units, subNetworks: p.subNetworks)

        // Maps.
        progress.step("maps")
        let mapInput = SchemeMaps.Input(project: p, lang: lang, landCover: lc, builtUp: builtUp, typology: spaces.typology.values,
                                        reservoirBits: reservoirBits, corridorBits: corridorBits, pinchBits: pinchBits, bufferLabels: buffers.labels.values,
                                        layers: layers, infra: infra, paths: pathLines, itineraries: itineraryLines.map(\.route.line),
                                        hubs: hubPoints.map { ($0.0, $0.1) },
                                        units: levels.map { ($0.level, $0.layer) }, result: result)
        try SchemeMaps(input: mapInput).write(into: dir)

        // GeoPackage and figures table.
        progress.step("writing scheme.gpkg")
        var parameters: [(String, String)] = [
            ("project", p.file), ("land_cover", p.landCover), ("cell_size", "\(fmt(cell)) m"), ("crs", crs.label),
            ("nature_classes", (p.natureClasses ?? nomenclature.values.filter(\.natural).map(\.code)).sorted().map(String.init).joined(separator: " ")),
            ("mixed_min_area", "\(fmt(p.mixedMinAreaHa)) ha"), ("built_up", p.builtUp.map(String.init).joined(separator: " ")),
            ("buffer_max_break_width", "\(fmt(p.bufferZones.maxBreakWidth)) m"), ("buffer_around_network", "\(fmt(p.bufferZones.aroundNetwork)) m"),
            ("buffer_min_town_area", "\(fmt(p.bufferZones.minTownHa)) ha"), ("buffer_min_area", "\(fmt(p.bufferZones.minAreaHa)) ha"),
            ("buffer_edge", "\(fmt(p.bufferZones.edge)) m"),
        ]
        for s in p.subNetworks {
            parameters.append(("subnetwork_\(s.name)", "habitat \(s.habitat.map(String.init).joined(separator: " ")); supporting \(s.supporting.map(String.init).joined(separator: " ")); friction column \(s.frictionColumn); min reservoir \(fmt(s.minReservoirHa)) ha; dispersal \(fmt(s.dispersalCost)) cost at p = \(s.dispersalProbability); corridor width \(s.corridorWidth)"))
        }
        result.parameters = parameters
        result.inputs = SchemeRunner.inputFiles(p).map { ($0, SchemeInputs.sha256($0)) }
        var metadata: [String: String] = ["TRAME_VERSION": Trame.configuration.version, "TRAME_PROJECT": p.name,
                                          "TRAME_RUN": ISO8601DateFormatter().string(from: Date())]
        for (k, v) in parameters { metadata["TRAME_PARAM_\(k.uppercased())"] = v }
        for (k, i) in result.inputs.enumerated() { metadata["TRAME_INPUT_\(k + 1)"] = "\(i.file) sha256:\(i.sha256)" }
        let figureTable = SchemeFigures.table(result)
        try VectorIO.write(layers.all, to: (dir as NSString).appendingPathComponent("scheme.gpkg"),
                           styles: SchemeStyles.styles(p.subNetworks, lang: lang),
                           tables: [figureTable, SchemeFigures.parameterTable(result)], metadata: metadata)
        try SchemeFigures.writeCSV(result, to: (dir as NSString).appendingPathComponent("figures.csv"))
        progress.step("finishing the rasters (COG)")
        try writer.finish()
        return result
    }
}

/// Writes rasters as Cloud-Optimized GeoTIFFs on a background queue while the run goes on.
final class RasterWriter: @unchecked Sendable {
    let queue = DispatchQueue(label: "trame.raster-writer")
    let group = DispatchGroup()
    let lock = NSLock()
    var failure: Error?

    func write<T: GridScalar>(_ grid: Grid<T>, to path: String, description: String,
                              categories: [Int: String] = [:], colours: [Int: (UInt8, UInt8, UInt8)] = [:]) {
        queue.async(group: group) {
            do {
                try RasterIO.write(grid, to: path, format: .cog, bandDescription: description, categories: categories, colours: colours)
            } catch {
                self.lock.lock(); if self.failure == nil { self.failure = error }; self.lock.unlock()
            }
        }
    }

    func finish() throws {
        group.wait()
        if let failure { throw failure }
    }
}
