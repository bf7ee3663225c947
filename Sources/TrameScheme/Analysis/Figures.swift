import Foundation
import TrameRaster
import TrameVector

/// The figures of one unit (the territory, a commune or a grouping of communes).
public struct UnitFigures: Sendable {
    /// "territory", "commune" or "grouping".
    public var level: String
    public var name: String
    public var areaHa = 0.0
    public var natureHa = 0.0
    public var majorHa = 0.0
    public var mixedHa = 0.0
    /// Per sub-network (in the project's order).
    public var reservoirHa: [Double]
    public var corridorHa: [Double]
    public var corridorKm: [Double]
    public var pc: [Double]
    public var ec: [Double]
    /// Area in a corridor of any sub-network (each cell counted once).
    public var anyCorridorHa = 0.0
    /// Per management regime (in the project's order): the area of the nature spaces, and of the corridors
    /// outside them, it applies to.
    public var managementHa: [Double] = []
    public var bufferHa = 0.0
    public var roadKm = 0.0
    public var railwayKm = 0.0
    public var itineraryKm = 0.0
    /// Named itineraries (km), and the km of them inside each sub-network's corridors (by its name).
    public var namedItineraryKm = 0.0
    public var sharedKm: [String: Double] = [:]
    /// Conflict points of every kind.
    public var conflicts = 0
    /// Conflict points with roads (crossings and roads along a corridor), with railways, with built-up land.
    public var roadConflicts = 0
    public var railwayConflicts = 0
    public var builtUpConflicts = 0
    public var leisureHubs = 0
    /// Leisure hubs of regional and of community stake (when the project names a stake field).
    public var regionalHubs = 0
    public var communityHubs = 0
    /// Hydrography (the first sub-network built on the watercourses): km of watercourse, km in good
    /// continuity, obstacles placed on the watercourses.
    public var watercourseKm = 0.0
    public var continuityKm = 0.0
    public var obstacles = 0

    public init(level: String, name: String, subNetworks: Int) {
        self.level = level; self.name = name
        reservoirHa = Array(repeating: 0, count: subNetworks); corridorHa = reservoirHa; corridorKm = reservoirHa
        pc = reservoirHa; ec = reservoirHa
    }

    public var natureShare: Double { areaHa > 0 ? natureHa / areaHa : 0 }
    /// Road conflict points per km of road, railway conflict points per km of railway (nil without roads, railways).
    public var roadConflictsPerKm: Double? { roadKm > 0 ? Double(roadConflicts) / roadKm : nil }
    public var railwayConflictsPerKm: Double? { railwayKm > 0 ? Double(railwayConflicts) / railwayKm : nil }
    public var obstaclesPerKm: Double? { watercourseKm > 0 ? Double(obstacles) / watercourseKm : nil }
}

/// Tallies figures per unit from the scheme's grids, lines and points.
///
/// Units are numbered 1…U on a unit grid (0 = outside every unit); the territory is unit 0 of
/// the tally and counts every cell with data.
public struct FigureTally {
    public var units: [UnitFigures]
    /// Per cell, its unit in each level.
    let cells: UnitCells
    /// Per combination of units (`UnitCells.combinations`), the indices in `units` of its units, the territory first.
    let unitsOfCombination: [[Int]]
    let spec: GridSpec

    /// The units' areas are counted here, before any sub-network: per-unit PC divides by them.
    ///
    /// - Parameters:
    ///   - valid: per cell, whether it has data (the territory's area is the valid cells).
    ///   - levels: for each level (communes, groupings), its name and unit names, in the order of `cells`' levels.
    ///   - cells: per cell, its unit number in each level.
    public init(spec: GridSpec, valid: [Bool], territoryName: String, levels: [(level: String, names: [String])], cells: UnitCells, subNetworks: Int) {
        precondition(cells.levelCount == levels.count && cells.count == spec.count, "unit cells of \(cells.levelCount) levels for \(levels.count)")
        self.spec = spec
        var units = [UnitFigures(level: "territory", name: territoryName, subNetworks: subNetworks)]
        var offsets: [Int] = []
        for l in levels {
            offsets.append(units.count - 1)
            units += l.names.map { UnitFigures(level: l.level, name: $0, subNetworks: subNetworks) }
        }
        self.units = units
        self.cells = cells
        unitsOfCombination = cells.combinations.map { c in
            [0] + c.indices.filter { c[$0] > 0 }.map { offsets[$0] + Int(c[$0]) }
        }
        var perCombination = [Int](repeating: 0, count: cells.combinations.count)
        for i in 0..<spec.count where valid[i] { perCombination[cells.combination(at: i)] += 1 }
        var area = [Int](repeating: 0, count: units.count)
        for (k, n) in perCombination.enumerated() { for u in unitsOfCombination[k] { area[u] += n } }
        for u in units.indices { self.units[u].areaHa = Double(area[u]) * spec.cellArea / 10_000 }
    }

    /// The same from one grid of unit numbers per level (1…, 0 outside).
    public init(spec: GridSpec, valid: [Bool], territoryName: String, levels: [(level: String, grid: [UInt16], names: [String])], subNetworks: Int) {
        self.init(spec: spec, valid: valid, territoryName: territoryName, levels: levels.map { ($0.level, $0.names) },
                  cells: UnitCells(count: spec.count, levels: levels.map(\.grid)), subNetworks: subNetworks)
    }

    /// Indices in `units` of the units a cell belongs to (the territory first).
    @inline(__always) func unitsOf(_ i: Int, into out: inout [Int]) {
        out = unitsOfCombination[cells.combination(at: i)]
    }

    /// Areas: nature spaces by typology, buffer zones, and cells in any corridor.
    public mutating func addCells(valid: [Bool], typology: [UInt8], corridorAny: CellBits, buffer: [Int32]) {
        let cellHa = spec.cellArea / 10_000
        let U = units.count
        var major = [Int](repeating: 0, count: U), mixed = major, corr = major, buf = major
        var us: [Int] = []
        for i in 0..<spec.count where valid[i] {
            unitsOf(i, into: &us)
            let t = typology[i], c = !corridorAny.isEmpty(at: i), b = buffer[i] != 0
            for u in us {
                if t == Typology.major.rawValue { major[u] += 1 } else if t == Typology.mixed.rawValue { mixed[u] += 1 }
                if c { corr[u] += 1 }
                if b { buf[u] += 1 }
            }
        }
        for u in 0..<U {
            units[u].majorHa = Double(major[u]) * cellHa
            units[u].mixedHa = Double(mixed[u]) * cellHa
            units[u].natureHa = units[u].majorHa + units[u].mixedHa
            units[u].anyCorridorHa = Double(corr[u]) * cellHa
            units[u].bufferHa = Double(buf[u]) * cellHa
        }
    }

    /// Reservoir and corridor areas of sub-network `s`; returns per unit the area (ha) of each reservoir
    /// inside it, for `UnitConnectivity`.
    public mutating func addSubNetwork(_ s: Int, reservoirs: [Int32], corridor: [UInt8]) -> [[Int32: Double]] {
        let cellHa = spec.cellArea / 10_000
        let U = units.count
        var res = [Int](repeating: 0, count: U), corr = res
        var cellsPerUnit = [[Int32: Int]](repeating: [:], count: U)
        var us: [Int] = []
        for i in 0..<spec.count where reservoirs[i] > 0 || corridor[i] != 0 {
            unitsOf(i, into: &us)
            for u in us {
                if reservoirs[i] > 0 { res[u] += 1; cellsPerUnit[u][reservoirs[i], default: 0] += 1 }
                if corridor[i] != 0 { corr[u] += 1 }
            }
        }
        let perUnit = cellsPerUnit.map { $0.mapValues { Double($0) * cellHa } }
        for u in 0..<U {
            units[u].reservoirHa[s] = Double(res[u]) * cellHa
            units[u].corridorHa[s] = Double(corr[u]) * cellHa
        }
        return perUnit
    }

    /// Adds the length of lines to each unit they cross, cut in pieces of at most half a cell.
    public mutating func addLength(_ lines: [[Point]], to field: WritableKeyPath<UnitFigures, Double>, scale: Double = 1) {
        addLength(lines) { $0[keyPath: field] += $1 * scale }
    }

    /// Adds the length (m) of each piece of line to the units it lies in, through `add`.
    mutating func addLength(_ lines: [[Point]], _ add: (inout UnitFigures, Double) -> Void) {
        let step = abs(spec.transform.pixelWidth) / 2
        var us: [Int] = []
        for line in lines where line.count >= 2 {
            for k in 0..<(line.count - 1) {
                let a = line[k], b = line[k + 1]
                let len = a.distance(to: b)
                let pieces = max(1, Int((len / step).rounded(.up)))
                for p in 0..<pieces {
                    let t = (Double(p) + 0.5) / Double(pieces)
                    guard let c = spec.cell(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t) else { continue }
                    unitsOf(spec.index(col: c.col, row: c.row), into: &us)
                    for u in us { add(&units[u], len / Double(pieces)) }
                }
            }
        }
    }

    /// Adds the length of named itineraries inside the corridors of sub-network `name`, in km.
    public mutating func addSharedLength(_ name: String, lines: [[Point]]) {
        addLength(lines) { $0.sharedKm[name, default: 0] += $1 / 1000 }
    }

    /// Adds the corridor length of sub-network `s` (link lines), in km.
    public mutating func addCorridorLength(_ s: Int, lines: [[Point]]) {
        addLength(lines) { $0.corridorKm[s] += $1 / 1000 }
    }

    /// Counts the conflict points per unit, in all and by what they are with.
    public mutating func addConflicts(_ points: [ConflictPoint]) {
        addPoints(points.map(\.point), to: \.conflicts)
        addPoints(points.filter { $0.kind.infrastructure == "road" }.map(\.point), to: \.roadConflicts)
        addPoints(points.filter { $0.kind.infrastructure == "railway" }.map(\.point), to: \.railwayConflicts)
        addPoints(points.filter { $0.kind == .builtUp }.map(\.point), to: \.builtUpConflicts)
    }

    /// The hydrography's figures: watercourse km (every piece of line on the land cover, barrier classes
    /// included: `lines`), km in good continuity (the pieces of stretches whose reach is long enough), obstacles.
    public mutating func addHydrography(watercourse lines: [[Point]], continuity: [[Point]], obstacles: [Point]) {
        addLength(lines) { $0.watercourseKm += $1 / 1000 }
        addLength(continuity) { $0.continuityKm += $1 / 1000 }
        addPoints(obstacles, to: \.obstacles)
    }

    /// Counts points per unit.
    public mutating func addPoints(_ points: [Point], to field: WritableKeyPath<UnitFigures, Int>) {
        var us: [Int] = []
        for p in points {
            guard let c = spec.cell(x: p.x, y: p.y) else { continue }
            unitsOf(spec.index(col: c.col, row: c.row), into: &us)
            for u in us { units[u][keyPath: field] += 1 }
        }
    }
}

/// PC and EC of one unit (commune, grouping) for one sub-network.
///
/// Convention: the unit's habitat is the part of each reservoir that lies inside it (a reservoir astride two
/// communes counts in both, each for its own part), and connections go through the whole territory's graph (a
/// path between two of the unit's reservoirs may use stepping stones outside it, as the animals do):
/// PC_u = Σ_i Σ_j a_iu · a_ju · p*_ij / A_u², with a_iu the area (ha) of reservoir i inside unit u, A_u the
/// unit's area (ha) and p*_ij the maximum-product probability between i and j in the territory's graph (1 for
/// i = j); EC_u = √(Σ_i Σ_j a_iu · a_ju · p*_ij) = √PC_u · A_u (ha), the area of one reservoir that would give
/// the same connectivity. Why: the figures per unit then add up the way planners read them (EC_u ≤ the unit's
/// reservoir area, equal to it when all its reservoirs are one), and a commune is not penalised for a reservoir
/// cut by its boundary nor for a link that leaves it. The territory's own PC/EC are the sub-network's global ones.
public enum UnitConnectivity {
    /// - Parameters:
    ///   - nodes: reservoir count (ids 1…n); edges between ids with their cost.
    ///   - areas: per unit, area (ha) of each reservoir inside it.
    ///   - unitArea: per unit, its area (ha).
    public static func compute(nodes: Int, edges: [(Int32, Int32, Double)], alpha: Double,
                               areas: [[Int32: Double]], unitArea: [Double]) -> [(pc: Double, ec: Double)] {
        var adj = [[(Int, Double)]](repeating: [], count: nodes + 1)
        for (a, b, c) in edges { adj[Int(a)].append((Int(b), c)); adj[Int(b)].append((Int(a), c)) }
        // Shortest costs from every node that lies in some unit, only as far as p* stays meaningful.
        let needed = Set(areas.flatMap { $0.keys })
        var dist: [Int32: [Double]] = [:]
        let cutoff = -log(1e-12) / alpha
        for s in needed {
            var d = [Double](repeating: .infinity, count: nodes + 1)
            var heap = MinHeap()
            heap.push(0, Int(s))
            d[Int(s)] = 0
            while let (dv, v) = heap.pop() {
                if dv > d[v] || dv > cutoff { continue }
                for (u, c) in adj[v] where dv + c < d[u] { d[u] = dv + c; heap.push(d[u], u) }
            }
            dist[s] = d
        }
        return areas.indices.map { u in
            // In reservoir order, so that the sum (and its last digit) is the same at every run.
            let a = areas[u].sorted { $0.key < $1.key }
            guard unitArea[u] > 0, !a.isEmpty else { return (0, 0) }
            var num = 0.0
            for (i, ai) in a {
                let d = dist[i]!
                for (j, aj) in a where d[Int(j)].isFinite { num += ai * aj * exp(-alpha * d[Int(j)]) }
            }
            return (num / (unitArea[u] * unitArea[u]), num.squareRoot())
        }
    }
}
