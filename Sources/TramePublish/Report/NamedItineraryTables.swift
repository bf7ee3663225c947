import Foundation
import TrameRouting
import TrameScheme

extension SchemeReport {
    /// The tables of the named itineraries (report and atlas): their figures; the km they share with each
    /// sub-network's corridors (links with two vocations); the proposals. None without named itineraries.
    public static func namedItineraryTables(_ r: SchemeResult, words w: Words) -> [(title: String, header: [String], rows: [[String]])] {
        guard !r.namedItineraries.isEmpty else { return [] }
        let its = r.namedItineraries.map { it -> [String] in
            var kind = w.itineraryKind(it.item.kind)
            if let parent = it.item.parent { kind += " (\(String(format: w[.loopOf], parent)))" }
            return [it.item.name, kind, w.itineraryStatus(it.item.status), w.km(it.length / 1000), "\(w.number(it.gapLength, decimals: 0)) m",
                    w.pct(it.greenShare), w.km(it.sharedLength / 1000), "\(it.spaces.count) / \(it.hubs.count)", "\(it.roadCrossings.count)"]
        }
        func subName(_ name: String) -> String {
            guard let s = r.subNetworks.first(where: { $0.name == name }) else { return name }
            return w.subNetworkName(s.name, label: s.label)
        }
        var shared: [[String]] = []
        for s in r.subNetworks {
            let stretches = r.namedItineraries.flatMap { $0.shared.filter { $0.subNetwork == s.name } }
            guard !stretches.isEmpty else { continue }
            let byItinerary = Dictionary(grouping: stretches, by: \.itinerary).map { ($0.key, $0.value.reduce(0) { $0 + $1.length }) }.sorted { $0.1 > $1.1 }
            shared.append([subName(s.name), w.km(stretches.reduce(0) { $0 + $1.length } / 1000), "\(Set(stretches.map { "\($0.link)#\($0.from)" }).count)",
                           byItinerary.map { "\($0.0) (\(w.km($0.1 / 1000)))" }.joined(separator: ", ")])
        }
        let proposals = r.itineraryProposals.sorted { ($0.kind.rawValue, -($0.dPC ?? 0), -$0.length) < ($1.kind.rawValue, -($1.dPC ?? 0), -$1.length) }.prefix(30).map { p -> [String] in
            let what = p.itinerary ?? "\(subName(p.subNetwork ?? "")) — \(w[.link]) \(p.link ?? 0)"
            return [w.proposalKind(p.kind), what, p.dPC.map { w.number($0, decimals: 2) + " %" } ?? "", w.km(p.length / 1000)]
        }
        var out: [(String, [String], [[String]])] = [
            (w[.namedItineraries], [w.name, w.kind, w[.statusWord], w.length, w[.gapsWord], w.greenShare, w[.sharedWithCorridors],
                                    "\(w[.spacesServed]) / \(w[.hubsServed])", w[.roadCrossingsWord]], its),
        ]
        if !shared.isEmpty { out.append((w[.sharedLinks], [w.subNetwork, w.length, w.corridors, w[.namedItineraries]], shared)) }
        if !proposals.isEmpty { out.append((w[.itineraryProposals], [w.kind, w.name, "dPC", w.length], Array(proposals))) }
        return out
    }
}
