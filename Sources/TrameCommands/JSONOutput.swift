import Foundation

/// Machine-readable output (`--json`), as `gdalinfo -json` gives it: one JSON object on stdout, keys in
/// snake_case with their unit in the name (`area_ha`, `length_m`), sorted so that two runs compare.
enum JSONOutput {
    static func print(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: sanitised(object), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// NaN and infinities are not JSON: they become null.
    static func sanitised(_ v: Any) -> Any {
        switch v {
        case let d as Double: return d.isFinite ? d : NSNull()
        case let a as [Any]: return a.map(sanitised)
        case let o as [String: Any]: return o.mapValues(sanitised)
        default: return v
        }
    }
}
