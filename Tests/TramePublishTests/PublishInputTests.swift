import Foundation
import TrameGDAL
import TramePublish
import TrameRaster
import TrameRouting
import TrameScheme
import TrameVector
import XCTest

/// TramePublish's edges: the files a scheme reads and the green-network mask it writes and reads back,
/// on hand-made files whose answers are worked by hand.
final class PublishInputTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-publish-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/rasters", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A 3 × 1 mask of 10 m cells from x = 700000 (Lambert-93), green in the middle cell only; one path
    /// running 30 m across the three cells. Pieces of half a cell, counted at their middle: 2 of 6 fall in
    /// the green cell, so 2/3 of the path lies outside the green network.
    func testOutsideGreenFromTheMaskBesideTheScheme() throws {
        let l93 = try SpatialReference(epsg: 2154)
        let spec = GridSpec(cols: 3, rows: 1, transform: GeoTransform(west: 700_000, north: 7_000_010, cellSize: 10), crsWKT: l93.wkt)
        try RasterIO.write(Grid(spec: spec, values: [0, 1, 0] as [UInt8], noData: nil), to: dir + "/" + NetworkInput.greenMaskName)
        let line = [Point(700_000, 7_000_005), Point(700_030, 7_000_005)]
        let net = PathNetwork(ways: [WayInput(points: line, tags: ["highway": "path"], id: 1)])
        let outside = try NetworkInput.outsideGreen(net, crs: l93, scheme: dir + "/scheme.gpkg")
        XCTAssertEqual(outside.count, 1)
        XCTAssertEqual(Double(outside[0]), 2.0 / 3.0, accuracy: 1e-6)

        // The same path given in UTM 31N (an OSM extract's CRS): its points are brought into the mask's CRS.
        let utm = try SpatialReference(epsg: 32631)
        let toUTM = try CoordinateTransformer(from: l93, to: utm)
        let utmNet = PathNetwork(ways: [WayInput(points: try line.map { try toUTM.transform($0) }, tags: ["highway": "path"], id: 1)])
        let fromUTM = try NetworkInput.outsideGreen(utmNet, crs: utm, scheme: dir + "/scheme.gpkg")
        XCTAssertEqual(Double(fromUTM[0]), 2.0 / 3.0, accuracy: 1e-6)
    }

    /// A scheme folder without the mask (written before Trame wrote it) is named, with what to do.
    func testAFolderWithoutTheMaskIsRefusedByName() throws {
        let net = PathNetwork(ways: [WayInput(points: [Point(0, 0), Point(10, 0)], tags: ["highway": "path"], id: 1)])
        XCTAssertThrowsError(try NetworkInput.outsideGreen(net, crs: try SpatialReference(epsg: 2154), scheme: dir + "/scheme.gpkg")) { e in
            let text = "\(e)"
            XCTAssertTrue(text.hasPrefix(dir + "/scheme.gpkg: "), text)
            XCTAssertTrue(text.contains("green_network.tif"), text)
        }
    }

    /// Resistance rasters: a negative or zero cell is refused naming the file; NoData everywhere too.
    func testResistanceRastersAreChecked() throws {
        let spec = GridSpec(cols: 2, rows: 1, transform: GeoTransform(west: 700_000, north: 7_000_010, cellSize: 10),
                            crsWKT: try SpatialReference(epsg: 2154).wkt)
        let cases: [([Float], String)] = [([1, -2], "negative resistance"), ([1, 0], "zero resistance"), ([-9999, -9999], "every cell is NoData")]
        for (k, (values, words)) in cases.enumerated() {
            let path = dir + "/r\(k).tif"
            try RasterIO.write(Grid(spec: spec, values: values, noData: k == 2 ? -9999 : nil), to: path)
            XCTAssertThrowsError(try Inputs.resistance(path)) { e in
                XCTAssertTrue("\(e)".hasPrefix(path + ": "), "\(e)")
                XCTAssertTrue("\(e)".contains(words), "\(e)")
            }
        }
    }
}
