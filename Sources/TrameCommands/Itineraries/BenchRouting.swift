import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameRouting
import TrameSample
import TrameVector

struct BenchRouting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Time the itinerary engine on a generated grid of paths (about 1 M edges by default).",
        discussion: "A square grid of paths 100 m apart, each edge drawn as a slightly wavy 3-vertex line with OSM-like tags (some footways, steps and one-way streets); reports the topology build, the median of 100 routes, a 20 km loop and a 50-hub network.")

    @Option(help: "Nodes per side of the grid (710 → about 1 M edges).")
    var side: Int = 710

    func validate() throws { try OptionRanges.count(side, option: "--side", OptionRanges.benchRoutingSide) }

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .customLong("from-file"), help: "Also write the network to this GeoPackage and time reading and building it from there.")
    var fromFile: String?

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let step = 100.0
        let kinds: [[String: String]] = [["highway": "residential"], ["highway": "track"], ["highway": "footway"],
                                         ["highway": "cycleway"], ["highway": "steps"], ["highway": "residential", "oneway": "yes"]]
        var ways: [WayInput] = []
        ways.reserveCapacity(2 * side * side)
        func p(_ c: Int, _ r: Int) -> Point { Point(Double(c) * step, Double(r) * step) }
        for r in 0..<side {
            for c in 0..<side {
                for (dc, dr) in [(1, 0), (0, 1)] where c + dc < side && r + dr < side {
                    let a = p(c, r), b = p(c + dc, r + dr)
                    let mid = Point((a.x + b.x) / 2 + rng.uniform(-8, 8), (a.y + b.y) / 2 + rng.uniform(-8, 8))
                    let u = rng.uniform(0, 1)
                    let tags = u < 0.55 ? kinds[0] : u < 0.75 ? kinds[1] : u < 0.85 ? kinds[2] : u < 0.93 ? kinds[3] : u < 0.95 ? kinds[4] : kinds[5]
                    ways.append(WayInput(points: [a, mid, b], tags: tags, id: ways.count + 1))
                }
            }
        }
        let t0 = Date()
        let net = PathNetwork(ways: ways, tolerance: 0)
        let build = Date().timeIntervalSince(t0)
        print(String(format: "network: %d edges, %d junctions, %d vertices; topology built in %.2f s", net.edgeCount, net.nodes.count, net.vertices.count, build))
        if let file = fromFile {
            // The same network written to a GeoPackage, then read and built as `trame route` does.
            let layer = VectorLayer(name: "paths", geometryKind: .lineString, fields: [FieldDefinition("highway", .string), FieldDefinition("oneway", .string)],
                                    features: ways.map { Feature(geometry: .lineString($0.points), attributes: ["highway": .string($0.tags["highway"] ?? ""), "oneway": $0.tags["oneway"].map { .string($0) } ?? .null]) },
                                    crsWKT: try SpatialReference(epsg: 2154).wkt)
            let tw = Date()
            try VectorIO.write([layer], to: file)
            let written = Date().timeIntervalSince(tw)
            let loaded = try NetworkInput.load(file, layer: nil, snap: 0, profile: .standard)
            print(String(format: "from %@ (written in %.1f s): read and built in %.2f s, %d edges", file, written, loaded.seconds, loaded.network.edgeCount))
        }
        for mode in TravelMode.allCases {
            let t1 = Date()
            let router = try Router(network: net, mode: mode)
            let index = Date().timeIntervalSince(t1)
            let extent = Double(side - 1) * step
            func randomPoint() -> Point { Point(rng.uniform(0, extent), rng.uniform(0, extent)) }
            var times: [Double] = [], lengths: [Double] = []
            for _ in 0..<100 {
                guard let s = router.snap(randomPoint(), maxDistance: 500), let t = router.snap(randomPoint(), maxDistance: 500) else { continue }
                let t2 = Date()
                let r = try router.route(from: s, to: t)
                times.append(Date().timeIntervalSince(t2)); lengths.append(r.length)
            }
            times.sort()
            let centre = router.snap(Point(extent / 2, extent / 2), maxDistance: 500)!
            let t3 = Date()
            let loop = try router.loop(from: centre, length: 20_000)
            let loopTime = Date().timeIntervalSince(t3)
            var hubs: [EdgePosition] = []
            while hubs.count < 50 { if let h = router.snap(randomPoint(), maxDistance: 500) { hubs.append(h) } }
            let t4 = Date()
            let hn = try router.hubNetwork(hubs)
            let hubTime = Date().timeIntervalSince(t4)
            print(String(format: "%@: index %.2f s; route median %.1f ms (p90 %.1f ms, mean length %.1f km); 20 km loop %.0f m in %.2f s; 50 hubs: %d itineraries, %.1f km, %.2f s",
                         mode.rawValue, index, 1000 * times[times.count / 2], 1000 * times[times.count * 9 / 10],
                         lengths.reduce(0, +) / Double(max(1, lengths.count)) / 1000, loop.length, loopTime,
                         hn.itineraries.count, hn.itineraries.reduce(0) { $0 + $1.route.length } / 1000, hubTime))
        }
    }
}
