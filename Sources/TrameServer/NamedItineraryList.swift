import Foundation
import Hummingbird
import TrameScheme
import TrameVector

/// `trame serve`: the scheme's named itineraries to show and download. The list comes from the
/// `named_itineraries` layer; a GPX is served only under a name that layer gives and that is a plain file
/// name (letters, digits and '-', ending in .gpx: never a path), from the scheme's `itineraries` folder.
extension SchemeServer {
    func namedItineraryList() -> Response {
        guard let l = scheme.site.layer(SchemeLayer.namedItineraries.name) else { return SchemeServer.json(["itineraries": [Any]()]) }
        let list: [[String: Any]] = l.features.map { f in
            var o: [String: Any] = [:]
            for key in ["name", "kind", "kind_label", "status", "status_label", "parent", "mode", "mode_label"] { if let s = f[key].stringValue { o[key] = s } }
            for key in ["length_m", "gaps_m", "green_share", "shared_m"] { if case .real(let d) = f[key] { o[key] = (d * 1000).rounded() / 1000 } }
            for key in ["gaps", "road_crossings", "nature_spaces_served"] { if case .integer(let i) = f[key] { o[key] = i } }
            if let b = f.geometry?.bounds { o["bbox"] = [b.minX, b.minY, b.maxX, b.maxY] }
            if let file = SchemeServer.gpxFile(f["gpx"].stringValue) { o["gpx"] = "/api/itineraries/\(file)" }
            return o
        }
        return SchemeServer.json(["itineraries": list])
    }

    /// The file name of a `gpx` field ("itineraries/NAME.gpx"), when it is one of ours.
    static func gpxFile(_ field: String?) -> String? {
        guard let field, field.hasPrefix("itineraries/") else { return nil }
        let file = String(field.dropFirst("itineraries/".count))
        return SchemeServer.isSafeGPX(file) ? file : nil
    }

    /// Letters, digits and '-' before ".gpx"; no leading '-' or '.', no separator, at most 90 characters.
    static func isSafeGPX(_ file: String) -> Bool {
        guard file.hasSuffix(".gpx"), file.count > 4, file.count <= 90, let first = file.first, first != ".", first != "-" else { return false }
        return file.dropLast(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
    }

    func namedItineraryGPX(_ file: String) throws -> Response {
        guard SchemeServer.isSafeGPX(file), let l = scheme.site.layer(SchemeLayer.namedItineraries.name),
              l.features.contains(where: { SchemeServer.gpxFile($0["gpx"].stringValue) == file }) else {
            throw APIError(.notFound, "no such itinerary GPX in this scheme (see /api/itineraries)")
        }
        let path = ((scheme.site.folder as NSString).appendingPathComponent("itineraries") as NSString).appendingPathComponent(file)
        guard let d = FileManager.default.contents(atPath: path) else { throw APIError(.notFound, "the scheme has no itineraries/\(file)") }
        // The header carries an ASCII fallback name and the UTF-8 one (RFC 6266).
        let ascii = String(file.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        let encoded = file.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-."))) ?? ascii
        return SchemeServer.bytes([UInt8](d), type: "application/gpx+xml", cache: "no-cache",
                                  extra: [.contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"])
    }
}
