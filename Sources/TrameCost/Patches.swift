import TrameRaster

/// Habitat patches (reservoirs): connected components of habitat cells.
public struct PatchSet: Sendable {
    /// Patch id per cell (1…count), 0 outside patches (NoData).
    public var labels: Grid<Int32>
    public var patches: [Patch]

    /// Patches as another model draws them (ids 1…count in order, labels holding them).
    public init(labels: Grid<Int32>, patches: [Patch]) { self.labels = labels; self.patches = patches }

    /// The largest patch id: ids need not run 1…count (a patch raster made elsewhere may skip some), so
    /// tables indexed by id are this long + 1.
    public var maxID: Int { Int(patches.lazy.map(\.id).max() ?? 0) }

    public struct Patch: Sendable, Equatable {
        public var id: Int32
        public var cells: Int
        /// Area in hectares.
        public var areaHa: Double
        /// Length of the patch's outline in metres (cell edges facing non-patch cells or the grid border).
        public var perimeter: Double
        /// Whether an inventory site (protected area) is part of it.
        public var fromInventory: Bool

        public init(id: Int32, cells: Int, areaHa: Double, perimeter: Double, fromInventory: Bool) {
            self.id = id; self.cells = cells; self.areaHa = areaHa; self.perimeter = perimeter; self.fromInventory = fromInventory
        }
    }
}

/// Labels connected components of habitat (`Components.label`), drops those under a
/// minimum area, and keeps every component that holds an inventory cell whatever its size.
///
/// - Complexity: O(cells), no per-cell allocation.
public enum PatchFinder {
    public static func find(landCover: Grid<Int32>, habitat: Set<Int32>, minAreaHa: Double, connexity: Neighbourhood = .queen,
                            inventory: Grid<UInt8>? = nil) throws -> PatchSet {
        try find(spec: landCover.spec, habitat: habitat, minAreaHa: minAreaHa, connexity: connexity, inventory: inventory) { i in
            let v = landCover.values[i]
            return !landCover.isNoData(v) && habitat.contains(v)
        }
    }

    /// The same, for a land cover held as class indices (`ClassGrid`): the same patches.
    public static func find(landCover: ClassGrid, habitat: Set<Int32>, minAreaHa: Double, connexity: Neighbourhood = .queen,
                            inventory: Grid<UInt8>? = nil) throws -> PatchSet {
        try find(spec: landCover.spec, habitat: habitat, minAreaHa: minAreaHa, connexity: connexity, inventory: inventory) { i in
            let v = landCover[i]
            return !landCover.isNoData(v) && habitat.contains(v)
        }
    }

    /// `inHabitat(i)`: whether cell i's class is a habitat class.
    private static func find(spec: GridSpec, habitat: Set<Int32>, minAreaHa: Double, connexity: Neighbourhood,
                             inventory: Grid<UInt8>?, inHabitat: (Int) -> Bool) throws -> PatchSet {
        guard connexity != .knight else { throw CostError.patchConnexity }
        let cols = spec.cols, rows = spec.rows, n = spec.count
        let cellHa = spec.cellArea / 10_000
        var isHabitat = [Bool](repeating: false, count: n)
        var habitatCount = 0
        for i in 0..<n {
            if inHabitat(i) || (inventory.map { $0.values[i] != 0 } ?? false) {
                isHabitat[i] = true; habitatCount += 1
            }
        }
        guard habitatCount > 0 else {
            throw CostError.noHabitat(classes: habitat.sorted())
        }
        // Per component: cells, cell edges facing non-habitat or the border (rook steps), inventory.
        var provisional: [(cells: Int, edges: Int, inventory: Bool)] = []
        let rook = Neighbourhood.rook.steps
        var labels = Components.label(cols: cols, rows: rows, steps: connexity.steps, region: { isHabitat[$0] ? true : nil }) { id, v in
            if Int(id) > provisional.count { provisional.append((0, 0, false)) }
            provisional[Int(id) - 1].cells += 1
            if let g = inventory, g.values[v] != 0 { provisional[Int(id) - 1].inventory = true }
            let c = v % cols, r = v / cols
            for s in rook {
                let cc = c + s.dc, rr = r + s.dr
                if !(cc >= 0 && cc < cols && rr >= 0 && rr < rows) || !isHabitat[rr * cols + cc] { provisional[Int(id) - 1].edges += 1 }
            }
        }
        // Keep patches over the minimum area (or holding an inventory site); renumber 1…count.
        var newId = [Int32](repeating: 0, count: provisional.count + 1)
        var patches: [PatchSet.Patch] = []
        let cellSide = abs(spec.transform.pixelWidth)
        for (k, p) in provisional.enumerated() where Double(p.cells) * cellHa >= minAreaHa || p.inventory {
            let id = Int32(patches.count + 1)
            newId[k + 1] = id
            patches.append(.init(id: id, cells: p.cells, areaHa: Double(p.cells) * cellHa, perimeter: Double(p.edges) * cellSide, fromInventory: p.inventory))
        }
        for i in 0..<n where labels[i] != 0 { labels[i] = newId[Int(labels[i])] }
        return PatchSet(labels: Grid(spec: spec, values: labels, noData: 0), patches: patches)
    }
}

extension PatchSet {
    /// Patches read back from a patch-id raster (values > 0 are patch ids; 0, negatives and NoData are
    /// outside): cell counts, areas (ha) and perimeters (m) recomputed from the cells.
    public init(labels: Grid<Int32>) throws {
        var g = labels
        var maxId: Int32 = 0
        for i in 0..<g.count {
            if g.isNoData(g.values[i]) || g.values[i] < 0 { g.values[i] = 0 }
            maxId = max(maxId, g.values[i])
        }
        guard maxId > 0 else { throw CostError.noPatchInRaster }
        var cells = [Int](repeating: 0, count: Int(maxId) + 1), edges = cells
        let cols = g.cols, rows = g.rows
        for r in 0..<rows {
            for c in 0..<cols {
                let v = g.values[r * cols + c]
                guard v > 0 else { continue }
                cells[Int(v)] += 1
                if c == 0 || g.values[r * cols + c - 1] != v { edges[Int(v)] += 1 }
                if c == cols - 1 || g.values[r * cols + c + 1] != v { edges[Int(v)] += 1 }
                if r == 0 || g.values[(r - 1) * cols + c] != v { edges[Int(v)] += 1 }
                if r == rows - 1 || g.values[(r + 1) * cols + c] != v { edges[Int(v)] += 1 }
            }
        }
        let ha = g.spec.cellArea / 10_000, side = abs(g.spec.transform.pixelWidth)
        patches = (1...Int(maxId)).filter { cells[$0] > 0 }.map {
            Patch(id: Int32($0), cells: cells[$0], areaHa: Double(cells[$0]) * ha, perimeter: Double(edges[$0]) * side, fromInventory: false)
        }
        g.noData = 0
        self.labels = g
    }
}

/// Each patch's bounding rows and columns on its label grid: a patch's cells are found by going over its box
/// rather than by keeping a list of them (8 bytes a patch cell).
public struct PatchBoxes: Sendable {
    /// Per label (index = label; 0 unused): first and last row and column, or an empty box for labels absent.
    private var rows: [(Int, Int)]
    private var cols: [(Int, Int)]

    /// One pass over `labels`: labels 1…`count`; others ignored.
    public init(labels: Grid<Int32>, count: Int) {
        rows = [(Int, Int)](repeating: (Int.max, -1), count: count + 1)
        cols = rows
        let w = labels.spec.cols
        labels.values.withUnsafeBufferPointer { L in
            for r in 0..<labels.spec.rows {
                let row = r * w
                var c = 0
                while c < w {
                    let v = Int(L[row + c])
                    guard v > 0, v <= count else { c += 1; continue }
                    // The run of this label along the row.
                    var e = c
                    while e + 1 < w && Int(L[row + e + 1]) == v { e += 1 }
                    if rows[v].0 > r { rows[v].0 = r }
                    rows[v].1 = r
                    if cols[v].0 > c { cols[v].0 = c }
                    if cols[v].1 < e { cols[v].1 = e }
                    c = e + 1
                }
            }
        }
    }

    /// The cells of patch `id` (row-major order, as the grid's indices), found in its box; empty for an absent id.
    public func cells(of id: Int32, in labels: Grid<Int32>) -> [Int] {
        let k = Int(id)
        guard k > 0, k < rows.count, rows[k].1 >= 0 else { return [] }
        let w = labels.spec.cols
        var out: [Int] = []
        labels.values.withUnsafeBufferPointer { L in
            for r in rows[k].0...rows[k].1 {
                for c in cols[k].0...cols[k].1 where L[r * w + c] == id { out.append(r * w + c) }
            }
        }
        return out
    }
}
