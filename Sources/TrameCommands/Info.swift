import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameRaster
import TrameVector

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a raster or vector file: format, CRS, extent, resolution, bands or layers.",
        discussion: """
        For rasters: driver, CRS, extent, size and cell size, bands with their type and NoData, and for \
        integer rasters with few values (land cover, patch ids) a table of each value's area in hectares.
        For vector files: each layer's geometry type, feature count, CRS, extent and fields.
        """)

    @Argument(help: "The file to describe (GeoTIFF, GeoPackage, GeoJSON, Shapefile, OSM PBF, ASCII grid, …).")
    var file: String

    @Option(help: "Largest number of distinct values for which the value table is printed.")
    var maxClasses = 256

    func validate() throws { try OptionRanges.count(maxClasses, option: "--max-classes", OptionRanges.maxClasses) }

    func run() throws {
        let kind = try RasterIO.contents(file)
        if kind.raster { try describeRaster() }
        if kind.vector { try describeVector() }
        if !kind.raster && !kind.vector { throw GeodataError(file, "holds neither raster bands nor vector layers") }
    }

    static func crsLabel(_ wkt: String) -> String {
        guard let s = SpatialReference.fromWKT(wkt) else { return "none (no CRS in the file)" }
        return s.label
    }

    func describeRaster() throws {
        let d = try RasterIO.describe(file)
        let s = d.spec
        let e = s.extent
        let unit = SpatialReference.fromWKT(s.crsWKT).map { $0.isGeographic ? "°" : " m" } ?? ""
        print("File:        \(file)")
        print("Driver:      \(d.driver) (raster)")
        print("CRS:         \(Info.crsLabel(s.crsWKT))")
        print("Size:        \(s.cols) columns × \(s.rows) rows = \(s.count.formatted()) cells")
        print("Cell size:   \(fmt(s.transform.pixelWidth))\(unit) × \(fmt(abs(s.transform.pixelHeight)))\(unit)")
        print("Extent:      x \(fmt(e.minX)) – \(fmt(e.maxX)), y \(fmt(e.minY)) – \(fmt(e.maxY))\(unit)")
        if unit == " m" {
            print("Area:        \(fmt((e.maxX - e.minX) * (e.maxY - e.minY) / 10_000)) ha")
        }
        for (k, b) in d.bands.enumerated() {
            let nd = b.noData.map { "NoData \(fmt($0))" } ?? "no NoData value"
            print("Band \(k + 1):      \(b.type.rawValue), \(nd)\(b.description.isEmpty ? "" : ", \"\(b.description)\"")")
        }
        guard let first = d.bands.first, first.type.isInteger else { return }
        let grid = try RasterIO.read(file, as: Int32.self, conversion: .any)
        var counts: [Int32: Int] = [:]
        for v in grid.values {
            counts[v, default: 0] += 1
            if counts.count > maxClasses { return }
        }
        let names = try RasterIO.categoryNames(file)
        let cellHa = s.cellArea / 10_000
        let dataCells = counts.filter { !grid.isNoData($0.key) }.values.reduce(0, +)
        print("\nValues of band 1 (\(counts.count) distinct):")
        print("  value  cells          area (ha)     share   name")
        for (v, n) in counts.sorted(by: { $0.key < $1.key }) {
            let isND = grid.isNoData(v)
            let share = isND || dataCells == 0 ? "" : String(format: "%6.2f %%", 100 * Double(n) / Double(dataCells))
            let name = isND ? "NoData" : (names[Int(v)] ?? "")
            print(String(format: "  %5d  %-12d  %12.2f  %9@   %@", v, n, Double(n) * cellHa, share, name))
        }
    }

    func describeVector() throws {
        let d = try VectorIO.describe(file)
        print("File:        \(file)")
        print("Driver:      \(d.driver) (vector), \(d.layers.count) layer(s)")
        for l in d.layers {
            print("\nLayer '\(l.name)'")
            print("  Geometry:  \(l.geometryKind.rawValue)")
            var count = l.featureCount
            if count < 0, (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 < 200_000_000 {
                // Streamed formats (OSM) do not know their counts: read the layer to count it.
                count = (try? VectorIO.read(file, layer: l.name, allowEmpty: true).features.count) ?? -1
            }
            print("  Features:  \(count >= 0 ? String(count) : "unknown until read (streamed format)")")
            print("  CRS:       \(Info.crsLabel(l.crsWKT))")
            if let e = l.extent { print("  Extent:    x \(fmt(e.minX)) – \(fmt(e.maxX)), y \(fmt(e.minY)) – \(fmt(e.maxY))") }
            print("  Fields:    " + (l.fields.isEmpty ? "none" : l.fields.map { "\($0.name) (\($0.type.rawValue))" }.joined(separator: ", ")))
        }
    }
}
