import Foundation
import TrameCircuit
import TrameCost
import TrameGDAL
import TrameGraph
import TrameRaster
import TrameRouting
import TrameScheme
import TrameVector

/// The vector layers of `scheme.gpkg`, filled step by step.
public struct Layers {
    public let crsWKT: String
    public var reservoirs: VectorLayer
    public var links: VectorLayer
    public var corridors: VectorLayer
    public var natureSpaces: VectorLayer
    public var bufferZones: VectorLayer
    public var conflicts: VectorLayer
    public var hubs: VectorLayer
    public var units: VectorLayer
    public var itineraries: VectorLayer
    public var pinchPoints: VectorLayer
    public var namedItineraries: VectorLayer
    public var itineraryGaps: VectorLayer
    public var sharedLinks: VectorLayer
    public var itineraryProposals: VectorLayer

    /// Language of the layers' labels (`*_label`, `width_rule`).
    public var words = Words("en")

    public init(crsWKT: String, lang: String = "en") {
        self.crsWKT = crsWKT
        words = Words(lang)
        reservoirs = SchemeLayer.reservoirs.empty(crsWKT: crsWKT)
        links = SchemeLayer.links.empty(crsWKT: crsWKT)
        corridors = SchemeLayer.corridors.empty(crsWKT: crsWKT)
        natureSpaces = SchemeLayer.natureSpaces.empty(crsWKT: crsWKT)
        bufferZones = SchemeLayer.bufferZones.empty(crsWKT: crsWKT)
        conflicts = SchemeLayer.conflictPoints.empty(crsWKT: crsWKT)
        hubs = SchemeLayer.leisureHubs.empty(crsWKT: crsWKT)
        itineraries = SchemeLayer.itineraries.empty(crsWKT: crsWKT)
        pinchPoints = SchemeLayer.pinchPoints.empty(crsWKT: crsWKT)
        units = SchemeLayer.units.empty(crsWKT: crsWKT)
        namedItineraries = SchemeLayer.namedItineraries.empty(crsWKT: crsWKT)
        itineraryGaps = SchemeLayer.itineraryGaps.empty(crsWKT: crsWKT)
        sharedLinks = SchemeLayer.sharedLinks.empty(crsWKT: crsWKT)
        itineraryProposals = SchemeLayer.itineraryProposals.empty(crsWKT: crsWKT)
    }

    /// In the GeoPackage's order (`SchemeLayer.allCases`).
    public var all: [VectorLayer] { [natureSpaces, reservoirs, corridors, links, bufferZones, conflicts, hubs, itineraries, pinchPoints, units,
                                     namedItineraries, itineraryGaps, sharedLinks, itineraryProposals] }

    public mutating func addPinchPoints(_ p: PinchPoints, sub: SubNetwork) throws {
        guard !p.points.isEmpty else { return }
        // Each group drawn from a grid of its own box: no grid of the territory (4 bytes a cell) for a few cells.
        var parts: [Int: [Polygon]] = [:]
        for (id, grid) in p.groupWindows() { parts[Int(id)] = try Layers.polygons(grid)[Int(id)] }
        let cellHa = p.spec.cellArea / 10_000
        for pt in p.points {
            pinchPoints.features.append(Feature(geometry: .multiPolygon(parts[Int(pt.group)] ?? []), attributes: [
                "subnetwork": .string(sub.name), "link": .integer(pt.link), "from_reservoir": .integer(Int(pt.from)), "to_reservoir": .integer(Int(pt.to)),
                "area_ha": .real(Double(pt.cells) * cellHa), "max_current_A": .real(pt.maxCurrent), "mean_current_A": .real(pt.meanCurrent),
                "corridor_resistance": .real(pt.corridorResistance), "link_dPC": .real(pt.dPC)]))
        }
    }

    public mutating func addItineraries(_ its: [(name: String, hubA: String, hubB: String, route: Route)], mode: TravelMode) {
        for it in its {
            itineraries.features.append(Feature(geometry: .lineString(it.route.line), attributes: [
                "name": .string(it.name), "hub_a": .string(it.hubA), "hub_b": .string(it.hubB), "mode": .string(mode.rawValue),
                "mode_label": .string(words[mode == .walk ? .modeWalk : .modeBike]),
                "length_m": .real(it.route.length), "time_min": .real(it.route.minutes(mode)), "green_share": .real(it.route.greenShare)]))
        }
    }

    /// Polygons of each label of a grid (GDAL's polygonize), grouped by label: a label's cells joined only at a
    /// corner are parts of one multipolygon meeting at that corner.
    ///
    /// Polygonized 4-connected: every part comes out OGC-valid. 8-connected rings touch themselves wherever
    /// cells meet at a corner, and making such a ring valid (GEOS) grows with the square of its holes: a
    /// region's largest forest reservoir, thousands of clearings in one ring, took most of an hour.
    public static func polygons(_ labels: Grid<Int32>) throws -> [Int: [Polygon]] {
        grouped(try Rasterizer.polygonize(labels, layerName: "p", eightConnected: false))
    }

    /// The same from a raster file of labels, read a few rows at a time (GDAL's polygonize on the file).
    public static func polygons(file: String) throws -> [Int: [Polygon]] {
        grouped(try Rasterizer.polygonize(file: file, layerName: "p", eightConnected: false))
    }

    private static func grouped(_ poly: VectorLayer) -> [Int: [Polygon]] {
        var parts: [Int: [Polygon]] = [:]
        for f in poly.features {
            guard case .integer(let id) = f["value"], let g = f.geometry else { continue }
            switch g {
            case .polygon(let p): parts[id, default: []].append(p)
            case .multiPolygon(let ps): parts[id, default: []] += ps
            default: break
            }
        }
        return parts
    }

    public mutating func addReservoirs(_ patches: PatchSet, sub: SubNetwork, metrics: ConnectivityResult, inventories: (Int32) -> String) throws {
        let parts = try Layers.polygons(patches.labels)
        for (k, p) in patches.patches.enumerated() {
            let m = metrics.nodes[k]
            reservoirs.features.append(Feature(geometry: .multiPolygon(parts[Int(p.id)] ?? []), attributes: [
                "subnetwork": .string(sub.name), "reservoir": .integer(Int(p.id)), "area_ha": .real(p.areaHa),
                "perimeter_m": .real(p.perimeter), "inventories": .string(inventories(p.id)), "dPC": .real(m.dPC),
                "dPC_intra": .real(m.dPC_intra), "dPC_flux": .real(m.dPC_flux), "dPC_connector": .real(m.dPC_connector),
                "BC": .real(m.BC), "component": .integer(metrics.componentOfNode[k] + 1)]))
        }
    }

    public mutating func addLinks(_ ls: [PatchLink], sub: SubNetwork, metrics: ConnectivityResult, decay: ExponentialDecay, functional: Set<Int>) {
        for (k, l) in ls.enumerated() {
            links.features.append(Feature(geometry: .lineString(l.line), attributes: [
                "subnetwork": .string(sub.name), "link": .integer(k + 1), "from_reservoir": .integer(Int(l.from)),
                "to_reservoir": .integer(Int(l.to)), "cost": .real(l.cost), "length_m": .real(l.length), "euclidean_m": .real(l.euclidean),
                "probability": .real(decay.probability(l.cost)), "functional": .integer(functional.contains(k) ? 1 : 0),
                "dPC": .real(metrics.linkDPC[k])]))
        }
    }

    /// One polygon per corridor, tagged with its sub-network, the classes it crosses, its width and length.
    public mutating func addCorridors(_ map: CorridorMap, links: [(offset: Int, element: PatchLink)], sub: SubNetwork, metrics: ConnectivityResult,
                               landCover: ClassGrid, label: (Int32) -> String) throws {
        let parts = try Layers.polygons(map.link)
        let stats = Layers.classStats(map.link, count: links.count, sub: sub, landCover: landCover, label: label)
        let widths = CorridorWidths.mean(owner: map.link.values, lines: links.map(\.element.line), spec: landCover.spec)
        for (j, l) in links.enumerated() {
            guard let c = stats[j + 1] else { continue }
            corridors.features.append(Feature(geometry: .multiPolygon(parts[j + 1] ?? []), attributes: [
                "subnetwork": .string(sub.name), "link": .integer(l.offset + 1), "from_reservoir": .integer(Int(l.element.from)),
                "to_reservoir": .integer(Int(l.element.to)), "length_m": .real(l.element.length), "area_ha": .real(c.areaHa),
                "mean_width_m": .real(widths[j]), "width_rule": .string(words.corridorWidth(sub.corridorWidth)),
                "cost": .real(l.element.cost), "habitat_share_pct": .real(c.habitatPct),
                "classes": .string(c.classes), "dominant_class": .string(c.dominant), "dPC": .real(metrics.linkDPC[l.offset])]))
        }
    }

    /// One polygon per stretch of a watercourse sub-network: its riparian strip (`map.link` holds stretch
    /// ids). link 0; from and to the stretch; length its watercourse's; cost 0; dPC the stretch's.
    public mutating func addStretchCorridors(_ map: CorridorMap, network: WatercourseNetwork, width: Double, sub: SubNetwork, metrics: ConnectivityResult,
                                             landCover: ClassGrid, label: (Int32) -> String) throws {
        let parts = try Layers.polygons(map.link)
        let stats = Layers.classStats(map.link, count: network.stretches.count, sub: sub, landCover: landCover, label: label)
        for s in network.stretches {
            guard let c = stats[Int(s.id)] else { continue }
            corridors.features.append(Feature(geometry: .multiPolygon(parts[Int(s.id)] ?? []), attributes: [
                "subnetwork": .string(sub.name), "link": .integer(0), "from_reservoir": .integer(Int(s.id)),
                "to_reservoir": .integer(Int(s.id)), "length_m": .real(s.length), "area_ha": .real(c.areaHa),
                "mean_width_m": .real(c.areaHa * 10_000 / max(s.length, 1)), "width_rule": .string(String(format: words[.riparianStripRule], "\(words.number(width, decimals: width == width.rounded() ? 0 : 1)) m")),
                "cost": .real(0), "habitat_share_pct": .real(c.habitatPct),
                "classes": .string(c.classes), "dominant_class": .string(c.dominant), "dPC": .real(metrics.nodes[Int(s.id) - 1].dPC)]))
        }
    }

    /// Per corridor id (1…count) with cells: its area, the share of the sub-network's habitat and
    /// supporting classes, its four main classes and its dominant class.
    static func classStats(_ owner: Grid<Int32>, count: Int, sub: SubNetwork, landCover: ClassGrid, label: (Int32) -> String)
        -> [Int: (areaHa: Double, habitatPct: Double, classes: String, dominant: String)] {
        var counts = [[Int32: Int]](repeating: [:], count: count + 1)
        let habitat = Set(sub.habitat.map(Int32.init)).union(sub.supporting.map(Int32.init))
        for i in 0..<owner.count {
            let k = Int(owner.values[i])
            if k > 0 { counts[k][landCover[i], default: 0] += 1 }
        }
        let cellHa = landCover.spec.cellArea / 10_000
        var out: [Int: (areaHa: Double, habitatPct: Double, classes: String, dominant: String)] = [:]
        for k in 1..<(count + 1) {
            let c = counts[k]
            let cells = c.values.reduce(0, +)
            guard cells > 0 else { continue }
            let sorted = c.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
            let classes = sorted.prefix(4).map { String(format: "%@ %.0f %%", label($0.key), 100 * Double($0.value) / Double(cells)) }.joined(separator: "; ")
            let habitatCells = c.filter { habitat.contains($0.key) }.values.reduce(0, +)
            out[k] = (Double(cells) * cellHa, 100 * Double(habitatCells) / Double(cells), classes, label(sorted[0].key))
        }
        return out
    }

    public mutating func addNatureSpaces(_ map: NatureSpaceMap, inventories: [Inventory], hubs: [Int32: [String]], lang: String, label: (Int32) -> String) throws {
        let words = Words(lang)
        let parts = try Layers.polygons(map.labels)
        for s in map.spaces {
            let invs = inventories.enumerated().filter { s.inventories & (1 << UInt32($0.offset)) != 0 }.map(\.element)
            natureSpaces.features.append(Feature(geometry: .multiPolygon(parts[Int(s.id)] ?? []), attributes: [
                "space": .integer(Int(s.id)), "typology": .string(s.typology.key),
                "typology_label": .string(words.typology(s.typology == .major)),
                "area_ha": .real(s.areaHa), "dominant_class": .string(label(s.dominantClass)),
                "inventories": .string(invs.map(\.name).joined(separator: "; ")),
                "partners": .string(Array(Set(invs.map(\.partner))).sorted().joined(separator: "; ")),
                "leisure_hubs": .string((hubs[s.id] ?? []).joined(separator: "; "))]))
        }
    }

    /// The leisure hubs with the nature space that holds them and their stake, labels in `lang`.
    public mutating func addHubs(_ list: [LeisureHub], lang: String) {
        let w = Words(lang)
        for h in list {
            hubs.features.append(Feature(geometry: .point(h.point), attributes: [
                "name": .string(h.name), "nature_space": h.space.map { .integer(Int($0.id)) } ?? .null,
                "typology": .string(h.space?.typology.key ?? "outside"),
                "typology_label": .string(h.space.map { w.typology($0.typology == .major) } ?? w[.outsideNatureSpaces]),
                "stake": h.stake.map { .string($0.rawValue) } ?? .null,
                "stake_label": h.stake.map { .string(w.stake($0)) } ?? .null]))
        }
    }

    public mutating func addBufferZones(_ map: BufferZoneMap, townName: (Int32) -> String) throws {
        let parts = try Layers.polygons(map.labels)
        for z in map.zones {
            bufferZones.features.append(Feature(geometry: .multiPolygon(parts[Int(z.id)] ?? []), attributes: [
                "zone": .integer(Int(z.id)), "kind": .string(z.kind.key), "kind_label": .string(z.kind.key == "urban_break" ? words.urbanBreak : words.networkFrame),
                "opening_label": z.opening.map { .string(words[$0 == "north-south" ? .openingNorthSouth : .openingEastWest]) } ?? .null, "area_ha": .real(z.areaHa),
                "separates": z.towns.map { .string("\(townName($0.0)) / \(townName($0.1))") } ?? .null,
                "opening": z.opening.map { .string($0) } ?? .null]))
        }
    }

    /// Conflict points, their kind named in the run's language (`kind_label`) beside its code (`kind`).
    public mutating func addConflicts(_ cs: [SchemeResult.Conflict], lang: String) {
        let words = Words(lang)
        for c in cs {
            let p = c.point
            conflicts.features.append(Feature(geometry: .point(p.point), attributes: [
                "rank": .integer(c.rank), "subnetwork": .string(c.subNetwork), "kind": .string(p.kind.rawValue),
                "kind_label": .string(words.conflictKind(p.kind)), "infrastructure": .string(p.kind.infrastructure),
                "class": .string(p.cls), "name": .string(p.name), "crossing_m": .real(p.crossingLength),
                "link": .integer(p.linkID), "from_reservoir": .integer(Int(p.from)), "to_reservoir": .integer(Int(p.to)),
                "link_dPC": .real(p.dPC), "reconnected_m": p.reconnected.map { .real($0) } ?? .null,
                "passability": p.passability.map { .real($0) } ?? .null]))
        }
    }

    /// Communes and groupings with their figures as attributes.
    public mutating func addUnits(_ levels: [(String, VectorLayer)], figures: [UnitFigures], subNetworks: [SubNetwork]) {
        units.fields += [FieldDefinition("area_ha", .real), FieldDefinition("nature_ha", .real), FieldDefinition("nature_pct", .real),
                         FieldDefinition("major_ha", .real), FieldDefinition("mixed_ha", .real), FieldDefinition("corridor_ha", .real),
                         FieldDefinition("buffer_ha", .real), FieldDefinition("road_km", .real), FieldDefinition("itinerary_km", .real),
                         FieldDefinition("conflicts", .integer),
                         FieldDefinition("leisure_hubs", .integer), FieldDefinition("leisure_hubs_regional", .integer),
                         FieldDefinition("leisure_hubs_community", .integer)]
        for s in subNetworks { units.fields += [FieldDefinition("\(s.name)_reservoir_ha", .real), FieldDefinition("\(s.name)_EC_ha", .real)] }
        var k = 1
        for (level, layer) in levels {
            for f in layer.features {
                defer { k += 1 }
                guard k < figures.count else { continue }
                let u = figures[k]
                let geom: Geometry? = switch f.geometry { case .polygon(let p): .multiPolygon([p]); default: f.geometry }
                var a: [String: FieldValue] = [
                    "level": .string(level), "name": .string(u.name), "area_ha": .real(u.areaHa), "nature_ha": .real(u.natureHa),
                    "nature_pct": .real(100 * u.natureShare), "major_ha": .real(u.majorHa), "mixed_ha": .real(u.mixedHa),
                    "corridor_ha": .real(u.anyCorridorHa), "buffer_ha": .real(u.bufferHa), "road_km": .real(u.roadKm),
                    "itinerary_km": .real(u.itineraryKm), "conflicts": .integer(u.conflicts), "leisure_hubs": .integer(u.leisureHubs),
                    "leisure_hubs_regional": .integer(u.regionalHubs), "leisure_hubs_community": .integer(u.communityHubs)]
                for (s, sub) in subNetworks.enumerated() {
                    a["\(sub.name)_reservoir_ha"] = .real(u.reservoirHa[s]); a["\(sub.name)_EC_ha"] = .real(u.ec[s])
                }
                units.features.append(Feature(geometry: geom, attributes: a))
            }
        }
    }
}
