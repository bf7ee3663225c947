import Foundation
import TrameRaster
import TrameVector

/// Corridors around links, mosaicked into one grid.
public struct CorridorMap: Sendable {
    /// Per cell: the normalised corridor value (CD_A + CD_B − LCD_AB, cost units) for cost-width
    /// corridors, or the distance to the path (m) for buffers; NoData outside every corridor.
    public var value: Grid<Float>
    /// Per cell: the index (1-based, in the links array) of the link whose corridor holds the cell.
    public var link: Grid<Int32>

    public init(value: Grid<Float>, link: Grid<Int32>) { self.value = value; self.link = link }

    /// Frees `value` (4 bytes a cell) once it is handed to its raster: `value` becomes an empty grid
    /// (0 × 0 cells); `link`, which the pinch points, conflicts and polygons read, stays.
    public mutating func releaseValues() {
        value = Grid(spec: GridSpec(cols: 0, rows: 0, transform: value.spec.transform, crsWKT: value.spec.crsWKT), values: [], noData: value.noData)
    }
}

/// How wide corridors are drawn around a least-cost link (the project file's `corridor_width`).
public enum CorridorWidth: Sendable, Equatable, CustomStringConvertible {
    /// Linkage Mapper's normalised least-cost corridor: cells with CD_A + CD_B − LCD_AB ≤ width (cost units).
    case cost(Double)
    /// A buffer of this many metres around the least-cost path.
    case metres(Double)

    /// "5000 cost" or "200 m", as the project file writes it.
    public var description: String {
        func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
        return switch self {
        case .cost(let w): "\(number(w)) cost"
        case .metres(let w): "\(number(w)) m"
        }
    }
}

public enum CorridorBuilder {
    /// Corridors for each link, mosaicked by minimum (a cell belongs to the link whose normalised value is lowest).
    ///
    /// Cost-width corridors run bounded searches (touched cells only) from each patch of a link, up to the
    /// link's cost + width, reusing the search from a patch for all its links; LCD_AB is the least
    /// CD_A + CD_B over the cells. Buffers paint the cells within the distance of the path.
    public static func corridors(resistance: Grid<Float>, patches: PatchSet, links: [PatchLink], width: CorridorWidth,
                                 neighbourhood: Neighbourhood = .queen, nearestCost: [Float]? = nil,
                                 progress: ((String) -> Void)? = nil) throws -> CorridorMap {
        let spec = resistance.spec
        // One mosaic for every link, whichever worker draws it (value, then the lower link number on ties:
        // the same minimum whatever the order).
        var value = [Float](repeating: .infinity, count: spec.count)
        var owner = [Int32](repeating: 0, count: spec.count)
        switch width {
        case .cost(let w):
            guard w >= 0 else { throw CostError.negativeCorridorWidth }
            // Each search starts from all of its patch's cells, found in the patch's box (no list of every
            // patch cell held, 8 bytes each).
            let boxes = PatchBoxes(labels: patches.labels, count: patches.maxID)
            // Links grouped by their first patch: one search from it serves the whole group. Groups are
            // shared between two workers, each with its own two searches (paged: memory follows the cells
            // they reach), drawing into the one mosaic under a lock.
            let order = links.indices.sorted { (links[$0].from, links[$0].to) < (links[$1].from, links[$1].to) }
            var groups: [ArraySlice<Int>] = []
            var start = 0
            for n in 1...order.count where n == order.count || links[order[n]].from != links[order[start]].from {
                groups.append(order[start..<n]); start = n
            }
            // The cost to the nearest patch bounds CD_B from below for every B: the search from A need not
            // expand a cell y where CD_A(y) + CD_nearest(y) exceeds the group's cost + width (triangle
            // inequality, as for the search from B below).
            progress?("cost to the nearest patch")
            // Held as Float (4 bytes a cell, as the cost-distance raster is written): a lower bound still once
            // lowered by more than Float's rounding (`SearchGuide.nearest`).
            let nearest = try nearestCost ?? CostDistance.compute(resistance: resistance, sources: LinkBuilder.sources(patches).filter { resistance.values[$0.cell] > 0 },
                                                   neighbourhood: neighbourhood, backLinks: false, memory: .lean).cost.values.map { Float($0) }
            let workers = min(2, max(1, groups.count))
            let done = ManagedCounter()
            let mosaicLock = NSLock()
            value.withUnsafeMutableBufferPointer { valueOut in
                owner.withUnsafeMutableBufferPointer { ownerOut in
                    let value = valueOut, owner = ownerOut
                    Workers.perform(parts: workers) { wk in
                        var a = BoundedSearch(resistance: resistance, neighbourhood: neighbourhood)
                        var b = BoundedSearch(resistance: resistance, neighbourhood: neighbourhood)
                        var drawn: [(cell: Int, value: Float)] = []
                        var g = wk
                        while g < groups.count {
                            let group = groups[g]
                            g += workers
                            let from = links[group.first!].from
                            // The bounds carry a relative slack of 1e-9: the link's cost and the sums CD_A + CD_B
                            // add the same steps in other orders, so a cell on the least-cost path (or at exactly
                            // the width) may exceed link cost + width by a rounding; without the slack it would be
                            // pruned and missing from a width-0 corridor. Membership is still CD_A + CD_B − LCD ≤ width.
                            let limit = (group.map { links[$0].cost }.max()! + w) * (1 + 1e-9)
                            nearest.withUnsafeBufferPointer { nb in
                                a.distances(from: boxes.cells(of: from, in: patches.labels), maxCost: limit, guide: .nearest(nb, bound: limit))
                            }
                            let A = a.cells
                            for k in group {
                                let link = links[k]
                                if done.increment() % 50 == 0 { progress?("corridor \(done.value) of \(links.count)") }
                                // Search from B only through cells that can still be in the corridor: if
                                // CD_A(y) + CD_B(y) exceeds cost + width at y, no cell reached through y can satisfy
                                // it either (triangle inequality), so y is not expanded.
                                let bound = (link.cost + w) * (1 + 1e-9)
                                b.distances(from: boxes.cells(of: link.to, in: patches.labels), maxCost: bound, guide: .search(A, bound: bound))
                                let B = b.cells
                                // The least cost between the two patches is the least CD_A + CD_B over the cells
                                // both reach (any cell on the best path splits it); it may be below the planar link's cost.
                                var lcd = Double.infinity
                                for i in b.touched where B.step(i) & 0x40 != 0 && A.step(i) & 0x40 != 0 { lcd = min(lcd, A.cost(i) + B.cost(i)) }
                                guard lcd.isFinite else { continue }
                                drawn.removeAll(keepingCapacity: true)
                                for i in b.touched where B.step(i) & 0x40 != 0 && A.step(i) & 0x40 != 0 {
                                    let nv = A.cost(i) + B.cost(i) - lcd
                                    if nv <= w { drawn.append((i, Float(nv))) }
                                }
                                let id = Int32(k + 1)
                                mosaicLock.lock()
                                for (i, nv) in drawn where nv < value[i] || (nv == value[i] && id < owner[i]) {
                                    value[i] = nv; owner[i] = id
                                }
                                mosaicLock.unlock()
                            }
                        }
                    }
                }
            }
        case .metres(let m):
            guard m > 0 else { throw CostError.nonPositiveCorridorBuffer }
            let t = spec.transform
            let cw = abs(t.pixelWidth), ch = abs(t.pixelHeight)
            for (k, link) in links.enumerated() {
                for s in 1..<max(2, link.line.count) where link.line.count > 1 {
                    let p = link.line[s - 1], q = link.line[s]
                    let minX = min(p.x, q.x) - m, maxX = max(p.x, q.x) + m, minY = min(p.y, q.y) - m, maxY = max(p.y, q.y) + m
                    let c0 = max(0, Int(((minX - t.originX) / cw).rounded(.down))), c1 = min(spec.cols - 1, Int(((maxX - t.originX) / cw).rounded(.down)))
                    let r0 = max(0, Int(((t.originY - maxY) / ch).rounded(.down))), r1 = min(spec.rows - 1, Int(((t.originY - minY) / ch).rounded(.down)))
                    guard c0 <= c1, r0 <= r1 else { continue }
                    for r in r0...r1 {
                        for c in c0...c1 {
                            let x = t.centre(col: c, row: r)
                            let d = segmentDistance(Point(x.x, x.y), p, q)
                            let i = r * spec.cols + c
                            if d <= m, Float(d) < value[i] { value[i] = Float(d); owner[i] = Int32(k + 1) }
                        }
                    }
                }
            }
        }
        let nd: Float = -9999
        for i in 0..<value.count where !value[i].isFinite { value[i] = nd }
        return CorridorMap(value: Grid(spec: spec, values: value, noData: nd), link: Grid(spec: spec, values: owner, noData: 0))
    }

    static func segmentDistance(_ x: Point, _ p: Point, _ q: Point) -> Double {
        let dx = q.x - p.x, dy = q.y - p.y
        let l2 = dx * dx + dy * dy
        let t = l2 > 0 ? max(0, min(1, ((x.x - p.x) * dx + (x.y - p.y) * dy) / l2)) : 0
        return x.distance(to: Point(p.x + t * dx, p.y + t * dy))
    }
}

/// What a bounded search knows of the cost from the other end of a corridor: nothing, the cost to the
/// nearest patch at every cell (a dense grid), or another search's costs (reached and settled cells only).
/// A settled cell is expanded only when its cost plus this lower bound is within `bound`.
enum SearchGuide {
    case none
    /// The cost to the nearest patch as Float (rounded to nearest, relative error ≤ 2⁻²⁴): lowered by a
    /// millionth it is below the exact cost, so no cell of a corridor is cut; a few more are expanded.
    case nearest(UnsafeBufferPointer<Float>, bound: Double)
    case search(SearchCells, bound: Double)

    /// 1 − 10⁻⁶: turns a Float rounded to nearest into a lower bound of the Double it came from.
    static let floatLowering = 1 - 1e-6

    @inline(__always) func stops(_ v: Int, at cost: Double) -> Bool {
        switch self {
        case .none: return false
        case .nearest(let g, let bound): return !(g[v] >= 0) || Double(g[v]) * SearchGuide.floatLowering + cost > bound
        case .search(let g, let bound): return g.step(v) & 0x40 == 0 || g.cost(v) + cost > bound
        }
    }
}

extension BoundedSearch {
    /// Accumulated cost from `cells` up to `maxCost`; results stay in `cells` for the `touched` cells
    /// (settled ones carry bit 0x40 in their step).
    /// With a `guide` (a lower bound of the cost from the other end at each cell and a bound), a settled cell
    /// is expanded only when its cost plus the guide's cost there is within the bound. Negative guide costs
    /// are unreached.
    mutating func distances(from sources: [Int], maxCost: Double, guide: SearchGuide = .none) {
        let S = cells
        S.clear()
        touched.removeAll(keepingCapacity: true)
        heap.removeAll()
        for c in sources where moves.passable(resistance.values[c]) { S.setCost(c, 0); S.setStep(c, 0x80); touched.append(c); heap.push(0, c) }
        let cols = moves.cols
        resistance.values.withUnsafeBufferPointer { R in
            while let (ecost, v) = heap.popMin() {
                let pv = S.page(v), lv = v & (SearchCells.runLength - 1)
                let back = (pv + SearchCells.stepsOffset).assumingMemoryBound(to: UInt8.self)
                if back[lv] & 0x40 != 0 || ecost > pv.assumingMemoryBound(to: Double.self)[lv] { continue }
                if ecost > maxCost { break }
                back[lv] |= 0x40
                if guide.stops(v, at: ecost) { continue }
                let r = v / cols, c = v - r * cols
                for k in 0..<moves.steps.count {
                    guard let u = moves.target(v, c, r, k) else { continue }
                    let pu = S.page(u), lu = u & (SearchCells.runLength - 1)
                    let bu = (pu + SearchCells.stepsOffset).assumingMemoryBound(to: UInt8.self)
                    guard bu[lu] & 0x40 == 0, let step = moves.cost(R, v, u, k) else { continue }
                    let nc = ecost + step
                    let cu = pu.assumingMemoryBound(to: Double.self)
                    if nc < cu[lu] {
                        if cu[lu] == .infinity { touched.append(u) }
                        cu[lu] = nc
                        bu[lu] = (bu[lu] & 0xC0) | UInt8(k + 1)
                        heap.push(nc, u)
                    }
                }
            }
        }
    }
}
