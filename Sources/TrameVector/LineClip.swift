import Foundation

/// Segments in square buckets, for the segments near a box.
public struct SegmentIndex: Sendable {
    public let segments: [(Point, Point)]
    let size: Double
    var buckets: [SIMD2<Int64>: [Int32]] = [:]

    /// `size`: the buckets' side (m); a fair value is a few times the mean segment length.
    public init(_ segments: [(Point, Point)], size: Double? = nil) {
        self.segments = segments
        let total = segments.reduce(0.0) { $0 + $1.0.distance(to: $1.1) }
        self.size = max(size ?? (segments.isEmpty ? 100 : 4 * total / Double(segments.count)), 1)
        for (k, s) in segments.enumerated() {
            for key in keys(min(s.0.x, s.1.x), min(s.0.y, s.1.y), max(s.0.x, s.1.x), max(s.0.y, s.1.y)) { buckets[key, default: []].append(Int32(k)) }
        }
    }

    /// The segments of polylines (each consecutive pair of points).
    public init(lines: [[Point]]) {
        var segs: [(Point, Point)] = []
        for l in lines where l.count >= 2 { for k in 1..<l.count { segs.append((l[k - 1], l[k])) } }
        self.init(segs)
    }

    func keys(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [SIMD2<Int64>] {
        let c0 = Int64((x0 / size).rounded(.down)), c1 = Int64((x1 / size).rounded(.down))
        let r0 = Int64((y0 / size).rounded(.down)), r1 = Int64((y1 / size).rounded(.down))
        // A segment spanning very many buckets (a bad size): cap the work, every bucket is still listed.
        var out: [SIMD2<Int64>] = []
        out.reserveCapacity(Int((c1 - c0 + 1) * (r1 - r0 + 1)))
        for c in c0...c1 { for r in r0...r1 { out.append(SIMD2(c, r)) } }
        return out
    }

    /// Indices of the segments whose buckets meet the box, each once.
    public func near(minX: Double, minY: Double, maxX: Double, maxY: Double) -> [Int] {
        guard minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite else { return [] }
        var seen = Set<Int32>(), out: [Int] = []
        for key in keys(minX, minY, maxX, maxY) {
            for k in buckets[key] ?? [] where seen.insert(k).inserted { out.append(Int(k)) }
        }
        return out
    }
}

/// Exact clipping of polylines by polygons, and the parts of a polyline within a distance of other
/// lines: what GEOS's ST_Intersection / ST_Difference give for a line and polygons, computed on the
/// segments (no sampling).
public enum LineClip {
    /// The parts of `line` inside the union of `polygons` (`inside` true) or outside it, as polylines.
    /// Each segment is cut where it crosses a ring; each piece is in or out by its middle, a middle on a
    /// ring being inside (polygons are closed, as in GEOS: a stretch along an edge is in the intersection).
    /// - Complexity: O(s × e) in the worst case for s segments and e ring edges; the index keeps it near O(s + e).
    public static func pieces(_ line: [Point], polygons: [Polygon], inside: Bool) -> [[Point]] {
        guard line.count >= 2 else { return [] }
        var edges: [(Point, Point)] = []
        var boxes: [(minX: Double, minY: Double, maxX: Double, maxY: Double)] = []
        for p in polygons {
            var b = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
            for ring in [p.exterior] + p.holes where ring.count >= 2 {
                for k in 1..<ring.count { edges.append((ring[k - 1], ring[k])) }
            }
            for q in p.exterior { b = (min(b.minX, q.x), min(b.minY, q.y), max(b.maxX, q.x), max(b.maxY, q.y)) }
            boxes.append(b)
        }
        let index = SegmentIndex(edges)
        func isInside(_ q: Point) -> Bool {
            // Polygons are closed sets (as GEOS's): a point on a ring is inside (a course along a corridor's edge).
            let e = 1e-9 * max(1, abs(q.x), abs(q.y))
            for k in index.near(minX: q.x - e, minY: q.y - e, maxX: q.x + e, maxY: q.y + e)
            where pointSegmentDistance(q, index.segments[k].0, index.segments[k].1) <= e { return true }
            for (k, p) in polygons.enumerated() {
                let b = boxes[k]
                if q.x >= b.minX && q.x <= b.maxX && q.y >= b.minY && q.y <= b.maxY && p.contains(q) { return true }
            }
            return false
        }
        return runs(line, keep: inside) { a, b in
            var ts: [Double] = [0, 1]
            for k in index.near(minX: min(a.x, b.x), minY: min(a.y, b.y), maxX: max(a.x, b.x), maxY: max(a.y, b.y)) {
                let (c, d) = index.segments[k]
                ts += crossings(a, b, c, d)
            }
            return ts
        } test: { isInside($0) == true }
    }

    /// The parts of `line` farther than `distance` from every segment of `index` (`far` true), or within it.
    /// For each segment of the line the set of its points within the distance of one other segment is one
    /// interval (the line meets a capsule, a convex set): their union is exact.
    public static func pieces(_ line: [Point], near index: SegmentIndex, distance: Double, far: Bool) -> [[Point]] {
        guard line.count >= 2 else { return [] }
        return runs(line, keep: !far) { a, b in
            var ts: [Double] = [0, 1]
            let r = distance
            for k in index.near(minX: min(a.x, b.x) - r, minY: min(a.y, b.y) - r, maxX: max(a.x, b.x) + r, maxY: max(a.y, b.y) + r) {
                let (c, d) = index.segments[k]
                if let iv = capsuleInterval(a, b, c, d, r) { ts += [iv.0, iv.1] }
            }
            return ts
        } test: { q in
            for k in index.near(minX: q.x - distance, minY: q.y - distance, maxX: q.x + distance, maxY: q.y + distance) {
                let (c, d) = index.segments[k]
                if pointSegmentDistance(q, c, d) <= distance { return true }
            }
            return false
        }
    }


    /// Splits each segment at the parameters `cuts` gives, keeps the pieces whose middle passes `test`
    /// (`keep` true) or fails it, and joins consecutive kept pieces into polylines.
    static func runs(_ line: [Point], keep: Bool, cuts: (Point, Point) -> [Double], test: (Point) -> Bool) -> [[Point]] {
        var out: [[Point]] = []
        var current: [Point] = []
        func close() { if current.count >= 2 { out.append(current) }; current = [] }
        for k in 1..<line.count {
            let a = line[k - 1], b = line[k]
            guard a.distance(to: b) > 0 else { continue }
            let ts = Array(Set(cuts(a, b).map { min(1, max(0, $0)) })).sorted()
            for j in 1..<ts.count where ts[j] - ts[j - 1] > 1e-12 {
                let t0 = ts[j - 1], t1 = ts[j], tm = (t0 + t1) / 2
                let mid = Point(a.x + (b.x - a.x) * tm, a.y + (b.y - a.y) * tm)
                if test(mid) == keep {
                    let p0 = Point(a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0), p1 = Point(a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1)
                    if current.isEmpty { current.append(p0) }
                    current.append(p1)
                } else {
                    close()
                }
            }
        }
        close()
        return out
    }

    /// Parameters t along AB where it meets segment CD (one, or the two ends of an overlap).
    public static func crossings(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> [Double] {
        let r = (x: b.x - a.x, y: b.y - a.y), s = (x: d.x - c.x, y: d.y - c.y)
        let den = r.x * s.y - r.y * s.x
        let qp = (x: c.x - a.x, y: c.y - a.y)
        let rr = r.x * r.x + r.y * r.y
        if abs(den) <= 1e-12 * max(rr, 1e-300) {
            // Parallel: collinear overlap ends.
            guard abs(qp.x * r.y - qp.y * r.x) <= 1e-9 * rr.squareRoot() + 1e-12, rr > 0 else { return [] }
            let t0 = (qp.x * r.x + qp.y * r.y) / rr, t1 = ((d.x - a.x) * r.x + (d.y - a.y) * r.y) / rr
            return [t0, t1].filter { $0 >= 0 && $0 <= 1 }
        }
        let t = (qp.x * s.y - qp.y * s.x) / den, u = (qp.x * r.y - qp.y * r.x) / den
        return t >= 0 && t <= 1 && u >= -1e-12 && u <= 1 + 1e-12 ? [t] : []
    }

    /// The interval of t in [0, 1] where A + t(B − A) lies within `r` of segment CD, or nil.
    public static func capsuleInterval(_ a: Point, _ b: Point, _ c: Point, _ d: Point, _ r: Double) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        func take(_ iv: (Double, Double)?) { if let iv { lo = min(lo, iv.0); hi = max(hi, iv.1) } }
        take(discInterval(a, b, c, r)); take(discInterval(a, b, d, r))
        // The rectangle CD × [−r, r], in CD's frame.
        let len = c.distance(to: d)
        if len > 0 {
            let ux = (d.x - c.x) / len, uy = (d.y - c.y) / len
            func local(_ p: Point) -> (Double, Double) { ((p.x - c.x) * ux + (p.y - c.y) * uy, -(p.x - c.x) * uy + (p.y - c.y) * ux) }
            let pa = local(a), pb = local(b)
            var t0 = 0.0, t1 = 1.0
            func clip(_ p: Double, _ q: Double) -> Bool {   // Liang–Barsky: p·t ≤ q
                if abs(p) < 1e-15 { return q >= 0 }
                let t = q / p
                if p < 0 { if t > t1 { return false }; t0 = max(t0, t) } else { if t < t0 { return false }; t1 = min(t1, t) }
                return true
            }
            let dx = pb.0 - pa.0, dy = pb.1 - pa.1
            if clip(-dx, pa.0), clip(dx, len - pa.0), clip(-dy, pa.1 + r), clip(dy, r - pa.1), t0 <= t1 { take((t0, t1)) }
        }
        guard lo <= hi else { return nil }
        return (max(0, lo), min(1, hi))
    }

    /// The interval of t in [0, 1] where A + t(B − A) lies within `r` of `c`.
    static func discInterval(_ a: Point, _ b: Point, _ c: Point, _ r: Double) -> (Double, Double)? {
        let dx = b.x - a.x, dy = b.y - a.y, fx = a.x - c.x, fy = a.y - c.y
        let A = dx * dx + dy * dy, B = 2 * (fx * dx + fy * dy), C = fx * fx + fy * fy - r * r
        guard A > 0 else { return C <= 0 ? (0, 1) : nil }
        let disc = B * B - 4 * A * C
        guard disc >= 0 else { return nil }
        let q = disc.squareRoot()
        let t0 = (-B - q) / (2 * A), t1 = (-B + q) / (2 * A)
        guard t1 >= 0, t0 <= 1 else { return nil }
        return (max(0, t0), min(1, t1))
    }

    public static func pointSegmentDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let l2 = dx * dx + dy * dy
        let t = l2 > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0
        return hypot(p.x - a.x - t * dx, p.y - a.y - t * dy)
    }

    /// The distance between segments AB and CD (0 when they cross).
    public static func segmentDistance(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Double {
        if !crossings(a, b, c, d).isEmpty { return 0 }
        return min(pointSegmentDistance(a, c, d), pointSegmentDistance(b, c, d), pointSegmentDistance(c, a, b), pointSegmentDistance(d, a, b))
    }

    /// The length of polylines (m).
    public static func length(_ lines: [[Point]]) -> Double {
        lines.reduce(0) { acc, l in acc + zip(l, l.dropFirst()).reduce(0) { $0 + $1.0.distance(to: $1.1) } }
    }
}
