import Foundation
import TrameRaster
import TrameVector

/// A watercourse of the hydrography (a river, a canal): its name and its axis.
public struct Watercourse: Sendable {
    public var name: String
    public var line: [Point]
    public init(name: String, line: [Point]) { self.name = name; self.line = line }
}

/// An obstacle to the flow of water and fish (a weir, a dam, a lock, a culvert) with its passability:
/// 0 = impassable … 1 = passable with limited impact (the French ICE classes 0, 0.33, 0.66, 1).
public struct Obstacle: Sendable {
    public var point: Point
    public var name: String
    /// Its type as the register gives it ("weir", "lock", …), shown on conflict points.
    public var kind: String
    public var passability: Double
    public init(point: Point, name: String, kind: String, passability: Double) {
        self.point = point; self.name = name; self.kind = kind; self.passability = passability
    }
}

/// The watercourses cut into stretches: pieces of line between breaks (obstacles, barrier classes, the
/// edge of the land cover), pieces that meet (confluences, crossings, a tributary ending on a river)
/// joined into one stretch. Passable obstacles join the stretches on their two sides (links); breaking
/// ones do not. Reaches are the groups of stretches joined through passable obstacles: the river in
/// continuity.
public struct WatercourseNetwork: Sendable {
    public struct Piece: Sendable {
        public var watercourse: Int
        /// Arc lengths (m) along the watercourse's line where the piece starts and ends.
        public var start: Double, end: Double
        public var line: [Point]
        public var stretch: Int32
        public var length: Double { end - start }
    }

    public struct Stretch: Sendable {
        public var id: Int32
        /// Indices in `pieces`.
        public var pieces: [Int]
        /// Metres of watercourse.
        public var length: Double
        /// The watercourses' names, sorted, without repeats.
        public var names: [String]
        /// Its reach (1…).
        public var reach: Int
    }

    /// A passable obstacle joining two stretches.
    public struct Link: Sendable {
        public var from: Int32, to: Int32
        /// Product of the passabilities of the obstacles at the cut.
        public var passability: Double
        /// A short line along the watercourse across the obstacle (one cell on each side).
        public var line: [Point]
        /// Indices in `obstacles` of the obstacles at the cut.
        public var obstacles: [Int]
    }

    /// An obstacle of the input placed on a watercourse.
    public struct PlacedObstacle: Sendable {
        /// Index in the input.
        public var index: Int
        /// Where it cuts the watercourse (its point projected on the nearest line).
        public var at: Point
        /// The stretches on its two sides (0: none, at the end of a line or of the territory).
        public var from: Int32, to: Int32
        public var breaks: Bool
        /// Index in `links` (passable obstacles between two stretches), nil otherwise.
        public var link: Int?
        /// Metres of river its removal would reconnect: for a breaking obstacle between two reaches, the
        /// length of the shorter one (the river that gains access to the longer); 0 otherwise.
        public var reconnected: Double
    }

    public var pieces: [Piece] = []
    public var stretches: [Stretch] = []
    public var links: [Link] = []
    public var obstacles: [PlacedObstacle] = []
    /// Indices in the input of the obstacles farther than the snap distance from every watercourse, or
    /// off the territory or in a barrier class.
    public var unplaced: [Int] = []
    /// Metres of watercourse on the land cover (cells with data), barrier classes included.
    public var watercourseLength = 0.0
    /// Metres of watercourse in cells of a barrier class.
    public var barrierLength = 0.0
    /// Per reach (index = reach − 1), its length in metres.
    public var reachLengths: [Double] = []

    /// Metres of the stretches: the watercourses minus their parts in barrier classes.
    public var stretchLength: Double { stretches.reduce(0) { $0 + $1.length } }

    /// Whether a stretch is in good continuity: its reach is at least `minReach` metres long.
    public func inGoodContinuity(_ s: Stretch, minReach: Double) -> Bool { reachLengths[s.reach - 1] >= minReach }

    /// Metres of watercourse in good continuity (reaches at least `minReach` long).
    public func goodContinuityLength(minReach: Double) -> Double { reachLengths.filter { $0 >= minReach }.reduce(0, +) }
}

public enum WatercourseBuilder {
    /// Cuts the watercourses into stretches and reaches.
    ///
    /// - Parameters:
    ///   - barrier: classes that break continuity where a watercourse crosses them (the line's parts in
    ///     them are dropped); cells off the grid or NoData are off the territory.
    ///   - breakingPassability: obstacles of at most this passability break continuity.
    ///   - snap: obstacles farther than this from every watercourse are left out (`unplaced`).
    /// Transitions between cells are found by bisection to a millimetre; lines meet where their segments
    /// intersect or where an end lies within half a cell of another line.
    public static func build(watercourses: [Watercourse], obstacles: [Obstacle], landCover: ClassGrid, barrier: ClassSet,
                             breakingPassability: Double, snap: Double) -> WatercourseNetwork {
        let spec = landCover.spec
        let cell = abs(spec.transform.pixelWidth)
        var net = WatercourseNetwork()
        let lines = watercourses.map { w in w.line.enumerated().filter { $0.offset == 0 || w.line[$0.offset - 1] != $0.element }.map(\.element) }
        let cums: [[Double]] = lines.map { l in
            var c = [0.0]
            for k in 1..<max(1, l.count) { c.append(c[k - 1] + l[k - 1].distance(to: l[k])) }
            return c
        }
        func point(_ i: Int, _ s: Double) -> Point {
            let l = lines[i], c = cums[i]
            guard l.count > 1 else { return l[0] }
            var lo = 0, hi = c.count - 1
            while hi - lo > 1 { let m = (lo + hi) / 2; if c[m] <= s { lo = m } else { hi = m } }
            let len = c[hi] - c[lo]
            let t = len > 0 ? max(0, min(1, (s - c[lo]) / len)) : 0
            return Point(l[lo].x + (l[hi].x - l[lo].x) * t, l[lo].y + (l[hi].y - l[lo].y) * t)
        }
        // 0 off the territory, 1 in a barrier class, 2 on the watercourse's own land.
        func state(_ p: Point) -> Int {
            guard let c = spec.cell(x: p.x, y: p.y) else { return 0 }
            let v = landCover[spec.index(col: c.col, row: c.row)]
            if landCover.isNoData(v) { return 0 }
            return barrier.contains(v) ? 1 : 2
        }
        // Kept intervals (state 2) of each line.
        var kept = [[(Double, Double)]](repeating: [], count: lines.count)
        let step = cell / 4
        for i in lines.indices where lines[i].count >= 2 {
            let L = cums[i].last!
            var s0 = 0.0, st = state(point(i, 0))
            var prev = 0.0
            let n = max(1, Int((L / step).rounded(.up)))
            for j in 1...n {
                let s = j == n ? L : Double(j) * step
                let sj = state(point(i, s))
                if sj != st {
                    var a = prev, b = s
                    while b - a > 1e-3 { let m = (a + b) / 2; if state(point(i, m)) == st { a = m } else { b = m } }
                    // The cut on the kept side, so a piece's ends lie in its own cells.
                    let cut = st == 2 ? a : b
                    if st == 2 { kept[i].append((s0, cut)) }
                    if st >= 1 { net.watercourseLength += cut - s0 }
                    if st == 1 { net.barrierLength += cut - s0 }
                    s0 = cut; st = sj
                }
                prev = s
            }
            if st == 2 { kept[i].append((s0, L)) }
            if st >= 1 { net.watercourseLength += L - s0 }
            if st == 1 { net.barrierLength += L - s0 }
        }
        // Obstacles on the nearest line.
        var cuts = [[(s: Double, obstacles: [Int])]](repeating: [], count: lines.count)
        var placedAt: [(line: Int, s: Double, p: Point)?] = []
        for (k, o) in obstacles.enumerated() {
            var best: (d: Double, line: Int, s: Double, p: Point)? = nil
            for i in lines.indices where lines[i].count >= 2 {
                let l = lines[i]
                for m in 1..<l.count {
                    let a = l[m - 1], b = l[m]
                    let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
                    let t = l2 > 0 ? max(0, min(1, ((o.point.x - a.x) * dx + (o.point.y - a.y) * dy) / l2)) : 0
                    let q = Point(a.x + t * dx, a.y + t * dy)
                    let d = q.distance(to: o.point)
                    if best == nil || d < best!.d { best = (d, i, cums[i][m - 1] + t * a.distance(to: b), q) }
                }
            }
            guard let b = best, b.d <= snap, kept[b.line].contains(where: { $0.0 <= b.s && b.s <= $0.1 }) else {
                net.unplaced.append(k); placedAt.append(nil); continue
            }
            placedAt.append((b.line, b.s, b.p))
            if let c = cuts[b.line].firstIndex(where: { abs($0.s - b.s) < 1e-6 }) { cuts[b.line][c].obstacles.append(k) } else { cuts[b.line].append((b.s, [k])) }
        }
        // Pieces: kept intervals cut at the obstacles.
        var piecesOf = [[Int]](repeating: [], count: lines.count)
        for i in lines.indices {
            let cs = cuts[i].map(\.s).sorted()
            for (a, b) in kept[i] {
                var s = a
                for c in cs where c > a && c < b { piecesOf[i].append(net.pieces.count); net.pieces.append(piece(i, s, c)); s = c }
                piecesOf[i].append(net.pieces.count); net.pieces.append(piece(i, s, b))
            }
        }
        func piece(_ i: Int, _ a: Double, _ b: Double) -> WatercourseNetwork.Piece {
            var pts = [point(i, a)]
            for m in cums[i].indices where cums[i][m] > a && cums[i][m] < b { pts.append(lines[i][m]) }
            pts.append(point(i, b))
            return .init(watercourse: i, start: a, end: b, line: pts, stretch: 0)
        }
        /// The piece of line i holding arc length s (the one starting there when s is a cut).
        func pieceAt(_ i: Int, _ s: Double) -> Int? {
            piecesOf[i].last { net.pieces[$0].start <= s + 1e-9 && s <= net.pieces[$0].end + 1e-9 }
        }
        // Pieces that meet: segment intersections between lines, and line ends near another line.
        var uf = UnionFind(count: net.pieces.count)
        let tol = cell / 2
        func bbox(_ l: [Point]) -> (Double, Double, Double, Double) {
            (l.map(\.x).min()!, l.map(\.y).min()!, l.map(\.x).max()!, l.map(\.y).max()!)
        }
        let boxes = lines.map { $0.count >= 2 ? bbox($0) : (0, 0, -1, -1) }
        func join(_ i: Int, _ si: Double, _ j: Int, _ sj: Double) {
            if let a = pieceAt(i, si), let b = pieceAt(j, sj) { uf.union(a, b) }
        }
        for i in lines.indices where lines[i].count >= 2 {
            for j in lines.indices where j > i && lines[j].count >= 2 {
                let A = boxes[i], B = boxes[j]
                guard A.0 - tol <= B.2, B.0 - tol <= A.2, A.1 - tol <= B.3, B.1 - tol <= A.3 else { continue }
                let li = lines[i], lj = lines[j]
                for m in 1..<li.count {
                    let p = li[m - 1], q = li[m]
                    let minX = min(p.x, q.x), maxX = max(p.x, q.x), minY = min(p.y, q.y), maxY = max(p.y, q.y)
                    for n in 1..<lj.count {
                        let r = lj[n - 1], u = lj[n]
                        guard min(r.x, u.x) <= maxX, minX <= max(r.x, u.x), min(r.y, u.y) <= maxY, minY <= max(r.y, u.y) else { continue }
                        if let (t, v) = intersection(p, q, r, u) {
                            join(i, cums[i][m - 1] + t * p.distance(to: q), j, cums[j][n - 1] + v * r.distance(to: u))
                        }
                    }
                }
                // Ends of one line within half a cell of the other.
                for (a, b) in [(i, j), (j, i)] {
                    for (end, s) in [(lines[a][0], 0.0), (lines[a].last!, cums[a].last!)] {
                        if let (sb, d) = nearest(end, lines[b], cums[b]), d <= tol { join(a, s, b, sb) }
                    }
                }
            }
        }
        // Stretches: the groups of pieces, numbered in the order of their first piece.
        var stretchOfRoot: [Int: Int32] = [:]
        for k in net.pieces.indices {
            let r = uf.find(k)
            let id = stretchOfRoot[r] ?? { let id = Int32(net.stretches.count + 1); stretchOfRoot[r] = id
                net.stretches.append(.init(id: id, pieces: [], length: 0, names: [], reach: 0)); return id }()
            net.pieces[k].stretch = id
            net.stretches[Int(id) - 1].pieces.append(k)
            net.stretches[Int(id) - 1].length += net.pieces[k].length
        }
        for s in net.stretches.indices {
            net.stretches[s].names = Array(Set(net.stretches[s].pieces.map { watercourses[net.pieces[$0].watercourse].name }.filter { !$0.isEmpty })).sorted()
        }
        // Obstacles: the stretches on their two sides; passable cuts between two stretches are links.
        var reachUF = UnionFind(count: net.stretches.count + 1)
        for i in lines.indices {
            for c in cuts[i] {
                let before = piecesOf[i].last { abs(net.pieces[$0].end - c.s) < 1e-6 }
                let after = piecesOf[i].first { abs(net.pieces[$0].start - c.s) < 1e-6 }
                let a = before.map { net.pieces[$0].stretch } ?? 0, b = after.map { net.pieces[$0].stretch } ?? 0
                let passability = c.obstacles.reduce(1.0) { $0 * obstacles[$1].passability }
                let breaks = c.obstacles.contains { obstacles[$0].passability <= breakingPassability }
                var link: Int? = nil
                if !breaks, a > 0, b > 0, a != b {
                    link = net.links.count
                    let at = placedAt[c.obstacles[0]]!.s, L = cums[i].last!
                    net.links.append(.init(from: min(a, b), to: max(a, b), passability: passability,
                                           line: [point(i, max(0, at - cell)), point(i, at), point(i, min(L, at + cell))], obstacles: []))
                    reachUF.union(Int(a), Int(b))
                }
                for k in c.obstacles {
                    net.obstacles.append(.init(index: k, at: placedAt[k]!.p, from: a, to: b, breaks: breaks, link: link, reconnected: 0))
                }
            }
        }
        net.obstacles.sort { $0.index < $1.index }
        for l in net.links.indices { net.links[l].obstacles = net.obstacles.indices.filter { net.obstacles[$0].link == l } }
        // Reaches, numbered in the order of their first stretch.
        var reachOfRoot: [Int: Int] = [:]
        for s in net.stretches.indices {
            let r = reachUF.find(s + 1)
            let id = reachOfRoot[r] ?? { reachOfRoot[r] = net.reachLengths.count + 1; net.reachLengths.append(0); return net.reachLengths.count }()
            net.stretches[s].reach = id
            net.reachLengths[id - 1] += net.stretches[s].length
        }
        for k in net.obstacles.indices where net.obstacles[k].breaks {
            let o = net.obstacles[k]
            guard o.from > 0, o.to > 0 else { continue }
            let ra = net.stretches[Int(o.from) - 1].reach, rb = net.stretches[Int(o.to) - 1].reach
            if ra != rb { net.obstacles[k].reconnected = min(net.reachLengths[ra - 1], net.reachLengths[rb - 1]) }
        }
        return net
    }

    /// Where segments pq and ru meet: the parameters along each (0…1), or nil (parallel segments do not meet).
    static func intersection(_ p: Point, _ q: Point, _ r: Point, _ u: Point) -> (Double, Double)? {
        let d1x = q.x - p.x, d1y = q.y - p.y, d2x = u.x - r.x, d2y = u.y - r.y
        let den = d1x * d2y - d1y * d2x
        guard den != 0 else { return nil }
        let t = ((r.x - p.x) * d2y - (r.y - p.y) * d2x) / den
        let v = ((r.x - p.x) * d1y - (r.y - p.y) * d1x) / den
        guard t >= 0, t <= 1, v >= 0, v <= 1 else { return nil }
        return (t, v)
    }

    /// The arc length of the point of a line nearest `x`, and the distance.
    static func nearest(_ x: Point, _ l: [Point], _ cum: [Double]) -> (Double, Double)? {
        var best: (Double, Double)? = nil
        for m in 1..<l.count {
            let a = l[m - 1], b = l[m]
            let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
            let t = l2 > 0 ? max(0, min(1, ((x.x - a.x) * dx + (x.y - a.y) * dy) / l2)) : 0
            let d = Point(a.x + t * dx, a.y + t * dy).distance(to: x)
            if best == nil || d < best!.1 { best = (cum[m - 1] + t * (cum[m] - cum[m - 1]), d) }
        }
        return best
    }

    /// The riparian strip: per cell, the stretch (id) whose pieces pass nearest, within `width` metres of
    /// the axis (cell centres; ties to the lower piece), and that distance; 0 and −9999 outside.
    public static func strip(_ net: WatercourseNetwork, spec: GridSpec, width: Double) -> (owner: Grid<Int32>, distance: Grid<Float>) {
        var dist = [Float](repeating: .infinity, count: spec.count)
        var owner = [Int32](repeating: 0, count: spec.count)
        let t = spec.transform
        let cw = abs(t.pixelWidth), ch = abs(t.pixelHeight)
        for piece in net.pieces {
            let line = piece.line
            for s in 1..<line.count {
                let p = line[s - 1], q = line[s]
                let minX = min(p.x, q.x) - width, maxX = max(p.x, q.x) + width, minY = min(p.y, q.y) - width, maxY = max(p.y, q.y) + width
                let c0 = max(0, Int(((minX - t.originX) / cw).rounded(.down))), c1 = min(spec.cols - 1, Int(((maxX - t.originX) / cw).rounded(.down)))
                let r0 = max(0, Int(((t.originY - maxY) / ch).rounded(.down))), r1 = min(spec.rows - 1, Int(((t.originY - minY) / ch).rounded(.down)))
                guard c0 <= c1, r0 <= r1 else { continue }
                let dx = q.x - p.x, dy = q.y - p.y, l2 = dx * dx + dy * dy
                for r in r0...r1 {
                    for c in c0...c1 {
                        let x = t.centre(col: c, row: r)
                        let u = l2 > 0 ? max(0, min(1, ((x.x - p.x) * dx + (x.y - p.y) * dy) / l2)) : 0
                        let d = Float(hypot(x.x - (p.x + u * dx), x.y - (p.y + u * dy)))
                        let i = r * spec.cols + c
                        if Double(d) <= width, d < dist[i] { dist[i] = d; owner[i] = piece.stretch }
                    }
                }
            }
        }
        for i in 0..<dist.count where !dist[i].isFinite { dist[i] = -9999 }
        return (Grid(spec: spec, values: owner, noData: 0), Grid(spec: spec, values: dist, noData: -9999))
    }

    /// Cells the stretches' axes pass through, labelled by stretch (a cell two stretches cross keeps the
    /// first piece's): each segment is cut where it crosses the grid's lines and each part's middle names its
    /// cell, so a corner clipped by a few centimetres counts (as GDAL's ALL_TOUCHED burns a line).
    public static func axisCells(_ net: WatercourseNetwork, spec: GridSpec, into labels: inout [Int32]) {
        let t = spec.transform
        let cw = abs(t.pixelWidth), ch = abs(t.pixelHeight)
        var ts: [Double] = []
        for piece in net.pieces {
            let line = piece.line
            for s in 1..<line.count {
                let p = line[s - 1], q = line[s]
                let dx = q.x - p.x, dy = q.y - p.y
                ts.removeAll(keepingCapacity: true)
                ts.append(0); ts.append(1)
                if dx != 0 {
                    let k0 = Int(((min(p.x, q.x) - t.originX) / cw).rounded(.up)), k1 = Int(((max(p.x, q.x) - t.originX) / cw).rounded(.down))
                    if k0 <= k1 { for k in k0...k1 { ts.append((t.originX + Double(k) * cw - p.x) / dx) } }
                }
                if dy != 0 {
                    let k0 = Int(((t.originY - max(p.y, q.y)) / ch).rounded(.up)), k1 = Int(((t.originY - min(p.y, q.y)) / ch).rounded(.down))
                    if k0 <= k1 { for k in k0...k1 { ts.append((t.originY - Double(k) * ch - p.y) / dy) } }
                }
                ts.sort()
                for j in 1..<ts.count where ts[j] > ts[j - 1] && ts[j - 1] < 1 && ts[j] > 0 {
                    let m = (max(0, ts[j - 1]) + min(1, ts[j])) / 2
                    guard let c = spec.cell(x: p.x + dx * m, y: p.y + dy * m) else { continue }
                    let i = spec.index(col: c.col, row: c.row)
                    if labels[i] == 0 { labels[i] = piece.stretch }
                }
            }
        }
    }
}
