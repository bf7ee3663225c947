/// The columns of `figures.csv` (`forest_EC_ha`, `road_conflicts_per_km`…) as a reader names them, with
/// their unit: "Forest sub-network — EC (ha)", « Sous-trame forestière — EC (ha) ».
public extension Words {
    /// - Parameters:
    ///   - code: a column of figures.csv.
    ///   - subNetworks: the scheme's sub-network names, to split `forest_corridor_km` into sub-network and figure.
    ///   - regimes: management regimes' labels by code, for `management_<code>_ha`.
    /// - Returns: the label, or `code` itself for a column it does not know.
    func figureColumn(_ code: String, subNetworks: [String], regimes: [String: String] = [:]) -> String {
        let fixed: [String: String] = [
            "area_ha": "\(self[.area]) (ha)",
            "nature_ha": "\(self[.natureSpaces]) (ha)",
            "nature_pct": "\(self[.figNatureShare]) (%)",
            "major_interest_ha": "\(self[.major]) (ha)",
            "mixed_vocation_ha": "\(self[.mixed]) (ha)",
            "nature_vs_reference_pts": "\(self[.figNatureVsReference]) (\(self[.pointsWord]))",
            "corridor_ha": "\(self[.corridors]) (ha)",
            "buffer_zone_ha": "\(self[.bufferZones]) (ha)",
            "road_km": "\(self[.roads]) (km)",
            "railway_km": "\(self[.railways]) (km)",
            "conflict_points": self[.conflictPoints],
            "road_conflicts": "\(self[.conflictPoints])\(colon)\(self[.roadsWord])",
            "road_conflicts_per_km": "\(self[.conflictPoints])\(colon)\(self[.roadsWord]), \(self[.perKmOfRoad])",
            "railway_conflicts": "\(self[.conflictPoints])\(colon)\(self[.railwaysWord])",
            "railway_conflicts_per_km": "\(self[.conflictPoints])\(colon)\(self[.railwaysWord]), \(self[.perKmOfRailway])",
            "built_up_conflicts": "\(self[.conflictPoints])\(colon)\(self[.builtUpLand])",
            "leisure_hubs": self[.leisureHubs],
            "leisure_hubs_regional": "\(self[.leisureHubs])\(colon)\(self[.stakeRegional])",
            "leisure_hubs_community": "\(self[.leisureHubs])\(colon)\(self[.stakeCommunity])",
            "itinerary_km": "\(self[.itineraries]) (km)",
            "watercourse_km": "\(self[.watercourses]) (km)",
            "watercourse_good_continuity_km": "\(self[.watercourses]) \(self[.goodContinuity]) (km)",
            "river_obstacles": capitalisedFirst(self[.riverObstacles]),
            "river_obstacles_per_km": "\(capitalisedFirst(self[.riverObstacles])) \(self[.perKm])",
            "named_itinerary_km": "\(self[.namedItineraries]) (km)",
        ]
        if let f = fixed[code] { return f }
        if code.hasPrefix("management_"), code.hasSuffix("_ha") {
            let regime = String(code.dropFirst("management_".count).dropLast(3))
            return "\(self[.managementRegime])\(colon)\(regimes[regime] ?? regime) (ha)"
        }
        // Longest sub-network name first: "wetland_forest" must not be read as "wetland".
        for name in subNetworks.sorted(by: { $0.count > $1.count }) where code.hasPrefix(name + "_") {
            let sub = subNetworkName(name, label: name)
            let figure: String? = switch String(code.dropFirst(name.count + 1)) {
            case "reservoir_ha": "\(self[.reservoirsPlain]) (ha)"
            case "reservoir_pct": "\(self[.reservoirsPlain]), \(self[.share].lowercased()) \(self[.shareOfUnit]) (%)"
            case "corridor_ha": "\(self[.corridors]) (ha)"
            case "corridor_km": "\(self[.corridors]) (km)"
            case "PC": "PC"
            case "EC_ha": "EC (ha)"
            case "shared_km": "\(self[.namedItineraries]), \(self[.sharedWithCorridors].lowercased()) (km)"
            default: nil
            }
            if let figure { return "\(sub) — \(figure)" }
        }
        return code
    }

    private func capitalisedFirst(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}
