import Foundation
import TrameGDAL
@testable import TramePublish
import TrameRaster
import TrameScheme
import XCTest

/// [land_cover] nodata: a land cover whose file declares no NoData (or another) gets its outside cells
/// from the project; worked by hand on a 3 × 2 raster.
final class NoDataKeyTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-nodata-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "code,label,label_fr,red,green,blue,natural\n10,Arable,Culture,250,230,160,0\n20,Wood,Bois,30,110,50,1\n"
            .write(toFile: dir + "/nomenclature.csv", atomically: true, encoding: .utf8)
        try "code,label,forest\n10,Arable,100\n20,Wood,1\n".write(toFile: dir + "/friction.csv", atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// A 3 × 2 land cover of 10 m cells (Lambert-93), 0 in the two left cells, as exported by a tool
    /// that writes no NoData:
    ///     0 10 10
    ///     0 20 10
    func writeLandCover(noData: UInt8?) throws -> String {
        let spec = GridSpec(cols: 3, rows: 2, transform: GeoTransform(west: 700_000, north: 7_000_020, cellSize: 10),
                            crsWKT: try SpatialReference(epsg: 2154).wkt)
        let path = dir + "/lc-\(noData.map(String.init) ?? "none").tif"
        try RasterIO.write(Grid<UInt8>(spec: spec, values: [0, 10, 10, 0, 20, 10], noData: noData), to: path)
        return path
    }

    func project(_ landCover: String, nodata: String?) throws -> Project {
        try ProjectFile.parse("""
        [territory]
        name = "T"
        [land_cover]
        raster = "\(landCover)"
        nomenclature = "nomenclature.csv"
        friction = "friction.csv"
        built_up = [10]
        \(nodata.map { "nodata = \($0)" } ?? "")
        [[subnetwork]]
        name = "forest"
        habitat = [20]
        """, file: dir + "/project.toml")
    }

    func read(_ p: Project) throws -> SchemeInput {
        try SchemeReader(project: p, lang: "en", progress: { _ in }, warn: { _ in }).read()
    }

    func testDeclaredNoDataPutsCellsOutside() throws {
        let plain = try writeLandCover(noData: nil)
        // Without the key, 0 is a class the nomenclature lacks (the two left cells).
        XCTAssertThrowsError(try read(try project(plain, nodata: nil))) { e in
            XCTAssertTrue("\(e)".contains("lacks class 0 (2 cells)"), "\(e)")
        }
        // With nodata = 0 the two cells are outside: 4 cells of data, classes 10 (3 cells) and 20 (1).
        let input = try read(try project(plain, nodata: "0"))
        XCTAssertEqual(input.landCover.noData, 0)
        XCTAssertEqual((0..<6).map { input.landCover.isNoData(input.landCover[$0]) }, [true, false, false, true, false, false])
        XCTAssertEqual(input.landCover.dataCount, 4)
        XCTAssertEqual(Nomenclature.histogram(input.landCover.grid), [10: 3, 20: 1])

        // A file that declares 255 as its NoData: the declared 0 cells join the file's NoData.
        let other = try writeLandCover(noData: 255)
        let second = try read(try project(other, nodata: "0"))
        XCTAssertEqual(second.landCover.noData, 255)
        XCTAssertEqual((0..<6).map { second.landCover.isNoData(second.landCover[$0]) }, [true, false, false, true, false, false])

        // Declaring a class of the nomenclature (20, the wood) NoData is allowed but said: its one cell is left out.
        var warnings: [String] = []
        let noWood = try SchemeReader(project: try project(plain, nodata: "20"), lang: "en", progress: { _ in }, warn: { warnings.append($0) })
        XCTAssertThrowsError(try noWood.read())   // 0 is still a class the nomenclature lacks
        XCTAssertEqual(warnings.filter { $0.contains("nodata = 20 is the class 'Wood' of nomenclature.csv: its cells are left out") }.count, 1, "\(warnings)")

        // A value that is not one whole code is refused with the key's line (line 8 of the text above).
        XCTAssertThrowsError(try project(plain, nodata: "\"0\"")) { e in
            XCTAssertTrue("\(e)".contains("project.toml:8:") && "\(e)".contains("nodata"), "\(e)")
        }
    }
}
