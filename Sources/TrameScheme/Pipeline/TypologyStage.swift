import TrameRaster
import TrameVector

/// The stake of an outdoor leisure hub, as schemes distinguish them ("pôles de loisirs de pleine nature
/// d'enjeu régional / communautaire").
public enum HubStake: String, Sendable, CaseIterable {
    case regional, community

    /// The stake a field's value names, in English or French, any case or accents: "regional",
    /// "régional(e)", "region"; "community", "communautaire", "intercommunal(e)", "local(e)",
    /// "communal(e)". Nil for anything else.
    public static func parse(_ text: String) -> HubStake? {
        let t = text.trimmingCharacters(in: .whitespaces).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        switch t {
        case "regional", "regionale", "region": return .regional
        case "community", "communautaire", "intercommunal", "intercommunale", "local", "locale", "communal", "communale": return .community
        default: return nil
        }
    }
}

/// A leisure hub of the project and the nature space that holds it, if any.
public struct LeisureHub: Sendable {
    public var point: Point
    public var name: String
    public var space: NatureSpace?
    /// Its stake, when the project names a stake field.
    public var stake: HubStake?
    public init(point: Point, name: String, space: NatureSpace?, stake: HubStake? = nil) {
        self.point = point; self.name = name; self.space = space; self.stake = stake
    }
}

/// The typology stage's result: the nature spaces, and the leisure hubs placed in them.
public struct NatureSpaces: Sendable {
    public var spaces: NatureSpaceMap
    public var hubs: [LeisureHub]
    /// Per nature-space id, the names of the leisure hubs in it.
    public var hubsBySpace: [Int32: [String]]

    public var majorSpaces: Int { spaces.spaces.filter { $0.typology == .major }.count }
    public var mixedSpaces: Int { spaces.spaces.count - majorSpaces }
}

/// Nature spaces by typology: major ecological interest (a reservoir of any sub-network, or a site of a
/// major inventory), mixed vocation (other nature classes, in regions of at least the minimum area).
public enum TypologyStage {
    public static func run(_ input: SchemeInput, reservoirs: CellBits, sink: RasterSink) -> NatureSpaces {
        let p = input.project, n = input.spec.count
        let majorMask = input.majorInventoryMask
        var major = [UInt8](repeating: 0, count: n)
        for i in 0..<n where !reservoirs.isEmpty(at: i) || input.inventoryBits[i] & majorMask != 0 { major[i] = 1 }
        let spaces = NatureSpaceMap(landCover: input.landCover, natureClasses: ClassSet(input.natureClassCodes), major: major,
                                    mixedMinAreaHa: p.mixedMinAreaHa, inventories: input.inventoryBits)
        major = []
        sink.write(spaces.typology, to: "rasters/nature_spaces.tif",
                   description: "nature spaces: 1 major ecological interest, 2 mixed vocation",
                   categories: [0: "", 1: Words(input.language).typology(true), 2: Words(input.language).typology(false)],
                   colours: [1: (Palette.major.r, Palette.major.g, Palette.major.b), 2: (Palette.mixed.r, Palette.mixed.g, Palette.mixed.b)])
        let (hubs, bySpace) = leisureHubs(input, spaces: spaces)
        return NatureSpaces(spaces: spaces, hubs: hubs, hubsBySpace: bySpace)
    }

    /// The project's leisure hubs (points; others are skipped), named by the hub name field, and the spaces that hold them.
    static func leisureHubs(_ input: SchemeInput, spaces: NatureSpaceMap) -> ([LeisureHub], [Int32: [String]]) {
        guard let layer = input.hubs else { return ([], [:]) }
        let spec = input.spec
        var hubs: [LeisureHub] = [], bySpace: [Int32: [String]] = [:]
        for (k, f) in layer.features.enumerated() {
            guard case .point(let pt) = f.geometry else { continue }
            let name = f[input.project.hubNameField].stringValue ?? "hub \(k + 1)"
            var space: NatureSpace? = nil
            if let c = spec.cell(x: pt.x, y: pt.y) {
                let id = spaces.labels.values[spec.index(col: c.col, row: c.row)]
                if id > 0 { space = spaces.spaces[Int(id) - 1]; bySpace[id, default: []].append(name) }
            }
            let stake = input.project.hubStakeField.flatMap { f[$0].stringValue }.flatMap(HubStake.parse)
            hubs.append(LeisureHub(point: pt, name: name, space: space, stake: stake))
        }
        return (hubs, bySpace)
    }
}

/// The buffer-zone stage's result.
public struct BufferZones: Sendable {
    public var map: BufferZoneMap
    /// Names each town by the commune at its centre ("town N" outside the communes).
    public var townNames: [String]

    public var urbanBreaks: (count: Int, ha: Double) { tally(.urbanBreak) }
    public var networkFrames: (count: Int, ha: Double) { tally(.networkFrame) }
    public var northSouthBreaks: Int { map.zones.filter { $0.kind == .urbanBreak && $0.opening == "north-south" }.count }

    func tally(_ kind: BufferKind) -> (count: Int, ha: Double) {
        let zones = map.zones.filter { $0.kind == kind }
        return (zones.count, zones.reduce(0) { $0 + $1.areaHa })
    }
}

/// Buffer zones: urban breaks between neighbouring towns and open land framing the green network.
public enum BufferZoneStage {
    public static func run(_ input: SchemeInput, network: [UInt8], sink: RasterSink) -> BufferZones {
        let p = input.project
        let openLand = p.bufferZones.openLand.isEmpty
            ? ClassSet(input.nomenclature.keys.filter { !p.builtUp.contains($0) })
            : ClassSet(p.bufferZones.openLand)
        let map = BufferZoneMap(landCover: input.landCover, builtUp: input.builtUp, openLand: openLand, network: network, rules: p.bufferZones)
        sink.write(map.membership, to: "rasters/buffer_zones.tif", description: "buffer-zone membership, per cent (diffuse edge)")
        let spec = input.spec
        // Towns take the name of the smallest unit they lie in (the last level: communes).
        let communes = input.units.last, level = input.units.count - 1
        let names = map.towns.indices.map { k -> String in
            let t = map.towns[k]
            if let c = spec.cell(x: t.centre.x, y: t.centre.y), let communes {
                let u = input.unitCells.unit(level: level, at: spec.index(col: c.col, row: c.row))
                if u > 0 { return communes.names[Int(u) - 1] }
            }
            return "town \(k + 1)"
        }
        return BufferZones(map: map, townNames: names)
    }
}
