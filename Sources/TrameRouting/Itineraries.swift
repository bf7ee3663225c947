import Foundation
import TrameRaster
import TrameVector

/// Round trips and the hub network.
extension Router {
    /// A round trip of about `length` metres from a start: a triangle of legs start → A → B → start,
    /// where A and B are the network points nearest two corners placed at a chosen bearing; each leg
    /// avoids the edges of the legs before it (their weight is multiplied by 5). The corner distance is
    /// rescaled until the loop length is within ±10 %; among several bearings (drawn from `seed`), the
    /// loop that reuses the fewest metres wins.
    public func loop(from s: EdgePosition, length target: Double, seed: UInt64 = 1, bearings: Int = 6) throws -> Route {
        guard target > 0 else { throw RoutingError("the loop length must be > 0 m") }
        var rng = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(rng >> 11) / Double(1 << 53)
        }
        var search = Search(nodes: network.nodes.count)
        var best: (route: Route, reused: Double, miss: Double)? = nil
        var cornersOff = 0
        let reach = target / 3 / 1.35
        let start0 = next() * 2 * Double.pi
        for k in 0..<bearings {
            let theta = start0 + Double(k) * 2 * Double.pi / Double(bearings)
            var side = reach   // straight triangle sides, allowing for the network's detours
            for _ in 0..<4 {
                let r: (route: Route, reused: Double)
                do { r = try triangle(from: s, side: side, bearing: theta, search: &search) } catch {
                    if (error as? RoutingError)?.description == Router.cornerOff { cornersOff += 1 }
                    break
                }
                let miss = abs(r.route.length - target) / target
                if miss <= 0.10 {
                    if best == nil || best!.miss > 0.10 || r.reused < best!.reused - 1e-6 || (abs(r.reused - best!.reused) <= 1e-6 && miss < best!.miss) {
                        best = (r.route, r.reused, miss)
                    }
                    break
                }
                if best == nil || (best!.miss > 0.10 && miss < best!.miss) { best = (r.route, r.reused, miss) }
                side *= target / max(r.route.length, 1)
            }
        }
        // No triangle at all: its first corners fell off the network, or its legs found no route.
        guard let b = best else { throw LoopError(target: target, cause: cornersOff > 0 ? .cornersOff(reach: reach) : .none) }
        guard b.miss <= 0.10 else {
            throw LoopError(target: target, cause: b.route.length < target ? .tooLong(nearest: b.route.length) : .tooShort(nearest: b.route.length))
        }
        return b.route
    }

    static let cornerOff = "corner off the network"

    func triangle(from s: EdgePosition, side: Double, bearing: Double, search: inout Search) throws -> (route: Route, reused: Double) {
        let a = Point(s.point.x + side * cos(bearing), s.point.y + side * sin(bearing))
        let b = Point(s.point.x + side * cos(bearing + Double.pi / 3), s.point.y + side * sin(bearing + Double.pi / 3))
        guard let pa = snap(a, maxDistance: max(side * 0.5, 50)), let pb = snap(b, maxDistance: max(side * 0.5, 50)) else {
            throw RoutingError(Router.cornerOff)
        }
        var penalty: [Int: Double] = [:]
        let l1 = try route(from: s, to: pa, search: &search, penalty: penalty)
        for e in l1.edges { penalty[e] = 5 }
        let l2 = try route(from: pa, to: pb, search: &search, penalty: penalty)
        for e in l2.edges { penalty[e] = 5 }
        let l3 = try route(from: pb, to: s, search: &search, penalty: penalty)
        // Metres on edges used by more than one leg (the partial end edges count in full: a small overestimate).
        var uses: [Int: Int] = [:]
        for leg in [l1, l2, l3] { for e in Set(leg.edges) { uses[e, default: 0] += 1 } }
        let reused = uses.filter { $0.value > 1 }.keys.reduce(0) { $0 + network.edgeLength[$1] }
        var line = l1.line
        line += l2.line.dropFirst(); line += l3.line.dropFirst()
        return (Route(line: line, length: l1.length + l2.length + l3.length, greenLength: l1.greenLength + l2.greenLength + l3.greenLength,
                      edges: l1.edges + l2.edges + l3.edges), reused)
    }

    /// The itineraries that join every reachable hub with the least total length: a minimum spanning
    /// tree over network distances, found as Mehlhorn (1988) does — one search from all hubs at once,
    /// candidate distances across the boundaries of the hubs' catchments, Kruskal — whose tree is a
    /// minimum spanning tree of the complete hub-to-hub distance graph. One-way rules are ignored here:
    /// itineraries are walked or ridden both ways. Each itinerary is then traced by a route search.
    public func hubNetwork(_ hubs: [EdgePosition]) throws -> (itineraries: [(from: Int, to: Int, route: Route)], unreachable: [Int]) {
        let n = network.nodes.count
        var dist = [Double](repeating: .infinity, count: n)
        var label = [Int32](repeating: -1, count: n)
        var heap = MinHeap()
        for (h, p) in hubs.enumerated() {
            let e = p.edge, len = network.edgeLength[e]
            let f = len > 0 ? weight(e) / len : 1
            for (v, c) in [(network.edgeFrom[e], p.offset * f), (network.edgeTo[e], (len - p.offset) * f)] where c < dist[Int(v)] {
                dist[Int(v)] = c; label[Int(v)] = Int32(h); heap.push(c, Int(v))
            }
        }
        while let (d, item) = heap.pop() {
            let v = Int32(item)
            if d > dist[Int(v)] { continue }
            for k in network.adjStart[Int(v)]..<network.adjStart[Int(v) + 1] {
                let e = Int(network.adjEdge[k])
                guard network.usable(e, mode) else { continue }
                let u = network.edgeFrom[e] == v ? network.edgeTo[e] : network.edgeFrom[e]
                let nd = d + weight(e)
                if nd < dist[Int(u)] { dist[Int(u)] = nd; label[Int(u)] = label[Int(v)]; heap.push(nd, Int(u)) }
            }
        }
        // Candidate hub pairs across catchment boundaries (and hubs sharing an edge).
        var cand: [Int: Double] = [:]
        func add(_ a: Int, _ b: Int, _ w: Double) {
            guard a != b else { return }
            let key = min(a, b) << 32 | max(a, b)
            if w < (cand[key] ?? .infinity) { cand[key] = w }
        }
        for e in 0..<network.edgeCount where network.usable(e, mode) {
            let u = Int(network.edgeFrom[e]), v = Int(network.edgeTo[e])
            guard label[u] >= 0, label[v] >= 0, label[u] != label[v] else { continue }
            add(Int(label[u]), Int(label[v]), dist[u] + weight(e) + dist[v])
        }
        for i in hubs.indices { for j in hubs.indices where j > i && hubs[i].edge == hubs[j].edge {
            let len = network.edgeLength[hubs[i].edge]
            add(i, j, abs(hubs[i].offset - hubs[j].offset) * (len > 0 ? weight(hubs[i].edge) / len : 1))
        } }
        // Kruskal.
        var sets = UnionFind(count: hubs.count)
        var tree: [(Int, Int)] = []
        for (key, _) in cand.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            let a = key >> 32, b = key & 0xFFFF_FFFF
            if sets.union(a, b) { tree.append((a, b)) }
        }
        // Trace each itinerary on the two-way network.
        let twoWay = try Router(network: network.twoWay(mode), mode: mode, outside: outside, preferGreen: preferGreen)
        var search = Search(nodes: n)
        var out: [(Int, Int, Route)] = []
        for (a, b) in tree { out.append((a, b, try twoWay.route(from: hubs[a], to: hubs[b], search: &search))) }
        let linked = Set(tree.flatMap { [$0.0, $0.1] })
        let unreachable = hubs.count > 1 ? hubs.indices.filter { !linked.contains($0) } : []
        return (out, unreachable)
    }
}

extension PathNetwork {
    /// The same network where every edge a mode may use is open both ways for it.
    func twoWay(_ mode: TravelMode) -> PathNetwork {
        var copy = self
        let b = PathNetwork.bits(mode)
        for e in 0..<edgeCount where access[e] & (b.forward | b.backward) != 0 { copy.access[e] |= b.forward | b.backward }
        return copy
    }
}
