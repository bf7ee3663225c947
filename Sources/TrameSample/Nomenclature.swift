/// The land-cover nomenclature of the sample territory (codes stored as UInt8 in the raster).
///
/// Modelled on the regional land-use databases of a former coal-mining basin: urban fabric,
/// transport, farmland, semi-natural land, the mining heritage (slag heaps and old colliery
/// railways) and water. Code 0 is NoData.
public enum LandCoverClass: UInt8, CaseIterable, Sendable {
    case denseUrban = 1
    case lowDensityUrban = 2
    case industrial = 3
    case motorway = 4
    case otherRoad = 5
    case activeRailway = 6
    case quarry = 7
    case arableCrops = 10
    case grassland = 11
    case dryCalcareousGrassland = 12
    case broadleafWoodland = 20
    case hedgesAndCopses = 21
    case slagHeap = 30
    case collieryRailway = 31
    case riverOrCanal = 40
    case pondOrSubsidenceLake = 41
    case wetland = 42
    case urbanPark = 50

    public var code: Int { Int(rawValue) }

    public var label: String {
        switch self {
        case .denseUrban: "Dense urban"
        case .lowDensityUrban: "Low-density urban and gardens"
        case .industrial: "Industrial and commercial"
        case .motorway: "Motorways"
        case .otherRoad: "Other roads"
        case .activeRailway: "Active railways"
        case .quarry: "Quarries"
        case .arableCrops: "Arable crops"
        case .grassland: "Grassland (meadows and pastures)"
        case .dryCalcareousGrassland: "Dry calcareous grassland"
        case .broadleafWoodland: "Broadleaf woodland"
        case .hedgesAndCopses: "Hedges and copses"
        case .slagHeap: "Vegetated slag heaps (terrils)"
        case .collieryRailway: "Old colliery railways (cavaliers)"
        case .riverOrCanal: "Rivers and canals"
        case .pondOrSubsidenceLake: "Ponds and subsidence lakes"
        case .wetland: "Wetlands"
        case .urbanPark: "Urban parks"
        }
    }

    /// French label, as partners name it.
    public var frenchLabel: String {
        switch self {
        case .denseUrban: "Tissu urbain dense"
        case .lowDensityUrban: "Tissu urbain discontinu et jardins"
        case .industrial: "Zones industrielles et commerciales"
        case .motorway: "Autoroutes"
        case .otherRoad: "Autres routes"
        case .activeRailway: "Voies ferrées en service"
        case .quarry: "Carrières"
        case .arableCrops: "Grandes cultures"
        case .grassland: "Prairies"
        case .dryCalcareousGrassland: "Pelouses calcicoles"
        case .broadleafWoodland: "Forêts de feuillus"
        case .hedgesAndCopses: "Haies et bosquets"
        case .slagHeap: "Terrils végétalisés"
        case .collieryRailway: "Cavaliers (anciennes voies ferrées minières)"
        case .riverOrCanal: "Cours d'eau et canaux"
        case .pondOrSubsidenceLake: "Mares, étangs et affaissements miniers"
        case .wetland: "Zones humides"
        case .urbanPark: "Parcs urbains"
        }
    }

    /// RGB colour used in maps and in the raster's colour table.
    public var colour: (UInt8, UInt8, UInt8) {
        switch self {
        case .denseUrban: (190, 30, 45)
        case .lowDensityUrban: (240, 130, 120)
        case .industrial: (160, 90, 160)
        case .motorway: (40, 40, 40)
        case .otherRoad: (120, 120, 120)
        case .activeRailway: (80, 60, 60)
        case .quarry: (210, 200, 180)
        case .arableCrops: (245, 230, 150)
        case .grassland: (180, 220, 120)
        case .dryCalcareousGrassland: (220, 215, 90)
        case .broadleafWoodland: (40, 120, 50)
        case .hedgesAndCopses: (90, 160, 70)
        case .slagHeap: (110, 95, 60)
        case .collieryRailway: (150, 110, 60)
        case .riverOrCanal: (40, 90, 200)
        case .pondOrSubsidenceLake: (90, 160, 230)
        case .wetland: (120, 200, 200)
        case .urbanPark: (120, 200, 90)
        }
    }

    /// Nature classes: the land that can host nature spaces of the green and blue infrastructure.
    public var isNatural: Bool {
        switch self {
        case .dryCalcareousGrassland, .broadleafWoodland, .hedgesAndCopses, .slagHeap, .collieryRailway,
             .pondOrSubsidenceLake, .wetland, .urbanPark, .riverOrCanal: true
        default: false
        }
    }

    public static var categoryNames: [Int: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.code, $0.label) })
    }
}
