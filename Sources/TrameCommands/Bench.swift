import ArgumentParser
import Foundation
import TrameCost
import TrameGDAL
import TrameGraph
import TramePublish
import TrameRaster
import TrameSample
import TrameScheme
import TrameVector

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks: figures for speed and memory (not tests).",
        subcommands: [BenchCostDistance.self, BenchLinks.self, BenchMetrics.self, BenchRouting.self, BenchCircuit.self, BenchServe.self, BenchDistance.self])
}

/// Peak resident memory (bytes) of the largest finished child process.
func childPeakBytes() -> Int {
    var u = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &u)
    return u.ru_maxrss * 1024
}

/// Runs a program, returns its wall time in seconds; throws with its stderr on failure.
@discardableResult
func timed(_ exe: String, _ args: [String], env: [String: String]? = nil) throws -> Double {
    try timedWithStderr(exe, args, env: env).seconds
}

/// Runs a program (stdout discarded), returns its wall time in seconds and its stderr; throws with its
/// stderr on failure.
func timedWithStderr(_ exe: String, _ args: [String], env: [String: String]? = nil) throws -> (seconds: Double, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    if let env { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    let t0 = Date()
    try p.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let t = Date().timeIntervalSince(t0)
    let text = String(decoding: data, as: UTF8.self)
    guard p.terminationStatus == 0 else {
        throw InputError("\(exe) \(args.prefix(3).joined(separator: " ")) failed: \(text.suffix(400))")
    }
    return (t, text)
}

func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

struct BenchCostDistance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "costdistance",
        abstract: "Time `trame costdistance` against GRASS r.cost on the same raster and sources.",
        discussion: """
        Builds a clustered resistance raster (midpoint displacement, 1–100, 2 % impassable) of --size × --size \
        cells of 10 m with --sources random sources, runs `trame costdistance` and, when GRASS is installed \
        (Debian grass-core), `r.cost` on the same data; prints both wall times and processor times, Trame's \
        stages (read, sources, search, write) and peak memory per cell, and the largest relative difference \
        (GRASS × cell size vs Trame). Each tool runs --runs times on the same files; the median run is \
        reported, with the fastest and slowest (a shared or virtual machine's timings vary by 10–20 %).
        """)

    @Option(help: "Raster side in cells.") var size = 4000
    @Option(help: "Runs of each tool; the median is reported.") var runs = 3
    @Option(help: "Number of sources.") var sources = 50
    @Option(help: "Neighbours: 8 or 16.") var neighbours = 8
    @Option(help: "Work folder, kept afterwards: new, empty or an earlier bench's (default: a temporary folder, removed afterwards).") var work: String?
    @Flag(help: "Skip GRASS even if installed.") var noGrass = false
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        try OptionRanges.count(size, option: "--size", OptionRanges.benchRasterSide)
        try OptionRanges.count(sources, option: "--sources", OptionRanges.benchSources)
        guard neighbours == 8 || neighbours == 16 else { throw ValidationError("--neighbours is 8 or 16") }
        guard (1...21).contains(runs) else { throw ValidationError("--runs is 1 to 21") }
    }

    /// The median of `runs` measurements (by `seconds`) and the range, as "0.62–0.71 s" (empty for one run).
    static func median<T>(_ xs: [(seconds: Double, value: T)]) -> (seconds: Double, value: T, range: String) {
        let sorted = xs.sorted { $0.seconds < $1.seconds }
        let m = sorted[sorted.count / 2]
        let range = sorted.count > 1 ? String(format: " (median of %d: %.2f–%.2f s)", sorted.count, sorted.first!.seconds, sorted.last!.seconds) : ""
        return (m.seconds, m.value, range)
    }

    func run() throws {
        let dir = work ?? NSTemporaryDirectory() + "trame-bench-\(getpid())"
        if let work {
            // --work is new, empty or an earlier bench's work folder (it replaces grassdb/ there).
            try OutputFolder.check(work, command: "bench costdistance", version: TrameVersion.current)
                .claim(files: ["resistance.tif", "sources.gpkg", "trame.tif", "grass.tif"], prefixes: ["grassdb/"])
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let f = { (n: String) in (dir as NSString).appendingPathComponent(n) }
        let wkt = try SpatialReference(epsg: 2154).wkt
        let west = 650_000.0, north = 7_060_000.0, cell = 10.0
        let spec = GridSpec(cols: size, rows: size, transform: GeoTransform(west: west, north: north, cellSize: cell), crsWKT: wkt)
        var rng = SeededGenerator(seed: seed)
        let field = TiledFractalField(west: west, south: north - Double(size) * cell, width: Double(size) * cell, height: Double(size) * cell,
                                      span: 20_480, maxSpacing: 40, roughness: 0.5, rng: &rng)
        var res = Grid<Float>(spec: spec, fill: 1, noData: -9999)
        let wall = field.quantile(0.98, west: west, south: north - Double(size) * cell, east: west + Double(size) * cell, north: north)
        for r in 0..<size {
            let y = north - (Double(r) + 0.5) * cell
            for c in 0..<size {
                let v = field.sample(west + (Double(c) + 0.5) * cell, y)
                res.values[r * size + c] = v > wall ? -9999 : min(100, max(1, 1 + (99 * v).rounded()))
            }
        }
        try RasterIO.write(res, to: f("resistance.tif"))
        var pts: [Point] = []
        while pts.count < sources {
            let c = Int(rng.next() % UInt64(size)), r = Int(rng.next() % UInt64(size))
            guard res.values[r * size + c] > 0 else { continue }
            let p = spec.transform.centre(col: c, row: r)
            pts.append(Point(p.x, p.y))
        }
        try VectorIO.write([VectorLayer(name: "sources", geometryKind: .point, fields: [FieldDefinition("id", .integer)],
                                        features: pts.enumerated().map { Feature(geometry: .point($1), attributes: ["id": .integer($0 + 1)]) },
                                        crsWKT: wkt)], to: f("sources.gpkg"))
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        print("Cost distance, \(size) × \(size) = \(res.count.formatted()) cells of 10 m, \(sources) sources, \(neighbours) neighbours")
        var trameRuns: [(seconds: Double, value: (stages: [(name: String, seconds: Double)], cpu: Double))] = []
        for _ in 0..<runs {
            let cpu = childCPUSeconds()
            let (t, stages) = try runTimed(exe, ["costdistance", "--resistance", f("resistance.tif"), "--sources", f("sources.gpkg"),
                                                 "--neighbours", String(neighbours), "-o", f("trame.tif"), "--quiet", "--timings"])
            trameRuns.append((t, (stages, childCPUSeconds() - cpu)))
        }
        let (tTrame, trameRun, trameRange) = Self.median(trameRuns)
        let (stages, cpuTrame) = trameRun
        let peak = childPeakBytes()
        print(String(format: "  trame costdistance   %7.2f s%@   peak memory %.0f MB = %.1f bytes per cell (whole process: read, compute, write)",
                     tTrame, trameRange, Double(peak) / 1e6, Double(peak) / Double(res.count)))
        let staged = stages.reduce(0) { $0 + $1.seconds }
        print("    stages: " + (stages.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }
                                + [String(format: "start and exit %.2f s", tTrame - staged)]).joined(separator: ", "))
        print(String(format: "    processor time %.2f s (user + system, all threads)", cpuTrame))
        guard !noGrass, let grass = which("grass") else {
            print("  GRASS r.cost         not run (install Debian grass-core, or drop --no-grass)")
            return
        }
        let loc = f("grassdb/bench")
        try? FileManager.default.removeItem(atPath: f("grassdb"))
        try FileManager.default.createDirectory(atPath: f("grassdb"), withIntermediateDirectories: true)
        try timed(grass, ["-c", f("resistance.tif"), "-e", loc])
        let mapset = loc + "/PERMANENT"
        try timed(grass, [mapset, "--exec", "r.in.gdal", "input=\(f("resistance.tif"))", "output=res", "--quiet"])
        try timed(grass, [mapset, "--exec", "g.region", "raster=res"])
        let coords = pts.map { "\($0.x),\($0.y)" }.joined(separator: ",")
        var args = [mapset, "--exec", "r.cost", "input=res", "output=cost", "start_coordinates=\(coords)", "--overwrite", "--quiet"]
        if neighbours == 16 { args.insert("-k", at: 3) }
        var grassRuns: [(seconds: Double, value: Double)] = []
        for _ in 0..<runs {
            let cpu = childCPUSeconds()
            let t = try timed(grass, args)
            grassRuns.append((t, childCPUSeconds() - cpu))
        }
        let (tGrass, cpuGrass, grassRange) = Self.median(grassRuns)
        try timed(grass, [mapset, "--exec", "r.out.gdal", "input=cost", "output=\(f("grass.tif"))", "type=Float64", "nodata=-1", "--quiet", "--overwrite", "-f"])
        let a = try RasterIO.read(f("trame.tif"), as: Double.self), b = try RasterIO.read(f("grass.tif"), as: Double.self)
        var worst = 0.0, mismatch = 0
        for i in 0..<a.count {
            let g = b.values[i], t = a.values[i]
            if b.isNoData(g) || g < 0 { if t >= 0 { mismatch += 1 }; continue }
            let e = g * cell
            worst = max(worst, e == 0 ? abs(t) : abs(t - e) / e)
        }
        print(String(format: "  GRASS r.cost         %7.2f s%@   (r.cost step only, import and export not counted)", tGrass, grassRange))
        print(String(format: "    processor time %.2f s (user + system, with the grass launcher)", cpuGrass))
        print(String(format: "  speed-up             %7.2f × wall, %.2f × processor time", tGrass / tTrame, cpuGrass / cpuTrame))
        print(String(format: "  largest difference   %.2e relative (GRASS × cell size vs Trame); %d cells reached by one and not the other", worst, mismatch))
    }
}

extension BenchCostDistance {
    /// User + system processor time (s) of the finished child processes so far.
    func childCPUSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// Runs `trame costdistance … --timings`: its wall time (s) and the stages it reported on standard error.
    func runTimed(_ exe: String, _ args: [String]) throws -> (Double, [(name: String, seconds: Double)]) {
        let (t, text) = try timedWithStderr(exe, args)
        // Lines "stage <name> <seconds> s".
        let stages = text.split(separator: "\n").compactMap { line -> (name: String, seconds: Double)? in
            var words = line.split(separator: " ")
            guard words.count >= 4, words.first == "stage", words.last == "s", let secs = Double(words[words.count - 2]) else { return nil }
            words.removeFirst(); words.removeLast(2)
            return (words.joined(separator: " "), secs)
        }
        return (t, stages)
    }
}

struct BenchLinks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Time planar links on a sample territory against one full cost-distance pass.",
        discussion: "Generates the sample territory (--size), forest resistance and reservoirs, then times one multi-source cost-distance pass and the planar links.")

    @Option(help: "Territory size: small, medium or large.") var size: TerritorySize = .large
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func run() throws {
        let t = TerritoryGenerator(size: size, seed: seed, crsWKT: try SpatialReference(epsg: 2154).wkt).generate()
        let lc = t.landCover.map(noData: Int32(0)) { Int32($0) }
        let table = try FrictionTable.parse(SubNetworkPreset.frictionCSV, name: "friction.csv")
        let res = try table.resistance(for: lc, column: "forest")
        let patches = try PatchFinder.find(landCover: lc, habitat: [Int32(LandCoverClass.broadleafWoodland.rawValue)], minAreaHa: 1)
        let sources = LinkBuilder.sources(patches)
        var t0 = Date()
        _ = try CostDistance.compute(resistance: res, sources: sources, allocation: true)
        let pass = Date().timeIntervalSince(t0)
        t0 = Date()
        let links = try LinkBuilder.links(resistance: res, patches: patches, topology: .planar)
        let tl = Date().timeIntervalSince(t0)
        print("Planar links, \(size.rawValue) territory (\(res.count.formatted()) cells), forest, \(patches.patches.count) reservoirs ≥ 1 ha")
        print(String(format: "  one cost-distance pass   %7.2f s", pass))
        print(String(format: "  planar links             %7.2f s   (%d links) = %.2f × one pass", tl, links.count, tl / pass))
    }
}

struct BenchMetrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time connectivity metrics (PC, IIC, EC, dPC fractions, dIIC, BC, link dPC) on a large random landscape graph.",
        discussion: """
        --nodes random patches in a square, 5 % dispersal probability at 2,000 m. The square is 50 km wide by \
        default, whatever --nodes: 3,000 patches there are 1.2 per km², 20,000 are 8 per km² (each source then \
        reaches some 40 % of the graph within the cut-off, the hard case). --density holds the patches per km² \
        instead, the square growing with --nodes (--density 1.2: 20,000 patches in a 129 km square, a French \
        region, the scale of regional Graphab graphs). Capacities 1–100 ha, scaled down where needed so that \
        they fill at most about 60 % of the square. Links: voronoi (default) joins the patches whose Voronoi \
        cells touch on a raster of about 64 cells per patch, the planar (Delaunay-like) topology of Graphab \
        and `trame links`; knn4 joins each patch to its 4 nearest.
        """)

    enum GraphKind: String, ExpressibleByArgument, CaseIterable { case voronoi, knn4 }

    static let densityRange = ValueRange(0.001, 1000, unit: .none)

    @Option(help: "Number of patches.") var nodes = 3000
    @Option(help: "Patches per km² (\(densityRange.text)); the square's side grows with --nodes. Default: a fixed 50 km square.")
    var density: Double?
    @Option(help: "Links: \(GraphKind.allCases.map(\.rawValue).joined(separator: " or ")).") var graph: GraphKind = .voronoi
    @Option(help: "Probability cut-off of PC, in [0, 1) (see `trame metrics --help`).")
    var probabilityCutoff = ConnectivityMetrics.defaultProbabilityCutoff
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        try OptionRanges.count(nodes, option: "--nodes", OptionRanges.benchNodes)
        if let d = density { try OptionRanges.number(d, option: "--density", Self.densityRange) }
        try OptionRanges.number(probabilityCutoff, option: "--probability-cutoff", OptionRanges.probabilityCutoff)
    }

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let side = density.map { (Double(nodes) / $0).squareRoot() * 1000 } ?? 50_000.0
        let pts = (0..<nodes).map { _ in Point(rng.uniform(0, side), rng.uniform(0, side)) }
        let pairs = graph == .voronoi ? voronoiNeighbours(pts, side: side) : nearestNeighbours(pts, side: side, k: 4)
        // 3,000 patches of 50.5 ha on average fill 60 % of 50 km × 50 km; fewer per km² keep 1–100 ha.
        let areaHa = side * side / 10_000
        let scale = min(1, 3000 / Double(nodes) * areaHa / 250_000)
        let g = try LandscapeGraph(nodes: (0..<nodes).map { (String($0), rng.uniform(1, 100) * scale) },
                                   edges: pairs.map { (String($0.0), String($0.1), pts[$0.0].distance(to: pts[$0.1])) })
        let t0 = Date()
        let m = try ConnectivityMetrics.compute(g, decay: ExponentialDecay(distance: 2000, probability: 0.05), landscapeArea: areaHa,
                                                probabilityCutoff: probabilityCutoff)
        let t = Date().timeIntervalSince(t0)
        print("Connectivity metrics, \(nodes) patches, \(g.edges.count) links (\(graph.rawValue)), \(m.global.NC) component(s), \(Workers.threads) threads")
        print(String(format: "  %.1f km square, %.2f patches per km²", side / 1000, Double(nodes) / (side * side / 1e6))
              + (density == nil ? " (fixed 50 km square; --density to hold the density)" : " (--density)"))
        print(String(format: "  probability cut-off %g (pairs beyond %.0f m left out of PC); PCnum error bound %.2e of PCnum",
                     probabilityCutoff, m.cutoffDistance, m.global.PCnum > 0 ? m.cutoffErrorBound / m.global.PCnum : 0))
        print(String(format: "  PC, IIC, EC, dPC (3 fractions), dIIC, BC for every patch and dPC for every link: %.2f s", t))
    }

    /// Pairs of points whose Voronoi cells share an edge, found on a raster of about 64 cells per point
    /// (each cell labelled with its nearest point through a bucket grid; ties to the lower index).
    func voronoiNeighbours(_ pts: [Point], side: Double) -> [(Int, Int)] {
        let n = pts.count
        let cells = Int((64 * Double(n)).squareRoot().rounded(.up)), res = side / Double(cells)
        let bside = max(1, Int((Double(n) / 2).squareRoot())), bsize = side / Double(bside)
        var bucket = [[Int]](repeating: [], count: bside * bside)
        for (i, p) in pts.enumerated() { bucket[min(bside - 1, Int(p.y / bsize)) * bside + min(bside - 1, Int(p.x / bsize))].append(i) }
        var label = [Int](repeating: -1, count: cells * cells)
        for r in 0..<cells {
            let y = (Double(r) + 0.5) * res, by = min(bside - 1, Int(y / bsize))
            for c in 0..<cells {
                let x = (Double(c) + 0.5) * res, bx = min(bside - 1, Int(x / bsize))
                var best = Double.infinity, who = -1, ring = 0
                while true {
                    for yy in max(0, by - ring)...min(bside - 1, by + ring) {
                        for xx in max(0, bx - ring)...min(bside - 1, bx + ring) where max(abs(yy - by), abs(xx - bx)) == ring {
                            for i in bucket[yy * bside + xx] {
                                let dx = pts[i].x - x, dy = pts[i].y - y, d = dx * dx + dy * dy
                                if d < best || (d == best && i < who) { best = d; who = i }
                            }
                        }
                    }
                    // Points outside the searched rings are at least ring · bsize away.
                    if who >= 0 && (Double(ring) * bsize) * (Double(ring) * bsize) >= best { break }
                    ring += 1
                }
                label[r * cells + c] = who
            }
        }
        var pairs = Set<[Int]>()
        for r in 0..<cells {
            for c in 0..<cells {
                let v = label[r * cells + c]
                for u in [c + 1 < cells ? label[r * cells + c + 1] : v, r + 1 < cells ? label[(r + 1) * cells + c] : v] where u != v {
                    pairs.insert([min(u, v), max(u, v)])
                }
            }
        }
        return pairs.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }.map { ($0[0], $0[1]) }
    }

    /// Each point joined to its k nearest (on a coarse bucket grid).
    func nearestNeighbours(_ pts: [Point], side: Double, k: Int) -> [(Int, Int)] {
        let cell = side / max(1, (Double(pts.count) / 4).squareRoot())
        var buckets: [Int: [Int]] = [:]
        let key = { (p: Point) in Int(p.x / cell) * 100_000 + Int(p.y / cell) }
        for (i, p) in pts.enumerated() { buckets[key(p), default: []].append(i) }
        var pairs = Set<[Int]>()
        for (i, p) in pts.enumerated() {
            var near: [(Double, Int)] = []
            let cx = Int(p.x / cell), cy = Int(p.y / cell)
            for dx in -2...2 { for dy in -2...2 { for j in buckets[(cx + dx) * 100_000 + cy + dy] ?? [] where j != i { near.append((p.distance(to: pts[j]), j)) } } }
            for (_, j) in near.sorted(by: { $0.0 < $1.0 }).prefix(k) { pairs.insert([min(i, j), max(i, j)]) }
        }
        return pairs.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }.map { ($0[0], $0[1]) }
    }
}

struct BenchDistance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distance",
        abstract: "Time the exact Euclidean distance transform (buffer zones, urban breaks) on a large grid.",
        discussion: """
        Seeds --size × --size cells of 10 m with random discs (about 5 % of the cells, as reservoirs and \
        corridors are), then times the straight-line distance to the nearest seed on one thread and on two \
        (or TRAME_THREADS), without a limit and within 200 m (the default frame around the network).
        """)

    @Option(help: "Grid side in cells.") var size = 8000
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws { try OptionRanges.count(size, option: "--size", OptionRanges.benchRasterSide) }

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let n = size * size
        var seeds = LargeBuffer.array(repeating: UInt8(0), count: n)
        // Discs of 2 to 12 cells' radius until about 5 % of the cells are seeds.
        var filled = 0
        while filled < n / 20 {
            let cx = Int(rng.uniform(0, Double(size))), cy = Int(rng.uniform(0, Double(size))), rad = Int(rng.uniform(2, 12))
            for r in max(0, cy - rad)...min(size - 1, cy + rad) {
                for c in max(0, cx - rad)...min(size - 1, cx + rad) where (c - cx) * (c - cx) + (r - cy) * (r - cy) <= rad * rad && seeds[r * size + c] == 0 {
                    seeds[r * size + c] = 1; filled += 1
                }
            }
        }
        var out = LargeBuffer.array(repeating: Float(0), count: n)
        func time(_ workers: Int?, _ limit: Double) -> Double {
            let t0 = Date()
            seeds.withUnsafeBufferPointer { S in
                out.withUnsafeMutableBufferPointer { O in
                    EuclideanDistance.compute(seeds: S, cols: size, rows: size, cellWidth: 10, cellHeight: 10, limit: limit, into: O, workers: workers)
                }
            }
            return Date().timeIntervalSince(t0)
        }
        _ = time(nil, 200)   // first touch of the pages
        let cores = max(2, Workers.threads)
        print("Euclidean distance transform, \(size) × \(size) cells of 10 m (\(n.formatted()) cells), \(filled.formatted()) seed cells")
        for (label, workers, limit) in [("1 core, no limit", 1, Double.infinity), ("1 core, within 200 m", 1, 200.0),
                                        ("\(cores) threads, no limit", cores, Double.infinity), ("\(cores) threads, within 200 m", cores, 200.0)] {
            let t = time(workers, limit)
            print("  " + label.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: " %7.3f s   %5.1f ns per cell", t, t * 1e9 / Double(n)))
        }
        var far: Float = 0
        for v in out where v.isFinite { far = max(far, v) }
        print(String(format: "  farthest cell within 200 m: %.1f m", far))
    }
}
