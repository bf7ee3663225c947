import Foundation
import TrameRaster

/// How the probability of dispersal decays with distance: p = exp(−α·d), with α set so that
/// a given distance has a given probability (e.g. 5 % at 1 000 m): α = −ln(P0) / D0.
public struct ExponentialDecay: Sendable {
    public let alpha: Double

    /// - Throws: when the probability is not in (0, 1) or the distance is not positive.
    public init(distance: Double, probability: Double) throws {
        guard probability > 0, probability < 1 else { throw GraphError("probability \(probability) must lie strictly between 0 and 1") }
        guard distance > 0, distance.isFinite else { throw GraphError("decay distance \(distance) must be positive") }
        alpha = -log(probability) / distance
    }

    @inline(__always) public func probability(_ d: Double) -> Double { exp(-alpha * d) }
}

/// Global indices of a landscape graph.
public struct GlobalConnectivity: Sendable, Equatable {
    /// Probability of connectivity (Saura & Pascual-Hortal 2007), in [0, 1].
    public var PC: Double
    /// Integral index of connectivity (Pascual-Hortal & Saura 2006), in [0, 1].
    public var IIC: Double
    /// Equivalent connected area, √PCnum, in the capacity's unit (ha).
    public var EC: Double
    /// Number of components.
    public var NC: Int
    public var PCnum: Double
    public var IICnum: Double
}

/// Importance of one node: percentage loss of PC (and its three fractions, Saura & Rubio 2010),
/// of IIC, and betweenness weighted by flux.
public struct NodeImportance: Sendable, Equatable {
    public var dPC: Double
    public var dPC_intra: Double
    public var dPC_flux: Double
    public var dPC_connector: Double
    public var dIIC: Double
    public var BC: Double
}

public struct ConnectivityResult: Sendable {
    public var global: GlobalConnectivity
    public var nodes: [NodeImportance]
    /// dPC of each link (percentage loss of PC when that link alone is removed), in the order of `graph.edges`.
    public var linkDPC: [Double]
    /// Component number of each node, and per component its node count and total capacity.
    public var componentOfNode: [Int]
    public var components: [(nodes: Int, capacity: Double)]
}

/// Connectivity metrics on a landscape graph, by the definitions of Conefor and Graphab:
/// sums over ordered pairs (i, j) including i = j, p*ij the maximum-product probability
/// (= exp(−α · shortest distance)), nl_ij the fewest links.
///
/// Node removal is computed exactly without re-running all shortest paths: for each source i, only the
/// nodes below k in i's shortest-path tree can change, and their new distances are found by a
/// Dijkstra search restricted to that subtree, seeded from its unaffected border.
/// - Complexity: O(n · (m log n + Σ_j depth_i(j) log n)) for n nodes and m links, in parallel over sources.
public enum ConnectivityMetrics {
    public static func compute(_ graph: LandscapeGraph, decay: ExponentialDecay, landscapeArea: Double,
                               linkImportance: Bool = true) throws -> ConnectivityResult {
        let n = graph.nodeCount
        let a = graph.capacities
        let total = a.reduce(0, +)
        guard landscapeArea.isFinite, landscapeArea > 0 else { throw GraphError("landscape area \(landscapeArea) must be positive") }
        guard landscapeArea >= total * (1 - 1e-12) else {
            throw GraphError("landscape area \(landscapeArea) is smaller than the sum of the capacities (\(total))")
        }
        guard n > 0 else { throw GraphError("the graph has no node") }
        let adj = graph.adjacency()
        let m = graph.edges.count

        struct Acc {
            var pcNum = 0.0, iicNum = 0.0
            var flux: [Double], iicFlux: [Double], connector: [Double], iicConnector: [Double], bc: [Double], link: [Double]
            init(n: Int, m: Int) {
                flux = .init(repeating: 0, count: n); iicFlux = flux; connector = flux; iicConnector = flux; bc = flux
                link = .init(repeating: 0, count: m)
            }
        }
        // PCnum ≥ Σ a², so 1e-15 · Σ a² / (n² + n·m) bounds each skipped term such that all of them together
        // stay below 1e-15 of PCnum: far under any tolerance, and it spares re-searching remote subtrees.
        let negligible = 1e-15 * a.reduce(0) { $0 + $1 * $1 } / (Double(n) * Double(n + m))
        let workers = min(2, n)
        var accs = [Acc](repeating: Acc(n: n, m: m), count: workers)
        accs.withUnsafeMutableBufferPointer { accBuf in
            let accPtr = accBuf.baseAddress!
            Workers.perform(parts: workers) { w in
                var acc = Acc(n: n, m: m)
                var search = SubtreeSearch(adj: adj, n: n)
                var s = w
                while s < n {
                    defer { s += workers }
                    // Weighted tree: PC terms, BC, connector fractions, link importance.
                    let t = search.tree(from: s, unit: false)
                    let pOf = { (d: Double) -> Double in d.isFinite ? decay.probability(d) : 0 }
                    var subtreeFlux = [Double](repeating: 0, count: n)
                    for j in t.order.reversed() {
                        let pj = a[s] * a[j] * pOf(t.dist[j])
                        acc.pcNum += pj
                        if j != s { acc.flux[j] += pj; subtreeFlux[j] += pj }
                        let p = t.parent[j]
                        if p >= 0 {
                            subtreeFlux[p] += subtreeFlux[j]
                            if p != s { acc.bc[p] += subtreeFlux[j] }
                        }
                    }
                    for k in t.order where k != s && search.hasChildren(k) {
                        // The loss cannot exceed the flux below k: skip the re-search when that is negligible
                        // (all skipped terms together stay under 1e-15 of PCnum).
                        if subtreeFlux[k] - a[s] * a[k] * pOf(t.dist[k]) < negligible { continue }
                        let count = search.redistances(removingNode: k, tree: t, unit: false)
                        var loss = 0.0
                        for q in 0..<count { let j = search.sub[q]; loss += a[j] * (pOf(t.dist[j]) - pOf(search.newDist[j])) }
                        acc.connector[k] += a[s] * loss
                    }
                    if linkImportance {
                        for k in t.order where k != s {
                            if subtreeFlux[k] < negligible { continue }
                            let e = t.parentEdge[k]
                            let count = search.redistances(removingEdge: e, below: k, tree: t, unit: false)
                            var loss = 0.0
                            for q in 0..<count { let j = search.sub[q]; loss += a[j] * (pOf(t.dist[j]) - pOf(search.newDist[j])) }
                            acc.link[e] += a[s] * loss
                        }
                    }
                    // Unweighted tree: IIC.
                    let h = search.tree(from: s, unit: true)
                    let qOf = { (d: Double) -> Double in d.isFinite ? 1 / (1 + d) : 0 }
                    for j in h.order {
                        let q = a[s] * a[j] * qOf(h.dist[j])
                        acc.iicNum += q
                        if j != s { acc.iicFlux[j] += q }
                    }
                    for k in h.order where k != s && search.hasChildren(k) {
                        let count = search.redistances(removingNode: k, tree: h, unit: true)
                        var loss = 0.0
                        for q in 0..<count { let j = search.sub[q]; loss += a[j] * (qOf(h.dist[j]) - qOf(search.newDist[j])) }
                        acc.iicConnector[k] += a[s] * loss
                    }
                }
                accPtr[w] = acc
            }
        }
        var pcNum = 0.0, iicNum = 0.0
        var flux = [Double](repeating: 0, count: n), iicFlux = flux, conn = flux, iicConn = flux, bc = flux
        var link = [Double](repeating: 0, count: m)
        for acc in accs {
            pcNum += acc.pcNum; iicNum += acc.iicNum
            for v in 0..<n {
                flux[v] += acc.flux[v]; iicFlux[v] += acc.iicFlux[v]; conn[v] += acc.connector[v]
                iicConn[v] += acc.iicConnector[v]; bc[v] += acc.bc[v]
            }
            for e in 0..<m { link[e] += acc.link[e] }
        }
        // flux[v] summed p over ordered pairs (s, v), s ≠ v: the flux fraction counts both directions.
        let comp = graph.components()
        let nc = (comp.max() ?? -1) + 1
        var comps = [(nodes: Int, capacity: Double)](repeating: (0, 0), count: nc)
        for v in 0..<n { comps[comp[v]].nodes += 1; comps[comp[v]].capacity += a[v] }
        let global = GlobalConnectivity(PC: pcNum / (landscapeArea * landscapeArea), IIC: iicNum / (landscapeArea * landscapeArea),
                                        EC: pcNum.squareRoot(), NC: nc, PCnum: pcNum, IICnum: iicNum)
        var nodes: [NodeImportance] = []
        for k in 0..<n {
            let intra = pcNum > 0 ? 100 * a[k] * a[k] / pcNum : 0
            let fl = pcNum > 0 ? 100 * 2 * flux[k] / pcNum : 0
            let co = pcNum > 0 ? 100 * conn[k] / pcNum : 0
            let iic = iicNum > 0 ? 100 * (a[k] * a[k] + 2 * iicFlux[k] + iicConn[k]) / iicNum : 0
            nodes.append(NodeImportance(dPC: intra + fl + co, dPC_intra: intra, dPC_flux: fl, dPC_connector: co, dIIC: iic, BC: bc[k] / 2))
        }
        let linkDPC = link.map { pcNum > 0 ? 100 * $0 / pcNum : 0 }
        return ConnectivityResult(global: global, nodes: nodes, linkDPC: linkDPC, componentOfNode: comp, components: comps)
    }
}

/// Shortest-path trees from one source, and exact distances after removing a node or a tree link,
/// recomputed only in the subtree that the removal cuts off.
///
/// Works on raw buffers allocated once per worker (the re-searches are many and small).
struct SubtreeSearch {
    struct Tree {
        var dist: [Double]
        var parent: [Int]
        var parentEdge: [Int]
        /// Reached nodes in order of settling (source first).
        var order: [Int]
    }

    /// Buffers owned by one worker, released with it.
    final class Buffers {
        let n: Int
        let start, target, edge: UnsafeMutableBufferPointer<Int>
        let weight: UnsafeMutableBufferPointer<Double>
        let childStart, childList, mark, sub: UnsafeMutableBufferPointer<Int>
        let newDist, oldDist: UnsafeMutableBufferPointer<Double>

        init(adj: LandscapeGraph.Adjacency, n: Int) {
            self.n = n
            func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
                let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
                _ = b.initialize(from: a)
                return b
            }
            start = copy(adj.start); target = copy(adj.target); edge = copy(adj.edge); weight = copy(adj.weight)
            childStart = copy([Int](repeating: 0, count: n + 1)); childList = copy([Int](repeating: 0, count: n))
            mark = copy([Int](repeating: 0, count: n)); sub = copy([Int](repeating: 0, count: n))
            newDist = copy([Double](repeating: .infinity, count: n)); oldDist = copy([Double](repeating: .infinity, count: n))
        }

        deinit {
            for b in [start, target, edge, childStart, childList, mark, sub] { b.deallocate() }
            for b in [weight, newDist, oldDist] { b.deallocate() }
        }
    }

    let buf: Buffers
    let n: Int
    var stamp = 0
    var heap = MinHeap()

    init(adj: LandscapeGraph.Adjacency, n: Int) {
        buf = Buffers(adj: adj, n: n); self.n = n
    }

    var sub: UnsafeMutableBufferPointer<Int> { buf.sub }
    var newDist: UnsafeMutableBufferPointer<Double> { buf.newDist }

    func hasChildren(_ k: Int) -> Bool { buf.childStart[k + 1] > buf.childStart[k] }

    /// Dijkstra from `s` (hop counts when `unit`), also indexing each node's children.
    mutating func tree(from s: Int, unit: Bool) -> Tree {
        var dist = [Double](repeating: .infinity, count: n)
        var parent = [Int](repeating: -1, count: n), parentEdge = [Int](repeating: -1, count: n)
        var done = [Bool](repeating: false, count: n)
        var order: [Int] = []
        order.reserveCapacity(n)
        let start = buf.start, target = buf.target, weight = buf.weight, edge = buf.edge
        heap.removeAll()
        dist[s] = 0; heap.push(0, s)
        while let (cost, v) = heap.pop() {
            if done[v] || cost > dist[v] { continue }
            done[v] = true; order.append(v)
            for k in start[v]..<start[v + 1] {
                let u = target[k]
                let nd = cost + (unit ? 1 : weight[k])
                if nd < dist[u] { dist[u] = nd; parent[u] = v; parentEdge[u] = edge[k]; heap.push(nd, u) }
            }
        }
        // Children in compressed form.
        let cs = buf.childStart, cl = buf.childList
        for i in 0...n { cs[i] = 0 }
        for v in order where parent[v] >= 0 { cs[parent[v] + 1] += 1 }
        for i in 0..<n { cs[i + 1] += cs[i] }
        var fill = Array(cs)
        for v in order where parent[v] >= 0 { cl[fill[parent[v]]] = v; fill[parent[v]] += 1 }
        for i in 0..<n { buf.oldDist[i] = dist[i] }
        return Tree(dist: dist, parent: parent, parentEdge: parentEdge, order: order)
    }

    /// Nodes of the subtree rooted at `root` (root included) into `sub[0..<count]`, marked with a fresh stamp.
    mutating func collectSubtree(_ root: Int) -> Int {
        stamp += 1
        let sub = buf.sub, mark = buf.mark, cs = buf.childStart, cl = buf.childList
        sub[0] = root
        mark[root] = stamp
        var count = 1, i = 0
        while i < count {
            let v = sub[i]; i += 1
            for c in cs[v]..<cs[v + 1] { let u = cl[c]; mark[u] = stamp; sub[count] = u; count += 1 }
        }
        return count
    }

    /// New distances from the tree's source to the descendants of `k` once `k` is removed: the nodes are
    /// `sub[0..<count]` (returned), their distances in `newDist`.
    mutating func redistances(removingNode k: Int, tree t: Tree, unit: Bool) -> Int {
        let count = collectSubtree(k)
        // Drop k itself (first) from the list.
        buf.sub[0] = buf.sub[count - 1]
        resettle(count - 1, unit: unit, blockedNode: k, blockedEdge: -1)
        return count - 1
    }

    /// New distances from the tree's source to the subtree of `k` once link `e` (k's tree link) is removed.
    mutating func redistances(removingEdge e: Int, below k: Int, tree t: Tree, unit: Bool) -> Int {
        let count = collectSubtree(k)
        resettle(count, unit: unit, blockedNode: -1, blockedEdge: e)
        return count
    }

    /// Dijkstra restricted to the marked nodes `sub[0..<count]`, seeded from unmarked neighbours at their
    /// distance in the tree (the last one built by `tree(from:unit:)`).
    private mutating func resettle(_ count: Int, unit: Bool, blockedNode: Int, blockedEdge: Int) {
        let start = buf.start, target = buf.target, weight = buf.weight, edge = buf.edge
        let mark = buf.mark, sub = buf.sub, newDist = buf.newDist, old = buf.oldDist
        let st = stamp
        heap.removeAll()
        for q in 0..<count {
            let v = sub[q]
            var best = Double.infinity
            for k in start[v]..<start[v + 1] {
                let u = target[k]
                if u == blockedNode || edge[k] == blockedEdge || mark[u] == st { continue }
                let d = old[u] + (unit ? 1 : weight[k])
                if d < best { best = d }
            }
            newDist[v] = best
            if best < .infinity { heap.push(best, v) }
        }
        while let (cost, v) = heap.pop() {
            if cost > newDist[v] { continue }
            for k in start[v]..<start[v + 1] {
                let u = target[k]
                guard mark[u] == st, u != blockedNode, edge[k] != blockedEdge else { continue }
                let nd = cost + (unit ? 1 : weight[k])
                if nd < newDist[u] { newDist[u] = nd; heap.push(nd, u) }
            }
        }
    }
}
