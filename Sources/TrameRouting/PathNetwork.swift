import Foundation
import TrameVector

/// A line of the path network as read: its vertices (metres, projected) and its tags.
public struct WayInput: Sendable {
    public var points: [Point]
    public var tags: [String: String]
    /// Identifier kept on the edges (OSM id or feature id).
    public var id: Int
    public init(points: [Point], tags: [String: String], id: Int) { self.points = points; self.tags = tags; self.id = id }
}

/// A walking and cycling network: junction nodes, and edges between them with their geometry,
/// length and the directions each mode may use.
///
/// Topology: vertices that coincide (within the snapping tolerance; exactly, for OSM data whose
/// shared nodes have identical coordinates) are one node; lines are split at every vertex shared by
/// another line or met twice, so that edges join only at their ends.
public struct PathNetwork: Sendable {
    public var nodes: [Point]
    public var edgeFrom: [Int32], edgeTo: [Int32]
    public var edgeLength: [Double]
    /// Index of each edge's first vertex in `vertices` (edge e runs vertexStart[e] ..< vertexStart[e + 1]).
    public var vertexStart: [Int]
    public var vertices: [Point]
    public var edgeWay: [Int]
    public var edgeTags: [Int32]
    /// Distinct tag sets (edges refer to them by index).
    public var tagSets: [[String: String]]
    /// Access bits per edge: 1 walk forward, 2 walk backward, 4 bike forward, 8 bike backward.
    public var access: [UInt8]
    /// Adjacency (CSR): for node v, entries adjStart[v] ..< adjStart[v + 1] of adjEdge.
    public var adjStart: [Int]
    public var adjEdge: [Int32]

    public var edgeCount: Int { edgeLength.count }

    public static func bits(_ mode: TravelMode) -> (forward: UInt8, backward: UInt8) { mode == .walk ? (1, 2) : (4, 8) }

    /// Builds the network. `tolerance` = 0 joins only identical coordinates.
    public init(ways: [WayInput], profile: AccessProfile = .standard, tolerance: Double = 0) {
        // 1. One id per distinct (snapped) vertex.
        var key: [SIMD2<Int64>: Int32] = [:]
        var pos: [Point] = []
        let q = tolerance > 0 ? tolerance : 0
        func id(_ p: Point) -> Int32 {
            if q == 0 {
                let k = SIMD2(Int64(bitPattern: p.x.bitPattern), Int64(bitPattern: p.y.bitPattern))
                if let i = key[k] { return i }
                let i = Int32(pos.count); key[k] = i; pos.append(p); return i
            }
            // Snapping: look in the 3 × 3 cells of size `tolerance` around the point.
            let cx = Int64((p.x / q).rounded(.down)), cy = Int64((p.y / q).rounded(.down))
            var best: (Int32, Double)? = nil
            for dx in -1...1 { for dy in -1...1 {
                if let i = key[SIMD2(cx + Int64(dx), cy + Int64(dy))] {
                    let d = pos[Int(i)].distance(to: p)
                    if d <= q && d < (best?.1 ?? .infinity) { best = (i, d) }
                }
            } }
            if let b = best { return b.0 }
            let i = Int32(pos.count)
            if key[SIMD2(cx, cy)] == nil { key[SIMD2(cx, cy)] = i }
            pos.append(p)
            return i
        }
        var wayVertexIDs: [[Int32]] = []
        wayVertexIDs.reserveCapacity(ways.count)
        var uses = [UInt8](repeating: 0, count: 0)
        for w in ways {
            var ids: [Int32] = []
            ids.reserveCapacity(w.points.count)
            for p in w.points {
                let i = id(p)
                if ids.last == i { continue }   // repeated vertex
                ids.append(i)
            }
            wayVertexIDs.append(ids)
        }
        uses = [UInt8](repeating: 0, count: pos.count)
        for ids in wayVertexIDs where ids.count >= 2 {
            for (k, i) in ids.enumerated() {
                let end = k == 0 || k == ids.count - 1
                uses[Int(i)] = min(uses[Int(i)] &+ (end ? 2 : 1), 200)
            }
        }
        // 2. Junctions (used twice or more, or a line's end) become nodes.
        var nodeOf = [Int32](repeating: -1, count: pos.count)
        var nodes: [Point] = []
        for i in 0..<pos.count where uses[i] >= 2 { nodeOf[i] = Int32(nodes.count); nodes.append(pos[i]) }
        // 3. Edges between consecutive junctions along each line.
        var tagIndex: [[String: String]: Int32] = [:]
        var tagSets: [[String: String]] = []
        var from: [Int32] = [], to: [Int32] = [], length: [Double] = [], start: [Int] = [], verts: [Point] = [], way: [Int] = [], tags: [Int32] = [], acc: [UInt8] = []
        for (w, ids) in wayVertexIDs.enumerated() where ids.count >= 2 {
            let t: Int32
            if let i = tagIndex[ways[w].tags] { t = i } else { t = Int32(tagSets.count); tagIndex[ways[w].tags] = t; tagSets.append(ways[w].tags) }
            let walk = profile.access(ways[w].tags, mode: .walk), bike = profile.access(ways[w].tags, mode: .bike)
            let a: UInt8 = (walk.forward ? 1 : 0) | (walk.backward ? 2 : 0) | (bike.forward ? 4 : 0) | (bike.backward ? 8 : 0)
            var s = 0
            for k in 1..<ids.count where nodeOf[Int(ids[k])] >= 0 {
                start.append(verts.count)
                var len = 0.0
                for j in s...k {
                    verts.append(pos[Int(ids[j])])
                    if j > s { len += pos[Int(ids[j - 1])].distance(to: pos[Int(ids[j])]) }
                }
                from.append(nodeOf[Int(ids[s])]); to.append(nodeOf[Int(ids[k])])
                length.append(len); way.append(ways[w].id); tags.append(t); acc.append(a)
                s = k
            }
        }
        start.append(verts.count)
        // 4. CSR adjacency.
        var deg = [Int](repeating: 0, count: nodes.count + 1)
        for e in 0..<from.count { deg[Int(from[e]) + 1] += 1; if to[e] != from[e] { deg[Int(to[e]) + 1] += 1 } }
        for v in 0..<nodes.count { deg[v + 1] += deg[v] }
        var fill = deg
        var adj = [Int32](repeating: 0, count: deg[nodes.count])
        for e in 0..<from.count {
            adj[fill[Int(from[e])]] = Int32(e); fill[Int(from[e])] += 1
            if to[e] != from[e] { adj[fill[Int(to[e])]] = Int32(e); fill[Int(to[e])] += 1 }
        }
        self.nodes = nodes; edgeFrom = from; edgeTo = to; edgeLength = length; vertexStart = start; vertices = verts
        edgeWay = way; edgeTags = tags; self.tagSets = tagSets; access = acc; adjStart = deg; adjEdge = adj
    }

    /// The vertices of an edge, in its direction.
    public func geometry(_ e: Int) -> ArraySlice<Point> { vertices[vertexStart[e]..<vertexStart[e + 1]] }

    /// Whether a mode may use an edge at all.
    public func usable(_ e: Int, _ mode: TravelMode) -> Bool {
        let b = PathNetwork.bits(mode)
        return access[e] & (b.forward | b.backward) != 0
    }

    /// Connected components of the edges a mode may use (ignoring one-way rules): per node its
    /// component (−1 when the mode can reach no edge from it), and the total length of each component.
    public func components(_ mode: TravelMode) -> (of: [Int32], length: [Double]) {
        var comp = [Int32](repeating: -1, count: nodes.count)
        var lengths: [Double] = []
        var stack: [Int32] = []
        for s in 0..<nodes.count where comp[s] < 0 {
            let hasEdge = (adjStart[s]..<adjStart[s + 1]).contains { usable(Int(adjEdge[$0]), mode) }
            guard hasEdge else { continue }
            let c = Int32(lengths.count)
            var len = 0.0
            comp[s] = c; stack.append(Int32(s))
            while let v = stack.popLast() {
                for k in adjStart[Int(v)]..<adjStart[Int(v) + 1] {
                    let e = Int(adjEdge[k])
                    guard usable(e, mode) else { continue }
                    let u = edgeFrom[e] == v ? edgeTo[e] : edgeFrom[e]
                    if edgeFrom[e] == v || edgeFrom[e] == edgeTo[e] { len += edgeLength[e] }
                    if comp[Int(u)] < 0 { comp[Int(u)] = c; stack.append(u) }
                }
            }
            lengths.append(len)
        }
        return (comp, lengths)
    }
}

extension WayInput {
    /// Adds a shared vertex wherever two lines cross or one ends on another without a vertex there —
    /// for planners' layers drawn without nodes at crossings (OSM data need not: crossings without a
    /// shared node are bridges or tunnels and must stay apart).
    public static func nodingCrossings(_ ways: [WayInput]) -> [WayInput] {
        struct Seg { var w: Int32; var k: Int32; var a: Point; var b: Point }
        var segs: [Seg] = []
        var total = 0.0
        for (w, way) in ways.enumerated() where way.points.count >= 2 {
            for k in 0..<(way.points.count - 1) {
                segs.append(Seg(w: Int32(w), k: Int32(k), a: way.points[k], b: way.points[k + 1]))
                total += way.points[k].distance(to: way.points[k + 1])
            }
        }
        guard !segs.isEmpty else { return ways }
        let size = max(4 * total / Double(segs.count), 1e-6)
        var buckets: [SIMD2<Int64>: [Int32]] = [:]
        for (i, s) in segs.enumerated() {
            let x0 = Int64((min(s.a.x, s.b.x) / size).rounded(.down)), x1 = Int64((max(s.a.x, s.b.x) / size).rounded(.down))
            let y0 = Int64((min(s.a.y, s.b.y) / size).rounded(.down)), y1 = Int64((max(s.a.y, s.b.y) / size).rounded(.down))
            for x in x0...x1 { for y in y0...y1 { buckets[SIMD2(x, y), default: []].append(Int32(i)) } }
        }
        var splits: [Int: [(Double, Point)]] = [:]   // segment index → (t, point)
        var seen = Set<Int64>()
        for (_, list) in buckets where list.count > 1 {
            for i in 0..<list.count {
                for j in (i + 1)..<list.count {
                    let p = Int(list[i]), q = Int(list[j])
                    let key = Int64(min(p, q)) << 32 | Int64(max(p, q))
                    guard seen.insert(key).inserted else { continue }
                    let s = segs[p], t = segs[q]
                    if s.w == t.w && abs(s.k - t.k) <= 1 { continue }   // neighbours on one line share a vertex already
                    let r = (x: s.b.x - s.a.x, y: s.b.y - s.a.y), d = (x: t.b.x - t.a.x, y: t.b.y - t.a.y)
                    let den = r.x * d.y - r.y * d.x
                    if abs(den) < 1e-12 { continue }
                    let u = ((t.a.x - s.a.x) * d.y - (t.a.y - s.a.y) * d.x) / den
                    let v = ((t.a.x - s.a.x) * r.y - (t.a.y - s.a.y) * r.x) / den
                    guard u >= 0, u <= 1, v >= 0, v <= 1 else { continue }
                    // Both lines get the very same point, so that they join exactly.
                    let x = u == 0 ? s.a : u == 1 ? s.b : v == 0 ? t.a : v == 1 ? t.b : Point(s.a.x + u * r.x, s.a.y + u * r.y)
                    splits[p, default: []].append((u, x)); splits[q, default: []].append((v, x))
                }
            }
        }
        guard !splits.isEmpty else { return ways }
        var out = ways
        var segIndex = 0
        for (w, way) in ways.enumerated() where way.points.count >= 2 {
            var pts: [Point] = [way.points[0]]
            for k in 0..<(way.points.count - 1) {
                if let sp = splits[segIndex] { for (_, x) in sp.sorted(by: { $0.0 < $1.0 }) { pts.append(x) } }
                pts.append(way.points[k + 1])
                segIndex += 1
            }
            out[w].points = pts
        }
        return out
    }
}
