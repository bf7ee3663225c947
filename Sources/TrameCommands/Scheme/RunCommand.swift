import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Build the whole scheme of a territory from its project file.",
        discussion: """
        Reads project.toml (see `trame init`) and, for every sub-network, computes resistance, reservoirs, \
        least-cost links, corridors and connectivity metrics; then the nature spaces by typology (major \
        ecological interest, mixed vocation), buffer zones (urban breaks and the frame of the network), \
        conflict points where roads, railways or built-up land cut a corridor, and figures per commune \
        and grouping.

        OUT must be a new folder, an empty one, or the output of an earlier `trame run` (Trame marks its \
        outputs with a .trame-output file listing what it wrote). Anything else — a file, a folder holding \
        a file Trame did not write, the project's own folder — is refused at once, nothing \
        touched. The scheme is built in a hidden folder beside OUT (.OUT.building-PID) and exchanged with \
        OUT in one step at the end, so OUT is always either the complete previous scheme or the complete \
        new one; a failed or interrupted run leaves OUT as it was, and its leftovers are removed by the \
        next run.

        Written to OUT:
          scheme.gpkg   nature_spaces, reservoirs, links, corridors, buffer_zones, conflict_points,
                        leisure_hubs, units, and the tables figures and run_parameters; QGIS styles;
                        parameters and input checksums in the GeoPackage metadata; a QGIS project
                        ('trame': every layer and raster styled, grouped by sub-network)
          rasters/      per sub-network resistance, cost distance and corridors; nature spaces;
                        buffer-zone membership (Cloud-Optimized GeoTIFF, class names inside),
                        each with its QGIS style (.qml)
          map.png       overview map;  atlas.pdf  overview, one page per sub-network, figures
          report.html   the report for partners (one file);  figures.csv  figures per unit
        """)

    @Argument(help: "The project file (TOML).")
    var project: String

    @Option(name: [.short, .customLong("out")], help: "Output folder: new, empty or an earlier scheme (default: 'scheme' beside the project file).")
    var out: String?

    @Option(help: "Language of maps and report: fr or en (default: the project's [report] lang).")
    var lang: Language?

    @Option(name: .customLong("inventory"),
            help: ArgumentHelp("Use another file for an inventory in this run: NAME=FILE (e.g. a partner's revised version; its first layer, all its sites).",
                               valueName: "name=file"))
    var inventoryFiles: [String] = []

    @Flag(help: "Print the summary as one JSON object on stdout: the sub-networks, and every figure of figures.csv per unit (keys as its columns).")
    var json = false

    @Flag(help: "Print the time and peak memory of every stage at the end (for scaling figures; Linux).")
    var profile = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        for x in inventoryFiles where !x.contains("=") { throw ValidationError("--inventory takes NAME=FILE, e.g. --inventory 'Natura 2000=natura-v2.gpkg'") }
    }

    func run() throws {
        let replace = inventoryFiles.map { x in
            let eq = x.firstIndex(of: "=")!
            return (name: String(x[..<eq]), file: String(x[x.index(after: eq)...]))
        }
        let p = try SchemeJob.loadProject(project, replacing: replace)
        let outDir = out ?? (p.directory as NSString).appendingPathComponent("scheme")
        let result = try runScheme(p, out: outDir, lang: lang?.rawValue ?? p.lang, quiet: common.quiet, profile: profile)
        if json { try JSONOutput.print(SchemeSummary.json(result, out: outDir)) } else { SchemeSummary.print(result, out: outDir, lang: lang?.rawValue ?? p.lang) }
    }
}

/// Runs a project with progress on a terminal (quiet in scripts); with `profile`, prints each stage's time
/// and peak memory on stderr at the end.
func runScheme(_ p: Project, out: String, lang: String, quiet: Bool, profile: Bool = false) throws -> SchemeResult {
    let progress = Progress(quiet: quiet)
    guard profile else { return try SchemeJob(project: p, out: out, lang: lang, progress: progress.step).run() }
    let stages = StageProfile(cells: 0)
    stages.step("reading the inputs")
    let result = try SchemeJob(project: p, out: out, lang: lang, progress: { progress.step($0); stages.step($0) }).run()
    stages.finish()
    // Bytes per cell of the land-cover grid (the one the run used, also when it was derived).
    let grid = [p.landCover, (out as NSString).appendingPathComponent("rasters/land_cover.tif")]
        .lazy.compactMap { try? RasterIO.describe($0) }.first
    FileHandle.standardError.write(Data(stages.table(cellCount: grid.map { $0.spec.count }).utf8))
    return result
}

/// The key figures printed at the end of a run.
enum SchemeSummary {
    /// The summary for programs (`trame run --json`): figures per unit as figures.csv's columns, the
    /// sub-networks, buffer zones, pinch points, itineraries and the files written.
    static func json(_ r: SchemeResult, out: String) -> [String: Any] {
        let columns = SchemeFigures.columns(r)
        let figures: [[String: Any]] = r.units.map { u in
            var o: [String: Any] = [:]
            for (c, v) in zip(columns, SchemeFigures.row(u, r)) {
                switch v {
                case .integer(let i): o[c] = i
                case .real(let d): o[c] = d
                case .string(let s): o[c] = s
                default: o[c] = NSNull()
                }
            }
            return o
        }
        let subs: [[String: Any]] = r.subNetworks.map { s in
            ["name": s.name, "label": s.label, "reservoirs": s.reservoirs, "reservoir_ha": s.reservoirHa, "links": s.links,
             "functional_links": s.functionalLinks, "corridor_ha": s.corridorHa, "corridor_km": s.corridorKm, "PC": s.pc, "EC_ha": s.ec,
             "components": s.components, "conflict_points": s.conflicts, "dispersal_cost": s.dispersalCost,
             "dispersal_probability": s.dispersalProbability]
        }
        return [
            "title": r.title, "out": out, "seconds": r.seconds, "crs": r.crs, "cell_size_m": r.cellSize,
            "figures": figures, "sub_networks": subs,
            "buffer_zones": ["urban_breaks": r.urbanBreaks.count, "urban_break_ha": r.urbanBreaks.ha, "north_south_openings": r.northSouthBreaks,
                             "network_frames": r.networkFrames.count, "network_frame_ha": r.networkFrames.ha],
            "nature_spaces": ["major_interest": r.majorSpaces, "mixed_vocation": r.mixedSpaces],
            "pinch_points": r.pinchPoints.count,
            "itineraries": r.itineraries.map { ["from": $0.from, "to": $0.to, "length_m": $0.lengthM, "green_share": $0.greenShare] },
            "unreachable_hubs": r.unreachableHubs,
            "files": ["scheme.gpkg", "report.html", "atlas.pdf", "map.png", "figures.csv"].map { (out as NSString).appendingPathComponent($0) },
        ]
    }

    static func print(_ r: SchemeResult, out: String, lang: String) {
        let w = Words("en")   // the console speaks English whatever the report's language
        let t = r.territory
        Swift.print("\(r.title): green and blue infrastructure in \(out) (\(String(format: "%.1f", r.seconds)) s)")
        var share = String(format: "  nature spaces   %.1f %% of %@ (%@): major ecological interest %@, mixed vocation %@",
                           100 * t.natureShare, w.ha(t.areaHa), w.ha(t.natureHa), w.ha(t.majorHa), w.ha(t.mixedHa))
        if let ref = r.referenceShare { share += String(format: "; %@ %.1f %%", r.referenceLabel, 100 * ref) }
        Swift.print(share)
        for s in r.subNetworks {
            Swift.print(String(format: "  %-12@ %4d reservoirs %@; %d/%d links functional; corridors %@, %@; PC %.3g, EC %@; %@",
                               s.name.padding(toLength: 12, withPad: " ", startingAt: 0), s.reservoirs, w.ha(s.reservoirHa), s.functionalLinks, s.links,
                               w.ha(s.corridorHa), w.km(s.corridorKm), s.pc, w.ha(s.ec), w.conflictCount(s.conflicts)))
        }
        Swift.print("  buffer zones    \(w.ha(t.bufferHa)): \(r.urbanBreaks.count) urban breaks (\(w.ha(r.urbanBreaks.ha)), \(r.northSouthBreaks) north–south openings), \(r.networkFrames.count) network frames (\(w.ha(r.networkFrames.ha)))")
        if !r.itineraries.isEmpty {
            let total = r.itineraries.reduce(0) { $0 + $1.lengthM }
            let green = r.itineraries.reduce(0) { $0 + $1.lengthM * $1.greenShare } / max(total, 1)
            Swift.print(String(format: "  itineraries     %d (%@) linking the leisure hubs, %@, %.0f %% inside the green network", r.itineraries.count, r.itineraryMode, w.km(total / 1000), 100 * green)
                        + (r.unreachableHubs.isEmpty ? "" : "; not reached: \(r.unreachableHubs.joined(separator: ", "))"))
        }
        if !r.pinchPoints.isEmpty {
            Swift.print("  pinch points    \(r.pinchPoints.count) stretches where the current between two reservoirs concentrates (\(w.ha(r.pinchPoints.reduce(0) { $0 + $1.areaHa })))")
        }
        Swift.print("  conflict points \(SchemeReport.conflictSummary(t, w: w))")
        Swift.print("  open \(out)/scheme.gpkg in QGIS (its project: Browser → GeoPackage → scheme.gpkg → \(SchemeJob.qgisProjectName)), \(out)/report.html in a browser, \(out)/atlas.pdf to print")
    }
}
