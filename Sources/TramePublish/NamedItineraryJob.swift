import Foundation
import TrameGDAL
import TrameRaster
import TrameRouting
import TrameScheme
import TrameVector

extension SchemeJob {
    /// The path network of [itineraries], read once for the hub itineraries and the named ones (nil
    /// without an [itineraries] section or when nothing needs it).
    func loadPathNetwork(_ input: SchemeInput, needed: Bool) throws -> LoadedNetwork? {
        let p = project
        guard let it = p.itineraries, needed else { return nil }
        let crs = SpatialReference.fromWKT(input.spec.crsWKT)!
        return try NetworkInput.load(it.network.file, layer: it.network.layer, snap: nil, profile: .standard,
                                     filter: it.network.filter, into: crs, joinCrossings: it.joinCrossings,
                                     extra: it.withRoads ? p.roads.map { [($0.file, $0.layer, p.roadClassField)] } ?? [] : [])
    }

    /// The courses of the named itineraries given as lines (a selection, a relation), by name, in `crs`;
    /// the waypoints checked against the territory's `extent`. Read before the analysis, so that a mistake
    /// stops the run at once (and `trame check` tells it). One `ProjectError` naming the entry's line.
    public static func courses(_ p: Project, crs: SpatialReference, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)?,
                               crsLabel: String) throws -> [String: [[Point]]] {
        guard let settings = p.itineraries else { return [:] }
        let net = settings.network
        let osm = NetworkInput.isOSM(net.file)
        var lines: [String: [[Point]]] = [:]
        for item in p.namedItineraries {
            func fail(_ problem: String) -> ProjectError { ProjectError(p.file, line: item.line, "itinerary '\(item.name)': \(problem)") }
            var layer: VectorLayer
            switch item.course {
            case .via(let stops):
                // Waypoints in another CRS (lon/lat for Lambert-93) fall far outside the territory: say so.
                guard let e = extent else { continue }
                let m = settings.maxSnap
                for (k, q) in stops.enumerated() where !(q.x >= e.minX - m && q.x <= e.maxX + m && q.y >= e.minY - m && q.y <= e.maxY + m) {
                    throw fail("waypoint \(k + 1) (\(q.x), \(q.y)) lies outside the territory (x \(Int(e.minX))…\(Int(e.maxX)), y \(Int(e.minY))…\(Int(e.maxY))): give the waypoints in the land cover's CRS (\(crsLabel))")
                }
                continue
            case .selection(let sql):
                let filter = [osm ? "highway IS NOT NULL" : net.filter, sql].compactMap { $0 }.map { "(\($0))" }.joined(separator: " AND ")
                do {
                    layer = try VectorIO.read(net.file, layer: net.layer ?? (osm ? "lines" : nil), filter: filter, allowEmpty: true)
                } catch let e as GeodataError {
                    throw fail("where = \"\(sql)\" cannot select from \((net.file as NSString).lastPathComponent): \(e.problem)")
                }
                guard !layer.features.isEmpty else {
                    let file = (net.file as NSString).lastPathComponent
                    throw fail("where = \"\(sql)\" selects no line of \(file)\(net.layer.map { " (layer \($0))" } ?? ""): check the field names, the values and the SQL (ogrinfo -so \(file)\(net.layer.map { " \($0)" } ?? ""))")
                }
            case .relation(let key):
                do { layer = try NetworkRoutes.relation(key, in: net.file).layer } catch let e as GeodataError { throw fail(e.problem) }
            }
            if let own = SpatialReference.fromWKT(layer.crsWKT), !own.isSame(as: crs) { layer = try VectorIO.reproject(layer, to: crs, file: net.file) }
            var parts: [[Point]] = []
            for f in layer.features {
                switch f.geometry {
                case .lineString(let pts): parts.append(pts)
                case .multiLineString(let ls): parts += ls
                default: continue
                }
            }
            guard !parts.isEmpty else { throw fail("its course holds no line") }
            lines[item.name] = parts
        }
        return lines
    }

    /// The named itineraries: their courses read or routed on the path network, their figures, the stretches
    /// they share with the corridors and the proposals (`NamedItineraryStage`); their GPX files written
    /// into `dir`/itineraries. The corridors, links and nature spaces are read from `layers`.
    func namedItineraries(_ input: SchemeInput, lines: [String: [[Point]]], loaded: LoadedNetwork?, hubs: [LeisureHub], green: Grid<UInt8>, layers: Layers,
                          dir: String) throws -> (figures: [NamedItineraryFigures], proposals: [ItineraryProposal], gpx: [String])? {
        let p = project
        guard let settings = p.itineraries, let loaded, !p.namedItineraries.isEmpty else { return nil }
        progress("named itineraries")
        let net = settings.network
        var routers: [TravelMode: Router] = [:]
        func router(_ mode: TravelMode) throws -> Router {
            if let r = routers[mode] { return r }
            do {
                let r = try Router(network: loaded.network, mode: mode)
                routers[mode] = r
                return r
            } catch let e as RoutingError { throw InputFileError(net.file, e.description) }
        }
        // The corridors' polygons and their links' paths, the nature spaces, from the layers just built.
        var linkLines: [String: [Point]] = [:]
        for f in layers.links.features {
            if case .lineString(let l) = f.geometry, let s = f["subnetwork"].stringValue, case .integer(let k) = f["link"] { linkLines["\(s)#\(k)"] = l }
        }
        func polygons(_ g: Geometry?) -> [Polygon] {
            switch g { case .polygon(let p): [p]; case .multiPolygon(let ps): ps; default: [] }
        }
        func int(_ v: FieldValue) -> Int { if case .integer(let i) = v { i } else { 0 } }
        func real(_ v: FieldValue) -> Double { if case .real(let d) = v { d } else { 0 } }
        let corridors = layers.corridors.features.map { f in
            let sub = f["subnetwork"].stringValue ?? "", link = int(f["link"])
            return NamedItineraryStage.Corridor(subNetwork: sub, link: link, from: int(f["from_reservoir"]), to: int(f["to_reservoir"]),
                                                dPC: real(f["dPC"]), polygons: polygons(f.geometry), line: link > 0 ? linkLines["\(sub)#\(link)"] : nil)
        }
        let spaces = layers.natureSpaces.features.map { (id: int($0["space"]), polygons: polygons($0.geometry)) }
        let context = NamedItineraryStage.Context(router: router, green: green, spaces: spaces, hubs: hubs.map { ($0.name, $0.point) },
                                                  roads: input.infrastructure, corridors: corridors,
                                                  serveDistance: settings.serveDistance, maxSnap: settings.maxSnap)
        let result = try NamedItineraryStage.run(p.namedItineraries, lines: lines, context: context)
        // One GPX per itinerary, its parts as tracks.
        let names = ItineraryFiles.gpxNames(p.namedItineraries.map(\.name))
        let folder = (dir as NSString).appendingPathComponent(ItineraryFiles.folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (it, file) in zip(result.itineraries, names) where !it.parts.isEmpty {
            let title = it.item.name
            try GPXWriter.write(tracks: it.parts.enumerated().map { (it.parts.count > 1 ? "\(title) (\($0 + 1))" : title, $1) },
                                crsWKT: loaded.crs.wkt, to: (folder as NSString).appendingPathComponent(file))
        }
        let gpx = zip(result.itineraries, names).map { $0.parts.isEmpty ? "" : "\(ItineraryFiles.folder)/\($1)" }
        return (result.itineraries, result.proposals, gpx)
    }
}
