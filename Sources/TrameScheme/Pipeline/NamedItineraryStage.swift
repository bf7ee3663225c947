import Foundation
import TrameRaster
import TrameRouting
import TrameVector

/// A stretch where a named itinerary runs inside the corridor of a sub-network's link: a link with two
/// vocations, ecological corridor and soft-mobility itinerary.
public struct SharedStretch: Sendable {
    public var itinerary: String
    public var subNetwork: String
    /// The corridor's link (0 for a watercourse's riparian strip) and its two reservoirs (stretches).
    public var link: Int
    public var from: Int, to: Int
    public var lines: [[Point]]
    /// Metres: the length of the itinerary inside the corridor's polygons.
    public var length: Double
}

/// A place where a named itinerary crosses a road of [infrastructure] roads.
public struct RoadCrossing: Sendable {
    public var point: Point
    public var roadClass: String
    public var roadName: String
}

/// One named itinerary, measured.
public struct NamedItineraryFigures: Sendable {
    public var item: NamedItinerary
    /// Its course: the lines walked or ridden (several when the network leaves gaps).
    public var parts: [[Point]]
    /// Metres: the course's length (the routed legs and the straight gaps between waypoints, or the
    /// selected lines).
    public var length: Double
    public var gaps: [CourseGap]
    public var gapLength: Double { gaps.reduce(0) { $0 + $1.length } }
    /// Share (0…1) of the course inside the green network (nature spaces, corridors, buffer zones).
    public var greenShare: Double
    /// Nature spaces (their ids) within the serving distance of the course.
    public var spaces: [Int]
    /// Leisure hubs within the serving distance of the course.
    public var hubs: [String]
    public var roadCrossings: [RoadCrossing]
    public var shared: [SharedStretch]
    /// Metres of the course inside one corridor or more (their union: a stretch in two sub-networks'
    /// corridors counts once; `shared` gives it per corridor).
    public var sharedLength: Double
    /// Stretches of the course outside every corridor polygon, of at least `ItineraryProposal.minOutside`.
    public var outsideCorridors: [[Point]]
}

/// A proposal from the comparison of corridors and itineraries (the reverse gaps).
public struct ItineraryProposal: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A corridor of high dPC (its sub-network's top quarter) that no named itinerary runs in.
        case corridorWithoutItinerary = "corridor_without_itinerary"
        /// A stretch of a named itinerary outside every corridor: an itinerary that could become a corridor too.
        case itineraryOutsideCorridors = "itinerary_outside_corridors"
    }
    public var kind: Kind
    public var itinerary: String?
    public var subNetwork: String?
    public var link: Int?
    public var dPC: Double?
    public var line: [Point]
    public var length: Double
    /// Stretches outside the corridors shorter than this (m) are not proposed (slivers between two polygons).
    public static let minOutside = 100.0
}

/// The named itineraries of a project: their courses on the path network, their figures and checks, the
/// links they share with the corridors, and the proposals.
///
/// Rules:
/// - Gaps: `CourseCheck` (off the network: farther than `tolerance` from any way the mode may use;
///   missing links between parts; waypoints the network does not join: no_route, a straight line).
/// - Served: a nature space whose polygon, or a leisure hub, lies within `serveDistance` of the course.
/// - Road crossings: a point where the course passes from one side of a road line to the other (the
///   course's points 5 m before and after lie more than 1 m from the road, on opposite sides); running
///   along a road, or touching it and turning back, is no crossing. The inputs carry no crossing
///   structures, so each is a crossing to treat or check on the ground.
/// - Shared stretches: the course clipped by each corridor's polygons (exact, as ST_Intersection).
/// - Proposals: corridors whose link's dPC is in the top quarter of its sub-network's corridors (dPC > 0)
///   with no named itinerary inside; stretches of a course outside every corridor of at least 100 m.
public enum NamedItineraryStage {
    public struct Corridor: Sendable {
        public var subNetwork: String
        public var link: Int
        public var from: Int, to: Int
        public var dPC: Double
        public var polygons: [Polygon]
        /// The link's least-cost path (for a proposal), when known.
        public var line: [Point]?
        public init(subNetwork: String, link: Int, from: Int, to: Int, dPC: Double, polygons: [Polygon], line: [Point]?) {
            self.subNetwork = subNetwork; self.link = link; self.from = from; self.to = to; self.dPC = dPC; self.polygons = polygons; self.line = line
        }
    }

    public struct Context {
        public var router: (TravelMode) throws -> Router
        public var green: Grid<UInt8>?
        public var spaces: [(id: Int, polygons: [Polygon])]
        public var hubs: [(name: String, point: Point)]
        public var roads: [InfrastructureLine]
        public var corridors: [Corridor]
        public var serveDistance: Double
        public var maxSnap: Double
        public var tolerance: Double
        public init(router: @escaping (TravelMode) throws -> Router, green: Grid<UInt8>?, spaces: [(id: Int, polygons: [Polygon])],
                    hubs: [(name: String, point: Point)], roads: [InfrastructureLine], corridors: [Corridor],
                    serveDistance: Double, maxSnap: Double, tolerance: Double = 5) {
            self.router = router; self.green = green; self.spaces = spaces; self.hubs = hubs; self.roads = roads; self.corridors = corridors
            self.serveDistance = serveDistance; self.maxSnap = maxSnap; self.tolerance = tolerance
        }
    }

    /// - Parameter lines: the course of each selection or relation itinerary, by name (read by the caller).
    public static func run(_ items: [NamedItinerary], lines: [String: [[Point]]], context c: Context) throws -> (itineraries: [NamedItineraryFigures], proposals: [ItineraryProposal]) {
        var out: [NamedItineraryFigures] = []
        typealias Box = (minX: Double, minY: Double, maxX: Double, maxY: Double)
        func box(_ pts: [Point]) -> Box {
            pts.reduce((Double.infinity, Double.infinity, -Double.infinity, -Double.infinity)) { (min($0.0, $1.x), min($0.1, $1.y), max($0.2, $1.x), max($0.3, $1.y)) }
        }
        func meet(_ a: Box, _ b: Box) -> Bool { a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY }
        // Each corridor's box, to clip a course only by the corridors it may meet.
        let corridorBoxes = c.corridors.map { box($0.polygons.flatMap(\.exterior)) }
        for item in items {
            let mode = TravelMode(rawValue: item.mode) ?? .walk
            let router = try c.router(mode)
            var parts: [[Point]] = [], gaps: [CourseGap] = [], length = 0.0
            switch item.course {
            case .via(let stops):
                (parts, gaps, length) = route(stops, router: router, maxSnap: c.maxSnap)
            case .selection, .relation:
                parts = (lines[item.name] ?? []).filter { $0.count >= 2 }
                let check = CourseCheck.assess(parts: parts, router: router, tolerance: c.tolerance)
                length = check.length; gaps = check.gaps
            }
            var green = 0.0
            if let mask = c.green {
                let m = parts.reduce((inside: 0.0, total: 0.0)) { acc, l in let x = GreenShare.measure(l, mask: mask); return (acc.inside + x.inside, acc.total + x.total) }
                green = m.total > 0 ? m.inside / m.total : 0
            }
            let index = SegmentIndex(lines: parts)
            var f = NamedItineraryFigures(item: item, parts: parts, length: length, gaps: gaps, greenShare: green,
                                          spaces: served(c.spaces, index: index, parts: parts, distance: c.serveDistance),
                                          hubs: c.hubs.filter { h in near(h.point, index, c.serveDistance) }.map(\.name),
                                          roadCrossings: crossings(parts, roads: c.roads), shared: [], sharedLength: 0, outsideCorridors: [])
            let partBoxes = parts.map(box)
            for (k, cor) in c.corridors.enumerated() {
                var pieces: [[Point]] = []
                for (part, b) in zip(parts, partBoxes) where meet(b, corridorBoxes[k]) { pieces += LineClip.pieces(part, polygons: cor.polygons, inside: true) }
                let len = LineClip.length(pieces)
                if len > 0 {
                    f.shared.append(SharedStretch(itinerary: item.name, subNetwork: cor.subNetwork, link: cor.link, from: cor.from, to: cor.to, lines: pieces, length: len))
                }
            }
            for (part, b) in zip(parts, partBoxes) {
                let all = c.corridors.indices.filter { meet(b, corridorBoxes[$0]) }.flatMap { c.corridors[$0].polygons }
                f.sharedLength += LineClip.length(LineClip.pieces(part, polygons: all, inside: true))
                f.outsideCorridors += LineClip.pieces(part, polygons: all, inside: false).filter { LineClip.length([$0]) >= ItineraryProposal.minOutside }
            }
            out.append(f)
        }
        return (out, proposals(out, corridors: c.corridors))
    }

    /// Waypoints routed in order; a waypoint farther than `maxSnap` from the network, or two the network
    /// does not join, leave a straight no_route gap.
    static func route(_ stops: [Point], router: Router, maxSnap: Double) -> ([[Point]], [CourseGap], Double) {
        var parts: [[Point]] = [], gaps: [CourseGap] = [], length = 0.0
        var line: [Point] = []
        let snapped = stops.map { router.snap($0, maxDistance: maxSnap) }
        for k in 1..<stops.count {
            if let a = snapped[k - 1], let b = snapped[k], let leg = try? router.route(from: a, to: b) {
                length += leg.length
                line += line.isEmpty ? leg.line : Array(leg.line.dropFirst())
            } else {
                let a = snapped[k - 1]?.point ?? stops[k - 1], b = snapped[k]?.point ?? stops[k]
                gaps.append(CourseGap(kind: .noRoute, line: [a, b], length: a.distance(to: b)))
                length += a.distance(to: b)
                if line.count >= 2 { parts.append(line) }
                line = []
            }
        }
        if line.count >= 2 { parts.append(line) }
        return (parts, gaps, length)
    }

    static func near(_ p: Point, _ index: SegmentIndex, _ d: Double) -> Bool {
        index.near(minX: p.x - d, minY: p.y - d, maxX: p.x + d, maxY: p.y + d).contains { k in
            LineClip.pointSegmentDistance(p, index.segments[k].0, index.segments[k].1) <= d
        }
    }

    /// The nature spaces whose polygons lie within `distance` of the course: an edge near a course segment,
    /// or the course inside the polygon.
    static func served(_ spaces: [(id: Int, polygons: [Polygon])], index: SegmentIndex, parts: [[Point]], distance d: Double) -> [Int] {
        guard !index.segments.isEmpty else { return [] }
        var out: [Int] = []
        for s in spaces {
            var hit = false
            polygons: for p in s.polygons {
                if let first = parts.first?.first, p.contains(first) { hit = true; break }
                for ring in [p.exterior] + p.holes where ring.count >= 2 {
                    for k in 1..<ring.count {
                        let a = ring[k - 1], b = ring[k]
                        for j in index.near(minX: min(a.x, b.x) - d, minY: min(a.y, b.y) - d, maxX: max(a.x, b.x) + d, maxY: max(a.y, b.y) + d) {
                            if LineClip.segmentDistance(a, b, index.segments[j].0, index.segments[j].1) <= d { hit = true; break polygons }
                        }
                    }
                }
            }
            if hit { out.append(s.id) }
        }
        return out
    }

    /// Where the course passes from one side of a road to the other (see the type's rules).
    static func crossings(_ parts: [[Point]], roads: [InfrastructureLine]) -> [RoadCrossing] {
        let roadLines = roads.filter { $0.kind == "road" && $0.line.count >= 2 }
        guard !roadLines.isEmpty else { return [] }
        var segs: [(Point, Point)] = [], owner: [Int] = []
        for (r, road) in roadLines.enumerated() { for (a, b) in zip(road.line, road.line.dropFirst()) { segs.append((a, b)); owner.append(r) } }
        let index = SegmentIndex(segs)
        var out: [RoadCrossing] = []
        for part in parts where part.count >= 2 {
            var cum = [0.0]
            for (a, b) in zip(part, part.dropFirst()) { cum.append(cum.last! + a.distance(to: b)) }
            func at(_ s: Double) -> Point {
                let s = min(max(s, 0), cum.last!)
                var k = 1
                while k < cum.count - 1 && cum[k] < s { k += 1 }
                let len = cum[k] - cum[k - 1]
                let t = len > 0 ? (s - cum[k - 1]) / len : 0
                return Point(part[k - 1].x + (part[k].x - part[k - 1].x) * t, part[k - 1].y + (part[k].y - part[k - 1].y) * t)
            }
            for k in 1..<part.count {
                let a = part[k - 1], b = part[k]
                for j in index.near(minX: min(a.x, b.x), minY: min(a.y, b.y), maxX: max(a.x, b.x), maxY: max(a.y, b.y)) {
                    let (c, d) = segs[j]
                    for t in LineClip.crossings(a, b, c, d) {
                        let p = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                        let s = cum[k - 1] + t * a.distance(to: b)
                        let road = roadLines[owner[j]].line
                        func side(_ q: Point) -> Double? {
                            // Signed distance to the road's nearest segment; nil within 1 m.
                            var best = (Double.infinity, 0.0)
                            for (u, v) in zip(road, road.dropFirst()) {
                                let dist = LineClip.pointSegmentDistance(q, u, v)
                                if dist < best.0 { best = (dist, (v.x - u.x) * (q.y - u.y) - (v.y - u.y) * (q.x - u.x)) }
                            }
                            return best.0 > 1 ? best.1 : nil
                        }
                        guard let before = side(at(s - 5)), let after = side(at(s + 5)), (before < 0) != (after < 0) else { continue }
                        if out.contains(where: { $0.point.distance(to: p) < 10 }) { continue }
                        out.append(RoadCrossing(point: p, roadClass: roadLines[owner[j]].cls, roadName: roadLines[owner[j]].name))
                    }
                }
            }
        }
        return out
    }

    /// Corridors of high dPC without an itinerary, and itinerary stretches outside the corridors.
    static func proposals(_ its: [NamedItineraryFigures], corridors: [Corridor]) -> [ItineraryProposal] {
        var out: [ItineraryProposal] = []
        let used = Set(its.flatMap { $0.shared.map { "\($0.subNetwork)#\($0.link)#\($0.from)" } })
        for sub in Array(Set(corridors.map(\.subNetwork))).sorted() {
            let cs = corridors.filter { $0.subNetwork == sub && $0.dPC > 0 && $0.line != nil }
            guard !cs.isEmpty else { continue }
            let sorted = cs.map(\.dPC).sorted()
            let threshold = sorted[Int((Double(sorted.count - 1) * 0.75).rounded(.down))]
            for c in cs where c.dPC >= threshold && !used.contains("\(c.subNetwork)#\(c.link)#\(c.from)") {
                out.append(ItineraryProposal(kind: .corridorWithoutItinerary, itinerary: nil, subNetwork: c.subNetwork, link: c.link, dPC: c.dPC,
                                             line: c.line!, length: LineClip.length([c.line!])))
            }
        }
        for it in its {
            for l in it.outsideCorridors {
                out.append(ItineraryProposal(kind: .itineraryOutsideCorridors, itinerary: it.item.name, subNetwork: nil, link: nil, dPC: nil,
                                             line: l, length: LineClip.length([l])))
            }
        }
        return out
    }
}
