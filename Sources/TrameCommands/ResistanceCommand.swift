import ArgumentParser
import Foundation
import TrameCost
import TrameGDAL
import TramePublish
import TrameRaster
import TrameScheme

struct ResistanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resistance",
        abstract: "Turn a land-cover raster into a resistance raster with a friction table.",
        discussion: """
        The friction table is a CSV file: class code, label, then one resistance column per sub-network \
        (forest, calcicolous, mining, river, wetland…). Every class present in the land cover needs a value; \
        resistance must be > 0; `inf` or an empty cell marks an impassable class. NoData stays NoData \
        (impassable). Output: Float32 GeoTIFF, NoData −9999.

        Example:
          trame resistance --landcover landcover.tif --friction friction.csv --column forest -o forest_resistance.tif
        """)

    @Option(help: "Land-cover raster (integer class codes).") var landcover: String
    @Option(help: "Friction table (CSV: code,label,<sub-network columns>).") var friction: String
    @Option(help: "Sub-network column to use (default: the first one after code and label).") var column: String?
    @Option(name: .shortAndLong, help: "Output resistance raster (GeoTIFF).") var output: String
    @Flag(help: "Write a cloud-optimized GeoTIFF.") var cog = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        try Inputs.distinctOutputs([output], inputs: [landcover, friction])
        let progress = Progress(quiet: common.quiet)
        let table = try FrictionTable.read(friction)
        let lc = try Inputs.landCover(landcover)
        progress.step("mapping \(lc.count.formatted()) cells")
        let res: Grid<Float>
        do { res = try table.resistance(for: lc, column: column) } catch let e as CostError { throw GeodataError(friction, e.description) }
        try RasterIO.write(res, to: output, format: cog ? .cog : .geotiff, bandDescription: "resistance (\(column ?? table.columns[0]))")
        let passable = res.values.filter { $0 > 0 }
        if !common.quiet {
            print("Resistance '\(column ?? table.columns[0])' written to \(output): \(passable.count.formatted()) passable cells, "
                  + "\((res.count - passable.count).formatted()) impassable, resistance \(fmt(Double(passable.min() ?? 0)))–\(fmt(Double(passable.max() ?? 0)))")
        }
    }
}
