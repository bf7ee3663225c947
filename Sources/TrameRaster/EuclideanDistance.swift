import Foundation

/// Exact straight-line distances on a grid: the distance from each cell centre to the nearest seed
/// cell centre, as a planner measures it in QGIS between the same points.
///
/// The separable squared-distance transform of Felzenszwalb and Huttenlocher (2012), in two passes:
/// per column, the distance in rows to the nearest seed of that column (a sweep down and a sweep up);
/// per row, the lower envelope of the parabolas `(x − q)² + h(q)` those column distances make, read at
/// every cell. Both passes are O(cells); the columns of the first pass and the rows of the second are
/// independent and shared between the worker threads (`Workers`) for large grids.
///
/// Cells may be rectangular: the first pass counts rows (× the cell height), the second weighs
/// columns by the cell width, so the result is the exact distance between cell centres for any
/// north-up grid (`cellHeight` defaults to `cellWidth`: square cells).
///
/// # Units
/// Metres (the grid's map units), as `Float`; +∞ where no seed lies within `limit`.
public enum EuclideanDistance {
    /// Distances from every cell to the nearest non-zero cell of `seeds` (0 on seeds).
    ///
    /// - Parameters:
    ///   - seeds: `cols × rows` flags in row-major order, non-zero on seeds.
    ///   - cellWidth: cell width (m), > 0.
    ///   - cellHeight: cell height (m), > 0; nil for square cells.
    ///   - limit: distances above it read +∞ (and the work beyond it is skipped where it can be).
    public static func compute(seeds: [UInt8], cols: Int, rows: Int, cellWidth: Double, cellHeight: Double? = nil,
                               limit: Double = .infinity) -> [Float] {
        precondition(seeds.count == cols * rows, "seeds must hold cols × rows flags")
        var out = LargeBuffer.array(repeating: Float(0), count: cols * rows)
        seeds.withUnsafeBufferPointer { S in
            out.withUnsafeMutableBufferPointer { O in
                compute(seeds: S, cols: cols, rows: rows, cellWidth: cellWidth, cellHeight: cellHeight ?? cellWidth, limit: limit, into: O)
            }
        }
        return out
    }

    /// The same into a caller's buffer of `cols × rows` distances (windows reuse one buffer).
    ///
    /// - Parameter workers: threads to share the passes between (default: `Workers.threads` for grids of
    ///   64 K cells or more, else one). Each part writes its own rows or columns: the result is the same
    ///   whatever the number of threads.
    public static func compute(seeds: UnsafeBufferPointer<UInt8>, cols: Int, rows: Int, cellWidth: Double, cellHeight: Double,
                               limit: Double = .infinity, into out: UnsafeMutableBufferPointer<Float>, workers: Int? = nil) {
        let n = cols * rows
        precondition(seeds.count >= n && out.count >= n, "buffers must hold cols × rows cells")
        precondition(cellWidth > 0 && cellHeight > 0, "cells must have a positive width and height")
        guard n > 0 else { return }
        let threads = max(1, min(workers ?? (n >= 1 << 16 ? Workers.threads : 1), 64))
        let S = seeds.baseAddress!, O = out.baseAddress!
        // Column distances, in rows, beyond which a seed cannot be within the limit.
        let maxRows = limit.isFinite ? Float((limit / cellHeight).rounded(.down)) : .infinity

        // Pass 1: per column, rows to the nearest seed in the column (+∞ beyond `maxRows`). Workers take
        // blocks of whole columns and sweep them row by row (contiguous reads within a block).
        let colBlocks = threads == 1 ? 1 : min(cols, threads * 4)
        let pass1 = { (b: Int) in
            let c0 = b * cols / colBlocks, c1 = (b + 1) * cols / colBlocks
            guard c0 < c1 else { return }
            for c in c0..<c1 { O[c] = S[c] != 0 ? 0 : .infinity }
            var r = 1
            while r < rows {
                let row = r * cols
                for c in c0..<c1 { O[row + c] = S[row + c] != 0 ? 0 : O[row - cols + c] + 1 }
                r += 1
            }
            r = rows - 2
            while r >= 0 {
                let row = r * cols
                for c in c0..<c1 { O[row + c] = min(O[row + c], O[row + cols + c] + 1) }
                r -= 1
            }
            for r in 0..<rows {
                let row = r * cols
                for c in c0..<c1 where O[row + c] > maxRows { O[row + c] = .infinity }
            }
        }
        if colBlocks == 1 { pass1(0) } else { DispatchQueue.concurrentPerform(iterations: colBlocks, execute: pass1) }

        // Pass 2: per row, the lower envelope of the parabolas of its finite column distances. With
        // h(q) = (g(q)·cellHeight / cellWidth)², the squared distance at column x, in cell widths², is
        // the least (x − q)² + h(q).
        let ratio = cellHeight / cellWidth
        let width2 = cellWidth * cellWidth, limit2 = limit * limit
        let rowBlocks = threads == 1 ? 1 : min(rows, threads * 4)
        let pass2 = { (b: Int) in
            let r0 = b * rows / rowBlocks, r1 = (b + 1) * rows / rowBlocks
            guard r0 < r1 else { return }
            // Scratch for one row at a time, allocated once per block.
            let h = UnsafeMutablePointer<Double>.allocate(capacity: cols)
            let v = UnsafeMutablePointer<Int>.allocate(capacity: cols)
            let z = UnsafeMutablePointer<Double>.allocate(capacity: cols + 1)
            defer { h.deallocate(); v.deallocate(); z.deallocate() }
            for r in r0..<r1 {
                let row = O + r * cols
                var k = -1   // index of the envelope's last parabola
                for q in 0..<cols {
                    let g = row[q]
                    guard g.isFinite else { h[q] = .infinity; continue }
                    let hq = Double(g) * ratio
                    h[q] = hq * hq
                    let fq = h[q] + Double(q * q)
                    var s = -Double.infinity
                    while k >= 0 {
                        let p = v[k]
                        // Where the parabola of q meets that of p (q > p).
                        s = (fq - (h[p] + Double(p * p))) / Double(2 * (q - p))
                        if s <= z[k] { k -= 1 } else { break }
                    }
                    if k < 0 { s = -.infinity }
                    k += 1
                    v[k] = q; z[k] = s
                }
                if k < 0 {
                    for x in 0..<cols { row[x] = .infinity }
                    continue
                }
                z[k + 1] = .infinity
                var j = 0
                for x in 0..<cols {
                    let xd = Double(x)
                    while z[j + 1] < xd { j += 1 }
                    let p = v[j], dx = Double(x - p)
                    let d2 = (dx * dx + h[p]) * width2
                    row[x] = d2 <= limit2 ? Float(d2.squareRoot()) : .infinity
                }
            }
        }
        if rowBlocks == 1 { pass2(0) } else { DispatchQueue.concurrentPerform(iterations: rowBlocks, execute: pass2) }
    }

    /// The nearest and second-nearest of several labelled regions by straight-line distance, up to `limit`.
    ///
    /// Each region's distances are computed in a window of its bounding box widened by `limit` (no
    /// farther cell can be within the limit), and every cell keeps its two least (distance, region)
    /// pairs; regions are taken in label order, so on equal distances the lower label comes first.
    ///
    /// - Parameters:
    ///   - labels: region per cell, 1…`count` (0: none).
    public static func twoNearest(labels: [Int32], count: Int, cols: Int, rows: Int, cellWidth: Double, cellHeight: Double? = nil,
                                  limit: Double) -> TwoNearestRegions {
        let n = cols * rows
        precondition(labels.count == n, "labels must hold cols × rows cells")
        let ch = cellHeight ?? cellWidth
        var out = TwoNearestRegions(count: n)
        guard count > 0 else { return out }
        // Bounding boxes of the regions.
        var minC = [Int](repeating: Int.max, count: count), maxC = [Int](repeating: -1, count: count)
        var minR = minC, maxR = maxC
        labels.withUnsafeBufferPointer { L in
            for r in 0..<rows {
                for c in 0..<cols {
                    let t = Int(L[r * cols + c]) - 1
                    guard t >= 0 else { continue }
                    precondition(t < count, "label \(t + 1) above the region count \(count)")
                    if c < minC[t] { minC[t] = c }
                    if c > maxC[t] { maxC[t] = c }
                    if r < minR[t] { minR[t] = r }
                    if r > maxR[t] { maxR[t] = r }
                }
            }
        }
        let marginC = limit.isFinite ? Int((limit / cellWidth).rounded(.up)) : cols
        let marginR = limit.isFinite ? Int((limit / ch).rounded(.up)) : rows
        var seeds: [UInt8] = [], dist: [Float] = []
        labels.withUnsafeBufferPointer { L in
            out.d1.withUnsafeMutableBufferPointer { D1 in
                out.d2.withUnsafeMutableBufferPointer { D2 in
                    out.id1.withUnsafeMutableBufferPointer { I1 in
                        out.id2.withUnsafeMutableBufferPointer { I2 in
                            for t in 0..<count where maxC[t] >= 0 {
                                let c0 = max(0, minC[t] - marginC), c1 = min(cols - 1, maxC[t] + marginC)
                                let r0 = max(0, minR[t] - marginR), r1 = min(rows - 1, maxR[t] + marginR)
                                let wc = c1 - c0 + 1, wr = r1 - r0 + 1, wn = wc * wr
                                if seeds.count < wn {
                                    seeds = [UInt8](repeating: 0, count: wn); dist = [Float](repeating: 0, count: wn)
                                }
                                let label = Int32(t + 1)
                                seeds.withUnsafeMutableBufferPointer { W in
                                    for r in r0...r1 {
                                        let src = r * cols, dst = (r - r0) * wc - c0
                                        for c in c0...c1 { W[dst + c] = L[src + c] == label ? 1 : 0 }
                                    }
                                }
                                seeds.withUnsafeBufferPointer { W in
                                    dist.withUnsafeMutableBufferPointer { D in
                                        compute(seeds: UnsafeBufferPointer(rebasing: W[0..<wn]), cols: wc, rows: wr, cellWidth: cellWidth,
                                                cellHeight: ch, limit: limit, into: UnsafeMutableBufferPointer(rebasing: D[0..<wn]))
                                        for r in r0...r1 {
                                            let dst = r * cols, src = (r - r0) * wc - c0
                                            for c in c0...c1 {
                                                let d = D[src + c]
                                                guard d.isFinite else { continue }
                                                let i = dst + c
                                                if d < D1[i] {
                                                    D2[i] = D1[i]; I2[i] = I1[i]; D1[i] = d; I1[i] = label
                                                } else if d < D2[i] {
                                                    D2[i] = d; I2[i] = label
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Per cell, the nearest and second-nearest distinct regions (labels, 0: none within the limit) and
/// their straight-line distances (m, +∞: none).
public struct TwoNearestRegions: Sendable {
    public var d1: [Float], d2: [Float]
    public var id1: [Int32], id2: [Int32]

    init(count n: Int) {
        d1 = LargeBuffer.array(repeating: Float.infinity, count: n); d2 = LargeBuffer.array(repeating: Float.infinity, count: n)
        id1 = LargeBuffer.array(repeating: Int32(0), count: n); id2 = LargeBuffer.array(repeating: Int32(0), count: n)
    }
}
