import Foundation
import TrameGDAL
import TrameMaps
import TrameScheme
import TrameVector

/// Map tiles (256 × 256 PNG, Web Mercator, the z/x/y scheme of OpenStreetMap and Leaflet) rendered
/// from the scheme's COG rasters: each tile reads the window it covers, resampled so that GDAL can
/// use the COG's overviews, and colours it with the raster's ramp. Open rasters and the CRS
/// transformation are kept in a pool of workspaces, one per concurrent request.
public final class TileRenderer: @unchecked Sendable {
    let site: SchemeSite
    let colours: [String: RGB]
    private var pool: [Workspace] = []
    private let lock = NSLock()
    /// A fully transparent tile.
    public let emptyTile: [UInt8]

    final class Workspace {
        var readers: [String: RasterWindowReader] = [:]
        /// Web Mercator → the scheme's CRS (tiles), and WGS 84 → the scheme's CRS (clicked points).
        let toScheme: CoordinateTransformer
        let fromWGS84: CoordinateTransformer
        init(crsWKT: String) throws {
            guard let crs = SpatialReference.fromWKT(crsWKT) else { throw GeodataError("", "the scheme's rasters have no CRS") }
            toScheme = try CoordinateTransformer(from: try SpatialReference(epsg: 3857), to: crs)
            fromWGS84 = try CoordinateTransformer(from: try SpatialReference(epsg: 4326), to: crs)
        }
        func reader(_ r: RasterLayer) throws -> RasterWindowReader {
            if let x = readers[r.name] { return x }
            let x = try RasterWindowReader(r.path)
            readers[r.name] = x
            return x
        }
    }

    /// - Parameter colours: sub-network colours (corridor rasters are drawn in them).
    public init(site: SchemeSite, colours: [String: RGB]) {
        self.site = site; self.colours = colours
        emptyTile = PNGEncoder.encode(argb: [UInt32](repeating: 0, count: 256 * 256), width: 256, height: 256)
    }

    /// Runs `body` with a workspace taken from the pool (created when none is free).
    func withWorkspace<R>(_ body: (Workspace) throws -> R) throws -> R {
        lock.lock()
        let w = pool.popLast()
        lock.unlock()
        let ws = try w ?? Workspace(crsWKT: site.crsWKT)
        defer { lock.lock(); pool.append(ws); lock.unlock() }
        return try body(ws)
    }

    /// The value of each raster of the given kinds at a point of the scheme's CRS (nil on NoData or outside).
    public func values(at p: Point, kinds: Set<RasterLayer.Kind>) throws -> [(raster: RasterLayer, value: Double?)] {
        try withWorkspace { ws in
            try site.rasters.filter { kinds.contains($0.kind) }.map { r in
                let reader = try ws.reader(r)
                let c = reader.spec.transform.fractionalCell(x: p.x, y: p.y)
                return (r, try reader.value(col: Int(c.col.rounded(.down)), row: Int(c.row.rounded(.down))))
            }
        }
    }

    static let earth = 2 * Double.pi * 6_378_137.0

    /// A tile; `z` 0…22, `x` and `y` within 0..<2^z (checked by the caller).
    public func tile(_ r: RasterLayer, z: Int, x: Int, y: Int) throws -> [UInt8] {
        let n = 16, side = 256
        let size = TileRenderer.earth / pow(2, Double(z))
        let minX = -TileRenderer.earth / 2 + Double(x) * size, maxY = TileRenderer.earth / 2 - Double(y) * size
        return try withWorkspace { ws in
            let reader = try ws.reader(r)
            let spec = reader.spec
            // Lattice of (n+1)² points transformed exactly; pixels are interpolated between them.
            var xs = [Double](), ys = [Double]()
            xs.reserveCapacity((n + 1) * (n + 1)); ys.reserveCapacity((n + 1) * (n + 1))
            for j in 0...n { for i in 0...n { xs.append(minX + Double(i) / Double(n) * size); ys.append(maxY - Double(j) / Double(n) * size) } }
            ws.toScheme.transform(xs: &xs, ys: &ys)
            var cols = [Double](repeating: .nan, count: xs.count), rows = cols
            var c0 = Double.infinity, c1 = -Double.infinity, r0 = Double.infinity, r1 = -Double.infinity
            for k in xs.indices where xs[k].isFinite {
                let f = spec.transform.fractionalCell(x: xs[k], y: ys[k])
                cols[k] = f.col; rows[k] = f.row
                c0 = min(c0, f.col); c1 = max(c1, f.col); r0 = min(r0, f.row); r1 = max(r1, f.row)
            }
            guard cols.allSatisfy(\.isFinite) else { return emptyTile }
            let wc0 = max(0, Int(c0.rounded(.down))), wc1 = min(spec.cols, Int(c1.rounded(.up)))
            let wr0 = max(0, Int(r0.rounded(.down))), wr1 = min(spec.rows, Int(r1.rounded(.up)))
            guard wc1 > wc0, wr1 > wr0 else { return emptyTile }
            let wc = wc1 - wc0, wr = wr1 - wr0
            // Cells per output pixel from the whole tile's span (not the part clipped to the raster), so that
            // neighbouring tiles read the same overview and show no seam.
            let factor = max(1.0, max(c1 - c0, r1 - r0) / 384)
            let bw = max(1, Int((Double(wc) / factor).rounded(.up))), bh = max(1, Int((Double(wr) / factor).rounded(.up)))
            let buf = try reader.read(col: wc0, row: wr0, cols: wc, rows: wr, outCols: bw, outRows: bh)
            let lut = colourTable(r)
            let (lo, hi) = rampEnds(r)
            let nd: Float? = reader.noData.map { Float($0) }
            var pixels = [UInt32](repeating: 0, count: side * side)
            let step = Double(side) / Double(n)
            for py in 0..<side {
                let fy = (Double(py) + 0.5) / step
                let j = min(n - 1, Int(fy)), ty = fy - Double(j)
                for px in 0..<side {
                    let fx = (Double(px) + 0.5) / step
                    let i = min(n - 1, Int(fx)), tx = fx - Double(i)
                    let a = j * (n + 1) + i, b = a + 1, c = a + n + 1, d = c + 1
                    let col = (cols[a] * (1 - tx) + cols[b] * tx) * (1 - ty) + (cols[c] * (1 - tx) + cols[d] * tx) * ty
                    let row = (rows[a] * (1 - tx) + rows[b] * tx) * (1 - ty) + (rows[c] * (1 - tx) + rows[d] * tx) * ty
                    guard col >= Double(wc0), col < Double(wc1), row >= Double(wr0), row < Double(wr1) else { continue }
                    let bi = min(bw - 1, Int((col - Double(wc0)) / Double(wc) * Double(bw)))
                    let bj = min(bh - 1, Int((row - Double(wr0)) / Double(wr) * Double(bh)))
                    let v = buf[bj * bw + bi]
                    if v.isNaN || v == nd { continue }
                    pixels[py * side + px] = lut[index(Double(v), lo: lo, hi: hi, kind: r.kind)]
                }
            }
            return PNGEncoder.encode(argb: pixels, width: side, height: side)
        }
    }

    /// The ramp's ends in the ramp's own scale (log for resistance and current, square root for cost).
    func rampEnds(_ r: RasterLayer) -> (Double, Double) {
        switch r.kind {
        case .resistance, .current:
            let lo = log10(max(r.range.min, r.kind == .current ? max(r.range.max, 1e-12) * 1e-4 : 1e-6))
            return (lo, max(lo + 1e-9, log10(max(r.range.max, 1e-12))))
        case .costDistance: return (0, max(1e-9, r.range.max.squareRoot()))
        default: return (r.range.min, max(r.range.min + 1e-9, r.range.max))
        }
    }

    @inline(__always) func index(_ v: Double, lo: Double, hi: Double, kind: RasterLayer.Kind) -> Int {
        let s: Double
        switch kind {
        case .resistance, .current: s = log10(max(v, 1e-300))
        case .costDistance: s = max(v, 0).squareRoot()
        case .corridors: return v > 0 ? 255 : 0
        case .natureSpaces: return v >= 0.5 && v < 1.5 ? 1 : (v >= 1.5 && v < 2.5 ? 2 : 0)
        default: s = v
        }
        return min(255, max(0, Int((s - lo) / (hi - lo) * 255)))
    }

    /// 256 colours (premultiplied ARGB) per raster kind; the legend of the web page uses the same stops.
    func colourTable(_ r: RasterLayer) -> [UInt32] {
        switch r.kind {
        case .natureSpaces:
            var t = [UInt32](repeating: 0, count: 256)
            t[1] = PNGEncoder.argb(Palette.major.r, Palette.major.g, Palette.major.b, alpha: 200)
            t[2] = PNGEncoder.argb(Palette.mixed.r, Palette.mixed.g, Palette.mixed.b, alpha: 200)
            return t
        case .corridors:
            let c = r.subNetwork.flatMap { colours[$0] } ?? RGB(120, 120, 120)
            var t = [UInt32](repeating: 0, count: 256)
            t[255] = PNGEncoder.argb(c.r, c.g, c.b, alpha: 170)
            return t
        case .bufferZones:
            let c = Palette.buffer
            var t = [UInt32](repeating: 0, count: 256)
            for k in 1..<256 { t[k] = PNGEncoder.argb(c.r, c.g, c.b, alpha: UInt8(40 + k * 160 / 255)) }
            return t
        default:
            let stops = TileRenderer.ramps[r.kind] ?? TileRenderer.ramps[.costDistance]!
            return (0..<256).map { k in
                let t = Double(k) / 255 * Double(stops.count - 1)
                let i = min(stops.count - 2, Int(t)), f = t - Double(i)
                let a = stops[i], b = stops[i + 1]
                func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - f) + Double(y) * f).rounded()) }
                return PNGEncoder.argb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b), alpha: 190)
            }
        }
    }

    /// Colour ramps: resistance green → yellow → red (log scale), cost distance viridis (square-root
    /// scale), current plasma (log scale).
    public static let ramps: [RasterLayer.Kind: [RGB]] = [
        .resistance: [RGB(26, 152, 80), RGB(254, 224, 139), RGB(215, 48, 39)],
        .costDistance: [RGB(68, 1, 84), RGB(49, 104, 142), RGB(53, 183, 121), RGB(253, 231, 37)],
        .current: [RGB(13, 8, 135), RGB(204, 71, 120), RGB(240, 249, 33)],
    ]
}
