import TrameGDAL
import XCTest

/// UTM zones worked by hand from the 6° grid (zone = ⌊(lon + 180) / 6⌋ + 1) and its two exceptions.
final class UTMZoneTests: XCTestCase {
    func testZonesByHand() {
        XCTAssertEqual(UTMZone(longitude: 2.83, latitude: 50.43).epsg, 32631)      // Lens: ⌊182.83 / 6⌋ + 1 = 31, north
        XCTAssertEqual(UTMZone(longitude: -70.6, latitude: -33.4).epsg, 32719)    // Santiago: ⌊109.4 / 6⌋ + 1 = 19, south
        XCTAssertEqual(UTMZone(longitude: 24.9, latitude: 60.2).epsg, 32635)      // Helsinki: ⌊204.9 / 6⌋ + 1 = 35
        XCTAssertEqual(UTMZone(longitude: 12.5, latitude: 41.9).epsg, 32633)      // Rome: ⌊192.5 / 6⌋ + 1 = 33
        XCTAssertEqual(UTMZone(longitude: -180, latitude: 10).zone, 1)
        XCTAssertEqual(UTMZone(longitude: 179.99, latitude: 10).zone, 60)
        XCTAssertEqual(UTMZone(longitude: 180, latitude: 10).zone, 1, "180° E is 180° W")
        XCTAssertEqual(UTMZone(longitude: 5.3, latitude: 60.4).zone, 32, "Bergen: the Norway exception (31 on the plain grid)")
        XCTAssertEqual(UTMZone(longitude: 15.6, latitude: 78.2).zone, 33, "Svalbard: 33 (plain grid 33 too)")
        XCTAssertEqual(UTMZone(longitude: 8, latitude: 78).zone, 31, "Svalbard: 31 (plain grid 32)")
        XCTAssertEqual(UTMZone(longitude: 2.83, latitude: 50.43).label, "WGS 84 / UTM zone 31N (EPSG:32631)")
    }
}
