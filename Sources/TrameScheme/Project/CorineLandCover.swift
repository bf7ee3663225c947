/// One class of a start kit's nomenclature (`trame init --preset …`): its code, labels, colour, whether it
/// can host nature spaces, and its resistance for each of the five sub-networks.
public struct KitClass: Sendable, Equatable {
    public var code: Int
    public var label: String
    public var labelFr: String
    public var colour: (Int, Int, Int)
    public var natural: Bool
    /// Resistance per sub-network, in the order of `StartKit.subNetworks`; nil = impassable.
    public var resistance: [Double?]

    public static func == (a: KitClass, b: KitClass) -> Bool {
        a.code == b.code && a.label == b.label && a.labelFr == b.labelFr && a.colour == b.colour && a.natural == b.natural && a.resistance == b.resistance
    }
}

/// CORINE Land Cover, level 3: the 44 classes of the European land cover (codes 111 … 523).
///
/// Codes and English labels: the CLC nomenclature of the European Environment Agency (Bossard, Feranec &
/// Otahel, 2000, *CORINE land cover technical guide – Addendum 2000*, EEA Technical report No 40). French
/// labels: the French CLC nomenclature (Service des données et études statistiques, SDES). Colours: the
/// EEA's standard CLC legend.
///
/// Resistances (forest, calcicolous, mining, river, wetland) on the five-step scale of regional schemes'
/// cost analyses — 1 habitat, 10 favourable, 30 little favourable, 100 unfavourable, 1000 hostile —
/// are the sample's friction table (`SubNetworkPreset.resistance`) carried over to the nearest CLC classes,
/// each value rounded to the nearest step (classes the sample lacks — vineyards, orchards, olive groves,
/// airports, beaches, rocks, glaciers, coastal and marine classes — set by analogy); a habitat class is 1 in
/// its sub-network's column. A starting point for the ecologists of a territory, not a published table.
public enum CorineLandCover {
    /// Level-1 headings, for the comments of the CSV files: first digit → (English, French).
    public static let groups: [Int: (String, String)] = [
        1: ("Artificial surfaces", "Territoires artificialisés"),
        2: ("Agricultural areas", "Territoires agricoles"),
        3: ("Forest and semi-natural areas", "Forêts et milieux semi-naturels"),
        4: ("Wetlands", "Zones humides"),
        5: ("Water bodies", "Surfaces en eau"),
    ]

    static func c(_ code: Int, _ label: String, _ labelFr: String, _ rgb: (Int, Int, Int), natural: Bool, _ r: [Double?]) -> KitClass {
        KitClass(code: code, label: label, labelFr: labelFr, colour: rgb, natural: natural, resistance: r)
    }

    //                          forest, calcicolous, mining, river, wetland
    public static let classes: [KitClass] = [
        c(111, "Continuous urban fabric", "Tissu urbain continu", (230, 0, 77), natural: false, [1000, 1000, 1000, 1000, 1000]),
        c(112, "Discontinuous urban fabric", "Tissu urbain discontinu", (255, 0, 0), natural: false, [100, 100, 100, 100, 100]),
        c(121, "Industrial or commercial units", "Zones industrielles ou commerciales et installations publiques", (204, 77, 242), natural: false, [1000, 1000, 100, 1000, 1000]),
        c(122, "Road and rail networks and associated land", "Réseaux routier et ferroviaire et espaces associés", (204, 0, 0), natural: false, [1000, 1000, 1000, 1000, 1000]),
        c(123, "Port areas", "Zones portuaires", (230, 204, 204), natural: false, [1000, 1000, 1000, 1000, 1000]),
        c(124, "Airports", "Aéroports", (230, 204, 230), natural: false, [1000, 100, 100, 1000, 1000]),
        c(131, "Mineral extraction sites", "Extraction de matériaux", (166, 0, 204), natural: false, [100, 30, 1, 100, 100]),
        c(132, "Dump sites", "Décharges", (166, 77, 0), natural: false, [100, 100, 10, 1000, 1000]),
        c(133, "Construction sites", "Chantiers", (255, 77, 255), natural: false, [1000, 100, 30, 1000, 1000]),
        c(141, "Green urban areas", "Espaces verts urbains", (255, 166, 255), natural: true, [30, 30, 30, 100, 100]),
        c(142, "Sport and leisure facilities", "Équipements sportifs et de loisirs", (255, 230, 255), natural: false, [100, 30, 100, 100, 100]),
        c(211, "Non-irrigated arable land", "Terres arables hors périmètres d'irrigation", (255, 255, 168), natural: false, [100, 100, 100, 100, 100]),
        c(212, "Permanently irrigated land", "Périmètres irrigués en permanence", (255, 255, 0), natural: false, [100, 100, 100, 100, 100]),
        c(213, "Rice fields", "Rizières", (230, 230, 0), natural: false, [100, 100, 100, 30, 30]),
        c(221, "Vineyards", "Vignobles", (230, 128, 0), natural: false, [100, 100, 100, 100, 100]),
        c(222, "Fruit trees and berry plantations", "Vergers et petits fruits", (242, 166, 77), natural: false, [30, 100, 100, 100, 100]),
        c(223, "Olive groves", "Oliveraies", (230, 166, 0), natural: false, [30, 30, 100, 100, 100]),
        c(231, "Pastures", "Prairies et autres surfaces toujours en herbe à usage agricole", (230, 230, 77), natural: false, [30, 10, 30, 30, 30]),
        c(241, "Annual crops associated with permanent crops", "Cultures annuelles associées à des cultures permanentes", (255, 230, 166), natural: false, [100, 100, 100, 100, 100]),
        c(242, "Complex cultivation patterns", "Systèmes culturaux et parcellaires complexes", (255, 230, 77), natural: false, [30, 30, 30, 100, 100]),
        c(243, "Land principally occupied by agriculture, with significant areas of natural vegetation",
          "Surfaces essentiellement agricoles, interrompues par des espaces naturels importants", (230, 204, 77), natural: false, [10, 30, 30, 30, 30]),
        c(244, "Agro-forestry areas", "Territoires agroforestiers", (242, 204, 166), natural: false, [10, 30, 30, 100, 100]),
        c(311, "Broad-leaved forest", "Forêts de feuillus", (128, 255, 0), natural: true, [1, 30, 10, 30, 30]),
        c(312, "Coniferous forest", "Forêts de conifères", (0, 166, 0), natural: true, [1, 30, 10, 30, 30]),
        c(313, "Mixed forest", "Forêts mélangées", (77, 255, 0), natural: true, [1, 30, 10, 30, 30]),
        c(321, "Natural grasslands", "Pelouses et pâturages naturels", (204, 242, 77), natural: true, [30, 1, 10, 30, 30]),
        c(322, "Moors and heathland", "Landes et broussailles", (166, 255, 128), natural: true, [10, 10, 10, 30, 30]),
        c(323, "Sclerophyllous vegetation", "Végétation sclérophylle", (166, 230, 77), natural: true, [10, 10, 10, 30, 100]),
        c(324, "Transitional woodland-shrub", "Forêt et végétation arbustive en mutation", (166, 242, 0), natural: true, [10, 10, 10, 30, 30]),
        c(331, "Beaches, dunes, sands", "Plages, dunes et sable", (230, 230, 230), natural: true, [100, 30, 30, 100, 30]),
        c(332, "Bare rocks", "Roches nues", (204, 204, 204), natural: true, [100, 30, 30, 100, 100]),
        c(333, "Sparsely vegetated areas", "Végétation clairsemée", (204, 255, 204), natural: true, [30, 10, 10, 100, 100]),
        c(334, "Burnt areas", "Zones incendiées", (0, 0, 0), natural: true, [30, 30, 30, 100, 100]),
        c(335, "Glaciers and perpetual snow", "Glaciers et neiges éternelles", (166, 230, 204), natural: true, [1000, 1000, 1000, 1000, 1000]),
        c(411, "Inland marshes", "Marais intérieurs", (166, 166, 255), natural: true, [30, 100, 100, 10, 1]),
        c(412, "Peat bogs", "Tourbières", (77, 77, 255), natural: true, [30, 100, 100, 10, 1]),
        c(421, "Salt marshes", "Marais maritimes", (204, 204, 255), natural: true, [100, 100, 100, 10, 1]),
        c(422, "Salines", "Marais salants", (230, 230, 255), natural: false, [1000, 1000, 100, 100, 30]),
        c(423, "Intertidal flats", "Zones intertidales", (166, 166, 230), natural: true, [1000, 1000, 1000, 10, 10]),
        c(511, "Water courses", "Cours et voies d'eau", (0, 204, 242), natural: true, [100, 1000, 1000, 1, 10]),
        c(512, "Water bodies", "Plans d'eau", (128, 242, 230), natural: true, [100, 1000, 100, 10, 1]),
        c(521, "Coastal lagoons", "Lagunes littorales", (0, 255, 166), natural: true, [1000, 1000, 1000, 10, 10]),
        c(522, "Estuaries", "Estuaires", (166, 255, 230), natural: true, [1000, 1000, 1000, 10, 10]),
        c(523, "Sea and ocean", "Mers et océans", (230, 242, 255), natural: false, [1000, 1000, 1000, 1000, 1000]),
    ]
}
