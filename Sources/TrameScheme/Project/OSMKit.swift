import Foundation

/// The tables of `trame init --osm`: the land-cover classes made from OpenStreetMap tags, the tag → class
/// table (osm_classes.csv, replaceable), the sub-networks, and the small tables of obstacles and leisure hubs.
/// Pure: reading the extract and burning the raster are TramePublish's OSMStartKit.
public enum OSMKit {
    /// A land-cover class of the OSM nomenclature with its resistance per sub-network (`subNetworks` order).
    public struct ClassDef: Sendable, Equatable {
        public var code: Int
        public var label: String
        public var labelFr: String
        public var colour: (Int, Int, Int)
        public var natural: Bool
        public var resistance: [Double]
        public static func == (a: ClassDef, b: ClassDef) -> Bool { a.code == b.code }
    }

    /// Code of the class given to land that no tag of the table covers.
    public static let unmappedCode = 90

    /// The classes, close to the sample's nomenclature (same codes where the sample has the class).
    /// Resistances: forest, dry_grass, river, wetland (1 habitat … 1000 hostile, 2000 major roads), the
    /// sample's values (trame demo's friction.csv) for the classes it has, by analogy for the others.
    public static let classes: [ClassDef] = [
        ClassDef(code: 1, label: "Buildings (dense built-up)", labelFr: "Bâtiments (bâti dense)", colour: (200, 40, 40), natural: false, resistance: [1000, 1000, 1000, 1000]),
        ClassDef(code: 2, label: "Low-density built-up and gardens", labelFr: "Bâti peu dense et jardins", colour: (240, 160, 150), natural: false, resistance: [100, 100, 100, 100]),
        ClassDef(code: 3, label: "Industrial, commercial and public sites", labelFr: "Zones industrielles, commerciales et d'équipements", colour: (170, 100, 170), natural: false, resistance: [300, 200, 300, 300]),
        ClassDef(code: 4, label: "Motorways and major roads", labelFr: "Autoroutes et routes principales", colour: (80, 80, 80), natural: false, resistance: [2000, 2000, 2000, 2000]),
        ClassDef(code: 5, label: "Other roads", labelFr: "Autres routes", colour: (150, 150, 150), natural: false, resistance: [300, 200, 300, 300]),
        ClassDef(code: 6, label: "Railways", labelFr: "Voies ferrées", colour: (60, 50, 50), natural: false, resistance: [300, 150, 300, 300]),
        ClassDef(code: 7, label: "Quarries, landfills and building sites", labelFr: "Carrières, décharges et chantiers", colour: (185, 160, 130), natural: false, resistance: [200, 50, 300, 300]),
        ClassDef(code: 10, label: "Farmland", labelFr: "Terres agricoles", colour: (245, 230, 120), natural: false, resistance: [100, 80, 100, 100]),
        ClassDef(code: 11, label: "Grassland (meadows and lawns)", labelFr: "Prairies et pelouses", colour: (185, 225, 120), natural: false, resistance: [30, 20, 30, 20]),
        ClassDef(code: 12, label: "Dry grassland", labelFr: "Pelouses sèches", colour: (220, 200, 80), natural: true, resistance: [20, 1, 50, 50]),
        ClassDef(code: 13, label: "Heath", labelFr: "Landes", colour: (190, 140, 170), natural: true, resistance: [20, 1, 50, 50]),
        ClassDef(code: 14, label: "Orchards, vineyards and allotments", labelFr: "Vergers, vignes et jardins familiaux", colour: (205, 170, 95), natural: false, resistance: [30, 30, 100, 100]),
        ClassDef(code: 20, label: "Woodland", labelFr: "Bois et forêts", colour: (40, 120, 45), natural: true, resistance: [1, 30, 30, 30]),
        ClassDef(code: 21, label: "Scrub", labelFr: "Fourrés et broussailles", colour: (120, 170, 80), natural: true, resistance: [5, 10, 20, 20]),
        ClassDef(code: 40, label: "Rivers and canals (water areas)", labelFr: "Cours d'eau et canaux (surfaces en eau)", colour: (50, 110, 220), natural: true, resistance: [200, 500, 1, 5]),
        ClassDef(code: 41, label: "Lakes and ponds", labelFr: "Lacs et étangs", colour: (100, 160, 235), natural: true, resistance: [200, 500, 5, 1]),
        ClassDef(code: 42, label: "Wetlands", labelFr: "Zones humides", colour: (90, 200, 190), natural: true, resistance: [50, 300, 5, 1]),
        ClassDef(code: 50, label: "Parks, gardens and cemeteries", labelFr: "Parcs, jardins et cimetières", colour: (140, 205, 100), natural: true, resistance: [30, 50, 50, 50]),
        ClassDef(code: 51, label: "Sports and leisure grounds", labelFr: "Terrains de sport et de loisirs", colour: (205, 235, 175), natural: false, resistance: [100, 80, 100, 100]),
        ClassDef(code: 60, label: "Bare rock, sand and beaches", labelFr: "Roches nues, sables et plages", colour: (215, 205, 185), natural: true, resistance: [100, 10, 100, 100]),
        ClassDef(code: unmappedCode, label: "Land with no land-use tag in OpenStreetMap", labelFr: "Terrain sans occupation du sol dans OpenStreetMap", colour: (228, 228, 228), natural: false, resistance: [100, 100, 100, 100]),
    ]

    public static func classDef(_ code: Int) -> ClassDef? { classes.first { $0.code == code } }

    /// Towns and industry ([land_cover] built_up).
    public static let builtUp = [1, 2, 3]
    /// Farmland and open land a buffer zone may hold.
    public static let openLand = [10, 11, 14, 51, unmappedCode]

    /// A sub-network of the OSM kit.
    public struct SubNetworkDef: Sendable {
        public var name: String
        public var label: String
        public var labelFr: String
        public var habitat: [Int]
        public var supporting: [Int]
        public var minReservoirHa: Double
        public var dispersalCost: Double
        public var corridorWidth: String
        public var colour: String
        public var watercourse: Bool
    }

    /// The friction table's columns, in order. Only the sub-networks whose habitat makes a reservoir in the
    /// extract are written into project.toml.
    public static let subNetworks: [SubNetworkDef] = [
        SubNetworkDef(name: "forest", label: "Forest (woods and scrub)", labelFr: "Forêt (bois et fourrés)", habitat: [20], supporting: [21, 50], minReservoirHa: 1,
                      dispersalCost: 50_000, corridorWidth: "5000 cost", colour: "#2e7d32", watercourse: false),
        SubNetworkDef(name: "dry_grass", label: "Dry grasslands and heaths", labelFr: "Pelouses sèches et landes", habitat: [12, 13], supporting: [11, 60], minReservoirHa: 0.5,
                      dispersalCost: 30_000, corridorWidth: "3000 cost", colour: "#c9b037", watercourse: false),
        SubNetworkDef(name: "river", label: "Rivers", labelFr: "Cours d'eau", habitat: [40], supporting: [42], minReservoirHa: 0.5,
                      dispersalCost: 20_000, corridorWidth: "2000 cost", colour: "#1f5fbf", watercourse: true),
        SubNetworkDef(name: "wetland", label: "Wetlands and standing water", labelFr: "Zones humides et eaux stagnantes", habitat: [42, 41], supporting: [40, 11], minReservoirHa: 0.5,
                      dispersalCost: 30_000, corridorWidth: "3000 cost", colour: "#3fb8b0", watercourse: false),
    ]

    // MARK: - Tag → class table

    /// One row of osm_classes.csv: features whose tag `key` has `value` ("*": any value but "no"), and the
    /// tag of `and` when given, take `code`. Lines are burnt as polygons `width` metres wide (the line
    /// buffered by half the width on each side); a line row without a width is not burnt.
    public struct Rule: Sendable, Equatable {
        public enum Kind: String, Sendable { case area, line }
        public var priority: Int
        public var kind: Kind
        public var key: String
        public var value: String
        public var and: (key: String, value: String)?
        public var width: Double?
        public var code: Int
        public var labelEn: String
        public var labelFr: String
        /// 1-based line in the CSV (0 for the built-in table).
        public var line: Int = 0
        /// Row order in the table: ties of priority are burnt in this order.
        public var order: Int = 0

        public init(_ priority: Int, _ kind: Kind, _ key: String, _ value: String, and: (String, String)? = nil, width: Double? = nil, code: Int) {
            self.priority = priority; self.kind = kind; self.key = key; self.value = value
            self.and = and.map { (key: $0.0, value: $0.1) }; self.width = width; self.code = code
            let c = OSMKit.classDef(code)
            labelEn = c?.label ?? ""; labelFr = c?.labelFr ?? ""
        }

        public static func == (a: Rule, b: Rule) -> Bool {
            a.priority == b.priority && a.kind == b.kind && a.key == b.key && a.value == b.value && a.and?.key == b.and?.key
                && a.and?.value == b.and?.value && a.width == b.width && a.code == b.code
        }

        func matches(_ tags: [String: String]) -> Bool {
            func has(_ k: String, _ v: String) -> Bool {
                guard let t = tags[k], !t.isEmpty else { return false }
                return v == "*" ? t != "no" : t == v
            }
            return has(key, value) && (and.map { has($0.key, $0.value) } ?? true)
        }
    }

    /// The priorities, from the lowest (burnt first) to the highest (burnt last, wins where features overlap).
    public static let priorityRule = """
    Overlaps: every feature takes the row of highest priority among those its tags match, and features are \
    burnt from the lowest priority to the highest, so the highest wins where they overlap (at equal priority \
    the later row of the table). Order: broad land use (10) < leisure grounds and cemeteries (20) < \
    grassland (30) < dry grassland (31) < heath (32) < scrub (33) < woodland (34) < wetland (35) < bare rock, \
    sand and beaches (36) < water (40) < buildings (50) < railways (60) < roads (70). Bridges and tunnels \
    (bridge=*, tunnel=* other than no) are not burnt. Land no row covers takes class \(unmappedCode) \
    (land with no land-use tag); the sea is outside the territory (NoData).
    """

    /// The built-in table.
    public static let defaultRules: [Rule] = {
        var r: [Rule] = []
        func a(_ p: Int, _ k: String, _ vs: [String], _ code: Int, and: (String, String)? = nil) { for v in vs { r.append(Rule(p, .area, k, v, and: and, code: code)) } }
        a(10, "landuse", ["residential"], 2)
        a(10, "landuse", ["industrial", "commercial", "retail", "railway", "military", "garages", "port", "education", "religious"], 3)
        a(10, "amenity", ["school", "university", "college", "hospital", "parking"], 3)
        a(10, "landuse", ["quarry", "landfill", "construction", "brownfield"], 7)
        a(10, "landuse", ["farmland", "farmyard", "greenhouse_horticulture"], 10)
        a(10, "landuse", ["orchard", "vineyard", "plant_nursery", "allotments"], 14)
        a(10, "landuse", ["meadow", "grass", "village_green"], 11)
        a(20, "landuse", ["cemetery", "recreation_ground"], 50)
        a(20, "amenity", ["grave_yard"], 50)
        a(20, "leisure", ["park", "garden"], 50)
        a(20, "leisure", ["pitch", "playground", "sports_centre", "stadium", "track", "dog_park", "golf_course"], 51)
        a(30, "natural", ["grassland"], 11)
        a(31, "natural", ["grassland"], 12, and: ("grassland", "dry"))
        a(31, "natural", ["grassland"], 12, and: ("grassland", "calcareous"))
        a(32, "natural", ["heath", "fell"], 13)
        a(33, "natural", ["scrub"], 21)
        a(34, "natural", ["wood"], 20)
        a(34, "landuse", ["forest"], 20)
        a(35, "natural", ["wetland"], 42)
        a(36, "natural", ["bare_rock", "scree", "shingle", "sand", "beach", "rock"], 60)
        a(40, "natural", ["water"], 41)
        a(40, "landuse", ["reservoir", "basin"], 41)
        a(41, "natural", ["water"], 40, and: ("water", "river"))
        a(41, "natural", ["water"], 40, and: ("water", "canal"))
        a(41, "waterway", ["riverbank"], 40)
        a(50, "building", ["*"], 1)
        for (v, w) in [("rail", 10.0), ("light_rail", 8), ("narrow_gauge", 6)] { r.append(Rule(60, .line, "railway", v, width: w, code: 6)) }
        for (v, w) in [("motorway", 25.0), ("trunk", 20), ("primary", 15), ("motorway_link", 10), ("trunk_link", 8), ("primary_link", 8)] {
            r.append(Rule(70, .line, "highway", v, width: w, code: 4))
        }
        for (v, w) in [("secondary", 12.0), ("tertiary", 10), ("secondary_link", 7), ("tertiary_link", 6), ("unclassified", 7),
                       ("residential", 7), ("living_street", 6), ("service", 5), ("busway", 7)] {
            r.append(Rule(70, .line, "highway", v, width: w, code: 5))
        }
        for (i, _) in r.enumerated() { r[i].order = i }
        return r
    }()

    /// The row of highest priority whose tags match (ties: the later row); nil when none does or when the
    /// feature is a bridge or a tunnel.
    public static func rule(for tags: [String: String], kind: Rule.Kind, in rules: [Rule]) -> Rule? {
        for k in ["bridge", "tunnel"] { if let v = tags[k], !v.isEmpty, v != "no" { return nil } }
        var best: Rule? = nil
        for r in rules where r.kind == kind && r.matches(tags) {
            if best == nil || r.priority > best!.priority || (r.priority == best!.priority && r.order > best!.order) { best = r }
        }
        return best
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" : s
    }

    /// osm_classes.csv: the table with its rule in the header comment.
    public static func tableCSV(_ rules: [Rule] = defaultRules) -> String {
        var s = """
        # OpenStreetMap tags -> land-cover classes (trame init --osm). Edit it and give it back with
        # `trame init DIR --osm EXTRACT.osm.pbf --osm-table osm_classes.csv --force`.
        # priority: features are burnt from the lowest priority to the highest; where they overlap the highest wins.
        # geometry: area (the extract's multipolygons: closed ways and multipolygon relations) or line (its ways,
        #   burnt as polygons width_m metres wide, the line buffered by half that width on each side; a line
        #   row with an empty width_m is not burnt: paths and tracks go to the paths layer, not the land cover).
        # key, value: the tag (value * = any value but "no"); and: a second tag the feature must carry too (key=value).
        # code: the land-cover class (one of the kit's codes: nomenclature.csv); label_en, label_fr: for reading only.
        # A feature takes the row of highest priority its tags match (at equal priority the later row).
        # Bridges and tunnels (bridge=* or tunnel=* other than no) are not burnt.
        # Land no row covers takes class \(unmappedCode) (land with no land-use tag); the sea (natural=coastline, or
        #   polygons natural=bay/strait, water=sea, place=sea/ocean) is outside the territory (NoData).
        # Order: broad land use (10) < leisure grounds and cemeteries (20) < grassland (30) < dry grassland (31)
        #   < heath (32) < scrub (33) < woodland (34) < wetland (35) < bare rock, sand, beaches (36) < water (40, 41)
        #   < buildings (50) < railways (60) < roads (70).
        priority,geometry,key,value,and,width_m,code,label_en,label_fr

        """
        for r in rules {
            let and = r.and.map { "\($0.key)=\($0.value)" } ?? ""
            let w = r.width.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? ""
            s += "\(r.priority),\(r.kind.rawValue),\(r.key),\(r.value),\(and),\(w),\(r.code),\(csvField(r.labelEn)),\(csvField(r.labelFr))\n"
        }
        return s
    }

    /// Splits a CSV line on commas outside double quotes.
    static func splitCSV(_ line: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = Array(line), i = 0
        while i < it.count {
            let c = it[i]
            if quoted {
                if c == "\"" { if i + 1 < it.count, it[i + 1] == "\"" { cur.append("\""); i += 1 } else { quoted = false } } else { cur.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(cur); cur = "" } else { cur.append(c) }
            i += 1
        }
        out.append(cur)
        it = []
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Reads a tag → class table (osm_classes.csv); errors name the file and line.
    public static func parseTable(_ text: String, file: String) throws -> [Rule] {
        var rules: [Rule] = []
        var header: [String]? = nil
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r")).trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = splitCSV(line)
            if header == nil {
                header = f.map { $0.lowercased() }
                for need in ["priority", "geometry", "key", "value", "code"] where !header!.contains(need) {
                    throw InputFileError(file, line: n + 1, "the header has no column '\(need)' (expected priority,geometry,key,value,and,width_m,code,label_en,label_fr)")
                }
                continue
            }
            func col(_ name: String) -> String {
                guard let i = header!.firstIndex(of: name), i < f.count else { return "" }
                return f[i]
            }
            guard let p = Int(col("priority")) else { throw InputFileError(file, line: n + 1, "priority '\(col("priority"))' is not a whole number") }
            guard let kind = Rule.Kind(rawValue: col("geometry").lowercased()) else {
                throw InputFileError(file, line: n + 1, "geometry '\(col("geometry"))' must be area or line")
            }
            let key = col("key"), value = col("value")
            guard !key.isEmpty, !value.isEmpty else { throw InputFileError(file, line: n + 1, "key and value must not be empty (value * = any)") }
            guard let code = Int(col("code")) else { throw InputFileError(file, line: n + 1, "code '\(col("code"))' is not a whole number") }
            guard classDef(code) != nil else {
                throw InputFileError(file, line: n + 1, "code \(code) is not one of the kit's classes (\(classes.map { String($0.code) }.joined(separator: ", "))); a new class needs its row in nomenclature.csv and friction.csv, which init writes for these codes only")
            }
            var and: (String, String)? = nil
            let a = col("and")
            if !a.isEmpty {
                let kv = a.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else { throw InputFileError(file, line: n + 1, "and '\(a)' must be key=value") }
                and = (kv[0], kv[1])
            }
            var width: Double? = nil
            let w = col("width_m")
            if !w.isEmpty {
                guard let v = Double(w), v > 0, v.isFinite else { throw InputFileError(file, line: n + 1, "width_m '\(w)' must be a positive number of metres") }
                width = v
            }
            if kind == .area, width != nil { throw InputFileError(file, line: n + 1, "width_m is for line rows only") }
            var r = Rule(p, kind, key, value, and: and, width: width, code: code)
            r.line = n + 1
            r.order = rules.count
            rules.append(r)
        }
        guard header != nil else { throw InputFileError(file, line: 1, "no header line (priority,geometry,key,value,and,width_m,code,label_en,label_fr)") }
        guard !rules.isEmpty else { throw InputFileError(file, line: 1, "no row: the table maps no tag to a class") }
        return rules
    }

    // MARK: - Other tables

    /// Obstacles on watercourses: waterway value → passability (the ICE classes' values) and why.
    public static let obstacles: [(kind: String, passability: Double, en: String, fr: String)] = [
        ("dam", 0, "impassable", "infranchissable"),
        ("weir", 0.33, "major impact", "impact majeur"),
        ("lock_gate", 0.66, "significant impact", "impact significatif"),
    ]

    /// Leisure hubs: the tags of named features that become hubs, and their stake.
    public static let leisureHubs: [(key: String, value: String, stake: String)] = [
        ("leisure", "nature_reserve", "regional"),
        ("boundary", "national_park", "regional"),
        ("leisure", "park", "community"),
        ("natural", "beach", "community"),
        ("leisure", "beach_resort", "community"),
        ("leisure", "sports_centre", "community"),
    ]

    /// Highway values that make the paths layer (walking and cycling network).
    public static let pathClasses = ["footway", "path", "cycleway", "track", "bridleway", "pedestrian", "steps", "living_street"]

    /// Watercourse values of `waterway` (the blue network's lines).
    public static let watercourseKinds = ["river", "stream", "canal"]
}
