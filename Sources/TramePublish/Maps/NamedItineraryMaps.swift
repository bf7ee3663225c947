import Foundation
import TrameMaps
import TrameRouting
import TrameScheme
import TrameVector

/// The atlas pages of the named itineraries: one per kind (greenways, long-distance paths, loops, local
/// itineraries), the overview map zoomed on them with their courses in the kind's colour, the stretches
/// they share with the corridors, their gaps and the proposals, and a table of their figures.
extension SchemeMaps {
    /// The kinds of the run's named itineraries, in the vocabulary's order.
    func itineraryKinds() -> [NamedItinerary.Kind] {
        NamedItinerary.Kind.allCases.filter { k in input.result.namedItineraries.contains { $0.item.kind == k && !$0.parts.isEmpty } }
    }

    /// The extent of a kind's itineraries, with a margin (at least the territory's twentieth).
    func itineraryExtent(_ kind: NamedItinerary.Kind) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let pts = input.result.namedItineraries.filter { $0.item.kind == kind }.flatMap { $0.parts.flatMap { $0 } }
        let whole = input.landCover.spec.extent
        guard let x0 = pts.map(\.x).min(), let x1 = pts.map(\.x).max(), let y0 = pts.map(\.y).min(), let y1 = pts.map(\.y).max() else { return whole }
        let pad = max(0.08 * max(x1 - x0, y1 - y0), 0.05 * max(whole.maxX - whole.minX, whole.maxY - whole.minY))
        return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    }

    func itineraryPage(_ kind: NamedItinerary.Kind, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> MapPage {
        let w = words, r = input.result
        var page = self.page(subNetwork: nil, pixels: 1800, extent: extent)
        let its = r.namedItineraries.filter { $0.item.kind == kind }
        page.title = "\(input.project.title) — \(String(format: w[.namedItinerariesPage], w.itineraryKind(kind)))"
        let km = its.reduce(0) { $0 + $1.length } / 1000, shared = its.reduce(0) { $0 + $1.sharedLength } / 1000
        page.subtitle = "\(w.length)\(w.colon)\(w.km(km)) · \(w[.sharedWithCorridors])\(w.colon)\(w.km(shared)) · \(w[.gapsWord])\(w.colon)\(w.number(its.reduce(0) { $0 + $1.gapLength }, decimals: 0)) m"
        // Under the points (the last three layers: conflict points and hubs): proposals, shared stretches, courses, gaps.
        let proposals = r.itineraryProposals.filter { $0.kind == .corridorWithoutItinerary }.map(\.line)
        var extra: [MapLayer] = [
            .lines(proposals, colour: Colour(rgb: NamedItineraryStyle.proposal(.corridorWithoutItinerary).tuple), width: 1.6, dash: [3, 2]),
            .lines(its.flatMap { $0.shared.flatMap(\.lines) }, colour: Colour(rgb: NamedItineraryStyle.shared.tuple, alpha: 0.85), width: 6, dash: []),
            .lines(its.flatMap(\.parts), colour: Colour(rgb: NamedItineraryStyle.colour(kind).tuple), width: 2.6, dash: its.allSatisfy { $0.item.status == .planned } ? [6, 3] : []),
        ]
        for it in its where it.item.status == .planned {
            extra.append(.lines(it.parts, colour: Colour(1, 1, 1, 0.9), width: 1.0, dash: [4, 4]))
        }
        extra.append(.lines(its.flatMap { $0.gaps.map(\.line) }, colour: Colour(rgb: Palette.conflict.tuple), width: 2.4, dash: [2, 2]))
        extra.append(.markers(its.flatMap { $0.roadCrossings.map(\.point) }, shape: .square, size: 6, fill: Colour(rgb: Palette.conflict.tuple)))
        let cut = max(0, page.layers.count - 3)
        page.layers.insert(contentsOf: extra, at: cut)
        // Each itinerary named at the middle of its longest part.
        for it in its {
            guard let part = it.parts.max(by: { $0.count < $1.count }), !part.isEmpty else { continue }
            page.labels.append(MapLabel(it.item.name, at: part[part.count / 2], priority: 60, size: 0.9, bold: true))
        }
        return page
    }

    /// The legend of the itinerary pages.
    func itineraryLegend(_ kind: NamedItinerary.Kind) -> LegendSection {
        let w = words
        return LegendSection(w[.namedItineraries], [
            LegendEntry(.line(Colour(rgb: NamedItineraryStyle.colour(kind).tuple), width: 2.6, dash: []), "\(w.itineraryKind(kind)) (\(w.itineraryStatus(.existing)))"),
            LegendEntry(.line(Colour(rgb: NamedItineraryStyle.colour(kind).tuple), width: 2.6, dash: [6, 3]), "\(w.itineraryKind(kind)) (\(w.itineraryStatus(.planned)))"),
            LegendEntry(.line(Colour(rgb: NamedItineraryStyle.shared.tuple), width: 6, dash: []), w[.sharedLinks]),
            LegendEntry(.line(Colour(rgb: Palette.conflict.tuple), width: 2.4, dash: [2, 2]), w[.itineraryGaps]),
            LegendEntry(.marker(.square, Colour(rgb: Palette.conflict.tuple)), w[.roadCrossingsWord]),
            LegendEntry(.line(Colour(rgb: NamedItineraryStyle.proposal(.corridorWithoutItinerary).tuple), width: 1.6, dash: [3, 2]), w.proposalKind(.corridorWithoutItinerary)),
        ])
    }

    /// The panel of a kind's page: per itinerary its status, length, gaps, share in the green network, length
    /// in the corridors, the spaces and hubs it serves and its road crossings; then the legend.
    func itineraryBlocks(_ kind: NamedItinerary.Kind) -> [PanelBlock] {
        let w = words
        let tables = input.result.namedItineraries.filter { $0.item.kind == kind }.map { it -> PanelBlock in
            var title = it.item.name
            if let parent = it.item.parent { title += " (\(String(format: w[.loopOf], parent)))" }
            let rows: [[String]] = [
                [w[.statusWord], "\(w.itineraryStatus(it.item.status)), \(w[(TravelMode(rawValue: it.item.mode) ?? .walk) == .walk ? .modeWalk : .modeBike])"],
                [w.length, w.km(it.length / 1000)],
                [w[.gapsWord], "\(w.number(it.gapLength, decimals: 0)) m (\(it.gaps.count))"],
                [w.greenShare, w.pct(it.greenShare)],
                [w[.sharedWithCorridors], w.km(it.sharedLength / 1000)],
                [w[.spacesServed], "\(it.spaces.count)"],
                [w[.hubsServed], it.hubs.isEmpty ? "0" : it.hubs.joined(separator: ", ")],
                [w[.roadCrossingsWord], "\(it.roadCrossings.count)"],
            ]
            return .table(SideTable(title: title, rows: rows, shares: [0.5, 0.5]))
        }
        return tables + [.legend(itineraryLegend(kind))]
    }
}
