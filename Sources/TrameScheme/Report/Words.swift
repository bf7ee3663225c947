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

    public var scheme: String { fr ? "Trame verte et bleue" : "Green and blue infrastructure" }
    public var natureSpaces: String { fr ? "Espaces de nature" : "Nature spaces" }
    public var major: String { fr ? "Espaces de nature d'intérêt écologique majeur" : "Nature spaces of major ecological interest" }
    public var mixed: String { fr ? "Espaces de nature à vocation mixte" : "Nature spaces of mixed vocation" }
    public var majorShort: String { fr ? "intérêt écologique majeur" : "major ecological interest" }
    public var mixedShort: String { fr ? "vocation mixte" : "mixed vocation" }
    public var reservoirs: String { fr ? "Réservoirs de biodiversité" : "Reservoirs" }
    public var reservoir: String { fr ? "réservoir" : "reservoir" }
    public var corridors: String { fr ? "Corridors écologiques" : "Corridors" }
    public var corridorsByBiotope: String { fr ? "Corridors par biotope dominant" : "Corridors by dominant biotope" }
    public var links: String { fr ? "Liaisons de moindre coût" : "Least-cost links" }
    public var subNetwork: String { fr ? "Sous-trame" : "Sub-network" }
    public var subNetworks: String { fr ? "Sous-trames" : "Sub-networks" }
    public var bufferZones: String { fr ? "Zones tampons" : "Buffer zones" }
    public var urbanBreak: String { fr ? "Coupure d'urbanisation" : "Urban break" }
    public var networkFrame: String { fr ? "Abords des réservoirs et corridors" : "Frame of reservoirs and corridors" }
    public var conflictPoints: String { fr ? "Points de conflit" : "Conflict points" }
    public var leisureHubs: String { fr ? "Pôles de loisirs de plein air" : "Outdoor leisure hubs" }
    public var builtUp: String { fr ? "Espaces bâtis" : "Built-up land" }
    public var roads: String { fr ? "Routes" : "Roads" }
    public var railways: String { fr ? "Voies ferrées" : "Railways" }
    public var itineraries: String { fr ? "Itinéraires entre les pôles de loisirs" : "Itineraries between the leisure hubs" }
    public var pinchPoints: String { fr ? "Points de pincement (courant concentré)" : "Pinch points (concentrated current)" }
    public var greenShare: String { fr ? "part dans la trame verte et bleue" : "share in the green network" }
    public var paths: String { fr ? "Chemins de randonnée et véloroutes" : "Walking and cycling paths" }
    public var communes: String { fr ? "Communes" : "Communes" }
    public var groupings: String { fr ? "Intercommunalités" : "Groupings of communes" }
    public var territory: String { fr ? "Territoire" : "Territory" }
    public var figures: String { fr ? "Chiffres clés" : "Key figures" }
    public var figuresPerUnit: String { fr ? "Chiffres par commune et intercommunalité" : "Figures per commune and grouping" }
    public var parameters: String { fr ? "Paramètres" : "Parameters" }
    public var partners: String { fr ? "Partenaires et données" : "Partners and their data" }
    public var dataCredits: String { fr ? "Données" : "Data" }
    public var area: String { fr ? "Surface" : "Area" }
    public var share: String { fr ? "Part" : "Share" }
    public var name: String { fr ? "Nom" : "Name" }
    public var unit: String { fr ? "Unité" : "Unit" }
    public var length: String { fr ? "Longueur" : "Length" }
    public var rank: String { fr ? "Rang" : "Rank" }
    public var infrastructure: String { fr ? "Infrastructure" : "Infrastructure" }
    public var crossing: String { fr ? "Traversée" : "Crossing" }
    public var importance: String { fr ? "Importance du lien (dPC)" : "Link importance (dPC)" }
    public var topReservoirs: String { fr ? "Réservoirs les plus importants (dPC)" : "Most important reservoirs (dPC)" }
    public var topLinks: String { fr ? "Liaisons les plus importantes (dPC)" : "Most important links (dPC)" }
    public var topConflicts: String { fr ? "Points de conflit prioritaires" : "Priority conflict points" }
    public var reference: String { fr ? "référence" : "reference" }
    public var inputs: String { fr ? "Données d'entrée (empreintes SHA-256)" : "Inputs (SHA-256 checksums)" }
    public var legend: String { fr ? "Légende" : "Legend" }
    public var atlasFigures: String { fr ? "Chiffres du schéma" : "Figures of the scheme" }
    public var openings: String { fr ? "ouvertures nord–sud" : "north–south openings" }
    public var watercourses: String { fr ? "Cours d'eau" : "Watercourses" }
    public var blueNetwork: String { fr ? "Trame bleue : continuité des cours d'eau" : "Blue network: continuity of the watercourses" }
    public var obstacles: String { fr ? "Obstacles à l'écoulement" : "Obstacles to the flow" }
    public var goodContinuity: String { fr ? "en bonne continuité" : "in good continuity" }
    public var reconnected: String { fr ? "Rivière reconnectée par l'effacement" : "River reconnected by its removal" }
    public var passability: String { fr ? "Franchissabilité" : "Passability" }

    // The QGIS project's groups and layers, and the units of its rasters' colour ramps.
    public var natureAndBuffers: String { fr ? "Espaces de nature et zones tampons" : "Nature spaces and buffer zones" }
    public var units: String { fr ? "Communes et intercommunalités" : "Communes and groupings" }
    public var functionalLinks: String { fr ? "Liaisons fonctionnelles (sous la distance de dispersion)" : "Functional links (within the dispersal distance)" }
    /// A raster beside the vector layer of the same thing: "Nature spaces (cells)".
    public var cells: String { fr ? "mailles" : "cells" }
    public var bufferMembership: String { fr ? "Zones tampons : appartenance (lisière diffuse)" : "Buffer zones: membership (diffuse edge)" }
    public var greenNetwork: String { fr ? "Trame verte des itinéraires" : "Green network of the itineraries" }
    public var resistance: String { fr ? "Résistance" : "Resistance" }
    public var costDistance: String { fr ? "Distance de coût au réservoir le plus proche" : "Cost distance to the nearest reservoir" }
    public var corridorCost: String { fr ? "Corridors : surcoût par rapport au chemin de moindre coût" : "Corridors: cost above the least-cost path" }
    public var riparianStrip: String { fr ? "Bande rivulaire : distance à l'axe du cours d'eau" : "Riparian strip: distance from the watercourse's axis" }
    public var currentFlow: String { fr ? "Courant dans les corridors" : "Current through the corridors" }
    public var costUnitsPerMetre: String { fr ? "unités de coût par mètre" : "cost units per metre" }
    public var costUnits: String { fr ? "unités de coût" : "cost units" }
    public var costUnitsAboveThePath: String { fr ? "unités de coût au-dessus du chemin" : "cost units above the path" }
    public var metresFromAxis: String { fr ? "m de l'axe" : "m from the axis" }
    public var amperesPerCell: String { fr ? "A par maille" : "A per cell" }

    /// "5 km" → "reaches of at least 5 km without a breaking obstacle", in the language.
    public func continuityRule(_ metres: Double) -> String {
        fr ? "tronçons d'au moins \(km(metres / 1000)) sans obstacle infranchissable" : "reaches of at least \(km(metres / 1000)) without a breaking obstacle"
    }

    /// The type of an obstacle as registers write it (weir, lock, culvert, dam), in the language.
    public func obstacleKind(_ kind: String) -> String {
        guard fr else { return kind }
        switch kind {
        case "weir": return "seuil"
        case "lock": return "écluse"
        case "culvert": return "buse"
        case "dam": return "barrage"
        default: return kind
        }
    }

    public func subNetworkName(_ name: String, label: String) -> String {
        guard fr else { return label }
        switch name {
        case "forest": return "Sous-trame forestière (bois, bosquets et haies)"
        case "calcicolous": return "Sous-trame calcicole (pelouses sèches)"
        case "mining": return "Sous-trame minière (terrils et cavaliers)"
        case "river": return "Sous-trame des cours d'eau"
        case "wetland": return "Sous-trame des zones humides"
        default: return label
        }
    }

    /// A conflict point's kind as the report and the layer's `kind_label` name it.
    public func conflictKind(_ k: ConflictKind) -> String {
        switch k {
        case .roadCrossing: fr ? "route traversant le corridor" : "road crossing"
        case .railwayCrossing: fr ? "voie ferrée traversant le corridor" : "railway crossing"
        case .roadAlong: fr ? "route longeant le corridor" : "road along the corridor"
        case .railwayAlong: fr ? "voie ferrée longeant le corridor" : "railway along the corridor"
        case .builtUp: fr ? "coupure par le bâti" : "built-up cut"
        case .riverObstacle: fr ? "obstacle à l'écoulement" : "river obstacle"
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
        case .cost(let c): return "\(number(c, decimals: c == c.rounded() ? 0 : 1)) \(fr ? "unités de coût" : "cost units")"
        case .metres(let m): return "\(number(m, decimals: m == m.rounded() ? 0 : 1)) m"
        }
    }

    /// A nature space's typology as the layer's `typology_label` names it.
    public func typology(_ major: Bool) -> String {
        major ? (fr ? "intérêt écologique majeur" : "major ecological interest") : (fr ? "vocation mixte" : "mixed vocation")
    }

    /// "12 points de conflit", "1 point de conflit" (French plural on the first word), "1 conflict point".
    public func conflictCount(_ n: Int) -> String {
        fr ? "\(n) \(n > 1 ? "points de conflit" : "point de conflit")" : "\(n) \(n == 1 ? "conflict point" : "conflict points")"
    }

    public func infrastructureName(_ kind: String) -> String {
        switch kind {
        case "road": fr ? "route" : "road"
        case "railway": fr ? "voie ferrée" : "railway"
        case "built-up": fr ? "bâti" : "built-up land"
        case "obstacle": fr ? "obstacle" : "obstacle"
        default: kind
        }
    }

    public func level(_ l: String) -> String {
        switch l {
        case "territory": fr ? "territoire" : "territory"
        case "commune": "commune"
        case "grouping": fr ? "intercommunalité" : "grouping"
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

    public func ha(_ v: Double) -> String { number(v, decimals: v >= 100 ? 0 : 1) + " ha" }
    public func km(_ v: Double) -> String { number(v, decimals: 1) + " km" }
    public func pct(_ fraction: Double) -> String { number(100 * fraction, decimals: 1) + " %" }
}
