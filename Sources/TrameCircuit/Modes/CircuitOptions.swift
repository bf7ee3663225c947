import Foundation
import TrameRaster

/// Circuitscape's raster modes run by `trame circuit --mode` (advanced mode comes from a .ini only).
public enum CircuitMode: String, CaseIterable, Sendable {
    /// Every pair of focal nodes: 1 A from one, the other grounded.
    case pairwise
    /// 1 A into each focal node in turn, the others grounded.
    case oneToAll = "one-to-all"
    /// 1 A into every other focal node, one grounded.
    case allToOne = "all-to-one"
}

/// How a raster becomes a circuit: the neighbours each cell is joined to, how two cells' values make
/// their branch, and the short-circuit regions; and which solver solves it.
public struct RasterCircuitOptions: Sendable {
    public var neighbourhood: Neighbourhood
    public var connection: CellConnection
    /// Short-circuit region id per cell (0: none), or nil.
    public var regions: [Int32]?
    public var solver: CircuitSolverKind

    public init(neighbourhood: Neighbourhood = .queen, connection: CellConnection = .averageResistance, regions: [Int32]? = nil,
                solver: CircuitSolverKind = .cg) {
        self.neighbourhood = neighbourhood; self.connection = connection; self.regions = regions; self.solver = solver
    }
}

/// Which maps a raster mode computes (Circuitscape's output options).
public struct MapRequest: Sendable, Equatable {
    /// A current map per pair (pairwise) or per focal node (one-to-all, all-to-one).
    public var perPairCurrent = false
    /// The sum of the current maps.
    public var cumulative = false
    /// The cell-wise maximum of the current maps (pairwise).
    public var maximum = false
    /// A voltage map per pair or per focal node.
    public var voltage = false

    public init(perPairCurrent: Bool = false, cumulative: Bool = false, maximum: Bool = false, voltage: Bool = false) {
        self.perPairCurrent = perPairCurrent; self.cumulative = cumulative; self.maximum = maximum; self.voltage = voltage
    }
    public var any: Bool { perPairCurrent || cumulative || maximum || voltage }
}

/// A mode's inputs that do not make a circuit; the caller names the file they came from.
public enum CircuitInputError: Error, CustomStringConvertible, Equatable {
    /// Fewer than two focal ids (after the included-pairs file's choice).
    case fewerThanTwoFocalNodes
    /// A network branch whose conductance or resistance is not positive.
    case nonPositiveBranch(from: Int, to: Int, value: Double)

    public var description: String {
        switch self {
        case .fewerThanTwoFocalNodes: return "fewer than two focal nodes: nothing to connect"
        case let .nonPositiveBranch(from, to, value): return "branch \(from)–\(to) has a value \(value) ≤ 0"
        }
    }
}

/// Which of Circuitscape's sources and grounds to drop where a cell is both (`remove_src_or_gnd`).
public enum SourceGroundConflict: String, Sendable {
    case keepAll = "keepall", removeSource = "rmvsrc", removeGround = "rmvgnd", removeAll = "rmvall"

    /// The .ini's value, any case; anything else keeps both.
    public init(iniValue: String) { self = SourceGroundConflict(rawValue: iniValue.lowercased()) ?? .keepAll }
}

extension CircuitscapeIni {
    /// connect_four_neighbors_only: rook, else queen.
    public var neighbourhood: Neighbourhood { flag("connect_four_neighbors_only") ? .rook : .queen }
    /// connect_using_avg_resistances: average resistance, else average conductance.
    public var connection: CellConnection { flag("connect_using_avg_resistances") ? .averageResistance : .averageConductance }
    /// The maps its write_* options ask for.
    public var mapRequest: MapRequest {
        MapRequest(perPairCurrent: flag("write_cur_maps") && !flag("write_cum_cur_map_only"),
                   cumulative: flag("write_cur_maps") || flag("write_cum_cur_map_only"),
                   maximum: flag("write_max_cur_maps"), voltage: flag("write_volt_maps"))
    }
    /// Options set that Trame does not support yet (they are ignored).
    public var unsupportedOptions: [String] {
        ["use_variable_source_strengths", "log_transform_maps", "compress_grids", "use_reclass_table", "set_focal_node_currents_to_zero"].filter(flag)
    }
}

/// The focal ids a mode runs (0 left out, limited to `onlyIDs` when given), sorted; at least two.
func focalIDs(_ focal: [(id: Int32, cell: Int)], onlyIDs: Set<Int32>?) throws -> [Int32] {
    let ids = Array(Set(focal.map(\.id).filter { $0 != 0 && (onlyIDs?.contains($0) ?? true) })).sorted()
    guard ids.count >= 2 else { throw CircuitInputError.fewerThanTwoFocalNodes }
    return ids
}
