import Foundation
import TrameRouting
import TrameScheme
import TrameVector

extension Layers {
    /// The named itineraries, their gaps, the stretches they share with the corridors and the proposals,
    /// labels in the run's language; `gpx` is each itinerary's GPX file in the scheme folder.
    public mutating func addNamedItineraries(_ its: [NamedItineraryFigures], proposals: [ItineraryProposal], gpx: [String]) {
        for (k, it) in its.enumerated() {
            let item = it.item
            let mode = TravelMode(rawValue: item.mode) ?? .walk
            namedItineraries.features.append(Feature(geometry: .multiLineString(it.parts), attributes: [
                "name": .string(item.name), "kind": .string(item.kind.rawValue), "kind_label": .string(words.itineraryKind(item.kind)),
                "status": .string(item.status.rawValue), "status_label": .string(words.itineraryStatus(item.status)),
                "parent": item.parent.map { .string($0) } ?? .null, "mode": .string(mode.rawValue),
                "mode_label": .string(words[mode == .walk ? .modeWalk : .modeBike]),
                "length_m": .real(it.length), "gaps_m": .real(it.gapLength), "gaps": .integer(it.gaps.count), "green_share": .real(it.greenShare),
                "shared_m": .real(it.sharedLength), "nature_spaces": .string(it.spaces.map(String.init).joined(separator: "; ")),
                "nature_spaces_served": .integer(it.spaces.count), "leisure_hubs": .string(it.hubs.joined(separator: "; ")),
                "road_crossings": .integer(it.roadCrossings.count), "gpx": k < gpx.count && !gpx[k].isEmpty ? .string(gpx[k]) : .null]))
            for g in it.gaps {
                itineraryGaps.features.append(Feature(geometry: .lineString(g.line), attributes: [
                    "itinerary": .string(item.name), "kind": .string(g.kind.rawValue), "kind_label": .string(words.gapKind(g.kind)), "length_m": .real(g.length)]))
            }
            for s in it.shared {
                sharedLinks.features.append(Feature(geometry: .multiLineString(s.lines), attributes: [
                    "itinerary": .string(s.itinerary), "subnetwork": .string(s.subNetwork), "link": .integer(s.link),
                    "from_reservoir": .integer(s.from), "to_reservoir": .integer(s.to), "length_m": .real(s.length)]))
            }
        }
        for p in proposals {
            itineraryProposals.features.append(Feature(geometry: .lineString(p.line), attributes: [
                "kind": .string(p.kind.rawValue), "kind_label": .string(words.proposalKind(p.kind)),
                "itinerary": p.itinerary.map { .string($0) } ?? .null, "subnetwork": p.subNetwork.map { .string($0) } ?? .null,
                "link": p.link.map { .integer($0) } ?? .null, "dPC": p.dPC.map { .real($0) } ?? .null, "length_m": .real(p.length)]))
        }
    }
}

/// File names for the itineraries' GPX files, from names a project gives: letters and digits kept, every
/// other run of characters one '-', no leading or trailing '-' or '.', at most 80 characters, unique
/// (without regard to case: "-2", "-3" added); never a path, never hidden, never empty.
public enum ItineraryFiles {
    public static let folder = "itineraries"

    public static func gpxNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.map { name in
            var s = ""
            for ch in name.precomposedStringWithCanonicalMapping {
                if ch.isLetter || ch.isNumber, ch.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) { s.append(ch) } else if s.last != "-" { s.append("-") }
            }
            s = String(s.trimmingCharacters(in: CharacterSet(charactersIn: "-.")).prefix(80)).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
            if s.isEmpty { s = "itinerary" }
            var candidate = s, k = 2
            while used.contains(candidate.lowercased()) { candidate = "\(s)-\(k)"; k += 1 }
            used.insert(candidate.lowercased())
            return candidate + ".gpx"
        }
    }

    /// Whether `file` may be a GPX file name of ours: what `gpxNames` makes, nothing else (no separator, no
    /// leading dot, ends in .gpx).
    public static func isSafe(_ file: String) -> Bool {
        guard file.hasSuffix(".gpx"), file.count > 4, file.count <= 90, !file.hasPrefix("."), !file.hasPrefix("-") else { return false }
        return file.dropLast(4).allSatisfy { ($0.isLetter || $0.isNumber || $0 == "-") && $0 != "/" && $0 != "\\" }
    }
}
