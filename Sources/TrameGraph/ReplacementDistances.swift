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
/// `pre`, so that membership is one comparison and the re-search needs no marking. `removeDescendants` then
/// runs Dijkstra on that range only, entered from the neighbours outside it at their unchanged distances
/// (Ramalingam & Reps 1996, the decremental step of dynamic shortest paths), on reduced lengths so that the
/// tree links below a settled node cost nothing; `enter` adds what removing the link above k needs.
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
    /// The tree's links by pre-order position (`indexTreeLinks`) and the distance at each position; the position
    /// of each position's parent, the length of the link to it, and a bound per position for `removeDescendants`.
    private let lstart, ltarget, ppos, done, nchild: UnsafeMutableBufferPointer<Int>
    private let lreduced, bound: UnsafeMutableBufferPointer<Double>
    /// Growth of each descendant's distance by pre-order position (`removeDescendants`).
    let growth: UnsafeMutableBufferPointer<Double>
    private let lweight: UnsafeMutableBufferPointer<Double>
    let pdist: UnsafeMutableBufferPointer<Double>
    /// First-in first-out queue of the hop searches; stamps, local numbers and list of `hopDetours`.
    private let queue, mark, detour, local: UnsafeMutableBufferPointer<Int>
    /// Per node of the current hop tree, its predecessor (neighbour one hop closer to the source) when it has only
    /// one (through one link or parallel ones), else −1; `sole[u] == hopStamp` when u is some node's only one.
    private let onlyPred, sole: UnsafeMutableBufferPointer<Int>
    private var hopStamp = 0
    /// The nodes found by `hopDetours`.
    let detours: UnsafeMutableBufferPointer<Int>
    private var stamp = 0
    private let storage: Storage
    private(set) var count = 0
    /// A binary min-heap of (distance, item) pairs on one raw buffer, sized for every push of one search (each
    /// directed link relaxes at most once, plus one seed per node), kept here as plain struct fields so that the
    /// hot loops pay no exclusivity check on a class's stored count.
    private let heap: UnsafeMutableBufferPointer<HeapEntry>
    private var heapCount = 0
    struct HeapEntry { var key: Double; var item: Int }

    init(_ g: CompactAdjacency) {
        self.g = g; n = g.n
        dist = .filled(n, with: .infinity)
        parent = .filled(n, with: -1); parentEdge = .filled(n, with: -1); tin = .filled(n, with: -1)
        size = .filled(n, with: 0); depth = .filled(n, with: 0)
        order = .filled(n, with: 0); pre = .filled(n, with: 0)
        newDist = .filled(n, with: .infinity); scratch = .filled(n, with: 0)
        lstart = .filled(n + 1, with: 0); ltarget = .filled(g.target.count, with: 0)
        lweight = .filled(g.target.count, with: 0); pdist = .filled(n, with: 0)
        onlyPred = .filled(n, with: -1); sole = .filled(n, with: 0)
        ppos = .filled(n, with: -1); done = .filled(n, with: 0); nchild = .filled(n, with: 0)
        lreduced = .filled(g.target.count, with: 0); bound = .filled(n, with: 0); growth = .filled(n, with: .infinity)
        heap = .filled(g.target.count + n + 1, with: HeapEntry(key: 0, item: 0))
        queue = .filled(n, with: 0); mark = .filled(n, with: 0); detour = .filled(n, with: 0)
        local = .filled(n, with: 0); detours = .filled(n, with: 0)
        storage = Storage([parent, parentEdge, tin, size, depth, order, pre, queue, mark, detour, local, detours,
                           lstart, ltarget, ppos, done, nchild, onlyPred, sole].map { UnsafeMutableRawPointer($0.baseAddress!) }
                          + [dist, newDist, scratch, lweight, pdist, lreduced, bound, growth].map { UnsafeMutableRawPointer($0.baseAddress!) }
                          + [UnsafeMutableRawPointer(heap.baseAddress!)])
    }

    @inline(__always) private mutating func push(_ key: Double, _ item: Int) {
        let H = heap
        var i = heapCount
        heapCount += 1
        while i > 0 {
            let p = (i - 1) >> 1
            if H[p].key <= key { break }
            H[i] = H[p]; i = p
        }
        H[i] = HeapEntry(key: key, item: item)
    }

    /// The smallest key, without removing it (the heap must not be empty).
    @inline(__always) private var minKey: Double { heap[0].key }

    /// Removes the entry of smallest key. The hole left at the top moves down along the smaller children to
    /// the bottom, then the last entry climbs back from there (Wegener's bottom-up heapsort, 1993): about one
    /// comparison per level instead of two, and no hard-to-predict early stop on the way down.
    @inline(__always) private mutating func pop() -> (key: Double, item: Int)? {
        guard heapCount > 0 else { return nil }
        let H = heap
        let out = H[0]
        heapCount -= 1
        let n = heapCount
        if n > 0 {
            let last = H[n]
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = r < n && H[r].key < H[l].key ? r : l
                H[i] = H[c]; i = c
            }
            while i > 0 {
                let p = (i - 1) >> 1
                if H[p].key <= last.key { break }
                H[i] = H[p]; i = p
            }
            H[i] = last
        }
        return (out.key, out.item)
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
        indexTreeLinks()
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
        hopStamp += 1
        onlyPred[s] = -1
        for i in 1..<max(1, count) {
            let v = order[i]
            let up = dist[v] - 1
            var d = -1, only = -2
            for k in start[v]..<start[v + 1] where dist[target[k]] == up {
                var a = target[k]
                only = only == -2 || only == a ? a : -1
                if d < 0 { d = a; continue }
                var b = d
                while a != b {
                    if depth[a] > depth[b] { a = parent[a] } else if depth[b] > depth[a] { b = parent[b] } else { a = parent[a]; b = parent[b] }
                }
                d = a
            }
            parent[v] = d; depth[v] = depth[d] + 1
            onlyPred[v] = only
            if only >= 0 { sole[only] = hopStamp }
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

    /// The current shortest-path tree's links by pre-order position: the neighbours within the tree of the node at
    /// position q are the positions `ltarget[lstart[q]..<lstart[q+1]]`, at `lweight`, with the reduced length
    /// `lreduced` = d(q) + w − d(target) ≥ 0 (0 down a tree link); `pdist[q]` is the distance at q, `ppos[q]` its
    /// parent's position. Links to nodes beyond the cut-off are left out: a path through them is longer than it.
    /// - Complexity: O(Σ deg) over the tree's nodes.
    private mutating func indexTreeLinks() {
        let start = g.start, target = g.target, weight = g.weight
        let tin = self.tin, pre = self.pre, dist = self.dist, parent = self.parent
        var f = 0
        for q in 0..<count {
            lstart[q] = f
            let v = pre[q]
            let dv = dist[v]
            pdist[q] = dv
            ppos[q] = q > 0 ? tin[parent[v]] : -1
            // Tree children first (reduced length 0), then the other links within the tree.
            for e in start[v]..<start[v + 1] {
                let u = target[e]
                if parent[u] == v && tin[u] >= 0 { ltarget[f] = tin[u]; lweight[f] = weight[e]; lreduced[f] = 0; f += 1 }
            }
            nchild[q] = f - lstart[q]
            for e in start[v]..<start[v + 1] {
                let u = target[e], t = tin[u]
                if t >= 0 && parent[u] != v { ltarget[f] = t; lweight[f] = weight[e]; lreduced[f] = (dv + weight[e]) - dist[u]; f += 1 }
            }
        }
        lstart[count] = f
    }

    /// How much longer the paths from the source to k's descendants (pre-order positions
    /// `tin[k]+1 ..< tin[k]+size[k]`) grow once node k is removed: `growth[q]` = d'(q) − d(q) ≥ 0, exact where
    /// d(q) + growth ≤ `cutoff`, else a value beyond it (possibly ∞: the node is then no longer within `cutoff`).
    ///
    /// Dijkstra within that range (Ramalingam & Reps 1996, the decremental step of dynamic shortest paths), each
    /// descendant entered from its neighbours outside the subtree at their unchanged distances: exact because
    /// every node outside keeps its distance (see the type's comment), and a shortest path to a descendant
    /// leaves the outside for the last time through some link into the range. The search runs on the reduced
    /// lengths d(u) + w − d(v) ≥ 0 (Johnson's potentials: the old distances), so its keys are the growths, and a
    /// tree link costs 0: once a node is settled, its tree descendants not yet settled are settled with the same
    /// growth at once, without going through the heap — most nodes are settled so, their path rejoining the old
    /// tree below k. An entry goes into the heap only when no better one is known higher on its tree path.
    ///
    /// Only the descendants numbered above `above` are asked for (`wanted` of them): the search stops once they
    /// are all settled and, when `throughDescendants` is asked, once no unsettled descendant can lead to k with
    /// less growth than found so far (`enterK`: k's best growth entering from outside its subtree). Other
    /// descendants may then keep a value above their growth.
    ///
    /// - Returns: the least growth of k reached through its descendants (min over a settled descendant u next to k
    ///   of d'(u) + w(u, k) − d(k)), ∞ when there is none or when not asked. With `enterK`, that gives k's growth
    ///   once the link to its parent is removed.
    /// - Complexity: O((r + m_r) log r) for the r descendants and their m_r links; the heap holds only the
    ///   entries and the improvements through links off the tree.
    mutating func removeDescendants(of k: Int, cutoff: Double, above: Int, wanted: Int,
                                    throughDescendants: Bool, enterK: Double) -> Double {
        let lstart = self.lstart, ltarget = self.ltarget, lweight = self.lweight, lreduced = self.lreduced
        let pdist = self.pdist, growth = self.growth, pre = self.pre, ppos = self.ppos, bound = self.bound
        let done = self.done, stack = self.queue
        let lo = tin[k], hi = lo + size[k]
        let span = UInt(bitPattern: hi - lo)
        stamp += 1
        let st = stamp
        heapCount = 0
        // bound[q]: the least entry on q's tree path below k. An entry above its parent's bound stays out of the
        // heap: the node is settled through its parent first, with less growth.
        for q in (lo + 1)..<hi {
            var best = Double.infinity
            for f in lstart[q]..<lstart[q + 1] {
                let t = ltarget[f]
                let d = UInt(bitPattern: t - lo) < span ? Double.infinity : pdist[t] + lweight[f]
                best = d < best ? d : best
            }
            let entry = best - pdist[q]
            growth[q] = entry
            let p = ppos[q]
            let down = p == lo ? Double.infinity : bound[p]
            bound[q] = min(entry, down)
            if entry <= down && pdist[q] + entry <= cutoff { push(entry, q) }
        }
        var remaining = wanted
        var toK = Double.infinity
        let first = lo + 1, inner = UInt(bitPattern: hi - first)
        while heapCount > 0 {
            let c = minKey
            if remaining == 0 && (!throughDescendants || c >= min(toK, enterK)) { break }
            let q0 = pop()!.item
            if done[q0] == st || c > growth[q0] { continue }
            done[q0] = st; growth[q0] = c
            stack[0] = q0
            var top = 1
            while top > 0 {
                top -= 1
                let q = stack[top]
                if pre[q] > above { remaining -= 1 }
                let split = lstart[q] + nchild[q]
                for f in lstart[q]..<split {
                    // A tree child: no unsettled node grows less than c, so it is settled with c.
                    let t = ltarget[f]
                    if done[t] != st && pdist[t] + c <= cutoff { done[t] = st; growth[t] = c; stack[top] = t; top += 1 }
                }
                for f in split..<lstart[q + 1] {
                    let t = ltarget[f], nd = c + lreduced[f]
                    if UInt(bitPattern: t - first) < inner {
                        if done[t] != st && nd < growth[t] && pdist[t] + nd <= cutoff { growth[t] = nd; push(nd, t) }
                    } else if t == lo && nd < toK {
                        toK = nd
                    }
                }
            }
        }
        return throughDescendants ? toK : .infinity
    }

    /// The best entry of k from outside its subtree without the link `blockedEdge`: min over the other links
    /// (u, k), u in the tree and outside k's subtree, of dist(u) + w. With the result of `removeDescendants`,
    /// the distance of k once that link is removed. - Complexity: O(deg k).
    func enter(_ k: Int, without blockedEdge: Int) -> Double {
        let start = g.start, target = g.target, weight = g.weight, edge = g.edge
        let lo = tin[k], span = UInt(bitPattern: size[k])
        var best = Double.infinity
        for e in start[k]..<start[k + 1] where edge[e] != blockedEdge {
            let t = tin[target[e]]
            if t < 0 || UInt(bitPattern: t - lo) < span { continue }
            let d = dist[target[e]] + weight[e]
            if d < best { best = d }
        }
        return best
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
        // Every such node lies below a successor of k whose only predecessor is k.
        guard sole[k] == hopStamp else { return 0 }
        let start = g.start, target = g.target, onlyPred = self.onlyPred
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
            if dist[u] == hk + 1 && onlyPred[u] == k && mark[u] != st { mark[u] = st; queue[tail] = u; tail += 1 }
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
            if heapCount > 0 && (head == tail || minKey <= newDist[queue[head]]) {
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
