import Foundation
import TrameRaster
import TrameVector

/// The mean width of each corridor, in metres: its area divided by its length, the length being the longer of
/// its link's path and the corridor's own extent along its main axis (the principal axis of its cells, to the
/// cell). A short link between two reservoirs that almost touch has a corridor much longer than itself
/// (dividing by the 20 m link alone gave 76 km; some such links even go out and back, so their ends say nothing
/// of the corridor's direction); a winding link is longer than its corridor's extent.
public enum CorridorWidths {
    /// - Parameters:
    ///   - owner: per cell, the corridor (index into `lines` + 1), 0 outside corridors.
    ///   - lines: each corridor's link line (least-cost path).
    /// - Returns: per corridor (index into `lines`), its mean width (m); 0 for a corridor without a cell.
    public static func mean(owner: [Int32], lines: [[Point]], spec: GridSpec) -> [Double] {
        let n = lines.count, cols = spec.cols
        let w = abs(spec.transform.pixelWidth), h = abs(spec.transform.pixelHeight)
        // First pass: moments of the cells' centres (metres from the grid's corner).
        var count = [Int](repeating: 0, count: n + 1)
        var sx = [Double](repeating: 0, count: n + 1), sy = sx, sxx = sx, syy = sx, sxy = sx
        let cells = min(owner.count, spec.count)
        for i in 0..<cells {
            let k = Int(owner[i])
            guard k > 0, k <= n else { continue }
            let x = (Double(i % cols) + 0.5) * w, y = (Double(i / cols) + 0.5) * h
            count[k] += 1; sx[k] += x; sy[k] += y; sxx[k] += x * x; syy[k] += y * y; sxy[k] += x * y
        }
        // The main axis: the direction of the largest spread.
        var ux = [Double](repeating: 1, count: n + 1), uy = [Double](repeating: 0, count: n + 1)
        for k in 1...max(n, 1) where k <= n && count[k] > 0 {
            let c = Double(count[k]), mx = sx[k] / c, my = sy[k] / c
            let cxx = sxx[k] / c - mx * mx, cyy = syy[k] / c - my * my, cxy = sxy[k] / c - mx * my
            let theta = 0.5 * atan2(2 * cxy, cxx - cyy)
            ux[k] = cos(theta); uy[k] = sin(theta)
        }
        // Second pass: the extent along it.
        var lo = [Double](repeating: .infinity, count: n + 1), hi = [Double](repeating: -.infinity, count: n + 1)
        for i in 0..<cells {
            let k = Int(owner[i])
            guard k > 0, k <= n else { continue }
            let t = (Double(i % cols) + 0.5) * w * ux[k] + (Double(i / cols) + 0.5) * h * uy[k]
            lo[k] = min(lo[k], t); hi[k] = max(hi[k], t)
        }
        return (0..<n).map { j in
            let k = j + 1
            guard count[k] > 0 else { return 0 }
            let line = lines[j]
            var path = 0.0
            for q in 0..<max(0, line.count - 1) { path += line[q].distance(to: line[q + 1]) }
            let extent = hi[k] - lo[k] + abs(ux[k]) * w + abs(uy[k]) * h
            return Double(count[k]) * spec.cellArea / max(path, extent)
        }
    }
}
