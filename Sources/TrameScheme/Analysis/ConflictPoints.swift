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

/// What a conflict point is.
public enum ConflictKind: String, Sendable, CaseIterable {
    /// A road crosses a corridor.
    case roadCrossing = "road_crossing"
    /// A railway crosses a corridor.
    case railwayCrossing = "railway_crossing"
    /// A road runs along inside a corridor (over more than twice the corridor's mean width): not a
    /// crossing to equip with a wildlife passage, a corridor sharing its ground with traffic.
    case roadAlong = "road_along"
    /// A railway runs along inside a corridor.
    case railwayAlong = "railway_along"
    /// Built-up land cuts a corridor.
    case builtUp = "built_up"
    /// An obstacle on a watercourse (weir, dam, lock, culvert).
    case riverObstacle = "river_obstacle"

    /// "road", "railway", "built-up" or "obstacle": what the conflict is with.
    public var infrastructure: String {
        switch self {
        case .roadCrossing, .roadAlong: "road"
        case .railwayCrossing, .railwayAlong: "railway"
        case .builtUp: "built-up"
        case .riverObstacle: "obstacle"
        }
    }

    /// The kind of a line of `infrastructure` ("road", "railway") inside a corridor.
    public static func line(_ infrastructure: String, along: Bool) -> ConflictKind {
        infrastructure == "railway" ? (along ? .railwayAlong : .railwayCrossing) : (along ? .roadAlong : .roadCrossing)
    }
}

/// Where a corridor is cut by a road, a railway, built-up land or a river obstacle.
public struct ConflictPoint: Sendable {
    public var point: Point
    public var kind: ConflictKind
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
    /// For a river obstacle: its passability (0 impassable … 1 passable).
    public var passability: Double? = nil

    public init(point: Point, kind: ConflictKind, cls: String, name: String, crossingLength: Double, linkID: Int, from: Int32, to: Int32, dPC: Double,
                reconnected: Double? = nil, passability: Double? = nil) {
        self.point = point; self.kind = kind; self.cls = cls; self.name = name; self.crossingLength = crossingLength
        self.linkID = linkID; self.from = from; self.to = to; self.dPC = dPC; self.reconnected = reconnected; self.passability = passability
    }
}

public enum ConflictFinder {
    /// Conflict points of one sub-network's corridors.
    ///
    /// Roads and railways: each line is sampled every quarter cell; a stretch is a run of samples inside
    /// the sub-network's corridors (any of its links: a line crossing two touching corridors at once is one
    /// crossing, given to the more important link), its length the samples' count × their spacing. Stretches
    /// of two features of the same kind that meet (their ends within a cell: a road cut into two features
    /// inside the corridor) are one crossing, their lengths added; two that lie on each other (the same way
    /// entered twice) are one, the longer kept. A stretch shorter than `minCrossing` only grazes the corridor
    /// and is dropped. A stretch longer than twice its corridor's mean width (corridor area ÷ link length)
    /// runs along the corridor (`roadAlong`, `railwayAlong`) rather than across it. The point is the middle of
    /// the stretch, on the line.
    ///
    /// Built-up land: each connected group of built-up cells inside one corridor (at least
    /// `minBuiltCells`): the point is the group's cell nearest its centre, the crossing length its largest
    /// extent.
    ///
    /// - Parameters:
    ///   - owner: per cell, the corridor (index into `links` + 1) it belongs to, 0 outside corridors.
    ///   - minCrossing: metres of a line inside a corridor below which it only grazes it.
    ///   - meanWidths: each corridor's mean width (m) when the caller knows it better than `CorridorWidths`
    ///     (a riparian strip along a branching stretch).
    ///   - classLabel: names a land-cover code for built-up conflicts.
    public static func find(links: [CorridorLink], owner: [Int32], infrastructure: [InfrastructureLine], landCover: ClassGrid,
                            builtUp: ClassSet, minBuiltCells: Int = 2, minCrossing: Double = 0, meanWidths: [Double]? = nil,
                            classLabel: (Int32) -> String) -> [ConflictPoint] {
        let spec = landCover.spec
        let cell = abs(spec.transform.pixelWidth)
        let step = cell / 4
        var out: [ConflictPoint] = []
        func ownerAt(_ p: Point) -> Int32 {
            guard let c = spec.cell(x: p.x, y: p.y) else { return 0 }
            return owner[spec.index(col: c.col, row: c.row)]
        }
        // The more important of two corridors' links (higher dPC, then lower id): a stretch through several takes it.
        func moreImportant(_ x: Int32, than y: Int32) -> Bool {
            let a = links[Int(x) - 1], b = links[Int(y) - 1]
            return (a.dPC, -a.id) > (b.dPC, -b.id)
        }
        let widths = meanWidths ?? CorridorWidths.mean(owner: owner, lines: links.map(\.line), spec: spec)
        func meanWidth(_ id: Int32) -> Double { widths[Int(id) - 1] }
        // Roads and railways: runs of samples along each line inside the corridors.
        struct Stretch { var kind: String; var cls: String; var name: String; var point: Point; var start: Point; var end: Point; var length: Double; var link: Int32 }
        var stretches: [Stretch] = []
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
            let owners = samples.map { ownerAt($0.p) }
            var k = 0
            while k < samples.count {
                guard owners[k] > 0 else { k += 1; continue }
                var e = k
                while e + 1 < samples.count && owners[e + 1] > 0 { e += 1 }
                // The more important link of the run (then the lower id).
                var id = owners[k]
                for j in k...e where moreImportant(owners[j], than: id) { id = owners[j] }
                let mid = (samples[k].s + samples[e].s) / 2
                let m = (k...e).min { abs(samples[$0].s - mid) < abs(samples[$1].s - mid) }!
                stretches.append(Stretch(kind: inf.kind, cls: inf.cls, name: inf.name, point: samples[m].p, start: samples[k].p, end: samples[e].p,
                                         length: min(Double(e - k + 1) * step, along), link: id))
                k = e + 1
            }
        }
        // One crossing per place: stretches of the same kind that meet or lie on each other are joined.
        // Candidates from a grid of cell-sized buckets of the stretches' ends (two ends within a cell lie in
        // neighbouring buckets), tested and joined in the order of the pairwise loop they replace: a region
        // has tens of thousands of stretches.
        var uf = UnionFind(count: stretches.count)
        struct Bucket: Hashable { var x: Int; var y: Int }
        func bucket(_ p: Point) -> Bucket { Bucket(x: Int((p.x / cell).rounded(.down)), y: Int((p.y / cell).rounded(.down))) }
        var byBucket: [Bucket: [Int]] = [:]
        for (i, st) in stretches.enumerated() {
            byBucket[bucket(st.start), default: []].append(i)
            if bucket(st.end) != bucket(st.start) { byBucket[bucket(st.end), default: []].append(i) }
        }
        var candidates: [Int] = []
        for i in stretches.indices {
            candidates.removeAll(keepingCapacity: true)
            for b in [bucket(stretches[i].start), bucket(stretches[i].end)] {
                for dx in -1...1 {
                    for dy in -1...1 {
                        for j in byBucket[Bucket(x: b.x + dx, y: b.y + dy)] ?? [] where j > i { candidates.append(j) }
                    }
                }
            }
            candidates.sort()
            var last = -1
            for j in candidates where j != last && stretches[i].kind == stretches[j].kind {
                last = j
                let a = stretches[i], b = stretches[j]
                if min(a.start.distance(to: b.start), a.start.distance(to: b.end), a.end.distance(to: b.start), a.end.distance(to: b.end)) <= cell { uf.union(i, j) }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in stretches.indices { groups[uf.find(i), default: []].append(i) }
        for root in groups.keys.sorted() {
            let members = groups[root]!
            let longest = members.max { (stretches[$0].length, -$0) < (stretches[$1].length, -$1) }!
            var length = 0.0
            for (n, i) in members.enumerated() {
                // A stretch lying on an earlier one of the group (both ends within a cell of its ends) repeats it.
                let s = stretches[i]
                let repeats = members[..<n].contains { j in
                    let o = stretches[j]
                    return min(s.start.distance(to: o.start) + s.end.distance(to: o.end), s.start.distance(to: o.end) + s.end.distance(to: o.start)) <= 2 * cell
                }
                if !repeats { length += s.length }
            }
            guard length >= minCrossing else { continue }
            var id = stretches[longest].link
            for i in members where moreImportant(stretches[i].link, than: id) { id = stretches[i].link }
            let s = stretches[longest], link = links[Int(id) - 1]
            out.append(ConflictPoint(point: s.point, kind: .line(s.kind, along: length > 2 * meanWidth(id)), cls: s.cls, name: s.name,
                                     crossingLength: length, linkID: link.id, from: link.from, to: link.to, dPC: link.dPC))
        }
        // Built-up land: groups of built-up cells of one corridor (8 neighbours).
        // Groups in the order of their first cell, each group's cells in the order of a depth-first fill
        // spreading to neighbours in row-major order (the centre cell nearest is the first one on a tie).
        let cols = spec.cols, rows = spec.rows
        var groupCells: [Int] = [], groupStart: [Int] = []
        _ = Components.label(cols: cols, rows: rows, steps: Neighbourhood.queen.rowMajorSteps,
                             region: { owner[$0] > 0 && builtUp.contains(landCover[$0]) ? owner[$0] : nil }) { id, v in
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
                counts[landCover[v], default: 0] += 1
            }
            let centre = Point(sx / Double(group.count), sy / Double(group.count))
            let best = group.min { a, b in
                let pa = spec.transform.centre(col: a % cols, row: a / cols), pb = spec.transform.centre(col: b % cols, row: b / cols)
                return Point(pa.x, pa.y).distance(to: centre) < Point(pb.x, pb.y).distance(to: centre)
            }!
            let bp = spec.transform.centre(col: best % cols, row: best / cols)
            let cls = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
            let link = links[Int(id) - 1]
            out.append(ConflictPoint(point: Point(bp.x, bp.y), kind: .builtUp, cls: classLabel(cls), name: "",
                                     crossingLength: hypot(maxX - minX, maxY - minY) + cell,
                                     linkID: link.id, from: link.from, to: link.to, dPC: link.dPC))
        }
        return out
    }
}
