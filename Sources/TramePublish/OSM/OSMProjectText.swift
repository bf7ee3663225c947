import Foundation
import TrameScheme

/// The text files of `trame init --osm`: project.toml, nomenclature.csv, friction.csv and INPUTS.md.
public enum OSMProjectText {
    public struct Info {
        public var name: String
        public var extract: String
        public var crs: String
        public var crsLabel: String
        public var resolution: Double
        public var date: String
        public var partner: String
        /// Layers of osm.gpkg that hold features.
        public var layers: Set<String>
        public var subNetworks: [OSMKit.SubNetworkDef]
        public var dropped: [String]
        public var unmappedShare: Double
        public var seaHa: Double
        /// "admin_level N" or "grid".
        public var unitsFrom: String
        public var gridSide: Double
        public var table: Bool
        public var hubs: Int
        public var counts: [String: Int]
    }

    static func q(_ s: String) -> String { "\"\(s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"" }

    public static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    static func source(_ i: Info, _ layer: String) -> String {
        "{ file = \"osm.gpkg\", layer = \"\(layer)\", producer = \(q(OSMStartKit.producer)), date = \(q(i.date)), licence = \(q(OSMStartKit.licence)) }"
    }

    /// The template's [territory] keys; reference_share (a French regional average in the template) is left
    /// commented out: the user gives the share of their own region.
    static func territoryLines(_ i: Info) -> String {
        ProjectKeys.templateLines("territory", values: ["resolution": "\"\(number(i.resolution)) m\""]).split(separator: "\n").map { line in
            line.hasPrefix("reference_share") ? "# " + line.replacingOccurrences(of: "(here: the region's)", with: "(your region's, with reference_label)") : String(line)
        }.joined(separator: "\n") + "\n# reference_label = \"regional average\"\n# reference_label_fr = \"moyenne régionale\""
    }

    public static func project(_ i: Info) -> String {
        let codes = { (l: [Int]) in l.map(String.init).joined(separator: ", ") }
        let natural = OSMKit.classes.filter(\.natural).map(\.code)
        let has = { (l: String) in i.layers.contains(l) }
        var s = """
        # Trame project written by `trame init --osm \(i.extract)` from OpenStreetMap
        # (© OpenStreetMap contributors, ODbL 1.0; the extract's date: \(i.date), the file's date).
        # Run it with:  trame run project.toml -o scheme
        # Land cover: landcover.tif, burnt from the extract's tags through osm_classes.csv (edit that table and
        #   re-run `trame init DIR --osm \(i.extract) --osm-table osm_classes.csv --force`).
        # Land with no land-use tag in the extract: \(String(format: "%.1f", i.unmappedShare)) % of the territory (class \(OSMKit.unmappedCode), a moderate
        #   resistance of 100 for every sub-network: review it where the share is large).
        # Sea: \(String(format: "%.1f", i.seaHa)) ha of the extract's bounds, outside the territory (NoData).

        """
        for d in i.dropped { s += "# Sub-network left out: \(d).\n" }
        s += """
        # Paths are relative to this file. Quantities carry their unit: "5 ha", "1000 m", "12 %", "50000 cost".

        [territory]
        name = \(q(i.name))
        crs = \(q(i.crs))                 # \(i.crsLabel)
        boundary = \(source(i, "territory"))   # the extract's bounds less the sea
        \(territoryLines(i))

        [land_cover]
        raster = "landcover.tif"          # burnt from OpenStreetMap by trame init --osm (osm_classes.csv)
        nomenclature = "nomenclature.csv" # code,label,label_fr,red,green,blue,natural
        friction = "friction.csv"         # code,label,<one resistance column per sub-network>
        producer = \(q(OSMStartKit.producer))
        date = \(q(i.date))
        licence = \(q(OSMStartKit.licence))
        \(ProjectKeys.templateLines("land_cover", values: ["built_up": "[\(codes(OSMKit.builtUp))]"]))

        [nature_spaces]
        \(ProjectKeys.templateLines("nature_spaces", values: ["classes": "[\(codes(natural))]"]))


        """
        if has("protected_areas") {
            s += """
            # Protected areas of the extract (boundary=protected_area, boundary=national_park, leisure=nature_reserve):
            # nature spaces of major ecological interest and reservoirs of the sub-networks.
            [[inventory]]
            name = \(q(OSMStartKit.inventoryName))
            source = \(source(i, "protected_areas"))
            partner = \(q(i.partner))
            interest = "major"


            """
        }
        if has("roads") || has("railways") || has("paths") {
            s += "[infrastructure]\n"
            if has("roads") { s += "roads = \(source(i, "roads"))\nroad_class_field = \"class\"        # OSM highway value\n" }
            if has("railways") { s += "railways = \(source(i, "railways"))\n" }
            if has("paths") { s += "paths = \(source(i, "paths"))\n" }
            s += ProjectKeys.templateLines("infrastructure") + "\n\n"
        }
        if has("watercourses") {
            s += """
            [hydrography]
            # waterway=river/stream/canal; obstacles: waterway=dam (passability 0), weir (0.33), lock_gate (0.66).
            watercourses = \(source(i, "watercourses"))
            name_field = "name"

            """
            if has("obstacles") {
                s += "obstacles = \(source(i, "obstacles"))\npassability_field = \"passability\"\nkind_field = \"kind\"\nobstacle_name_field = \"name\"\n"
            }
            s += ProjectKeys.templateLines("hydrography") + "\n\n"
        }
        if has("units") {
            let grid = i.unitsFrom == "grid"
            let side = i.gridSide >= 1000 ? "\(number(i.gridSide / 1000)) km" : "\(number(i.gridSide)) m"
            s += """
            [units]
            # \(grid ? "The extract holds no administrative boundary: a grid of \(side) squares named R<row>C<column>." : "Administrative areas of the extract at its lowest level (\(i.unitsFrom)), clipped to the territory.")
            name_field = "name"

            [[units.level]]
            name = \(q(grid ? "square" : "commune"))
            label_fr = \(q(grid ? "Carrés de \(side)" : "Communes"))
            label_en = \(q(grid ? "\(side) squares" : "Communes"))
            file = "osm.gpkg"
            layer = "units"
            \(grid ? "" : "atlas = true")


            """
        }
        if i.hubs > 0 {
            s += """
            [leisure_hubs]
            # Named parks, nature reserves, national parks, beaches and sports centres of the extract.
            source = \(source(i, "leisure_hubs"))
            name_field = "name"
            stake_field = "stake"


            """
        }
        s += """
        [buffer_zones]
        \(ProjectKeys.templateLines("buffer_zones", values: ["open_land": "[\(codes(OSMKit.openLand))]"]))


        """
        if i.hubs >= 2 && (has("paths") || has("roads")) {
            s += """
            [itineraries]
            network = \(source(i, has("paths") ? "paths" : "roads"))
            mode = "walk"                     # walk or bike
            \(ProjectKeys.templateLines("itineraries"))
            join_crossings = true             # lines crossing without a shared vertex meet there
            with_roads = \(has("roads") && has("paths") ? "true" : "false")


            """
        }
        s += """
        [pinch_points]
        \(ProjectKeys.templateLines("pinch_points"))

        [report]
        title = \(q(i.name))
        lang = "en"                       # fr or en (trame run --lang overrides it)

        # Sub-networks whose habitat makes at least one reservoir in the extract (see the lines at the top for
        # those left out). Resistances: friction.csv, one column per sub-network.

        """
        let inventories = i.layers.contains("protected_areas") ? "\"\(OSMStartKit.inventoryName)\"" : ""
        for sub in i.subNetworks {
            s += """

            [[subnetwork]]
            name = "\(sub.name)"
            label = \(q(sub.label))
            label_en = \(q(sub.label))
            label_fr = \(q(sub.labelFr))
            habitat = [\(codes(sub.habitat))]
            supporting = [\(codes(sub.supporting))]
            friction_column = "\(sub.name)"
            min_reservoir_area = "\(number(sub.minReservoirHa)) ha"
            inventories = [\(sub.watercourse ? "" : inventories)]
            dispersal_distance = "\(Int(sub.dispersalCost)) cost"
            dispersal_probability = 0.05
            corridor_width = "\(sub.corridorWidth)"
            colour = "\(sub.colour)"\(sub.watercourse ? "\nmodel = \"watercourse\"" : "")

            """
        }
        return s
    }

    static func csv(_ s: String) -> String { "\"\(s.replacingOccurrences(of: "\"", with: "\"\""))\"" }

    public static func nomenclatureCSV() -> String {
        var s = """
        # Land-cover nomenclature of a project made from OpenStreetMap (trame init --osm): the classes osm_classes.csv
        # burns, close to the nomenclature of Trame's sample territory (same codes where it has the class).
        # code: the value of the land cover's cells; label, label_fr: the class's name in English and French;
        # red, green, blue: its colour; natural: 1 if the class can make nature spaces.
        # Class \(OSMKit.unmappedCode): land no tag of osm_classes.csv covers (often streets, yards and unmapped fields).
        code,label,label_fr,red,green,blue,natural

        """
        for c in OSMKit.classes {
            s += "\(c.code),\(csv(c.label)),\(csv(c.labelFr)),\(c.colour.0),\(c.colour.1),\(c.colour.2),\(c.natural ? 1 : 0)\n"
        }
        return s
    }

    public static func frictionCSV() -> String {
        var s = """
        # Friction table (trame init --osm): the resistance of each land-cover class to the movement of each
        # sub-network's species, the cost of crossing 1 m (1 = habitat ... 1000 = hostile, 2000 = major roads).
        # Values: those of Trame's sample territory (trame demo's friction.csv, in the spirit of the expert tables of
        # French regional schemes, SRCE) for the classes it has; heath, scrub, orchards, sports grounds, bare ground
        # and land with no tag set by analogy. A starting point: review them with the ecologists of your territory.
        # Habitat (resistance 1 in its column; each sub-network's habitat = [...] in project.toml):

        """
        for sub in OSMKit.subNetworks { s += "#   \(sub.name): \(sub.habitat.map(String.init).joined(separator: ", "))\n" }
        s += "code,label," + OSMKit.subNetworks.map(\.name).joined(separator: ",") + "\n"
        for c in OSMKit.classes { s += "\(c.code),\(csv(c.label)),\(c.resistance.map(number).joined(separator: ","))\n" }
        return s
    }

    public static func inputsMarkdown(_ i: Info) -> String {
        let n = { (l: String) in i.counts[l] ?? 0 }
        let hubs = OSMKit.leisureHubs.map { "`\($0.key)=\($0.value)` (\($0.stake))" }.joined(separator: ", ")
        let obst = OSMKit.obstacles.map { "`waterway=\($0.kind)` \(number($0.passability)) (\($0.en))" }.joined(separator: ", ")
        let obstFr = OSMKit.obstacles.map { "`waterway=\($0.kind)` \(number($0.passability)) (\($0.fr))" }.joined(separator: ", ")
        let side = i.gridSide >= 1000 ? "\(number(i.gridSide / 1000)) km" : "\(number(i.gridSide)) m"
        let unitsEn = i.unitsFrom == "grid" ? "no administrative boundary in the extract: a grid of \(side) squares named R<row>C<column>" : "`boundary=administrative` at the lowest level present (\(i.unitsFrom))"
        let unitsFr = i.unitsFrom == "grid" ? "aucune limite administrative dans l'extrait : une grille de carrés de \(side) nommés R<ligne>C<colonne>" : "`boundary=administrative` au niveau le plus fin présent (\(i.unitsFrom))"
        return """
        # Données du projet / Inputs of the project

        Écrit par `trame init --osm \(i.extract)`. Written by `trame init --osm \(i.extract)`.
        Source : OpenStreetMap, © OpenStreetMap contributors, ODbL 1.0 (\(i.date), date du fichier / the file's date).

        ## Français

        Tout vient de l'extrait OpenStreetMap `\(i.extract)`, reprojeté en \(i.crs) (\(i.crsLabel)).

        | fichier | contenu | d'où |
        |---|---|---|
        | `landcover.tif` | occupation du sol, cellules de \(number(i.resolution)) m, NoData 0 hors du territoire et en mer | les polygones de l'extrait (couche multipolygons) et ses routes et voies ferrées (lignes, avec une largeur par classe) passés par `osm_classes.csv` |
        | `osm_classes.csv` | la table attribut → classe, à modifier puis à redonner par `--osm-table` | \(i.table ? "votre table" : "la table fournie par Trame") |
        | `nomenclature.csv`, `friction.csv` | les classes et leurs résistances par sous-trame | Trame (valeurs de l'exemple, à relire) |
        | `osm.gpkg` `protected_areas` | \(n("protected_areas")) aires protégées, avec `protect_class` et leur nom | `boundary=protected_area`, `boundary=national_park`, `leisure=nature_reserve` |
        | `osm.gpkg` `roads`, `railways`, `paths` | \(n("roads")) routes, \(n("railways")) voies ferrées, \(n("paths")) chemins | `highway=*` (chemins : \(OSMKit.pathClasses.joined(separator: ", "))), `railway=*` |
        | `osm.gpkg` `watercourses`, `obstacles` | \(n("watercourses")) cours d'eau, \(n("obstacles")) obstacles | `waterway=river/stream/canal` ; obstacles et franchissabilité : \(obstFr) |
        | `osm.gpkg` `leisure_hubs` | \(n("leisure_hubs")) pôles de loisirs | éléments nommés : \(hubs) |
        | `osm.gpkg` `units` | \(n("units")) unités | \(unitsFr) |
        | `osm.gpkg` `territory` | le territoire | l'emprise de l'extrait\(i.seaHa > 0 ? " moins la mer" : "") |

        La mer est hors du territoire : les faces de l'emprise à droite des lignes `natural=coastline` (OpenStreetMap
        trace la côte terre à gauche), et les polygones `natural=bay/strait`, `water=sea`, `place=sea/ocean`. Une
        côte qui s'arrête à moins de \(number(OSMStartKit.coastSnap)) m du bord de l'emprise est prolongée jusqu'à lui (les extraits coupent
        les lignes à leur bord) ; une côte qui s'arrête plus loin à l'intérieur ne découpe rien : seuls les
        polygones de mer sont alors retirés. Terrain sans attribut d'occupation du sol : \(String(format: "%.1f", i.unmappedShare)) % du territoire
        (classe \(OSMKit.unmappedCode)).

        ## English

        Everything comes from the OpenStreetMap extract `\(i.extract)`, reprojected to \(i.crs) (\(i.crsLabel)).

        | file | what | from |
        |---|---|---|
        | `landcover.tif` | land cover, \(number(i.resolution)) m cells, NoData 0 outside the territory and at sea | the extract's polygons (multipolygons layer) and its roads and railways (lines, a width per class) through `osm_classes.csv` |
        | `osm_classes.csv` | the tag → class table, to edit and give back with `--osm-table` | \(i.table ? "your table" : "Trame's table") |
        | `nomenclature.csv`, `friction.csv` | the classes and their resistances per sub-network | Trame (the sample's values, to review) |
        | `osm.gpkg` `protected_areas` | \(n("protected_areas")) protected areas, with `protect_class` and their names | `boundary=protected_area`, `boundary=national_park`, `leisure=nature_reserve` |
        | `osm.gpkg` `roads`, `railways`, `paths` | \(n("roads")) roads, \(n("railways")) railways, \(n("paths")) paths | `highway=*` (paths: \(OSMKit.pathClasses.joined(separator: ", "))), `railway=*` |
        | `osm.gpkg` `watercourses`, `obstacles` | \(n("watercourses")) watercourses, \(n("obstacles")) obstacles | `waterway=river/stream/canal`; obstacles and passability: \(obst) |
        | `osm.gpkg` `leisure_hubs` | \(n("leisure_hubs")) leisure hubs | named features: \(hubs) |
        | `osm.gpkg` `units` | \(n("units")) units | \(unitsEn) |
        | `osm.gpkg` `territory` | the territory | the extract's bounds\(i.seaHa > 0 ? " less the sea" : "") |

        The sea is outside the territory: the faces of the bounds on the right of the `natural=coastline` ways
        (OpenStreetMap draws the coast with the land on the left), and the polygons `natural=bay/strait`,
        `water=sea`, `place=sea/ocean`. A coastline ending less than \(number(OSMStartKit.coastSnap)) m from the edge of the bounds is
        carried on to it (extracts cut ways at their edge); one that ends farther inside cuts nothing: only the
        sea polygons are then taken out. Land with no land-use tag: \(String(format: "%.1f", i.unmappedShare)) % of the
        territory (class \(OSMKit.unmappedCode)).

        \(OSMKit.priorityRule)

        """
    }
}
