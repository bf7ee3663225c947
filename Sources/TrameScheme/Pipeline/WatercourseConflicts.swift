import Foundation
import TrameRaster
import TrameVector

/// Conflict points of a sub-network built on the watercourses: its obstacles, and the roads and
/// railways crossing its riparian strip (built-up land along a river is not a conflict here: a town on
/// its banks does not break the watercourse; a project names barrier classes for that).
public enum WatercourseConflicts {
    /// - Obstacles: one point each where it cuts the watercourse; class its type (weir, lock…), with its passability; `reconnected`
    ///   the metres of river its removal would reconnect; `dPC` the PC gain of its removal (%), which ranks it
    ///   among the scheme's conflict points; `link` its link when passable (0 otherwise); from/to the
    ///   stretches on its two sides.
    /// - Crossings: `ConflictFinder` on the strip (corridor = stretch): link 0, from = to = the stretch,
    ///   dPC the stretch's.
    public static func find(_ a: SubNetworkAnalysis, input: SchemeInput) -> [ConflictPoint] {
        guard let w = a.watercourse, let corridors = a.corridors else { return [] }
        var out: [ConflictPoint] = []
        for (k, o) in w.network.obstacles.enumerated() {
            let ob = w.obstacles[o.index]
            out.append(ConflictPoint(point: o.at, kind: .riverObstacle, cls: ob.kind, name: ob.name,
                                     crossingLength: 0, linkID: o.link.map { $0 + 1 } ?? 0, from: o.from, to: o.to,
                                     dPC: w.removalDPC[k], reconnected: o.reconnected, passability: ob.passability))
        }
        let stretches = w.network.stretches.map { s in
            CorridorLink(id: 0, from: s.id, to: s.id, line: [], dPC: a.metrics.nodes[Int(s.id) - 1].dPC)
        }
        // Each strip's mean width: its area over its stretch's length (a road along the river inside the strip
        // over more than twice that is a road along the corridor).
        var cells = [Int](repeating: 0, count: stretches.count + 1)
        for v in corridors.link.values where v > 0 && Int(v) <= stretches.count { cells[Int(v)] += 1 }
        let widths = w.network.stretches.map { Double(cells[Int($0.id)]) * input.spec.cellArea / max($0.length, 1) }
        out += ConflictFinder.find(links: stretches, owner: corridors.link.values, infrastructure: input.infrastructure,
                                   landCover: input.landCover, builtUp: ClassSet([Int]()), minCrossing: input.project.minCrossing,
                                   meanWidths: widths, classLabel: input.label)
        return out
    }
}
