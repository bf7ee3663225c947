import Foundation
import TrameRaster

/// Why open land is a buffer zone.
public enum BufferKind: UInt8, Sendable, CaseIterable {
    /// An urban break: open land between two towns closer than the break width, keeping an opening
    /// for species across the urban chain (coupure d'urbanisation).
    case urbanBreak = 1
    /// Open land that frames a reservoir or a corridor.
    case networkFrame = 2

    public var key: String { self == .urbanBreak ? "urban_break" : "network_frame" }
}

/// One buffer zone: a connected region of one kind.
public struct BufferZone: Sendable, Equatable {
    public var id: Int32
    public var kind: BufferKind
    public var cells: Int
    public var areaHa: Double
    /// For urban breaks: the two towns it separates (ids in `BufferZoneMap.towns`).
    public var towns: (Int32, Int32)?
    /// For urban breaks: the direction species can cross the urban chain through it.
    public var opening: String?

    public static func == (a: BufferZone, b: BufferZone) -> Bool {
        a.id == b.id && a.kind == b.kind && a.cells == b.cells && a.towns?.0 == b.towns?.0 && a.towns?.1 == b.towns?.1
    }
}

/// A town: a connected built-up region of at least the minimum size.
public struct Town: Sendable, Equatable {
    public var id: Int32
    public var cells: Int
    public var centre: (x: Double, y: Double)
    public static func == (a: Town, b: Town) -> Bool { a.id == b.id && a.cells == b.cells }
}

/// Buffer zones on farmland and natural land: urban breaks between neighbouring towns, and the land
/// that frames reservoirs and corridors; with a membership that fades over a diffuse edge.
public struct BufferZoneMap: Sendable {
    /// Buffer-zone id per cell (0 outside), index into `zones` + 1.
    public var labels: Grid<Int32>
    public var zones: [BufferZone]
    public var towns: [Town]
    /// Membership in per cent: 100 inside a zone, fading to 0 over the edge width outside it (open land only).
    public var membership: Grid<UInt8>

    /// - Parameters:
    ///   - network: non-zero on reservoir and corridor cells.
    public init(landCover: Grid<Int32>, builtUp: ClassSet, openLand: ClassSet, network: [UInt8], rules: BufferZoneRules) {
        let spec = landCover.spec
        let cols = spec.cols, rows = spec.rows, n = spec.count
        let cell = abs(spec.transform.pixelWidth)
        let cellHa = spec.cellArea / 10_000

        // Towns: built-up regions of at least the minimum area.
        var built = [UInt8](repeating: 0, count: n)
        var open = [Bool](repeating: false, count: n)
        landCover.values.withUnsafeBufferPointer { L in
            for i in 0..<n where !landCover.isNoData(L[i]) {
                if builtUp.contains(L[i]) { built[i] = 1 } else if openLand.contains(L[i]) { open[i] = true }
            }
        }
        let townComps = Components(classes: built, cols: cols, rows: rows) { _ in Int((rules.minTownHa / cellHa).rounded(.up)) }
        built = []
        var sx = [Double](repeating: 0, count: townComps.count), sy = sx
        for i in 0..<n where townComps.labels[i] != 0 {
            let t = Int(townComps.labels[i]) - 1
            let p = spec.transform.centre(col: i % cols, row: i / cols)
            sx[t] += p.x; sy[t] += p.y
        }
        towns = townComps.cells.indices.map { k in
            Town(id: Int32(k + 1), cells: townComps.cells[k], centre: (sx[k] / Double(townComps.cells[k]), sy[k] / Double(townComps.cells[k])))
        }

        // Urban breaks, on a coarser grid (the break width spans ~40 coarse cells): the two nearest
        // towns of each coarse cell, by a two-label Dijkstra bounded by the break width.
        let factor = max(1, Int((rules.maxBreakWidth / 40 / cell).rounded(.down)))
        let ccols = (cols + factor - 1) / factor, crows = (rows + factor - 1) / factor
        var coarseTown = [Int32](repeating: 0, count: ccols * crows)
        for i in 0..<n where townComps.labels[i] != 0 {
            let c = (i % cols) / factor, r = (i / cols) / factor
            if coarseTown[r * ccols + c] == 0 { coarseTown[r * ccols + c] = townComps.labels[i] }
        }
        let two = TwoNearest(seeds: coarseTown, cols: ccols, rows: crows, step: cell * Double(factor), limit: rules.maxBreakWidth)
        var kind = [UInt8](repeating: 0, count: n)
        for i in 0..<n where open[i] {
            let c = (i % cols) / factor, r = (i / cols) / factor
            let k = r * ccols + c
            if two.id2[k] != 0 && two.d1[k] > 0 && two.d1[k] + two.d2[k] <= Float(rules.maxBreakWidth) { kind[i] = BufferKind.urbanBreak.rawValue }
        }

        // Network frame: open land within the distance of a reservoir or corridor (chamfer distance).
        let dNet = ChamferDistance.compute(seeds: network, cols: cols, rows: rows, cell: cell, limit: Float(rules.aroundNetwork))
        for i in 0..<n where open[i] && kind[i] == 0 && network[i] == 0 && dNet[i] <= Float(rules.aroundNetwork) {
            kind[i] = BufferKind.networkFrame.rawValue
        }

        let comps = Components(classes: kind, cols: cols, rows: rows) { _ in Int((rules.minAreaHa / cellHa).rounded(.up)) }
        kind = []
        // The towns each break separates: a majority vote over its cells (Boyer–Moore, O(1) per cell).
        var candidate = [Int64](repeating: 0, count: comps.count), votes = [Int](repeating: 0, count: comps.count)
        for i in 0..<n {
            let z = Int(comps.labels[i])
            guard z != 0, comps.classOf[z - 1] == BufferKind.urbanBreak.rawValue else { continue }
            let c = (i % cols) / factor, r = (i / cols) / factor
            let k = r * ccols + c
            let a = min(two.id1[k], two.id2[k]), b = max(two.id1[k], two.id2[k])
            let pair = Int64(a) << 32 | Int64(b)
            if votes[z - 1] == 0 { candidate[z - 1] = pair; votes[z - 1] = 1 } else if candidate[z - 1] == pair { votes[z - 1] += 1 } else { votes[z - 1] -= 1 }
        }
        let townList = towns
        zones = comps.cells.indices.map { k in
            let kind = BufferKind(rawValue: comps.classOf[k])!
            var zone = BufferZone(id: Int32(k + 1), kind: kind, cells: comps.cells[k], areaHa: Double(comps.cells[k]) * cellHa, towns: nil, opening: nil)
            if kind == .urbanBreak, candidate[k] != 0 {
                let a = Int32(candidate[k] >> 32), b = Int32(candidate[k] & 0xFFFF_FFFF)
                zone.towns = (a, b)
                let ta = townList[Int(a) - 1].centre, tb = townList[Int(b) - 1].centre
                // Towns side by side east–west leave an opening that runs north–south, and conversely.
                zone.opening = abs(ta.x - tb.x) >= abs(ta.y - tb.y) ? "north-south" : "east-west"
            }
            return zone
        }

        membership = Grid(spec: spec, values: BufferZoneMap.diffuseEdge(labels: comps.labels, open: open, spec: spec, width: rules.edge), noData: nil)
        labels = Grid(spec: spec, values: comps.labels, noData: 0)
    }

    /// Diffuse edge: membership (per cent) fades linearly over `width` metres (at least a cell) outside each
    /// zone, on open land; 100 inside a zone.
    static func diffuseEdge(labels: [Int32], open: [Bool], spec: GridSpec, width: Double) -> [UInt8] {
        let n = spec.count, cell = abs(spec.transform.pixelWidth)
        var inZone = [UInt8](repeating: 0, count: n)
        for i in 0..<n where labels[i] != 0 { inZone[i] = 1 }
        let edge = Float(max(width, cell))
        let dZone = ChamferDistance.compute(seeds: inZone, cols: spec.cols, rows: spec.rows, cell: cell, limit: edge)
        var member = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            if inZone[i] != 0 { member[i] = 100 } else if open[i] && dZone[i] < edge { member[i] = UInt8((100 * (1 - dZone[i] / edge)).rounded()) }
        }
        return member
    }
}

/// Distance (metres) to the nearest seed cell by two chamfer passes with steps 1 and √2 cells: the
/// exact length of the shortest 8-neighbour path. Cells farther than `limit` read +∞.
public enum ChamferDistance {
    public static func compute(seeds: [UInt8], cols: Int, rows: Int, cell: Double, limit: Float) -> [Float] {
        let n = cols * rows
        var d = [Float](repeating: .infinity, count: n)
        let a = Float(cell), b = Float(cell * 2.0.squareRoot())
        d.withUnsafeMutableBufferPointer { D in
            seeds.withUnsafeBufferPointer { S in
                for i in 0..<n where S[i] != 0 { D[i] = 0 }
            }
            for r in 0..<rows {
                for c in 0..<cols {
                    let i = r * cols + c
                    var v = D[i]
                    if v == 0 { continue }
                    if c > 0 { v = min(v, D[i - 1] + a) }
                    if r > 0 {
                        v = min(v, D[i - cols] + a)
                        if c > 0 { v = min(v, D[i - cols - 1] + b) }
                        if c < cols - 1 { v = min(v, D[i - cols + 1] + b) }
                    }
                    D[i] = v
                }
            }
            for r in stride(from: rows - 1, through: 0, by: -1) {
                for c in stride(from: cols - 1, through: 0, by: -1) {
                    let i = r * cols + c
                    var v = D[i]
                    if v == 0 { continue }
                    if c < cols - 1 { v = min(v, D[i + 1] + a) }
                    if r < rows - 1 {
                        v = min(v, D[i + cols] + a)
                        if c < cols - 1 { v = min(v, D[i + cols + 1] + b) }
                        if c > 0 { v = min(v, D[i + cols - 1] + b) }
                    }
                    D[i] = v
                }
            }
            for i in 0..<n where D[i] > limit { D[i] = .infinity }
        }
        return d
    }
}

/// The nearest and second-nearest distinct seed regions of every cell, by a Dijkstra search in which
/// each cell is settled at most twice (once per label), bounded by `limit` metres.
struct TwoNearest {
    var d1: [Float], d2: [Float]
    var id1: [Int32], id2: [Int32]

    init(seeds: [Int32], cols: Int, rows: Int, step: Double, limit: Double) {
        let n = cols * rows
        d1 = [Float](repeating: .infinity, count: n); d2 = d1
        id1 = [Int32](repeating: 0, count: n); id2 = id1
        // Items pack the cell (high bits) and the label (low 32 bits).
        var heap = MinHeap()
        for i in 0..<n where seeds[i] != 0 { heap.push(0, i << 32 | Int(UInt32(bitPattern: seeds[i]))) }
        // Neighbours pushed in row-major order: ties between two towns go as the heap orders them.
        let steps = Neighbourhood.queen.rowMajorSteps
        while let (d, item) = heap.pop() {
            let v = item >> 32, label = Int32(truncatingIfNeeded: item)
            let fd = Float(d)
            if id1[v] == 0 { id1[v] = label; d1[v] = fd } else if id1[v] != label && id2[v] == 0 { id2[v] = label; d2[v] = fd } else { continue }
            let c = v % cols, r = v / cols
            for s in steps {
                let cc = c + s.dc, rr = r + s.dr
                guard cc >= 0, cc < cols, rr >= 0, rr < rows else { continue }
                let u = rr * cols + cc
                let nd = d + step * s.length
                if nd > limit { continue }
                // Skip when u already holds this label or two others.
                if id1[u] == label || id2[u] != 0 { continue }
                heap.push(nd, u << 32 | Int(UInt32(bitPattern: label)))
            }
        }
    }
}
