import Foundation
import TrameCost
import TrameRaster

/// A territory cut into tiles for a cluster (`trame plan`): the grid, the tiles with their halo, and the
/// steps (tasks 1 … N: one tile each; task N + 1: the merge). Written as PLAN/plan.json, read by
/// `trame step`, `trame merge` and `trame slurm status`.
///
/// Today a tile task computes each sub-network's resistance over its window and the fragments of its
/// reservoirs over its core, which the merge joins across the tiles' edges before building the rest of the
/// scheme on the whole grid; the later stages (links, corridors) will run on the tiles within the same halo.
public struct TilePlan: Codable, Equatable, Sendable {
    /// 2: the sub-networks carry their reservoirs' settings and the plan its inventories (tiled reservoirs).
    /// 3: the plan records its input files' stamps (`inputs`).
    public static let currentVersion = 3

    public var version: Int
    /// The project file, absolute.
    public var project: String
    /// The land-cover raster, absolute, and the NoData value the project declares for it (nil: the raster's own).
    public var landCover: String
    public var landCoverNoData: Int?
    /// The friction table, absolute.
    public var friction: String
    public var grid: PlanGrid
    /// Cell size, metres.
    public var cellSize: Double
    /// Tile side asked for, metres, and in whole cells (rounded to the nearest cell).
    public var tileMetres: Double
    public var tileCells: Int
    public var halo: Halo
    public var subnetworks: [PlanSubNetwork]
    /// The project's inventories in its order (bit k of a fragment's or reservoir's inventories is the k-th).
    public var inventories: [String]
    public var tiles: [Tile]
    public var steps: [PlanStep]
    public var memory: TileMemory
    /// The `trame` executable that wrote the plan, absolute: the scripts run it.
    public var trame: String
    /// The files the tiles are computed from as they were when the plan was made: the land cover (size and
    /// time), the friction table and the inventories' files (also their SHA-256). A step or a merge refuses inputs that changed since, and
    /// a plan made again from changed inputs differs (its hash), so that every tile is computed again.
    public var inputs: [InputStamp] = []

    /// The task number of the merge (the last step).
    public var mergeTask: Int { tiles.count + 1 }
}

/// The grid of the whole territory as plan.json stores it.
public struct PlanGrid: Codable, Equatable, Sendable {
    public var cols: Int
    public var rows: Int
    /// GDAL's six coefficients.
    public var transform: [Double]
    public var crsWKT: String
    public var bounds: MapBounds

    public init(_ spec: GridSpec) {
        cols = spec.cols; rows = spec.rows; transform = spec.transform.gdalCoefficients; crsWKT = spec.crsWKT
        bounds = MapBounds(CellWindow(col: 0, row: 0, cols: spec.cols, rows: spec.rows), in: spec)
    }

    public var spec: GridSpec { GridSpec(cols: cols, rows: rows, transform: GeoTransform(gdal: transform), crsWKT: crsWKT) }
}

public struct PlanSubNetwork: Codable, Equatable, Sendable {
    public var name: String
    public var frictionColumn: String
    /// How its reservoirs are found, when the tiles find them (the least-cost model); nil for a watercourse
    /// sub-network, whose reservoirs are its stretches (not tiled yet: `trame run` builds them).
    public var reservoirs: PlanReservoirs?

    public init(name: String, frictionColumn: String, reservoirs: PlanReservoirs? = nil) {
        self.name = name; self.frictionColumn = frictionColumn; self.reservoirs = reservoirs
    }

    /// A sub-network of the project as the plan records it.
    public init(_ sub: SubNetwork, inventories: [Inventory]) {
        var mask: UInt32 = 0
        for name in sub.inventories { if let k = inventories.firstIndex(where: { $0.name == name }) { mask |= UInt32(1) << UInt32(k) } }
        self.init(name: sub.name, frictionColumn: sub.frictionColumn,
                  reservoirs: sub.model == .watercourse ? nil : PlanReservoirs(habitat: sub.habitat, minAreaHa: sub.minReservoirHa,
                                                                              inventories: sub.inventories, inventoryMask: mask, connexity: 8))
    }
}

/// A least-cost sub-network's reservoirs as `trame run` finds them (`PatchFinder.find`): habitat classes,
/// minimum area, the inventories whose sites are reservoirs whatever their size.
public struct PlanReservoirs: Codable, Equatable, Sendable {
    public var habitat: [Int]
    /// Hectares.
    public var minAreaHa: Double
    /// The sub-network's inventories, by name, and as bits over the plan's `inventories`.
    public var inventories: [String]
    public var inventoryMask: UInt32
    /// 8: cells join through corners too, as `trame run` joins them.
    public var connexity: Int

    public var neighbourhood: Neighbourhood { connexity == 4 ? .rook : .queen }
}

/// One unit of work: a tile (`kind = "tile"`, `tile` its number) or the merge.
public struct PlanStep: Codable, Equatable, Sendable {
    public var task: Int
    public var kind: String
    public var tile: Int?
    public var command: String
}

/// The memory a tile task needs, estimated from the largest window: `bytesPerCell` × cells + `overheadMegabytes`.
///
/// `bytesPerCell` = 16: the land cover's window as Int32 (4 bytes), one sub-network's resistance as Float32
/// (4; sub-networks are done one at a time), GDAL's copy of it while writing (4), and 4 spare for the block
/// cache. `overheadMegabytes` = 256 for the process (Swift runtime, GDAL and PROJ and their caches).
/// The reservoir fragments are found first, over the core and one ring of cells only (the land cover and the
/// inventories as 4 bytes each, habitat 1, fragment ids 4: 13 bytes a core cell, and the fragment tables), and
/// freed before the window is read: within the same estimate while fragments are fewer than one per 20 cells.
public struct TileMemory: Codable, Equatable, Sendable {
    public static let bytesPerCellConstant = 16
    public static let overheadConstant = 256

    public var bytesPerCell: Int
    public var overheadMegabytes: Int
    public var largestWindowCells: Int
    /// What to ask the scheduler for, megabytes (MiB).
    public var megabytes: Int

    public init(largestWindowCells: Int) {
        bytesPerCell = Self.bytesPerCellConstant
        overheadMegabytes = Self.overheadConstant
        self.largestWindowCells = largestWindowCells
        let bytes = largestWindowCells * bytesPerCell
        megabytes = overheadMegabytes + (bytes + (1 << 20) - 1) >> 20
    }
}

extension TileMemory {
    /// The merge builds the scheme on the whole territory: `trame run`'s peak, measured at 33–38 bytes per cell
    /// from 40 M to 300 M cells (49 at 12.5 M, where the process's own few hundred MB weigh), with some spare.
    public static let mergeBytesPerCell = 44
    public static let mergeOverheadMegabytes = 512

    /// What the merge asks the scheduler for, megabytes (MiB), for a territory of `cells` cells.
    public static func mergeMegabytes(cells: Int) -> Int { mergeOverheadMegabytes + (cells * mergeBytesPerCell + (1 << 20) - 1) >> 20 }
}

/// A file's size and modification time, nanoseconds since 1970 (what `make` and `rsync` compare), and its
/// SHA-256 where it is small enough to hash (set by the caller).
public struct InputStamp: Codable, Equatable, Sendable {
    public var path: String
    public var bytes: Int64
    public var modifiedNanoseconds: Int64
    public var sha256: String?

    public init(path: String, bytes: Int64, modifiedNanoseconds: Int64, sha256: String? = nil) {
        self.path = path; self.bytes = bytes; self.modifiedNanoseconds = modifiedNanoseconds; self.sha256 = sha256
    }

    /// The stamp of `path` as it is now (no hash); nil when it cannot be examined.
    public static func of(_ path: String) -> InputStamp? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return InputStamp(path: path, bytes: Int64(st.st_size), modifiedNanoseconds: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }
}

/// A plan that cannot be made, with the value at fault and what to do.
public struct TilePlanError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension TilePlan {
    /// The smallest tile accepted, cells per side.
    public static let minimumTileCells = 10

    /// Makes the plan for a project whose land cover lies on `spec`.
    ///
    /// - Parameters:
    ///   - tileMetres: the tiles' side, metres (rounded to whole cells).
    ///   - haloMetres: the halo when given (`--halo`), else the dispersal's reach (see `TileHalo`).
    ///   - paths: the project, land cover and friction table, absolute; `trame` the executable.
    /// - Throws: `TilePlanError` for a tile under 10 cells, cells that are not square, a negative halo.
    /// - Complexity: O(tiles + sub-networks × friction rows).
    public static func make(project: Project, spec: GridSpec, friction: ResistanceTable, tileMetres: Double, haloMetres: Double?,
                            capTiles: Int = TileHalo.defaultCapTiles, paths: (project: String, landCover: String, friction: String, trame: String)) throws -> TilePlan {
        guard let cell = spec.transform.squareCellSize else {
            throw TilePlanError("the land cover's cells are not square north-up cells (\(spec.transform)); warp it to square cells (gdalwarp -tr)")
        }
        guard tileMetres.isFinite, tileMetres > 0 else { throw TilePlanError("--tile must be a positive length such as 50km") }
        let tileCells = Int((tileMetres / cell).rounded())
        guard tileCells >= minimumTileCells else {
            throw TilePlanError("--tile \(Quantity.fmtNumber(tileMetres)) m is \(tileCells) cell\(tileCells == 1 ? "" : "s") of \(Quantity.fmtNumber(cell)) m; a tile needs at least \(minimumTileCells) cells a side (\(Quantity.fmtNumber(Double(minimumTileCells) * cell)) m)")
        }
        if let h = haloMetres, !(h >= 0 && h.isFinite) { throw TilePlanError("--halo must be a length ≥ 0 such as 5km") }
        let reaches = try TileHalo.reaches(project, friction: friction)
        let halo = TileHalo.halo(reaches: reaches, cellSize: cell, tileCells: tileCells, capTiles: capTiles, given: haloMetres)
        let tiles = TileLayout.tiles(spec: spec, tileCells: tileCells, haloCells: halo.cells)
        var steps = tiles.map { PlanStep(task: $0.task, kind: "tile", tile: $0.task, command: "trame step PLAN --task \($0.task)") }
        steps.append(PlanStep(task: tiles.count + 1, kind: "merge", tile: nil, command: "trame merge PLAN -o PLAN/merged"))
        return TilePlan(version: currentVersion, project: paths.project, landCover: paths.landCover, landCoverNoData: project.landCoverNoData,
                        friction: paths.friction, grid: PlanGrid(spec), cellSize: cell, tileMetres: tileMetres, tileCells: tileCells,
                        halo: halo, subnetworks: project.subNetworks.map { PlanSubNetwork($0, inventories: project.inventories) },
                        inventories: project.inventories.map(\.name),
                        tiles: tiles, steps: steps, memory: TileMemory(largestWindowCells: tiles.map(\.window.count).max() ?? 0),
                        trame: paths.trame)
    }

    /// plan.json's bytes: pretty-printed with sorted keys, so that the same plan always gives the same bytes (and hash).
    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    public static func decode(_ data: Data) throws -> TilePlan {
        let plan: TilePlan
        do { plan = try JSONDecoder().decode(TilePlan.self, from: data) } catch {
            throw TilePlanError("not a plan written by `trame plan` (\(error.localizedDescription))")
        }
        guard plan.version == currentVersion else {
            throw TilePlanError("plan version \(plan.version); this trame reads version \(currentVersion): make the plan again with `trame plan`")
        }
        return plan
    }

    /// The one-line statement of the halo: its width, where it comes from, and the cap when it applied.
    public var haloStatement: String {
        let h = halo
        var s = "halo \(Quantity.fmtNumber(h.metres)) m (\(h.cells) cells)"
        if h.given {
            s += ", as --halo gave"
        } else if let name = h.limiting, let r = h.reaches.first(where: { $0.subnetwork == name }), let minR = r.minResistance {
            s += " = \(name)'s dispersal \(Quantity.fmtNumber(r.dispersalCost)) cost ÷ its least resistance \(Quantity.fmtNumber(minR)) per m"
            if !h.capped && abs(h.metres - h.wantedMetres) > 1e-9 { s += " (\(Quantity.fmtNumber(h.wantedMetres)) m, rounded up to whole cells)" }
        }
        if h.capped {
            s += "; capped at \(h.capTiles) tiles (\(h.capCells) cells) instead of \(Quantity.fmtNumber(h.wantedMetres)) m: paths longer than the halo may leave it, and results near a tile's edge can then differ from `trame run`"
        }
        return s
    }
}
