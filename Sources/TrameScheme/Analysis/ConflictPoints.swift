import Foundation
import TrameRaster
import TrameVector

/// A line of transport infrastructure that can cut a corridor.
public struct InfrastructureLine: Sendable {
    /// "road" or "railway".
    public var kind: String
    /// Its class ("motorway", "primary", "rail", …).
    public var cls: String
    public var name: String
    public var line: [Point]
    public init(kind: String, cls: String, name: String, line: [Point]) { self.kind = kind; self.cls = cls; self.name = name; self.line = line }
}

/// A least-cost link with what the conflict search needs.
public struct CorridorLink: Sendable {
    public var id: Int
    public var from: Int32, to: Int32
    public var line: [Point]
    public var dPC: Double
    public init(id: Int, from: Int32, to: Int32, line: [Point], dPC: Double) { self.id = id; self.from = from; self.to = to; self.line = line; self.dPC = dPC }
}

/// Where a corridor is cut by a road, a railway or built-up land.
public struct ConflictPoint: Sendable {
    public var point: Point
    /// "road", "railway" or "built-up".
    public var kind: String
    /// Infrastructure class, or the land-cover class crossed for built-up land.
    public var cls: String
    public var name: String
    /// Metres of infrastructure inside the corridor (for lines), or of the link inside built-up land.
    public var crossingLength: Double
    public var linkID: Int
    public var from: Int32, to: Int32
    public var dPC: Double
    /// For a river obstacle: metres of river its removal would reconnect (`WatercourseConflicts`).
    public var reconnected: Double? = nil
}

public enum ConflictFinder {
    /// Conflict points of one sub-network's corridors.
    ///
    /// A road or railway conflict marks each stretch of the line inside a corridor: the point is the
    /// middle of the stretch (on the line, in the corridor) and the crossing length is the stretch's
    /// length. A built-up conflict marks each connected group of built-up cells inside a corridor (at
    /// least `minBuiltCells`): the point is the group's cell nearest its centre and the crossing length
    /// its largest extent.
    ///
    /// - Parameters:
    ///   - owner: per cell, the corridor (index into `links` + 1) it belongs to, 0 outside corridors.
    ///   - classLabel: names a land-cover code for built-up conflicts.
    public static func find(links: [CorridorLink], owner: [Int32], infrastructure: [InfrastructureLine], landCover: Grid<Int32>,
                            builtUp: ClassSet, minBuiltCells: Int = 2, classLabel: (Int32) -> String) -> [ConflictPoint] {
        let spec = landCover.spec
        let cell = abs(spec.transform.pixelWidth)
        let step = cell / 4
        var out: [ConflictPoint] = []
        func ownerAt(_ p: Point) -> Int32 {
            guard let c = spec.cell(x: p.x, y: p.y) else { return 0 }
            return owner[spec.index(col: c.col, row: c.row)]
        }
        // Roads and railways: runs of samples along each line that stay in one corridor.
        for inf in infrastructure where inf.line.count >= 2 {
            var samples: [(p: Point, s: Double)] = []
            var along = 0.0
            for k in 0..<(inf.line.count - 1) {
                let a = inf.line[k], b = inf.line[k + 1]
                let len = a.distance(to: b)
                let pieces = max(1, Int((len / step).rounded(.up)))
                for j in 0..<pieces {
                    let t = Double(j) / Double(pieces)
                    samples.append((Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), along + len * t))
                }
                along += len
            }
            samples.append((inf.line.last!, along))
            var k = 0
            while k < samples.count {
                let id = ownerAt(samples[k].p)
                guard id > 0 else { k += 1; continue }
                var e = k
                while e + 1 < samples.count && ownerAt(samples[e + 1].p) == id { e += 1 }
                // The middle of the stretch by arc length, on the sample nearest it (inside the corridor).
                let mid = (samples[k].s + samples[e].s) / 2
                let m = (k...e).min { abs(samples[$0].s - mid) < abs(samples[$1].s - mid) }!
                let link = links[Int(id) - 1]
                out.append(ConflictPoint(point: samples[m].p, kind: inf.kind, cls: inf.cls, name: inf.name,
                                         crossingLength: max(samples[e].s - samples[k].s, step),
                                         linkID: link.id, from: link.from, to: link.to, dPC: link.dPC))
                k = e + 1
            }
        }
        // Built-up land: groups of built-up cells of one corridor (8 neighbours).
        // Groups in the order of their first cell, each group's cells in the order of a depth-first fill
        // spreading to neighbours in row-major order (the centre cell nearest is the first one on a tie).
        let cols = spec.cols, rows = spec.rows
        var groupCells: [Int] = [], groupStart: [Int] = []
        _ = Components.label(cols: cols, rows: rows, steps: Neighbourhood.queen.rowMajorSteps,
                             region: { owner[$0] > 0 && builtUp.contains(landCover.values[$0]) ? owner[$0] : nil }) { id, v in
            if Int(id) > groupStart.count { groupStart.append(groupCells.count) }
            groupCells.append(v)
        }
        groupStart.append(groupCells.count)
        for k in 0..<(groupStart.count - 1) {
            let group = groupCells[groupStart[k]..<groupStart[k + 1]]
            let id = owner[group.first!]
            guard group.count >= minBuiltCells else { continue }
            var sx = 0.0, sy = 0.0
            var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
            var counts: [Int32: Int] = [:]
            for v in group {
                let p = spec.transform.centre(col: v % cols, row: v / cols)
                sx += p.x; sy += p.y
                minX = min(minX, p.x); maxX = max(maxX, p.x); minY = min(minY, p.y); maxY = max(maxY, p.y)
                counts[landCover.values[v], default: 0] += 1
            }
            let centre = Point(sx / Double(group.count), sy / Double(group.count))
            let best = group.min { a, b in
                let pa = spec.transform.centre(col: a % cols, row: a / cols), pb = spec.transform.centre(col: b % cols, row: b / cols)
                return Point(pa.x, pa.y).distance(to: centre) < Point(pb.x, pb.y).distance(to: centre)
            }!
            let bp = spec.transform.centre(col: best % cols, row: best / cols)
            let cls = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
            let link = links[Int(id) - 1]
            out.append(ConflictPoint(point: Point(bp.x, bp.y), kind: "built-up", cls: classLabel(cls), name: "",
                                     crossingLength: hypot(maxX - minX, maxY - minY) + cell,
                                     linkID: link.id, from: link.from, to: link.to, dPC: link.dPC))
        }
        return out
    }
}
