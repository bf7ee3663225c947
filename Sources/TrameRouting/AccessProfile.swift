import Foundation

/// How a path is travelled.
public enum TravelMode: String, CaseIterable, Sendable {
    case walk, bike

    /// Speed used for time estimates, km/h.
    public var speedKmh: Double { self == .walk ? 4.5 : 15 }
}

/// Which ways a mode may use, decided from OpenStreetMap tags by a small table users can change.
///
/// The table has rows `key,value,walk,bike` where walk and bike are `yes`, `no` or empty (no say).
/// Keys are weighed in this order, a later one overriding an earlier one: `highway` (the base),
/// `access`, then the mode's own key (`foot` for walking, `bicycle` for cycling). A way without any
/// of these tags (a planner's own layer) is open to every mode. `highway=motorway` and `motorway_link`
/// are never open, whatever the other tags say. For bikes, `oneway=yes|1|true` (or `-1`) makes a way
/// one-way unless `oneway:bicycle=no`; walkers ignore one-way rules.
public struct AccessProfile: Sendable {
    /// (key, value) → (walk, bike), nil meaning "no say".
    public var rules: [String: [String: (Bool?, Bool?)]]

    public struct TableError: Error, CustomStringConvertible { public var description: String }

    public init(table: String, name: String = "profile table") throws {
        rules = [:]
        var lineNo = 0
        for raw in table.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.lowercased().hasPrefix("key,") { continue }
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard f.count == 4 else { throw TableError(description: "\(name): line \(lineNo): expected key,value,walk,bike") }
            func flag(_ s: String) throws -> Bool? {
                switch s {
                case "yes": return true
                case "no": return false
                case "": return nil
                default: throw TableError(description: "\(name): line \(lineNo): '\(s)' must be yes, no or empty")
                }
            }
            guard ["highway", "access", "foot", "bicycle"].contains(f[0]) else {
                throw TableError(description: "\(name): line \(lineNo): key '\(f[0])' must be highway, access, foot or bicycle")
            }
            rules[f[0], default: [:]][f[1]] = (try flag(f[2]), try flag(f[3]))
        }
    }

    /// The default table (OSM usage in France and most of Europe).
    public static let defaultTable = """
    key,value,walk,bike
    # highway: the base
    highway,footway,yes,no
    highway,pedestrian,yes,no
    highway,steps,yes,no
    highway,path,yes,yes
    highway,track,yes,yes
    highway,cycleway,yes,yes
    highway,bridleway,yes,no
    highway,living_street,yes,yes
    highway,residential,yes,yes
    highway,service,yes,yes
    highway,unclassified,yes,yes
    highway,tertiary,yes,yes
    highway,tertiary_link,yes,yes
    highway,secondary,yes,yes
    highway,secondary_link,yes,yes
    highway,primary,yes,yes
    highway,primary_link,yes,yes
    highway,road,yes,yes
    highway,trunk,no,no
    highway,trunk_link,no,no
    highway,motorway,no,no
    highway,motorway_link,no,no
    highway,construction,no,no
    highway,proposed,no,no
    highway,platform,yes,no
    highway,corridor,yes,no
    # access: applies to both
    access,no,no,no
    access,private,no,no
    access,yes,yes,yes
    access,permissive,yes,yes
    access,destination,yes,yes
    # mode keys override
    foot,yes,yes,
    foot,designated,yes,
    foot,permissive,yes,
    foot,no,no,
    foot,use_sidepath,no,
    bicycle,yes,,yes
    bicycle,designated,,yes
    bicycle,permissive,,yes
    bicycle,no,,no
    bicycle,dismount,,no
    bicycle,use_sidepath,,no
    """

    public static let standard = try! AccessProfile(table: defaultTable, name: "default profile")

    /// Whether a mode may use a way, and in which directions: (forward, backward).
    public func access(_ tags: [String: String], mode: TravelMode) -> (forward: Bool, backward: Bool) {
        let hw = tags["highway"]
        if hw == "motorway" || hw == "motorway_link" { return (false, false) }
        let keys = ["highway", "access", "foot", "bicycle"]
        if !keys.contains(where: { tags[$0] != nil }) { return (true, true) }   // a planner's own line
        var open: Bool? = nil
        for key in ["highway", "access", mode == .walk ? "foot" : "bicycle"] {
            guard let v = tags[key]?.lowercased(), let rule = rules[key]?[v] else { continue }
            if let r = mode == .walk ? rule.0 : rule.1 { open = r }
        }
        // An unknown highway value with no other say is closed (e.g. bus_guideway, raceway).
        guard open == true else { return (false, false) }
        if mode == .bike {
            let ob = tags["oneway:bicycle"]?.lowercased()
            if ob == "no" { return (true, true) }
            switch tags["oneway"]?.lowercased() {
            case "yes", "1", "true": return (true, false)
            case "-1", "reverse": return (false, true)
            default: break
            }
        }
        return (true, true)
    }
}

/// Parses GDAL's OSM `other_tags` field: `"foot"=>"yes","bicycle"=>"no"`.
public func parseOtherTags(_ s: String) -> [String: String] {
    var out: [String: String] = [:]
    var i = s.startIndex
    func readQuoted() -> String? {
        while i < s.endIndex && s[i] != "\"" { i = s.index(after: i) }
        guard i < s.endIndex else { return nil }
        i = s.index(after: i)
        var v = ""
        while i < s.endIndex && s[i] != "\"" {
            if s[i] == "\\", s.index(after: i) < s.endIndex { i = s.index(after: i) }
            v.append(s[i]); i = s.index(after: i)
        }
        if i < s.endIndex { i = s.index(after: i) }
        return v
    }
    while let k = readQuoted(), let v = readQuoted() { out[k] = v }
    return out
}
