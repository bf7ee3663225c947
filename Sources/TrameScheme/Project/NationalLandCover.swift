/// The US National Land Cover Database (NLCD) legend: 20 classes (codes 11 … 95), the modified Anderson
/// level II classification of the USGS.
///
/// Codes, English labels and colours: the NLCD legend of the U.S. Geological Survey (Multi-Resolution Land
/// Characteristics Consortium, "NLCD Land Cover Class Definitions"), after Anderson J.R., Hardy E.E., Roach
/// J.T., Witmer R.E. (1976), *A land use and land cover classification system for use with remote sensor
/// data*, USGS Professional Paper 964. Classes 51, 72, 73 and 74 occur in Alaska only. French labels:
/// Trame's translation.
///
/// Resistances (forest, calcicolous, mining, river, wetland) on the same five-step scale as the CORINE kit
/// (1 habitat, 10 favourable, 30 little favourable, 100 unfavourable, 1000 hostile), each class set by
/// analogy with its nearest CORINE class (developed open space ≈ green urban areas, low intensity ≈
/// discontinuous urban fabric, medium and high intensity ≈ continuous urban fabric, barren ≈ bare rocks and
/// sands, shrub/scrub ≈ transitional woodland-shrub, grassland ≈ natural grasslands, pasture/hay ≈
/// pastures, cultivated crops ≈ arable land, woody wetlands ≈ inland marshes under trees, emergent wetlands
/// ≈ inland marshes). A starting point for the ecologists of a territory, not a published table.
public enum NationalLandCover {
    static func c(_ code: Int, _ label: String, _ labelFr: String, _ rgb: (Int, Int, Int), natural: Bool, _ r: [Double?]) -> KitClass {
        KitClass(code: code, label: label, labelFr: labelFr, colour: rgb, natural: natural, resistance: r)
    }

    /// Level-1 headings, for the comments of the CSV files: first digit → (English, French).
    public static let groups: [Int: (String, String)] = [
        1: ("Water", "Eau"), 2: ("Developed", "Espaces bâtis"), 3: ("Barren", "Sols nus"), 4: ("Forest", "Forêts"),
        5: ("Shrubland", "Arbustes"), 7: ("Herbaceous", "Végétation herbacée"), 8: ("Planted/Cultivated", "Cultures et prairies semées"),
        9: ("Wetlands", "Zones humides"),
    ]

    //                          forest, calcicolous, mining, river, wetland
    public static let classes: [KitClass] = [
        c(11, "Open Water", "Eaux libres", (70, 107, 159), natural: true, [100, 1000, 100, 1, 10]),
        c(12, "Perennial Ice/Snow", "Glace et neige permanentes", (209, 222, 248), natural: true, [1000, 1000, 1000, 1000, 1000]),
        c(21, "Developed, Open Space", "Espaces bâtis ouverts (parcs, pelouses)", (222, 197, 197), natural: false, [30, 30, 30, 100, 100]),
        c(22, "Developed, Low Intensity", "Espaces bâtis peu denses", (217, 146, 130), natural: false, [100, 100, 100, 100, 100]),
        c(23, "Developed, Medium Intensity", "Espaces bâtis de densité moyenne", (235, 0, 0), natural: false, [1000, 1000, 1000, 1000, 1000]),
        c(24, "Developed, High Intensity", "Espaces bâtis denses", (171, 0, 0), natural: false, [1000, 1000, 1000, 1000, 1000]),
        c(31, "Barren Land (Rock/Sand/Clay)", "Sols nus (roche, sable, argile)", (179, 172, 159), natural: true, [100, 30, 1, 100, 100]),
        c(41, "Deciduous Forest", "Forêt de feuillus", (104, 171, 95), natural: true, [1, 30, 10, 30, 30]),
        c(42, "Evergreen Forest", "Forêt sempervirente", (28, 95, 44), natural: true, [1, 30, 10, 30, 30]),
        c(43, "Mixed Forest", "Forêt mélangée", (181, 197, 143), natural: true, [1, 30, 10, 30, 30]),
        c(51, "Dwarf Scrub", "Fruticées naines", (172, 146, 57), natural: true, [10, 10, 10, 30, 30]),
        c(52, "Shrub/Scrub", "Fourrés et broussailles", (204, 184, 121), natural: true, [10, 10, 10, 30, 30]),
        c(71, "Grassland/Herbaceous", "Prairies naturelles et végétation herbacée", (223, 223, 194), natural: true, [30, 1, 10, 30, 30]),
        c(72, "Sedge/Herbaceous", "Laîches et végétation herbacée", (209, 209, 130), natural: true, [30, 10, 30, 30, 10]),
        c(73, "Lichens", "Lichens", (164, 204, 81), natural: true, [30, 10, 10, 100, 100]),
        c(74, "Moss", "Mousses", (130, 186, 158), natural: true, [30, 10, 30, 30, 10]),
        c(81, "Pasture/Hay", "Pâturages et prairies de fauche", (220, 217, 57), natural: false, [30, 10, 30, 30, 30]),
        c(82, "Cultivated Crops", "Cultures", (171, 108, 40), natural: false, [100, 100, 100, 100, 100]),
        c(90, "Woody Wetlands", "Zones humides boisées", (184, 217, 235), natural: true, [10, 100, 100, 10, 1]),
        c(95, "Emergent Herbaceous Wetlands", "Zones humides herbacées", (108, 159, 184), natural: true, [30, 100, 100, 10, 1]),
    ]
}
