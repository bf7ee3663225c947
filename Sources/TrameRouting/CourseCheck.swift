import TrameRaster
import TrameVector

/// A gap in an itinerary's course: works to plan before it can be walked or cycled end to end.
public struct CourseGap: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A stretch of the course farther than the tolerance from any way the mode may use.
        case offNetwork = "off_network"
        /// Two parts of the course that do not meet: the straight line between their nearest ends.
        case missingLink = "missing_link"
        /// Two waypoints the network does not join: the straight line between them.
        case noRoute = "no_route"
    }
    public var kind: Kind
    public var line: [Point]
    /// Metres.
    public var length: Double
    public init(kind: Kind, line: [Point], length: Double) { self.kind = kind; self.line = line; self.length = length }
}

/// The checks of a named itinerary whose course is given as lines (an OpenStreetMap route relation, a
/// selection of the path network): its length, the stretches off the network, and the missing links
/// between its parts.
///
/// - Off the network: the stretches of each part farther than `tolerance` from every way the mode may
///   use, computed exactly on the segments (what GEOS gives for ST_Difference(course, ST_Buffer(usable
///   ways, tolerance)), up to the buffer's polygonal arcs); each stretch is one gap.
/// - Missing links: parts whose ends lie within `joinTolerance` of each other make one stretch; the
///   stretches are joined by the shortest set of straight links between their ends (a minimum spanning
///   tree over the stretches, Kruskal), each link a gap.
///
/// Complexity: near O(s) for a course of s segments (segments in buckets), and O(k² e²) for k stretches of
/// e ends each (k is small: the pieces a relation is split into).
public enum CourseCheck {
    public struct Result: Sendable {
        /// The course's length (m): the sum of its parts.
        public var length: Double
        public var gaps: [CourseGap]
        /// Connected stretches the parts make.
        public var stretches: Int
        public var gapLength: Double { gaps.reduce(0) { $0 + $1.length } }
    }

    public static func assess(parts: [[Point]], router: Router, tolerance: Double = 5, joinTolerance: Double = 1) -> Result {
        let lines = parts.filter { $0.count >= 2 }
        let net = router.network
        var segments: [(Point, Point)] = []
        for e in 0..<net.edgeCount where net.usable(e, router.mode) {
            let g = net.geometry(e)
            for (a, b) in zip(g, g.dropFirst()) { segments.append((a, b)) }
        }
        let index = SegmentIndex(segments)
        var length = 0.0
        var gaps: [CourseGap] = []
        for line in lines {
            length += LineClip.length([line])
            for piece in LineClip.pieces(line, near: index, distance: tolerance, far: true) {
                let len = LineClip.length([piece])
                if len > 0 { gaps.append(CourseGap(kind: .offNetwork, line: piece, length: len)) }
            }
        }
        // Stretches: parts joined where their ends meet.
        var uf = UnionFind(count: lines.count)
        let ends = lines.map { [$0.first!, $0.last!] }
        for i in lines.indices {
            for j in (i + 1)..<lines.count where ends[i].contains(where: { p in ends[j].contains { p.distance(to: $0) <= joinTolerance } }) {
                uf.union(i, j)
            }
        }
        var stretchOf: [Int: Int] = [:]
        var members: [[Int]] = []
        for i in lines.indices {
            let r = uf.find(i)
            if let s = stretchOf[r] { members[s].append(i) } else { stretchOf[r] = members.count; members.append([i]) }
        }
        // Kruskal over the stretches, weighted by the distance between their nearest ends.
        var candidates: [(Double, Int, Int, Point, Point)] = []
        for a in members.indices {
            for b in (a + 1)..<members.count {
                var best = (Double.infinity, Point(0, 0), Point(0, 0))
                for i in members[a] { for p in ends[i] { for j in members[b] { for q in ends[j] where p.distance(to: q) < best.0 { best = (p.distance(to: q), p, q) } } } }
                candidates.append((best.0, a, b, best.1, best.2))
            }
        }
        candidates.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        var joined = UnionFind(count: members.count)
        for c in candidates where joined.find(c.1) != joined.find(c.2) {
            joined.union(c.1, c.2)
            gaps.append(CourseGap(kind: .missingLink, line: [c.3, c.4], length: c.0))
        }
        return Result(length: length, gaps: gaps, stretches: members.count)
    }
}
