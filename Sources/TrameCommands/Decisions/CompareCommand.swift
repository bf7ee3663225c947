import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two schemes: what a new edition or a project gains and loses.",
        discussion: """
        OLD and NEW are two output folders of `trame run` built on the same land-cover grid (same cells, \
        same CRS) with the same sub-networks: two editions of the scheme, or a scenario against its \
        baseline. Schemes on different grids or sub-networks are refused, naming the difference.

        Written to DIFF (a new folder, an empty one, or an earlier comparison):
          diff.gpkg           the changes as layers styled for QGIS: nature_space_changes (gained, lost,
                              typology changed, cell by cell), corridor_changes and buffer_zone_changes
                              (gained, lost), reservoir_changes (lost, new, grown, shrunk, split, merged:
                              reservoirs matched by the cells they share), link_changes (functional links
                              cut and created, matched through their reservoirs; cost changes over 1 %),
                              conflict_changes (added, resolved: points within two cells are one place);
                              and the table figure_changes
          figure_changes.csv  every figure of figures.csv per unit: old, new, change, change in %
          diff.png            the gains and losses on a map
          report.html         per sub-network the change in reservoirs, EC, PC, functional links,
                              corridors and conflict points; the lists of changes

        A scheme compared with itself reports no change.
        """)

    @Argument(help: "The earlier scheme (an output folder of `trame run`).")
    var old: String

    @Argument(help: "The later scheme, or the scenario (an output folder of `trame run` on the same grid).")
    var new: String

    @Option(name: [.short, .customLong("out")], help: "Output folder: new, empty or an earlier comparison.")
    var out: String

    @Option(help: "Language of the map and report: fr or en (default: en).")
    var lang: Language = .en

    @OptionGroup var common: CommonOptions

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        let a = try SchemeOutput(old), b = try SchemeOutput(new)
        let folder = try OutputFolder.check(out, command: "compare", version: TrameVersion.current, inputs: Array(Set([a.gpkg, b.gpkg])))
        let c = try SchemeComparison.compare(a, b, progress: { progress.step($0) })
        try folder.replace { building in
            progress.step("writing the comparison")
            try ComparisonOutput(c, old: a, new: b, lang: lang.rawValue).write(into: building)
        }
        let w = c.subNetworks
        if c.isEmpty {
            print("No change between \(old) and \(new).")
        } else {
            print("Changes from \(old) to \(new), in \(out):")
            for s in w {
                let dEC = s.new.ecHa - s.old.ecHa
                let pct = s.old.ecHa > 0 ? String(format: " (%+.1f %%)", 100 * dEC / s.old.ecHa) : ""
                print("  \(s.name.padding(toLength: 13, withPad: " ", startingAt: 0)) EC \(String(format: "%+.1f", dEC)) ha\(pct); reservoirs \(s.old.reservoirs) → \(s.new.reservoirs); links cut \(s.linksCut), created \(s.linksCreated); conflict points +\(s.conflictsAdded) −\(s.conflictsResolved)")
            }
        }
    }
}
