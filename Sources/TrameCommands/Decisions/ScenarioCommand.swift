import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "A project's impact on the scheme: rebuild it with the project's land-cover changes and compare.",
        discussion: """
        CHANGES is a layer of polygons (a housing estate, a business park, a restored wetland) and lines (a \
        new road, a wildlife crossing), each with the land-cover class it puts in place (field `class`, a \
        code of the nomenclature) and, for lines, the width of the strip it takes (field `width`, metres). \
        Each cell whose centre lies in a change takes its class; later changes win over earlier ones.

        The scheme is built as it is (or --baseline names an earlier `trame run` of the same project, \
        reused as it is) and with the changes, then compared (`trame compare`). A sub-network whose \
        resistance, habitat and barriers no change alters is analysed once, in the baseline, and taken \
        from it for the scenario (when both are built in this run); the output says which. Written to OUT (new, empty \
        or an earlier scenario): baseline/, scenario/ (two complete schemes), scenario_land_cover.tif, and \
        comparison/ with diff.gpkg, figure_changes.csv, diff.png and report.html: the EC lost or gained \
        per sub-network (ha and %), links cut, corridors narrowed, reservoirs lost, new conflict points.
        """)

    @Argument(help: "The project file (TOML).")
    var project: String

    @Option(help: ArgumentHelp("The project's changes: a vector file (GeoPackage, Shapefile, GeoJSON…), optionally FILE:LAYER.", valueName: "file"))
    var change: String

    @Option(help: "Field of the changes holding the land-cover class they put in place.")
    var classField = "class"

    @Option(help: "Field of the line changes holding their width in metres.")
    var widthField = "width"

    @Option(help: "An earlier `trame run` of this project to compare with (reused as it is: nothing recomputed).")
    var baseline: String?

    @Option(name: [.short, .customLong("out")], help: "Output folder: new, empty or an earlier scenario.")
    var out: String

    @Option(help: "Language of maps and reports: fr or en (default: the project's [report] lang).")
    var lang: Language?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let p = try ProjectFile.load(project)
        let progress = Progress(quiet: common.quiet)
        var file = change, layer: String? = nil
        if !FileManager.default.fileExists(atPath: file), let k = change.lastIndex(of: ":") {
            file = String(change[..<k]); layer = String(change[change.index(after: k)...])
        }
        guard FileManager.default.fileExists(atPath: file) else { throw InputError("\(change): no such file (--change)") }
        let language = lang?.rawValue ?? p.lang
        let job = ScenarioJob(project: p, changes: LayerSource(file: file, layer: layer), out: out, lang: language, baseline: baseline,
                              classField: classField, widthField: widthField, progress: progress.step,
                              warn: { FileHandle.standardError.write(Data("trame: warning: \($0)\n".utf8)) })
        let o = try job.run()
        let w = Words("en")
        print("\(p.name): the project changes \(w.ha(o.changedHa)) (\(o.changedCells) cells); schemes in \(baseline ?? out + "/baseline") and \(out)/scenario, comparison in \(out)/comparison")
        print(String(format: "  time: baseline %@, scenario %.1f s", baseline == nil ? String(format: "%.1f s", o.baselineSeconds) : "reused (0 s)", o.scenarioSeconds))
        let classes = (try? Nomenclature.read(p.nomenclature)) ?? [:]
        for r in o.reach {
            let what = r.reason.map { "computed again (\($0.text(w, label: { classes[Int($0)]?.label })))" }
                ?? (o.reused.contains(r.subNetwork) ? "taken from the baseline: the project changes nothing it is built from" : "not reached by the project; computed again (the baseline is another run)")
            print("  \(r.subNetwork.padding(toLength: 13, withPad: " ", startingAt: 0)) \(what)")
        }
        if !o.reused.isEmpty { print(String(format: "  reuse saved %.1f s of the scenario's analysis", o.savedSeconds)) }
        for s in o.comparison.subNetworks {
            let dEC = s.new.ecHa - s.old.ecHa
            let pct = s.old.ecHa > 0 ? String(format: " (%+.2f %%)", 100 * dEC / s.old.ecHa) : ""
            print("  \(s.name.padding(toLength: 13, withPad: " ", startingAt: 0)) EC \(String(format: "%+.2f", dEC)) ha\(pct); reservoirs lost \(s.reservoirsLost); links cut \(s.linksCut), created \(s.linksCreated); corridors −\(w.ha(o.comparison.corridorLostHa[s.name] ?? 0)) +\(w.ha(o.comparison.corridorGainedHa[s.name] ?? 0)); new conflict points \(s.conflictsAdded)")
        }
    }
}
