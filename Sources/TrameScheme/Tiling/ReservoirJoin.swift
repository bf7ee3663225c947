import TrameCost
import TrameRaster

/// The reservoirs of the whole grid rebuilt from the tiles' fragments.
public struct JoinedReservoirs: Sendable {
    /// Numbered 1…count as `PatchFinder.find` numbers the whole grid's patches.
    public var patches: [PatchSet.Patch]
    /// Per reservoir (index = id − 1): bit k set when the project's inventory k covers one of its cells.
    public var inventoryBits: [UInt32]
    /// Per tile (in the order given), its fragments' reservoir ids: `relabel[t][local id]`, 0 for a fragment of a
    /// dropped component (under the minimum area, no inventory) and for local id 0 (no habitat).
    public var relabel: [[Int32]]
    /// Habitat cells on the whole grid (in kept reservoirs or not).
    public var habitatCells: Int
}

/// Joins reservoir fragments across tile edges: a union-find over the fragments of every tile, two fragments
/// joining when cells of theirs touch across a side of their cores (rook, or queen: also diagonally, which
/// takes in the corner where four tiles meet); then, per component, the cells and perimeter edges summed and
/// the inventories OR-ed; components of at least `minAreaHa` or holding a site of the sub-network's
/// inventories are kept and numbered by their first cell in the whole grid's row-major order, which is
/// `PatchFinder.find`'s order (its `Components.label` seeds each component at its first cell of the scan).
///
/// A rook edge between two habitat cells on either side of a core's side is no perimeter: neither fragment
/// counted it (`FragmentFinder` counts edges facing non-habitat only). So the sums equal the whole-grid count.
/// - Complexity: O(fragments + cells on the cores' sides) (near-linear: union-find with path halving), memory
///   the fragment tables; no raster is read.
public enum ReservoirJoin {
    public static func join(_ tiles: [(tile: Tile, fragments: ReservoirFragments)], spec: GridSpec, minAreaHa: Double,
                            connexity: Neighbourhood = .queen) throws -> JoinedReservoirs {
        guard connexity != .knight else { throw CostError.patchConnexity }
        var offset = [Int](repeating: 0, count: tiles.count + 1)
        for (t, x) in tiles.enumerated() {
            precondition(x.fragments.core == x.tile.core, "tile \(x.tile.task): fragments of another core")
            offset[t + 1] = offset[t] + x.fragments.count
        }
        var at: [Int: Int] = [:]
        let across = (tiles.map(\.tile.tileCol).max() ?? 0) + 1
        for (t, x) in tiles.enumerated() { at[x.tile.tileRow * across + x.tile.tileCol] = t }
        func tile(_ col: Int, _ row: Int) -> Int? { col < 0 || col >= across ? nil : at[row * across + col] }
        var sets = UnionFind(count: offset[tiles.count])
        let diagonal = connexity == .queen
        /// Joins the fragments along two sides that face each other, cell k of `a` touching cells k−1…k+1 of `b` (queen).
        func stitch(_ a: [Int32], _ ta: Int, _ b: [Int32], _ tb: Int) {
            precondition(a.count == b.count, "tiles \(tiles[ta].tile.task) and \(tiles[tb].tile.task) do not share a side")
            for k in a.indices where a[k] != 0 {
                let fa = offset[ta] + Int(a[k]) - 1
                for j in (diagonal ? max(0, k - 1)...min(b.count - 1, k + 1) : k...k) where b[j] != 0 {
                    sets.union(fa, offset[tb] + Int(b[j]) - 1)
                }
            }
        }
        for (t, x) in tiles.enumerated() {
            let i = x.tile.tileCol, j = x.tile.tileRow, f = x.fragments
            if let e = tile(i + 1, j) { stitch(f.right, t, tiles[e].fragments.left, e) }
            if let s = tile(i, j + 1) { stitch(f.bottom, t, tiles[s].fragments.top, s) }
            guard diagonal else { continue }
            // The corners where four cores meet: the south-east and south-west diagonal neighbours.
            if let se = tile(i + 1, j + 1), let a = f.bottom.last, a != 0, let b = tiles[se].fragments.top.first, b != 0 {
                sets.union(offset[t] + Int(a) - 1, offset[se] + Int(b) - 1)
            }
            if let sw = tile(i - 1, j + 1), let a = f.bottom.first, a != 0, let b = tiles[sw].fragments.top.last, b != 0 {
                sets.union(offset[t] + Int(a) - 1, offset[sw] + Int(b) - 1)
            }
        }
        // Per component (at its root): cells, edges, inventories, first cell.
        let n = offset[tiles.count]
        var cells = [Int](repeating: 0, count: n), edges = cells, first = [Int](repeating: Int.max, count: n)
        var own = [Bool](repeating: false, count: n), bits = [UInt32](repeating: 0, count: n)
        var habitatCells = 0
        for (t, x) in tiles.enumerated() {
            let f = x.fragments
            for k in 0..<f.count {
                let r = sets.find(offset[t] + k)
                cells[r] += f.cells[k]; edges[r] += f.edges(k); habitatCells += f.cells[k]
                first[r] = min(first[r], f.firstCell[k])
                if f.fromInventory[k] { own[r] = true }
                bits[r] |= f.inventoryBits[k]
            }
        }
        // The same tests and arithmetic as PatchFinder.find, so that areas and perimeters are equal to the last bit.
        let cellHa = spec.cellArea / 10_000, cellSide = abs(spec.transform.pixelWidth)
        let kept = (0..<n).filter { sets.find($0) == $0 && (Double(cells[$0]) * cellHa >= minAreaHa || own[$0]) }.sorted { first[$0] < first[$1] }
        var id = [Int32](repeating: 0, count: n)
        var patches: [PatchSet.Patch] = [], invBits: [UInt32] = []
        patches.reserveCapacity(kept.count); invBits.reserveCapacity(kept.count)
        for r in kept {
            let k = Int32(patches.count + 1)
            id[r] = k
            patches.append(.init(id: k, cells: cells[r], areaHa: Double(cells[r]) * cellHa, perimeter: Double(edges[r]) * cellSide, fromInventory: own[r]))
            invBits.append(bits[r])
        }
        let relabel = tiles.indices.map { t in [Int32(0)] + (0..<tiles[t].fragments.count).map { id[sets.find(offset[t] + $0)] } }
        return JoinedReservoirs(patches: patches, inventoryBits: invBits, relabel: relabel, habitatCells: habitatCells)
    }
}
