import Foundation
import TrameTestSupport
import XCTest

/// The output-folder rule through the `trame` executable: `run -o`, `demo --out` and `circuit --out-dir`
/// refuse, touching nothing, a file, a folder holding a user's file and the project's own folder; they
/// write into a new folder or their own earlier output; and `trame run` killed with SIGKILL at random
/// moments always leaves OUT as the complete old scheme or the complete new one.
final class OutputFolderRunTests: XCTestCase {
    static let base = NSTemporaryDirectory() + "trame-outputs-\(UUID().uuidString)"
    static var ready = false

    var base: String { OutputFolderRunTests.base }
    /// The tiny sample: project.toml, its inputs, and scheme/.
    var demo: String { base + "/demo" }
    var project: String { demo + "/project.toml" }

    override func setUpWithError() throws {
        if OutputFolderRunTests.ready { return }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let r = try trame(["demo", "--size", "tiny", "--out", demo, "--quiet", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.err)
        OutputFolderRunTests.ready = true
    }

    override class func tearDown() { try? FileManager.default.removeItem(atPath: base) }

    // MARK: Helpers

    @discardableResult
    func trame(_ args: [String], cwd: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let proc = Process()
        proc.executableURL = TrameProcess.trame
        proc.arguments = args
        if let cwd { proc.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let o = Pipe(), e = Pipe()
        proc.standardOutput = o; proc.standardError = e
        try proc.run()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        return (proc.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func mkdir(_ path: String) throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    /// Every entry under `path` (hidden ones too) with its bytes: a refusal must leave it byte-identical.
    func snapshot(_ path: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [:] }
        guard isDir.boolValue else { return ["": try Data(contentsOf: URL(fileURLWithPath: path))] }
        let e = FileManager.default.enumerator(atPath: path)!
        while let rel = e.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(rel)
            FileManager.default.fileExists(atPath: full, isDirectory: &isDir)
            out[rel] = isDir.boolValue ? Data("<folder>".utf8) : try Data(contentsOf: URL(fileURLWithPath: full))
        }
        return out
    }

    /// Refused: non-zero exit, one line on stderr that names `folder` first, with every word of `words`.
    func assertRefused(_ r: (status: Int32, out: String, err: String), naming folder: String, _ words: [String], line: UInt = #line) {
        XCTAssertNotEqual(r.status, 0, "should be refused: \(r.err)", line: line)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, "one line on stderr, got: \(r.err)", line: line)
        XCTAssertTrue(r.err.hasPrefix("trame: \(folder): "), "names \(folder) first: \(r.err)", line: line)
        for w in words { XCTAssertTrue(r.err.contains(w), "'\(w)' not in: \(r.err)", line: line) }
    }

    /// Files under `dir` (relative paths), the marker left out.
    func files(in dir: String) throws -> Set<String> {
        var out = Set<String>()
        let e = FileManager.default.enumerator(atPath: dir)!
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(rel), isDirectory: &isDir)
            if !isDir.boolValue && rel != ".trame-output" { out.insert(rel) }
        }
        return out
    }

    /// `.NAME.building-PID` and `.NAME.old-PID` entries in `dir`.
    func leftovers(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".building-") || $0.contains(".old-") }.sorted()
    }

    /// A complete scheme: its marker lists exactly the files present, which are the `expected` ones, and
    /// scheme.gpkg opens with ogrinfo.
    func assertCompleteScheme(_ out: String, _ expected: Set<String>, _ what: String, line: UInt = #line) throws {
        let marker = (out as NSString).appendingPathComponent(".trame-output")
        guard let text = try? String(contentsOfFile: marker, encoding: .utf8) else { return XCTFail("\(what): no marker in \(out)", line: line) }
        XCTAssertTrue(text.contains("\ncommand run\n"), "\(what): \(text)", line: line)
        let listed = Set(text.split(separator: "\n").filter { $0.hasPrefix("file ") }.map { String($0.dropFirst(5)) })
        let present = try files(in: out)
        XCTAssertEqual(listed, present, "\(what): the marker lists the files present", line: line)
        XCTAssertEqual(present, expected, "\(what): the whole scheme", line: line)
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/ogrinfo")
        proc.arguments = ["-ro", "-so", (out as NSString).appendingPathComponent("scheme.gpkg")]
        proc.standardOutput = FileHandle.nullDevice; proc.standardError = FileHandle.nullDevice
        try proc.run(); proc.waitUntilExit()
        XCTAssertEqual(proc.terminationStatus, 0, "\(what): ogrinfo -so scheme.gpkg", line: line)
    }

    /// The identity of the folder at `path` (a swap puts another folder there), nil when there is none.
    func inode(_ path: String) -> UInt64? {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    /// SplitMix64: the same seed gives the same kill moments.
    struct SeededRandom {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    // MARK: trame run

    func testRunRefusesTheProjectFolderAUsersFolderAndAFile() throws {
        let work = base + "/refusals"
        try mkdir(work + "/mydocs")
        try "My thesis, chapter 1.\n".write(toFile: work + "/mydocs/thesis.txt", atomically: true, encoding: .utf8)
        try "Notes.\n".write(toFile: work + "/notes.txt", atomically: true, encoding: .utf8)
        let demoBefore = try snapshot(demo), workBefore = try snapshot(work)

        // `-o .` in the project's folder, the same by its path, and a folder above it.
        assertRefused(try trame(["run", "project.toml", "-o", ".", "-q"], cwd: demo), naming: ".", ["holds the inputs", "project.toml", "landcover.tif"])
        assertRefused(try trame(["run", project, "-o", demo, "-q"]), naming: demo, ["holds the inputs of this run (project.toml, landcover.tif, nomenclature.csv, …)", "choose a new folder"])
        assertRefused(try trame(["run", project, "-o", base, "-q"]), naming: base, ["holds the inputs", "demo/project.toml"])
        // A user's folder, a file, and a folder holding the project through a symbolic link.
        assertRefused(try trame(["run", project, "-o", work + "/mydocs", "-q"]), naming: work + "/mydocs",
                      ["holds files Trame did not write (thesis.txt)", "choose a new folder or empty it"])
        assertRefused(try trame(["run", "../demo/project.toml", "-o", "mydocs", "-q"], cwd: work), naming: "mydocs", ["thesis.txt"])
        assertRefused(try trame(["run", project, "-o", work + "/notes.txt", "-q"]), naming: work + "/notes.txt", ["is a file"])
        try FileManager.default.createSymbolicLink(atPath: work + "/to-demo", withDestinationPath: demo)
        assertRefused(try trame(["run", project, "-o", work + "/to-demo", "-q"]), naming: work + "/to-demo", ["holds the inputs"])
        try FileManager.default.removeItem(atPath: work + "/to-demo")

        XCTAssertEqual(try snapshot(demo), demoBefore, "the project's folder is byte-identical")
        XCTAssertEqual(try snapshot(work), workBefore, "the user's files are byte-identical, nothing added beside them")
        XCTAssertEqual(try leftovers(in: base), [])
    }

    func testASecondRunReplacesItsOwnOutputAndAUsersFileStopsTheThird() throws {
        let work = base + "/again"
        let out = work + "/out"
        try mkdir(out)   // an empty folder is accepted
        var r = try trame(["run", project, "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        let expected = try files(in: out)
        XCTAssertTrue(expected.isSuperset(of: ["scheme.gpkg", "map.png", "atlas.pdf", "report.html", "figures.csv"]), "\(expected)")
        try assertCompleteScheme(out, expected, "first run")
        let first = inode(out)
        r = try trame(["run", project, "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        try assertCompleteScheme(out, expected, "second run")
        XCTAssertNotEqual(inode(out), first, "the new scheme was swapped in")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work), ["out"], "no .old- or .building- entry left")
        // A user's file inside the scheme: the next run refuses, and the scheme stays as it was.
        try "mine".write(toFile: out + "/rasters/my-style.qml", atomically: true, encoding: .utf8)
        let before = try snapshot(work)
        assertRefused(try trame(["run", project, "-o", out, "-q"]), naming: out, ["rasters/my-style.qml"])
        XCTAssertEqual(try snapshot(work), before)
        // `demo` and `circuit` do not write into a scheme folder either.
        try FileManager.default.removeItem(atPath: out + "/rasters/my-style.qml")
        assertRefused(try trame(["demo", "--size", "tiny", "--generate-only", "--out", out, "-q"]), naming: out, ["holds the output of `trame run`"])
        XCTAssertEqual(try snapshot(work).count, before.count - 1)
    }

    /// SIGKILL at seeded random moments of `trame run` (half across the whole run, half around its end
    /// where the swap happens): OUT is always the complete old scheme or the complete new one, and the
    /// next run removes what the killed ones left. A few kills hit a first run into a new folder: there
    /// OUT is absent or complete.
    func testKilledRunsLeaveTheOldOrTheNewScheme() throws {
        let work = base + "/kill"
        try mkdir(work)
        let out = work + "/out", fresh = work + "/fresh"
        let started = Date()
        var r = try trame(["run", project, "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        let duration = Date().timeIntervalSince(started)
        let expected = try files(in: out)
        try assertCompleteScheme(out, expected, "the first run")

        var rng = SeededRandom(state: 20_261_201)
        // About 40 s of killed runs whatever the machine, between 8 and 20 trials; in CI (TRAME_TEST_SHORT=1,
        // set by .ci/run) about 12 s, between 4 and 8.
        let short = ProcessInfo.processInfo.environment["TRAME_TEST_SHORT"] == "1"
        let trials = short ? max(4, min(8, Int(12 / (duration * 0.75)))) : max(8, min(20, Int(40 / (duration * 0.75))))
        func killedRun(into folder: String, after fraction: Double) throws {
            let proc = Process()
            proc.executableURL = TrameProcess.trame
            proc.arguments = ["run", project, "-o", folder, "-q"]
            proc.standardOutput = FileHandle.nullDevice; proc.standardError = FileHandle.nullDevice
            try proc.run()
            usleep(UInt32(fraction * duration * 1_000_000))
            kill(proc.processIdentifier, SIGKILL)
            proc.waitUntilExit()
        }
        var swapped = 0, kept = 0, leftoverSeen = 0, notYet = 0
        for k in 0..<trials {
            let fraction = k % 2 == 0 ? 0.05 + rng.unit() : 0.8 + 0.3 * rng.unit()
            let before = inode(out)
            try killedRun(into: out, after: fraction)
            try assertCompleteScheme(out, expected, String(format: "trial %d, killed at %.0f %% of a run", k, 100 * fraction))
            if inode(out) == before { kept += 1 } else { swapped += 1 }
            if try !leftovers(in: work).isEmpty { leftoverSeen += 1 }
        }
        for k in 0..<2 {
            let fraction = 0.2 + 0.7 * rng.unit()
            try killedRun(into: fresh, after: fraction)
            if FileManager.default.fileExists(atPath: fresh) {
                try assertCompleteScheme(fresh, expected, "a first run killed at \(Int(100 * fraction)) %")
            } else {
                notYet += 1
            }
            if k == 0 { try? FileManager.default.removeItem(atPath: fresh) }
        }
        print("kill -9: \(trials) runs killed over an existing scheme (\(String(format: "%.1f", duration)) s per run): old scheme kept \(kept), new one swapped in \(swapped), leftovers after \(leftoverSeen); 2 first runs killed, \(notYet) before the swap")
        XCTAssertGreaterThan(leftoverSeen, 0, "some kills landed while a scheme was being built")

        // The next run removes the leftovers of the killed ones, and swaps its scheme in.
        r = try trame(["run", project, "-o", out, "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        try assertCompleteScheme(out, expected, "the run after the kills")
        XCTAssertEqual(try leftovers(in: work).filter { $0.hasPrefix(".out.") }, [])
        r = try trame(["run", project, "-o", fresh, "-q"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try leftovers(in: work), [])
    }

    // MARK: trame demo, trame circuit

    func testDemoRefusesAUsersFolderAndAFileAndRewritesAnEarlierDemo() throws {
        let work = base + "/demo-out"
        try mkdir(work + "/mine")
        try "keep me".write(toFile: work + "/mine/keep.txt", atomically: true, encoding: .utf8)
        try "a file".write(toFile: work + "/file.txt", atomically: true, encoding: .utf8)
        let before = try snapshot(work)
        assertRefused(try trame(["demo", "--size", "tiny", "--generate-only", "--out", work + "/mine", "-q"]), naming: work + "/mine",
                      ["holds files Trame did not write (keep.txt)"])
        assertRefused(try trame(["demo", "--size", "tiny", "--generate-only", "--out", work + "/file.txt", "-q"]), naming: work + "/file.txt", ["is a file"])
        assertRefused(try trame(["demo", "--size", "tiny", "--generate-only", "--out", ".", "-q"], cwd: work + "/mine"), naming: ".", ["keep.txt"])
        XCTAssertEqual(try snapshot(work), before)
        // An earlier demo is rewritten, and the scheme of an earlier full demo inside it is accepted.
        let again = work + "/again"
        for _ in 0..<2 {
            let r = try trame(["demo", "--size", "tiny", "--generate-only", "--seed", "3", "--out", again, "-q"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        XCTAssertTrue(try String(contentsOfFile: again + "/.trame-output", encoding: .utf8).contains("\ncommand demo\n"))
        XCTAssertEqual(try files(in: again), ["landcover.tif", "landcover.tif.aux.xml", "territory.gpkg", "nomenclature.csv", "friction.csv", "project.toml"])
        let r = try trame(["demo", "--size", "tiny", "--generate-only", "--out", demo, "-q"])
        XCTAssertEqual(r.status, 0, "the sample's own folder, with its scheme: \(r.err)")
    }

    func testCircuitOutDirRefusesAUsersFolderAndAFile() throws {
        let ini = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/reference/circuitscape-jl/input/raster/pairwise/1/sgVerify1.ini").standardized.path
        let work = base + "/circuit"
        try mkdir(work + "/mine")
        try "keep me".write(toFile: work + "/mine/keep.txt", atomically: true, encoding: .utf8)
        try "a file".write(toFile: work + "/file.txt", atomically: true, encoding: .utf8)
        let before = try snapshot(work)
        assertRefused(try trame(["circuit", "--ini", ini, "--out-dir", work + "/mine", "--quiet"]), naming: work + "/mine", ["keep.txt"])
        assertRefused(try trame(["circuit", "--ini", ini, "--out-dir", work + "/file.txt", "--quiet"]), naming: work + "/file.txt", ["is a file"])
        assertRefused(try trame(["circuit", "--ini", ini, "--out-dir", demo + "/scheme", "--quiet"]), naming: demo + "/scheme", ["holds the output of `trame run`"])
        XCTAssertEqual(try snapshot(work), before)
        // Its own folder, again and again (Circuitscape's layout: one family of files per output name).
        let out = work + "/out"
        for _ in 0..<2 {
            let r = try trame(["circuit", "--ini", ini, "--out-dir", out, "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/sgVerify1_resistances.out"))
        XCTAssertTrue(try String(contentsOfFile: out + "/.trame-output", encoding: .utf8).contains("\nprefix sgVerify1_\n"))
        try "mine".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        assertRefused(try trame(["circuit", "--ini", ini, "--out-dir", out, "--quiet"]), naming: out, ["notes.txt"])
    }
}
