import Foundation
import TrameVector

/// One layer of the scheme held in memory for the web: the features in WGS 84 with their boxes, a grid
/// index for box queries, and the geometries simplified for the coarser zoom levels (Douglas–Peucker
/// with half a screen pixel as tolerance); the geometries in the scheme's own CRS serve point queries.
public final class WebLayer: Sendable {
    public let name: String
    public let kind: GeometryKind
    public let fields: [FieldDefinition]
    /// Attributes and WGS 84 geometry.
    public let features: [Feature]
    /// Geometry in the scheme's CRS (metres).
    public let native: [Geometry?]
    let boxes: [LonLatBox?]
    let index: BoxIndex
    /// Simplified geometries, one array per level of `WebLayer.levels`.
    let simplified: [[Geometry?]]

    /// Zoom levels with their own simplified geometries; above the last, geometries are served whole.
    static let levels = [6, 8, 10, 12, 14, 16]

    public init(name: String, kind: GeometryKind, fields: [FieldDefinition], features: [Feature], native: [Geometry?]) {
        self.name = name; self.kind = kind; self.fields = fields; self.features = features; self.native = native
        boxes = features.map { f in f.geometry?.bounds.map { LonLatBox(west: $0.minX, south: $0.minY, east: $0.maxX, north: $0.maxY) } }
        index = BoxIndex(boxes)
        let polygonal = kind == .polygon || kind == .multiPolygon || kind == .lineString || kind == .multiLineString
        var levels: [[Geometry?]] = []
        if polygonal {
            for z in WebLayer.levels {
                let tolerance = 360.0 / (256 * pow(2, Double(z))) / 2
                levels.append(features.map { $0.geometry.flatMap { Simplifier.simplify($0, tolerance: tolerance) } })
            }
        }
        simplified = levels
    }

    /// Positions of the features whose box meets `box`, in layer order.
    func features(in box: LonLatBox) -> [Int] {
        index.query(box).filter { boxes[$0].map { $0.intersects(box) } ?? false }
    }

    /// The geometry to serve at `zoom`.
    func geometry(_ i: Int, zoom: Int?) -> Geometry? {
        guard !simplified.isEmpty, let z = zoom, let level = WebLayer.levels.firstIndex(where: { $0 >= z }) else { return features[i].geometry }
        return simplified[level][i]
    }

    /// A GeoJSON FeatureCollection of the features meeting `box` (all when nil), simplified for `zoom`.
    public func geoJSON(box: LonLatBox?, zoom: Int?) -> String {
        let ids = box.map { features(in: $0) } ?? Array(features.indices)
        var out = GeoJSONWriter()
        out.raw("{\"type\":\"FeatureCollection\",\"name\":")
        out.string(name)
        out.raw(",\"features\":[")
        var first = true
        for i in ids {
            guard let g = geometry(i, zoom: zoom) else { continue }
            if !first { out.raw(",") }
            first = false
            out.raw("{\"type\":\"Feature\",\"id\":\(i + 1),\"properties\":")
            out.properties(features[i].attributes, fields: fields)
            out.raw(",\"geometry\":")
            out.geometry(g)
            out.raw("}")
        }
        out.raw("]}")
        return out.text
    }
}

/// A uniform grid of buckets over the layer's extent (64 × 64 at most), each listing the features
/// whose box meets it.
struct BoxIndex: Sendable {
    let extent: LonLatBox
    let cols: Int, rows: Int
    let buckets: [[Int32]]

    init(_ boxes: [LonLatBox?]) {
        let valid = boxes.compactMap { $0 }
        guard let f = valid.first else {
            extent = LonLatBox(west: 0, south: 0, east: 0, north: 0); cols = 0; rows = 0; buckets = []; return
        }
        var e = f
        for b in valid { e = LonLatBox(west: min(e.west, b.west), south: min(e.south, b.south), east: max(e.east, b.east), north: max(e.north, b.north)) }
        extent = e
        let side = max(1, min(64, Int(Double(valid.count).squareRoot())))
        cols = side; rows = side
        var b = [[Int32]](repeating: [], count: side * side)
        for (i, box) in boxes.enumerated() {
            guard let box else { continue }
            let (c0, r0, c1, r1) = BoxIndex.range(box, extent: e, cols: side, rows: side)
            for r in r0...r1 { for c in c0...c1 { b[r * side + c].append(Int32(i)) } }
        }
        buckets = b
    }

    static func range(_ box: LonLatBox, extent e: LonLatBox, cols: Int, rows: Int) -> (Int, Int, Int, Int) {
        let w = max(e.east - e.west, 1e-12), h = max(e.north - e.south, 1e-12)
        func col(_ x: Double) -> Int { min(cols - 1, max(0, Int((x - e.west) / w * Double(cols)))) }
        func row(_ y: Double) -> Int { min(rows - 1, max(0, Int((y - e.south) / h * Double(rows)))) }
        return (col(box.west), row(box.south), col(box.east), row(box.north))
    }

    func query(_ box: LonLatBox) -> [Int] {
        guard cols > 0, box.intersects(extent) else { return [] }
        let (c0, r0, c1, r1) = BoxIndex.range(box, extent: extent, cols: cols, rows: rows)
        if c0 == c1 && r0 == r1 { return buckets[r0 * cols + c0].map(Int.init) }
        var seen = Set<Int32>()
        for r in r0...r1 { for c in c0...c1 { seen.formUnion(buckets[r * cols + c]) } }
        return seen.map(Int.init).sorted()
    }
}

/// Douglas–Peucker on longitude/latitude, longitudes scaled by the cosine of the latitude.
enum Simplifier {
    static func simplify(_ g: Geometry, tolerance: Double) -> Geometry? {
        switch g {
        case .point, .multiPoint: return g
        case .lineString(let l): return .lineString(line(l, tolerance))
        case .multiLineString(let ls): return .multiLineString(ls.map { line($0, tolerance) })
        case .polygon(let p): return polygon(p, tolerance).map { .polygon($0) }
        case .multiPolygon(let ps):
            let kept = ps.compactMap { polygon($0, tolerance) }
            return kept.isEmpty ? nil : .multiPolygon(kept)
        }
    }

    static func polygon(_ p: Polygon, _ tol: Double) -> Polygon? {
        let ext = line(p.exterior, tol)
        guard ext.count >= 4 else { return nil }
        return Polygon(exterior: ext, holes: p.holes.map { line($0, tol) }.filter { $0.count >= 4 })
    }

    /// Keeps the end points and every vertex farther than `tol` from the chord of its stretch.
    static func line(_ pts: [Point], _ tol: Double) -> [Point] {
        guard pts.count > 2 else { return pts }
        let k = cos((pts[0].y) * .pi / 180)
        var keep = [Bool](repeating: false, count: pts.count)
        keep[0] = true; keep[pts.count - 1] = true
        var stack = [(0, pts.count - 1)]
        let tol2 = tol * tol
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            let ax = pts[a].x * k, ay = pts[a].y, dx = pts[b].x * k - ax, dy = pts[b].y - ay
            let len2 = dx * dx + dy * dy
            var worst = -1.0, at = a
            for i in (a + 1)..<b {
                let px = pts[i].x * k - ax, py = pts[i].y - ay
                let d2: Double
                if len2 == 0 { d2 = px * px + py * py } else {
                    let cross = px * dy - py * dx
                    d2 = cross * cross / len2
                }
                if d2 > worst { worst = d2; at = i }
            }
            if worst > tol2 { keep[at] = true; stack.append((a, at)); stack.append((at, b)) }
        }
        var out: [Point] = []
        out.reserveCapacity(pts.count / 2)
        for i in pts.indices where keep[i] { out.append(pts[i]) }
        return out
    }
}

/// Writes GeoJSON text: coordinates to 6 decimals (about 0.1 m), attributes as JSON values.
struct GeoJSONWriter {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(1 << 16) }
    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func string(_ s: String) {
        bytes.append(34)
        for u in s.utf8 {
            switch u {
            case 34: bytes.append(92); bytes.append(34)
            case 92: bytes.append(92); bytes.append(92)
            case 10: bytes.append(92); bytes.append(110)
            case 13: bytes.append(92); bytes.append(114)
            case 9: bytes.append(92); bytes.append(116)
            case 0..<32: raw(String(format: "\\u%04x", u))
            default: bytes.append(u)
            }
        }
        bytes.append(34)
    }

    mutating func number(_ v: Double) {
        guard v.isFinite else { raw("null"); return }
        if v == v.rounded(), abs(v) < 1e15 { raw(String(Int64(v))); return }
        raw(String(v))   // the shortest text that reads back as the same Double (2.3e-09 stays 2.3e-09)
    }

    /// A coordinate to 6 decimals, written digit by digit (the hot loop of layer requests).
    mutating func coordinate(_ v: Double) {
        var n = Int64((v * 1_000_000).rounded())
        if n < 0 { bytes.append(45); n = -n }
        let whole = n / 1_000_000, frac = n % 1_000_000
        raw(String(whole))
        bytes.append(46)
        var digits = [UInt8](repeating: 48, count: 6)
        var f = frac
        for i in stride(from: 5, through: 0, by: -1) { digits[i] = UInt8(48 + f % 10); f /= 10 }
        bytes.append(contentsOf: digits)
    }

    mutating func properties(_ a: [String: FieldValue], fields: [FieldDefinition]) {
        bytes.append(123)
        for (k, f) in fields.enumerated() {
            if k > 0 { bytes.append(44) }
            string(f.name)
            bytes.append(58)
            value(a[f.name] ?? .null)
        }
        bytes.append(125)
    }

    mutating func value(_ v: FieldValue) {
        switch v {
        case .integer(let i): raw(String(i))
        case .real(let d): number(d)
        case .string(let s): string(s)
        default: raw("null")
        }
    }

    mutating func ring(_ pts: [Point]) {
        bytes.append(91)
        for (i, p) in pts.enumerated() {
            if i > 0 { bytes.append(44) }
            bytes.append(91); coordinate(p.x); bytes.append(44); coordinate(p.y); bytes.append(93)
        }
        bytes.append(93)
    }

    mutating func polygon(_ p: Polygon) {
        bytes.append(91)
        ring(p.exterior)
        for h in p.holes { bytes.append(44); ring(h) }
        bytes.append(93)
    }

    mutating func geometry(_ g: Geometry) {
        switch g {
        case .point(let p):
            raw("{\"type\":\"Point\",\"coordinates\":[")
            coordinate(p.x); bytes.append(44); coordinate(p.y); raw("]}")
        case .multiPoint(let ps):
            raw("{\"type\":\"MultiPoint\",\"coordinates\":"); ring(ps); raw("}")
        case .lineString(let l):
            raw("{\"type\":\"LineString\",\"coordinates\":"); ring(l); raw("}")
        case .multiLineString(let ls):
            raw("{\"type\":\"MultiLineString\",\"coordinates\":[")
            for (i, l) in ls.enumerated() { if i > 0 { bytes.append(44) }; ring(l) }
            raw("]}")
        case .polygon(let p):
            raw("{\"type\":\"Polygon\",\"coordinates\":"); polygon(p); raw("}")
        case .multiPolygon(let ps):
            raw("{\"type\":\"MultiPolygon\",\"coordinates\":[")
            for (i, p) in ps.enumerated() { if i > 0 { bytes.append(44) }; polygon(p) }
            raw("]}")
        }
    }
}
