import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import TrameSample
import TrameScheme
import TrameServer

/// `trame bench serve`: start-up time, layer and tile latencies, and 200 concurrent clients with wrk.
struct BenchServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Time `trame serve` on a scheme: start-up, 5 km × 5 km layer requests, raster tiles, 200 clients (wrk).",
        discussion: """
        Make the large sample first: trame demo --size large --out /tmp/large (about 3 minutes), then \
        trame bench serve --scheme /tmp/large/scheme. Requests go over loopback HTTP to the server running \
        in this process; boxes and tiles are drawn at random (fixed seed) inside the territory.
        """)

    @Option(help: "The scheme folder (the output of `trame run`).")
    var scheme: String

    @Option(help: "Requests per kind for the latency figures.")
    var samples = 200

    @Option(help: "Concurrent clients for the load test (wrk).")
    var clients = 200

    @Option(help: "Seconds of the load test.")
    var duration = 10

    func run() throws {
        let t0 = Date()
        let loaded = try ServeSetup.load(folder: scheme)
        let startup = Date().timeIntervalSince(t0)
        let partners = NSTemporaryDirectory() + "trame-bench-partners-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: partners) }
        let server = SchemeServer(scheme: loaded.served, store: try PartnerStore(folder: partners), settings: ServeSettings(lang: "en"))
        let bound = BoundPort(), ready = DispatchSemaphore(value: 0)
        var logger = Logger(label: "trame.bench")
        logger.logLevel = .warning
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { ch in bound.port = ch.localAddress?.port ?? 0; ready.signal() },
                              logger: logger)
        Task { try? await app.runService() }
        ready.wait()
        let port = bound.port
        let base = "http://127.0.0.1:\(port)"
        let site = loaded.served.site
        let e = site.extent
        print(String(format: "scheme: %@ — %d layers, %d rasters; loaded in %.2f s (layers in WGS 84, indexes, simplified levels, path network)",
                     site.title, site.layers.count, site.rasters.count, startup))

        var gen = SeededGenerator(seed: 7)
        func unit() -> Double { Double.random(in: 0..<1, using: &gen) }
        let lat0 = (e.south + e.north) / 2
        let dLat = 5000 / 111_320.0, dLon = 5000 / (111_320.0 * cos(lat0 * .pi / 180))
        func randomBox() -> String {
            let w = e.west + unit() * max(0, e.east - e.west - dLon), s = e.south + unit() * max(0, e.north - e.south - dLat)
            return String(format: "%.6f,%.6f,%.6f,%.6f", w, s, w + dLon, s + dLat)
        }
        let z = 14, n = Double(1 << z)
        func randomTile(_ raster: String) -> String {
            let lon = e.west + unit() * (e.east - e.west), lat = e.south + unit() * (e.north - e.south)
            let x = Int((lon + 180) / 360 * n), y = Int((1 - asinh(tan(lat * .pi / 180)) / .pi) / 2 * n)
            return "/api/tiles/\(raster)/\(z)/\(x)/\(y).png"
        }
        var mix: [String] = []
        print("latency over loopback, \(samples) requests each (median / 90th percentile / bytes per answer):")
        for layer in (SchemeLayer.greenNetwork + [.conflictPoints]).map(\.name) where site.layer(layer) != nil {
            let paths = (0..<samples).map { _ in "/api/layers/\(layer)?bbox=\(randomBox())&zoom=\(z)" }
            mix += paths.prefix(50)
            try report("  layer \(layer), 5 km × 5 km at zoom \(z)", paths, base: base)
        }
        for kind in ["resistance", "cost_distance", "current"] {
            guard let r = site.rasters.first(where: { $0.kind.rawValue == kind }) else { continue }
            let paths = (0..<samples).map { _ in randomTile(r.name) }
            mix += paths.prefix(50)
            try report("  tile \(r.name), zoom \(z)", paths, base: base)
        }
        let queries = (0..<samples).map { _ in
            String(format: "/api/query?lon=%.6f&lat=%.6f", e.west + unit() * (e.east - e.west), e.south + unit() * (e.north - e.south))
        }
        mix += queries.prefix(50)
        try report("  point query", queries, base: base)

        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            print("wrk is not installed (apt-get install wrk): no load test"); return
        }
        let lua = NSTemporaryDirectory() + "trame-bench-\(ProcessInfo.processInfo.processIdentifier).lua"
        defer { try? FileManager.default.removeItem(atPath: lua) }
        let list = mix.map { "\"\($0)\"" }.joined(separator: ",\n")
        try """
        local paths = {\(list)}
        local i = 0
        request = function()
          i = i % #paths + 1
          return wrk.format("GET", paths[i])
        end
        """.write(toFile: lua, atomically: true, encoding: .utf8)
        print("load: wrk, \(clients) connections on 2 threads for \(duration) s, a mix of \(mix.count) layer, tile and query requests:")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        p.arguments = ["-t2", "-c\(clients)", "-d\(duration)s", "--latency", "--timeout", "10s", "-s", lua, base]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        print(text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        let errors = text.contains("Non-2xx") || text.contains("Socket errors")
        print(errors ? "  errors above: the server did not hold the load" : "  no error: every answer 2xx, no socket error")
    }

    /// The port the server was given (set once, before `ready` is signalled).
    final class BoundPort: @unchecked Sendable { var port = 0 }

    /// Sequential GETs; prints median and 90th percentile.
    func report(_ label: String, _ paths: [String], base: String) throws {
        var times: [Double] = [], bytes = 0
        let session = URLSession(configuration: .ephemeral)
        for p in paths {
            let done = DispatchSemaphore(value: 0)
            let box = ResponseBox()
            let t0 = DispatchTime.now().uptimeNanoseconds
            session.dataTask(with: URL(string: base + p)!) { d, r, _ in box.data = d; box.status = (r as? HTTPURLResponse)?.statusCode ?? 0; done.signal() }.resume()
            done.wait()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            guard box.status == 200 else { throw InputError("\(p): HTTP \(box.status)") }
            bytes += box.data?.count ?? 0
        }
        times.sort()
        print(String(format: "%@: %.1f ms / %.1f ms / %d kB", label, times[times.count / 2], times[times.count * 9 / 10], bytes / paths.count / 1024))
    }

    final class ResponseBox: @unchecked Sendable { var data: Data?; var status = 0 }
}
