import Foundation
import TrameSample

/// What `trame init DIR` writes for a real territory: the project file, the two tables it reads
/// (nomenclature.csv and friction.csv, with `#` comments naming their sources) and INPUTS.md, the list of
/// the layers the user still has to bring, for one preset nomenclature.
public enum StartKit {
    /// The nomenclature the tables are written for.
    public enum Preset: String, CaseIterable, Sendable {
        /// CORINE Land Cover level 3: 44 classes, codes 111 … 523.
        case clc
        /// The sample territory's nomenclature (`trame demo`), codes 1 … 50.
        case sample
        /// The US National Land Cover Database legend: 20 classes, codes 11 … 95.
        case nlcd
    }

    /// The five sub-networks of the kits, in the order of the friction table's columns.
    public static var subNetworkNames: [String] { SubNetworkPreset.all.map(\.name) }

    /// The classes of a preset with their resistances per sub-network.
    public static func classes(_ preset: Preset) -> [KitClass] {
        switch preset {
        case .clc: CorineLandCover.classes
        case .nlcd: NationalLandCover.classes
        case .sample:
            LandCoverClass.allCases.map { c in
                KitClass(code: c.code, label: c.label, labelFr: c.frenchLabel, colour: (Int(c.colour.0), Int(c.colour.1), Int(c.colour.2)),
                         natural: c.isNatural, resistance: SubNetworkPreset.resistance(c))
            }
        }
    }

    /// A sub-network's classes in a preset: habitat (its patches are reservoirs), supporting classes, and
    /// the inventories whose sites are always reservoirs.
    public struct SubNetworkClasses: Sendable, Equatable {
        public var habitat: [Int]
        public var supporting: [Int]
        public var inventories: [String]
    }

    public static func subNetwork(_ name: String, _ preset: Preset) -> SubNetworkClasses {
        switch preset {
        case .sample:
            let p = SubNetworkPreset.all.first { $0.name == name }!
            let supporting: [String: [LandCoverClass]] = [
                "forest": [.hedgesAndCopses, .urbanPark], "calcicolous": [.grassland, .quarry], "mining": [.collieryRailway, .quarry],
                "river": [.wetland], "wetland": [.riverOrCanal, .grassland],
            ]
            return SubNetworkClasses(habitat: p.habitat.map(\.code), supporting: (supporting[name] ?? []).map(\.code), inventories: p.inventoryKinds)
        case .clc:
            switch name {
            case "forest": return SubNetworkClasses(habitat: [311, 312, 313], supporting: [243, 244, 324], inventories: ["Natura 2000", "ZNIEFF type 1"])
            case "calcicolous": return SubNetworkClasses(habitat: [321], supporting: [231, 322, 324, 333], inventories: ["ZNIEFF type 1"])
            case "mining": return SubNetworkClasses(habitat: [131], supporting: [132, 324, 333], inventories: [])
            case "river": return SubNetworkClasses(habitat: [511], supporting: [411], inventories: [])
            default: return SubNetworkClasses(habitat: [411, 412, 421, 512], supporting: [231, 511], inventories: ["Zone humide"])
            }
        case .nlcd:
            switch name {
            case "forest": return SubNetworkClasses(habitat: [41, 42, 43], supporting: [51, 52, 90], inventories: ["Protected areas (PAD-US)"])
            case "calcicolous": return SubNetworkClasses(habitat: [71], supporting: [52, 81, 31], inventories: [])
            case "mining": return SubNetworkClasses(habitat: [31], supporting: [52, 71], inventories: [])
            case "river": return SubNetworkClasses(habitat: [11], supporting: [90, 95], inventories: [])
            default: return SubNetworkClasses(habitat: [90, 95], supporting: [11, 72], inventories: ["Wetlands (NWI)"])
            }
        }
    }

    /// An [[inventory]] of the template: name, source (TOML inline table), partner, interest.
    public struct InventoryEntry: Sendable, Equatable {
        public var name: String
        public var source: String
        public var partner: String
        public var interest: String
    }

    public static func inventories(_ preset: Preset) -> [InventoryEntry] {
        switch preset {
        case .sample:
            return [("ZNIEFF type 1", "Conservatoire botanique national de Bailleul"), ("Natura 2000", "DREAL Hauts-de-France"),
                    ("Espace naturel sensible", "Département du Pas-de-Calais"), ("Terril d'intérêt écologique", "Mission Bassin Minier"),
                    ("Zone humide prioritaire", "Agence de l'eau Artois-Picardie")].map { n, partner in
                InventoryEntry(name: n, source: "{ file = \"territory.gpkg\", layer = \"nature_inventories\", where = \"inventory = '\(n.replacingOccurrences(of: "'", with: "''"))'\" }",
                               partner: partner, interest: "major")
            }
        case .clc:
            return [
                InventoryEntry(name: "ZNIEFF type 1", source: "{ file = \"territory.gpkg\", layer = \"znieff1\" }", partner: "INPN (MNHN)", interest: "major"),
                InventoryEntry(name: "Natura 2000", source: "{ file = \"territory.gpkg\", layer = \"natura2000\" }", partner: "INPN (MNHN)", interest: "major"),
                InventoryEntry(name: "Espace naturel sensible", source: "{ file = \"territory.gpkg\", layer = \"ens\" }", partner: "Département", interest: "major"),
                InventoryEntry(name: "Zone humide", source: "{ file = \"territory.gpkg\", layer = \"wetlands\" }", partner: "DREAL, agence de l'eau ou SAGE", interest: "information"),
            ]
        case .nlcd:
            return [
                InventoryEntry(name: "Protected areas (PAD-US)", source: "{ file = \"territory.gpkg\", layer = \"padus\" }", partner: "USGS Gap Analysis Project", interest: "major"),
                InventoryEntry(name: "Wetlands (NWI)", source: "{ file = \"territory.gpkg\", layer = \"wetlands\" }", partner: "U.S. Fish and Wildlife Service", interest: "information"),
            ]
        }
    }

    /// Built-up classes (towns and industry).
    public static func builtUp(_ preset: Preset) -> [Int] {
        switch preset {
        case .sample: [1, 2, 3]
        case .clc: [111, 112, 121, 123]
        case .nlcd: [22, 23, 24]
        }
    }

    /// Classes of nature spaces: the nomenclature's natural ones.
    public static func natural(_ preset: Preset) -> [Int] { classes(preset).filter(\.natural).map(\.code) }

    /// Farmland that can lie in a buffer zone: neither natural nor built (nor, for the sample, transport).
    public static func openLand(_ preset: Preset) -> [Int] {
        switch preset {
        case .sample:
            LandCoverClass.allCases.filter { !$0.isNatural && ![.denseUrban, .lowDensityUrban, .industrial, .motorway, .otherRoad, .activeRailway].contains($0) }.map(\.code)
        case .clc:
            CorineLandCover.classes.map(\.code).filter { (200..<300).contains($0) }
        case .nlcd: [71, 81, 82]
        }
    }

    /// Cell size the template asks of the land cover.
    public static func resolution(_ preset: Preset) -> String {
        switch preset {
        case .sample: "\"10 m\""
        case .clc: "\"25 m\""
        case .nlcd: "\"30 m\""
        }
    }

    // MARK: - Files

    /// The files of the kit, in the order they are written: project.toml, nomenclature.csv, friction.csv, INPUTS.md.
    public static func files(name: String, preset: Preset) -> [(name: String, text: String)] {
        [("project.toml", ProjectTemplate.text(name: name, preset: preset)),
         ("nomenclature.csv", nomenclatureCSV(preset)),
         ("friction.csv", frictionCSV(preset)),
         ("INPUTS.md", inputsMarkdown(preset))]
    }

    static func sourceLines(_ preset: Preset) -> [String] {
        switch preset {
        case .clc:
            return ["Classes: CORINE Land Cover, level 3 (44 classes), as defined by the European Environment Agency:",
                    "  Bossard M., Feranec J., Otahel J. (2000), CORINE land cover technical guide - Addendum 2000,",
                    "  EEA Technical report No 40. French labels: the French CLC nomenclature (SDES).",
                    "Colours: the EEA's standard CLC legend."]
        case .sample:
            return ["Classes: the nomenclature of Trame's sample territory (trame demo), a former coal-mining basin."]
        case .nlcd:
            return ["Classes: the legend of the US National Land Cover Database (NLCD), USGS / MRLC, a modified Anderson",
                    "  level II classification (Anderson J.R. et al. (1976), USGS Professional Paper 964); classes 51, 72, 73",
                    "  and 74 occur in Alaska only. French labels: Trame's translation. Colours: the NLCD legend."]
        }
    }

    /// Level-1 headings of a preset's classes for the CSV comments: the class's group and its heading.
    static func group(_ c: KitClass, _ preset: Preset) -> (key: Int, heading: (String, String))? {
        switch preset {
        case .clc: CorineLandCover.groups[c.code / 100].map { (c.code / 100, $0) }
        case .nlcd: NationalLandCover.groups[c.code / 10].map { (c.code / 10, $0) }
        case .sample: nil
        }
    }

    static func quoted(_ s: String) -> String { "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" }

    /// The nomenclature table with comments: code,label,label_fr,red,green,blue,natural.
    public static func nomenclatureCSV(_ preset: Preset) -> String {
        var s = "# Land-cover nomenclature of the project (trame init --preset \(preset.rawValue)).\n"
        for l in sourceLines(preset) { s += "# \(l)\n" }
        s += """
        # code: the value of the land cover's cells; label, label_fr: the class's name in English and French
        # (maps and report); red, green, blue: its colour; natural: 1 if the class can make nature spaces.
        # Keep a row for every class your land-cover raster holds: `trame check` lists the missing ones.
        # Lines starting with # are comments.
        code,label,label_fr,red,green,blue,natural

        """
        var group = -1
        for c in classes(preset) {
            if let g = Self.group(c, preset), g.key != group {
                group = g.key
                s += "# \(group) \(g.heading.0) / \(g.heading.1)\n"
            }
            s += "\(c.code),\(quoted(c.label)),\(quoted(c.labelFr)),\(c.colour.0),\(c.colour.1),\(c.colour.2),\(c.natural ? 1 : 0)\n"
        }
        return s
    }

    static func number(_ v: Double?) -> String { v.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "inf" }

    /// The friction table with comments: code,label,<one resistance column per sub-network>.
    public static func frictionCSV(_ preset: Preset) -> String {
        let names = subNetworkNames
        var s = "# Friction table (trame init --preset \(preset.rawValue)): the resistance of each land-cover class to the\n"
        s += "# movement of each sub-network's species, the cost of crossing 1 m (1 = habitat ... 1000 = hostile;\n"
        s += "# inf or an empty cell = impassable). One column per [[subnetwork]] of project.toml (its friction_column).\n"
        for l in sourceLines(preset) { s += "# \(l)\n" }
        switch preset {
        case .clc:
            s += """
            # Values: the five steps of the cost analyses of regional schemes (SRCE) - 1 habitat, 10 favourable,
            #   30 little favourable, 100 unfavourable, 1000 hostile (see e.g. Allag-Dhuisme F. et al. (2010), Choix
            #   stratégiques de nature à contribuer à la préservation et à la remise en bon état des continuités
            #   écologiques, COMOP Trame verte et bleue, MEEDDM). Each class takes the value of the nearest class of
            #   Trame's sample table (trame demo's friction.csv), rounded to the nearest step; the classes the sample
            #   lacks (vineyards, orchards, olive groves, airports, beaches, rocks, glaciers, coastal and marine
            #   classes) were set by analogy. A starting point, not a published table for CLC: review the values
            #   with the ecologists of your territory.

            """
        case .sample:
            s += "# Values: relative costs in the spirit of the expert tables of regional schemes (SRCE), as trame demo writes them.\n"
        case .nlcd:
            s += """
            # Values: the same five steps as the CORINE kit (1 habitat, 10 favourable, 30 little favourable,
            #   100 unfavourable, 1000 hostile), each NLCD class taking the value of its nearest CORINE class
            #   (developed open space = green urban areas, low intensity = discontinuous urban fabric, medium and
            #   high intensity = continuous urban fabric, barren = bare rocks, shrub/scrub = transitional
            #   woodland-shrub, grassland = natural grasslands, pasture/hay = pastures, crops = arable land, emergent
            #   wetlands = inland marshes). A starting point, not a published table: review the values with the
            #   ecologists of your territory.

            """
        }
        s += "# Habitat (resistance 1 in its column; the classes of each sub-network's habitat = [...] in project.toml):\n"
        for n in names { s += "#   \(n): \(subNetwork(n, preset).habitat.map(String.init).joined(separator: ", "))\n" }
        s += "# Lines starting with # are comments.\n"
        s += "code,label," + names.joined(separator: ",") + "\n"
        var group = -1
        for c in classes(preset) {
            if let g = Self.group(c, preset), g.key != group {
                group = g.key
                s += "# \(group) \(g.heading.0)\n"
            }
            s += "\(c.code),\(quoted(c.label)),\(c.resistance.map(number).joined(separator: ","))\n"
        }
        return s
    }

    // MARK: - INPUTS.md

    /// A field of an input layer.
    public struct Field: Sendable {
        public var name: String
        public var required: Bool
        public var en: String
        public var fr: String
    }

    /// An input layer the user brings: the project key that points at it, its geometry and fields.
    public struct Input: Sendable {
        /// "[land_cover] raster", "[[inventory]] source", …
        public var key: String
        public var en: String
        public var fr: String
        public var geometryEn: String
        public var geometryFr: String
        public var fields: [Field]
        public var optional: Bool
        public var sourceEn: String
        public var sourceFr: String
        /// How to do without an optional input (what else refers to it).
        public var removeEn = "remove the key (or its section)"
        public var removeFr = "retirez la clé (ou sa section)"
    }

    public static func inputs(_ preset: Preset) -> [Input] {
        let raster: Input
        switch preset {
        case .clc:
            raster = Input(key: "[land_cover] raster", en: "Land cover (landcover.tif)", fr: "Occupation du sol (landcover.tif)",
                           geometryEn: "raster of integer class codes 111 … 523 (the codes of nomenclature.csv), 25 m cells, NoData 0",
                           geometryFr: "raster de codes de classe entiers 111 … 523 (ceux de nomenclature.csv), cellules de 25 m, NoData 0",
                           fields: [], optional: false,
                           sourceEn: "CORINE Land Cover as vectors (SDES, the field CODE_18 for 2018), clipped to the territory and burnt: `ogr2ogr -t_srs EPSG:2154 -clipdst boundary.gpkg clc.gpkg CLC18_FR.gpkg` (boundary.gpkg: the territory's outline) then `gdal_rasterize -a CODE_18 -tr 25 25 -a_nodata 0 -init 0 -ot Int16 clc.gpkg landcover.tif`. The EEA's 100 m raster holds indices 1 … 44, not the codes: rasterise the vectors instead. CORINE maps nothing smaller than 25 ha (5 ha for changes): hedges, copses and small dry grasslands are missing, so reservoirs below that size and the supporting classes come from a finer land cover (OCS GE, a regional land-use map) where you have one.",
                           sourceFr: "CORINE Land Cover en vecteur (SDES, champ CODE_18 pour 2018), découpé sur le territoire puis rastérisé : `ogr2ogr -t_srs EPSG:2154 -clipdst contour.gpkg clc.gpkg CLC18_FR.gpkg` (contour.gpkg : le contour du territoire) puis `gdal_rasterize -a CODE_18 -tr 25 25 -a_nodata 0 -init 0 -ot Int16 clc.gpkg landcover.tif`. Le raster à 100 m de l'AEE contient des indices 1 … 44 et non les codes : rastérisez plutôt les vecteurs. CORINE ne cartographie rien sous 25 ha (5 ha pour les changements) : haies, bosquets et petites pelouses sèches y manquent ; les réservoirs plus petits et les classes relais viennent d'une occupation du sol plus fine (OCS GE, mode d'occupation du sol régional) quand vous en avez une.")
        case .nlcd:
            raster = Input(key: "[land_cover] raster", en: "Land cover (landcover.tif)", fr: "Occupation du sol (landcover.tif)",
                           geometryEn: "NLCD raster of class codes 11 … 95 as MRLC distributes it (30 m cells, Albers equal-area), cut to the territory",
                           geometryFr: "raster NLCD de codes 11 … 95 tel que le MRLC le diffuse (cellules de 30 m, Albers équivalente), découpé sur le territoire",
                           fields: [], optional: false,
                           sourceEn: "the NLCD of the Multi-Resolution Land Characteristics Consortium (www.mrlc.gov), cut to the territory (`gdal_translate -projwin …`). Keep its own CRS (leave [territory] crs out) or name the one your other layers use ([territory] crs = \"EPSG:…\"): the land cover is then reprojected to it. The value of cells outside the mapped area (0 or 250 depending on the release) goes in [land_cover] nodata.",
                           sourceFr: "la NLCD du Multi-Resolution Land Characteristics Consortium (www.mrlc.gov), découpée sur le territoire (`gdal_translate -projwin …`). Gardez son SCR (sans [territory] crs) ou nommez celui de vos autres couches ([territory] crs = \"EPSG:…\") : l'occupation du sol y est alors reprojetée. La valeur des cellules hors de la zone cartographiée (0 ou 250 selon l'édition) va dans [land_cover] nodata.")
        case .sample:
            raster = Input(key: "[land_cover] raster", en: "Land cover (landcover.tif)", fr: "Occupation du sol (landcover.tif)",
                           geometryEn: "raster of integer class codes (those of nomenclature.csv), 10 m cells, NoData 0",
                           geometryFr: "raster de codes de classe entiers (ceux de nomenclature.csv), cellules de 10 m, NoData 0",
                           fields: [], optional: false,
                           sourceEn: "`trame demo --out DIR` writes one for the sample territory; your own land-cover map reclassified to these codes otherwise.",
                           sourceFr: "`trame demo --out DIR` en écrit un pour le territoire exemple ; sinon votre carte d'occupation du sol reclassée selon ces codes.")
        }
        let inventoryLayers = inventories(preset).map { inv -> Input in
            var i = Input(key: "[[inventory]] source (\(inv.name))", en: "Inventory: \(inv.name)", fr: "Inventaire : \(inv.name)",
                          geometryEn: "polygons", geometryFr: "polygones", fields: [], optional: true,
                          sourceEn: "its sites as polygons, e.g. from the INPN (inpn.mnhn.fr) or the partner named in project.toml; any attribute is kept; `where = \"…\"` selects some features of a shared layer. Natura 2000 comes as two INPN layers, SPAs (ZPS) and SACs (ZSC/SIC): merge them (ogr2ogr -append) or give two inventories; wetlands come from the DREAL, the water agency or the SAGE",
                          sourceFr: "ses sites en polygones, par exemple de l'INPN (inpn.mnhn.fr) ou du partenaire nommé dans project.toml ; les attributs sont conservés ; `where = \"…\"` choisit une partie d'une couche commune. Natura 2000 vient en deux couches de l'INPN, ZPS et ZSC/SIC : fusionnez-les (ogr2ogr -append) ou déclarez deux inventaires ; les zones humides viennent de la DREAL, de l'agence de l'eau ou du SAGE")
            i.removeEn = "remove its [[inventory]] and its name from the sub-networks' inventories = [...]"
            i.removeFr = "retirez son [[inventory]] et son nom des listes inventories = [...] des [[subnetwork]]"
            return i
        }
        let removal: [String: (String, String)] = [
            "[infrastructure] paths, [itineraries] network": ("remove paths from [infrastructure] and the [itineraries] section",
                                                             "retirez paths de [infrastructure] et la section [itineraries]"),
            "[hydrography] watercourses": ("remove [hydrography] and the river [[subnetwork]] (model = \"watercourse\")",
                                           "retirez [hydrography] et le [[subnetwork]] river (model = \"watercourse\")"),
            "[hydrography] obstacles": ("remove obstacles and passability_field, kind_field, obstacle_name_field from [hydrography]",
                                        "retirez obstacles et passability_field, kind_field, obstacle_name_field de [hydrography]"),
            "[leisure_hubs] source": ("remove the [leisure_hubs] and [itineraries] sections", "retirez les sections [leisure_hubs] et [itineraries]"),
        ]
        return ([raster] + inventoryLayers + layers()).map { i in
            var i = i
            if let r = removal[i.key] { i.removeEn = r.0; i.removeFr = r.1 }
            return i
        }
    }

    static func layers() -> [Input] {
        [
            Input(key: "[infrastructure] roads", en: "Roads", fr: "Routes", geometryEn: "lines", geometryFr: "lignes",
                  fields: [Field(name: "class", required: false, en: "road class (motorway, primary, …; [infrastructure] road_class_field), kept on conflict points", fr: "classe de la route (motorway, primary, … ; [infrastructure] road_class_field), reprise sur les points de conflit"),
                           Field(name: "ref, name", required: false, en: "road number or name, shown on conflict points", fr: "numéro ou nom de la route, affiché sur les points de conflit")],
                  optional: true, sourceEn: "IGN BD TOPO (TRONCON_DE_ROUTE) or OpenStreetMap", sourceFr: "IGN BD TOPO (TRONCON_DE_ROUTE) ou OpenStreetMap"),
            Input(key: "[infrastructure] railways", en: "Railways", fr: "Voies ferrées", geometryEn: "lines", geometryFr: "lignes",
                  fields: [Field(name: "class, name", required: false, en: "kind and name, shown on conflict points", fr: "nature et nom, affichés sur les points de conflit")],
                  optional: true, sourceEn: "IGN BD TOPO (TRONCON_DE_VOIE_FERREE)", sourceFr: "IGN BD TOPO (TRONCON_DE_VOIE_FERREE)"),
            Input(key: "[infrastructure] paths, [itineraries] network", en: "Paths (walking and cycling network)", fr: "Chemins (réseau de promenade et de vélo)",
                  geometryEn: "lines, or an OpenStreetMap extract (.osm.pbf) for [itineraries] network", geometryFr: "lignes, ou un extrait OpenStreetMap (.osm.pbf) pour [itineraries] network",
                  fields: [Field(name: "highway, access, foot, bicycle", required: false, en: "OpenStreetMap tags, when present, decide who may use a way", fr: "attributs OpenStreetMap, s'ils existent, qui disent qui peut emprunter un chemin")],
                  optional: true, sourceEn: "OpenStreetMap, IGN BD TOPO, the département's walking plan (PDIPR)", sourceFr: "OpenStreetMap, IGN BD TOPO, le PDIPR du département"),
            Input(key: "[hydrography] watercourses", en: "Watercourses", fr: "Cours d'eau", geometryEn: "lines", geometryFr: "lignes",
                  fields: [Field(name: "name", required: true, en: "the watercourse's name ([hydrography] name_field; remove that key if there is none)", fr: "nom du cours d'eau ([hydrography] name_field ; retirez cette clé s'il n'y en a pas)")],
                  optional: true, sourceEn: "IGN BD TOPO hydrography or BD TOPAGE (Sandre)", sourceFr: "BD TOPO hydrographie de l'IGN ou BD TOPAGE (Sandre)"),
            Input(key: "[hydrography] obstacles", en: "Obstacles on watercourses", fr: "Obstacles à l'écoulement", geometryEn: "points", geometryFr: "points",
                  fields: [Field(name: "passability", required: true, en: "0 impassable, 0.33 major impact, 0.66 significant impact, 1 limited impact (the ICE classes)", fr: "0 infranchissable, 0,33 impact majeur, 0,66 impact significatif, 1 impact limité (classes ICE)"),
                           Field(name: "kind", required: false, en: "weir, lock, culvert, …", fr: "seuil, écluse, buse, …"),
                           Field(name: "name", required: false, en: "the obstacle's name", fr: "nom de l'obstacle")],
                  optional: true, sourceEn: "the national obstacles register (ROE, OFB) with its ICE passability", sourceFr: "le référentiel des obstacles à l'écoulement (ROE, OFB) et sa franchissabilité ICE"),
            Input(key: "[[units.level]] commune", en: "Communes", fr: "Communes", geometryEn: "polygons", geometryFr: "polygones",
                  fields: [Field(name: "name", required: true, en: "the commune's name ([units] name_field)", fr: "nom de la commune ([units] name_field)")],
                  optional: true, sourceEn: "IGN ADMIN EXPRESS (COMMUNE)", sourceFr: "IGN ADMIN EXPRESS (COMMUNE)"),
            Input(key: "[[units.level]] EPCI", en: "Groupings of communes", fr: "Intercommunalités", geometryEn: "polygons", geometryFr: "polygones",
                  fields: [Field(name: "name", required: true, en: "the grouping's name ([units] name_field)", fr: "nom de l'intercommunalité ([units] name_field)")],
                  optional: true, sourceEn: "IGN ADMIN EXPRESS (EPCI)", sourceFr: "IGN ADMIN EXPRESS (EPCI)"),
            Input(key: "[leisure_hubs] source", en: "Leisure hubs", fr: "Pôles de loisirs", geometryEn: "points", geometryFr: "points",
                  fields: [Field(name: "name", required: false, en: "the hub's name ([leisure_hubs] name_field)", fr: "nom du pôle ([leisure_hubs] name_field)"),
                           Field(name: "stake", required: false, en: "regional or community stake ([leisure_hubs] stake_field)", fr: "enjeu régional ou communautaire ([leisure_hubs] stake_field)")],
                  optional: true, sourceEn: "parks, stations, car parks of walks: your own list", sourceFr: "parcs, gares, parkings de randonnée : votre propre liste"),
        ]
    }

    /// INPUTS.md: each input layer, its geometry, fields, CRS and the key that points at it; in French, then English.
    public static func inputsMarkdown(_ preset: Preset) -> String {
        let list = inputs(preset)
        var s = """
        # Données à fournir / Inputs to supply

        Écrit par `trame init --preset \(preset.rawValue)`. Written by `trame init --preset \(preset.rawValue)`.

        ## Français

        Le projet (`project.toml`) lit les couches ci-dessous. `nomenclature.csv` et `friction.csv` sont déjà écrits
        (à relire) ; les autres fichiers sont à fournir. Par défaut les couches vectorielles sont les couches
        nommées d'un seul GeoPackage, `territory.gpkg` ; chaque clé peut pointer vers un autre fichier lu par GDAL
        (GeoPackage, Shapefile, GeoJSON) : `{ file = "routes.shp" }`. Une donnée facultative que vous n'avez
        pas se retire de `project.toml` (ou se commente avec `#`) comme le dit la dernière colonne.

        Système de coordonnées : l'occupation du sol doit être dans une projection en mètres, celle de
        `[territory] crs` (Lambert-93, EPSG:2154, par défaut), avec la taille de cellule de `[territory]
        resolution`. Les couches vectorielles doivent avoir un système de coordonnées ; si ce n'est pas celui de
        l'occupation du sol, elles sont reprojetées (avec un avertissement).

        `trame check project.toml` liste ce qui manque encore, chaque problème avec sa ligne.

        | clé de project.toml | donnée | géométrie | obligatoire |
        |---|---|---|---|

        """
        s += inputList(list, fr: true)
        s += """

        ## English

        The project (`project.toml`) reads the layers below. `nomenclature.csv` and `friction.csv` are already
        written (review them); the other files are yours to supply. By default the vector layers are named layers
        of one GeoPackage, `territory.gpkg`; any key may point at another file GDAL reads (GeoPackage, Shapefile,
        GeoJSON): `{ file = "roads.shp" }`. An optional input you do not have is removed from `project.toml` (or
        commented out with `#`) as the last column says.

        Coordinates: the land cover must be in a projected CRS in metres, the one of `[territory] crs`
        (Lambert-93, EPSG:2154, by default), with the cell size of `[territory] resolution`. Vector layers must
        have a CRS; one in another CRS than the land cover's is reprojected (with a warning).

        `trame check project.toml` lists what is still missing, each problem with its line.

        | project.toml key | input | geometry | required |
        |---|---|---|---|

        """
        s += inputList(list, fr: false)
        return s
    }

    /// The table of inputs and one paragraph per input, in French or in English.
    static func inputList(_ list: [Input], fr: Bool) -> String {
        let c = fr ? " : " : ": "
        var s = ""
        for i in list {
            s += "| `\(i.key)` | \(fr ? i.fr : i.en) | \(fr ? i.geometryFr : i.geometryEn) | "
                + (i.optional ? (fr ? "non : " : "no: ") + (fr ? i.removeFr : i.removeEn) : (fr ? "oui" : "yes")) + " |\n"
        }
        for i in list {
            s += "\n### \(fr ? i.fr : i.en)\n\n- \(fr ? "clé" : "key")\(c)`\(i.key)`\n- \(fr ? "géométrie" : "geometry")\(c)\(fr ? i.geometryFr : i.geometryEn)\n"
            if i.fields.isEmpty { s += fr ? "- champs : aucun champ exigé\n" : "- fields: none required\n" } else {
                s += fr ? "- champs :\n" : "- fields:\n"
                for f in i.fields {
                    let need = f.required ? (fr ? "obligatoire" : "required") : (fr ? "facultatif" : "optional")
                    s += "  - `\(f.name)` (\(need))\(c)\(fr ? f.fr : f.en)\n"
                }
            }
            s += "- \(fr ? "où la trouver" : "where to find it")\(c)\(fr ? i.sourceFr : i.sourceEn)\n"
        }
        return s
    }
}
