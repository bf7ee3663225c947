import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameRouting
import TrameVector

/// `trame itinerary`: a named itinerary (greenway, long-distance path, loop) from the path network, with
/// its length, the gaps in its course and its share in the green network.
struct ItineraryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "itinerary",
        abstract: "A named itinerary from the path network: its length, the gaps in its course, its share in the green network.",
        discussion: """
        The course comes from one of:
          --relation NAME|REF|ID   an OpenStreetMap route relation of the network file (route=hiking, foot,
                                   walking or bicycle), by its name, its ref or its OSM id
          --where SQL              the lines of the network layer an attribute filter selects,
                                   e.g. --where "name LIKE 'Cavalier%'"
          --via X,Y --via X,Y …    waypoints, routed on the network in order (two or more)

        Gaps are the works to plan: stretches of the course farther than --tolerance from any way the mode
        may use (off_network), parts that do not meet (missing_link: the straight line between their
        nearest ends, the fewest and shortest that join them all), waypoints the network does not join
        (no_route). With --green scheme.gpkg, the share of the course inside the scheme's green network.

        Output: GPX (by its extension) or a GeoPackage / GeoJSON with the layers itinerary (the course,
        with length_m, gaps_m, green_share) and gaps (kind, length_m). --json prints name, length_m,
        gaps_m, gaps, green_share and parts on stdout.

        Example:
          trame itinerary --network region.osm.pbf --relation "Pyörämatkailureitti 2" --mode bike -o ncn2.gpkg --json
        """)

    @OptionGroup var net: NetworkOptions

    @Option(help: "An OpenStreetMap route relation of the network file, by name, ref or OSM id.")
    var relation: String?

    @Option(help: "OGR SQL attribute filter selecting the itinerary's lines in the network layer.")
    var `where`: String?

    @Option(help: "A waypoint X,Y (in --crs, else the network's CRS; lon,lat for OSM); give two or more, in order.")
    var via: [String] = []

    @Option(help: "Name of the itinerary in the output (default: the relation's name, or 'itinerary').")
    var name: String?

    @Option(help: "How far the course may lie from a usable way and still be on the network, e.g. 5m.")
    var tolerance: String = "5m"

    @Option(name: .shortAndLong, help: "Output: .gpx, .gpkg or .geojson.")
    var output: String

    func validate() throws {
        let sources = [relation != nil, `where` != nil, !via.isEmpty].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --relation, --where or --via (two or more)") }
        if !via.isEmpty && via.count < 2 { throw ValidationError("--via needs two or more waypoints, in order") }
        if relation != nil && !NetworkInput.isOSM(net.network) { throw ValidationError("--relation reads route relations from an OpenStreetMap extract (.osm.pbf): --network is not one") }
        try OptionRanges.quantity(tolerance, option: "--tolerance", Inputs.length, OptionRanges.maxSnap)
    }

    func run() throws {
        try OutputFile.check(output, inputs: [net.network, net.green])
        let (router, loaded, inputCRS) = try net.router()
        var title = name ?? "itinerary"
        var parts: [[Point]] = []
        var gaps: [CourseGap] = []
        var length = 0.0
        if !via.isEmpty {
            let stops = try via.enumerated().map { try net.position($1, "waypoint \($0 + 1)", router, loaded, inputCRS) }
            var line: [Point] = []
            for k in 1..<stops.count {
                do {
                    let leg = try router.route(from: stops[k - 1], to: stops[k])
                    length += leg.length
                    line += line.isEmpty ? leg.line : Array(leg.line.dropFirst())
                } catch is RoutingError {
                    // The network does not join them: a straight gap, and the course goes on from the next stop.
                    let a = stops[k - 1].point, b = stops[k].point
                    gaps.append(CourseGap(kind: .noRoute, line: [a, b], length: a.distance(to: b)))
                    length += a.distance(to: b)
                    if line.count >= 2 { parts.append(line) }
                    line = []
                }
            }
            if line.count >= 2 { parts.append(line) }
        } else {
            let layer: VectorLayer
            if let relation {
                let found = try NetworkRoutes.relation(relation, in: net.network)
                layer = found.layer
                if name == nil { title = found.name }
            } else {
                let read = try VectorIO.read(net.network, layer: net.layer ?? (NetworkInput.isOSM(net.network) ? "lines" : nil), filter: `where`, allowEmpty: true)
                guard !read.features.isEmpty else { throw GeodataError(net.network, "no line matches --where \(`where`!)") }
                layer = read
            }
            let inNetworkCRS = SpatialReference.fromWKT(layer.crsWKT).map { $0.isSame(as: loaded.crs) } ?? true ? layer : try VectorIO.reproject(layer, to: loaded.crs, file: net.network)
            for f in inNetworkCRS.features {
                switch f.geometry {
                case .lineString(let pts): parts.append(pts)
                case .multiLineString(let ls): parts += ls
                default: continue
                }
            }
            guard !parts.isEmpty else { throw GeodataError(net.network, "the itinerary's selection holds no line") }
            let check = CourseCheck.assess(parts: parts, router: router, tolerance: try Inputs.length(tolerance))
            length = check.length
            gaps = check.gaps
        }
        var green: Double? = nil
        if let scheme = net.green {
            let (mask, toMask) = try NetworkInput.greenMask(scheme, crs: loaded.crs)
            let m = parts.reduce((inside: 0.0, total: 0.0)) { acc, line in
                let x = GreenShare.measure(line, mask: mask, toMask: toMask)
                return (acc.inside + x.inside, acc.total + x.total)
            }
            green = m.total > 0 ? m.inside / m.total : 0
        }
        let gapsLength = gaps.reduce(0) { $0 + $1.length }
        try write(title: title, parts: parts, gaps: gaps, length: length, gapsLength: gapsLength, green: green, crs: loaded.crs)
        if net.json {
            try JSONOutput.print([
                "name": title, "mode": net.mode.rawValue, "length_m": length, "gaps_m": gapsLength, "parts": parts.count,
                "green_share": green.map { $0 as Any } ?? NSNull(),
                "gaps": gaps.map { ["kind": $0.kind.rawValue, "length_m": $0.length] },
            ])
        } else if !net.common.quiet {
            print(String(format: "%@: %.2f km, %d part(s); gaps %.0f m in %d place(s)%@; written to %@", title, length / 1000, parts.count, gapsLength, gaps.count,
                         green.map { String(format: "; %.1f %% inside the green network", 100 * $0) } ?? "", output))
        }
    }

    func write(title: String, parts: [[Point]], gaps: [CourseGap], length: Double, gapsLength: Double, green: Double?, crs: SpatialReference) throws {
        if output.lowercased().hasSuffix(".gpx") {
            try GPXWriter.write(tracks: parts.enumerated().map { (parts.count > 1 ? "\(title) (\($0 + 1))" : title, $1) }, crsWKT: crs.wkt, to: output)
            return
        }
        let course = VectorLayer(name: "itinerary", geometryKind: .multiLineString,
                                 fields: [FieldDefinition("name", .string), FieldDefinition("mode", .string), FieldDefinition("length_m", .real),
                                          FieldDefinition("gaps_m", .real), FieldDefinition("green_share", .real)],
                                 features: [Feature(geometry: .multiLineString(parts), attributes: [
                                    "name": .string(title), "mode": .string(net.mode.rawValue), "length_m": .real(length), "gaps_m": .real(gapsLength),
                                    "green_share": green.map { .real($0) } ?? .null])], crsWKT: crs.wkt)
        let gapLayer = VectorLayer(name: "gaps", geometryKind: .lineString,
                                   fields: [FieldDefinition("itinerary", .string), FieldDefinition("kind", .string), FieldDefinition("length_m", .real)],
                                   features: gaps.map { Feature(geometry: .lineString($0.line), attributes: [
                                    "itinerary": .string(title), "kind": .string($0.kind.rawValue), "length_m": .real($0.length)]) }, crsWKT: crs.wkt)
        try VectorIO.write(output.lowercased().hasSuffix(".geojson") ? [course] : [course, gapLayer], to: output)
    }
}
