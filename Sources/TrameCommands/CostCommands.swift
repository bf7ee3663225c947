import ArgumentParser
import Foundation
import TrameCost
import TrameGDAL
import TramePublish
import TrameRaster
import TrameScheme
import TrameVector

struct CostDistanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "costdistance",
        abstract: "Accumulated cost from the nearest source over a resistance raster (like GRASS r.cost).",
        discussion: """
        Moving between two adjacent cells costs the mean of their resistances × the step length in metres \
        (× √2 on diagonals); with --neighbours 16, knight's moves are added as GRASS r.cost -k does. Costs \
        are in resistance × metres (GRASS reports resistance × cell widths: multiply GRASS by the cell size). \
        Sources are 0; impassable and unreachable cells are NoData (−1) in every output.

        Outputs: cost (Float64), optional allocation (Int32: id of the nearest source) and direction \
        (UInt8 back-link: 1–4 N E S W, 5–8 NE SE SW NW, 9–16 knight's moves; the predecessor lies against it).

        Example:
          trame costdistance --resistance forest_resistance.tif --sources patches.tif -o cost.tif --allocation zones.tif
        """)

    @Option(help: "Resistance raster (NoData = impassable).") var resistance: String
    @Option(help: "Sources: a raster (non-zero cells, value = id) or a vector layer (points, lines or polygons; field 'id').") var sources: String
    @OptionGroup var neighbours: NeighbourOptions
    @Option(help: "Stop at this accumulated cost (cost units); cells beyond are NoData.") var maxCost: Double?
    @Option(name: .shortAndLong, help: "Output cost raster (GeoTIFF).") var output: String
    @Option(help: "Output allocation raster: id of the nearest source.") var allocation: String?
    @Option(help: "Output direction raster: back-link codes for tracing paths.") var direction: String?
    @Flag(help: "Write cloud-optimized GeoTIFFs.") var cog = false
    @Flag(help: .hidden) var timings = false
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let m = maxCost { try OptionRanges.number(m, option: "--max-cost", OptionRanges.maxCost) }
    }

    func run() throws {
        try Inputs.distinctOutputs([output, allocation, direction], inputs: [resistance, sources])
        let progress = Progress(quiet: common.quiet)
        var clock = StageClock(enabled: timings)
        let res = try Inputs.resistance(resistance)
        try Inputs.requireProjected(res.spec, resistance)
        clock.lap("read")
        let src = try Inputs.sources(sources, on: res, resistancePath: resistance)
        clock.lap("sources")
        progress.step("\(src.count) source cells; accumulating cost over \(res.count.formatted()) cells")
        var last = -1
        let surface = try CostDistance.compute(resistance: res, sources: src, neighbourhood: neighbours.neighbourhood, maxCost: maxCost,
                                               allocation: allocation != nil, backLinks: direction != nil) { f in
            let pct = Int(f * 100)
            if pct / 10 != last / 10 { last = pct; progress.step("\(pct) % of cells settled") }
        }
        clock.lap(direction != nil ? "search and back-links" : "search")
        progress.step("writing")
        let format: RasterIO.Format = cog ? .cog : .geotiff
        try RasterIO.write(surface.cost, to: output, format: format, bandDescription: "accumulated cost (resistance × m)")
        clock.lap("write cost")
        if let a = allocation, let g = surface.allocation {
            try RasterIO.write(g, to: a, format: format, bandDescription: "nearest source id")
            clock.lap("write allocation")
        }
        if let d = direction, var g = surface.backLink {
            for i in 0..<g.count where surface.cost.values[i] < 0 { g.values[i] = 255 }
            g.noData = 255
            try RasterIO.write(g, to: d, format: format, bandDescription: "back-link code")
            clock.lap("write direction")
        }
        if !common.quiet {
            var reached = 0, highest = 0.0
            for v in surface.cost.values where v >= 0 { reached += 1; highest = max(highest, v) }
            print("Cost distance written to \(output): \(reached.formatted()) cells reached, highest cost \(fmt(highest.rounded())) (resistance × m)")
        }
    }
}

/// Wall time of a command's stages, printed to standard error as `stage <name> <seconds> s` lines
/// (read by `trame bench costdistance`).
struct StageClock {
    let enabled: Bool
    private var start = Date()

    init(enabled: Bool) { self.enabled = enabled }

    mutating func lap(_ stage: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "stage %@ %.3f s\n", stage, now.timeIntervalSince(start)).utf8))
        start = now
    }
}

struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Least-cost path between two points, with its length (m) and cost.",
        discussion: """
        Example:
          trame path --resistance forest_resistance.tif --from 684000,7036500 --to 695000,7032000 -o path.gpkg
        """)

    @Option(help: "Resistance raster (NoData = impassable).") var resistance: String
    @Option(help: "Start point X,Y in the raster's CRS.") var from: String
    @Option(help: "End point X,Y in the raster's CRS.") var to: String
    @OptionGroup var neighbours: NeighbourOptions
    @Option(name: .shortAndLong, help: "Output line (GeoPackage or GeoJSON).") var output: String
    @OptionGroup var common: CommonOptions

    func run() throws {
        try Inputs.distinctOutputs([output], inputs: [resistance])
        let res = try Inputs.resistance(resistance)
        try Inputs.requireProjected(res.spec, resistance)
        let a = try Inputs.point(from), b = try Inputs.point(to)
        guard let ca = res.spec.cell(x: a.x, y: a.y) else { throw InputError("--from \(from) lies outside \(resistance)") }
        guard let cb = res.spec.cell(x: b.x, y: b.y) else { throw InputError("--to \(to) lies outside \(resistance)") }
        let start = res.spec.index(col: ca.col, row: ca.row), end = res.spec.index(col: cb.col, row: cb.row)
        guard !res.isNoData(res.values[start]) else { throw InputError("--from \(from) lies on an impassable cell of \(resistance)") }
        guard !res.isNoData(res.values[end]) else { throw InputError("--to \(to) lies on an impassable cell of \(resistance)") }
        let surface = try CostDistance.compute(resistance: res, sources: [CostSource(cell: start, id: 1)], neighbourhood: neighbours.neighbourhood)
        guard let p = surface.path(to: end) else { throw InputError("no path: --to \(to) cannot be reached from --from \(from) (impassable barrier)") }
        let layer = VectorLayer(name: "path", geometryKind: .lineString,
                                fields: [FieldDefinition("cost", .real), FieldDefinition("length_m", .real), FieldDefinition("cells", .integer)],
                                features: [Feature(geometry: .lineString(p.line.count > 1 ? p.line : p.line + p.line),
                                                   attributes: ["cost": .real(p.cost), "length_m": .real(p.length), "cells": .integer(p.cells.count)])],
                                crsWKT: res.spec.crsWKT)
        try VectorIO.write([layer], to: output, styles: ["path": QGISStyles.single(.line, (200, 30, 120), width: 0.8)])
        if !common.quiet { print("Least-cost path: \(fmt((p.length * 10).rounded() / 10)) m long, cost \(fmt((p.cost * 100).rounded() / 100)) (resistance × m), written to \(output)") }
    }
}

extension LinkTopology: ExpressibleByArgument {}

struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Least-cost links between habitat patches (planar or complete graph).",
        discussion: """
        Planar: patches whose cost-allocation zones touch (Graphab's planar graph, the minimum planar graph \
        of Fall et al. 2007): one cost-distance pass from all patches, whatever their number. Complete: every \
        pair under --max-cost (one bounded search per patch). Each link: from, to, least cost between the \
        patches' edges (resistance × m), path length (m), Euclidean edge-to-edge distance (m), and the path.

        Example:
          trame links --resistance forest_resistance.tif --patches patches.tif -o links.gpkg
        """)

    @Option(help: "Resistance raster (NoData = impassable).") var resistance: String
    @Option(help: "Patch-id raster from `trame patches --raster`.") var patches: String
    @Option(help: "planar or complete.") var topology: LinkTopology = .planar
    @Option(help: "Drop links costlier than this (cost units); required for complete.") var maxCost: Double?
    @OptionGroup var neighbours: NeighbourOptions
    @Option(name: .shortAndLong, help: "Output links (GeoPackage or GeoJSON).") var output: String
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let m = maxCost { try OptionRanges.number(m, option: "--max-cost", OptionRanges.maxCost) }
    }

    func run() throws {
        try Inputs.distinctOutputs([output], inputs: [resistance, patches])
        let progress = Progress(quiet: common.quiet)
        let (res, set) = try Inputs.resistanceAndPatches(resistance, patches)
        let links: [PatchLink]
        do {
            links = try LinkBuilder.links(resistance: res, patches: set, topology: topology, neighbourhood: neighbours.neighbourhood,
                                          maxCost: maxCost, progress: progress.step)
        } catch let e as CostError { throw InputError(e.description) }
        try VectorIO.write([PatchLayers.links(links, crsWKT: res.spec.crsWKT)], to: output, styles: ["links": QGISStyles.single(.line, (220, 120, 20), width: 0.7)])
        if !common.quiet { print("\(links.count) \(topology.rawValue) links between \(set.patches.count) patches written to \(output)") }
    }
}

struct CorridorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corridors",
        abstract: "Corridors around least-cost links: cost-width (Linkage Mapper) or metric buffer.",
        discussion: """
        --width C keeps, for each link A–B, the cells where CD_A + CD_B − LCD_AB ≤ C (cost units): Linkage \
        Mapper's normalised least-cost corridor; corridors are mosaicked by minimum. --buffer 50m keeps the \
        cells within that distance of the least-cost path. Outputs: a Float32 raster (normalised cost, or \
        distance in m) and polygons carrying the link they belong to.

        Example:
          trame corridors --resistance r.tif --patches patches.tif --links links.gpkg --width 2000 -o corridors.tif --polygons corridors.gpkg
        """)

    @Option(help: "Resistance raster.") var resistance: String
    @Option(help: "Patch-id raster.") var patches: String
    @Option(help: "Links from `trame links`.") var links: String
    @Option(help: "Corridor width in cost units (normalised least-cost corridor).") var width: Double?
    @Option(help: "Corridor as a buffer around the path (50m, 0.1km).") var buffer: String?
    @OptionGroup var neighbours: NeighbourOptions
    @Option(name: .shortAndLong, help: "Output corridor raster (GeoTIFF).") var output: String
    @Option(help: "Output corridor polygons (GeoPackage).") var polygons: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (width == nil) != (buffer == nil) else { throw ValidationError("give exactly one of --width and --buffer") }
        if let width { try OptionRanges.number(width, option: "--width", OptionRanges.corridorWidth) }
        if let buffer { try OptionRanges.quantity(buffer, option: "--buffer", Inputs.length, OptionRanges.corridorBuffer) }
    }

    func run() throws {
        try Inputs.distinctOutputs([output, polygons], inputs: [resistance, patches, links])
        let progress = Progress(quiet: common.quiet)
        let (res, set) = try Inputs.resistanceAndPatches(resistance, patches)
        let layer = try VectorIO.read(links)
        try VectorIO.requireSameCRS(res.spec.crsWKT, resistance, layer.crsWKT, links)
        let linkList = try layer.features.map { f -> PatchLink in
            guard let a = f["from"].doubleValue, let b = f["to"].doubleValue, let c = f["cost"].doubleValue else {
                throw GeodataError(links, "a link lacks the fields from, to and cost (write links with `trame links`)")
            }
            guard let from = Int32(exactly: a), let to = Int32(exactly: b), from > 0, to > 0 else {
                throw GeodataError(links, "link \(fmt(a))–\(fmt(b)): from and to must be patch ids (whole numbers from 1 to 2,147,483,647)")
            }
            guard case .lineString(let line)? = f.geometry else { throw GeodataError(links, "link \(from)–\(to) has no line geometry") }
            return PatchLink(from: from, to: to, cost: c, length: f["length_m"].doubleValue ?? 0, euclidean: 0, line: line)
        }
        let w: CorridorWidth = try width.map { .cost($0) } ?? .metres(try Inputs.length(buffer!))
        let map: CorridorMap
        do { map = try CorridorBuilder.corridors(resistance: res, patches: set, links: linkList, width: w, neighbourhood: neighbours.neighbourhood, progress: progress.step) }
        catch let e as CostError { throw InputError(e.description) }
        try RasterIO.write(map.value, to: output, bandDescription: width != nil ? "normalised corridor cost" : "distance to path (m)")
        if let p = polygons {
            progress.step("polygonizing")
            let poly = try Rasterizer.polygonize(map.link, layerName: "corridors", eightConnected: true)
            let out = VectorLayer(name: "corridors", geometryKind: .multiPolygon,
                                  fields: [FieldDefinition("link", .integer), FieldDefinition("from", .integer), FieldDefinition("to", .integer), FieldDefinition("area_ha", .real)],
                                  features: poly.features.compactMap { f in
                                      guard case .integer(let k) = f["value"], k >= 1, k <= linkList.count else { return nil }
                                      let l = linkList[k - 1]
                                      return Feature(geometry: f.geometry, attributes: ["link": .integer(k), "from": .integer(Int(l.from)), "to": .integer(Int(l.to)),
                                                                                        "area_ha": .real((f.geometry?.area ?? 0) / 10_000)])
                                  }, crsWKT: res.spec.crsWKT)
            try VectorIO.write([out], to: p, styles: ["corridors": QGISStyles.single(.fill, (240, 170, 60), alpha: 120)])
        }
        if !common.quiet {
            let cells = map.link.values.filter { $0 > 0 }.count
            print("Corridors for \(linkList.count) links: \(fmt((Double(cells) * res.spec.cellArea / 10_000 * 100).rounded() / 100)) ha, written to \(output)")
        }
    }
}
