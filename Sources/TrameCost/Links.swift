import Foundation
import TrameRaster
import TrameVector

/// A least-cost link between two habitat patches.
public struct PatchLink: Sendable {
    public var from: Int32
    public var to: Int32
    /// Least cost between the two patches' edges (resistance × metres).
    public var cost: Double
    /// Length of the least-cost path in metres.
    public var length: Double
    /// Euclidean distance between the nearest edges of the two patches, in metres.
    public var euclidean: Double
    /// The path, from a cell on the edge of `from` to a cell on the edge of `to` (cell centres).
    public var line: [Point]

    public init(from: Int32, to: Int32, cost: Double, length: Double, euclidean: Double, line: [Point]) {
        self.from = from; self.to = to; self.cost = cost; self.length = length; self.euclidean = euclidean; self.line = line
    }
}

/// Which pairs of patches get a link.
public enum LinkTopology: String, CaseIterable, Sendable {
    /// Patches whose cost-allocation zones touch: the minimum planar graph (Fall et al. 2007, Graphab's
    /// planar topology). The link is the least-cost path that crosses the shared zone boundary.
    case planar
    /// Every pair joined by a path under the maximum cost (Graphab's complete topology).
    case complete
}

public enum LinkBuilder {
    /// Links between patches.
    ///
    /// Planar: one multi-source cost-distance pass from all patches at once, then one scan of the
    /// allocation boundary — no pass per patch. Complete: one search per patch, bounded by `maxCost`
    /// (touched cells only are reset), run on both cores.
    public static func links(resistance: Grid<Float>, patches: PatchSet, topology: LinkTopology,
                             neighbourhood: Neighbourhood = .queen, maxCost: Double? = nil,
                             progress: ((String) -> Void)? = nil) throws -> [PatchLink] {
        try linksAndSurface(resistance: resistance, patches: patches, topology: topology, neighbourhood: neighbourhood,
                            maxCost: maxCost, progress: progress).links
    }

    /// Links, and for the planar topology the cost-distance surface from all patches it was traced on
    /// (the cost to the nearest patch, which corridors and maps reuse).
    public static func linksAndSurface(resistance: Grid<Float>, patches: PatchSet, topology: LinkTopology,
                                       neighbourhood: Neighbourhood = .queen, maxCost: Double? = nil,
                                       progress: ((String) -> Void)? = nil) throws -> (links: [PatchLink], surface: CostSurface?) {
        guard resistance.spec.isGeometricallyAligned(with: patches.labels.spec) else {
            throw CostError.patchGridNotAligned
        }
        guard !patches.patches.isEmpty else { throw CostError.noPatchToLink }
        var links: [PatchLink]
        var surface: CostSurface? = nil
        switch topology {
        case .planar: (links, surface) = try planar(resistance: resistance, patches: patches, neighbourhood: neighbourhood, maxCost: maxCost, progress: progress)
        case .complete:
            guard let m = maxCost else { throw CostError.completeTopologyNeedsMaxCost }
            links = try complete(resistance: resistance, patches: patches, neighbourhood: neighbourhood, maxCost: m, progress: progress)
        }
        progress?("Euclidean distances between patch edges")
        let edges = EdgeIndex(labels: patches.labels, count: patches.patches.count)
        // On both cores: each part writes its own links' distances.
        let parts = min(links.count, 64)
        links.withUnsafeMutableBufferPointer { all in
            let L = all
            Workers.perform(parts: parts) { part in
                for k in stride(from: part, to: L.count, by: parts) {
                    let upper = L[k].line.first!.distance(to: L[k].line.last!)
                    L[k].euclidean = edges.distance(L[k].from, L[k].to, upperBound: upper)
                }
            }
        }
        return (links.sorted { ($0.from, $0.to) < ($1.from, $1.to) }, surface)
    }

    /// Every patch cell as a source, with its patch id.
    public static func sources(_ patches: PatchSet) -> [CostSource] {
        var s: [CostSource] = []
        let L = patches.labels.values
        for i in 0..<L.count where L[i] > 0 { s.append(CostSource(cell: i, id: L[i])) }
        return s
    }

    static func planar(resistance: Grid<Float>, patches: PatchSet, neighbourhood: Neighbourhood, maxCost: Double?,
                       progress: ((String) -> Void)?) throws -> ([PatchLink], CostSurface) {
        progress?("cost distance from all patches")
        // The passable patch cells, gathered once (16 bytes each: no second, filtered copy).
        var all: [CostSource] = []
        let L = patches.labels.values
        all.reserveCapacity(patches.patches.reduce(0) { $0 + $1.cells })
        resistance.values.withUnsafeBufferPointer { R in
            for i in 0..<L.count where L[i] > 0 && R[i] > 0 && !resistance.isNoData(R[i]) { all.append(CostSource(cell: i, id: L[i])) }
        }
        guard !all.isEmpty else { throw CostError.patchesImpassable }
        // Lean: the search keeps 12 bytes a cell (cost and zone) rather than 16, reading the resistance grid.
        let surface = try CostDistance.compute(resistance: resistance, sources: all, neighbourhood: neighbourhood, allocation: true, memory: .lean)
        progress?("scanning allocation boundaries")
        let spec = resistance.spec
        let moves = StepCosts(spec: spec, neighbourhood: neighbourhood, noData: resistance.noData)
        struct Best { var cost: Double; var v: Int; var u: Int; var k: Int }
        var best: [Int: Best] = [:]   // key: from << 32 | to
        let A = surface.allocation!.values, C = surface.cost.values
        resistance.values.withUnsafeBufferPointer { R in
            for v in 0..<spec.count {
                let av = A[v]
                if av < 0 { continue }
                let c = v % spec.cols, r = v / spec.cols
                for k in 0..<moves.steps.count {
                    guard let u = moves.target(v, c, r, k) else { continue }
                    let au = A[u]
                    guard au > av, let step = moves.cost(R, v, u, k) else { continue }
                    let total = C[v] + step + C[u]
                    let key = Int(av) << 32 | Int(au)
                    if total < (best[key]?.cost ?? .infinity) { best[key] = Best(cost: total, v: v, u: u, k: k) }
                }
            }
        }
        var links: [PatchLink] = []
        for (key, b) in best {
            if let m = maxCost, b.cost > m { continue }
            guard let pa = surface.path(to: b.v), let pb = surface.path(to: b.u) else { continue }
            links.append(PatchLink(from: Int32(key >> 32), to: Int32(key & 0xFFFF_FFFF), cost: b.cost,
                                   length: pa.length + moves.lengths[b.k] + pb.length, euclidean: 0,
                                   line: pa.line + pb.line.reversed()))
        }
        return (links, surface)
    }

    static func complete(resistance: Grid<Float>, patches: PatchSet, neighbourhood: Neighbourhood, maxCost: Double,
                         progress: ((String) -> Void)?) throws -> [PatchLink] {
        let count = patches.patches.count
        // Cells of each patch, grouped (counting sort by label).
        let L = patches.labels.values
        var start = [Int](repeating: 0, count: count + 2)
        for v in L where v > 0 { start[Int(v) + 1] += 1 }
        for i in 0...count { start[i + 1] += start[i] }
        var fill = start
        var cells = [Int](repeating: 0, count: start[count + 1])
        for i in 0..<L.count where L[i] > 0 { cells[fill[Int(L[i])]] = i; fill[Int(L[i])] += 1 }

        let workers = 2
        var results = [[PatchLink]](repeating: [], count: workers)
        let done = ManagedCounter()
        results.withUnsafeMutableBufferPointer { out in
            let outPtr = out.baseAddress!
            Workers.perform(parts: workers) { w in
                var search = BoundedSearch(resistance: resistance, neighbourhood: neighbourhood)
                var mine: [PatchLink] = []
                var p = w + 1
                while p <= count {
                    let own = Array(cells[start[p]..<start[p + 1]])
                    mine += search.links(from: Int32(p), cells: own, labels: L, maxCost: maxCost)
                    if let progress, done.increment() % max(1, count / 20) == 0 { progress("searched \(done.value) of \(count) patches") }
                    p += workers
                }
                outPtr[w] = mine
            }
        }
        return results.flatMap { $0 }
    }
}

/// A thread-safe counter for progress across workers.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// A Dijkstra search from one patch that stops at a maximum cost and resets only the cells it touched,
/// so that thousands of searches cost what their neighbourhoods cost, not a full grid each.
struct BoundedSearch {
    let resistance: Grid<Float>
    let moves: StepCosts
    /// Cost (∞ where unreached) and step of each touched cell: the step into it (1…steps, 0 at a source)
    /// in bits 0–4, 0x40 once settled, 0x80 at a source.
    let cells: SearchCells
    var touched: [Int] = []
    let heap = RadixHeap()

    init(resistance: Grid<Float>, neighbourhood: Neighbourhood) {
        self.resistance = resistance
        moves = StepCosts(spec: resistance.spec, neighbourhood: neighbourhood, noData: resistance.noData)
        cells = SearchCells(count: resistance.count)
    }

    /// Links from patch `id` to every patch `other > id` reached under `maxCost`: the cheapest cell of
    /// each other patch, traced back to this patch's edge. Paths may cross other patches.
    mutating func links(from id: Int32, cells own: [Int], labels L: [Int32], maxCost: Double) -> [PatchLink] {
        distances(from: own, maxCost: maxCost)
        var best: [Int32: Int] = [:]
        let cells = self.cells
        for i in touched where cells.step(i) & 0x40 != 0 && L[i] > id {
            if let j = best[L[i]], cells.cost(j) < cells.cost(i) || (cells.cost(j) == cells.cost(i) && j < i) { continue }
            best[L[i]] = i
        }
        return best.compactMap { other, end in
            guard let p = moves.trace(to: end, transform: resistance.spec.transform, stepInto: { Int(cells.step($0) & 0x1F) }) else { return nil }
            return PatchLink(from: id, to: other, cost: cells.cost(end), length: p.length, euclidean: 0, line: p.line)
        }
    }
}

/// Edge cells of each patch, for Euclidean edge-to-edge distances.
///
/// Each patch's edge cells are kept sorted by column, with the patch's box. The distance between two
/// patches takes the smaller one's cells nearest the other's box first, and for each looks only at the
/// other's cells in the columns still within the best distance found (a sweep), so that large patches do
/// not cost the product of their edges.
struct EdgeIndex {
    var cellsOf: [[(c: Int, r: Int)]]
    var boxOf: [(minC: Int, maxC: Int, minR: Int, maxR: Int)]
    let cellW: Double, cellH: Double

    init(labels: Grid<Int32>, count: Int) {
        cellsOf = Array(repeating: [], count: count + 1)
        boxOf = Array(repeating: (Int.max, Int.min, Int.max, Int.min), count: count + 1)
        let cols = labels.cols, rows = labels.rows
        let L = labels.values
        for r in 0..<rows {
            for c in 0..<cols {
                let v = L[r * cols + c]
                guard v > 0 else { continue }
                let edge = c == 0 || r == 0 || c == cols - 1 || r == rows - 1 ||
                    L[r * cols + c - 1] != v || L[r * cols + c + 1] != v || L[(r - 1) * cols + c] != v || L[(r + 1) * cols + c] != v
                if edge {
                    let k = Int(v)
                    cellsOf[k].append((c, r))
                    boxOf[k] = (min(boxOf[k].minC, c), max(boxOf[k].maxC, c), min(boxOf[k].minR, r), max(boxOf[k].maxR, r))
                }
            }
        }
        for k in cellsOf.indices where cellsOf[k].count > 1 { cellsOf[k].sort { ($0.c, $0.r) < ($1.c, $1.r) } }
        cellW = abs(labels.spec.transform.pixelWidth); cellH = abs(labels.spec.transform.pixelHeight)
    }

    /// Distance between the nearest sides of the two patches' edge cells (0 when they touch), in metres;
    /// `upperBound` when either has no cell, or when none is nearer.
    func distance(_ a: Int32, _ b: Int32, upperBound: Double) -> Double {
        // Sweep the smaller patch's cells over the larger's.
        let (p, q) = cellsOf[Int(a)].count <= cellsOf[Int(b)].count ? (Int(a), Int(b)) : (Int(b), Int(a))
        let P = cellsOf[p], Q = cellsOf[q], box = boxOf[q]
        guard !P.isEmpty, !Q.isEmpty else { return upperBound }
        var best = upperBound * upperBound + 1
        func gap(_ d: Int, _ size: Double) -> Double { Double(max(0, d - 1)) * size }
        // P's cells by their distance to Q's box: once that reaches the best, no later cell can do better.
        let order = P.indices.map { i -> (Double, Int) in
            let gx = gap(max(box.minC - P[i].c, P[i].c - box.maxC), cellW), gy = gap(max(box.minR - P[i].r, P[i].r - box.maxR), cellH)
            return (gx * gx + gy * gy, i)
        }.sorted { $0.0 < $1.0 }
        for (boxGap, i) in order {
            if boxGap >= best || best == 0 { break }
            let pc = P[i].c, pr = P[i].r
            // First cell of Q in column pc or after.
            var lo = 0, hi = Q.count
            while lo < hi { let m = (lo + hi) / 2; if Q[m].c < pc { lo = m + 1 } else { hi = m } }
            var j = lo
            while j < Q.count {
                let dx = gap(Q[j].c - pc, cellW)
                if dx * dx >= best { break }
                let dy = gap(abs(Q[j].r - pr), cellH)
                best = min(best, dx * dx + dy * dy)
                j += 1
            }
            j = lo - 1
            while j >= 0 {
                let dx = gap(pc - Q[j].c, cellW)
                if dx * dx >= best { break }
                let dy = gap(abs(Q[j].r - pr), cellH)
                best = min(best, dx * dx + dy * dy)
                j -= 1
            }
        }
        return min(best.squareRoot(), upperBound)
    }
}
