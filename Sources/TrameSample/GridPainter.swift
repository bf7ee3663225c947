import Foundation
import TrameRaster
import TrameVector

/// Paints lines (with a width) and irregular blobs onto a land-cover grid, in map coordinates.
struct GridPainter {
    var grid: Grid<UInt8>
    let west: Double, north: Double, cell: Double

    init(grid: Grid<UInt8>) {
        self.grid = grid
        west = grid.spec.transform.originX; north = grid.spec.transform.originY; cell = grid.spec.transform.pixelWidth
    }

    /// Paints every cell whose centre lies within `halfWidth` metres of the line with `value`.
    mutating func stamp(line: [Point], halfWidth: Double, value: UInt8) {
        stamp(line: line, halfWidth: halfWidth) { _, _, _, _ in value }
    }

    /// Paints cells within `halfWidth` metres of the line with what `paint(point, currentClass, index)`
    /// returns, given the distance to the line in metres (nil keeps the cell as it is).
    mutating func stamp(line: [Point], halfWidth: Double, paint: (Point, UInt8, Int, Double) -> UInt8?) {
        guard line.count > 1 else { return }
        let cols = grid.cols, rows = grid.rows
        let hw = max(halfWidth, cell * 0.5)
        let step = max(cell * 0.5, hw / 4)
        let reach = Int((hw / cell).rounded(.up))
        grid.values.withUnsafeMutableBufferPointer { v in
            for s in 1..<line.count {
                let a = line[s - 1], b = line[s]
                let len = a.distance(to: b)
                let n = max(1, Int(len / step))
                for k in 0...n {
                    let t = Double(k) / Double(n)
                    let px = a.x + (b.x - a.x) * t, py = a.y + (b.y - a.y) * t
                    let cc = Int(((px - west) / cell).rounded(.down)), cr = Int(((north - py) / cell).rounded(.down))
                    let r0 = max(0, cr - reach), r1 = min(rows - 1, cr + reach)
                    let c0 = max(0, cc - reach), c1 = min(cols - 1, cc + reach)
                    guard r0 <= r1, c0 <= c1 else { continue }
                    for r in r0...r1 {
                        let y = north - (Double(r) + 0.5) * cell
                        for c in c0...c1 {
                            let x = west + (Double(c) + 0.5) * cell
                            let dx = x - px, dy = y - py
                            guard dx * dx + dy * dy <= hw * hw else { continue }
                            let i = r * cols + c
                            if let nv = paint(Point(x, y), v[i], i, (dx * dx + dy * dy).squareRoot()) { v[i] = nv }
                        }
                    }
                }
            }
        }
    }

    /// Paints an irregular blob: an ellipse of mean radius `radius` (m), stretched by `elongation` along a
    /// random direction, its edge wobbling with two random harmonics.
    mutating func blob(centre: Point, radius: Double, elongation: Double, rng: inout SeededGenerator, value: UInt8) {
        let cols = grid.cols, rows = grid.rows
        let rot = rng.uniform(0, .pi)
        let h1 = rng.uniform(0.05, 0.2), p1 = rng.uniform(0, 2 * .pi), h2 = rng.uniform(0.03, 0.12), p2 = rng.uniform(0, 2 * .pi)
        let a = radius * elongation.squareRoot(), b = radius / elongation.squareRoot()
        let reach = Int((a * 1.35 / cell).rounded(.up))
        let cc = Int(((centre.x - west) / cell).rounded(.down)), cr = Int(((north - centre.y) / cell).rounded(.down))
        let r0 = max(0, cr - reach), r1 = min(rows - 1, cr + reach)
        let c0 = max(0, cc - reach), c1 = min(cols - 1, cc + reach)
        guard r0 <= r1, c0 <= c1 else { return }
        for r in r0...r1 {
            let y = north - (Double(r) + 0.5) * cell - centre.y
            for c in c0...c1 {
                let x = west + (Double(c) + 0.5) * cell - centre.x
                let u = x * cos(rot) + y * sin(rot), v = -x * sin(rot) + y * cos(rot)
                let t = atan2(v, u)
                let k = 1 + h1 * sin(3 * t + p1) + h2 * sin(5 * t + p2)
                if (u * u) / (a * a) + (v * v) / (b * b) <= k * k { grid.values[r * cols + c] = value }
            }
        }
    }
}
