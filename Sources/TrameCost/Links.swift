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
        let edges = EdgeIndex(labels: patches.labels, count: patches.maxID)
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
        // The passable patch cells are the sources, read from the labels (no list of them). Lean: the search
        // keeps 12 bytes a cell (cost and zone) rather than 16, reading the resistance grid.
        let surface = try CostDistance.compute(resistance: resistance, sourceLabels: patches.labels, neighbourhood: neighbourhood,
                                               allocation: true, memory: .lean)
        progress?("scanning allocation boundaries")
        let moves = StepCosts(spec: resistance.spec, neighbourhood: neighbourhood, noData: resistance.noData)
        let best = crossings(surface: surface, resistance: resistance, moves: moves, cols: 0..<resistance.spec.cols, rows: 0..<resistance.spec.rows)
        var links: [PatchLink] = []
        for (key, b) in best {
            if let m = maxCost, b.cost > m { continue }
            if let l = link(key, b, surface: surface, moves: moves) { links.append(l) }
        }
        return (links, surface)
    }

    /// The link of a crossing: its path traced back from both of its cells to their reservoirs.
    static func link(_ key: Int, _ b: Crossing, surface: CostSurface, moves: StepCosts) -> PatchLink? {
        guard let pa = surface.path(to: b.v), let pb = surface.path(to: b.u) else { return nil }
        return PatchLink(from: Int32(key >> 32), to: Int32(key & 0xFFFF_FFFF), cost: b.cost,
                         length: pa.length + moves.lengths[b.k] + pb.length, euclidean: 0, line: pa.line + pb.line.reversed())
    }

    /// The least crossing of the allocation boundary for each pair of zones (key: lower zone << 32 | higher),
    /// over the cells v (the crossing's cell in the lower zone) of `cols` × `rows`: the least
    /// CD(v) + step + CD(u), the first in cell order, then move order, on equal costs.
    static func crossings(surface: CostSurface, resistance: Grid<Float>, moves: StepCosts, cols: Range<Int>, rows: Range<Int>) -> [Int: Crossing] {
        let spec = resistance.spec
        let A = surface.allocation!.values, C = surface.cost.values
        // On both cores, by bands of rows, each with its own best crossings; merged in band order keeping the
        // first of equal costs, as one pass in cell order would.
        let bands = min(16, max(1, rows.count))
        var found = [[Int: Crossing]](repeating: [:], count: bands)
        found.withUnsafeMutableBufferPointer { F in
            let out = F
            resistance.values.withUnsafeBufferPointer { R in
                A.withUnsafeBufferPointer { A in
                    C.withUnsafeBufferPointer { C in
                        Workers.perform(parts: bands) { band in
                            var best: [Int: Crossing] = [:]
                            let r0 = rows.lowerBound + band * rows.count / bands, r1 = rows.lowerBound + (band + 1) * rows.count / bands
                            for r in r0..<r1 {
                                for c in cols {
                                    let v = r * spec.cols + c
                                    let av = A[v]
                                    if av < 0 { continue }
                                    for k in 0..<moves.steps.count {
                                        guard let u = moves.target(v, c, r, k) else { continue }
                                        let au = A[u]
                                        guard au > av, let step = moves.cost(R, v, u, k) else { continue }
                                        let total = C[v] + step + C[u]
                                        let key = Int(av) << 32 | Int(au)
                                        if total < (best[key]?.cost ?? .infinity) { best[key] = Crossing(cost: total, v: v, u: u, k: k) }
                                    }
                                }
                            }
                            out[band] = best
                        }
                    }
                }
            }
        }
        var best = found[0]
        for band in found.indices.dropFirst() {
            for (key, b) in found[band] where b.cost < (best[key]?.cost ?? .infinity) { best[key] = b }
        }
        return best
    }

    /// Where a planar link crosses from one zone to the next: its cost, the cell v on the lower zone's side,
    /// the cell u beyond, the move k from v to u.
    struct Crossing { var cost: Double; var v: Int; var u: Int; var k: Int }

    /// One tile's share of the planar links whose cost is at most `maxCost` (a tiled run; see `mergeTiles`).
    ///
    /// `resistance` and `labels` are the tile's window (its core and a halo, the reservoirs numbered on the
    /// whole grid); `core` is the core's columns and rows inside the window; `origin` the window's top-left
    /// cell on the whole grid, `wholeCols` the whole grid's width. A crossing belongs to the tile whose core
    /// holds its cell v. The halo must be at least `maxCost` ÷ (least resistance × cell size) cells: a move
    /// costs at least the least resistance × its length, so a crossing of cost ≤ `maxCost` has its whole path
    /// — from v back to its reservoir, and on through u, the move's far cell, to the other — within
    /// `maxCost` ÷ least resistance metres of v, inside the window. There every cost, zone and back-link the
    /// crossing reads is the whole grid's (a window's costs are never below the whole grid's, and equal them
    /// along such paths), so the crossings of cost ≤ `maxCost` found here are the whole grid's. The links'
    /// Euclidean distances are left at 0 (the nearest edges may lie outside the window).
    public static func tileLinks(resistance: Grid<Float>, labels: Grid<Int32>, core: (cols: Range<Int>, rows: Range<Int>),
                                 origin: (col: Int, row: Int), wholeCols: Int, neighbourhood: Neighbourhood = .queen,
                                 maxCost: Double) throws -> [TileLink] {
        guard resistance.spec.isGeometricallyAligned(with: labels.spec) else { throw CostError.patchGridNotAligned }
        guard labels.values.contains(where: { $0 > 0 }) else { return [] }
        let surface = try CostDistance.compute(resistance: resistance, sourceLabels: labels, neighbourhood: neighbourhood,
                                               allocation: true, memory: .lean)
        let moves = StepCosts(spec: resistance.spec, neighbourhood: neighbourhood, noData: resistance.noData)
        let cols = resistance.spec.cols
        var out: [TileLink] = []
        for (key, b) in crossings(surface: surface, resistance: resistance, moves: moves, cols: core.cols, rows: core.rows) where b.cost <= maxCost {
            guard let l = link(key, b, surface: surface, moves: moves) else { continue }
            out.append(TileLink(link: l, cell: (origin.row + b.v / cols) * wholeCols + origin.col + b.v % cols, move: b.k))
        }
        return out
    }

    /// The tiles' links joined: per pair of reservoirs, the least cost, then the lowest cell on the whole grid,
    /// then the lowest move — the rule of the scan on one machine. Sorted by (from, to), as `links` returns them.
    public static func mergeTiles(_ tiles: [[TileLink]]) -> [PatchLink] {
        var best: [Int: TileLink] = [:]
        for tile in tiles {
            for t in tile {
                let key = Int(t.link.from) << 32 | Int(t.link.to)
                if let b = best[key], (b.link.cost, b.cell, b.move) <= (t.link.cost, t.cell, t.move) { continue }
                best[key] = t
            }
        }
        return best.values.map(\.link).sorted { ($0.from, $0.to) < ($1.from, $1.to) }
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
/// Each patch's edge cells are kept by blocks of 64 × 64 cells, each block with its box. The distance
/// between two patches goes through the pairs of blocks nearest first, and stops at the first pair whose
/// boxes are farther apart than the best distance found: large patches do not cost the product of their
/// edges.
struct EdgeIndex {
    struct Block { var start: Int, end: Int, minC: Int, maxC: Int, minR: Int, maxR: Int }
    static let blockSide = 64
    /// Every patch's edge cells, block after block.
    var cells: [(c: Int, r: Int)] = []
    var blocksOf: [[Block]]
    let cellW: Double, cellH: Double

    init(labels: Grid<Int32>, count: Int) {
        var cellsOf = [[(c: Int, r: Int)]](repeating: [], count: count + 1)
        let cols = labels.cols, rows = labels.rows
        let L = labels.values
        for r in 0..<rows {
            for c in 0..<cols {
                let v = L[r * cols + c]
                guard v > 0 else { continue }
                let edge = c == 0 || r == 0 || c == cols - 1 || r == rows - 1 ||
                    L[r * cols + c - 1] != v || L[r * cols + c + 1] != v || L[(r - 1) * cols + c] != v || L[(r + 1) * cols + c] != v
                if edge { cellsOf[Int(v)].append((c, r)) }
            }
        }
        blocksOf = Array(repeating: [], count: count + 1)
        let side = EdgeIndex.blockSide
        for k in cellsOf.indices where !cellsOf[k].isEmpty {
            cellsOf[k].sort { ($0.r / side, $0.c / side) < ($1.r / side, $1.c / side) }
            var start = 0
            let list = cellsOf[k]
            for n in 1...list.count where n == list.count || (list[n].r / side, list[n].c / side) != (list[start].r / side, list[start].c / side) {
                var b = Block(start: cells.count + start, end: cells.count + n, minC: .max, maxC: .min, minR: .max, maxR: .min)
                for q in list[start..<n] { b.minC = min(b.minC, q.c); b.maxC = max(b.maxC, q.c); b.minR = min(b.minR, q.r); b.maxR = max(b.maxR, q.r) }
                blocksOf[k].append(b)
                start = n
            }
            cells += list
            cellsOf[k] = []
        }
        cellW = abs(labels.spec.transform.pixelWidth); cellH = abs(labels.spec.transform.pixelHeight)
    }

    /// The squared gap between the nearest sides of cells `dc` columns and `dr` rows apart (0 when they touch).
    @inline(__always) func gap2(_ dc: Int, _ dr: Int) -> Double {
        let x = Double(max(0, dc - 1)) * cellW, y = Double(max(0, dr - 1)) * cellH
        return x * x + y * y
    }

    /// Distance between the nearest sides of the two patches' edge cells (0 when they touch), in metres;
    /// `upperBound` when either has no cell, or when none is nearer.
    func distance(_ a: Int32, _ b: Int32, upperBound: Double) -> Double {
        let A = blocksOf[Int(a)], B = blocksOf[Int(b)]
        guard !A.isEmpty, !B.isEmpty else { return upperBound }
        var best = upperBound * upperBound + 1
        // Pairs of blocks whose boxes are nearer than the bound, nearest first.
        var pairs: [(Double, Int, Int)] = []
        for (i, p) in A.enumerated() {
            for (j, q) in B.enumerated() {
                let lb = gap2(max(q.minC - p.maxC, p.minC - q.maxC, 0), max(q.minR - p.maxR, p.minR - q.maxR, 0))
                if lb < best { pairs.append((lb, i, j)) }
            }
        }
        pairs.sort { $0.0 < $1.0 }
        for (lb, i, j) in pairs {
            if lb >= best { break }
            let p = A[i], q = B[j]
            for u in p.start..<p.end {
                let pc = cells[u].c, pr = cells[u].r
                for v in q.start..<q.end {
                    let d = gap2(abs(cells[v].c - pc), abs(cells[v].r - pr))
                    if d < best { best = d }
                }
            }
        }
        return min(best.squareRoot(), upperBound)
    }
}

/// A link found by one tile of a tiled run, with where it crosses its zones' boundary on the whole grid (the cell
/// on the lower zone's side, and the move from it): the merge's tie rule.
public struct TileLink: Sendable {
    public var link: PatchLink
    public var cell: Int
    public var move: Int
    public init(link: PatchLink, cell: Int, move: Int) { self.link = link; self.cell = cell; self.move = move }
}
