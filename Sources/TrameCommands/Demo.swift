import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameRaster
import TrameSample
import TrameScheme
import TrameVector

extension TerritorySize: ExpressibleByArgument {}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the sample territory (a former coal-mining basin) and build its scheme.",
        discussion: """
        No real data can be downloaded here, so Trame generates a territory modelled on a former \
        coal-mining basin in Lambert-93 (EPSG:2154): a chain of mining towns, slag heaps (terrils) and \
        old colliery railways (cavaliers), woods in clusters, rivers with wet margins, dry grassland on \
        chalk slopes, farmland around. The same --seed always gives the same territory.

        Written to --out (a new or empty folder, or an earlier demo; a folder holding anything else is \
        refused, nothing touched):
          landcover.tif     land cover, 10 m cells, UInt8 classes (see nomenclature.csv)
          territory.gpkg    nature_inventories, roads, railways, paths, communes, groupings, leisure_hubs
          nomenclature.csv  class code, English and French labels, colour
          friction.csv      resistance per class for each sub-network (forest, calcicolous, mining, river, wetland)
          project.toml      the project file of the sample (see `trame init` for every key)
          scheme/           the scheme that `trame run project.toml` builds: scheme.gpkg, rasters/,
                            map.png, atlas.pdf, report.html, figures.csv
        """)

    @Option(help: "Folder to write the territory in: new, empty or an earlier demo (created if missing).")
    var out: String

    @Option(help: "Random seed: the same seed gives the same territory.")
    var seed: UInt64 = 1

    @Option(help: "Territory size: tiny (8 × 5 km), small (20 × 10 km), medium (50 × 25 km), large (100 × 40 km, 40 M cells), department (200 × 50 km, 100 M cells) or region (300 × 100 km, 300 M cells: the scale of a regional scheme; about 12 GB of memory).")
    var size: TerritorySize = .small

    @Flag(help: "Only generate and write the territory and its project file; skip the scheme.")
    var generateOnly = false

    @Option(help: "Language of maps and report: fr or en (default: fr, as the project file says).")
    var lang: Language?

    @Flag(help: "Print the time and peak memory of every stage of the scheme at the end (for scaling figures; Linux).")
    var profile = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        // --out is new, empty or an earlier demo; the marker names what this demo writes before it writes it.
        let folder = try OutputFolder.check(out, command: "demo", version: TrameVersion.current)
        try folder.claim(files: SampleFiles.files)
        let t0 = Date()
        // The generated territory is let go once written: the scheme reads the files, as `trame run` would
        // (at the region's size the land cover alone is 300 MB).
        let (projectPath, writtenIn) = try { () throws -> (String, Double) in
            let sample = try SampleFiles.write(size: size, seed: seed, into: out, progress: progress.step)
            printSummary(sample.territory, groupings: sample.groupings, generated: sample.generated, written: sample.written)
            return (sample.projectPath, sample.written)
        }()
        if generateOnly { return }
        let project = try ProjectFile.load(projectPath)
        let schemeDir = (out as NSString).appendingPathComponent("scheme")
        let result = try runScheme(project, out: schemeDir, lang: lang?.rawValue ?? project.lang, quiet: common.quiet, profile: profile)
        SchemeSummary.print(result, out: schemeDir, lang: lang?.rawValue ?? project.lang)
        print(String(format: "  total %.1f s (territory generated and written in %.1f s)", Date().timeIntervalSince(t0), writtenIn))
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
