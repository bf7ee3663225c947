import Foundation
import TrameRaster

/// How the conductance between two neighbouring cells is drawn from their values, as Circuitscape does.
public enum CellConnection: String, Sendable, CaseIterable {
    /// g = 1 / mean(r1, r2) (Circuitscape's `connect_using_avg_resistances = True`).
    case averageResistance = "average-resistance"
    /// g = mean(c1, c2).
    case averageConductance = "average-conductance"
}

/// A circuit: nodes and the conductances between them, as a graph Laplacian in compressed rows.
public struct Circuit: Sendable {
    public var nodeCount: Int
    /// Off-diagonal entries: for node i, neighbours col[rowStart[i] ..< rowStart[i + 1]] with conductance g (> 0).
    public var rowStart: [Int]
    public var col: [Int32]
    public var g: [Double]
    /// Σ of the conductances at each node (the Laplacian's diagonal).
    public var diag: [Double]
    /// The branches it was built from.
    public var branches: [(Int32, Int32, Double)]

    /// Builds the Laplacian from a list of branches (i, j, conductance); parallel branches add up, loops are dropped.
    public init(nodeCount: Int, branches: [(Int32, Int32, Double)]) {
        self.nodeCount = nodeCount
        self.branches = branches
        var deg = [Int](repeating: 0, count: nodeCount + 1)
        for (a, b, c) in branches where a != b && c > 0 { deg[Int(a) + 1] += 1; deg[Int(b) + 1] += 1 }
        for i in 0..<nodeCount { deg[i + 1] += deg[i] }
        var fill = deg
        var cols = [Int32](repeating: 0, count: deg[nodeCount]), vals = [Double](repeating: 0, count: deg[nodeCount])
        for (a, b, c) in branches where a != b && c > 0 {
            cols[fill[Int(a)]] = b; vals[fill[Int(a)]] = c; fill[Int(a)] += 1
            cols[fill[Int(b)]] = a; vals[fill[Int(b)]] = c; fill[Int(b)] += 1
        }
        // Merge duplicate neighbours in each row.
        var start = [0], outCol: [Int32] = [], outVal: [Double] = []
        var d = [Double](repeating: 0, count: nodeCount)
        var slot = [Int](repeating: -1, count: nodeCount)
        for i in 0..<nodeCount {
            let first = outCol.count
            for k in deg[i]..<deg[i + 1] {
                let j = Int(cols[k])
                if slot[j] >= first { outVal[slot[j]] += vals[k] } else { slot[j] = outCol.count; outCol.append(Int32(j)); outVal.append(vals[k]) }
                d[i] += vals[k]
            }
            start.append(outCol.count)
        }
        rowStart = start; col = outCol; g = outVal; diag = d
    }

    /// The circuit with each group of nodes short-circuited into one node; returns the new node of
    /// every old node.
    public func merging(_ groups: [[Int32]]) -> (circuit: Circuit, node: [Int32]) {
        // Union–find, so that groups sharing a node merge into one.
        var sets = UnionFind(count: nodeCount)
        for g in groups { if let f = g.first { for v in g { sets.union(Int(f), Int(v)) } } }
        let rep = (0..<nodeCount).map { sets.find($0) }
        var newID = [Int32](repeating: -1, count: nodeCount)
        var count: Int32 = 0
        for v in 0..<nodeCount where rep[v] == v { newID[v] = count; count += 1 }
        let map = (0..<nodeCount).map { newID[rep[$0]] }
        let b = branches.map { (map[Int($0.0)], map[Int($0.1)], $0.2) }
        return (Circuit(nodeCount: Int(count), branches: b), map)
    }

    /// y = L x.
    public func multiply(_ x: [Double], into y: inout [Double]) {
        x.withUnsafeBufferPointer { X in
            y.withUnsafeMutableBufferPointer { Y in
                rowStart.withUnsafeBufferPointer { R in
                    col.withUnsafeBufferPointer { C in
                        g.withUnsafeBufferPointer { G in
                            diag.withUnsafeBufferPointer { D in
                                // Two halves on the two cores for large circuits.
                                let n = nodeCount
                                let parts = n > 200_000 ? 2 : 1
                                let y = Y.baseAddress!
                                DispatchQueue.concurrentPerform(iterations: parts) { p in
                                    let lo = n * p / parts, hi = n * (p + 1) / parts
                                    for i in lo..<hi {
                                        var s = D[i] * X[i]
                                        for k in R[i]..<R[i + 1] { s -= G[k] * X[Int(C[k])] }
                                        y[i] = s
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Connected components (branches with g > 0): per node its component.
    public func components() -> [Int32] {
        var comp = [Int32](repeating: -1, count: nodeCount)
        var stack: [Int] = []
        var c: Int32 = 0
        for s in 0..<nodeCount where comp[s] < 0 {
            comp[s] = c; stack.append(s)
            while let v = stack.popLast() {
                for k in rowStart[v]..<rowStart[v + 1] {
                    let u = Int(col[k])
                    if comp[u] < 0 { comp[u] = c; stack.append(u) }
                }
            }
            c += 1
        }
        return comp
    }
}

/// A raster as a circuit: every cell with a positive conductance is a node (or part of one, for
/// short-circuit regions and focal regions), joined to its 4 or 8 neighbours.
public struct RasterCircuit: Sendable {
    public var circuit: Circuit
    /// Node of each cell (−1: removed, NoData or zero conductance).
    public var nodeOfCell: [Int32]
    /// Focal ids, sorted, and the circuit nodes of each (a focal region has several; they are
    /// short-circuited only while its own pairs are solved, as Circuitscape does).
    public var focalIDs: [Int32]
    public var focalNodes: [[Int32]]
    public let cols: Int, rows: Int

    /// - Parameters:
    ///   - conductance: per cell, NaN or ≤ 0 = removed (convert resistances with 1/r before).
    ///   - neighbourhood: the cells each cell is joined to (rook: 4, queen: 8, knight: 16), each pair once.
    ///   - regions: optional short-circuit region id per cell (0 = none): each region is one node.
    ///   - focal: focal nodes as (id, cell); the cells of one id form a focal region.
    public init(conductance: [Double], cols: Int, rows: Int, neighbourhood: Neighbourhood, connection: CellConnection,
                regions: [Int32]? = nil, focal: [(id: Int32, cell: Int)]) {
        self.cols = cols; self.rows = rows
        let n = cols * rows
        // Union of the cells of one region or one focal id (a small union–find on cells).
        var sets = UnionFind(count: n)
        let alive = conductance.map { $0.isFinite && $0 > 0 }
        for labels in [regions].compactMap({ $0 }) {
            var first: [Int32: Int] = [:]
            for i in 0..<n where labels[i] != 0 {
                if let f = first[labels[i]] { sets.union(f, i) } else { first[labels[i]] = i }
            }
        }
        // A cell of a short-circuit region belongs to the region's node even where the map has no
        // conductance (it then carries no branch), as in Circuitscape.
        var nodeOf = [Int32](repeating: -1, count: n)
        var count: Int32 = 0
        var rootNode: [Int: Int32] = [:]
        // Focal cells are nodes too, even on NoData (isolated then, but part of their focal region).
        var focalCell = [Bool](repeating: false, count: n)
        for (id, i) in focal where id != 0 { focalCell[i] = true }
        for i in 0..<n where alive[i] || (regions?[i] ?? 0) != 0 || focalCell[i] {
            let r = sets.find(i)
            if let k = rootNode[r] { nodeOf[i] = k } else { rootNode[r] = count; nodeOf[i] = count; count += 1 }
        }
        var branches: [(Int32, Int32, Double)] = []
        let steps = neighbourhood.forwardSteps
        branches.reserveCapacity(n * steps.count)
        for r in 0..<rows {
            for c in 0..<cols {
                let i = r * cols + c
                guard alive[i] else { continue }
                for step in steps {
                    let cc = c + step.dc, rr = r + step.dr, dist = step.length
                    guard cc >= 0, cc < cols, rr < rows else { continue }
                    let j = rr * cols + cc
                    guard alive[j] else { continue }
                    let a = conductance[i], b = conductance[j]
                    let gij = connection == .averageResistance ? 1 / ((1 / a + 1 / b) / 2) : (a + b) / 2
                    branches.append((nodeOf[i], nodeOf[j], gij / dist))
                }
            }
        }
        circuit = Circuit(nodeCount: Int(count), branches: branches)
        nodeOfCell = nodeOf
        var fmap: [Int32: Set<Int32>] = [:]
        for (id, i) in focal where id != 0 && nodeOf[i] >= 0 { fmap[id, default: []].insert(nodeOf[i]) }
        focalIDs = fmap.keys.sorted()
        focalNodes = focalIDs.map { fmap[$0]!.sorted() }
    }
}

extension Neighbourhood {
    /// The steps that join each pair of neighbouring cells once: those going down a row, or along the
    /// row to the right, in `steps`' order (rook: → ↓; queen: → ↓ ↘ ↙; knight adds its four downward moves).
    public var forwardSteps: [Step] { steps.filter { $0.dr > 0 || ($0.dr == 0 && $0.dc > 0) } }
}
