/// A management regime of the differentiated management ("gestion différenciée adaptée au biotope et à la
/// vocation du site"): what it is called, what it prescribes, and which places it applies to.
///
/// A `[[management]]` entry applies to the nature spaces, reservoirs and corridors that match all it states:
/// `typology` ("major", "mixed" or "corridor"), `subnetwork` (a reservoir's or corridor's sub-network, or the
/// sub-network whose habitat holds a nature space's dominant class) and `classes` (a nature space's or
/// corridor's dominant land-cover class). The first entry that matches, in the file's order, is the
/// place's regime; a place no entry matches has none.
public struct ManagementRegime: Sendable, Equatable {
    public var code: String
    public var labelFr: String
    public var labelEn: String
    public var prescriptionFr: String
    public var prescriptionEn: String
    public var typology: String?
    public var subNetwork: String?
    public var classes: [Int]?
    public var line: Int?

    public init(code: String, labelFr: String, labelEn: String, prescriptionFr: String, prescriptionEn: String,
                typology: String? = nil, subNetwork: String? = nil, classes: [Int]? = nil, line: Int? = nil) {
        self.code = code; self.labelFr = labelFr; self.labelEn = labelEn; self.prescriptionFr = prescriptionFr
        self.prescriptionEn = prescriptionEn; self.typology = typology; self.subNetwork = subNetwork; self.classes = classes; self.line = line
    }

    /// Equal when they say the same, wherever they are written.
    public static func == (a: ManagementRegime, b: ManagementRegime) -> Bool {
        a.code == b.code && a.labelFr == b.labelFr && a.labelEn == b.labelEn && a.prescriptionFr == b.prescriptionFr && a.prescriptionEn == b.prescriptionEn
            && a.typology == b.typology && a.subNetwork == b.subNetwork && a.classes == b.classes
    }

    public func label(in lang: String) -> String { lang == "fr" ? labelFr : labelEn }
    public func prescription(in lang: String) -> String { lang == "fr" ? prescriptionFr : prescriptionEn }

    /// The typologies an entry may name.
    public static let typologies = ["major", "mixed", "corridor"]
}

/// A place to give a regime to.
public struct ManagedPlace: Sendable {
    /// "major" or "mixed" for a nature space, "major" for a reservoir, "corridor" for a corridor.
    public var typology: String
    public var subNetwork: String?
    public var dominantClass: Int?
    public init(typology: String, subNetwork: String?, dominantClass: Int?) {
        self.typology = typology; self.subNetwork = subNetwork; self.dominantClass = dominantClass
    }
}

public enum Management {
    /// The first regime of `rules` that matches the place, nil when none does.
    public static func regime(_ rules: [ManagementRegime], for p: ManagedPlace) -> ManagementRegime? {
        rules.first { r in
            (r.typology == nil || r.typology == p.typology)
                && (r.subNetwork == nil || r.subNetwork == p.subNetwork)
                && (r.classes == nil || p.dominantClass.map { r.classes!.contains($0) } == true)
        }
    }

    /// The sub-network whose habitat holds a class (the first in the project's order), the biotope of a
    /// nature space dominated by that class.
    public static func biotope(of code: Int, in subNetworks: [SubNetwork]) -> String? {
        subNetworks.first { $0.habitat.contains(code) }?.name
    }
}
