import Foundation
import TrameRaster
import TrameVector

/// A line of transport infrastructure that can cut a corridor.
public struct InfrastructureLine: Sendable {
    /// "road" or "railway".
    public var kind: String
    /// Its class ("motorway", "primary", "rail", …).
    public var cls: String
    public var name: String
    public var line: [Point]
    public init(kind: String, cls: String, name: String, line: [Point]) { self.kind = kind; self.cls = cls; self.name = name; self.line = line }
}

/// A least-cost link with what the conflict search needs.
public struct CorridorLink: Sendable {
    public var id: Int
    public var from: Int32, to: Int32
    public var line: [Point]
    public var dPC: Double
    public init(id: Int, from: Int32, to: Int32, line: [Point], dPC: Double) { self.id = id; self.from = from; self.to = to; self.line = line; self.dPC = dPC }
}

/// Where a corridor is cut by a road, a railway or built-up land.
public struct ConflictPoint: Sendable {
    public var point: Point
    /// "road", "railway" or "built-up".
    public var kind: String
    /// Infrastructure class, or the land-cover class crossed for built-up land.
    public var cls: String
    public var name: String
    /// Metres of infrastructure inside the corridor (for lines), or of the link inside built-up land.
    public var crossingLength: Double
    public var linkID: Int
    public var from: Int32, to: Int32
    public var dPC: Double
}

public enum ConflictFinder {
    /// Conflict points of one sub-network's links.
    ///
    /// A road or railway conflict is an exact intersection of the link's least-cost path with the
    /// infrastructure line; its crossing length is the length of that line inside the corridor
    /// (walked both ways from the crossing). A built-up conflict marks the middle of each stretch of
    /// the path through built-up cells; its length is that stretch's.
    ///
    /// - Parameters:
    ///   - corridor: non-zero on the cells of the sub-network's corridors.
    ///   - classLabel: names a land-cover code for built-up conflicts.
    public static func find(links: [CorridorLink], infrastructure: [InfrastructureLine], corridor: [UInt8], landCover: Grid<Int32>,
                            builtUp: ClassSet, classLabel: (Int32) -> String) -> [ConflictPoint] {
        let spec = landCover.spec
        let cell = abs(spec.transform.pixelWidth)
        let index = SegmentIndex(infrastructure, bucket: max(cell * 20, 200))
        func inCorridor(_ p: Point) -> Bool {
            guard let c = spec.cell(x: p.x, y: p.y) else { return false }
            return corridor[spec.index(col: c.col, row: c.row)] != 0
        }
        var out: [ConflictPoint] = []
        for link in links where link.line.count >= 2 {
            // Roads and railways: exact crossings, one per (line, stretch of corridor).
            var found: [(feature: Int, p: Point, reach: Double)] = []
            for s in 0..<(link.line.count - 1) {
                let a = link.line[s], b = link.line[s + 1]
                for (f, k) in index.candidates(a, b) {
                    let pts = infrastructure[f].line
                    guard let p = intersection(a, b, pts[k], pts[k + 1]) else { continue }
                    // One point per crossing: skip crossings of the same line within the stretch already measured.
                    if found.contains(where: { $0.feature == f && $0.p.distance(to: p) <= max($0.reach, 2 * cell) }) { continue }
                    let along = lengthInside(pts, segment: k, from: p, step: cell / 2, inside: inCorridor)
                    found.append((f, p, along.reach))
                    let inf = infrastructure[f]
                    out.append(ConflictPoint(point: p, kind: inf.kind, cls: inf.cls, name: inf.name, crossingLength: along.length,
                                             linkID: link.id, from: link.from, to: link.to, dPC: link.dPC))
                }
            }
            // Built-up land: stretches of the path through built-up cells.
            var run: [Int] = []
            var runLength = 0.0
            func flush() {
                defer { run = []; runLength = 0 }
                guard !run.isEmpty else { return }
                let mid = link.line[run[run.count / 2]]
                var counts: [Int32: Int] = [:]
                for k in run { if let c = spec.cell(x: link.line[k].x, y: link.line[k].y) { counts[landCover.values[spec.index(col: c.col, row: c.row)], default: 0] += 1 } }
                let cls = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
                out.append(ConflictPoint(point: mid, kind: "built-up", cls: classLabel(cls), name: "", crossingLength: max(runLength, cell),
                                         linkID: link.id, from: link.from, to: link.to, dPC: link.dPC))
            }
            for (k, p) in link.line.enumerated() {
                var isBuilt = false
                if let c = spec.cell(x: p.x, y: p.y) {
                    let v = landCover.values[spec.index(col: c.col, row: c.row)]
                    isBuilt = !landCover.isNoData(v) && builtUp.contains(v)
                }
                if isBuilt {
                    if let last = run.last { runLength += link.line[last].distance(to: p) }
                    run.append(k)
                } else { flush() }
            }
            flush()
        }
        return out
    }

    /// Intersection of segments ab and cd (nil when parallel or apart).
    static func intersection(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Point? {
        let r = (x: b.x - a.x, y: b.y - a.y), s = (x: d.x - c.x, y: d.y - c.y)
        let den = r.x * s.y - r.y * s.x
        if abs(den) < 1e-12 { return nil }
        let t = ((c.x - a.x) * s.y - (c.y - a.y) * s.x) / den
        let u = ((c.x - a.x) * r.y - (c.y - a.y) * r.x) / den
        guard t >= 0, t <= 1, u >= 0, u <= 1 else { return nil }
        return Point(a.x + t * r.x, a.y + t * r.y)
    }

    /// Length of the polyline inside a region around `p` (which lies on segment `segment`), walking
    /// both ways in steps until the region ends; `reach` is the farthest straight distance reached.
    static func lengthInside(_ pts: [Point], segment: Int, from p: Point, step: Double, inside: (Point) -> Bool) -> (length: Double, reach: Double) {
        var total = 0.0, reach = 0.0
        for dir in [1, -1] {
            var cur = p
            var k = dir == 1 ? segment + 1 : segment   // next vertex in this direction
            var walked = 0.0
            walk: while k >= 0 && k < pts.count && walked < 20_000 {
                let target = pts[k]
                var remaining = cur.distance(to: target)
                while remaining > 0 {
                    let h = min(step, remaining)
                    let t = h / remaining
                    let next = Point(cur.x + (target.x - cur.x) * t, cur.y + (target.y - cur.y) * t)
                    if !inside(next) { break walk }
                    walked += h; remaining -= h; cur = next
                    reach = max(reach, cur.distance(to: p))
                }
                k += dir
            }
            total += walked
        }
        return (total, reach)
    }

    /// Segments of the infrastructure lines in square buckets.
    struct SegmentIndex {
        var buckets: [Int: [(Int, Int)]] = [:]
        let size: Double
        init(_ lines: [InfrastructureLine], bucket: Double) {
            size = bucket
            for (f, l) in lines.enumerated() where l.line.count >= 2 {
                for k in 0..<(l.line.count - 1) {
                    for key in keys(l.line[k], l.line[k + 1]) { buckets[key, default: []].append((f, k)) }
                }
            }
        }
        func keys(_ a: Point, _ b: Point) -> [Int] {
            let x0 = Int((min(a.x, b.x) / size).rounded(.down)), x1 = Int((max(a.x, b.x) / size).rounded(.down))
            let y0 = Int((min(a.y, b.y) / size).rounded(.down)), y1 = Int((max(a.y, b.y) / size).rounded(.down))
            var out: [Int] = []
            for x in x0...x1 { for y in y0...y1 { out.append(x &* 1_000_003 &+ y) } }
            return out
        }
        func candidates(_ a: Point, _ b: Point) -> [(Int, Int)] {
            var seen = Set<Int>()
            var out: [(Int, Int)] = []
            for key in keys(a, b) {
                for c in buckets[key] ?? [] where seen.insert(c.0 << 32 | c.1).inserted { out.append(c) }
            }
            return out
        }
    }
}
