/// Field parcels as a jittered Voronoi tessellation (Worley's cellular noise, 1996): each point belongs
/// to the parcel of the nearest of a set of seeds scattered one per `size` × `size` square.
///
/// `parcel(x, y)` gives a stable hash of the parcel (to pick its crop) and how close the point is to
/// the parcel's edge (the difference between the distances to the two nearest seeds, in metres),
/// which places hedges along field boundaries.
struct ParcelPattern: Sendable {
    let size: Double
    let salt: UInt64

    @inline(__always)
    func hash(_ gx: Int, _ gy: Int, _ k: UInt64) -> Double {
        var z = UInt64(bitPattern: Int64(gx &* 73_856_093 ^ gy &* 19_349_663)) &+ (salt &+ k) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
    }

    @inline(__always)
    func parcel(_ x: Double, _ y: Double) -> (id: Double, edge: Double) {
        let fx = x / size, fy = y / size
        let gx = Int(fx.rounded(.down)), gy = Int(fy.rounded(.down))
        var d1 = Double.infinity, d2 = Double.infinity
        var best = (0, 0)
        for oy in -1...1 {
            for ox in -1...1 {
                let cx = gx + ox, cy = gy + oy
                // Stretch seeds a little east–west: fields in the region are longer than wide.
                let sx = (Double(cx) + hash(cx, cy, 1)) * size, sy = (Double(cy) + hash(cx, cy, 2)) * size
                let dx = (x - sx) * 0.7, dy = y - sy
                let d = (dx * dx + dy * dy).squareRoot()
                if d < d1 { d2 = d1; d1 = d; best = (cx, cy) } else if d < d2 { d2 = d }
            }
        }
        return (hash(best.0, best.1, 3), d2 - d1)
    }
}
