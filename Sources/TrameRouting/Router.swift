import Foundation
import TrameRaster
import TrameVector

/// A place on an edge: the edge, the distance from its start along it, and the point itself.
public struct EdgePosition: Sendable {
    public var edge: Int
    public var offset: Double
    public var point: Point
    /// Distance from the point asked for to the network.
    public var distance: Double
}

/// A route: its line, length (metres), the share of it inside the green network, the edges used.
public struct Route: Sendable {
    public var line: [Point]
    public var length: Double
    public var greenLength: Double
    public var edges: [Int]
    public var greenShare: Double { length > 0 ? greenLength / length : 0 }
    public func minutes(_ mode: TravelMode) -> Double { length / 1000 / mode.speedKmh * 60 }
}

public struct RoutingError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Routes on a path network for one mode: nearest-edge snapping, A* shortest paths with an optional
/// preference for the green network, round trips of a given length, and the hub network.
public struct Router: Sendable {
    public let network: PathNetwork
    public let mode: TravelMode
    /// Part of each edge outside the green network (0…1); empty = unknown (no green preference).
    public let outside: [Float]
    /// W: an edge weighs length × (1 + W × its part outside the green network).
    public var preferGreen: Double
    let index: SegmentGrid

    public init(network: PathNetwork, mode: TravelMode, outside: [Float] = [], preferGreen: Double = 0) throws {
        self.network = network; self.mode = mode; self.outside = outside; self.preferGreen = preferGreen
        guard (0..<network.edgeCount).contains(where: { network.usable($0, mode) }) else {
            throw RoutingError("the network has no way a \(mode == .walk ? "walker" : "cyclist") may use")
        }
        index = SegmentGrid(network, mode: mode)
    }

    @inline(__always) func weight(_ e: Int) -> Double {
        let len = network.edgeLength[e]
        guard preferGreen > 0, !outside.isEmpty else { return len }
        return len * (1 + preferGreen * Double(outside[e]))
    }

    @inline(__always) func greenLength(_ e: Int, _ part: Double) -> Double {
        outside.isEmpty ? 0 : part * (1 - Double(outside[e]))
    }

    /// The nearest point on a usable edge, within `maxDistance` metres.
    public func snap(_ p: Point, maxDistance: Double) -> EdgePosition? { index.nearest(p, network: network, maxDistance: maxDistance) }

    // MARK: Shortest paths

    struct Search {
        var dist: [Double]
        var prevEdge: [Int32]
        var touched: [Int32] = []
        var heap = MinHeap()
        init(nodes: Int) { dist = [Double](repeating: .infinity, count: nodes); prevEdge = [Int32](repeating: -1, count: nodes) }
        mutating func reset() {
            for v in touched { dist[Int(v)] = .infinity; prevEdge[Int(v)] = -1 }
            touched.removeAll(keepingCapacity: true)
            heap.removeAll()
        }
        mutating func relax(_ v: Int32, _ d: Double, _ e: Int32, _ key: Double) {
            if dist[Int(v)] == .infinity { touched.append(v) }
            dist[Int(v)] = d; prevEdge[Int(v)] = e
            heap.push(key, Int(v))
        }
    }

    /// May the mode travel edge e leaving node v?
    @inline(__always) func canLeave(_ e: Int, from v: Int32) -> Bool {
        let b = PathNetwork.bits(mode)
        let f = network.edgeFrom[e], t = network.edgeTo[e]
        if f == v && network.access[e] & b.forward != 0 { return true }
        if t == v && network.access[e] & b.backward != 0 { return true }
        return false
    }

    /// Seeds for leaving a position: the ends of its edge the mode may reach, with their cost, and
    /// whether the edge is left forward (towards its end).
    func departures(_ s: EdgePosition) -> [(node: Int32, cost: Double, forward: Bool)] {
        let e = s.edge, len = network.edgeLength[e]
        let b = PathNetwork.bits(mode)
        let f = len > 0 ? weight(e) / len : 1
        var out: [(Int32, Double, Bool)] = []
        if network.access[e] & b.forward != 0 { out.append((network.edgeTo[e], (len - s.offset) * f, true)) }
        if network.access[e] & b.backward != 0 { out.append((network.edgeFrom[e], s.offset * f, false)) }
        return out
    }

    /// Arrivals at a position: from which end of its edge (forward = from its start), and the cost to finish.
    func arrivals(_ t: EdgePosition) -> [(node: Int32, cost: Double, forward: Bool)] {
        let e = t.edge, len = network.edgeLength[e]
        let b = PathNetwork.bits(mode)
        let f = len > 0 ? weight(e) / len : 1
        var out: [(Int32, Double, Bool)] = []
        if network.access[e] & b.forward != 0 { out.append((network.edgeFrom[e], t.offset * f, true)) }
        if network.access[e] & b.backward != 0 { out.append((network.edgeTo[e], (len - t.offset) * f, false)) }
        return out
    }

    /// Shortest route between two positions (A* with the straight-line distance, which never exceeds the cost).
    public func route(from s: EdgePosition, to t: EdgePosition, penalty: [Int: Double] = [:]) throws -> Route {
        var search = Search(nodes: network.nodes.count)
        return try route(from: s, to: t, search: &search, penalty: penalty)
    }

    func route(from s: EdgePosition, to t: EdgePosition, search: inout Search, penalty: [Int: Double] = [:]) throws -> Route {
        search.reset()
        let target = t.point
        func h(_ v: Int32) -> Double { network.nodes[Int(v)].distance(to: target) }
        let b = PathNetwork.bits(mode)
        // Along one edge, when both ends lie on it and its direction allows.
        var best = Double.infinity
        var direct: Route? = nil
        if s.edge == t.edge {
            let e = s.edge
            if network.access[e] & (t.offset >= s.offset ? b.forward : b.backward) != 0 {
                let part = abs(t.offset - s.offset), len = network.edgeLength[e]
                best = len > 0 ? part * weight(e) / len : 0
                direct = Route(line: sub(e, s.offset, t.offset), length: part, greenLength: greenLength(e, part), edges: [e])
            }
        }
        var leftForward: [Int32: Bool] = [:]
        for d in departures(s) where d.cost < search.dist[Int(d.node)] {
            search.relax(d.node, d.cost, -1, d.cost + h(d.node)); leftForward[d.node] = d.forward
        }
        var ends: [Int32: (cost: Double, forward: Bool)] = [:]
        for a in arrivals(t) where a.cost < (ends[a.node]?.cost ?? .infinity) { ends[a.node] = (a.cost, a.forward) }
        var bestEnd: Int32 = -1
        while let (key, item) = search.heap.pop() {
            let v = Int32(item)
            let dv = search.dist[Int(v)]
            if key > dv + h(v) + 1e-9 { continue }   // stale entry
            if key >= best { break }
            if let a = ends[v], dv + a.cost < best { best = dv + a.cost; bestEnd = v }
            for k in network.adjStart[Int(v)]..<network.adjStart[Int(v) + 1] {
                let e = Int(network.adjEdge[k])
                guard canLeave(e, from: v) else { continue }
                let u = network.edgeFrom[e] == v ? network.edgeTo[e] : network.edgeFrom[e]
                let nd = dv + weight(e) * (penalty[e] ?? 1)
                if nd < search.dist[Int(u)] { search.relax(u, nd, Int32(e), nd + h(u)) }
            }
        }
        guard bestEnd >= 0 else {
            if let direct { return direct }
            throw RoutingError("no route between (\(Int(s.point.x)), \(Int(s.point.y))) and (\(Int(t.point.x)), \(Int(t.point.y))) for a \(mode == .walk ? "walker" : "cyclist")")
        }
        // Walk back from the end node to the node the start edge was left by.
        var path: [(Int, Int32)] = []   // (edge, node it was entered from)
        var v = bestEnd
        while search.prevEdge[Int(v)] >= 0 {
            let e = Int(search.prevEdge[Int(v)])
            let u = network.edgeFrom[e] == v ? network.edgeTo[e] : network.edgeFrom[e]
            path.append((e, u)); v = u
        }
        path.reverse()
        let se = s.edge, te = t.edge
        let sLen = network.edgeLength[se], tLen = network.edgeLength[te]
        var line: [Point]
        var length: Double, green: Double
        if leftForward[v] ?? true {
            line = sub(se, s.offset, sLen); length = sLen - s.offset
        } else {
            line = sub(se, s.offset, 0); length = s.offset
        }
        green = greenLength(se, length)
        var used = [se]
        for (e, u) in path {
            let g = network.geometry(e)
            line += network.edgeFrom[e] == u ? Array(g) : g.reversed()
            length += network.edgeLength[e]; green += greenLength(e, network.edgeLength[e])
            used.append(e)
        }
        let arrive = ends[bestEnd]!
        let last = arrive.forward ? t.offset : tLen - t.offset
        line += arrive.forward ? sub(te, 0, t.offset) : sub(te, tLen, t.offset)
        length += last; green += greenLength(te, last)
        used.append(te)
        return Route(line: dedupe(line), length: length, greenLength: green, edges: used)
    }

    func dedupe(_ l: [Point]) -> [Point] {
        var out: [Point] = []
        out.reserveCapacity(l.count)
        for p in l where out.last.map({ $0.distance(to: p) > 1e-9 }) ?? true { out.append(p) }
        return out
    }

    /// The part of an edge's line between two offsets (in that order, reversed when b < a).
    func sub(_ e: Int, _ a: Double, _ b: Double) -> [Point] {
        let g = Array(network.geometry(e))
        func at(_ off: Double) -> (Point, Int) {
            var acc = 0.0
            for k in 1..<g.count {
                let d = g[k - 1].distance(to: g[k])
                if acc + d >= off || k == g.count - 1 {
                    let t = d > 0 ? max(0, min(1, (off - acc) / d)) : 0
                    return (Point(g[k - 1].x + (g[k].x - g[k - 1].x) * t, g[k - 1].y + (g[k].y - g[k - 1].y) * t), k)
                }
                acc += d
            }
            return (g.last!, g.count - 1)
        }
        let lo = min(a, b), hi = max(a, b)
        let (p0, k0) = at(lo), (p1, k1) = at(hi)
        var pts = [p0]
        if k1 > k0 { pts += g[k0..<k1] }
        pts.append(p1)
        return a <= b ? pts : pts.reversed()
    }
}

/// Edge segments in square buckets, for nearest-edge snapping.
struct SegmentGrid: Sendable {
    let size: Double
    let minX: Double, minY: Double
    let cols: Int, rows: Int
    var start: [Int32]
    var entries: [Int32]   // segment ids: edge's first vertex index + k (vertex index of the segment start)
    var edgeOfVertex: [Int32]

    init(_ net: PathNetwork, mode: TravelMode) {
        var lo = (x: Double.infinity, y: Double.infinity), hi = (x: -Double.infinity, y: -Double.infinity)
        for p in net.vertices { lo = (min(lo.x, p.x), min(lo.y, p.y)); hi = (max(hi.x, p.x), max(hi.y, p.y)) }
        let span = max(hi.x - lo.x, hi.y - lo.y, 1)
        let count = max(1, net.vertices.count)
        size = max(span / Double(Int(Double(count).squareRoot()) + 1), 10)
        minX = lo.x; minY = lo.y
        cols = Int((hi.x - lo.x) / size) + 1; rows = Int((hi.y - lo.y) / size) + 1
        var edgeOf = [Int32](repeating: -1, count: net.vertices.count)
        for e in 0..<net.edgeCount { for k in net.vertexStart[e]..<(net.vertexStart[e + 1] - 1) { edgeOf[k] = Int32(e) } }
        edgeOfVertex = edgeOf
        var counts = [Int32](repeating: 0, count: cols * rows + 1)
        var cellsOf: [(Int, Int32)] = []
        for e in 0..<net.edgeCount where net.usable(e, mode) {
            for k in net.vertexStart[e]..<(net.vertexStart[e + 1] - 1) {
                let a = net.vertices[k], b = net.vertices[k + 1]
                let c0 = Int((min(a.x, b.x) - lo.x) / size), c1 = Int((max(a.x, b.x) - lo.x) / size)
                let r0 = Int((min(a.y, b.y) - lo.y) / size), r1 = Int((max(a.y, b.y) - lo.y) / size)
                for r in r0...r1 { for c in c0...c1 { cellsOf.append((r * cols + c, Int32(k))); counts[r * cols + c + 1] += 1 } }
            }
        }
        for i in 0..<(cols * rows) { counts[i + 1] += counts[i] }
        var fill = counts
        var entries = [Int32](repeating: 0, count: cellsOf.count)
        for (cell, k) in cellsOf { entries[Int(fill[cell])] = k; fill[cell] += 1 }
        start = counts; self.entries = entries
    }

    func nearest(_ p: Point, network net: PathNetwork, maxDistance: Double) -> EdgePosition? {
        guard p.x.isFinite, p.y.isFinite, maxDistance >= 0, !maxDistance.isNaN else { return nil }
        // Nothing lies beyond the buckets: a point farther than maxDistance from them has no way near it.
        let maxX = minX + Double(cols) * size, maxY = minY + Double(rows) * size
        let gap = hypot(max(0, minX - p.x, p.x - maxX), max(0, minY - p.y, p.y - maxY))
        guard gap <= maxDistance else { return nil }
        // Start from the bucket nearest the point (the point's own when it lies inside): every point of a
        // bucket `ring` rings away lies at least (ring − 1) × size from the point, as when it lies inside.
        let c = Int(min(max(((p.x - minX) / size).rounded(.down), 0), Double(cols - 1)))
        let r = Int(min(max(((p.y - minY) / size).rounded(.down), 0), Double(rows - 1)))
        var best: (d: Double, k: Int, t: Double)? = nil
        // Rings past the farthest bucket hold nothing: the search is bounded by the grid, whatever maxDistance.
        let lastRing = max(c, cols - 1 - c, r, rows - 1 - r)
        let maxRing = min(lastRing, Int(min((maxDistance / size).rounded(.up), Double(lastRing))) + 1)
        var ring = 0
        func visit(_ rr: Int, _ cc: Int) {
            let cell = rr * cols + cc
            for j in Int(start[cell])..<Int(start[cell + 1]) {
                let k = Int(entries[j])
                let a = net.vertices[k], b = net.vertices[k + 1]
                let dx = b.x - a.x, dy = b.y - a.y
                let l2 = dx * dx + dy * dy
                let t = l2 > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0
                let d = hypot(p.x - a.x - t * dx, p.y - a.y - t * dy)
                if d < (best?.d ?? .infinity) { best = (d, k, t) }
            }
        }
        while ring <= maxRing {
            // The ring's buckets inside the grid: its top and bottom rows whole, then its two side columns.
            let r0 = max(r - ring, 0), r1 = min(r + ring, rows - 1), c0 = max(c - ring, 0), c1 = min(c + ring, cols - 1)
            for rr in [r - ring, r + ring] where rr >= 0 && rr < rows && (ring > 0 || rr == r) {
                for cc in c0...c1 { visit(rr, cc) }
                if ring == 0 { break }
            }
            if ring > 0, r0 <= r1 {
                for rr in max(r0, r - ring + 1)...min(r1, r + ring - 1) {
                    if c - ring >= 0 { visit(rr, c - ring) }
                    if c + ring < cols { visit(rr, c + ring) }
                }
            }
            // Once something is found, one more ring guarantees it is the nearest.
            if let b = best, Double(ring) * size >= b.d { break }
            ring += 1
        }
        guard let b = best, b.d <= maxDistance else { return nil }
        let e = Int(edgeOfVertex[b.k])
        var off = 0.0
        for k in net.vertexStart[e]..<b.k { off += net.vertices[k].distance(to: net.vertices[k + 1]) }
        let a = net.vertices[b.k], bb = net.vertices[b.k + 1]
        off += a.distance(to: bb) * b.t
        return EdgePosition(edge: e, offset: off, point: Point(a.x + (bb.x - a.x) * b.t, a.y + (bb.y - a.y) * b.t), distance: b.d)
    }
}
