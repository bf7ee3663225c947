import Foundation
import XCTest
@testable import TrameGDAL

/// The output-folder rule (new, empty or an earlier output of the same command; nothing else) and the
/// swap, on folders made here. The commands' use of it is tested in TrameCommandsTests/OutputFolderRunTests.
final class OutputFolderTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "trame-outfolder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func p(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ text: String = "x") throws {
        try FileManager.default.createDirectory(atPath: (p(name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: p(name), atomically: false, encoding: .utf8)
    }

    func check(_ name: String, _ command: String = "run", inputs: [String] = []) throws -> OutputFolder {
        try OutputFolder.check(p(name), command: command, version: "test", inputs: inputs)
    }

    /// The refusal: one line naming the folder, holding every word of `words`.
    func assertRefused(_ name: String, command: String = "run", inputs: [String] = [], _ words: [String], line: UInt = #line) {
        XCTAssertThrowsError(try check(name, command, inputs: inputs), line: line) { e in
            guard let g = e as? GeodataError else { return XCTFail("\(e)", line: line) }
            XCTAssertEqual(g.file, p(name), line: line)
            XCTAssertFalse(g.description.contains("\n"), g.description, line: line)
            for w in words { XCTAssertTrue(g.description.contains(w), "'\(w)' not in: \(g.description)", line: line) }
        }
    }

    /// Every entry under `dir`, with its contents: what a refusal must leave as it was.
    func snapshot() throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)!
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: p(rel), isDirectory: &isDir)
            out[rel] = isDir.boolValue ? Data("<dir>".utf8) : try Data(contentsOf: URL(fileURLWithPath: p(rel)))
        }
        return out
    }

    /// A process id that is surely gone: that of a child that has exited and been reaped.
    func deadPID() throws -> Int32 {
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/bin/true")
        try proc.run()
        proc.waitUntilExit()
        return proc.processIdentifier
    }

    func testNewAndEmptyFoldersAreAccepted() throws {
        XCTAssertNoThrow(try check("new/deeper"))
        try FileManager.default.createDirectory(atPath: p("empty"), withIntermediateDirectories: true)
        XCTAssertNoThrow(try check("empty"))
    }

    func testFilesForeignFoldersAndInputsAreRefused() throws {
        try write("notes.txt", "my notes")
        try write("mydocs/thesis.txt", "chapter 1")
        try write("mydocs/more/a.txt"); try write("mydocs/b.txt"); try write("mydocs/c.txt")
        try write("project/project.toml"); try write("project/data/landcover.tif")
        let before = try snapshot()
        assertRefused("notes.txt", ["is a file", "choose a new folder"])
        assertRefused("mydocs", ["holds files Trame did not write", "b.txt, c.txt, more, …", "choose a new folder or empty it"])
        // The inputs' folder and its ancestors, even when they also hold an earlier output.
        assertRefused("project", inputs: [p("project/project.toml"), p("project/data/landcover.tif")], ["holds the inputs", "project.toml", "data/landcover.tif"])
        assertRefused(".", inputs: [p("project/project.toml")], ["holds the inputs", "project/project.toml"])
        // Through a symbolic link: the folder it points to is judged.
        try FileManager.default.createSymbolicLink(atPath: p("link"), withDestinationPath: p("mydocs"))
        assertRefused("link", ["b.txt, c.txt, more, …"])
        XCTAssertEqual(try snapshot().filter { !$0.key.hasPrefix("link") }, before)
    }

    func testAnEarlierOutputIsAcceptedOnlyByItsCommandAndOnlyWhenItHoldsNothingElse() throws {
        let first = try check("out")
        let r = try first.replace { b in
            try "gpkg".write(toFile: (b as NSString).appendingPathComponent("scheme.gpkg"), atomically: false, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: (b as NSString).appendingPathComponent("rasters"), withIntermediateDirectories: true)
            try "tif".write(toFile: (b as NSString).appendingPathComponent("rasters/forest.tif"), atomically: false, encoding: .utf8)
            return 42
        }
        XCTAssertEqual(r, 42)
        let marker = try String(contentsOfFile: p("out/.trame-output"), encoding: .utf8)
        XCTAssertTrue(marker.contains("command run\n") && marker.contains("file scheme.gpkg\n") && marker.contains("file rasters/forest.tif\n"), marker)
        XCTAssertEqual(try check("out").previous.files, ["rasters/forest.tif", "scheme.gpkg"])
        // What readers add beside Trame's files, and Trame's own unfinished files, are Trame's.
        try write("out/scheme.gpkg-wal"); try write("out/rasters/forest.tif.aux.xml"); try write("out/.figures.trame-123-456.csv")
        XCTAssertNoThrow(try check("out"))
        assertRefused("out", command: "demo", ["holds the output of `trame run`", "not of `trame demo`"])
        try write("out/rasters/mine.qml")
        assertRefused("out", ["rasters/mine.qml"])
        try FileManager.default.removeItem(atPath: p("out/rasters/mine.qml"))
        // A user's file named like a leftover of a scheme the marker does not list.
        try write("out/.thesis.old-2019")
        assertRefused("out", [".thesis.old-2019"])
        try FileManager.default.removeItem(atPath: p("out/.thesis.old-2019"))
        // Without its marker, the folder is the user's.
        try FileManager.default.removeItem(atPath: p("out/.trame-output"))
        assertRefused("out", ["holds files Trame did not write", "rasters", "scheme.gpkg"])
    }

    func testAClaimedFolderJudgesANestedOutputByItsOwnMarker() throws {
        let demo = try check("demo", "demo")
        try demo.claim(files: ["landcover.tif", "scheme"])
        try write("demo/landcover.tif")
        let scheme = try OutputFolder.check(p("demo/scheme"), command: "run", version: "test")
        try scheme.replace { b in try "s".write(toFile: (b as NSString).appendingPathComponent("scheme.gpkg"), atomically: false, encoding: .utf8) }
        // A half-built scheme of an interrupted run inside the demo is the demo's.
        try FileManager.default.createDirectory(atPath: p("demo/.scheme.building-\(try deadPID())"), withIntermediateDirectories: true)
        XCTAssertNoThrow(try check("demo", "demo"))
        try write("demo/scheme/thesis.txt")
        assertRefused("demo", command: "demo", ["scheme/thesis.txt"])
        try FileManager.default.removeItem(atPath: p("demo/scheme/thesis.txt"))
        // A later claim keeps what the earlier ones listed; prefixes cover families of files.
        try check("demo", "demo").claim(prefixes: ["circuit_"])
        try write("demo/circuit_resistances.out")
        let again = try check("demo", "demo")
        XCTAssertEqual(again.previous.files, ["landcover.tif", "scheme"])
        XCTAssertEqual(again.previous.prefixes, ["circuit_"])
        try write("demo/other_resistances.out")
        assertRefused("demo", command: "demo", ["other_resistances.out"])
    }

    func testAFailedBuildLeavesTheFolderAndNoLeftover() throws {
        try check("out").replace { b in try "old".write(toFile: (b as NSString).appendingPathComponent("figures.csv"), atomically: false, encoding: .utf8) }
        struct Boom: Error {}
        XCTAssertThrowsError(try check("out").replace { b in
            try "new".write(toFile: (b as NSString).appendingPathComponent("figures.csv"), atomically: false, encoding: .utf8)
            throw Boom()
        })
        XCTAssertEqual(try String(contentsOfFile: p("out/figures.csv"), encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["out"])
    }

    func testTheSwapReplacesTheOldOutputAndLeftoversOfDeadRunsGo() throws {
        try check("out").replace { b in try "old".write(toFile: (b as NSString).appendingPathComponent("old.txt"), atomically: false, encoding: .utf8) }
        let dead = try deadPID()
        // Leftovers of a dead run (a half-built folder, an old one not yet removed), of a live process
        // (the test runner's parent), and of another output: only the first two go.
        for name in [".out.building-\(dead)", ".out.old-\(dead)", ".out.building-\(getppid())", ".other.building-\(dead)"] {
            try write("\(name)/f.txt")
        }
        try check("out").replace { b in try "new".write(toFile: (b as NSString).appendingPathComponent("new.txt"), atomically: false, encoding: .utf8) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: p("out")).sorted(), [".trame-output", "new.txt"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), [".other.building-\(dead)", ".out.building-\(getppid())", "out"])
    }

    func testTheMarkersOwnTemporaryAndUnfinishedFilesAreRecognised() {
        XCTAssertEqual(OutputFolder.Temporary(".landcover.trame-12-345.tif")?.pid, 12)
        XCTAssertEqual(OutputFolder.Temporary(".landcover.trame-12-345.tif")?.base, "landcover")
        XCTAssertEqual(OutputFolder.Temporary(".trame-output.tmp-77")?.pid, 77)
        XCTAssertEqual(OutputFolder.Temporary(".scheme.building-9")?.base, "scheme")
        XCTAssertEqual(OutputFolder.Temporary(".my.scheme.old-9")?.base, "my.scheme")
        for name in [".trame-output", "scheme.building-9", ".scheme.building-", ".scheme.building-9x", ".a.trame-12.tif", "notes.txt"] {
            XCTAssertNil(OutputFolder.Temporary(name), name)
        }
    }
}
