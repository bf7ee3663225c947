import Foundation

/// The unit a range is shown in.
public enum RangeUnit: String, Sendable {
    /// Hectares.
    case hectares = "ha"
    /// Metres (shown in km from 1000 m).
    case metres = "m"
    /// Cost units (resistance × metres).
    case cost
    /// A fraction shown as a percentage (0.12 → 12 %).
    case percent = "%"
    /// A plain number.
    case none = ""
}

/// The values a number may take: low and high bounds, each included or not, and the unit they are shown in.
public struct ValueRange: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public var lowIncluded: Bool
    public var highIncluded: Bool
    public var unit: RangeUnit

    public init(_ low: Double, _ high: Double, unit: RangeUnit, lowIncluded: Bool = true, highIncluded: Bool = true) {
        self.low = low; self.high = high; self.unit = unit; self.lowIncluded = lowIncluded; self.highIncluded = highIncluded
    }

    /// Whether `v` (in the base unit: ha, m, cost, fraction) lies in the range; NaN and infinities never do.
    public func contains(_ v: Double) -> Bool {
        guard v.isFinite else { return false }
        return (lowIncluded ? v >= low : v > low) && (highIncluded ? v <= high : v < high)
    }

    /// "0 ha to 1,000,000 ha", "more than 0 cost, up to 1,000,000,000,000 cost", "strictly between 0 and 1".
    public var text: String {
        let a = show(low), b = show(high)
        switch (lowIncluded, highIncluded) {
        case (true, true): return "\(a) to \(b)"
        case (false, true): return "more than \(a), up to \(b)"
        case (true, false): return "\(a) up to but not \(b)"
        case (false, false): return "strictly between \(a) and \(b)"
        }
    }

    /// A value with its unit, as the range shows it.
    public func show(_ v: Double) -> String {
        switch unit {
        case .hectares: return "\(ValueRange.number(v)) ha"
        case .metres: return v >= 1000 ? "\(ValueRange.number(v / 1000)) km" : "\(ValueRange.number(v)) m"
        case .cost: return "\(ValueRange.number(v)) cost"
        case .percent: return "\(ValueRange.number(v * 100)) %"
        case .none: return ValueRange.number(v)
        }
    }

    /// Digits grouped by thousands with commas ("1,000,000", "-2,147,483,648", "0.1").
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "\(v)" }
        if v == v.rounded(), abs(v) < 1e15 {
            let digits = String(Int64(abs(v)))
            var out = ""
            for (k, ch) in digits.enumerated() {
                if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
            return (v < 0 ? "-" : "") + out
        }
        return "\(v)"
    }
}

/// The ranges Trame accepts, shared by the project file and the CLI options.
public enum Ranges {
    /// Areas: 0 ha to 1,000,000 ha (10,000 km², a large region).
    public static let area = ValueRange(0, 1_000_000, unit: .hectares)
    /// Distances drawn on the land (break widths, frames): 0 m to 100 km.
    public static let distance = ValueRange(0, 100_000, unit: .metres)
    /// Widths of a corridor buffer or of the diffuse edge of buffer zones: 0 m to 10 km.
    public static let width = ValueRange(0, 10_000, unit: .metres)
    /// How far a point may lie from the path network: 0 m to 100 km.
    public static let snap = ValueRange(0, 100_000, unit: .metres)
    /// Cell size of a land cover: 0.1 m to 10 km.
    public static let resolution = ValueRange(0.1, 10_000, unit: .metres)
    /// Accumulated costs (resistance × metres): 0 to 10¹² cost units.
    public static let cost = ValueRange(0, 1e12, unit: .cost)
    /// Costs that must be positive (dispersal distances, cost thresholds).
    public static let positiveCost = ValueRange(0, 1e12, unit: .cost, lowIncluded: false)
    /// Shares: 0 % to 100 %.
    public static let share = ValueRange(0, 1, unit: .percent)
    /// Probabilities: strictly between 0 and 1.
    public static let probability = ValueRange(0, 1, unit: .none, lowIncluded: false, highIncluded: false)
    /// Weights such as prefer_green: 0 to 1000.
    public static let weight = ValueRange(0, 1000, unit: .none)
    /// Land-cover class codes: what a 32-bit integer raster holds.
    public static let classCode = ValueRange(Double(Int32.min), Double(Int32.max), unit: .none)
    /// Resistances of a friction table: more than 0, up to 10⁹.
    public static let resistance = ValueRange(0, 1e9, unit: .none, lowIncluded: false)
}

/// How a key of the project file is written.
public enum KeyKind: String, Sendable {
    case area, length, cost, share, probability, width, count, weight
    case classCodes = "class codes"
    case classCode = "class code"

    /// How to write it, for the README table.
    public var example: String {
        switch self {
        case .area: "\"5 ha\", \"50000 m2\", \"0.05 km2\""
        case .length: "\"1000 m\", \"1.5 km\""
        case .cost: "\"50000 cost\""
        case .share: "\"12 %\""
        case .probability: "0.05 or \"5 %\""
        case .width: "\"5000 cost\" or \"200 m\""
        case .count: "50"
        case .weight: "1.0"
        case .classCodes: "[20, 21]"
        case .classCode: "0"
        }
    }
}

/// One number (or list of class codes) of the project file: where it is, how it is written, what it
/// may be, its default and what it means. `ProjectFile` checks every value against this table and the
/// README's table of keys is checked against it by a test.
public struct ProjectKey: Sendable {
    /// The section without brackets ("buffer_zones", "subnetwork" for [[subnetwork]]).
    public var section: String
    public var name: String
    public var kind: KeyKind
    /// Allowed values; a width has two (cost units, then metres).
    public var ranges: [ValueRange]
    /// The default in the base unit, when it is a plain value.
    public var defaultValue: Double?
    /// The default as the README shows it ("5 ha", "none", "required").
    public var defaultText: String
    public var meaning: String
    /// Its line in the `run_parameters` table (nil: not listed there).
    public var parameter: RunParameter?
    /// How the commented template writes it (nil: the template writes a value of its own, such as the
    /// sample's class lists and each sub-network's values).
    public var template: TemplateLine?

    /// "[buffer_zones] min_area", "[[subnetwork]] habitat".
    public var label: String { section == "subnetwork" ? "[[subnetwork]] \(name)" : "[\(section)] \(name)" }
    public var range: ValueRange { ranges[0] }
    public var rangeText: String { ranges.map(\.text).joined(separator: ", or ") }
}

/// A key's line in the run's parameters table: its name there and its rank among the table's key lines.
public struct RunParameter: Sendable, Equatable {
    public var name: String
    public var rank: Int
}

/// A key's line in the commented project template: the value as written, the comment after it.
public struct TemplateLine: Sendable, Equatable {
    public var value: String
    public var comment: String?
}

public enum ProjectKeys {
    private static func key(_ section: String, _ name: String, _ kind: KeyKind, _ ranges: [ValueRange], _ def: Double?, _ defText: String? = nil,
                            _ meaning: String, parameter: (String, Int)? = nil, template: (String, String?)? = nil) -> ProjectKey {
        ProjectKey(section: section, name: name, kind: kind, ranges: ranges, defaultValue: def,
                   defaultText: defText ?? def.map { ranges[0].show($0) } ?? "none", meaning: meaning,
                   parameter: parameter.map { RunParameter(name: $0.0, rank: $0.1) },
                   template: template.map { TemplateLine(value: $0.0, comment: $0.1) })
    }

    /// Every number of the project file, in the order of the template.
    public static let all: [ProjectKey] = [
        key("territory", "resolution", .length, [Ranges.resolution], nil, "the land cover's", "cell size the land cover must have (checked)", template: ("\"10 m\"", "cell size of the land cover")),
        key("territory", "reference_share", .share, [Ranges.share], nil, "none", "share of nature spaces to compare with (e.g. the region's)", template: ("\"12 %\"", "share of nature spaces to compare with (here: the region's)")),
        key("land_cover", "built_up", .classCodes, [Ranges.classCode], nil, "required", "built-up classes: they cut corridors and frame urban breaks", parameter: ("built_up", 3), template: ("[1, 2, 3]", "towns and industry: they cut corridors and frame the urban breaks")),
        key("land_cover", "nodata", .classCode, [Ranges.classCode], nil, "the raster's own", "land-cover value of the cells outside the territory (for a raster that declares no NoData, or another)", template: ("0", "cells of this value are outside the territory (NoData)")),
        key("nature_spaces", "classes", .classCodes, [Ranges.classCode], nil, "the nomenclature's natural column", "classes that make nature spaces", parameter: ("nature_classes", 1)),
        key("nature_spaces", "min_area", .area, [Ranges.area], 1, nil, "smallest nature space of mixed vocation", parameter: ("mixed_min_area", 2), template: ("\"1 ha\"", "smallest nature space of mixed vocation")),
        key("buffer_zones", "open_land", .classCodes, [Ranges.classCode], nil, "none", "farmland and natural classes that can lie in a buffer zone"),
        key("buffer_zones", "min_town_area", .area, [Ranges.area], 20, nil, "smaller built-up clusters are hamlets, not towns", parameter: ("buffer_min_town_area", 6), template: ("\"20 ha\"", "smaller built-up clusters are hamlets, not towns")),
        key("buffer_zones", "max_break_width", .length, [Ranges.distance], 1500, nil, "open land between two towns closer than this is an urban break", parameter: ("buffer_max_break_width", 4), template: ("\"1500 m\"", "open land between two towns closer than this is an urban break")),
        key("buffer_zones", "around_network", .length, [Ranges.distance], 200, nil, "open land this close to a reservoir or corridor frames the network", parameter: ("buffer_around_network", 5), template: ("\"200 m\"", "open land this close to a reservoir or corridor frames it")),
        key("buffer_zones", "min_area", .area, [Ranges.area], 5, nil, "smaller buffer zones are dropped", parameter: ("buffer_min_area", 7), template: ("\"5 ha\"", "smaller zones are dropped")),
        key("buffer_zones", "edge", .length, [Ranges.width], 50, nil, "width of the diffuse edge drawn around each zone", parameter: ("buffer_edge", 8), template: ("\"100 m\"", "width of the diffuse edge (buffer_zones.tif fades over it)")),
        key("infrastructure", "min_crossing", .length, [Ranges.width], 10, nil,
            "a road or railway inside a corridor over less than this only grazes it: no conflict point", parameter: ("conflict_min_crossing", 9),
            template: ("\"10 m\"", "shorter stretches inside a corridor only graze it (no conflict point)")),
        key("itineraries", "prefer_green", .weight, [Ranges.weight], 1, "1", "W: a way weighs its length × (1 + W × its part outside the green network)", template: ("1.0", nil)),
        key("itineraries", "max_snap", .length, [Ranges.snap], 1000, nil, "hubs farther than this from a usable way are listed as not reached", template: ("\"1000 m\"", "hubs farther than this from a path are listed as not reached")),
        key("itineraries", "serve_distance", .length, [Ranges.snap], 300, nil, "a named itinerary serves the nature spaces and leisure hubs within this distance of its course", template: ("\"300 m\"", "named itineraries serve the nature spaces and hubs this close")),
        key("pinch_points", "links_per_subnetwork", .count, [ValueRange(0, 1_000_000, unit: .none)], 50, "50",
            "links per sub-network whose corridors get a current map (0 = none)", template: ("50", nil)),
        key("hydrography", "riparian_strip", .length, [Ranges.width], 25, nil, "width of the riparian strip on each side of a watercourse's axis: the corridors of a watercourse sub-network", parameter: ("riparian_strip", 10), template: ("\"25 m\"", "strip on each side of the axis: the river's corridor")),
        key("hydrography", "breaking_passability", .weight, [ValueRange(0, 1, unit: .none)], 0.33, "0.33", "obstacles of at most this passability (0 impassable … 1 passable, the ICE classes) break continuity", parameter: ("breaking_passability", 11), template: ("0.33", "obstacles this passable or less break continuity")),
        key("hydrography", "good_continuity", .length, [Ranges.distance], 5000, nil, "a river in continuity (no breaking obstacle, no barrier class) at least this long is in good continuity", parameter: ("good_continuity", 12), template: ("\"5 km\"", "reaches at least this long are in good continuity")),
        key("hydrography", "barrier_classes", .classCodes, [Ranges.classCode], nil, "none", "land-cover classes that break a watercourse's continuity where it crosses them", parameter: ("barrier_classes", 13), template: ("[]", "land-cover classes that break continuity (none here)")),
        key("subnetwork", "habitat", .classCodes, [Ranges.classCode], nil, "required", "classes whose patches are reservoirs"),
        key("subnetwork", "supporting", .classCodes, [Ranges.classCode], nil, "none", "classes that relay movement"),
        key("subnetwork", "min_reservoir_area", .area, [Ranges.area], 1, nil, "smallest habitat patch kept as a reservoir"),
        key("subnetwork", "dispersal_distance", .cost, [Ranges.positiveCost], 10_000, nil, "cost at which dispersal has the probability below"),
        key("subnetwork", "dispersal_probability", .probability, [Ranges.probability], 0.05, "0.05", "probability of dispersal at dispersal_distance"),
        key("subnetwork", "corridor_width", .width, [Ranges.cost, Ranges.width], nil, "dispersal_distance ÷ 10",
            "cost-weighted width (Linkage Mapper) or a buffer around the least-cost path"),
    ]

    /// The keys listed in the run's parameters table, in its order.
    public static var parameters: [ProjectKey] {
        all.filter { $0.parameter != nil }.sorted { $0.parameter!.rank < $1.parameter!.rank }
    }

    /// The keys of one section, in the table's order.
    public static func keys(in section: String) -> [ProjectKey] { all.filter { $0.section == section } }

    /// The template's lines for the keys of `section` in the table's order: `name = value` and the key's
    /// comment from column 35. `values` gives the value of a key whose template line has none.
    public static func templateLines(_ section: String, values: [String: String] = [:]) -> String {
        keys(in: section).map { k in
            let value = values[k.name] ?? k.template?.value ?? ""
            var line = "\(k.name) = \(value)"
            if let c = k.template?.comment {
                line += String(repeating: " ", count: max(1, 34 - line.count)) + "# \(c)"
            }
            return line
        }.joined(separator: "\n")
    }

    /// The entry for a key; `section` may be a table path such as "subnetwork#2".
    public static func entry(_ section: String, _ name: String) -> ProjectKey? {
        let s = section.split(separator: "#").first.map(String.init) ?? section
        return all.first { $0.section == s && $0.name == name }
    }

    /// The README's table of keys, one row per entry.
    public static var markdownTable: String {
        var lines = ["| key | written as | range | default | meaning |", "|---|---|---|---|---|"]
        for k in all {
            lines.append("| `\(k.label)` | \(k.kind.rawValue): \(k.kind.example.replacingOccurrences(of: "|", with: "\\|")) | \(k.rangeText) | \(k.defaultText) | \(k.meaning) |")
        }
        return lines.joined(separator: "\n")
    }
}
