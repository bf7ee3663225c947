import TrameRouting
import TrameVector

/// One itinerary between two leisure hubs.
public struct Itinerary: Sendable {
    public var hubA: String
    public var hubB: String
    public var route: Route
    public var name: String { "\(hubA) – \(hubB)" }
    public init(hubA: String, hubB: String, route: Route) { self.hubA = hubA; self.hubB = hubB; self.route = route }
}

/// The itinerary stage's result.
public struct ItineraryNetwork: Sendable {
    public var mode: TravelMode
    public var routes: [Itinerary]
    /// Hubs farther than the snapping distance from the network, or cut off from the others.
    public var unreachable: [String]
}

/// Itineraries between the leisure hubs on a path network, preferring the green network: the hubs are
/// snapped to the network and joined by the hub network (a Steiner tree of shortest green-weighted routes).
public enum ItineraryStage {
    /// - Parameters:
    ///   - outside: per edge of `network`, the share of its length outside the green network.
    ///   - networkFile: names the network in errors.
    public static func run(_ settings: ItinerarySettings, network: PathNetwork, outside: [Float], hubs: [LeisureHub],
                           networkFile: String) throws -> ItineraryNetwork {
        let mode = TravelMode(rawValue: settings.mode) ?? .walk
        let router: Router
        do { router = try Router(network: network, mode: mode, outside: outside, preferGreen: settings.preferGreen) } catch let e as RoutingError {
            throw InputFileError(networkFile, e.description)
        }
        var names: [String] = [], positions: [EdgePosition] = [], unreachable: [String] = []
        for hub in hubs {
            if let s = router.snap(hub.point, maxDistance: settings.maxSnap) { names.append(hub.name); positions.append(s) } else { unreachable.append(hub.name) }
        }
        var routes: [Itinerary] = []
        if positions.count >= 2 {
            let hn = try router.hubNetwork(positions)
            unreachable += hn.unreachable.map { names[$0] }
            routes = hn.itineraries.map { Itinerary(hubA: names[$0.from], hubB: names[$0.to], route: $0.route) }
        } else {
            unreachable += names
        }
        return ItineraryNetwork(mode: mode, routes: routes, unreachable: unreachable)
    }
}
