import Foundation
import TrameCost

/// The colours of the scheme, shared by the printed maps, the QGIS styles and the web page.
public enum Palette {
    public static let major = RGB(28, 105, 48)
    public static let mixed = RGB(150, 205, 120)
    public static let buffer = RGB(196, 120, 40)
    public static let builtUp = RGB(160, 160, 165)
    public static let conflict = RGB(215, 25, 28)
    public static let hub = RGB(245, 130, 20)
    public static let road = RGB(90, 90, 90)
    public static let railway = RGB(60, 60, 60)
    public static let path = RGB(150, 40, 130)
    public static let itinerary = RGB(120, 20, 160)
    public static let pinch = RGB(255, 40, 160)
    public static let commune = RGB(120, 120, 120)
    public static let grouping = RGB(50, 50, 50)
}

/// The words of maps and reports in English and French, as planners use them
/// (réservoir de biodiversité, corridor écologique, sous-trame, zone tampon).
public struct Words: Sendable {
    public let lang: String
    public init(_ lang: String) { self.lang = lang == "fr" ? "fr" : "en" }
    public var fr: Bool { lang == "fr" }
    /// A term of the vocabulary in this language.
    public subscript(_ t: Term) -> String { fr ? t.fr : t.en }

    public var scheme: String { self[.scheme] }
    public var natureSpaces: String { self[.natureSpaces] }
    public var major: String { self[.major] }
    public var mixed: String { self[.mixed] }
    public var majorShort: String { self[.majorShort] }
    public var mixedShort: String { self[.mixedShort] }
    public var reservoirs: String { self[.reservoirs] }
    public var reservoir: String { self[.reservoir] }
    public var corridors: String { self[.corridors] }
    public var corridorsByBiotope: String { self[.corridorsByBiotope] }
    public var links: String { self[.links] }
    public var subNetwork: String { self[.subNetwork] }
    public var subNetworks: String { self[.subNetworks] }
    public var bufferZones: String { self[.bufferZones] }
    public var urbanBreak: String { self[.urbanBreak] }
    public var networkFrame: String { self[.networkFrame] }
    public var conflictPoints: String { self[.conflictPoints] }
    public var leisureHubs: String { self[.leisureHubs] }
    public var builtUp: String { self[.builtUp] }
    public var roads: String { self[.roads] }
    public var railways: String { self[.railways] }
    public var itineraries: String { self[.itineraries] }
    public var pinchPoints: String { self[.pinchPoints] }
    public var greenShare: String { self[.greenShare] }
    public var paths: String { self[.paths] }
    public var communes: String { self[.communes] }
    public var groupings: String { self[.groupings] }
    public var territory: String { self[.territory] }
    public var figures: String { self[.figures] }
    public var figuresPerUnit: String { self[.figuresPerUnit] }
    public var parameters: String { self[.parameters] }
    public var partners: String { self[.partners] }
    public var dataCredits: String { self[.dataCredits] }
    public var area: String { self[.area] }
    public var share: String { self[.share] }
    public var name: String { self[.name] }
    public var unit: String { self[.unit] }
    public var length: String { self[.length] }
    public var rank: String { self[.rank] }
    public var infrastructure: String { self[.infrastructure] }
    public var crossing: String { self[.crossing] }
    public var importance: String { self[.importance] }
    public var topReservoirs: String { self[.topReservoirs] }
    public var topLinks: String { self[.topLinks] }
    public var topConflicts: String { self[.topConflicts] }
    public var reference: String { self[.reference] }
    public var inputs: String { self[.inputs] }
    public var legend: String { self[.legend] }
    public var atlasFigures: String { self[.atlasFigures] }
    public var openings: String { self[.openings] }
    public var watercourses: String { self[.watercourses] }
    public var blueNetwork: String { self[.blueNetwork] }
    public var obstacles: String { self[.obstacles] }
    public var goodContinuity: String { self[.goodContinuity] }
    public var reconnected: String { self[.reconnected] }
    public var passability: String { self[.passability] }

    // The QGIS project's groups and layers, and the units of its rasters' colour ramps.
    public var natureAndBuffers: String { self[.natureAndBuffers] }
    public var units: String { self[.units] }
    public var functionalLinks: String { self[.functionalLinks] }
    /// A raster beside the vector layer of the same thing: "Nature spaces (cells)".
    public var cells: String { self[.cells] }
    public var bufferMembership: String { self[.bufferMembership] }
    public var greenNetwork: String { self[.greenNetwork] }
    public var resistance: String { self[.resistance] }
    public var costDistance: String { self[.costDistance] }
    public var corridorCost: String { self[.corridorCost] }
    public var riparianStrip: String { self[.riparianStrip] }
    public var currentFlow: String { self[.currentFlow] }
    public var costUnitsPerMetre: String { self[.costUnitsPerMetre] }
    public var costUnits: String { self[.costUnitsTerm] }
    public var costUnitsAboveThePath: String { self[.costUnitsAboveThePath] }
    public var metresFromAxis: String { self[.metresFromAxis] }
    public var amperesPerCell: String { self[.amperesPerCell] }

    /// "5 km" → "reaches of at least 5 km without a breaking obstacle", in the language.
    public func continuityRule(_ metres: Double) -> String {
        fr ? "tronçons d'au moins \(km(metres / 1000)) sans obstacle infranchissable" : "reaches of at least \(km(metres / 1000)) without a breaking obstacle"
    }

    /// The type of an obstacle as registers write it (weir, lock, culvert, dam), in the language.
    public func obstacleKind(_ kind: String) -> String {
        let terms: [String: Term] = ["weir": .weir, "lock": .lock, "culvert": .culvert, "dam": .dam]
        return terms[kind].map { self[$0] } ?? kind
    }

    /// The class of a road, railway or watercourse as OpenStreetMap names it ("motorway", "primary", "rail",
    /// "river"…), in the language; other values (the user's own) as they are.
    public func infrastructureClass(_ cls: String) -> String {
        let terms: [String: Term] = ["motorway": .motorway, "trunk": .trunk, "primary": .primary, "secondary": .secondary, "tertiary": .tertiary,
                                     "residential": .residential, "rail": .rail, "tram": .tram, "light_rail": .lightRail, "disused": .disused,
                                     "river": .river, "canal": .canal, "stream": .stream]
        return terms[cls].map { self[$0] } ?? cls
    }

    /// The name of a sub-network: Trame's own name of a standard one (forest, calcicolous, mining, river,
    /// wetland) when its label is its name or the English default, else its label as given.
    public func subNetworkName(_ name: String, label: String) -> String {
        let builtin: [String: Term] = ["forest": .forestSubNetwork, "calcicolous": .calcicolousSubNetwork, "mining": .miningSubNetwork,
                                       "river": .riverSubNetwork, "wetland": .wetlandSubNetwork]
        guard let t = builtin[name], label == name || label == t.en else { return label }
        return self[t]
    }

    /// A conflict point's kind as the report and the layer's `kind_label` name it.
    public func conflictKind(_ k: ConflictKind) -> String {
        switch k {
        case .roadCrossing: self[.roadCrossing]
        case .railwayCrossing: self[.railwayCrossing]
        case .roadAlong: self[.roadAlong]
        case .railwayAlong: self[.railwayAlong]
        case .builtUp: self[.builtUpCut]
        case .riverObstacle: self[.riverObstacle]
        }
    }

    /// A count with its noun in the right number: French singular for 0 and 1, English for 1 only
    /// ("1 tronçon", "0 tronçon", "2 tronçons"; "1 stretch", "0 stretches").
    public func count(_ n: Int, _ one: String, _ many: String) -> String {
        "\(n) \((fr ? n <= 1 : n == 1) ? one : many)"
    }

    /// A small or large number to three significant digits as the language writes it: "0,00771",
    /// "3,15 × 10⁻⁵" in French; "0.00771", "3.15 × 10⁻⁵" in English.
    public func significant(_ v: Double) -> String {
        guard v.isFinite, v != 0 else { return v == 0 ? "0" : "\(v)" }
        let sep = fr ? "," : "."
        // From 100 up, whole numbers with their thousands grouped ("4 410", not %g's "4.41e+03").
        if abs(v) >= 100 && abs(v) < 1e15 { return number(v, decimals: 0) }
        if abs(v) >= 1e-3 && abs(v) < 1e5 { return String(format: "%.3g", v).replacingOccurrences(of: ".", with: sep) }
        let e = Int(floor(log10(abs(v))))
        var m = v / pow(10, Double(e))
        var exp = e
        if abs(m) >= 9.995 { m /= 10; exp += 1 }
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        let sup = String(String(exp).map { digits[$0] ?? $0 })
        return String(format: "%.2f", m).replacingOccurrences(of: ".", with: sep) + " × 10" + sup
    }

    /// A corridor width as the project gave it: "5 000 unités de coût", "5,000 cost units", "250 m".
    public func corridorWidth(_ w: CorridorWidth) -> String {
        switch w {
        case .cost(let c): return "\(number(c, decimals: c == c.rounded() ? 0 : 1)) \(self[.costUnits])"
        case .metres(let m): return "\(number(m, decimals: m == m.rounded() ? 0 : 1)) m"
        }
    }

    /// A nature space's typology as the layer's `typology_label` names it.
    public func typology(_ major: Bool) -> String {
        self[major ? .majorShort : .mixedShort]
    }

    /// "Réalisé le 2 décembre 2026", "Made on 2 December 2026" (UTC).
    public func madeOn(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: fr ? "fr_FR" : "en_GB")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "d MMMM yyyy"
        return (fr ? "Réalisé le " : "Made on ") + f.string(from: date)
    }

    /// A unit after a number, in the singular where the language wants it (French below 2, English for 1):
    /// "1 unité de coût par mètre", "0 unité de coût", "1 cost unit per metre"; other units as they are.
    public func unit(_ unit: String, for v: Double) -> String {
        guard fr ? abs(v) < 2 : v == 1 else { return unit }
        let singular: [String: String] = [
            "unités de coût par mètre": "unité de coût par mètre", "unités de coût": "unité de coût",
            "unités de coût au-dessus du chemin": "unité de coût au-dessus du chemin",
            "cost units per metre": "cost unit per metre", "cost units": "cost unit", "cost units above the path": "cost unit above the path",
        ]
        return singular[unit] ?? unit
    }

    /// A name quoted as the language quotes: « forest » (with non-breaking spaces) in French, “forest” in English.
    public func quoted(_ s: String) -> String { fr ? "«\u{00A0}\(s)\u{00A0}»" : "“\(s)”" }

    /// A colon as the language writes it: " : " in French (a space before), ": " in English.
    public var colon: String { fr ? "\u{00A0}: " : ": " }

    /// A sub-network's name short enough for a table column: without its parenthesis and, in French, without
    /// "Sous-trame (des)" ("Sous-trame des cours d'eau" → "cours d'eau", "Forest (woods…)" → "Forest").
    public func shortSubNetworkName(_ full: String) -> String {
        var s = full
        if let open = s.firstIndex(of: "(") { s = String(s[..<open]) }
        s = s.trimmingCharacters(in: .whitespaces)
        for prefix in ["Sous-trame des ", "Sous-trame du ", "Sous-trame de la ", "Sous-trame "] where s.hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count)); break
        }
        return s.isEmpty ? full : s
    }

    /// A leisure hub's stake: "enjeu régional", "regional stake".
    public func stake(_ s: HubStake) -> String { self[s == .regional ? .stakeRegional : .stakeCommunity] }

    /// "12 points de conflit", "1 point de conflit" (French plural on the first word), "1 conflict point".
    public func conflictCount(_ n: Int) -> String {
        count(n, self[.conflictPointOne], self[.conflictPointMany])
    }

    public func infrastructureName(_ kind: String) -> String {
        switch kind {
        case "road": self[.road]
        case "railway": self[.railway]
        case "built-up": self[.builtUpLand]
        case "obstacle": self[.obstacle]
        default: kind
        }
    }

    public func level(_ l: String) -> String {
        switch l {
        case "territory": self[.levelTerritory]
        case "commune": self[.levelCommune]
        case "grouping": self[.levelGrouping]
        default: l
        }
    }

    /// Formats a number the way each language writes it (French: comma decimal, thin-space thousands).
    public func number(_ v: Double, decimals: Int = 1) -> String {
        let s = String(format: "%.\(decimals)f", v)
        guard fr else { return groupThousands(s, sep: ",") }
        return groupThousands(s, sep: "\u{202F}").replacingOccurrences(of: ".", with: ",")
    }

    func groupThousands(_ s: String, sep: String) -> String {
        var parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var intPart = parts[0]
        var sign = ""
        if intPart.hasPrefix("-") { sign = "-"; intPart.removeFirst() }
        var out = ""
        for (k, ch) in intPart.reversed().enumerated() {
            if k > 0 && k % 3 == 0 { out = sep + out }
            out = String(ch) + out
        }
        parts[0] = sign + out
        return parts.joined(separator: ".")
    }

    public func ha(_ v: Double) -> String { number(v, decimals: v >= 100 ? 0 : (v > 0 && v < 1 ? 2 : 1)) + " ha" }
    public func km(_ v: Double) -> String { number(v, decimals: 1) + " km" }
    public func pct(_ fraction: Double) -> String { number(100 * fraction, decimals: 1) + " %" }
}

// MARK: - Levels of units and the atlas

extension Palette {
    /// Outline of level `k` of `n` levels of units (0: the largest): from near black for the largest to grey
    /// for the smallest.
    public static func unitLevel(_ k: Int, of n: Int) -> RGB {
        let t = n > 1 ? Double(k) / Double(n - 1) : 1
        let v = UInt8(40 + (120 - 40) * t)
        return RGB(v, v, v)
    }

    /// Outline width of level `k` of `n` on the maps, in points at A3 (the largest 1.8, the smallest 0.5).
    public static func unitLevelWidth(_ k: Int, of n: Int) -> Double {
        n > 1 ? 1.8 - 1.3 * Double(k) / Double(n - 1) : 0.5
    }
}

extension Words {
    public var figuresPerLevel: String { self[.figuresPerLevel] }
    public var overview: String { self[.overview] }
    public var unitFigures: String { self[.unitFigures] }
    public var conflictsInUnit: String { self[.conflictsInUnit] }
    public var noConflict: String { self[.noConflict] }
    public var indicator: String { self[.indicatorTerm] }
    public var value: String { self[.valueTerm] }
    public var kind: String { self[.kind] }
    public var continued: String { self[.continued] }
    public var annexMethod: String { self[.annexMethod] }
    public var frictionTitle: String {
        fr ? "Résistances par classe d'occupation du sol (unités de coût par mètre)" : "Resistance per land-cover class (cost units per metre)"
    }
    public var unitsOfLevels: String { self[.unitsOfLevels] }
    public var shareOfUnit: String { self[.shareOfUnit] }

    /// "… et 4 autres", "… and 4 more".
    public func more(_ n: Int) -> String { fr ? "… et \(n) \(n > 1 ? "autres" : "autre")" : "… and \(n) more" }
}
