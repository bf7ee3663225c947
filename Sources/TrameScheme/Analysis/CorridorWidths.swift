import TrameRaster
import TrameVector

/// The mean width of each corridor, in metres: its area divided by its length, the length being the longer of
/// its link's path and the corridor's extent along the link (from the link's first point towards its last,
/// to the cell). A short link between two reservoirs that almost touch has a corridor much longer than itself
/// (dividing by the 20 m link alone gave 76 km); a winding link is longer than its corridor's extent.
public enum CorridorWidths {
    /// - Parameters:
    ///   - owner: per cell, the corridor (index into `lines` + 1), 0 outside corridors.
    ///   - lines: each corridor's link line (least-cost path).
    /// - Returns: per corridor (index into `lines`), its mean width (m); 0 for a corridor without a cell.
    public static func mean(owner: [Int32], lines: [[Point]], spec: GridSpec) -> [Double] {
        let n = lines.count
        let axes: [(x: Double, y: Double, ux: Double, uy: Double)?] = lines.map { line in
            guard let a = line.first, let b = line.last else { return nil }
            let d = a.distance(to: b)
            return d > 0 ? (a.x, a.y, (b.x - a.x) / d, (b.y - a.y) / d) : nil
        }
        var cells = [Int](repeating: 0, count: n + 1)
        var lo = [Double](repeating: .infinity, count: n + 1), hi = [Double](repeating: -.infinity, count: n + 1)
        let cols = spec.cols
        for i in 0..<min(owner.count, spec.count) {
            let k = Int(owner[i])
            guard k > 0, k <= n else { continue }
            cells[k] += 1
            if let ax = axes[k - 1] {
                let p = spec.transform.centre(col: i % cols, row: i / cols)
                let t = (p.x - ax.x) * ax.ux + (p.y - ax.y) * ax.uy
                lo[k] = min(lo[k], t); hi[k] = max(hi[k], t)
            }
        }
        let cell = abs(spec.transform.pixelWidth)
        return (0..<n).map { j in
            guard cells[j + 1] > 0 else { return 0 }
            let line = lines[j]
            var path = 0.0
            for k in 0..<max(0, line.count - 1) { path += line[k].distance(to: line[k + 1]) }
            let extent = axes[j] == nil ? cell : hi[j + 1] - lo[j + 1] + cell
            return Double(cells[j + 1]) * spec.cellArea / max(path, extent, cell)
        }
    }
}
