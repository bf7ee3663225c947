/// A point in map coordinates (metres in Lambert-93).
public struct Point: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }

    public func distance(to p: Point) -> Double { ((x - p.x) * (x - p.x) + (y - p.y) * (y - p.y)).squareRoot() }
}

/// A polygon: one exterior ring and any number of holes. Rings are closed (first point repeated last).
public struct Polygon: Equatable, Sendable {
    public var exterior: [Point]
    public var holes: [[Point]]
    public init(exterior: [Point], holes: [[Point]] = []) {
        self.exterior = Polygon.closed(exterior)
        self.holes = holes.map(Polygon.closed)
    }

    static func closed(_ ring: [Point]) -> [Point] {
        guard let f = ring.first, let l = ring.last, f != l else { return ring }
        return ring + [f]
    }

    /// Signed area of a closed ring by the shoelace formula (positive when counter-clockwise).
    public static func signedArea(_ ring: [Point]) -> Double {
        guard ring.count > 2 else { return 0 }
        var s = 0.0
        for i in 0..<(ring.count - 1) { s += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y }
        return s / 2
    }

    /// Area in squared map units (m²), holes removed.
    public var area: Double {
        abs(Polygon.signedArea(exterior)) - holes.reduce(0) { $0 + abs(Polygon.signedArea($1)) }
    }

    /// Length of all rings in map units (m).
    public var perimeter: Double {
        ([exterior] + holes).reduce(0) { $0 + Geometry.length(of: $1) }
    }

    /// Even-odd point-in-polygon test (holes excluded).
    public func contains(_ p: Point) -> Bool {
        guard Polygon.ringContains(exterior, p) else { return false }
        return !holes.contains { Polygon.ringContains($0, p) }
    }

    static func ringContains(_ ring: [Point], _ p: Point) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let a = ring[i], b = ring[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }
}

/// The geometries Trame reads and writes: points, lines, polygons and their multi forms.
public enum Geometry: Equatable, Sendable {
    case point(Point)
    case lineString([Point])
    case polygon(Polygon)
    case multiPoint([Point])
    case multiLineString([[Point]])
    case multiPolygon([Polygon])

    public var kind: GeometryKind {
        switch self {
        case .point: .point
        case .lineString: .lineString
        case .polygon: .polygon
        case .multiPoint: .multiPoint
        case .multiLineString: .multiLineString
        case .multiPolygon: .multiPolygon
        }
    }

    /// Length of a polyline in map units (m).
    public static func length(of line: [Point]) -> Double {
        guard line.count > 1 else { return 0 }
        var s = 0.0
        for i in 1..<line.count { s += line[i - 1].distance(to: line[i]) }
        return s
    }

    /// Length of lines and polygon boundaries (m); 0 for points.
    public var length: Double {
        switch self {
        case .point, .multiPoint: 0
        case .lineString(let l): Geometry.length(of: l)
        case .multiLineString(let ls): ls.reduce(0) { $0 + Geometry.length(of: $1) }
        case .polygon(let p): p.perimeter
        case .multiPolygon(let ps): ps.reduce(0) { $0 + $1.perimeter }
        }
    }

    /// Area (m²) of polygons; 0 for points and lines.
    public var area: Double {
        switch self {
        case .polygon(let p): p.area
        case .multiPolygon(let ps): ps.reduce(0) { $0 + $1.area }
        default: 0
        }
    }

    /// Every vertex, in order.
    public var points: [Point] {
        switch self {
        case .point(let p): [p]
        case .lineString(let l), .multiPoint(let l): l
        case .multiLineString(let ls): ls.flatMap { $0 }
        case .polygon(let p): p.exterior + p.holes.flatMap { $0 }
        case .multiPolygon(let ps): ps.flatMap { $0.exterior + $0.holes.flatMap { $0 } }
        }
    }

    /// Bounding box (minX, minY, maxX, maxY), nil when empty.
    public var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double)? {
        let ps = points
        guard let f = ps.first else { return nil }
        var b = (minX: f.x, minY: f.y, maxX: f.x, maxY: f.y)
        for p in ps { b.minX = min(b.minX, p.x); b.minY = min(b.minY, p.y); b.maxX = max(b.maxX, p.x); b.maxY = max(b.maxY, p.y) }
        return b
    }

    /// Applies a coordinate transform to every vertex.
    public func mapPoints(_ f: (Point) throws -> Point) rethrows -> Geometry {
        func poly(_ p: Polygon) throws -> Polygon { Polygon(exterior: try p.exterior.map(f), holes: try p.holes.map { try $0.map(f) }) }
        switch self {
        case .point(let p): return .point(try f(p))
        case .lineString(let l): return .lineString(try l.map(f))
        case .multiPoint(let l): return .multiPoint(try l.map(f))
        case .multiLineString(let ls): return .multiLineString(try ls.map { try $0.map(f) })
        case .polygon(let p): return .polygon(try poly(p))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(poly))
        }
    }
}

/// Geometry type of a layer or a feature.
public enum GeometryKind: String, Sendable, CaseIterable {
    case point = "Point", lineString = "LineString", polygon = "Polygon"
    case multiPoint = "MultiPoint", multiLineString = "MultiLineString", multiPolygon = "MultiPolygon"
    /// Layers whose features mix types, or whose type the file does not say.
    case unknown = "Unknown"
}
