import Foundation
import TrameGDAL
import TrameRouting
import TrameVector

/// Route relations of an OpenStreetMap extract (GDAL's OSM driver: the `multilinestrings` layer, type = route).
public enum NetworkRoutes {
    public static let kinds: Set<String> = ["hiking", "foot", "walking", "bicycle", "mtb"]

    /// The walking or cycling route relation named `key` (its name, ref or OSM id); one line error when none
    /// or several match, with the names it knows.
    public static func relation(_ key: String, in path: String) throws -> (name: String, layer: VectorLayer) {
        let all = try VectorIO.read(path, layer: "multilinestrings", filter: "type = 'route'", allowEmpty: true)
        let routes = all.features.filter { f in kinds.contains(parseOtherTags(f["other_tags"].stringValue ?? "")["route"] ?? "") }
        func label(_ f: Feature) -> String {
            let tags = parseOtherTags(f["other_tags"].stringValue ?? "")
            return f["name"].stringValue ?? tags["ref"].map { "ref \($0)" } ?? "osm_id \(f["osm_id"].stringValue ?? "?")"
        }
        let matches = routes.filter { f in
            let tags = parseOtherTags(f["other_tags"].stringValue ?? "")
            return f["name"].stringValue == key || tags["ref"] == key || f["osm_id"].stringValue == key
        }
        guard !matches.isEmpty else {
            let known = routes.map(label).sorted().prefix(12)
            throw GeodataError(path, "no walking or cycling route relation named '\(key)' (by name, ref or OSM id)" + (known.isEmpty ? "; the extract holds none" : "; it holds: \(known.joined(separator: ", "))\(routes.count > 12 ? ", …" : "")"))
        }
        guard matches.count == 1 else {
            throw GeodataError(path, "\(matches.count) route relations match '\(key)': give one OSM id (\(matches.map { $0["osm_id"].stringValue ?? "?" }.joined(separator: ", ")))")
        }
        let f = matches[0]
        return (label(f), VectorLayer(name: "itinerary", geometryKind: .multiLineString, fields: [], features: [Feature(geometry: f.geometry, attributes: [:])], crsWKT: all.crsWKT))
    }
}
