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

    @OptionGroup var common: CommonOptions

    @Flag(help: "Print one JSON object (as gdalinfo -json / ogrinfo -json do): raster size, CRS, extent, bands and value areas; vector layers, counts and fields.")
    var json = false

    func validate() throws { try OptionRanges.count(maxClasses, option: "--max-classes", OptionRanges.maxClasses) }

    func run() throws {
        let kind = try RasterIO.contents(file)
        if !kind.raster && !kind.vector { throw GeodataError(file, "holds neither raster bands nor vector layers") }
        var out: [String: Any] = ["file": file]
        if kind.raster { out["raster"] = try describeRaster() }
        if kind.vector { out["vector"] = try describeVector() }
        if json { try JSONOutput.print(out) } else { printText(out) }
    }

    static func crsLabel(_ wkt: String) -> String {
        guard let s = SpatialReference.fromWKT(wkt) else { return "none (no CRS in the file)" }
        return s.label
    }

    static func crs(_ wkt: String) -> Any {
        guard let s = SpatialReference.fromWKT(wkt) else { return NSNull() }
        var o: [String: Any] = ["name": s.name, "label": s.label, "geographic": s.isGeographic, "wkt": wkt]
        if let code = s.epsgCode { o["epsg"] = code }
        return o
    }

    /// The raster as a dictionary (the JSON output; the text is printed from it).
    func describeRaster() throws -> [String: Any] {
        let d = try RasterIO.describe(file)
        let s = d.spec
        let e = s.extent
        let srs = SpatialReference.fromWKT(s.crsWKT)
        var o: [String: Any] = [
            "driver": d.driver, "crs": Info.crs(s.crsWKT), "columns": s.cols, "rows": s.rows, "cells": s.count,
            "cell_size": [s.transform.pixelWidth, abs(s.transform.pixelHeight)], "cell_unit": srs.map { $0.isGeographic ? "degree" : "metre" } ?? "unknown",
            "extent": ["min_x": e.minX, "min_y": e.minY, "max_x": e.maxX, "max_y": e.maxY],
            "bands": d.bands.map { b -> [String: Any] in
                ["type": b.type.rawValue, "nodata": b.noData.map { $0 as Any } ?? NSNull(), "description": b.description]
            },
        ]
        if srs.map({ !$0.isGeographic }) ?? false { o["area_ha"] = (e.maxX - e.minX) * (e.maxY - e.minY) / 10_000 }
        guard let first = d.bands.first, first.type.isInteger else { return o }
        // The value table needs the whole band in memory: a raster too large for it is still described.
        let grid: Grid<Int32>
        do { grid = try RasterIO.read(file, as: Int32.self, conversion: .any) } catch let e as GeodataError {
            o["values_omitted"] = e.problem
            return o
        }
        var counts: [Int32: Int] = [:]
        for v in grid.values {
            counts[v, default: 0] += 1
            if counts.count > maxClasses { o["values_omitted"] = "more than \(maxClasses) distinct values"; return o }
        }
        let names = try RasterIO.categoryNames(file)
        let cellHa = s.cellArea / 10_000
        let dataCells = counts.filter { !grid.isNoData($0.key) }.values.reduce(0, +)
        o["values"] = counts.sorted(by: { $0.key < $1.key }).map { v, n -> [String: Any] in
            let isND = grid.isNoData(v)
            var row: [String: Any] = ["value": Int(v), "cells": n, "area_ha": Double(n) * cellHa, "nodata": isND]
            if !isND && dataCells > 0 { row["share_pct"] = 100 * Double(n) / Double(dataCells) }
            if let name = names[Int(v)], !isND { row["name"] = name }
            return row
        }
        return o
    }

    /// The vector layers as a dictionary.
    func describeVector() throws -> [String: Any] {
        let d = try VectorIO.describe(file)
        return ["driver": d.driver, "layers": d.layers.map { l -> [String: Any] in
            var count = l.featureCount
            if count < 0, (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 < 200_000_000 {
                // Streamed formats (OSM) do not know their counts: read the layer to count it.
                count = (try? VectorIO.read(file, layer: l.name, allowEmpty: true).features.count) ?? -1
            }
            var o: [String: Any] = ["name": l.name, "geometry": l.geometryKind.rawValue, "features": count >= 0 ? count as Any : NSNull(),
                                    "crs": Info.crs(l.crsWKT), "fields": l.fields.map { ["name": $0.name, "type": $0.type.rawValue] }]
            if let e = l.extent { o["extent"] = ["min_x": e.minX, "min_y": e.minY, "max_x": e.maxX, "max_y": e.maxY] }
            return o
        }]
    }

    /// The text form, as it always was.
    func printText(_ out: [String: Any]) {
        func crsText(_ c: Any?) -> String { (c as? [String: Any])?["label"] as? String ?? "none (no CRS in the file)" }
        if let r = out["raster"] as? [String: Any] {
            let unit = (r["cell_unit"] as? String).map { $0 == "degree" ? "°" : ($0 == "metre" ? " m" : "") } ?? ""
            let cell = r["cell_size"] as! [Double], e = r["extent"] as! [String: Double]
            print("File:        \(file)")
            print("Driver:      \(r["driver"]!) (raster)")
            print("CRS:         \(crsText(r["crs"]))")
            print("Size:        \(r["columns"]!) columns × \(r["rows"]!) rows = \((r["cells"] as! Int).formatted()) cells")
            print("Cell size:   \(fmt(cell[0]))\(unit) × \(fmt(cell[1]))\(unit)")
            print("Extent:      x \(fmt(e["min_x"]!)) – \(fmt(e["max_x"]!)), y \(fmt(e["min_y"]!)) – \(fmt(e["max_y"]!))\(unit)")
            if let a = r["area_ha"] as? Double { print("Area:        \(fmt(a)) ha") }
            for (k, b) in (r["bands"] as! [[String: Any]]).enumerated() {
                let nd = (b["nodata"] as? Double).map { "NoData \(fmt($0))" } ?? "no NoData value"
                let desc = b["description"] as? String ?? ""
                print("Band \(k + 1):      \(b["type"]!), \(nd)\(desc.isEmpty ? "" : ", \"\(desc)\"")")
            }
            if let why = r["values_omitted"] as? String { print("\nValues of band 1: not counted (\(why))") }
            if let values = r["values"] as? [[String: Any]] {
                print("\nValues of band 1 (\(values.count) distinct):")
                print("  value  cells          area (ha)     share   name")
                for v in values {
                    let share = (v["share_pct"] as? Double).map { String(format: "%6.2f %%", $0) } ?? ""
                    let name = (v["nodata"] as? Bool ?? false) ? "NoData" : (v["name"] as? String ?? "")
                    print(String(format: "  %5d  %-12d  %12.2f  %9@   %@", v["value"] as! Int, v["cells"] as! Int, v["area_ha"] as! Double, share, name))
                }
            }
        }
        if let vec = out["vector"] as? [String: Any] {
            let layers = vec["layers"] as! [[String: Any]]
            print("File:        \(file)")
            print("Driver:      \(vec["driver"]!) (vector), \(layers.count) layer(s)")
            for l in layers {
                print("\nLayer '\(l["name"]!)'")
                print("  Geometry:  \(l["geometry"]!)")
                print("  Features:  \((l["features"] as? Int).map(String.init) ?? "unknown until read (streamed format)")")
                print("  CRS:       \(crsText(l["crs"]))")
                if let e = l["extent"] as? [String: Double] { print("  Extent:    x \(fmt(e["min_x"]!)) – \(fmt(e["max_x"]!)), y \(fmt(e["min_y"]!)) – \(fmt(e["max_y"]!))") }
                let fields = l["fields"] as! [[String: String]]
                print("  Fields:    " + (fields.isEmpty ? "none" : fields.map { "\($0["name"]!) (\($0["type"]!))" }.joined(separator: ", ")))
            }
        }
    }
}
