/// The five sub-networks of the sample scheme and what they need: habitat classes, the inventories
/// that are always reservoirs, minimum patch area, and the resistance of each land-cover class.
///
/// Resistances are relative costs of crossing 1 m (1 = habitat, 1000 = dense town), in the spirit of
/// the expert tables used for regional schemes (SRCE); a planner edits `friction.csv` to change them.
public struct SubNetworkPreset: Sendable {
    public var name: String
    public var label: String
    public var habitat: [LandCoverClass]
    public var inventoryKinds: [String]
    public var minAreaHa: Double
    /// Cost at which dispersal probability falls to 5 % (resistance × m).
    public var dispersalCost: Double

    public static let all: [SubNetworkPreset] = [
        .init(name: "forest", label: "Forest (woods, copses and hedges)", habitat: [.broadleafWoodland],
              inventoryKinds: ["Natura 2000", "ZNIEFF type 1"], minAreaHa: 5, dispersalCost: 50_000),
        .init(name: "calcicolous", label: "Calcicolous (dry grasslands)", habitat: [.dryCalcareousGrassland],
              inventoryKinds: [], minAreaHa: 1, dispersalCost: 30_000),
        .init(name: "mining", label: "Mining (slag heaps and cavaliers)", habitat: [.slagHeap],
              inventoryKinds: ["Terril d'intérêt écologique"], minAreaHa: 1, dispersalCost: 40_000),
        .init(name: "river", label: "River", habitat: [.riverOrCanal],
              inventoryKinds: [], minAreaHa: 1, dispersalCost: 20_000),
        .init(name: "wetland", label: "Wetland", habitat: [.wetland, .pondOrSubsidenceLake],
              inventoryKinds: ["Zone humide prioritaire"], minAreaHa: 1, dispersalCost: 30_000),
    ]

    /// Resistance of each class per sub-network, in the order of `all`; nil = impassable.
    public static func resistance(_ c: LandCoverClass) -> [Double?] {
        switch c {
        case .denseUrban: [1000, 1000, 1000, 1000, 1000]
        case .lowDensityUrban: [100, 100, 80, 100, 100]
        case .industrial: [300, 200, 100, 300, 300]
        case .motorway: [2000, 2000, 2000, 2000, 2000]
        case .otherRoad: [300, 200, 200, 300, 300]
        case .activeRailway: [300, 150, 100, 300, 300]
        case .quarry: [200, 50, 50, 300, 300]
        case .arableCrops: [100, 80, 80, 100, 100]
        case .grassland: [30, 20, 30, 30, 20]
        case .dryCalcareousGrassland: [20, 1, 10, 50, 50]
        case .broadleafWoodland: [1, 30, 10, 30, 30]
        case .hedgesAndCopses: [5, 30, 10, 20, 20]
        case .slagHeap: [10, 10, 1, 50, 50]
        case .collieryRailway: [10, 5, 1, 50, 50]
        case .riverOrCanal: [200, 500, 500, 1, 5]
        case .pondOrSubsidenceLake: [200, 500, 200, 5, 1]
        case .wetland: [50, 300, 100, 5, 1]
        case .urbanPark: [30, 50, 30, 50, 50]
        }
    }

    /// The friction table as CSV text (code,label,<one column per sub-network>).
    public static var frictionCSV: String {
        var s = "code,label," + all.map(\.name).joined(separator: ",") + "\n"
        for c in LandCoverClass.allCases {
            s += "\(c.code),\"\(c.label)\"," + resistance(c).map { $0.map { String(Int($0)) } ?? "inf" }.joined(separator: ",") + "\n"
        }
        return s
    }
}
