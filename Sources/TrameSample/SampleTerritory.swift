import Foundation
import TrameRaster
import TrameVector

/// Size of the generated territory (10 m cells).
public enum TerritorySize: String, CaseIterable, Sendable {
    /// About 8 km × 5 km, 0.4 M cells (for tests and quick trials).
    case tiny
    /// About 20 km × 10 km, 2 M cells.
    case small
    /// About 50 km × 25 km, 12.5 M cells.
    case medium
    /// About 100 km × 40 km, 40 M cells (for benchmarks).
    case large
    /// 200 km × 50 km, 100 M cells: a large department, with as many communes and inventory sites per km²
    /// as `large` (for the scaling benchmarks).
    case department
    /// 300 km × 100 km, 300 M cells: a region (Hauts-de-France is 31,800 km²), with as many communes and
    /// inventory sites per km² as `large` (for the scaling benchmarks).
    case region

    /// Columns, rows and the top-left corner in Lambert-93 (EPSG:2154): inside x 640–740 km, y 7 010–7 060 km
    /// up to `large`; the department spans x 600–800 km, y 7 025–7 075 km, the region x 560–860 km,
    /// y 6 990–7 090 km.
    public var layout: (cols: Int, rows: Int, west: Double, north: Double) {
        switch self {
        case .tiny: (800, 500, 686_000, 7_038_000)
        case .small: (2000, 1000, 680_000, 7_040_000)
        case .medium: (5000, 2500, 665_000, 7_050_000)
        case .large: (10_000, 4000, 640_000, 7_055_000)
        case .department: (20_000, 5000, 600_000, 7_075_000)
        case .region: (30_000, 10_000, 560_000, 7_090_000)
        }
    }
}

/// A generated sample territory: a land-cover grid and the vector layers a planner receives from partners.
public struct SampleTerritory: Sendable {
    public var landCover: Grid<UInt8>
    public var inventories: VectorLayer
    public var roads: VectorLayer
    public var railways: VectorLayer
    public var paths: VectorLayer
    public var communes: VectorLayer
    public var leisureHubs: VectorLayer
    /// The hydrography: named rivers and the canal as lines (beyond the territory's edge, as a partner
    /// would hand them), and the obstacles on them as points (weirs, a lock, a culvert) with their passability.
    public var watercourses: VectorLayer
    public var obstacles: VectorLayer
    /// Name of the field of `communes` that holds the inter-municipal grouping (dissolved at the edge).
    public static let groupingField = "epci"
    /// Field of the communes naming their SCoT (a level above the groupings).
    public static let scotField = "scot"

    public var vectorLayers: [VectorLayer] { [inventories, roads, railways, paths, communes, leisureHubs, watercourses, obstacles] }
}
