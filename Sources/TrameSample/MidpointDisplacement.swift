import TrameRaster
import TrameVector

/// A fractal surface made by midpoint displacement (the diamond–square algorithm,
/// Fournier, Fussell & Carpenter 1982), the neutral landscape model that NLMpy calls
/// `mpd`. Values are rescaled to [0, 1] and read at any map point by bilinear interpolation.
///
/// `roughness` H in (0, 1]: low values give rugged, fragmented patterns, high values smooth,
/// clustered ones (the displacement shrinks by 2^−H at each level).
/// - Complexity: O(n²) for an n × n lattice, n = 2^k + 1.
public struct MidpointDisplacementField: Sendable {
    public let size: Int
    public let west: Double
    public let south: Double
    public let spacing: Double
    var values: [Float]

    public init(west: Double, south: Double, width: Double, height: Double, maxSpacing: Double,
                roughness: Double, rng: inout SeededGenerator, maxSize: Int = 1025) {
        var n = 3
        while n < maxSize && max(width, height) / Double(n - 1) > maxSpacing { n = (n - 1) * 2 + 1 }
        size = n; self.west = west; self.south = south
        spacing = max(width, height) / Double(n - 1)
        var v = [Float](repeating: 0, count: n * n)
        let last = n - 1
        for (c, r) in [(0, 0), (last, 0), (0, last), (last, last)] { v[r * n + c] = Float(rng.uniform(-1, 1)) }
        var step = last
        var scale = 1.0
        let factor = Foundation.pow(2.0, -roughness)
        while step > 1 {
            let half = step / 2
            // Diamond step: centre of each square.
            var r = half
            while r < n {
                var c = half
                while c < n {
                    let a = v[(r - half) * n + c - half], b = v[(r - half) * n + c + half]
                    let d = v[(r + half) * n + c - half], e = v[(r + half) * n + c + half]
                    v[r * n + c] = (a + b + d + e) / 4 + Float(rng.uniform(-scale, scale))
                    c += step
                }
                r += step
            }
            // Square step: midpoints of each edge.
            r = 0
            while r < n {
                var c = (r / half) % 2 == 0 ? half : 0
                while c < n {
                    var s: Float = 0, k: Float = 0
                    if r >= half { s += v[(r - half) * n + c]; k += 1 }
                    if r + half < n { s += v[(r + half) * n + c]; k += 1 }
                    if c >= half { s += v[r * n + c - half]; k += 1 }
                    if c + half < n { s += v[r * n + c + half]; k += 1 }
                    v[r * n + c] = s / k + Float(rng.uniform(-scale, scale))
                    c += step
                }
                r += half
            }
            scale *= factor
            step = half
        }
        let lo = v.min() ?? 0, hi = v.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        for i in 0..<v.count { v[i] = (v[i] - lo) / span }
        values = v
    }

    /// Field value at a map point (clamped at the lattice border).
    @inline(__always)
    public func sample(_ x: Double, _ y: Double) -> Float {
        let fx = min(max((x - west) / spacing, 0), Double(size - 1) - 1e-9)
        let fy = min(max((y - south) / spacing, 0), Double(size - 1) - 1e-9)
        let c = Int(fx), r = Int(fy)
        let tx = Float(fx - Double(c)), ty = Float(fy - Double(r))
        let i = r * size + c
        let a = values[i], b = values[i + 1], d = values[i + size], e = values[i + size + 1]
        return (a * (1 - tx) + b * tx) * (1 - ty) + (d * (1 - tx) + e * tx) * ty
    }
}

/// A fractal field of any extent made of independent midpoint-displacement tiles of a fixed span,
/// overlapping by half and blended with tent weights (variance-preserving), so that patterns keep the
/// same physical scale — woods of a few km — in a 20 km and in a 100 km territory.
public struct TiledFractalField: Sendable {
    let tiles: [MidpointDisplacementField]
    let tilesX: Int
    let half: Double
    let west: Double, south: Double

    public init(west: Double, south: Double, width: Double, height: Double, span: Double, maxSpacing: Double,
                roughness: Double, rng: inout SeededGenerator) {
        half = span / 2
        self.west = west; self.south = south
        tilesX = Int((width / half).rounded(.up)) + 1
        let tilesY = Int((height / half).rounded(.up)) + 1
        var t: [MidpointDisplacementField] = []
        for j in 0..<tilesY {
            for i in 0..<tilesX {
                t.append(MidpointDisplacementField(west: west + Double(i - 1) * half, south: south + Double(j - 1) * half,
                                                   width: span, height: span, maxSpacing: maxSpacing, roughness: roughness, rng: &rng))
            }
        }
        tiles = t
    }

    @inline(__always)
    public func sample(_ x: Double, _ y: Double) -> Float {
        let fx = max(0, (x - west) / half), fy = max(0, (y - south) / half)
        let i = min(Int(fx), tilesX - 2), j = min(Int(fy), tiles.count / tilesX - 2)
        let ax = fx - Double(i), ay = fy - Double(j)
        // Tile (i, j) is centred at (i·half, j·half); weights are tents that sum to 1 along each axis.
        // The four tiles in order, without arrays (this runs for every cell of a region).
        var s = 0.0, n = 0.0
        func add(_ w: Double, _ k: Int) {
            guard w > 0 else { return }
            s += w * (Double(tiles[k].sample(x, y)) - 0.5)
            n += w * w
        }
        add((1 - ax) * (1 - ay), j * tilesX + i)
        add(ax * (1 - ay), j * tilesX + i + 1)
        add((1 - ax) * ay, (j + 1) * tilesX + i)
        add(ax * ay, (j + 1) * tilesX + i + 1)
        return Float(0.5 + s / n.squareRoot())
    }

    public func quantile(_ q: Double, west w: Double, south s: Double, east e: Double, north n: Double) -> Float {
        var sample: [Float] = []
        let k = 200
        for a in 0..<k {
            for b in 0..<k {
                sample.append(self.sample(w + (e - w) * (Double(a) + 0.5) / Double(k), s + (n - s) * (Double(b) + 0.5) / Double(k)))
            }
        }
        sample.sort()
        return sample[min(sample.count - 1, max(0, Int(q * Double(sample.count))))]
    }
}

/// A fractal polyline between two points by 1-D midpoint displacement: each segment's midpoint
/// moves sideways by a random fraction `amplitude` of the segment's length, `levels` times.
/// Rivers use a large amplitude (meanders), roads and canals a small one.
func fractalLine(from a: Point, to b: Point, amplitude: Double, levels: Int, rng: inout SeededGenerator) -> [Point] {
    var pts = [a, b]
    for _ in 0..<levels {
        var next: [Point] = [pts[0]]
        for i in 1..<pts.count {
            let p = pts[i - 1], q = pts[i]
            let dx = q.x - p.x, dy = q.y - p.y
            let len = (dx * dx + dy * dy).squareRoot()
            let off = rng.uniform(-amplitude, amplitude) * len
            let nx = len > 0 ? -dy / len : 0, ny = len > 0 ? dx / len : 0
            next.append(Point((p.x + q.x) / 2 + nx * off, (p.y + q.y) / 2 + ny * off))
            next.append(q)
        }
        pts = next
    }
    return pts
}

import Foundation
