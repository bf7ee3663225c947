import Foundation
import TrameGDAL
import TrameRaster
import XCTest

/// Class names travel inside the GeoTIFF itself (band metadata in its GDAL_METADATA tag), not only in a
/// .aux.xml side file: a raster copied or sent alone keeps them.
final class CategoryNamesTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-categories-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// gdalinfo -json's view of band 1 (GDAL's own tool, not Trame's reader).
    func gdalinfoBand(_ path: String) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/gdalinfo")
        p.arguments = ["-json", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap((json["bands"] as? [[String: Any]])?.first)
    }

    func testClassNamesAreInsideTheFileWithoutItsSideFile() throws {
        let spec = GridSpec(cols: 4, rows: 2, transform: GeoTransform(west: 700_000, north: 7_000_020, cellSize: 10),
                            crsWKT: try SpatialReference(epsg: 2154).wkt)
        let grid = Grid(spec: spec, values: [0, 1, 2, 1, 0, 0, 2, 2] as [UInt8])
        let names = [1: "Espaces d'intérêt écologique majeur", 2: "vocation mixte & loisirs"]
        for format in [RasterIO.Format.cog, .geotiff] {
            let path = dir + "/nature_spaces-\(format).tif"
            try RasterIO.write(grid, to: path, format: format, bandDescription: "nature spaces", categories: names,
                               colours: [1: (28, 105, 48), 2: (150, 205, 120)])
            // Without the side file, GDAL still finds the names in the TIFF's band metadata, with the palette.
            try? FileManager.default.removeItem(atPath: path + ".aux.xml")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".aux.xml"))
            let band = try gdalinfoBand(path)
            let metadata = (band["metadata"] as? [String: Any])?[""] as? [String: String] ?? [:]
            XCTAssertEqual(metadata["CATEGORY_1"], names[1], "\(format): \(band)")
            XCTAssertEqual(metadata["CATEGORY_2"], names[2], "\(format)")
            XCTAssertEqual(band["description"] as? String, "nature spaces")
            let palette = ((band["colorTable"] as? [String: Any])?["entries"] as? [[Int]]) ?? []
            XCTAssertEqual(palette.count > 2 ? palette[1] : [], [28, 105, 48, 255], "\(format)")
            // And Trame reads them back from the file alone.
            XCTAssertEqual(try RasterIO.categoryNames(path), names, "\(format)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".aux.xml"), "reading must not write a side file")
        }
    }

    /// A file whose names live only in a .aux.xml (GDAL's category names, as other tools write them) is still read.
    func testNamesInASideFileAreStillRead() throws {
        let path = dir + "/lc.tif"
        let spec = GridSpec(cols: 2, rows: 1, transform: GeoTransform(west: 0, north: 10, cellSize: 10))
        try RasterIO.write(Grid(spec: spec, values: [3, 5] as [UInt8]), to: path)
        try """
        <PAMDataset><PAMRasterBand band="1"><CategoryNames><Category></Category><Category></Category><Category></Category>\
        <Category>arable</Category><Category></Category><Category>woodland</Category></CategoryNames></PAMRasterBand></PAMDataset>
        """.write(toFile: path + ".aux.xml", atomically: true, encoding: .utf8)
        XCTAssertEqual(try RasterIO.categoryNames(path), [3: "arable", 5: "woodland"])
    }
}
