import Foundation
import TrameSample
import TrameVector

/// The sample's named itineraries, as the Bassin minier's brochure describes its own: the greenway along the
/// canal towpath, a long-distance path (GR de Pays) through the towns with its loops (the footways around
/// the towns), and two loops on the cavaliers (the old colliery railways), the second one planned.
/// Written as `[[itinerary]]` tables appended to the sample's project.toml.
enum SampleItineraries {
    static func toml(_ territory: SampleTerritory) -> String {
        let paths = territory.paths.features
        func named(_ prefix: String) -> [(name: String, line: [Point])] {
            paths.compactMap { f in
                guard let n = f["name"].stringValue, n.hasPrefix(prefix), case .lineString(let l) = f.geometry, l.count >= 2 else { return nil }
                return (n, l)
            }
        }
        func sql(_ s: String) -> String { s.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
        func point(_ p: Point) -> String { "[\(Int(p.x.rounded())), \(Int(p.y.rounded()))]" }
        var s = """

        # Named itineraries: a greenway, a long-distance path and its loops, loops on the cavaliers. The course is
        # a selection of the path network (where = an OGR SQL filter on its fields), or waypoints routed on it
        # (via = [[x, y], …] in the land cover's CRS), or an OpenStreetMap route relation (relation = "name, ref
        # or OSM id", when [itineraries] network is an .osm.pbf extract). kind: greenway, long-distance, loop or
        # local; status: existing or planned; parent: the long-distance path a loop belongs to.

        """
        if !named("Chemin de halage").isEmpty {
            s += """
            [[itinerary]]
            name = "Véloroute voie verte du canal"
            kind = "greenway"
            mode = "bike"
            status = "existing"
            where = "name = 'Chemin de halage'"


            """
        }
        let tours = named("Tour de ").sorted { $0.line[0].x < $1.line[0].x }
        if tours.count >= 2 {
            // Through the towns from west to east: each town's loop at its southernmost point.
            let stops = tours.map { t in t.line.min { $0.y < $1.y }! }
            s += """
            [[itinerary]]
            name = "GR de Pays du Bassin minier"
            kind = "long-distance"
            mode = "walk"
            status = "existing"
            via = [\(stops.map(point).joined(separator: ", "))]


            """
            for (k, t) in tours.prefix(3).enumerated() {
                s += """
                [[itinerary]]
                name = "GR de Pays, boucle \(k + 1) : \(t.name)"
                kind = "loop"
                parent = "GR de Pays du Bassin minier"
                status = "existing"
                where = "name = '\(sql(t.name))'"


                """
            }
        }
        let cavaliers = named("Cavalier n°")
        for (k, pair) in [Array(cavaliers.prefix(2)), Array(cavaliers.dropFirst(2).prefix(2))].enumerated() where !pair.isEmpty {
            s += """
            [[itinerary]]
            name = "Boucle des cavaliers n°\(k + 1)"
            kind = "loop"
            mode = "walk"
            status = "\(k == 0 ? "existing" : "planned")"
            where = "name IN (\(pair.map { "'\(sql($0.name))'" }.joined(separator: ", ")))"


            """
        }
        return s
    }
}
