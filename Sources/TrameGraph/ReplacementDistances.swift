/// A landscape graph's adjacency in compressed form on raw buffers, shared read-only by the workers:
/// the neighbours of node v are `target[start[v]..<start[v+1]]`, with each link's distance and edge index.
final class CompactAdjacency: @unchecked Sendable {
    let n: Int
    let start, target, edge: UnsafeMutableBufferPointer<Int>
    let weight: UnsafeMutableBufferPointer<Double>

    init(_ adj: LandscapeGraph.Adjacency, n: Int) {
        self.n = n
        start = .copy(adj.start); target = .copy(adj.target); edge = .copy(adj.edge); weight = .copy(adj.weight)
    }

    deinit { start.deallocate(); target.deallocate(); edge.deallocate(); weight.deallocate() }
}

extension UnsafeMutableBufferPointer {
    /// A new buffer holding a copy of `a` (at least one element long, so that it always has an address).
    static func copy(_ a: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let b = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(1, a.count))
        _ = b.initialize(from: a)
        return b
    }

    static func filled(_ count: Int, with v: Element) -> UnsafeMutableBufferPointer<Element> {
        let b = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(1, count))
        b.initialize(repeating: v)
        return b
    }
}

/// Distances from one source, arranged so that the distances after removing one node or one link can be
/// recomputed exactly in the only part of the graph that the removal can change.
///
/// Two kinds of tree, built from a source `s`:
/// - `shortestPathTree(from:cutoff:)`: Dijkstra on the link distances, stopped at `cutoff`. Removing node k
///   (or the link joining k to its parent) can only lengthen the paths to k's descendants: every other
///   reached node keeps a shortest path that avoids k (its tree path).
/// - `hopDominatorTree(from:)`: breadth-first hop counts and the dominator tree of the shortest-path DAG
///   (Cooper, Harvey & Kennedy 2001, "A simple, fast dominance algorithm", here on a DAG in topological
///   order, where one pass is exact). Removing k lengthens exactly the paths to the nodes k dominates — those
///   all of whose fewest-link paths pass through k — usually far fewer than k's descendants in any one tree.
///
/// In either tree, the subtree of k is the contiguous range `tin[k] ..< tin[k] + size[k]` of the pre-order
/// `pre`, so that membership is one comparison and the re-search needs no marking. `resettle` then runs
/// Dijkstra on that range only, seeded from the neighbours outside it at their unchanged distances
/// (Ramalingam & Reps 1996, the decremental step of dynamic shortest paths).
///
/// Buffers are allocated once per worker and reset through the list of reached nodes, so a search costs
/// what it visits, not O(n).
struct ReplacementSearch {
    /// Owns the buffers of one search (released with the last copy).
    final class Storage {
        let buffers: [UnsafeMutableRawPointer]
        init(_ b: [UnsafeMutableRawPointer]) { buffers = b }
        deinit { for b in buffers { b.deallocate() } }
    }

    let g: CompactAdjacency
    let n: Int
    /// Per node, valid for the reached nodes of the current tree (∞ and −1 elsewhere).
    let dist: UnsafeMutableBufferPointer<Double>
    let parent, parentEdge, tin, size, depth: UnsafeMutableBufferPointer<Int>
    /// Reached nodes in order of settling (source first): `order[0..<count]`.
    let order: UnsafeMutableBufferPointer<Int>
    /// Node at each pre-order position, and the re-searched distances by pre-order position.
    let pre: UnsafeMutableBufferPointer<Int>
    let newDist: UnsafeMutableBufferPointer<Double>
    /// Scratch per pre-order position for the caller (e.g. capacity × probability of each reached node).
    let scratch: UnsafeMutableBufferPointer<Double>
    /// Entry distances by pre-order position (`seedDescendants`).
    private let seed: UnsafeMutableBufferPointer<Double>
    /// First-in first-out queue of the hop searches; stamps, local numbers and list of `hopDetours`.
    private let queue, mark, detour, local: UnsafeMutableBufferPointer<Int>
    /// The nodes found by `hopDetours`.
    let detours: UnsafeMutableBufferPointer<Int>
    private var stamp = 0
    private let storage: Storage
    private(set) var count = 0
    /// A binary min-heap of (distance, item) on raw buffers, sized for every push of one search (each directed
    /// link relaxes at most once, plus one seed per node): the same sift order as `TrameRaster.MinHeap`, kept
    /// here as plain struct fields so that the hot loops pay no exclusivity check on a class's stored count.
    private let heapKeys: UnsafeMutableBufferPointer<Double>
    private let heapItems: UnsafeMutableBufferPointer<Int>
    private var heapCount = 0

    init(_ g: CompactAdjacency) {
        self.g = g; n = g.n
        dist = .filled(n, with: .infinity)
        parent = .filled(n, with: -1); parentEdge = .filled(n, with: -1); tin = .filled(n, with: -1)
        size = .filled(n, with: 0); depth = .filled(n, with: 0)
        order = .filled(n, with: 0); pre = .filled(n, with: 0)
        newDist = .filled(n, with: .infinity); scratch = .filled(n, with: 0); seed = .filled(n, with: .infinity)
        heapKeys = .filled(g.target.count + n + 1, with: 0); heapItems = .filled(g.target.count + n + 1, with: 0)
        queue = .filled(n, with: 0); mark = .filled(n, with: 0); detour = .filled(n, with: 0)
        local = .filled(n, with: 0); detours = .filled(n, with: 0)
        storage = Storage([parent, parentEdge, tin, size, depth, order, pre, heapItems, queue, mark, detour, local, detours].map { UnsafeMutableRawPointer($0.baseAddress!) }
                          + [dist, newDist, scratch, seed, heapKeys].map { UnsafeMutableRawPointer($0.baseAddress!) })
    }

    @inline(__always) private mutating func push(_ key: Double, _ item: Int) {
        let K = heapKeys, V = heapItems
        var i = heapCount
        heapCount += 1
        while i > 0 {
            let p = (i - 1) >> 1
            if K[p] <= key { break }
            K[i] = K[p]; V[i] = V[p]; i = p
        }
        K[i] = key; V[i] = item
    }

    @inline(__always) private mutating func pop() -> (key: Double, item: Int)? {
        guard heapCount > 0 else { return nil }
        let K = heapKeys, V = heapItems
        let out = (key: K[0], item: V[0])
        heapCount -= 1
        let n = heapCount
        if n > 0 {
            let lastKey = K[n], lastItem = V[n]
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = r < n && K[r] < K[l] ? r : l
                if K[c] >= lastKey { break }
                K[i] = K[c]; V[i] = V[c]; i = c
            }
            K[i] = lastKey; V[i] = lastItem
        }
        return out
    }

    /// Forgets the current tree. - Complexity: O(reached nodes).
    mutating func reset() {
        for i in 0..<count {
            let v = order[i]
            dist[v] = .infinity; parent[v] = -1; parentEdge[v] = -1; tin[v] = -1
        }
        count = 0
    }

    /// Dijkstra from `s` on the link distances, keeping only the nodes at distance ≤ `cutoff`
    /// (`.infinity`: the whole component). Ties keep the first parent found.
    /// - Complexity: O((m' + n') log n') for the n' nodes within `cutoff` and their m' links.
    mutating func shortestPathTree(from s: Int, cutoff: Double) {
        reset()
        let start = g.start, target = g.target, weight = g.weight, edge = g.edge
        heapCount = 0
        dist[s] = 0; push(0, s)
        while let (c, v) = pop() {
            if c > dist[v] || tin[v] == 0 { continue }
            tin[v] = 0   // settled (pre-order positions are assigned below)
            order[count] = v; count += 1
            for k in start[v]..<start[v + 1] {
                let u = target[k]
                let nd = c + weight[k]
                if nd < dist[u] && nd <= cutoff { dist[u] = nd; parent[u] = v; parentEdge[u] = edge[k]; push(nd, u) }
            }
        }
        indexSubtrees()
    }

    /// Hop counts from `s` (breadth first, whole component) and, in `parent`, the immediate dominator of each
    /// reached node in the DAG of its fewest-link paths (`parentEdge` is not set).
    /// - Complexity: O(m' + Σ_v deg(v) · w(v)) where w(v), the walk up the dominator tree to the common
    ///   dominator of v's predecessors, is at most v's depth in that tree and in practice a few steps.
    mutating func hopDominatorTree(from s: Int) {
        reset()
        let start = g.start, target = g.target
        dist[s] = 0; order[0] = s; count = 1; depth[s] = 0
        var head = 0
        while head < count {
            let v = order[head]; head += 1
            let next = dist[v] + 1
            for k in start[v]..<start[v + 1] where dist[target[k]] == .infinity {
                let u = target[k]
                dist[u] = next; order[count] = u; count += 1
            }
        }
        // Predecessors of v are its neighbours one hop closer; they come earlier in breadth-first order, so
        // their dominators are final when v is reached.
        for i in 1..<max(1, count) {
            let v = order[i]
            let up = dist[v] - 1
            var d = -1
            for k in start[v]..<start[v + 1] where dist[target[k]] == up {
                var a = target[k]
                if d < 0 { d = a; continue }
                var b = d
                while a != b {
                    if depth[a] > depth[b] { a = parent[a] } else if depth[b] > depth[a] { b = parent[b] } else { a = parent[a]; b = parent[b] }
                }
                d = a
            }
            parent[v] = d; depth[v] = depth[d] + 1
        }
        indexSubtrees()
    }

    /// Subtree sizes and pre-order ranges of the tree held in `parent` over `order[0..<count]`, where each
    /// node comes after its parent.
    private mutating func indexSubtrees() {
        guard count > 0 else { return }
        for i in 0..<count { size[order[i]] = 1 }
        for i in stride(from: count - 1, to: 0, by: -1) { let v = order[i]; size[parent[v]] += size[v] }
        // depth[] serves as the next free pre-order position below each node.
        let s = order[0]
        tin[s] = 0; pre[0] = s; depth[s] = 1
        for i in 1..<count {
            let v = order[i], p = parent[v]
            let t = depth[p]
            tin[v] = t; pre[t] = v
            depth[p] = t + size[v]; depth[v] = t + 1
        }
    }

    /// Entry distances of k's descendants (pre-order positions `tin[k]+1 ..< tin[k]+size[k]`) from outside
    /// k's subtree, k excluded: min over links (u, v) with u outside of dist[u] + w, into `seed`. The same for
    /// removing k or the link above it, since no other descendant touches that link.
    /// - Complexity: O(Σ deg) over k's descendants.
    mutating func seedDescendants(of k: Int) {
        let start = g.start, target = g.target, weight = g.weight
        let tin = self.tin, dist = self.dist, pre = self.pre, seed = self.seed
        let lo = tin[k], hi = tin[k] + size[k]
        for q in (lo + 1)..<hi {
            let v = pre[q]
            var best = Double.infinity
            for e in start[v]..<start[v + 1] {
                let t = tin[target[e]]
                if t >= lo && t < hi { continue }
                let d = dist[target[e]] + weight[e]
                if d < best { best = d }
            }
            seed[q] = best
        }
    }

    /// Exact distances from the source to the nodes at pre-order positions `lo..<hi` once a node or a link
    /// is removed, by Dijkstra within the range from the entries of `seedDescendants` (and, when `root` ≥ 0
    /// sits at position `lo`, the root's own entries, without `blockedEdge`). For removing node k:
    /// `lo = tin[k] + 1`, root −1; for removing the link e from k to its parent: `lo = tin[k]`, root k.
    /// The result for position q is `newDist[q]`: a distance ≤ `cutoff`, or a value above it (possibly ∞)
    /// when the node is no longer within `cutoff`.
    ///
    /// Exact because every node outside the range keeps its distance (see the type's comment), and a
    /// shortest path to a node in the range leaves the outside for the last time through some link into it.
    /// - Complexity: O((r + m_r) log r) for the r nodes of the range and their m_r links.
    mutating func resettle(_ lo: Int, _ hi: Int, root: Int, blockedEdge: Int, cutoff: Double) {
        let start = g.start, target = g.target, weight = g.weight, edge = g.edge
        let tin = self.tin, dist = self.dist, newDist = self.newDist, pre = self.pre, seed = self.seed
        heapCount = 0
        var first = lo
        if root >= 0 {
            var best = Double.infinity
            for e in start[root]..<start[root + 1] {
                let t = tin[target[e]]
                if (t >= lo && t < hi) || edge[e] == blockedEdge { continue }
                let d = dist[target[e]] + weight[e]
                if d < best { best = d }
            }
            newDist[lo] = best
            if best <= cutoff { push(best, lo) }
            first = lo + 1
        }
        for q in first..<hi {
            let b = seed[q]
            newDist[q] = b
            if b <= cutoff { push(b, q) }
        }
        while let (c, q) = pop() {
            if c > newDist[q] { continue }
            let v = pre[q]
            for e in start[v]..<start[v + 1] {
                let t = tin[target[e]]
                guard t >= lo, t < hi, edge[e] != blockedEdge else { continue }
                let nd = c + weight[e]
                if nd < newDist[t] && nd <= cutoff { newDist[t] = nd; push(nd, t) }
            }
        }
    }

    /// The nodes whose fewest-link distance from the current hop tree's source grows by two or more once
    /// node `k` is removed — `detours[0..<count]`, count returned — with their new hop counts in
    /// `newDist[0..<count]` (∞ when cut off). Every other node that `k` dominates grows by exactly one link.
    ///
    /// Why: a node j that k dominates needs at least one more link; it needs exactly one more when it has a
    /// neighbour at its own level that k does not dominate, or a predecessor (one level up) that itself grew
    /// by one. So the nodes growing by two or more are found level by level from k's successors, keeping only
    /// those with all predecessors among them (or k) and no such neighbour; it is usually a handful of nodes
    /// around k, where the detour starts, instead of all that k dominates. Their new distances then come
    /// from a breadth-first search among them, entered from the nodes that grew by one (h + 2) or not (h + 1).
    /// - Complexity: O(Σ deg) over k's successors, the nodes found and their successors (+ a log factor for
    ///   the entries of the search).
    mutating func hopDetours(removing k: Int) -> Int {
        let start = g.start, target = g.target
        let tin = self.tin, dist = self.dist, newDist = self.newDist
        let mark = self.mark, detour = self.detour, local = self.local, detours = self.detours, queue = self.queue
        stamp += 1
        let st = stamp
        let lo = tin[k] + 1, hi = tin[k] + size[k]
        // Candidates level by level: k's successors, then the successors of each node found.
        var head = 0, tail = 0
        let hk = dist[k]
        for e in start[k]..<start[k + 1] {
            let u = target[e]
            if dist[u] == hk + 1 && mark[u] != st { mark[u] = st; queue[tail] = u; tail += 1 }
        }
        var count = 0
        while head < tail {
            let j = queue[head]; head += 1
            let h = dist[j]
            var grows = true
            for e in start[j]..<start[j + 1] {
                let u = target[e], hu = dist[u]
                if hu < h {
                    if u != k && detour[u] != st { grows = false; break }
                } else if hu == h {
                    let t = tin[u]
                    if t < lo || t >= hi { grows = false; break }
                }
            }
            guard grows else { continue }
            detour[j] = st; local[j] = count; detours[count] = j; count += 1
            for e in start[j]..<start[j + 1] {
                let u = target[e]
                if dist[u] == h + 1 && mark[u] != st { mark[u] = st; queue[tail] = u; tail += 1 }
            }
        }
        guard count > 0 else { return 0 }
        // New hop counts among the detour nodes: entries from outside them, then breadth first.
        heapCount = 0
        for q in 0..<count {
            let v = detours[q]
            var best = Double.infinity
            for e in start[v]..<start[v + 1] {
                let u = target[e]
                if u == k || detour[u] == st { continue }
                let t = tin[u]
                let d = dist[u] + (t >= lo && t < hi ? 2 : 1)
                if d < best { best = d }
            }
            newDist[q] = best
            if best < .infinity { push(best, q) }
        }
        head = 0; tail = 0
        while true {
            let c: Double, q: Int
            if heapCount > 0 && (head == tail || heapKeys[0] <= newDist[queue[head]]) {
                (c, q) = pop()!
                if c > newDist[q] { continue }
            } else if head < tail {
                q = queue[head]; head += 1; c = newDist[q]
            } else { break }
            let v = detours[q], nd = c + 1
            for e in start[v]..<start[v + 1] {
                let u = target[e]
                guard detour[u] == st else { continue }
                let t = local[u]
                guard nd < newDist[t] else { continue }
                newDist[t] = nd; queue[tail] = t; tail += 1
            }
        }
        return count
    }
}
