import ArgumentParser
import Foundation
import TrameGDAL
import TrameMaps
import TramePublish
import TrameScheme
import TrameVector

struct AddHabitatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addhabitat",
        abstract: "Where new habitat (a wood, a grassland, a pond) would reconnect a sub-network most.",
        discussion: """
        Graphab's patch addition, greedy: squares of --area on cells of --classes (outside the reservoirs), \
        every --step, are tried in turn as a new reservoir of the sub-network — their cells take the \
        habitat's resistance, their links are the least costs to every reservoir (up to three dispersal \
        distances) — and the one that raises the equivalent connected area (EC) most is kept; then the \
        search starts again with it, --count times.

        Written to OUT: habitat_additions.gpkg (the squares in the order chosen, with the EC before and \
        after, ha, and the gain in PC, %) and habitat_additions.png (the map).
        """)

    @Argument(help: "The scheme: an output folder of `trame run`.")
    var scheme: String

    @Option(help: "The sub-network (its name in the project).")
    var subnetwork: String

    @Option(help: "Land-cover classes a new patch may take, e.g. 211,231 (farmland, pastures).")
    var classes: String

    @Option(help: "Area of each new patch, with its unit (e.g. 1ha); it is made a square of whole cells.")
    var area = "1ha"

    @Option(help: "How many patches to place, one after the other.")
    var count = 3

    @Option(help: "Spacing of the candidate places, with its unit (default: the square's side).")
    var step: String?

    @Option(help: "At most this many candidate places per round (taken at a regular stride).")
    var maxCandidates = 2000

    @Option(name: [.short, .customLong("out")], help: "Output folder.")
    var out: String

    @Option(help: "Language of the map: fr or en.")
    var lang: Language = .en

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (1...100).contains(count) else { throw ValidationError("--count must lie within 1 … 100") }
        guard (1...1_000_000).contains(maxCandidates) else { throw ValidationError("--max-candidates must lie within 1 … 1000000") }
    }

    func run() throws {
        let codes = try classes.split(separator: ",").map { t -> Int32 in
            guard let v = Int32(t.trimmingCharacters(in: .whitespaces)) else { throw InputError("--classes: '\(t)' is not a class code") }
            return v
        }
        guard !codes.isEmpty else { throw InputError("--classes: give at least one class code") }
        let s = try SchemeOutput(scheme)
        let cell = abs(s.spec.transform.pixelWidth)
        let ha = try Inputs.area(area)
        guard ha > 0, ha <= 100_000 else { throw InputError("--area \(area): give 0 < area ≤ 100000 ha") }
        let side = max(1, Int((ha * 10_000).squareRoot() / cell + 0.5))
        let stepCells = try step.map { max(1, Int(try Inputs.length($0) / cell + 0.5)) } ?? side
        let progress = Progress(quiet: common.quiet)
        let folder = try OutputFolder.check(out, command: "addhabitat", version: TrameVersion.current, inputs: [s.gpkg])
        let a = try HabitatAddition.greedy(s, subNetwork: subnetwork, classes: Set(codes), side: side, count: count, step: stepCells,
                                           maxCandidates: maxCandidates, progress: progress.step)
        guard !a.choices.isEmpty else { throw InputError("\(scheme): no place of \(side) × \(side) cells lies wholly on classes \(classes) outside the reservoirs") }
        try folder.replace { building in
            try VectorIO.write([a.layer(crsWKT: s.spec.crsWKT)], to: (building as NSString).appendingPathComponent("habitat_additions.gpkg"),
                               styles: ["habitat_additions": QGISStyles.single(.fill, (26, 150, 65), alpha: 200, width: 0.6)])
            try map(a, s).writePNG((building as NSString).appendingPathComponent("habitat_additions.png"))
        }
        print("\(a.choices.count) patch\(a.choices.count > 1 ? "es" : "") of \(String(format: "%.2f", Double(side * side) * cell * cell / 10_000)) ha for \(subnetwork), in \(out):")
        for c in a.choices {
            print(String(format: "  %d. EC %.3f → %.3f ha (%+.3f ha, %+.2f %%), %d links, among %d places", c.order, c.ecBefore, c.ecAfter, c.ecGain,
                         c.ecBefore > 0 ? 100 * c.ecGain / c.ecBefore : 0, c.links, c.candidates))
        }
    }

    func map(_ a: HabitatAddition, _ s: SchemeOutput) throws -> MapCanvas {
        let w = Words(lang.rawValue)
        let polys = { (f: Feature) -> [Polygon] in
            switch f.geometry { case .polygon(let p): [p]; case .multiPolygon(let ps): ps; default: [] }
        }
        let reservoirs = try s.layer("reservoirs").features.filter { $0["subnetwork"].stringValue == subnetwork }.flatMap(polys)
        let lines = try s.layer("links").features.filter { $0["subnetwork"].stringValue == subnetwork && ($0["functional"].doubleValue ?? 0) != 0 }
            .compactMap { f -> [Point]? in if case .lineString(let l)? = f.geometry { l } else { nil } }
        let res = Colour(0.18, 0.49, 0.20, 0.85)
        let e = s.spec.extent
        let width = 1600
        let canvas = try MapCanvas(pngWidth: width, height: Int(MapPage.fittingHeight(width: Double(width), extent: e, minimum: 700)))
        var page = MapPage(title: "\(w[.addHabitatTitle]) — \(w.subNetworkName(subnetwork, label: subnetwork))", subtitle: s.metadata["TRAME_PROJECT"] ?? "",
                           extent: e,
                           layers: [.polygons(reservoirs, fill: res, stroke: nil, width: 0, hatch: nil, dash: []),
                                    .lines(lines, colour: Colour(0.3, 0.3, 0.3), width: 1, dash: [3, 2]),
                                    .polygons(a.choices.map(\.polygon), fill: Colour(1, 0.8, 0.1), stroke: .black, width: 1.5, hatch: nil, dash: [])],
                           labels: a.choices.map { c in
                               let b = c.polygon.exterior
                               let x = b.map(\.x).reduce(0, +) / Double(b.count), y = b.map(\.y).reduce(0, +) / Double(b.count)
                               return MapLabel("\(c.order)", at: Point(x, y), priority: Double(100 - c.order), size: 1.3, bold: true)
                           },
                           legend: [LegendSection(w.subNetworkName(subnetwork, label: subnetwork), [LegendEntry(.fill(res, outline: nil), w.reservoirs),
                                                             LegendEntry(.line(Colour(0.3, 0.3, 0.3), width: 1, dash: [3, 2]), w.functionalLinks),
                                                             LegendEntry(.fill(Colour(1, 0.8, 0.1), outline: .black), w[.addHabitatNew])])],
                           credits: "Trame · \(w.madeOn(Date()))")
        page.legendTitle = w.legend
        PlanningMap.draw(page, on: canvas)
        return canvas
    }
}
