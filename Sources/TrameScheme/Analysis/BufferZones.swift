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
    public init(landCover: ClassGrid, builtUp: ClassSet, openLand: ClassSet, network: [UInt8], rules: BufferZoneRules) {
        let spec = landCover.spec
        let cols = spec.cols, rows = spec.rows, n = spec.count
        let cellW = abs(spec.transform.pixelWidth), cellH = abs(spec.transform.pixelHeight)
        let cellHa = spec.cellArea / 10_000

        // Towns: built-up regions of at least the minimum area.
        var built = [UInt8](repeating: 0, count: n)
        var open = [Bool](repeating: false, count: n)
        for i in 0..<n {
            let v = landCover[i]
            if landCover.isNoData(v) { continue }
            if builtUp.contains(v) { built[i] = 1 } else if openLand.contains(v) { open[i] = true }
        }
        // The towns' labels live only until their two nearest towns are known (4 bytes a cell freed).
        var two: TwoNearestRegions
        do {
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

            // Urban breaks: open land whose straight-line distances to its nearest and second-nearest towns
            // add up to at most the break width (each town's distances within the width, in a window of it).
            two = EuclideanDistance.twoNearest(labels: townComps.labels, count: townComps.count, cols: cols, rows: rows,
                                               cellWidth: cellW, cellHeight: cellH, limit: rules.maxBreakWidth)
        }
        var kind = [UInt8](repeating: 0, count: n)
        let breakWidth = Float(rules.maxBreakWidth)
        for i in 0..<n where open[i] && two.id2[i] != 0 && two.d1[i] > 0 && two.d1[i] + two.d2[i] <= breakWidth {
            kind[i] = BufferKind.urbanBreak.rawValue
        }
        // Only the towns' ids are needed from here on (the vote below): 8 bytes a cell freed.
        two.d1 = []; two.d2 = []

        // Network frame: open land within the straight-line distance of a reservoir or corridor cell.
        do {
            let dNet = EuclideanDistance.compute(seeds: network, cols: cols, rows: rows, cellWidth: cellW, cellHeight: cellH, limit: rules.aroundNetwork)
            for i in 0..<n where open[i] && kind[i] == 0 && network[i] == 0 && dNet[i].isFinite {
                kind[i] = BufferKind.networkFrame.rawValue
            }
        }

        let comps = Components(classes: kind, cols: cols, rows: rows) { _ in Int((rules.minAreaHa / cellHa).rounded(.up)) }
        kind = []
        // The towns each break separates: a majority vote over its cells (Boyer–Moore, O(1) per cell).
        var candidate = [Int64](repeating: 0, count: comps.count), votes = [Int](repeating: 0, count: comps.count)
        for i in 0..<n {
            let z = Int(comps.labels[i])
            guard z != 0, comps.classOf[z - 1] == BufferKind.urbanBreak.rawValue else { continue }
            let a = min(two.id1[i], two.id2[i]), b = max(two.id1[i], two.id2[i])
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
        let n = spec.count, cellW = abs(spec.transform.pixelWidth), cellH = abs(spec.transform.pixelHeight)
        var inZone = [UInt8](repeating: 0, count: n)
        for i in 0..<n where labels[i] != 0 { inZone[i] = 1 }
        let edge = Float(max(width, cellW, cellH))
        let dZone = EuclideanDistance.compute(seeds: inZone, cols: spec.cols, rows: spec.rows, cellWidth: cellW, cellHeight: cellH, limit: Double(edge))
        var member = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            if inZone[i] != 0 { member[i] = 100 } else if open[i] && dZone[i] < edge { member[i] = UInt8((100 * (1 - dZone[i] / edge)).rounded()) }
        }
        return member
    }
}
