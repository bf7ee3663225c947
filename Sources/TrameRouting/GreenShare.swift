import TrameRaster
import TrameVector

/// How much of each path edge lies outside the scheme's green network (nature spaces, corridors, buffer
/// zones), the one measure the router's green preference uses: `trame run` computes it from the grids it has
/// just built, `trame route --green` and `trame serve` from the mask the run wrote (rasters/green_network.tif),
/// so an itinerary is the same in the scheme, on the command line and on the web page.
public enum GreenShare {
    /// The part of each edge's length outside the cells of `mask` that are not 0, measured in pieces of
    /// half a cell (each piece counted at its middle). `toMask` brings the network's coordinates into the
    /// mask's CRS when they differ (nil when a point cannot be converted: counted outside).
    public static func outsideFraction(_ net: PathNetwork, mask: Grid<UInt8>, toMask: ((Point) -> Point?)? = nil) -> [Float] {
        var out = [Float](repeating: 1, count: net.edgeCount)
        for e in 0..<net.edgeCount {
            let m = measure(net.geometry(e), mask: mask, toMask: toMask)   // a slice of the network's vertices: no copy per edge
            out[e] = m.total > 0 ? Float(1 - m.inside / m.total) : 1
        }
        return out
    }

    /// The length of a polyline (m) and the part of it inside the cells of `mask` that are not 0, measured
    /// in pieces of half a cell, each counted at its middle.
    public static func measure<C: RandomAccessCollection>(_ g: C, mask: Grid<UInt8>, toMask: ((Point) -> Point?)? = nil) -> (inside: Double, total: Double)
    where C.Element == Point {
        let spec = mask.spec
        let cell = abs(spec.transform.pixelWidth)
        var inGreen = 0.0, total = 0.0
        guard g.count >= 2 else { return (0, 0) }
        mask.values.withUnsafeBufferPointer { m in
            var prev = g.first!
            for b in g.dropFirst() {
                let a = prev
                prev = b
                let len = a.distance(to: b)
                let pieces = max(1, Int((len / (cell / 2)).rounded(.up)))
                for j in 0..<pieces {
                    let t = (Double(j) + 0.5) / Double(pieces)
                    total += len / Double(pieces)
                    let p = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                    guard let q = toMask.map({ $0(p) }) ?? p, let c = spec.cell(x: q.x, y: q.y) else { continue }
                    if m[spec.index(col: c.col, row: c.row)] != 0 { inGreen += len / Double(pieces) }
                }
            }
        }
        return (inGreen, total)
    }
}
