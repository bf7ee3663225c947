import TrameVector

/// The vector layers of `scheme.gpkg`, declared once: name, geometry and fields. The writer makes its
/// empty layers from here; the server, the router set-up and the tests name layers through it.
public enum SchemeLayer: String, CaseIterable, Sendable {
    // In the GeoPackage's order.
    case natureSpaces = "nature_spaces"
    case reservoirs
    case corridors
    case links
    case bufferZones = "buffer_zones"
    case conflictPoints = "conflict_points"
    case leisureHubs = "leisure_hubs"
    case itineraries
    case pinchPoints = "pinch_points"
    case units
    case namedItineraries = "named_itineraries"
    case itineraryGaps = "itinerary_gaps"
    case sharedLinks = "shared_links"
    case itineraryProposals = "itinerary_proposals"

    /// The layer's name in the GeoPackage.
    public var name: String { rawValue }

    public var geometryKind: GeometryKind {
        switch self {
        case .natureSpaces, .reservoirs, .corridors, .bufferZones, .pinchPoints, .units: .multiPolygon
        case .links, .itineraries, .itineraryGaps, .itineraryProposals: .lineString
        case .namedItineraries, .sharedLinks: .multiLineString
        case .conflictPoints, .leisureHubs: .point
        }
    }

    /// The fields every scheme has (the units layer adds its figures, some per sub-network, after these).
    public var fields: [FieldDefinition] {
        switch self {
        case .reservoirs:
            [FieldDefinition("subnetwork", .string), FieldDefinition("reservoir", .integer), FieldDefinition("area_ha", .real),
             FieldDefinition("perimeter_m", .real), FieldDefinition("inventories", .string), FieldDefinition("dPC", .real),
             FieldDefinition("dPC_intra", .real), FieldDefinition("dPC_flux", .real), FieldDefinition("dPC_connector", .real),
             FieldDefinition("BC", .real), FieldDefinition("component", .integer)]
        case .links:
            [FieldDefinition("subnetwork", .string), FieldDefinition("link", .integer), FieldDefinition("from_reservoir", .integer),
             FieldDefinition("to_reservoir", .integer), FieldDefinition("cost", .real), FieldDefinition("length_m", .real),
             FieldDefinition("euclidean_m", .real), FieldDefinition("probability", .real), FieldDefinition("functional", .integer),
             FieldDefinition("dPC", .real)]
        case .corridors:
            [FieldDefinition("subnetwork", .string), FieldDefinition("link", .integer), FieldDefinition("from_reservoir", .integer),
             FieldDefinition("to_reservoir", .integer), FieldDefinition("length_m", .real), FieldDefinition("area_ha", .real),
             FieldDefinition("mean_width_m", .real), FieldDefinition("width_rule", .string), FieldDefinition("cost", .real),
             FieldDefinition("habitat_share_pct", .real), FieldDefinition("classes", .string), FieldDefinition("dominant_class", .string),
             FieldDefinition("dPC", .real)]
        case .natureSpaces:
            [FieldDefinition("space", .integer), FieldDefinition("typology", .string), FieldDefinition("typology_label", .string),
             FieldDefinition("area_ha", .real), FieldDefinition("dominant_class", .string), FieldDefinition("inventories", .string),
             FieldDefinition("partners", .string), FieldDefinition("leisure_hubs", .string)]
        case .bufferZones:
            [FieldDefinition("zone", .integer), FieldDefinition("kind", .string), FieldDefinition("kind_label", .string), FieldDefinition("area_ha", .real),
             FieldDefinition("separates", .string), FieldDefinition("opening", .string), FieldDefinition("opening_label", .string)]
        case .conflictPoints:
            [FieldDefinition("rank", .integer), FieldDefinition("subnetwork", .string), FieldDefinition("kind", .string),
             FieldDefinition("kind_label", .string), FieldDefinition("infrastructure", .string),
             FieldDefinition("class", .string), FieldDefinition("name", .string), FieldDefinition("crossing_m", .real),
             FieldDefinition("link", .integer), FieldDefinition("from_reservoir", .integer), FieldDefinition("to_reservoir", .integer),
             FieldDefinition("link_dPC", .real), FieldDefinition("reconnected_m", .real),
             FieldDefinition("passability", .real)]
        case .leisureHubs:
            [FieldDefinition("name", .string), FieldDefinition("nature_space", .integer), FieldDefinition("typology", .string),
             FieldDefinition("typology_label", .string), FieldDefinition("stake", .string), FieldDefinition("stake_label", .string)]
        case .itineraries:
            [FieldDefinition("name", .string), FieldDefinition("hub_a", .string), FieldDefinition("hub_b", .string),
             FieldDefinition("mode", .string), FieldDefinition("mode_label", .string), FieldDefinition("length_m", .real), FieldDefinition("time_min", .real),
             FieldDefinition("green_share", .real)]
        case .pinchPoints:
            [FieldDefinition("subnetwork", .string), FieldDefinition("link", .integer), FieldDefinition("from_reservoir", .integer),
             FieldDefinition("to_reservoir", .integer), FieldDefinition("area_ha", .real), FieldDefinition("max_current_A", .real),
             FieldDefinition("mean_current_A", .real), FieldDefinition("corridor_resistance", .real), FieldDefinition("link_dPC", .real)]
        case .units:
            [FieldDefinition("level", .string), FieldDefinition("name", .string)]
        case .namedItineraries:
            [FieldDefinition("name", .string), FieldDefinition("kind", .string), FieldDefinition("kind_label", .string),
             FieldDefinition("status", .string), FieldDefinition("status_label", .string), FieldDefinition("parent", .string),
             FieldDefinition("mode", .string), FieldDefinition("mode_label", .string), FieldDefinition("length_m", .real),
             FieldDefinition("gaps_m", .real), FieldDefinition("gaps", .integer), FieldDefinition("green_share", .real),
             FieldDefinition("shared_m", .real), FieldDefinition("nature_spaces", .string), FieldDefinition("nature_spaces_served", .integer),
             FieldDefinition("leisure_hubs", .string), FieldDefinition("road_crossings", .integer), FieldDefinition("gpx", .string)]
        case .itineraryGaps:
            [FieldDefinition("itinerary", .string), FieldDefinition("kind", .string), FieldDefinition("kind_label", .string),
             FieldDefinition("length_m", .real)]
        case .sharedLinks:
            [FieldDefinition("itinerary", .string), FieldDefinition("subnetwork", .string), FieldDefinition("link", .integer),
             FieldDefinition("from_reservoir", .integer), FieldDefinition("to_reservoir", .integer), FieldDefinition("length_m", .real)]
        case .itineraryProposals:
            [FieldDefinition("kind", .string), FieldDefinition("kind_label", .string), FieldDefinition("itinerary", .string),
             FieldDefinition("subnetwork", .string), FieldDefinition("link", .integer), FieldDefinition("dPC", .real),
             FieldDefinition("length_m", .real)]
        }
    }

    /// The layer with its fields and no feature.
    public func empty(crsWKT: String) -> VectorLayer {
        VectorLayer(name: name, geometryKind: geometryKind, fields: fields, crsWKT: crsWKT)
    }

    /// The layers whose polygons make the green network (itineraries prefer them).
    public static let greenNetwork: [SchemeLayer] = [.natureSpaces, .corridors, .bufferZones]
}
