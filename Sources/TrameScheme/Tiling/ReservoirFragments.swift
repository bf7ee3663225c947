import TrameCost
import TrameRaster

/// The pieces of reservoirs one tile's core holds: the habitat components of the core alone (a reservoir cut by
/// the core's edge is several fragments, in several tiles), each with what the join needs to rebuild the
/// whole reservoir without reading any raster: its cells, its perimeter in rook edges, its inventories, its
/// first cell on the whole grid, and the fragment ids along the core's four sides.
///
/// Written by `trame step` as PLAN/tiles/N/SUB_fragments.json beside SUB_fragments.tif (the local ids over
/// the core); joined by `ReservoirJoin`.
public struct ReservoirFragments: Codable, Equatable, Sendable {
    /// The core the fragments cover, in cells of the whole grid.
    public var core: CellWindow
    /// Per fragment (index = local id − 1): its cells.
    public var cells: [Int]
    /// Rook edges between one of its cells and a non-habitat cell of the same core.
    public var innerEdges: [Int]
    /// Rook edges between one of its cells on the core's side and a non-habitat cell across that side (in the
    /// next tile's core: the step sees it through the ring of cells around its core).
    public var crossEdges: [Int]
    /// Rook edges on the outer border of the whole grid.
    public var borderEdges: [Int]
    /// Whether one of its cells lies on a site of the sub-network's own inventories (then it is kept whatever its size).
    public var fromInventory: [Bool]
    /// Bit k: the project's inventory k covers one of its cells (any inventory: the scheme's layer lists them all).
    public var inventoryBits: [UInt32]
    /// Row-major index on the whole grid (row × grid columns + column) of its first cell, which is also its
    /// smallest: the core is scanned in the whole grid's row-major order.
    public var firstCell: [Int]
    /// The local fragment id (0: not habitat) of each cell of the core's top and bottom rows (west to east)
    /// and of its left and right columns (north to south).
    public var top: [Int32]
    public var bottom: [Int32]
    public var left: [Int32]
    public var right: [Int32]

    public var count: Int { cells.count }

    /// Rook edges facing non-habitat or the grid's border, per fragment.
    public func edges(_ k: Int) -> Int { innerEdges[k] + crossEdges[k] + borderEdges[k] }
}

/// Finds the reservoir fragments of one tile's core, as `PatchFinder.find` finds patches on the whole grid but
/// over the core only, with the perimeter counted against the cells around the core.
///
/// Habitat is a cell of one of the `habitat` classes (not NoData), or a cell of one of the sub-network's
/// inventories, as in `PatchFinder.find`. Fragments are numbered 1…m in the order of their first cell in a
/// row-major scan of the core (`Components.label`).
/// - Complexity: O(ring cells); memory: a Bool per ring cell, an Int32 per core cell and the tables.
public enum FragmentFinder {
    /// The window a tile reads to find its fragments: its core grown by one cell on every side (so that the
    /// perimeter across the core's sides is counted), clipped at the grid's edge.
    public static func ring(of core: CellWindow, gridCols: Int, gridRows: Int) -> CellWindow {
        let c0 = max(0, core.col - 1), r0 = max(0, core.row - 1)
        let c1 = min(gridCols, core.col + core.cols + 1), r1 = min(gridRows, core.row + core.rows + 1)
        return CellWindow(col: c0, row: r0, cols: c1 - c0, rows: r1 - r0)
    }

    /// - Parameters:
    ///   - landCover: the land cover over `ring` (row by row), its NoData as `noData`.
    ///   - ring: `ring(of: core, …)`; `core` the tile's core; both in cells of the whole `gridCols` × `gridRows` grid.
    ///   - inventoryBits: over `ring`, bit k set where the project's inventory k covers the cell (nil: no inventory).
    ///   - subnetworkInventories: the bits of the sub-network's own inventories (their cells are habitat).
    ///   - connexity: `.rook` or `.queen` (`trame run` uses `.queen`).
    /// - Returns: the local fragment id of each core cell (0 outside habitat), row by row, and the fragments.
    public static func find(landCover: [Int32], noData: Int32?, ring: CellWindow, core: CellWindow, gridCols: Int, gridRows: Int,
                            habitat: Set<Int32>, inventoryBits: [UInt32]?, subnetworkInventories: UInt32,
                            connexity: Neighbourhood = .queen) throws -> (labels: [Int32], fragments: ReservoirFragments) {
        guard connexity != .knight else { throw CostError.patchConnexity }
        precondition(landCover.count == ring.count && (inventoryBits?.count ?? ring.count) == ring.count)
        precondition(ring.contains(core) && ring == Self.ring(of: core, gridCols: gridCols, gridRows: gridRows))
        let rc = ring.cols, dc = core.col - ring.col, dr = core.row - ring.row
        var isHabitat = [Bool](repeating: false, count: ring.count)
        isHabitat.withUnsafeMutableBufferPointer { H in
            for i in 0..<ring.count {
                let v = landCover[i]
                H[i] = (v != noData && habitat.contains(v)) || (inventoryBits.map { $0[i] & subnetworkInventories != 0 } ?? false)
            }
        }
        var f = ReservoirFragments(core: core, cells: [], innerEdges: [], crossEdges: [], borderEdges: [], fromInventory: [],
                                   inventoryBits: [], firstCell: [], top: [], bottom: [], left: [], right: [])
        let cols = core.cols, rows = core.rows
        let rook = Neighbourhood.rook.steps
        let labels = Components.label(cols: cols, rows: rows, steps: connexity.steps, region: { v in
            isHabitat[(v / cols + dr) * rc + v % cols + dc] ? true : nil
        }) { id, v in
            let k = Int(id) - 1
            let c = v % cols, r = v / cols
            if k == f.cells.count {
                // Components.label visits a region's seed first: the first cell of the row-major scan.
                f.cells.append(0); f.innerEdges.append(0); f.crossEdges.append(0); f.borderEdges.append(0)
                f.fromInventory.append(false); f.inventoryBits.append(0)
                f.firstCell.append((core.row + r) * gridCols + core.col + c)
            }
            f.cells[k] += 1
            let ri = (r + dr) * rc + c + dc
            if let bits = inventoryBits?[ri] {
                f.inventoryBits[k] |= bits
                if bits & subnetworkInventories != 0 { f.fromInventory[k] = true }
            }
            for s in rook {
                let gc = core.col + c + s.dc, gr = core.row + r + s.dr
                if gc < 0 || gc >= gridCols || gr < 0 || gr >= gridRows {
                    f.borderEdges[k] += 1
                } else if !isHabitat[ri + s.dr * rc + s.dc] {
                    let inside = c + s.dc >= 0 && c + s.dc < cols && r + s.dr >= 0 && r + s.dr < rows
                    if inside { f.innerEdges[k] += 1 } else { f.crossEdges[k] += 1 }
                }
            }
        }
        f.top = Array(labels[0..<cols])
        f.bottom = Array(labels[(rows - 1) * cols..<rows * cols])
        f.left = (0..<rows).map { labels[$0 * cols] }
        f.right = (0..<rows).map { labels[$0 * cols + cols - 1] }
        return (labels, f)
    }
}
