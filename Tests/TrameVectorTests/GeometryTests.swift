import XCTest
import TrameVector

/// Geometry measures against values worked by hand.
final class GeometryTests: XCTestCase {
    /// A 10 × 10 m square with a 2 × 3 m hole.
    let square = [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10)]
    let hole = [Point(2, 2), Point(4, 2), Point(4, 5), Point(2, 5)]

    /// The 3-4-5 triangle.
    func testDistance() {
        XCTAssertEqual(Point(1, 2).distance(to: Point(4, 6)), 5)
        XCTAssertEqual(Point(4, 6).distance(to: Point(1, 2)), 5)
        XCTAssertEqual(Point(3, 3).distance(to: Point(3, 3)), 0)
    }

    /// Rings are closed once: an open ring gains its first point at the end, a closed one is kept.
    func testRingsAreClosed() {
        let p = Polygon(exterior: square, holes: [hole])
        XCTAssertEqual(p.exterior.count, 5)
        XCTAssertEqual(p.exterior.last, Point(0, 0))
        XCTAssertEqual(p.holes[0].count, 5)
        XCTAssertEqual(Polygon(exterior: p.exterior).exterior.count, 5)
    }

    /// Shoelace: +100 counter-clockwise, −100 clockwise; a 3-4-5 right triangle 6 m²; fewer than 3 points 0.
    func testSignedArea() {
        let ccw = square + [square[0]]
        XCTAssertEqual(Polygon.signedArea(ccw), 100)
        XCTAssertEqual(Polygon.signedArea(Array(ccw.reversed())), -100)
        XCTAssertEqual(Polygon.signedArea([Point(0, 0), Point(3, 0), Point(0, 4), Point(0, 0)]), 6)
        XCTAssertEqual(Polygon.signedArea([Point(0, 0), Point(1, 1)]), 0)
    }

    /// Area 100 − 6 = 94 m² whichever way the rings turn; perimeter 40 + 10 = 50 m.
    func testAreaAndPerimeterWithHole() {
        let p = Polygon(exterior: square, holes: [hole])
        XCTAssertEqual(p.area, 94)
        XCTAssertEqual(Polygon(exterior: square.reversed(), holes: [hole]).area, 94)
        XCTAssertEqual(p.perimeter, 50)
    }

    /// Inside the square, in the hole, outside; an L-shaped (concave) polygon's notch is outside.
    func testContains() {
        let p = Polygon(exterior: square, holes: [hole])
        XCTAssertTrue(p.contains(Point(8, 8)))
        XCTAssertFalse(p.contains(Point(3, 3)))
        XCTAssertFalse(p.contains(Point(11, 5)))
        XCTAssertFalse(p.contains(Point(-1, 5)))
        let l = Polygon(exterior: [Point(0, 0), Point(4, 0), Point(4, 1), Point(1, 1), Point(1, 4), Point(0, 4)])
        XCTAssertTrue(l.contains(Point(0.5, 3)))
        XCTAssertTrue(l.contains(Point(3, 0.5)))
        XCTAssertFalse(l.contains(Point(3, 3)))
    }

    /// Lengths: a 3-4 right-angle polyline 7 m (3 + 4); two such lines 14 m; a polygon its perimeter;
    /// points 0. Areas: polygons only.
    func testLengthAndArea() {
        let line = [Point(0, 0), Point(3, 0), Point(3, 4)]
        XCTAssertEqual(Geometry.length(of: line), 7)
        XCTAssertEqual(Geometry.length(of: [Point(1, 1)]), 0)
        XCTAssertEqual(Geometry.lineString(line).length, 7)
        XCTAssertEqual(Geometry.multiLineString([line, line]).length, 14)
        XCTAssertEqual(Geometry.point(Point(1, 1)).length, 0)
        XCTAssertEqual(Geometry.multiPoint(line).length, 0)
        let p = Polygon(exterior: square, holes: [hole])
        XCTAssertEqual(Geometry.polygon(p).length, 50)
        XCTAssertEqual(Geometry.multiPolygon([p, Polygon(exterior: [Point(20, 0), Point(21, 0), Point(21, 1)])]).area, 94.5)
        XCTAssertEqual(Geometry.polygon(p).area, 94)
        XCTAssertEqual(Geometry.lineString(line).area, 0)
        XCTAssertEqual(Geometry.multiPolygon([p, p]).length, 100)
    }

    /// Bounds over every vertex (holes included); nil when empty.
    func testBoundsAndPoints() throws {
        let b = try XCTUnwrap(Geometry.multiLineString([[Point(-2, 5), Point(3, 1)], [Point(7, -4)]]).bounds)
        XCTAssertEqual(b.minX, -2); XCTAssertEqual(b.minY, -4); XCTAssertEqual(b.maxX, 7); XCTAssertEqual(b.maxY, 5)
        XCTAssertNil(Geometry.lineString([]).bounds)
        XCTAssertEqual(Geometry.polygon(Polygon(exterior: square, holes: [hole])).points.count, 10)
        XCTAssertEqual(Geometry.point(Point(1, 2)).points, [Point(1, 2)])
    }

    /// A translation by (+10, −5) moves every vertex and keeps the kind, area and length.
    func testMapPoints() {
        let p = Geometry.polygon(Polygon(exterior: square, holes: [hole]))
        let moved = p.mapPoints { Point($0.x + 10, $0.y - 5) }
        XCTAssertEqual(moved.kind, .polygon)
        XCTAssertEqual(moved.area, 94)
        XCTAssertEqual(moved.length, 50)
        XCTAssertEqual(moved.bounds?.minX, 10); XCTAssertEqual(moved.bounds?.minY, -5)
        XCTAssertEqual(Geometry.point(Point(0, 0)).mapPoints { Point($0.x + 1, $0.y + 2) }, .point(Point(1, 2)))
        XCTAssertEqual(Geometry.multiPoint([Point(0, 0)]).mapPoints { Point($0.x, $0.y + 1) }.kind, .multiPoint)
    }

    func testKinds() {
        XCTAssertEqual(Geometry.point(Point(0, 0)).kind.rawValue, "Point")
        XCTAssertEqual(Geometry.multiLineString([]).kind.rawValue, "MultiLineString")
        XCTAssertEqual(Geometry.multiPolygon([]).kind, .multiPolygon)
    }
}

/// Attribute values and features.
final class FeatureTests: XCTestCase {
    func testFieldValues() {
        XCTAssertEqual(FieldValue.integer(42).description, "42")
        XCTAssertEqual(FieldValue.real(2.5).description, "2.5")
        XCTAssertEqual(FieldValue.null.description, "")
        XCTAssertEqual(FieldValue.integer(3).doubleValue, 3)
        XCTAssertEqual(FieldValue.string(" 7.25 ").doubleValue, 7.25)
        XCTAssertNil(FieldValue.string("seven").doubleValue)
        XCTAssertNil(FieldValue.null.doubleValue)
        XCTAssertNil(FieldValue.null.stringValue)
        XCTAssertEqual(FieldValue.integer(5).stringValue, "5")
    }

    /// A missing field reads as null.
    func testFeatureSubscript() {
        let f = Feature(geometry: .point(Point(1, 2)), attributes: ["name": .string("Mare")], fid: 9)
        XCTAssertEqual(f["name"], .string("Mare"))
        XCTAssertEqual(f["other"], .null)
        XCTAssertEqual(f.fid, 9)
        let layer = VectorLayer(name: "ponds", geometryKind: .point, fields: [FieldDefinition("name", .string)], features: [f])
        XCTAssertEqual(layer.features.count, 1)
        XCTAssertEqual(layer.fields[0].type.rawValue, "String")
        XCTAssertEqual(layer.crsWKT, "")
    }
}
