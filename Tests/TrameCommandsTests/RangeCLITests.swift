import Foundation
import TrameTestSupport
import XCTest
import TrameGDAL
import TrameRaster
import TrameVector

/// Numbers out of range, short friction rows and every other error end in one line on stderr,
/// `trame: FILE: problem` (or `trame: problem`), with a non-zero status: no crash, no `Error:` prefix,
/// no raw Foundation error text, no hang.
final class RangeCLITests: XCTestCase {
    var dir: String!
    let wkt = try! SpatialReference(epsg: 2154).wkt

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-ranges-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    /// Runs `trame` and kills it after `timeout` seconds; `timedOut` tells whether it had to.
    func run(_ args: [String], timeout: TimeInterval = 60) throws -> (status: Int32, out: String, err: String, timedOut: Bool, seconds: Double, crashed: Bool) {
        let proc = Process()
        proc.executableURL = TrameProcess.trame
        proc.arguments = args
        let o = Pipe(), e = Pipe()
        proc.standardOutput = o; proc.standardError = e
        let t0 = Date()
        try proc.run()
        let killed = DispatchSemaphore(value: 0)
        var timedOut = false
        let lock = NSLock()
        let timer = DispatchWorkItem {
            if proc.isRunning { lock.lock(); timedOut = true; lock.unlock(); proc.terminate() }
            killed.signal()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        timer.cancel()
        lock.lock(); let t = timedOut; lock.unlock()
        return (proc.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), t, Date().timeIntervalSince(t0),
                proc.terminationReason == .uncaughtSignal)
    }

    /// Fails with exactly one line on stderr, `trame: …`, holding every word given; never a crash.
    func assertOneLine(_ args: [String], mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try run(args)
        XCTAssertFalse(r.timedOut, "hung: \(args)", file: file, line: line)
        XCTAssertNotEqual(r.status, 0, "should fail: \(args)", file: file, line: line)
        XCTAssertFalse(r.crashed, "crashed (signal \(r.status)): \(r.err.prefix(400))", file: file, line: line)
        let lines = r.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line on stderr, got: \(r.err.prefix(600))", file: file, line: line)
        XCTAssertTrue(r.err.hasPrefix("trame: "), r.err, file: file, line: line)
        for bad in ["Error:", "NSCocoaErrorDomain", "NSError", "Fatal error", "Stack dump"] {
            XCTAssertFalse(r.err.contains(bad), "'\(bad)' in: \(r.err)", file: file, line: line)
        }
        for w in words { XCTAssertTrue(r.err.contains(w), "'\(w)' not in: \(r.err)", file: file, line: line) }
    }

    func project(_ replace: [String: String]) throws -> String {
        var text = """
        [territory]
        name = "Ranges"

        [land_cover]
        raster = "lc.tif"
        nomenclature = "nom.csv"
        friction = "friction.csv"
        built_up = [1]

        [nature_spaces]
        min_area = "1 ha"

        [buffer_zones]
        min_town_area = "20 ha"
        max_break_width = "1500 m"
        min_area = "5 ha"

        [itineraries]
        network = "paths.gpkg"
        max_snap = "1000 m"

        [pinch_points]
        links_per_subnetwork = 50

        [[subnetwork]]
        name = "forest"
        habitat = [20]
        """
        for (a, b) in replace { text = text.replacingOccurrences(of: a, with: b) }
        let path = p("project-\(UUID().uuidString.prefix(6)).toml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The reported crashes of `trame run`: each value refused naming the file, the line and the range.
    func testRunRefusesProjectNumbersOutOfRange() throws {
        let cases: [(String, String, Int, [String])] = [
            ("min_area = \"1 ha\"", "min_area = \"1e308 ha\"", 11, ["min_area \"1e308 ha\" is out of range: 0 ha to 1,000,000 ha"]),
            ("min_town_area = \"20 ha\"", "min_town_area = \"1e308 ha\"", 14, ["min_town_area \"1e308 ha\"", "0 ha to 1,000,000 ha"]),
            ("min_area = \"5 ha\"", "min_area = \"1e308 ha\"", 16, ["min_area \"1e308 ha\"", "0 ha to 1,000,000 ha"]),
            ("max_break_width = \"1500 m\"", "max_break_width = \"1e300 m\"", 15, ["max_break_width \"1e300 m\"", "0 m to 100 km"]),
            ("max_snap = \"1000 m\"", "max_snap = \"1e308 m\"", 20, ["max_snap \"1e308 m\"", "0 m to 100 km"]),
            ("links_per_subnetwork = 50", "links_per_subnetwork = 9223372036854775807", 23, ["9223372036854775807", "0 to 1,000,000"]),
            ("min_area = \"1 ha\"", "min_area = \"-5 ha\"", 11, ["min_area \"-5 ha\" is out of range"]),
            ("habitat = [20]", "habitat = [3000000000]", 27, ["class code 3000000000 is out of range"]),
        ]
        for (a, b, line, words) in cases {
            let path = try project([a: b])
            try assertOneLine(["run", path, "-o", p("out"), "--quiet"], mentioning: ["trame: \(path):\(line): "] + words)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("out")), "nothing written")
    }

    /// Friction tables: a short row, an extra column, a code past Int32, a code twice, a negative or huge resistance.
    func testFrictionRowsAreChecked() throws {
        let spec = GridSpec(cols: 3, rows: 2, transform: GeoTransform(west: 690_000, north: 7_030_020, cellSize: 10), crsWKT: wkt)
        try RasterIO.write(Grid<UInt8>(spec: spec, values: [10, 10, 20, 20, 11, 11], noData: 0), to: p("lc.tif"))
        func friction(_ text: String) throws -> String {
            let path = p("friction-\(UUID().uuidString.prefix(6)).csv")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func resistance(_ f: String) -> [String] { ["resistance", "--landcover", p("lc.tif"), "--friction", f, "--column", "forest", "-o", p("r.tif")] }
        let good = try friction("code,label,forest,wetland\n10,Arable,100,50\n11,Grassland,10,5\n20,Wood,1,inf\n")
        let ok = try run(resistance(good))
        XCTAssertEqual(ok.status, 0, ok.err)
        try FileManager.default.removeItem(atPath: p("r.tif"))

        let short = try friction("code,label,forest,wetland\n10,Arable,100,50\n11,Grassland,10\n20,Wood,1,inf\n")
        try assertOneLine(resistance(short), mentioning: [short, "line 3", "missing column"])
        let extra = try friction("code,label,forest,wetland\n10,Arable,100,50,7\n11,Grassland,10,5\n20,Wood,1,inf\n")
        try assertOneLine(resistance(extra), mentioning: [extra, "line 2", "extra column"])
        let big = try friction("code,label,forest,wetland\n10,Arable,100,50\n3000000000,Big,10,5\n20,Wood,1,inf\n")
        try assertOneLine(resistance(big), mentioning: [big, "line 3", "class code 3000000000 is out of range"])
        let huge = try friction("code,label,forest,wetland\n10,Arable,100,50\n99999999999999999999999,Big,10,5\n")
        try assertOneLine(resistance(huge), mentioning: [huge, "line 3", "class code 99999999999999999999999 is out of range"])
        let word = try friction("code,label,forest,wetland\n10,Arable,100,50\nten,Big,10,5\n")
        try assertOneLine(resistance(word), mentioning: [word, "line 3", "'ten' is not an integer"])
        let twice = try friction("code,label,forest,wetland\n10,Arable,100,50\n11,Grassland,10,5\n10,Again,1,1\n")
        try assertOneLine(resistance(twice), mentioning: [twice, "line 4", "class 10 appears twice"])
        let negative = try friction("code,label,forest,wetland\n10,Arable,-100,50\n11,Grassland,10,5\n20,Wood,1,inf\n")
        try assertOneLine(resistance(negative), mentioning: [negative, "line 2", "must be > 0"])
        let past = try friction("code,label,forest,wetland\n10,Arable,1e300,50\n11,Grassland,10,5\n20,Wood,1,inf\n")
        try assertOneLine(resistance(past), mentioning: [past, "line 2", "out of range"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: p("r.tif")), "nothing written")
    }

    /// Quantity options are checked in validate(), with the project file's ranges.
    func testQuantityOptionsHaveRanges() throws {
        let net = ["--network", p("none.gpkg"), "--from", "0,0", "--to", "1,1"]
        try assertOneLine(["route"] + net + ["--max-snap", "1e308m"], mentioning: ["--max-snap 1e308m is out of range: 0 m to 100 km"])
        try assertOneLine(["route"] + net + ["--max-snap", "1e12m"], mentioning: ["--max-snap 1e12m is out of range"])
        try assertOneLine(["route"] + net + ["--max-snap=-5m"], mentioning: ["--max-snap -5m is out of range"])
        try assertOneLine(["route"] + net + ["--max-snap", "lots"], mentioning: ["--max-snap", "not understood"])
        try assertOneLine(["route"] + net + ["--prefer-green", "1e9", "--green", "x.gpkg"], mentioning: ["--prefer-green", "0 to 1,000"])
        try assertOneLine(["loop", "--network", p("none.gpkg"), "--start", "0,0", "--length", "1e12km"], mentioning: ["--length 1e12km is out of range: 200 m to 1,000 km"])
        try assertOneLine(["loop", "--network", p("none.gpkg"), "--start", "0,0", "--length", "100m"], mentioning: ["--length 100m is out of range"])
        try assertOneLine(["patches", "--landcover", p("lc.tif"), "--habitat", "20", "--min-area=-5ha", "-o", p("x.gpkg")],
                          mentioning: ["--min-area -5ha is out of range: 0 ha to 1,000,000 ha"])
        try assertOneLine(["patches", "--landcover", p("lc.tif"), "--habitat", "3000000000", "-o", p("x.gpkg")], mentioning: ["--habitat", "out of range"])
        try assertOneLine(["costdistance", "--resistance", p("r.tif"), "--sources", p("s.tif"), "--max-cost", "1e13", "-o", p("cd.tif")],
                          mentioning: ["--max-cost", "out of range", "1,000,000,000,000 cost"])
        try assertOneLine(["links", "--resistance", p("r.tif"), "--patches", p("s.tif"), "--max-cost", "0", "-o", p("l.gpkg")], mentioning: ["--max-cost 0 is out of range"])
        try assertOneLine(["corridors", "--resistance", p("r.tif"), "--patches", p("s.tif"), "--links", p("l.gpkg"), "--buffer", "1e300m", "-o", p("c.tif")],
                          mentioning: ["--buffer 1e300m is out of range: 0 m to 10 km"])
        try assertOneLine(["corridors", "--resistance", p("r.tif"), "--patches", p("s.tif"), "--links", p("l.gpkg"), "--width=-1", "-o", p("c.tif")],
                          mentioning: ["--width -1 is out of range"])
        try assertOneLine(["metrics", "--nodes", p("n.csv"), "--edges", p("e.csv"), "--distance", "100", "--probability", "1", "--area", "10", "-o", p("o.csv")],
                          mentioning: ["--probability 1 is out of range: strictly between 0 and 1"])
        try assertOneLine(["metrics", "--nodes", p("n.csv"), "--edges", p("e.csv"), "--distance", "100", "--probability", "0.5", "--area", "10",
                           "--probability-cutoff", "1", "-o", p("o.csv")], mentioning: ["--probability-cutoff 1 is out of range: 0 up to but not 1"])
        try assertOneLine(["bench", "costdistance", "--size", "9223372036854775807"], mentioning: ["--size", "out of range"])
        try assertOneLine(["bench", "costdistance", "--runs", "0"], mentioning: ["--runs is 1 to 21"])
        // The upload checker's own limits (the server passes them; a huge memory would wrap when shifted to bytes).
        try assertOneLine(["check-upload", p("nowhere"), "--memory-mb", "17592186044416"], mentioning: ["--memory-mb 256 to 1048576"])
        try assertOneLine(["check-upload", p("nowhere"), "--cpu-seconds", "0"], mentioning: ["--cpu-seconds is 1 to 3600"])
        // A boundary value passes validation: the error is then about the missing network, not the range.
        try assertOneLine(["route"] + net + ["--max-snap", "100km"], mentioning: [p("none.gpkg"), "no such file"])
    }

    /// A start 50 km from a small network with --max-snap 100km answers at once (the nearest-way search
    /// used to sweep rings of buckets sized by the snap distance, not by the network).
    func testFarSnapAnswersPromptly() throws {
        let line = VectorLayer(name: "paths", geometryKind: .lineString, fields: [FieldDefinition("highway", .string)],
                               features: [Feature(geometry: .lineString([Point(690_000, 7_030_000), Point(690_050, 7_030_000)]), attributes: ["highway": .string("footway")]),
                                          Feature(geometry: .lineString([Point(690_050, 7_030_000), Point(690_100, 7_030_010)]), attributes: ["highway": .string("footway")])],
                               crsWKT: wkt)
        try VectorIO.write([line], to: p("paths.gpkg"))
        let r = try run(["route", "--network", p("paths.gpkg"), "--from", "690000,7030001", "--to", "740000,7030000", "--max-snap", "100km", "--json", "--quiet"], timeout: 60)
        XCTAssertFalse(r.timedOut, "route hung")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertLessThan(r.seconds, 20, "took \(r.seconds) s")
        XCTAssertTrue(r.out.contains("\"length_m\": 101.0"), r.out)
        // Farther than the snap distance: refused in one line, promptly.
        try assertOneLine(["route", "--network", p("paths.gpkg"), "--from", "690000,7030001", "--to", "890000,7030000", "--max-snap", "100km"],
                          mentioning: ["end 890000,7030000 lies farther than 100000 m"])
    }

    /// Errors of every kind print `trame: …` in one line: Foundation's file errors in plain words naming
    /// the path, ArgumentParser's usage errors without `Error:`.
    func testErrorsPrintOneTrameLine() throws {
        try "not a folder".write(toFile: p("file"), atomically: true, encoding: .utf8)
        try assertOneLine(["init", p("file/sub")], mentioning: [p("file")])
        try assertOneLine(["route", "--from", "0,0"], mentioning: ["--network"])
        try assertOneLine(["costdistance", "--resistance", p("r.tif"), "--sources", p("s.tif"), "-o", p("cd.tif"), "--bogus"], mentioning: ["--bogus"])
        try assertOneLine(["run", p("missing.toml")], mentioning: [p("missing.toml"), "no such project file"])
        let help = try run(["route", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("--max-snap"), help.out)
    }
}
