import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameRouting
import TrameScheme
import TrameVector

/// Options shared by the itinerary commands.
struct NetworkOptions: ParsableArguments {
    @Option(help: "Path network: an OpenStreetMap extract (.osm.pbf) or any line layer GDAL reads (GeoPackage, GeoJSON, Shapefile).")
    var network: String

    @Option(help: "Layer of the network file (default: 'lines' for OSM, else the first layer).")
    var layer: String?

    @Option(help: "walk or bike: which ways may be used (from the OSM tags; untagged lines are open to both).")
    var mode: TravelMode = .walk

    @Option(help: "Snapping tolerance joining line ends of a non-OSM layer, e.g. 0.5m (OSM ways are joined at shared nodes).")
    var snap: String?

    @Flag(name: .customLong("join-crossings"), help: "Join lines where they cross without a shared vertex (planners' layers; never for OSM, where such crossings are bridges).")
    var joinCrossings = false

    @Option(help: "Access table (CSV key,value,walk,bike) replacing the default one; see `trame route --help`.")
    var profile: String?

    @Option(help: "A scheme.gpkg written by `trame run`: the green network (nature spaces, corridors, buffer zones) is the rasters/green_network.tif beside it, as the run measured it.")
    var green: String?

    @Option(name: .customLong("prefer-green"), help: "W ≥ 0: an edge weighs its length × (1 + W × its part outside the green network); 0 = plain shortest.")
    var preferGreen: Double = 0

    @Option(name: .customLong("max-snap"), help: "How far a start or end may lie from the nearest usable way, e.g. 500m (\(OptionRanges.maxSnap.text)).")
    var maxSnap: String = "500m"

    @Option(help: "CRS of the coordinates given (default: the network's own CRS; EPSG:4326 for OSM extracts, as lon,lat).")
    var crs: String?

    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try OptionRanges.number(preferGreen, option: "--prefer-green", OptionRanges.preferGreen)
        if preferGreen > 0 && green == nil { throw ValidationError("--prefer-green needs --green scheme.gpkg") }
        try OptionRanges.quantity(maxSnap, option: "--max-snap", Inputs.length, OptionRanges.maxSnap)
        if let snap { try OptionRanges.quantity(snap, option: "--snap", Inputs.length, OptionRanges.joinSnap) }
    }

    /// Loads the network and builds the router.
    func router() throws -> (Router, LoadedNetwork, inputCRS: SpatialReference?) {
        let progress = Progress(quiet: common.quiet || json)
        var prof = AccessProfile.standard
        if let profile {
            guard let text = try? String(contentsOfFile: profile, encoding: .utf8) else { throw GeodataError(profile, "cannot be read as a CSV table") }
            do { prof = try AccessProfile(table: text, name: profile) } catch let e as AccessProfile.TableError { throw InputError(e.description) }
        }
        progress.step("reading the path network")
        let loaded = try NetworkInput.load(network, layer: layer, snap: try snap.map { try Inputs.length($0) }, profile: prof, joinCrossings: joinCrossings)
        progress.step("\(loaded.network.edgeCount) edges, \(loaded.network.nodes.count) junctions (\(String(format: "%.1f", loaded.seconds)) s)")
        // Isolated bits: pieces of the network the mode cannot reach from its largest piece.
        let pieces = loaded.network.components(mode).length
        if pieces.count > 1, progress.enabled {
            let total = pieces.reduce(0, +), largest = pieces.max() ?? 0
            FileHandle.standardError.write(Data(String(format: "trame: note: %@: %d separate pieces for a %@; the largest has %.1f km of %.1f km, %d isolated bits hold %.1f km\n",
                                                        network, pieces.count, mode == .walk ? "walker" : "cyclist", largest / 1000, total / 1000,
                                                        pieces.count - 1, (total - largest) / 1000).utf8))
        }
        var outside: [Float] = []
        if let green { outside = try NetworkInput.outsideGreen(loaded.network, crs: loaded.crs, scheme: green) }
        let r: Router
        do { r = try Router(network: loaded.network, mode: mode, outside: outside, preferGreen: preferGreen) } catch let e as RoutingError {
            throw GeodataError(network, e.description)
        }
        let inputCRS: SpatialReference? = NetworkInput.isOSM(network) ? try SpatialReference(epsg: 4326) : nil
        return (r, loaded, inputCRS)
    }

    func position(_ text: String, _ what: String, _ r: Router, _ loaded: LoadedNetwork, _ inputCRS: SpatialReference?) throws -> EdgePosition {
        let p = try NetworkInput.point(text, crs: crs, network: loaded.crs, default: inputCRS)
        let limit = try Inputs.length(maxSnap)
        // Outside the network's box, but inside it with its two numbers swapped: given as lat,lon (or Y,X).
        if !loaded.network.boxContains(p, margin: limit) {
            let swapped = text.split(separator: ",").reversed().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ",")
            if let q = try? NetworkInput.point(swapped, crs: crs, network: loaded.crs, default: inputCRS), q.x.isFinite, q.y.isFinite,
               loaded.network.boxContains(q, margin: limit) {
                let given = try crs.map { try SpatialReference(definition: $0) } ?? inputCRS
                let order = given?.isGeographic ?? loaded.crs.isGeographic ? "lon,lat (longitude first)" : "X,Y (easting first)"
                throw InputError("\(what) \(text) lies outside the network \(network); swapped, \(swapped) lies inside it: give \(order)")
            }
        }
        guard let s = r.snap(p, maxDistance: limit) else {
            throw InputError("\(what) \(text) lies farther than \(fmt(limit)) m from any way a \(mode == .walk ? "walker" : "cyclist") may use in \(network) (raise --max-snap or check --crs)")
        }
        return s
    }
}

/// Writes routes as GPX (by extension .gpx) or GeoPackage / GeoJSON.
func writeRoutes(_ routes: [(name: String, route: Route, extra: [String: FieldValue])], crs: SpatialReference, to path: String, mode: TravelMode) throws {
    if path.lowercased().hasSuffix(".gpx") {
        try GPXWriter.write(tracks: routes.map { ($0.name, $0.route.line) }, crsWKT: crs.wkt, to: path)
        return
    }
    var fields = [FieldDefinition("name", .string), FieldDefinition("mode", .string), FieldDefinition("length_m", .real),
                  FieldDefinition("time_min", .real), FieldDefinition("green_share", .real)]
    for k in routes.first?.extra.keys.sorted() ?? [] {
        let t: FieldType = switch routes.first!.extra[k]! { case .integer: .integer; case .real: .real; default: .string }
        fields.append(FieldDefinition(k, t))
    }
    let layer = VectorLayer(name: "itineraries", geometryKind: .lineString, fields: fields, features: routes.map { r in
        var a: [String: FieldValue] = ["name": .string(r.name), "mode": .string(mode.rawValue), "length_m": .real(r.route.length),
                                       "time_min": .real(r.route.minutes(mode)), "green_share": .real(r.route.greenShare)]
        for (k, v) in r.extra { a[k] = v }
        return Feature(geometry: .lineString(r.route.line), attributes: a)
    }, crsWKT: crs.wkt)
    try VectorIO.write([layer], to: path)
}

func routeJSON(_ r: Route, _ mode: TravelMode) -> String {
    String(format: "{\"length_m\": %.1f, \"green_share\": %.4f, \"time_min\": %.1f}", r.length, r.greenShare, r.minutes(mode))
}

struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "A walking or cycling route between two points, preferring the green network if asked.",
        discussion: """
        Builds the path network (junctions where lines meet, lines split at them; isolated bits reported), \
        snaps both ends onto the nearest usable way (not the nearest vertex) and finds the shortest route. \
        With --green scheme.gpkg --prefer-green W, each way weighs its length × (1 + W × its part outside \
        nature spaces, corridors and buffer zones). Prints the length (m), the time at 4.5 km/h walking or \
        15 km/h cycling, and the share of the route inside the green network.

        Access table (CSV key,value,walk,bike; yes, no or empty): highway sets the base, access overrides it, \
        then foot (walking) or bicycle (cycling); motorways are never used; oneway applies to bikes unless \
        oneway:bicycle=no. Lines without these tags are open to both modes.
        """)

    @OptionGroup var net: NetworkOptions

    @Option(help: "Start X,Y (lon,lat for an OSM extract).")
    var from: String

    @Option(help: "End X,Y.")
    var to: String

    @Option(name: .shortAndLong, help: "Output: .gpx (GPX 1.1 track in WGS 84), .gpkg or .geojson.")
    var output: String?

    func run() throws {
        if let output { try OutputFile.check(output, inputs: [net.network, net.green]) }
        let (r, loaded, inCRS) = try net.router()
        let s = try net.position(from, "start", r, loaded, inCRS), t = try net.position(to, "end", r, loaded, inCRS)
        let route: Route
        do { route = try r.route(from: s, to: t) } catch let e as RoutingError { throw InputError("\(net.network): \(e.description)") }
        if let output { try writeRoutes([("Trame \(net.mode.rawValue) route", route, [:])], crs: loaded.crs, to: output, mode: net.mode) }
        if net.json { print(routeJSON(route, net.mode)); return }
        print(String(format: "%@ route: %.0f m, %.0f min at %.1f km/h, %.0f %% inside the green network%@", net.mode.rawValue, route.length,
                     route.minutes(net.mode), net.mode.speedKmh, 100 * route.greenShare, net.green == nil ? " (no --green given)" : ""))
        let pieces = loaded.network.components(net.mode).length
        if pieces.count > 1 {
            print(String(format: "network: %d edges; %d isolated bits (%.1f km) apart from the main network (%.1f km)", loaded.network.edgeCount,
                         pieces.count - 1, (pieces.reduce(0, +) - (pieces.max() ?? 0)) / 1000, (pieces.max() ?? 0) / 1000))
        }
    }
}

struct LoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "A round trip of a chosen length from a point, reusing as few ways as possible.",
        discussion: "The loop runs start → A → B → start through two corners placed at a bearing drawn from --seed; each leg avoids the ways of the legs before it. Its length is within ±10 % of the one asked, or the command says why not.")

    @OptionGroup var net: NetworkOptions

    @Option(help: "Start X,Y (lon,lat for an OSM extract).")
    var start: String

    @Option(help: "Length of the loop, e.g. 12km (\(OptionRanges.loopLength.text)).")
    var length: String

    @Option(help: "Seed choosing the loop's bearings: another seed gives another loop.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: "Output: .gpx, .gpkg or .geojson.")
    var output: String?

    func validate() throws {
        if let v = try? Inputs.length(length), v.isFinite, v < OptionRanges.loopLength.low {
            throw ValidationError("--length \(length) is out of range: \(OptionRanges.loopLength.text) (too short for a loop)")
        }
        try OptionRanges.quantity(length, option: "--length", Inputs.length, OptionRanges.loopLength)
    }

    func run() throws {
        let target = try Inputs.length(length)
        if let output { try OutputFile.check(output, inputs: [net.network, net.green]) }
        let (r, loaded, inCRS) = try net.router()
        let s = try net.position(start, "start", r, loaded, inCRS)
        let route: Route
        do { route = try r.loop(from: s, length: target, seed: seed) } catch let e as LoopError {
            // In the unit the length was given in, from the start as it was written.
            let km = length.lowercased().replacingOccurrences(of: " ", with: "").hasSuffix("km")
            let show = { (m: Double) -> String in km ? "\(RunParameters.number((m / 100).rounded() / 10)) km" : "\(Int(m.rounded())) m" }
            throw InputError("\(net.network): " + e.message(asked: show(target), start: start, show: show, option: "--length"))
        } catch let e as RoutingError { throw InputError("\(net.network): \(e.description)") }
        if let output { try writeRoutes([("Trame \(net.mode.rawValue) loop", route, [:])], crs: loaded.crs, to: output, mode: net.mode) }
        if net.json { print(routeJSON(route, net.mode)); return }
        print(String(format: "%@ loop: %.0f m (asked %.0f m), %.0f min, %.0f %% inside the green network", net.mode.rawValue, route.length, target,
                     route.minutes(net.mode), 100 * route.greenShare))
    }
}

struct HubsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hubs",
        abstract: "The itineraries that link every reachable leisure hub with the least total length.",
        discussion: "A minimum spanning tree over network distances between the hubs (one search from all hubs at once, Mehlhorn's method, then Kruskal). Each itinerary has its two hubs, length and green share; hubs that no way reaches are listed.")

    @OptionGroup var net: NetworkOptions

    @Option(help: "Leisure hubs: a point layer.")
    var hubs: String

    @Option(name: .customLong("name-field"), help: "Field naming the hubs.")
    var nameField: String = "name"

    @Option(name: .shortAndLong, help: "Output: .gpkg, .geojson or .gpx.")
    var output: String

    func run() throws {
        try OutputFile.check(output, inputs: [net.network, net.green, hubs])
        let (r, loaded, _) = try net.router()
        var layer = try VectorIO.read(hubs)
        if let own = SpatialReference.fromWKT(layer.crsWKT), !own.isSame(as: loaded.crs) { layer = try VectorIO.reproject(layer, to: loaded.crs, file: hubs) }
        let limit = try Inputs.length(net.maxSnap)
        var names: [String] = [], positions: [EdgePosition] = [], far: [String] = []
        for (k, f) in layer.features.enumerated() {
            guard case .point(let p) = f.geometry else { throw GeodataError(hubs, "hubs must be points") }
            let name = f[nameField].stringValue ?? "hub \(k + 1)"
            if let s = r.snap(p, maxDistance: limit) { names.append(name); positions.append(s) } else { far.append(name) }
        }
        guard positions.count >= 2 else { throw GeodataError(hubs, "fewer than two hubs lie within \(fmt(limit)) m of a usable way") }
        let result = try r.hubNetwork(positions)
        let unreachable = far + result.unreachable.map { names[$0] }
        let routes = result.itineraries.map { it in
            ("\(names[it.from]) – \(names[it.to])", it.route, ["hub_a": FieldValue.string(names[it.from]), "hub_b": .string(names[it.to])])
        }
        try writeRoutes(routes, crs: loaded.crs, to: output, mode: net.mode)
        let total = result.itineraries.reduce(0) { $0 + $1.route.length }
        if net.json {
            let items = result.itineraries.map { it in
                String(format: "{\"from\": \"%@\", \"to\": \"%@\", \"length_m\": %.1f, \"green_share\": %.4f, \"time_min\": %.1f}",
                       names[it.from].replacingOccurrences(of: "\"", with: "\\\""), names[it.to].replacingOccurrences(of: "\"", with: "\\\""),
                       it.route.length, it.route.greenShare, it.route.minutes(net.mode))
            }
            let un = unreachable.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }
            print("{\"total_length_m\": \(String(format: "%.1f", total)), \"itineraries\": [\(items.joined(separator: ", "))], \"unreachable\": [\(un.joined(separator: ", "))]}")
            return
        }
        print(String(format: "%d itineraries linking %d hubs, %.1f km in all", result.itineraries.count, positions.count - result.unreachable.count, total / 1000))
        for it in result.itineraries {
            print(String(format: "  %@ – %@: %.0f m, %.0f %% green", names[it.from], names[it.to], it.route.length, 100 * it.route.greenShare))
        }
        if !unreachable.isEmpty { print("  unreachable: " + unreachable.joined(separator: ", ")) }
    }
}
