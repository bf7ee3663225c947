import Foundation
import TrameCost
import TrameRaster

/// Pinch points of one sub-network: current through each corridor between its two reservoirs, and the
/// stretches where it concentrates.
public struct PinchPoints: Sendable {
    /// One pinch point: a group of 3 or more touching cells among the most-used tenth of a corridor's cells.
    public struct Point: Sendable {
        public var group: Int32
        public var link: Int
        public var from: Int32, to: Int32
        public var cells: Int
        public var maxCurrent: Double, meanCurrent: Double
        public var corridorResistance: Double
        public var dPC: Double
    }
    /// Current per cell (A; the highest over the corridors), NoData outside.
    public var current: Grid<Float>
    /// The cells of the pinch points with their group (a few per thousand of the grid's cells: not a
    /// grid of 4 bytes a cell while the corridors' current is solved).
    public var groupCells: [(cell: Int, group: Int32)]
    public var points: [Point]
    public let spec: GridSpec

    /// Pinch-point group per cell (0 outside), made on demand.
    public var groups: Grid<Int32> {
        var g = [Int32](repeating: 0, count: spec.count)
        for (c, id) in groupCells { g[c] = id }
        return Grid(spec: spec, values: g, noData: 0)
    }

    /// Each group's cells in a grid of its own bounding box (one cell of margin), for drawing them as polygons
    /// without a grid of the whole territory.
    public func groupWindows() -> [(group: Int32, grid: Grid<Int32>)] {
        var byGroup: [Int32: [Int]] = [:]
        for (c, id) in groupCells { byGroup[id, default: []].append(c) }
        let cols = spec.cols, t = spec.transform
        return byGroup.keys.sorted().map { id in
            let cells = byGroup[id]!
            let c0 = max(0, cells.map { $0 % cols }.min()! - 1), c1 = min(cols - 1, cells.map { $0 % cols }.max()! + 1)
            let r0 = max(0, cells.map { $0 / cols }.min()! - 1), r1 = min(spec.rows - 1, cells.map { $0 / cols }.max()! + 1)
            let w = c1 - c0 + 1, h = r1 - r0 + 1
            var v = [Int32](repeating: 0, count: w * h)
            for c in cells { v[(c / cols - r0) * w + (c % cols - c0)] = id }
            let window = GridSpec(cols: w, rows: h, transform: GeoTransform(originX: t.originX + Double(c0) * t.pixelWidth, pixelWidth: t.pixelWidth,
                                                                            originY: t.originY + Double(r0) * t.pixelHeight, pixelHeight: t.pixelHeight),
                                  crsWKT: spec.crsWKT)
            return (id, Grid(spec: window, values: v, noData: 0))
        }
    }

    /// The 8 neighbours, row by row from the one above-left (the order the groups are grown in).
    static let around = Neighbourhood.queen.steps.sorted { ($0.dr, $0.dc) < ($1.dr, $1.dc) }

    /// The 8 neighbours of cell `c` inside the grid, row by row.
    static func forEachNeighbour(of c: Int, cols: Int, rows: Int, _ body: (Int) -> Void) {
        let cc = c % cols, r = c / cols
        for step in around {
            let x = cc + step.dc, y = r + step.dr
            guard x >= 0, x < cols, y >= 0, y < rows else { continue }
            body(y * cols + x)
        }
    }

    /// Below this current (A, of the 1 A flow between the two reservoirs) a cell carries no current.
    public static let minCurrent = 1e-6

    /// - Parameters:
    ///   - maxLinks: at most this many links, the most important by dPC.
    public static func compute(corridors: CorridorMap, links: [PatchLink], linkIDs: [Int], dPC: [Double], labels: Grid<Int32>,
                               resistance: Grid<Float>, maxLinks: Int) throws -> PinchPoints {
        let spec = labels.spec
        let n = spec.count, cols = spec.cols, rows = spec.rows
        // Each corridor's cells, in one array by corridor (a counting sort: no array per corridor).
        var start = [Int](repeating: 0, count: links.count + 2)
        let owner = corridors.link.values
        for i in 0..<n where owner[i] > 0 { start[Int(owner[i]) + 1] += 1 }
        for k in 1..<start.count { start[k] += start[k - 1] }
        var corridorCells = [Int](repeating: 0, count: start[start.count - 1])
        var fill = start
        for i in 0..<n where owner[i] > 0 { corridorCells[fill[Int(owner[i])]] = i; fill[Int(owner[i])] += 1 }
        fill = []
        var current = [Float](repeating: -1, count: n)
        var groupCells: [(cell: Int, group: Int32)] = []
        var points: [Point] = []
        let chosen = links.indices.sorted { dPC[$0] > dPC[$1] }.prefix(maxLinks)
        let L = labels.values, R = resistance.values
        for k in chosen {
            let cells = corridorCells[start[k + 1]..<start[k + 2]]
            guard !cells.isEmpty else { continue }
            let from = links[k].from, to = links[k].to
            var a = Set<Int>(), b = Set<Int>()
            var open: [Int] = []
            for c in cells {
                if L[c] == from { a.insert(c); continue }
                if L[c] == to { b.insert(c); continue }
                open.append(c)
                Self.forEachNeighbour(of: c, cols: cols, rows: rows) { u in
                    if L[u] == from { a.insert(u) } else if L[u] == to { b.insert(u) }
                }
            }
            guard !open.isEmpty else { continue }
            let result = try CorridorCurrent.solve(cells: open, reservoirA: a.sorted(), reservoirB: b.sorted(), cols: cols, rows: rows) { c in
                let v = R[c]
                return resistance.isNoData(v) || v <= 0 ? 0 : 1 / Double(v)
            }
            guard result.resistance > 0 else { continue }
            for (j, c) in open.enumerated() { current[c] = max(current[c], Float(result.current[j])) }
            // The most-used tenth of the corridor's cells, in groups of 3 cells or more; a cell carrying less
            // than a millionth of the 1 A flow carries none (solver noise: 1e-11 A in a dead-end strip), and a
            // stretch without current is not a pinch point.
            let sorted = result.current.sorted()
            let threshold = max(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.9))], PinchPoints.minCurrent)
            var inTop = Set<Int>()
            for (j, c) in open.enumerated() where result.current[j] >= threshold { inTop.insert(c) }
            var seen = Set<Int>()
            let byCell = Dictionary(uniqueKeysWithValues: open.enumerated().map { ($1, result.current[$0]) })
            for start in inTop.sorted() where !seen.contains(start) {
                var stack = [start], members: [Int] = []
                seen.insert(start)
                while let v = stack.popLast() {
                    members.append(v)
                    Self.forEachNeighbour(of: v, cols: cols, rows: rows) { u in
                        if inTop.contains(u) && !seen.contains(u) { seen.insert(u); stack.append(u) }
                    }
                }
                guard members.count >= 3 else { continue }
                let id = Int32(points.count + 1)
                for m in members { groupCells.append((m, id)) }
                let values = members.map { byCell[$0] ?? 0 }
                points.append(Point(group: id, link: linkIDs[k], from: from, to: to, cells: members.count, maxCurrent: values.max() ?? 0,
                                    meanCurrent: values.reduce(0, +) / Double(values.count), corridorResistance: result.resistance, dPC: dPC[k]))
            }
        }
        return PinchPoints(current: Grid(spec: spec, values: current, noData: -1), groupCells: groupCells, points: points, spec: spec)
    }
}
