import ArgumentParser
import Foundation
import TrameCost
import TrameGDAL
import TramePublish
import TrameRaster
import TrameScheme

struct PatchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patches",
        abstract: "Find habitat patches (reservoirs) in a land-cover raster.",
        discussion: """
        Connected components of the habitat classes, dropped below the minimum area; inventory polygons \
        (ZNIEFF, Natura 2000, …) given with --include are burnt in as habitat and always kept, so that \
        protected sites are always reservoirs. Outputs: polygons with id, area (ha), perimeter (m) and \
        capacity (= area), and optionally the patch-id raster (0 = no patch).

        Example:
          trame patches --landcover landcover.tif --habitat 20,21 --min-area 5ha -o patches.gpkg --raster patches.tif
        """)

    @Option(help: "Land-cover raster (integer class codes).") var landcover: String
    @Option(help: "Habitat class codes, comma-separated (e.g. 20,21).") var habitat: String
    @Option(help: "Minimum patch area (5ha, 50000m2; \(OptionRanges.minArea.text)).") var minArea = "1ha"
    @Option(help: "Cells joined through edges only (4) or also corners (8).") var connexity = 8
    @Option(help: "Inventory polygons to include as reservoirs (GeoPackage, Shapefile…).") var include: String?
    @Option(name: .shortAndLong, help: "Output polygons (GeoPackage or GeoJSON).") var output: String
    @Option(help: "Output patch-id raster (GeoTIFF).") var raster: String?
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard connexity == 4 || connexity == 8 else { throw ValidationError("--connexity is 4 or 8") }
        try OptionRanges.quantity(minArea, option: "--min-area", Inputs.area, OptionRanges.minArea)
        for s in habitat.split(separator: ",", omittingEmptySubsequences: false) {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard let v = Int(t) else { throw ValidationError("--habitat: '\(t)' is not a class code") }
            guard Ranges.classCode.contains(Double(v)) else { throw ValidationError("--habitat: class code \(t) is out of range: \(Ranges.classCode.text)") }
        }
    }

    func run() throws {
        try Inputs.distinctOutputs([output, raster], inputs: [landcover] + (include.map { [$0] } ?? []))
        let progress = Progress(quiet: common.quiet)
        let codes = try habitat.split(separator: ",").map { s -> Int32 in
            guard let v = Int32(s.trimmingCharacters(in: .whitespaces)) else { throw InputError("--habitat: '\(s)' is not a class code") }
            return v
        }
        let lc = try Inputs.landCover(landcover)
        try Inputs.requireProjected(lc.spec, landcover)
        var inventory: Grid<UInt8>? = nil
        if let inc = include {
            let layer = try VectorIO.read(inc)
            try VectorIO.requireSameCRS(lc.spec.crsWKT, landcover, layer.crsWKT, inc)
            inventory = try Rasterizer.rasterize(layer, onto: lc.spec, as: UInt8.self, burn: .value(1), fill: 0)
        }
        progress.step("labelling patches")
        let set: PatchSet
        do {
            set = try PatchFinder.find(landCover: lc, habitat: Set(codes), minAreaHa: try Inputs.area(minArea),
                                       connexity: connexity == 4 ? .rook : .queen, inventory: inventory)
        } catch let e as CostError { throw GeodataError(landcover, e.description) }
        progress.step("\(set.patches.count) patches; polygonizing")
        let layer = try PatchLayers.polygons(set)
        try VectorIO.write([layer], to: output, styles: ["patches": QGISStyles.single(.fill, (40, 140, 60), alpha: 180)])
        if let r = raster { try RasterIO.write(set.labels, to: r, bandDescription: "patch id") }
        if !common.quiet {
            let total = set.patches.reduce(0) { $0 + $1.areaHa }
            print("\(set.patches.count) patches, \(fmt((total * 100).rounded() / 100)) ha in all (\(set.patches.filter(\.fromInventory).count) hold inventory sites), written to \(output)")
        }
    }
}
