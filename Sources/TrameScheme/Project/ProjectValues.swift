import Foundation
import TrameCost

/// The value a project holds for one key of `ProjectKeys.all`.
public enum ProjectValue: Sendable, Equatable {
    case number(Double)
    case codes([Int])
    case width(CorridorWidth)
}

extension Project {
    /// The value of a key outside [[subnetwork]] (nil when unset: no resolution, no reference share, no
    /// [itineraries]); a key of [[subnetwork]] is read from each `SubNetwork`.
    ///
    /// - Parameter naturalClasses: the nomenclature's natural classes, the nature classes when the project
    ///   names none (shown sorted, as the run's parameters list them).
    public func value(of key: ProjectKey, naturalClasses: [Int] = []) -> ProjectValue? {
        switch (key.section, key.name) {
        case ("territory", "resolution"): resolution.map(ProjectValue.number)
        case ("territory", "reference_share"): referenceShare.map(ProjectValue.number)
        case ("land_cover", "built_up"): .codes(builtUp)
        case ("land_cover", "nodata"): landCoverNoData.map { .number(Double($0)) }
        case ("nature_spaces", "classes"): .codes((natureClasses ?? naturalClasses).sorted())
        case ("nature_spaces", "min_area"): .number(mixedMinAreaHa)
        case ("buffer_zones", _): bufferZones.value(of: key)
        case ("itineraries", "prefer_green"): itineraries.map { .number($0.preferGreen) }
        case ("itineraries", "max_snap"): itineraries.map { .number($0.maxSnap) }
        case ("itineraries", "serve_distance"): itineraries.map { .number($0.serveDistance) }
        case ("pinch_points", "links_per_subnetwork"): .number(Double(pinchPointLinks))
        case ("infrastructure", "min_crossing"): .number(minCrossing)
        case ("hydrography", "riparian_strip"): hydrography.map { .number($0.riparianStrip) }
        case ("hydrography", "breaking_passability"): hydrography.map { .number($0.breakingPassability) }
        case ("hydrography", "good_continuity"): hydrography.map { .number($0.goodContinuity) }
        case ("hydrography", "barrier_classes"): hydrography.map { .codes($0.barrierClasses) }
        default: nil
        }
    }
}

extension BufferZoneRules {
    public func value(of key: ProjectKey) -> ProjectValue? {
        switch (key.section, key.name) {
        case ("buffer_zones", "open_land"): .codes(openLand)
        case ("buffer_zones", "min_town_area"): .number(minTownHa)
        case ("buffer_zones", "max_break_width"): .number(maxBreakWidth)
        case ("buffer_zones", "around_network"): .number(aroundNetwork)
        case ("buffer_zones", "min_area"): .number(minAreaHa)
        case ("buffer_zones", "edge"): .number(edge)
        default: nil
        }
    }
}

extension SubNetwork {
    /// The value of a key of [[subnetwork]].
    public func value(of key: ProjectKey) -> ProjectValue? {
        switch (key.section, key.name) {
        case ("subnetwork", "habitat"): .codes(habitat)
        case ("subnetwork", "supporting"): .codes(supporting)
        case ("subnetwork", "min_reservoir_area"): .number(minReservoirHa)
        case ("subnetwork", "dispersal_distance"): .number(dispersalCost)
        case ("subnetwork", "dispersal_probability"): .number(dispersalProbability)
        case ("subnetwork", "corridor_width"): .width(corridorWidth)
        default: nil
        }
    }
}
