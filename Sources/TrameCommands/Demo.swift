import ArgumentParser
import Foundation
import TrameGDAL
import TrameRaster
import TrameSample
import TrameVector

extension TerritorySize: ExpressibleByArgument {}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the sample territory (a former coal-mining basin) and run the analysis on it.",
        discussion: """
        No real data can be downloaded here, so Trame generates a territory modelled on a former \
        coal-mining basin in Lambert-93 (EPSG:2154): a chain of mining towns, slag heaps (terrils) and \
        old colliery railways (cavaliers), woods in clusters, rivers with wet margins, dry grassland on \
        chalk slopes, farmland around. The same --seed always gives the same territory.

        Written to --out:
          landcover.tif     land cover, 10 m cells, UInt8 classes (see nomenclature.csv)
          territory.gpkg    nature_inventories, roads, railways, paths, communes, groupings, leisure_hubs
          nomenclature.csv  class code, English and French labels, colour
          friction.csv      resistance per class for each sub-network (forest, calcicolous, mining, river, wetland)
          network/          per sub-network: resistance, reservoir ids and corridor rasters
          network.gpkg      per sub-network: reservoirs (with dPC, BC) and least-cost links (with dPC)
        """)

    @Option(help: "Folder to write the territory in (created if missing).")
    var out: String

    @Option(help: "Random seed: the same seed gives the same territory.")
    var seed: UInt64 = 1

    @Option(help: "Territory size: small (20 × 10 km), medium (50 × 25 km) or large (100 × 40 km, for benchmarks).")
    var size: TerritorySize = .small

    @Flag(help: "Only generate and write the territory; skip the analysis (for the large size, which takes minutes).")
    var generateOnly = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let t0 = Date()
        let lambert93 = try SpatialReference(epsg: 2154)
        let territory = TerritoryGenerator(size: size, seed: seed, crsWKT: lambert93.wkt).generate(progress: progress.step)
        let generated = Date().timeIntervalSince(t0)

        progress.step("writing landcover.tif")
        let lcPath = (out as NSString).appendingPathComponent("landcover.tif")
        try RasterIO.write(territory.landCover, to: lcPath, bandDescription: "land cover (Trame sample nomenclature)",
                           categories: LandCoverClass.categoryNames,
                           colours: Dictionary(uniqueKeysWithValues: LandCoverClass.allCases.map { ($0.code, $0.colour) }))
        progress.step("writing territory.gpkg")
        let groupings = try Rasterizer.dissolve(territory.communes, by: SampleTerritory.groupingField)
        let groupLayer = VectorLayer(name: "groupings", geometryKind: .multiPolygon, fields: [FieldDefinition("name", .string)],
                                     features: groupings.map { g in
                                         let geom: Geometry = if case .polygon(let p) = g.geometry { .multiPolygon([p]) } else { g.geometry }
                                         return Feature(geometry: geom, attributes: ["name": g.key])
                                     }, crsWKT: lambert93.wkt)
        let gpkgPath = (out as NSString).appendingPathComponent("territory.gpkg")
        try VectorIO.write(territory.vectorLayers + [groupLayer], to: gpkgPath, styles: QGISStyles.territory)
        try writeNomenclature((out as NSString).appendingPathComponent("nomenclature.csv"))
        let written = Date().timeIntervalSince(t0)
        printSummary(territory, groupings: groupings.count, generated: generated, written: written)
        if generateOnly { return }

        let analysis = try DemoAnalysis(out: out, landCoverPath: lcPath, territory: territory, progress: progress).run()
        print("Ecological network (planar least-cost links; p = 5 % at the dispersal cost; corridors = Linkage Mapper width around the links within it):")
        for s in analysis {
            print(String(format: "  %-12@ %4d reservoirs, %8.1f ha; %4d links (%d within the dispersal cost); corridors %8.1f ha; PC %.3g, EC %.1f ha, %d component(s); key: %@",
                         s.name.padding(toLength: 12, withPad: " ", startingAt: 0), s.patches, s.areaHa, s.links, s.functional, s.corridorHa, s.pc, s.ec, s.nc, s.best))
        }
        print(String(format: "  analysed in %.1f s; open %@/territory.gpkg and network.gpkg in QGIS", Date().timeIntervalSince(t0) - written, out))
    }

    func writeNomenclature(_ path: String) throws {
        var text = "code,label,label_fr,red,green,blue,natural\n"
        for c in LandCoverClass.allCases {
            let (r, g, b) = c.colour
            text += "\(c.code),\"\(c.label)\",\"\(c.frenchLabel)\",\(r),\(g),\(b),\(c.isNatural ? 1 : 0)\n"
        }
        try AtomicOutput.write(to: path) { tmp in try text.write(toFile: tmp, atomically: false, encoding: .utf8) }
    }

    func printSummary(_ t: SampleTerritory, groupings: Int, generated: Double, written: Double) {
        let lc = t.landCover
        var counts = [Int](repeating: 0, count: 256)
        for v in lc.values { counts[Int(v)] += 1 }
        let cellHa = lc.spec.cellArea / 10_000
        let total = Double(lc.count) * cellHa
        let natural = LandCoverClass.allCases.filter(\.isNatural).reduce(0) { $0 + counts[$1.code] }
        let e = lc.spec.extent
        print("Sample territory (seed \(seed), \(size.rawValue)) in \(out)")
        print(String(format: "  extent      x %.0f – %.0f m, y %.0f – %.0f m (EPSG:2154), %d × %d cells of 10 m",
                     e.minX, e.maxX, e.minY, e.maxY, lc.cols, lc.rows))
        print(String(format: "  area        %.0f ha; nature classes cover %.1f %%", total, 100 * Double(natural) * cellHa / total))
        print("  land cover  " + LandCoverClass.allCases.map { c in
            String(format: "%@ %.1f %%", c.label.lowercased(), 100 * Double(counts[c.code]) / Double(lc.count))
        }.joined(separator: ", "))
        print("  layers      \(t.inventories.features.count) inventory sites, \(t.communes.features.count) communes in \(groupings) groupings, "
              + "\(t.roads.features.count) roads, \(t.paths.features.count) paths, \(t.leisureHubs.features.count) leisure hubs")
        print(String(format: "  time        generated in %.1f s, written in %.1f s", generated, written - generated))
    }
}
