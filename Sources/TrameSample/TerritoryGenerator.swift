import Foundation
import TrameRaster
import TrameVector

/// Generates, deterministically from a seed, a territory modelled on a former coal-mining basin.
///
/// The recipe, from the broad to the fine:
/// 1. fractal fields (midpoint displacement) for relief, woodland, farming, wetness and urban texture;
/// 2. a coalfield axis running west–east with a chain of mining towns, pits, slag heaps (terrils)
///    and the old colliery railways (cavaliers) joining the pits;
/// 3. chalk hills to the south where dry calcareous grassland holds the steep slopes, quarries;
/// 4. rivers flowing north across the basin with wet margins and subsidence ponds, a canal;
/// 5. motorways, railways and roads between towns, hedges in the farmland;
/// 6. the partners' layers: nature inventories, communes and groupings, paths and leisure hubs.
///
/// - Complexity: O(cells) for the raster, done in parallel over row bands.
public struct TerritoryGenerator {
    public let size: TerritorySize
    public let seed: UInt64
    public let crsWKT: String
    public let cellSize = 10.0

    public init(size: TerritorySize, seed: UInt64, crsWKT: String) {
        self.size = size; self.seed = seed; self.crsWKT = crsWKT
    }

    // MARK: Layout objects

    struct Town { var centre: Point; var radius: Double; var name: String; var isVillage: Bool }
    struct Pit { var centre: Point; var terrils: [(Point, Double)] }

    public func generate(progress: (String) -> Void = { _ in }) -> SampleTerritory {
        var rng = SeededGenerator(seed: seed)
        let (cols, rows, west, north) = size.layout
        let width = Double(cols) * cellSize, height = Double(rows) * cellSize
        let south = north - height, east = west + width
        let spec = GridSpec(cols: cols, rows: rows, transform: GeoTransform(west: west, north: north, cellSize: cellSize), crsWKT: crsWKT)

        progress("fractal fields")
        var frng = rng.fork()
        func field(_ spacing: Double, _ h: Double) -> TiledFractalField {
            TiledFractalField(west: west, south: south, width: width, height: height, span: 20_480, maxSpacing: spacing, roughness: h, rng: &frng)
        }
        let relief = field(40, 0.9)
        let woods = field(40, 0.55)
        let farming = field(40, 0.45)
        let wetness = field(40, 0.5)
        let urbanTexture = field(20, 0.35)

        // Coalfield axis: a gentle west–east curve a little north of the middle.
        var arng = rng.fork()
        let phase = arng.uniform(0, 2 * .pi)
        let axisAmp = min(height * 0.12, 3000)
        let axisY0 = south + height * arng.uniform(0.5, 0.6)
        let axisTilt = arng.uniform(-0.05, 0.05)
        func axisY(_ x: Double) -> Double {
            axisY0 + axisAmp * sin(2 * .pi * (x - west) / 45_000 + phase) + axisTilt * (x - west - width / 2)
        }

        // Towns along the axis, villages in the countryside.
        progress("towns, pits and slag heaps")
        var trng = rng.fork()
        var names = CommuneNames(rng: trng.fork())
        var towns: [Town] = []
        var x = west + trng.uniform(1000, 3000)
        while x < east - 800 {
            let y = axisY(x) + trng.normal() * 900
            towns.append(Town(centre: Point(x, min(max(y, south + 800), north - 800)), radius: trng.uniform(900, 2000), name: names.next(), isVillage: false))
            x += trng.uniform(2600, 4600)
        }
        let villageCount = Int(width * height / 16_000_000)
        for _ in 0..<villageCount {
            let p = Point(trng.uniform(west + 500, east - 500), trng.uniform(south + 500, north - 500))
            if towns.contains(where: { $0.centre.distance(to: p) < $0.radius + 1500 }) { continue }
            towns.append(Town(centre: p, radius: trng.uniform(250, 550), name: names.next(), isVillage: true))
        }

        // Pits along the axis, each with one or two slag heaps.
        var pits: [Pit] = []
        x = west + trng.uniform(500, 1500)
        while x < east - 500 {
            let c = Point(x, axisY(x) + trng.normal() * 1500)
            var terrils: [(Point, Double)] = []
            for _ in 0..<(trng.unit() < 0.4 ? 2 : 1) {
                let a = trng.uniform(0, 2 * .pi), d = trng.uniform(150, 450)
                terrils.append((Point(c.x + d * cos(a), c.y + d * sin(a)), trng.uniform(120, 320)))
            }
            pits.append(Pit(centre: c, terrils: terrils))
            x += trng.uniform(1200, 2600)
        }

        // Linear features (map coordinates).
        progress("rivers, canal, railways and roads")
        var lrng = rng.fork()
        var rivers: [[Point]] = []
        let riverCount = max(2, Int(width / 25_000) + 1)
        for k in 0..<riverCount {
            let x0 = west + width * (Double(k) + lrng.uniform(0.2, 0.8)) / Double(riverCount)
            let x1 = x0 + lrng.uniform(-0.15, 0.15) * width / Double(riverCount)
            rivers.append(fractalLine(from: Point(x0, south - 200), to: Point(x1, north + 200), amplitude: 0.22, levels: 9, rng: &lrng))
        }
        let canalY = axisY0 + height * 0.18
        let canal = fractalLine(from: Point(west - 200, canalY + lrng.uniform(-800, 800)),
                                to: Point(east + 200, canalY + lrng.uniform(-800, 800)), amplitude: 0.03, levels: 5, rng: &lrng)
        // Cavaliers: from each pit to the next along the axis, and some to the canal.
        var cavaliers: [[Point]] = []
        for i in 1..<max(pits.count, 1) {
            let a = pits[i - 1].centre, b = pits[i].centre
            if a.distance(to: b) < 4000 { cavaliers.append(fractalLine(from: a, to: b, amplitude: 0.08, levels: 5, rng: &lrng)) }
        }
        for p in pits where lrng.unit() < 0.3 {
            let target = nearestPoint(on: canal, to: p.centre)
            if target.distance(to: p.centre) < 6000 {
                cavaliers.append(fractalLine(from: p.centre, to: target, amplitude: 0.06, levels: 4, rng: &lrng))
            }
        }
        // Railways in service: one along the basin, one crossing it.
        var railways: [[Point]] = []
        railways.append(fractalLine(from: Point(west - 200, axisY(west) - 600), to: Point(east + 200, axisY(east) - 400), amplitude: 0.03, levels: 6, rng: &lrng))
        let rx = west + width * lrng.uniform(0.25, 0.45)
        railways.append(fractalLine(from: Point(rx, south - 200), to: Point(rx + width * 0.2, north + 200), amplitude: 0.04, levels: 6, rng: &lrng))
        // Motorways: one along the basin north of the towns, one north–south.
        var motorways: [[Point]] = []
        motorways.append(fractalLine(from: Point(west - 200, axisY(west) + 2500), to: Point(east + 200, axisY(east) + 2200), amplitude: 0.02, levels: 5, rng: &lrng))
        let mx = west + width * lrng.uniform(0.55, 0.75)
        motorways.append(fractalLine(from: Point(mx, south - 200), to: Point(mx - width * 0.05, north + 200), amplitude: 0.02, levels: 5, rng: &lrng))
        // Roads: each settlement to its two nearest neighbours.
        var roads: [[Point]] = []
        var linked = Set<[Int]>()
        for (i, t) in towns.enumerated() {
            let near = towns.indices.filter { $0 != i }.sorted { towns[$0].centre.distance(to: t.centre) < towns[$1].centre.distance(to: t.centre) }.prefix(2)
            for j in near where !linked.contains([min(i, j), max(i, j)]) {
                linked.insert([min(i, j), max(i, j)])
                roads.append(fractalLine(from: t.centre, to: towns[j].centre, amplitude: 0.06, levels: 5, rng: &lrng))
            }
        }

        // MARK: Raster
        progress("land cover")
        var lc = Grid<UInt8>(spec: spec, fill: LandCoverClass.arableCrops.rawValue, noData: 0)
        func q(_ f: TiledFractalField, _ p: Double) -> Float { f.quantile(p, west: west, south: south, east: east, north: north) }
        let woodT = q(woods, 0.90), copseT = q(woods, 0.84)
        let wetT = q(wetness, 0.45)
        let texLo = q(urbanTexture, 0.12), texHi = q(urbanTexture, 0.93)
        let fields = ParcelPattern(size: 260, salt: seed &+ 11)
        let blocks = ParcelPattern(size: 90, salt: seed &+ 12)
        let townsC = towns
        // Relief: chalk hills rise to the south (nearer the axis in a territory under 10 km high).
        let chalkRise = min(3000, height * 0.3), chalkEdge = min(2500, height * 0.25)
        func elevation(_ x: Double, _ y: Double) -> Double {
            Double(relief.sample(x, y)) * 60 + max(0, (axisY(x) - chalkRise - y)) * 0.012
        }
        let rowsPerBand = 64
        let bands = (rows + rowsPerBand - 1) / rowsPerBand
        let salt = seed
        lc.values.withUnsafeMutableBufferPointer { buf in
            let out = UnsafeMutableBufferPointer(start: buf.baseAddress, count: buf.count)
            Workers.perform(parts: bands) { band in
                let r0 = band * rowsPerBand, r1 = min(rows, r0 + rowsPerBand)
                for r in r0..<r1 {
                    let y = north - (Double(r) + 0.5) * cellSize
                    // Urban intensity depends on the few towns near this row, and of those only on the ones
                    // near the cell (|dx| < 1.5 r √6 where d² < 6 can hold), found in a window sliding along x.
                    let nearTowns = townsC.filter { abs($0.centre.y - y) < $0.radius * 2.5 }.sorted { $0.centre.x < $1.centre.x }
                    let reachX = (nearTowns.map(\.radius).max() ?? 0) * 1.5 * 2.5
                    var first = 0
                    for c in 0..<cols {
                        let x = west + (Double(c) + 0.5) * cellSize
                        let i = r * cols + c
                        let jitter = (cellHash(i, salt) - 0.5) * 0.04
                        let tex = urbanTexture.sample(x, y)
                        var u = 0.0
                        while first < nearTowns.count && nearTowns[first].centre.x < x - reachX { first += 1 }
                        for t in nearTowns[first...] {
                            if t.centre.x > x + reachX { break }
                            // Towns stretch along the coalfield (wider east–west than north–south).
                            let dx = (x - t.centre.x) / 1.5, dy = y - t.centre.y
                            let d2 = (dx * dx + dy * dy) / (t.radius * t.radius)
                            if d2 < 6 { u = max(u, exp(-d2) * (t.isVillage ? 0.8 : 1.0)) }
                        }
                        let b = blocks.parcel(x, y)
                        u += (Double(tex) - 0.5) * 0.9 + (b.id - 0.5) * 0.35
                        var cls: LandCoverClass
                        if u > 0.72 {
                            cls = tex < texLo ? .industrial : (b.id < 0.04 ? .urbanPark : .denseUrban)
                        } else if u > 0.4 {
                            cls = tex < texLo ? .industrial : (b.id < 0.06 || tex > texHi ? .urbanPark : .lowDensityUrban)
                        } else {
                            let w = woods.sample(x, y) + jitter
                            let f = fields.parcel(x, y)
                            if w > woodT {
                                cls = .broadleafWoodland
                            } else if w > copseT && f.id < 0.35 {
                                cls = .hedgesAndCopses
                            } else {
                                // Steep chalk slopes south of the basin keep dry grassland. (Slope and elevation,
                                // five samples of the relief, are worked out on the chalk only.)
                                let chalk = y < axisY(x) - chalkEdge
                                // Wetter, hillier land is grazed; flat open land is ploughed.
                                let pGrass = 0.12 + 0.5 * Double(wetness.sample(x, y)) * Double(farming.sample(x, y)) * 2
                                if chalk && abs(elevation(x + 40, y) - elevation(x - 40, y)) + abs(elevation(x, y + 40) - elevation(x, y - 40)) > 2.2
                                    && farming.sample(x - 5000, y) > 0.35 {
                                    cls = .dryCalcareousGrassland
                                } else if chalk && elevation(x, y) > 70 && urbanTexture.sample(x - 9000, y + 4000) > 0.94 {
                                    cls = .quarry
                                } else if f.edge < 7 && f.id < pGrass + 0.25 && cellHash(i >> 2, salt &+ 5) < 0.9 {
                                    cls = .hedgesAndCopses
                                } else {
                                    cls = f.id < pGrass ? .grassland : .arableCrops
                                }
                            }
                        }
                        out[i] = cls.rawValue
                    }
                }
            }
        }

        progress("water, mining heritage and transport")
        var painter = GridPainter(grid: lc)
        // Wet margins along rivers, then the rivers, ponds and the canal.
        for river in rivers {
            painter.stamp(line: river, halfWidth: 220) { p, cls, i, d in
                guard d < 40 + 200 * Double(wetness.sample(p.x + 3000, p.y)), cls == LandCoverClass.arableCrops.rawValue || cls == LandCoverClass.grassland.rawValue || cls == LandCoverClass.hedgesAndCopses.rawValue else { return nil }
                let w = wetness.sample(p.x, p.y)
                if w > wetT + 0.3 { return LandCoverClass.pondOrSubsidenceLake.rawValue }
                if w > wetT { return LandCoverClass.wetland.rawValue }
                return LandCoverClass.grassland.rawValue
            }
            painter.stamp(line: river, halfWidth: 9, value: LandCoverClass.riverOrCanal.rawValue)
        }
        painter.stamp(line: canal, halfWidth: 16, value: LandCoverClass.riverOrCanal.rawValue)
        // Slag heaps (noisy cones), subsidence ponds and the colliery railways.
        for pit in pits {
            for (c, radius) in pit.terrils {
                painter.blob(centre: c, radius: radius, elongation: lrng.uniform(1, 2.2), rng: &lrng, value: LandCoverClass.slagHeap.rawValue)
            }
            if lrng.unit() < 0.45 {
                let a = lrng.uniform(0, 2 * .pi), d = lrng.uniform(400, 900)
                painter.blob(centre: Point(pit.centre.x + d * cos(a), pit.centre.y + d * sin(a)), radius: lrng.uniform(80, 260),
                             elongation: lrng.uniform(1, 2.5), rng: &lrng, value: LandCoverClass.pondOrSubsidenceLake.rawValue)
            }
            // Former pit heads: activity zones and brownfields.
            if lrng.unit() < 0.5 {
                painter.blob(centre: pit.centre, radius: lrng.uniform(150, 400), elongation: lrng.uniform(1, 2), rng: &lrng,
                             value: LandCoverClass.industrial.rawValue)
            }
        }
        for cav in cavaliers {
            // Cavaliers: a dry track lined with scrub.
            painter.stamp(line: cav, halfWidth: 14) { _, cls, _, _ in
                cls == LandCoverClass.riverOrCanal.rawValue ? nil : LandCoverClass.hedgesAndCopses.rawValue
            }
            painter.stamp(line: cav, halfWidth: 6) { _, cls, _, _ in
                cls == LandCoverClass.riverOrCanal.rawValue ? nil : LandCoverClass.collieryRailway.rawValue
            }
        }
        // Hedges along field edges in the farmland.
        var hrng = rng.fork()
        let hedgeCount = Int(width * height / 1_500_000)
        var hedges: [[Point]] = []
        for _ in 0..<hedgeCount {
            let p = Point(hrng.uniform(west, east), hrng.uniform(south, north))
            guard let cell = spec.cell(x: p.x, y: p.y), [LandCoverClass.arableCrops.rawValue, LandCoverClass.grassland.rawValue].contains(lc[cell.col, cell.row]) else { continue }
            let a = hrng.unit() < 0.5 ? hrng.uniform(-0.2, 0.2) : .pi / 2 + hrng.uniform(-0.2, 0.2)
            let len = hrng.uniform(200, 700)
            let q = Point(p.x + len * cos(a), p.y + len * sin(a))
            let line = fractalLine(from: p, to: q, amplitude: 0.03, levels: 3, rng: &hrng)
            hedges.append(line)
            painter.stamp(line: line, halfWidth: 4) { _, cls, _, _ in
                cls == LandCoverClass.arableCrops.rawValue || cls == LandCoverClass.grassland.rawValue ? LandCoverClass.hedgesAndCopses.rawValue : nil
            }
        }
        // Transport over everything (bridges over water).
        for r in roads { painter.stamp(line: r, halfWidth: 5, value: LandCoverClass.otherRoad.rawValue) }
        for r in railways { painter.stamp(line: r, halfWidth: 7, value: LandCoverClass.activeRailway.rawValue) }
        for m in motorways { painter.stamp(line: m, halfWidth: 17, value: LandCoverClass.motorway.rawValue) }
        lc = painter.grid

        // MARK: Vector layers
        progress("partners' layers")
        var vrng = rng.fork()
        let layers = PartnerLayers(spec: spec, landCover: lc, towns: towns, pits: pits, rivers: rivers, canal: canal,
                                   cavaliers: cavaliers, railways: railways, motorways: motorways, roads: roads,
                                   hedges: hedges, crsWKT: crsWKT)
        return layers.make(rng: &vrng, landCover: lc)
    }
}

/// Nearest vertex of a polyline to a point.
func nearestPoint(on line: [Point], to p: Point) -> Point {
    line.min { $0.distance(to: p) < $1.distance(to: p) } ?? p
}
