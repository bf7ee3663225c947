import ArgumentParser
import Foundation
import TrameGDAL
import TrameScheme

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start the project of your territory: project file, nomenclature and friction tables, list of inputs.",
        discussion: """
        Writes into DIR (created if missing):
          project.toml      the project, every key explained, set up for the preset
          nomenclature.csv  the land-cover classes: code, English and French
                            labels, colour, natural or not
          friction.csv      the resistance of each class for each sub-network
                            (forest, calcicolous, mining, river, wetland), the
                            sources of the values in comments (lines with #)
          INPUTS.md         the layers you still have to supply, in French and
                            English: the project key that points at each, its
                            geometry, its required and optional fields

        Presets: clc (the default), the 44 classes of CORINE Land Cover level 3 \
        (codes 111 to 523), the European land cover; sample, the nomenclature of \
        the sample territory of `trame demo`.

        Then put your layers in place (INPUTS.md), review the tables, run \
        `trame check DIR/project.toml` until it reports no problem, then \
        `trame run DIR/project.toml`. Existing files are left alone unless --force \
        is given.
        """)

    @Argument(help: "Folder of the new project (created if missing).")
    var dir: String

    @Option(help: "Name of the territory.")
    var name: String = "My territory"

    @Option(help: "Nomenclature of the tables: clc (CORINE Land Cover, 44 classes) or sample (trame demo's).")
    var preset: StartKit.Preset = .clc

    @Flag(help: "Overwrite the files of an earlier `trame init`.")
    var force = false

    func run() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let files = StartKit.files(name: name, preset: preset).map { (path: (dir as NSString).appendingPathComponent($0.name), text: $0.text) }
        let existing = files.map(\.path).filter { FileManager.default.fileExists(atPath: $0) }
        if !existing.isEmpty && !force {
            throw InputError("\(existing.joined(separator: ", ")): already exist\(existing.count == 1 ? "s" : ""); nothing written; use --force to overwrite")
        }
        for f in files {
            try AtomicOutput.write(to: f.path) { try f.text.write(toFile: $0, atomically: false, encoding: .utf8) }
        }
        let project = files[0].path
        print("Wrote \(files.map { ($0.path as NSString).lastPathComponent }.joined(separator: ", ")) in \(dir) (preset \(preset.rawValue)).")
        print("Supply the layers listed in \((dir as NSString).appendingPathComponent("INPUTS.md")), then `trame check \(project)`, then `trame run \(project)`.")
    }
}
