import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish
import TrameScheme

struct PrioritiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "priorities",
        abstract: "Restoration priorities: the works (crossings, barriers removed) that reconnect the network most.",
        discussion: """
        SCHEME is an output folder of `trame run`. For each sub-network, every link's worst barrier (the \
        stretch of its path where a window of --radius gains most) and every conflict point are \
        restored in turn: the cells of the window that resist more than the permeable part of the link's \
        path take its resistance (the first quartile of the path's cells); the link's cost is recomputed, then PC and EC on the whole network. The \
        works are ranked by the EC they add (ha).

        Written to OUT (a new or empty folder, or an earlier one of this command):
          restoration.gpkg   layer restoration: one point per work, ranked, with the link, its cost
                             before and after, whether it becomes functional, the EC gained (ha, %)
                             and the gain in PC (dPC, %)
          restoration.html   the works that reconnect most (--top), for partners
        """)

    @Argument(help: "The scheme: an output folder of `trame run`.")
    var scheme: String

    @Option(help: "Radius of each work's window, with its unit (e.g. 50m).")
    var radius = "50m"

    @Option(help: "How many works the page lists.")
    var top = 20

    @Option(help: "Per sub-network, how many links (those with the worst barriers) are evaluated exactly.")
    var candidates = 40

    @Option(name: [.short, .customLong("out")], help: "Output folder.")
    var out: String

    @Option(help: "Language of the page and labels: fr or en.")
    var lang: Language = .en

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (1...1000).contains(top) else { throw ValidationError("--top must lie within 1 … 1000") }
        guard (1...10000).contains(candidates) else { throw ValidationError("--candidates must lie within 1 … 10000") }
    }

    func run() throws {
        let r = try Inputs.length(radius)
        guard r > 0, r <= 5000 else { throw InputError("--radius \(radius): give 0 < radius ≤ 5000 m") }
        let progress = Progress(quiet: common.quiet)
        let s = try SchemeOutput(scheme)
        let folder = try OutputFolder.check(out, command: "priorities", version: TrameVersion.current, inputs: [s.gpkg])
        let p = try RestorationPriorities.evaluate(s, radius: r, candidates: candidates, progress: progress.step)
        try folder.replace { building in
            try VectorIO.write([p.layer(crsWKT: s.spec.crsWKT, lang: lang.rawValue)], to: (building as NSString).appendingPathComponent("restoration.gpkg"),
                               styles: ["restoration": QGISStyles.single(.marker, (215, 25, 28))])
            let html = p.html(title: s.metadata["TRAME_PROJECT"] ?? scheme, top: top, radius: r, lang: lang.rawValue)
            try html.write(toFile: (building as NSString).appendingPathComponent("restoration.html"), atomically: true, encoding: .utf8)
        }
        print("\(p.works.count) works evaluated in \(out); the first:")
        for x in p.works.prefix(min(top, 10)) {
            print(String(format: "  %2d  %@ %@ on link %d (%d – %d): cost %.0f → %.0f%@, EC %+.3f ha", x.rank, x.subNetwork, x.kind, x.link, x.from, x.to,
                         x.costBefore, x.costAfter, x.functionalAfter && !x.functionalBefore ? " (becomes functional)" : "", x.ecGain))
        }
    }
}
