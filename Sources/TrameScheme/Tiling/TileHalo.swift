import TrameCost

/// How far one sub-network's dispersal can reach: its dispersal cost over the cheapest resistance of its
/// friction column, the longest straight line an organism could travel within that cost.
public struct HaloReach: Codable, Equatable, Sendable {
    public var subnetwork: String
    public var frictionColumn: String
    /// Cost units (resistance × m).
    public var dispersalCost: Double
    /// Cost units per metre; nil when the column has no passable class (the sub-network reaches nowhere).
    public var minResistance: Double?
    /// Metres: `dispersalCost ÷ minResistance`, 0 when nothing is passable.
    public var metres: Double
}

/// The halo around every tile: wide enough that nothing computed inside a tile's core depends on a cell
/// beyond its halo, capped so that a tile's window stays a bounded multiple of its core.
public struct Halo: Codable, Equatable, Sendable {
    /// The halo used, metres (a whole number of cells).
    public var metres: Double
    /// The halo used, cells.
    public var cells: Int
    /// What the dispersal asks for, metres (or what `--halo` gave), before the cap.
    public var wantedMetres: Double
    /// Whether the cap cut it: then a least-cost path longer than `metres` may leave the halo, and the tile's
    /// results near its core's edge can differ from the whole-grid run.
    public var capped: Bool
    /// The cap, cells (`capTiles` tiles).
    public var capCells: Int
    public var capTiles: Int
    /// The sub-network that asks for the widest halo (nil when `--halo` gave it).
    public var limiting: String?
    /// Whether `--halo` gave it rather than the dispersal.
    public var given: Bool
    public var reaches: [HaloReach]
}

/// The halo of a tiled plan.
///
/// Within a dispersal cost `C` (resistance × m), a path can cross at most `C ÷ r_min` metres, `r_min` being the
/// smallest resistance any class of the friction column has: a cell farther than that from a tile's core cannot
/// be on a path that starts or ends in the core within the dispersal cost. The halo is the largest such reach
/// over the sub-networks, rounded up to whole cells and capped at `capTiles` tiles.
/// Example: dispersal 5000 cost, resistance 1 for forest → 5000 m → 500 cells of 10 m.
/// - Complexity: O(sub-networks × friction rows).
public enum TileHalo {
    /// The default cap, in tiles: a tile's window is at most (1 + 2 × 3)² = 49 times its core.
    public static let defaultCapTiles = 3

    /// Each sub-network's reach from the project's dispersal costs and the friction table's columns.
    public static func reaches(_ project: Project, friction: ResistanceTable) throws -> [HaloReach] {
        try project.subNetworks.map { sub in
            let col = try friction.column(sub.frictionColumn)
            let passable = friction.rows.compactMap { $0.values[col] }.filter { $0 > 0 && $0.isFinite }
            let minR = passable.min()
            return HaloReach(subnetwork: sub.name, frictionColumn: sub.frictionColumn, dispersalCost: sub.dispersalCost,
                             minResistance: minR, metres: minR.map { sub.dispersalCost / $0 } ?? 0)
        }
    }

    /// `metres` in whole cells, rounded up; a relative tolerance so that 5000 m ÷ 10 m stays 500 cells despite
    /// rounding in the division.
    public static func cells(metres: Double, cellSize: Double) -> Int {
        let ratio = metres / cellSize
        return ratio <= 0 ? 0 : Int((ratio * (1 - 1e-12)).rounded(.up))
    }

    /// The halo for tiles of `tileCells` cells of `cellSize` metres: `given` metres when set, else the widest
    /// reach; rounded up to whole cells; capped at `capTiles` × `tileCells` cells.
    public static func halo(reaches: [HaloReach], cellSize: Double, tileCells: Int, capTiles: Int = defaultCapTiles, given: Double? = nil) -> Halo {
        precondition(cellSize > 0 && tileCells > 0 && capTiles >= 0)
        let widest = reaches.max { $0.metres < $1.metres }
        let wanted = given ?? widest?.metres ?? 0
        let wantedCells = cells(metres: wanted, cellSize: cellSize)
        let cap = capTiles * tileCells
        let cells = min(wantedCells, cap)
        return Halo(metres: Double(cells) * cellSize, cells: cells, wantedMetres: wanted, capped: wantedCells > cap,
                    capCells: cap, capTiles: capTiles, limiting: given == nil ? widest?.subnetwork : nil, given: given != nil, reaches: reaches)
    }
}
