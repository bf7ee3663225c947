/// A landscape graph: habitat patches (nodes) with a capacity, joined by undirected links weighted by a
/// distance (least cost or Euclidean, in metres or cost units).
///
/// Node ids are kept as the caller's strings; internally nodes are numbered 0..<n.
public struct LandscapeGraph: Sendable {
    public struct Edge: Sendable, Equatable {
        public var a: Int
        public var b: Int
        public var distance: Double
    }

    public private(set) var ids: [String]
    public private(set) var capacities: [Double]
    public private(set) var edges: [Edge]
    var index: [String: Int]

    public var nodeCount: Int { ids.count }

    /// - Throws: `GraphError` for duplicate ids, negative or NaN capacities, unknown ids in edges,
    ///   negative or NaN distances, or an edge from a node to itself.
    public init(nodes: [(id: String, capacity: Double)], edges: [(from: String, to: String, distance: Double)]) throws {
        ids = []; capacities = []; self.edges = []; index = [:]
        for (id, cap) in nodes {
            guard index[id] == nil else { throw GraphError("duplicate node id '\(id)'") }
            guard cap.isFinite, cap >= 0 else { throw GraphError("node '\(id)' has capacity \(cap); capacities must be finite and ≥ 0") }
            index[id] = ids.count
            ids.append(id); capacities.append(cap)
        }
        for (f, t, d) in edges {
            guard let a = index[f] else { throw GraphError("edge \(f)–\(t) names unknown node '\(f)'") }
            guard let b = index[t] else { throw GraphError("edge \(f)–\(t) names unknown node '\(t)'") }
            guard d.isFinite, d >= 0 else { throw GraphError("edge \(f)–\(t) has distance \(d); distances must be finite and ≥ 0") }
            guard a != b else { throw GraphError("edge \(f)–\(t) joins a node to itself") }
            self.edges.append(Edge(a: a, b: b, distance: d))
        }
    }

    /// The same graph without the links longer than `maxDistance`.
    public func thresholded(_ maxDistance: Double?) -> LandscapeGraph {
        guard let m = maxDistance else { return self }
        var g = self
        g.edges = edges.filter { $0.distance <= m }
        return g
    }

    /// Adjacency in compressed form: neighbours of node v are `adj[start[v]..<start[v+1]]`,
    /// with the distance and the edge index of each. Parallel edges are all kept (the shortest wins in searches).
    struct Adjacency {
        var start: [Int]
        var target: [Int]
        var weight: [Double]
        var edge: [Int]
    }

    /// - Parameter rank: when given, node v is numbered `rank[v]` in the adjacency (edge indices unchanged).
    func adjacency(rank: [Int]? = nil) -> Adjacency {
        var deg = [Int](repeating: 0, count: nodeCount + 1)
        let r = rank ?? Array(0..<nodeCount)
        for e in edges { deg[r[e.a] + 1] += 1; deg[r[e.b] + 1] += 1 }
        for v in 0..<nodeCount { deg[v + 1] += deg[v] }
        var fill = deg
        var target = [Int](repeating: 0, count: 2 * edges.count), weight = [Double](repeating: 0, count: 2 * edges.count)
        var edge = [Int](repeating: 0, count: 2 * edges.count)
        for (k, e) in edges.enumerated() {
            let a = r[e.a], b = r[e.b]
            target[fill[a]] = b; weight[fill[a]] = e.distance; edge[fill[a]] = k; fill[a] += 1
            target[fill[b]] = a; weight[fill[b]] = e.distance; edge[fill[b]] = k; fill[b] += 1
        }
        return Adjacency(start: deg, target: target, weight: weight, edge: edge)
    }

    /// The nodes in breadth-first order from a far end of each component (the node reached last from the
    /// component's first node): numbered in this order, neighbours get near numbers and numbers grow from
    /// one end of the component to the other, like a sweep.
    /// - Complexity: O(n + m).
    func sweepOrder() -> [Int] {
        let adj = adjacency()
        var seen = [Int](repeating: 0, count: nodeCount)
        var order: [Int] = []
        order.reserveCapacity(nodeCount)
        var queue = [Int](repeating: 0, count: nodeCount)
        func bfs(_ s: Int, stamp: Int) -> Int {
            var head = 0, tail = 1
            queue[0] = s; seen[s] = stamp
            while head < tail {
                let v = queue[head]; head += 1
                for k in adj.start[v]..<adj.start[v + 1] where seen[adj.target[k]] < stamp {
                    seen[adj.target[k]] = stamp; queue[tail] = adj.target[k]; tail += 1
                }
            }
            return tail
        }
        for s in 0..<nodeCount where seen[s] == 0 {
            let count = bfs(s, stamp: 1)
            let far = queue[count - 1]
            _ = bfs(far, stamp: 2)
            order.append(contentsOf: queue[0..<count])
        }
        return order
    }

    /// Connected components: a component number per node (0-based, in order of first node).
    public func components() -> [Int] {
        let adj = adjacency()
        var comp = [Int](repeating: -1, count: nodeCount)
        var next = 0
        var stack: [Int] = []
        for s in 0..<nodeCount where comp[s] < 0 {
            comp[s] = next; stack.append(s)
            while let v = stack.popLast() {
                for k in adj.start[v]..<adj.start[v + 1] where comp[adj.target[k]] < 0 {
                    comp[adj.target[k]] = next; stack.append(adj.target[k])
                }
            }
            next += 1
        }
        return comp
    }
}

/// A problem with a graph's nodes, links or parameters.
public struct GraphError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ d: String) { description = d }
}
