import Foundation
import TrameRaster
import TrameVector

/// The vector layers partners hand over, derived from the generated land cover and layout so that
/// they agree with it: inventories sit on real woods, wetlands and slag heaps; paths follow cavaliers.
struct PartnerLayers {
    let spec: GridSpec
    let landCover: Grid<UInt8>
    let towns: [TerritoryGenerator.Town]
    let pits: [TerritoryGenerator.Pit]
    let rivers: [[Point]]
    let canal: [Point]
    let cavaliers: [[Point]]
    let railways: [[Point]]
    let motorways: [[Point]]
    let roads: [[Point]]
    let hedges: [[Point]]
    let crsWKT: String

    /// Land-cover class at a map point, nil outside.
    func cls(_ p: Point) -> LandCoverClass? {
        guard let c = spec.cell(x: p.x, y: p.y) else { return nil }
        return LandCoverClass(rawValue: landCover[c.col, c.row])
    }

    /// Share of the disc around `p` covered by `classes`, from a fixed pattern of sample points.
    func share(_ classes: Set<LandCoverClass>, around p: Point, radius: Double) -> Double {
        var hit = 0, n = 0
        for ring in 1...4 {
            let r = radius * Double(ring) / 4
            for k in 0..<(ring * 8) {
                let a = 2 * Double.pi * Double(k) / Double(ring * 8)
                n += 1
                if let c = cls(Point(p.x + r * cos(a), p.y + r * sin(a))), classes.contains(c) { hit += 1 }
            }
        }
        return Double(hit) / Double(n)
    }

    /// A closed, irregular outline around a centre (an ellipse with harmonic wobble).
    func outline(_ c: Point, radius: Double, rng: inout SeededGenerator) -> Polygon {
        let e = rng.uniform(0.7, 1.3), rot = rng.uniform(0, .pi)
        let h = (rng.uniform(0.05, 0.2), rng.uniform(0, 2 * .pi), rng.uniform(0.03, 0.1), rng.uniform(0, 2 * .pi))
        let ext = spec.extent
        var ring: [Point] = []
        for k in 0..<48 {
            let t = 2 * Double.pi * Double(k) / 48
            let r = radius * (1 + h.0 * sin(3 * t + h.1) + h.2 * sin(5 * t + h.3))
            let lx = r * cos(t) * e, ly = r * sin(t) / e
            let x = c.x + lx * cos(rot) - ly * sin(rot), y = c.y + lx * sin(rot) + ly * cos(rot)
            ring.append(Point(min(max(x, ext.minX), ext.maxX), min(max(y, ext.minY), ext.maxY)))
        }
        ring.reverse() // clockwise exterior, as GeoPackage readers expect from OGC simple features
        return Polygon(exterior: ring)
    }

    func make(rng: inout SeededGenerator, landCover: Grid<UInt8>) -> SampleTerritory {
        SampleTerritory(landCover: landCover, inventories: inventories(rng: &rng), roads: roadLayer(),
                        railways: railwayLayer(), paths: pathLayer(rng: &rng), communes: communeLayer(),
                        leisureHubs: leisureHubLayer(rng: &rng), watercourses: watercourseLayer(), obstacles: obstacleLayer())
    }

    // MARK: Hydrography

    static let riverNames = ["La Lawe", "La Clarence", "La Loisne", "Le Surgeon", "La Blanche", "Le Grand Courant",
                             "La Souchez", "L'Escrebieux", "La Marque", "La Sensée", "La Hem", "Le Flot de Wingles",
                             "La Rhonelle", "L'Écaillon", "La Selle", "L'Ancre"]
    static let canalName = "Canal d'Aire à La Bassée"

    /// The rivers (flowing north) and the canal, whole: a partner's layer runs past the territory's edge.
    func watercourseLayer() -> VectorLayer {
        var f = rivers.enumerated().map { k, r in
            Feature(geometry: .lineString(r), attributes: ["name": .string(PartnerLayers.riverNames[k % PartnerLayers.riverNames.count]), "kind": .string("river")])
        }
        f.append(Feature(geometry: .lineString(canal), attributes: ["name": .string(PartnerLayers.canalName), "kind": .string("canal")]))
        return VectorLayer(name: "watercourses", geometryKind: .lineString, fields: [FieldDefinition("name", .string), FieldDefinition("kind", .string)],
                           features: f, crsWKT: crsWKT)
    }

    /// The point at a fraction of a line's length.
    static func along(_ l: [Point], _ fraction: Double) -> Point {
        let total = zip(l, l.dropFirst()).reduce(0) { $0 + $1.0.distance(to: $1.1) }
        var left = total * fraction
        for (a, b) in zip(l, l.dropFirst()) {
            let d = a.distance(to: b)
            if left <= d, d > 0 { return Point(a.x + (b.x - a.x) * left / d, a.y + (b.y - a.y) * left / d) }
            left -= d
        }
        return l.last!
    }

    /// Obstacles at fixed fractions of the lines (no draw, so the rest of the sample is unchanged), with the
    /// ICE passability classes: 0 total barrier, 0.33 major impact, 0.66 significant impact, 1 limited impact.
    /// On each river a mill weir (0) and an upstream weir (0.33 on the first, 0.66 on the others); a culvert
    /// under a road on the first river (0.66); one lock on the canal (0.33).
    func obstacleLayer() -> VectorLayer {
        var f: [Feature] = []
        func add(_ p: Point, _ name: String, _ kind: String, _ passability: Double) {
            f.append(Feature(geometry: .point(p), attributes: ["name": .string(name), "kind": .string(kind), "passability": .real(passability)]))
        }
        for (k, r) in rivers.enumerated() {
            let river = PartnerLayers.riverNames[k % PartnerLayers.riverNames.count]
            add(PartnerLayers.along(r, 0.3), "Seuil du moulin (\(river))", "weir", 0)
            add(PartnerLayers.along(r, 0.75), "Seuil amont (\(river))", "weir", k == 0 ? 0.33 : 0.66)
            if k == 0 { add(PartnerLayers.along(r, 0.55), "Buse (\(river))", "culvert", 0.66) }
        }
        add(PartnerLayers.along(canal, 0.5), "Écluse de Beuvry", "lock", 0.33)
        return VectorLayer(name: "obstacles", geometryKind: .point,
                           fields: [FieldDefinition("name", .string), FieldDefinition("kind", .string), FieldDefinition("passability", .real)],
                           features: f, crsWKT: crsWKT)
    }

    // MARK: Nature inventories

    func inventories(rng: inout SeededGenerator) -> VectorLayer {
        let ext = spec.extent
        struct Candidate { var p: Point; var wood: Double; var wet: Double; var dry: Double }
        var cands: [Candidate] = []
        var y = ext.minY + 400
        while y < ext.maxY - 400 {
            var x = ext.minX + 400
            while x < ext.maxX - 400 {
                let p = Point(x + rng.uniform(-150, 150), y + rng.uniform(-150, 150))
                cands.append(Candidate(p: p, wood: share([.broadleafWoodland, .hedgesAndCopses], around: p, radius: 700),
                                       wet: share([.wetland, .pondOrSubsidenceLake, .riverOrCanal], around: p, radius: 700),
                                       dry: share([.dryCalcareousGrassland], around: p, radius: 500)))
                x += 500
            }
            y += 500
        }
        var features: [Feature] = []
        var taken: [Point] = []
        func pick(_ score: (Candidate) -> Double, count: Int, minScore: Double, spacing: Double) -> [Candidate] {
            var out: [Candidate] = []
            for c in cands.sorted(by: { score($0) > score($1) }) where score(c) >= minScore {
                if out.count >= count { break }
                if taken.contains(where: { $0.distance(to: c.p) < spacing }) { continue }
                out.append(c); taken.append(c.p)
            }
            return out
        }
        let areaKm2 = (ext.maxX - ext.minX) * (ext.maxY - ext.minY) / 1e6
        func add(_ kind: String, _ prefix: String, _ partner: String, _ name: String, _ poly: Polygon) {
            let n = features.filter { $0["inventory"] == .string(kind) }.count + 1
            features.append(Feature(geometry: .polygon(poly), attributes: [
                "site_id": .string(String(format: "%@-%03d", prefix, n)), "inventory": .string(kind),
                "name": .string(name), "partner": .string(partner)]))
        }
        func nearestTown(_ p: Point) -> String { towns.min { $0.centre.distance(to: p) < $1.centre.distance(to: p) }?.name ?? "" }

        for c in pick({ $0.wood + $0.wet }, count: max(1, Int(areaKm2 / 800)), minScore: 0.3, spacing: 4000) {
            add("Natura 2000", "N2000", "DREAL Hauts-de-France", "Vallée et bois de \(nearestTown(c.p))", outline(c.p, radius: rng.uniform(1300, 2200), rng: &rng))
        }
        for c in pick({ max($0.wood, $0.dry * 1.5) }, count: max(2, Int(areaKm2 / 25)), minScore: 0.25, spacing: 2500) {
            let what = c.dry * 1.5 > c.wood ? "Coteau calcaire" : "Bois"
            add("ZNIEFF type 1", "ZNIEFF1", "Conservatoire botanique national de Bailleul", "\(what) de \(nearestTown(c.p))", outline(c.p, radius: rng.uniform(500, 1100), rng: &rng))
        }
        for c in pick({ $0.wet }, count: max(2, Int(areaKm2 / 40)), minScore: 0.15, spacing: 2500) {
            add("Zone humide prioritaire", "ZHP", "Agence de l'eau Artois-Picardie", "Marais de \(nearestTown(c.p))", outline(c.p, radius: rng.uniform(400, 900), rng: &rng))
        }
        // Sensitive natural areas: nature spaces close to the towns, open to the public.
        func townDistance(_ p: Point) -> Double { towns.filter { !$0.isVillage }.map { $0.centre.distance(to: p) }.min() ?? 10_000 }
        for c in pick({ $0.wood + $0.wet * 0.5 - townDistance($0.p) / 20_000 },
                      count: max(1, Int(areaKm2 / 60)), minScore: -0.5, spacing: 2000) {
            add("Espace naturel sensible", "ENS", "Département du Pas-de-Calais", "Espace naturel de \(nearestTown(c.p))", outline(c.p, radius: rng.uniform(300, 700), rng: &rng))
        }
        for (k, pit) in pits.enumerated() where k % 3 != 1 {
            for (c, r) in pit.terrils.prefix(1) {
                add("Terril d'intérêt écologique", "TERRIL", "Mission Bassin Minier", "Terril n°\(k + 1) de \(nearestTown(c))", outline(c, radius: r * 1.25, rng: &rng))
            }
        }
        return VectorLayer(name: "nature_inventories", geometryKind: .polygon,
                           fields: [FieldDefinition("site_id", .string), FieldDefinition("inventory", .string),
                                    FieldDefinition("name", .string), FieldDefinition("partner", .string)],
                           features: features, crsWKT: crsWKT)
    }

    // MARK: Transport and paths

    func clipped(_ l: [Point]) -> [Point] {
        let e = spec.extent
        return l.map { Point(min(max($0.x, e.minX), e.maxX), min(max($0.y, e.minY), e.maxY)) }
    }

    func roadLayer() -> VectorLayer {
        var f: [Feature] = []
        for (k, m) in motorways.enumerated() {
            f.append(Feature(geometry: .lineString(clipped(m)), attributes: ["class": .string("motorway"), "ref": .string(k == 0 ? "A21" : "A1")]))
        }
        for (k, r) in roads.enumerated() {
            f.append(Feature(geometry: .lineString(clipped(r)), attributes: ["class": .string(k % 3 == 0 ? "primary" : "secondary"), "ref": .string("D\(900 + k)")]))
        }
        return VectorLayer(name: "roads", geometryKind: .lineString, fields: [FieldDefinition("class", .string), FieldDefinition("ref", .string)], features: f, crsWKT: crsWKT)
    }

    func railwayLayer() -> VectorLayer {
        let f = railways.map { Feature(geometry: .lineString(clipped($0)), attributes: ["class": .string("rail"), "status": .string("active")]) }
        return VectorLayer(name: "railways", geometryKind: .lineString, fields: [FieldDefinition("class", .string), FieldDefinition("status", .string)], features: f, crsWKT: crsWKT)
    }

    func pathLayer(rng: inout SeededGenerator) -> VectorLayer {
        var f: [Feature] = []
        for (k, c) in cavaliers.enumerated() {
            f.append(Feature(geometry: .lineString(clipped(c)), attributes: ["class": .string("greenway"), "name": .string("Cavalier n°\(k + 1)"), "surface": .string("schiste")]))
        }
        // Towpath along the canal, 25 m to its north.
        f.append(Feature(geometry: .lineString(clipped(canal.map { Point($0.x, $0.y + 25) })), attributes: ["class": .string("cycleway"), "name": .string("Chemin de halage"), "surface": .string("enrobé")]))
        for h in hedges where rng.unit() < 0.5 {
            f.append(Feature(geometry: .lineString(clipped(h.map { Point($0.x + 8, $0.y + 8) })), attributes: ["class": .string("track"), "name": .null, "surface": .string("terre")]))
        }
        for t in towns where !t.isVillage {
            // A footway loop around each town's edge.
            var loop: [Point] = []
            let r = t.radius * rng.uniform(1.0, 1.3)
            for k in 0...36 {
                let a = 2 * Double.pi * Double(k % 36) / 36
                loop.append(Point(t.centre.x + r * cos(a) * rng.uniform(0.95, 1.05), t.centre.y + r * sin(a) * rng.uniform(0.95, 1.05)))
            }
            loop[36] = loop[0]
            f.append(Feature(geometry: .lineString(clipped(loop)), attributes: ["class": .string("footway"), "name": .string("Tour de \(t.name)"), "surface": .string("terre")]))
        }
        return VectorLayer(name: "paths", geometryKind: .lineString,
                           fields: [FieldDefinition("class", .string), FieldDefinition("name", .string), FieldDefinition("surface", .string)],
                           features: f, crsWKT: crsWKT)
    }

    // MARK: Communes and groupings

    /// Voronoi cells of the settlements, clipped to the territory (half-plane clipping).
    func communeLayer() -> VectorLayer {
        let e = spec.extent
        let groups = max(2, Int((e.maxX - e.minX) / 25_000) + 1)
        let groupNames = ["Communauté d'agglomération de la Gohelle", "Communauté d'agglomération des Terrils",
                          "Communauté de communes des Marais de la Deûle", "Communauté d'agglomération Artois-Scarpe",
                          "Communauté de communes Pévèle-Ostrevent", "Communauté d'agglomération du Haut-Escaut",
                          // Enough names for a region (13 groupings across 300 km).
                          "Communauté de communes des Collines de l'Artois", "Communauté de communes du Val de Lys",
                          "Communauté d'agglomération des Deux Canaux", "Communauté de communes des Sept Vallées",
                          "Communauté de communes du Plateau d'Ostrevent", "Communauté d'agglomération de la Sambre",
                          "Communauté de communes des Hauts de Flandre", "Communauté de communes du Pays des Coteaux",
                          "Communauté de communes de la Haute-Deûle", "Communauté d'agglomération du Cambrésis"]
        // SCoTs (schémas de cohérence territoriale) gather neighbouring groupings, two by two.
        let scots = max(1, groups / 2)
        let scotNames = ["SCoT de Lens-Liévin-Hénin-Carvin", "SCoT du Grand Douaisis", "SCoT de l'Artois",
                         "SCoT du Valenciennois", "SCoT de Flandre et Lys", "SCoT du Cambrésis", "SCoT de la Sambre-Avesnois",
                         "SCoT des Sept Vallées"]
        let xs = towns.map(\.centre.x).sorted()
        var f: [Feature] = []
        for (i, t) in towns.enumerated() {
            var poly = [Point(e.minX, e.minY), Point(e.minX, e.maxY), Point(e.maxX, e.maxY), Point(e.maxX, e.minY)]
            for (j, o) in towns.enumerated() where j != i {
                poly = clip(poly, keepingCloserTo: t.centre, than: o.centre)
                if poly.isEmpty { break }
            }
            guard poly.count >= 3 else { continue }
            let rank = xs.firstIndex(of: t.centre.x) ?? 0
            let g = min(groups - 1, rank * groups / max(1, xs.count))
            let pop = t.isVillage ? Int(t.radius * 2.5) : Int(t.radius * t.radius / 60)
            f.append(Feature(geometry: .polygon(Polygon(exterior: poly.reversed())), attributes: [
                // INSEE codes: department, then three digits (a region's communes run on into the next departments).
                "insee": .string(String(format: "%@%03d", ["62", "59", "80", "60", "02"][min(4, i / 999)], i % 999 + 1)), "name": .string(t.name),
                SampleTerritory.groupingField: .string(groupNames[g % groupNames.count]),
                SampleTerritory.scotField: .string(scotNames[min(scots - 1, g * scots / groups) % scotNames.count]), "population": .integer(pop)]))
        }
        return VectorLayer(name: "communes", geometryKind: .polygon,
                           fields: [FieldDefinition("insee", .string), FieldDefinition("name", .string),
                                    FieldDefinition(SampleTerritory.groupingField, .string), FieldDefinition(SampleTerritory.scotField, .string),
                                    FieldDefinition("population", .integer)],
                           features: f, crsWKT: crsWKT)
    }

    /// Sutherland–Hodgman clip of a convex polygon by the half-plane of points closer to `a` than to `b`.
    func clip(_ poly: [Point], keepingCloserTo a: Point, than b: Point) -> [Point] {
        let nx = b.x - a.x, ny = b.y - a.y
        let mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2
        func side(_ p: Point) -> Double { (p.x - mx) * nx + (p.y - my) * ny } // < 0: closer to a
        var out: [Point] = []
        for k in 0..<poly.count {
            let p = poly[k], q = poly[(k + 1) % poly.count]
            let sp = side(p), sq = side(q)
            if sp <= 0 { out.append(p) }
            if (sp < 0 && sq > 0) || (sp > 0 && sq < 0) {
                let t = sp / (sp - sq)
                out.append(Point(p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t))
            }
        }
        return out
    }

    // MARK: Leisure hubs

    func leisureHubLayer(rng: inout SeededGenerator) -> VectorLayer {
        var f: [Feature] = []
        for (k, pit) in pits.enumerated() where k % 3 == 0 {
            // A slag heap whose top lies beyond the territory's edge hosts no hub of the scheme.
            guard let (c, _) = pit.terrils.first, cls(c) != nil else { continue }
            let town = towns.min { $0.centre.distance(to: c) < $1.centre.distance(to: c) }?.name ?? ""
            f.append(Feature(geometry: .point(c), attributes: ["name": .string("Base de loisirs du terril n°\(k + 1) (\(town))"), "kind": .string("terril"), "stake": .string("régional")]))
        }
        for t in towns where !t.isVillage && rng.unit() < 0.6 {
            // The nearest urban park or wood to the town centre, found on a spiral of sample points.
            var found: Point?
            search: for ring in 1...40 {
                let r = Double(ring) * 60
                for k in 0..<(ring * 6) {
                    let a = 2 * Double.pi * Double(k) / Double(ring * 6)
                    let p = Point(t.centre.x + r * cos(a), t.centre.y + r * sin(a))
                    if let c = cls(p), c == .urbanPark || c == .broadleafWoodland { found = p; break search }
                }
            }
            if let p = found {
                f.append(Feature(geometry: .point(p), attributes: ["name": .string("Parc de loisirs de \(t.name)"), "kind": .string(cls(p) == .urbanPark ? "parc" : "bois"), "stake": .string("communautaire")]))
            }
        }
        return VectorLayer(name: "leisure_hubs", geometryKind: .point, fields: [FieldDefinition("name", .string), FieldDefinition("kind", .string), FieldDefinition("stake", .string)], features: f, crsWKT: crsWKT)
    }
}
