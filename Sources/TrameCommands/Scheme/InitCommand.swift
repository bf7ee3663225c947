import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
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
        (codes 111 to 523), the European land cover; nlcd, the 20 classes of the US \
        National Land Cover Database (codes 11 to 95); sample, the nomenclature of \
        the sample territory of `trame demo`.

        Then put your layers in place (INPUTS.md), review the tables, run \
        `trame check DIR/project.toml` until it reports no problem, then \
        `trame run DIR/project.toml`. Existing files are left alone unless --force \
        is given.

        From OpenStreetMap: `trame init DIR --osm EXTRACT.osm.pbf [--crs EPSG:…] \
        [--resolution 10m] [--clip polygon.gpkg]` writes a ready project: landcover.tif \
        burnt from the extract's tags through osm_classes.csv (a replaceable tag → \
        class table: edit it, then --osm-table osm_classes.csv --force), \
        nomenclature.csv, friction.csv, osm.gpkg (protected areas, roads, railways, \
        paths, watercourses, obstacles, leisure hubs, communes or a grid of squares, \
        the territory), project.toml and INPUTS.md. The territory is the extract's \
        bounds (or its part inside --clip) less the sea; the CRS the UTM zone of its \
        centre unless --crs names a projected CRS in metres. Overlapping tags: every \
        feature takes the row of highest priority it matches, and the highest \
        priority wins where features overlap: land use < leisure grounds < grassland \
        < heath < scrub < woodland < wetland < bare ground < water < buildings < \
        railways < roads (bridges and tunnels are not burnt). Roads and railways are \
        burnt as polygons of a width per class (motorway 25 m, primary 15 m, \
        residential 7 m…; paths and tracks not burnt). Land no tag covers takes class \
        90 (no land-use tag, resistance 100), its share printed and written in \
        project.toml. The sea (coastline ways, sea polygons) is NoData. Then \
        `trame run DIR/project.toml`.
        """)

    @Argument(help: "Folder of the new project (created if missing).")
    var dir: String

    @Option(help: "Name of the territory.")
    var name: String = "My territory"

    @Option(help: "Nomenclature of the tables: clc (CORINE Land Cover, 44 classes), nlcd (US NLCD, 20 classes) or sample (trame demo's).")
    var preset: StartKit.Preset = .clc

    @Flag(help: "Overwrite the files of an earlier `trame init`.")
    var force = false

    @Option(name: .customLong("osm"), help: ArgumentHelp("An OpenStreetMap extract (.osm.pbf or .osm): write a ready project from it.", valueName: "extract"))
    var osm: String?

    @Option(help: ArgumentHelp("With --osm: the project's CRS, projected in metres (default: the UTM zone of the extract's centre).", valueName: "crs"))
    var crs: String?

    @Option(help: ArgumentHelp("With --osm: the land cover's cell size, e.g. 10m, 5m.", valueName: "size"))
    var resolution: String = "10m"

    @Option(help: ArgumentHelp("With --osm: polygons (any vector file) the territory is cut to.", valueName: "file"))
    var clip: String?

    @Option(name: .customLong("osm-table"), help: ArgumentHelp("With --osm: your tag → class table (the osm_classes.csv an earlier init wrote, edited).", valueName: "file"))
    var osmTable: String?

    @Option(help: ArgumentHelp("With --osm: the partner named for the protected areas.", valueName: "name"))
    var partner: String = "OpenStreetMap contributors"

    func validate() throws {
        if osm == nil {
            for (given, flag) in [(crs != nil, "--crs"), (clip != nil, "--clip"), (osmTable != nil, "--osm-table"), (resolution != "10m", "--resolution"),
                                  (partner != "OpenStreetMap contributors", "--partner")] where given {
                throw ValidationError("\(flag) goes with --osm EXTRACT.osm.pbf")
            }
        }
    }

    /// "10m", "10 m", "10" → 10 metres.
    static func metres(_ text: String) throws -> Double {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        var factor = 1.0
        if t.hasSuffix("km") { factor = 1000; t.removeLast(2) } else if t.hasSuffix("m") { t.removeLast() }
        guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v.isFinite, v > 0 else {
            throw InputError("--resolution \(text): not a cell size; write e.g. 10m")
        }
        let m = v * factor
        guard m >= 0.5, m <= 1000 else { throw InputError("--resolution \(text): a cell size of 0.5 m to 1000 m is expected") }
        return m
    }

    func runOSM(_ extract: String) throws {
        var o = OSMStartKit.Options(extract: extract, dir: dir)
        o.name = name == "My territory" ? nil : name
        o.crs = crs
        o.resolution = try Self.metres(resolution)
        o.clip = clip
        o.table = osmTable
        o.partner = partner
        o.force = force
        let s = try OSMStartKit.build(o)
        let top = s.shares.filter { $0.key != OSMKit.unmappedCode }.sorted { $0.value > $1.value }.prefix(6)
            .map { "\(OSMKit.classDef($0.key)?.label.lowercased() ?? String($0.key)) \(String(format: "%.1f", $0.value)) %" }.joined(separator: ", ")
        print("Wrote \(s.files.joined(separator: ", ")) in \(dir) from \((extract as NSString).lastPathComponent).")
        print("  grid         \(s.cols) × \(s.rows) cells of \(OSMProjectText.number(s.cellSize)) m in \(s.crs), \(String(format: "%.1f", Double(s.landCells) * s.cellSize * s.cellSize / 10_000)) ha of land\(s.seaHa > 0 ? String(format: ", %.1f ha of sea left out", s.seaHa) : "")")
        print("  no tag       \(String(format: "%.1f", s.unmappedShare)) % of the territory has no land-use tag (class \(OSMKit.unmappedCode))")
        print("  land cover   \(top)")
        let layers = ["protected_areas", "roads", "railways", "paths", "watercourses", "obstacles", "leisure_hubs", "units"].map { "\($0) \(s.counts[$0] ?? 0)" }
        print("  layers       \(layers.joined(separator: ", ")) (units: \(s.unitsFrom))")
        print("  sub-networks \(s.subNetworks.joined(separator: ", "))\(s.dropped.isEmpty ? "" : "; left out: " + s.dropped.joined(separator: "; "))")
        let project = (dir as NSString).appendingPathComponent("project.toml")
        print("Review osm_classes.csv and friction.csv, then `trame run \(project)`.")
    }

    func run() throws {
        if let osm { try runOSM(osm); return }
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
