import Foundation
import TrameSample

/// The commented project file: `trame init` writes it as a template, `trame demo` for the sample territory.
///
/// The lines of the numbers come from `ProjectKeys.all` (each key's template value and comment), a
/// section's keys where the section lists them; the sample's class lists and each sub-network's values
/// are written here.
public enum ProjectTemplate {
    /// The sample's project (`trame demo`, forSample) or a template for the sample's nomenclature.
    public static func text(name: String, forSample: Bool) -> String {
        text(name: name, preset: .sample, forSample: forSample)
    }

    /// The template of `trame init --preset …`: the preset's classes, its tables and INPUTS.md beside it.
    public static func text(name: String, preset: StartKit.Preset) -> String {
        text(name: name, preset: preset, forSample: false)
    }

    static func text(name: String, preset: StartKit.Preset, forSample: Bool) -> String {
        let colours = ["forest": "#2e7d32", "calcicolous": "#c9b037", "mining": "#7a5230", "river": "#1f5fbf", "wetland": "#3fb8b0"]
        let widths: [String: String] = ["forest": "5000 cost", "calcicolous": "3000 cost", "mining": "4000 cost", "river": "2000 cost", "wetland": "3000 cost"]
        let natural = StartKit.natural(preset).map(String.init).joined(separator: ", ")
        let codes = { (list: [Int]) in list.map(String.init).joined(separator: ", ") }
        let header = forSample ? "Written by `trame demo` for the generated sample territory."
            : "Template written by `trame init --preset \(preset.rawValue)`: nomenclature.csv and friction.csv are written beside it;\n"
            + "# INPUTS.md lists the layers to supply, and `trame check project.toml` what is still missing."
        // Where the land cover comes from (the report's data sources table); any layer { file, layer } takes the same keys.
        let origin = forSample || preset == .sample
            ? "producer = \"Trame (territoire d'exemple généré)\"   # who made it, when, under which licence: the report's data sources\n"
                + "date = \"2026\"\nlicence = \"CC0 1.0\""
            : preset == .nlcd
            ? "# producer = \"USGS (NLCD)\"   # who made it, when, under which licence: the report's data sources;\n"
                + "# date = \"2021\"              # any layer { file = …, layer = … } takes the same three keys\n# licence = \"Public domain (U.S. Government work)\""
            : "# producer = \"SDES (CORINE Land Cover)\"   # who made it, when, under which licence: the report's data sources;\n"
                + "# date = \"2018\"                          # any layer { file = …, layer = … } takes the same three keys\n# licence = \"Licence Ouverte 2.0\""
        // The sample's SCoTs, a level above its groupings.
        let scotLevel = forSample || preset == .sample ? "[[units.level]]\nname = \"SCoT\"\nlabel_fr = \"Schémas de cohérence territoriale (SCoT)\"\n"
            + "label_en = \"Territorial coherence schemes (SCoT)\"\nfile = \"territory.gpkg\"\nlayer = \"scot\"\n\n" : ""
        let crsLine = preset == .nlcd
            ? "# crs = \"EPSG:5070\"             # leave out to keep the land cover's own CRS; given, every input is reprojected to it"
            : "crs = \"EPSG:2154\"                 # every input is reprojected to this CRS (the land cover too)"
        var s = """
        # Trame project: the green and blue infrastructure (Trame verte et bleue) of one territory.
        # \(header)
        # Run it with:  trame run project.toml -o scheme
        # Paths are relative to this file. Quantities carry their unit: "5 ha", "1000 m", "12 %", "50000 cost"
        # (cost units = resistance × metres, as in the friction table).

        [territory]
        name = "\(name)"
        \(crsLine)
        \(ProjectKeys.templateLines("territory", values: preset == .sample ? [:] : ["resolution": StartKit.resolution(preset)]))
        reference_label = "regional average"     # what reference_share is, in the report and maps
        reference_label_fr = "moyenne régionale"

        [land_cover]
        raster = "landcover.tif"          # integer classes (GeoTIFF or any raster GDAL reads)
        nomenclature = "nomenclature.csv" # code,label,label_fr,red,green,blue,natural
        friction = "friction.csv"         # code,label,<one resistance column per sub-network>; inf = impassable
        \(origin)
        \(ProjectKeys.templateLines("land_cover", values: preset == .sample ? [:] : ["built_up": "[\(codes(StartKit.builtUp(preset)))]"]))

        [nature_spaces]
        # Classes that make nature spaces (default: the nomenclature's natural column).
        \(ProjectKeys.templateLines("nature_spaces", values: ["classes": "[\(natural)]"]))

        # Inventories supplied by partners. interest = "major" makes their sites nature spaces of major
        # ecological interest; "information" only records them on the spaces they overlap.

        """
        for inv in StartKit.inventories(preset) {
            s += """
            [[inventory]]
            name = "\(inv.name)"
            source = \(inv.source)
            partner = "\(inv.partner)"
            interest = "\(inv.interest)"


            """
        }
        let openLand = codes(StartKit.openLand(preset))
        s += """
        [infrastructure]
        roads = { file = "territory.gpkg", layer = "roads" }
        road_class_field = "class"        # motorway, primary, … (kept on conflict points)
        railways = { file = "territory.gpkg", layer = "railways" }
        paths = { file = "territory.gpkg", layer = "paths" }
        \(ProjectKeys.templateLines("infrastructure"))

        [hydrography]
        # The watercourses as lines (named rivers, canals) and the obstacles on them as points, with their
        # passability: 0 impassable, 0.33 major impact, 0.66 significant impact, 1 limited impact (the ICE
        # classes of the national obstacles register). A sub-network with model = "watercourse" is built on
        # them: stretches between breaking obstacles, corridors along the riparian strip.
        watercourses = { file = "territory.gpkg", layer = "watercourses" }
        name_field = "name"
        obstacles = { file = "territory.gpkg", layer = "obstacles" }
        passability_field = "passability"
        kind_field = "kind"               # weir, lock, culvert, … (shown on the conflict points)
        obstacle_name_field = "name"
        \(ProjectKeys.templateLines("hydrography"))

        [units]
        # The levels of units the figures are given for, largest first (region, SCoT, EPCI, commune…): each a
        # layer of polygons and the field naming its units. atlas = true gives each unit of the level its own
        # page in atlas.pdf. name is the level's name in the outputs; label_fr / label_en its heading.
        name_field = "name"               # the levels' name field, unless a level gives its own

        \(scotLevel)[[units.level]]
        name = "EPCI"
        label_fr = "Intercommunalités (EPCI)"
        label_en = "Groupings of communes (EPCI)"
        file = "territory.gpkg"
        layer = "groupings"
        atlas = true

        [[units.level]]
        name = "commune"
        label_fr = "Communes"
        label_en = "Communes"
        file = "territory.gpkg"
        layer = "communes"

        [leisure_hubs]
        source = { file = "territory.gpkg", layer = "leisure_hubs" }
        name_field = "name"
        # Field giving each hub's stake: "régional" / "regional" or "communautaire" / "intercommunal" / "community".
        stake_field = "stake"

        [buffer_zones]
        # Farmland and natural land that can be a buffer zone (default: every class but built_up).
        \(ProjectKeys.templateLines("buffer_zones", values: ["open_land": "[\(openLand)]"]))

        [itineraries]
        # Walking or cycling itineraries linking the leisure hubs on the path network, preferring the green
        # network: a way weighs its length × (1 + prefer_green × its part outside nature spaces, corridors
        # and buffer zones). The network may also be an OpenStreetMap extract (.osm.pbf).
        network = { file = "territory.gpkg", layer = "paths" }
        mode = "walk"                     # walk or bike
        \(ProjectKeys.templateLines("itineraries"))
        join_crossings = true             # lines crossing without a shared vertex meet there (not for OSM)
        with_roads = true                 # the roads of [infrastructure] too (class = OSM highway; motorways never)

        [pinch_points]
        # Current flow (circuit theory) through the corridors of the most important links, between their two
        # reservoirs, as Linkage Mapper's Pinchpoint Mapper: a current raster and the pinch_points layer.
        \(ProjectKeys.templateLines("pinch_points"))

        [report]
        title = "\(name)"
        lang = "fr"                       # fr or en (trame run --lang overrides it)

        # trame serve: the scheme's web map draws no outside base map, so it works offline. To add one:
        # [web]
        # base_map = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        # base_map_attribution = "© OpenStreetMap contributors"

        # Sub-networks (sous-trames), one per dominant biotope.
        #   habitat: classes whose patches are reservoirs; supporting: classes that relay movement
        #   inventories: inventories whose sites are reservoirs whatever their size
        #   dispersal_distance: cost at which the dispersal probability falls to dispersal_probability
        #   corridor_width: "5000 cost" (Linkage Mapper's cost-weighted width) or "200 m" (a buffer)
        #   model: "least_cost" (the default) or "watercourse": built on [hydrography], its reservoirs are the
        #     watercourse stretches, its links the passable obstacles, its corridors the riparian strip

        """
        for p in SubNetworkPreset.all {
            let classes = StartKit.subNetwork(p.name, preset)
            s += """
            [[subnetwork]]
            name = "\(p.name)"
            label = "\(preset == .clc && p.name == "mining" ? "Mining (quarries, slag heaps and dumps)" : p.label)"
            habitat = [\(codes(classes.habitat))]
            supporting = [\(codes(classes.supporting))]
            friction_column = "\(p.name)"
            min_reservoir_area = "\(Int(p.minAreaHa)) ha"
            inventories = [\(classes.inventories.map { "\"\($0)\"" }.joined(separator: ", "))]
            dispersal_distance = "\(Int(p.dispersalCost)) cost"
            dispersal_probability = 0.05
            corridor_width = "\(widths[p.name] ?? "3000 cost")"
            colour = "\(colours[p.name] ?? "#2e7d32")"\(p.name == "river" ? "\nmodel = \"watercourse\"" : "")


            """
        }
        s += managementBlock(commented: !(forSample || preset == .sample))
        return s
    }

    /// The differentiated management of the sample: regimes a park manager recognises, by typology and
    /// biotope; commented out in the other kits (a starting point to adapt).
    static func managementBlock(commented: Bool) -> String {
        let regimes: [(code: String, typology: String?, sub: String?, fr: String, en: String, pfr: String, pen: String)] = [
            ("free_evolution", "major", "forest", "Libre évolution (îlots de sénescence)", "Non-intervention (senescence islands)",
             "Pas de coupe ; bois mort laissé sur place ; accès limité aux sentiers balisés.", "No felling; dead wood left in place; access kept to marked paths."),
            ("close_to_nature_forestry", nil, "forest", "Sylviculture proche de la nature", "Close-to-nature forestry",
             "Futaie irrégulière, essences locales, pas de coupe rase ; travaux hors période de nidification (mars–août).", "Uneven-aged stands of native species, no clear-felling; works outside the nesting season (March–August)."),
            ("extensive_grazing", nil, "calcicolous", "Pâturage extensif", "Extensive grazing",
             "Pâturage ovin ou caprin tournant, moins de 0,5 UGB/ha ; pas d'intrants ; débroussaillage des ligneux tous les 3 à 5 ans.", "Rotational sheep or goat grazing, under 0.5 livestock units/ha; no inputs; scrub cleared every 3 to 5 years."),
            ("open_slag_heaps", nil, "mining", "Maintien des milieux ouverts des terrils", "Keeping slag heaps open",
             "Débroussaillage ciblé, pas de plantation ni d'amendement ; fréquentation canalisée.", "Targeted scrub clearance, no planting nor soil improvement; visitors kept to paths."),
            ("riparian_restoration", nil, "river", "Restauration des berges et de la ripisylve", "Riparian restoration",
             "Ripisylve continue d'essences locales, berges en pente douce, pas de fauche à moins de 5 m de l'eau.", "Continuous native riparian woodland, gently sloping banks, no mowing within 5 m of the water."),
            ("late_mowing", nil, "wetland", "Fauche tardive exportatrice", "Late mowing with removal",
             "Fauche après le 15 juillet, produits exportés, pas de drainage ni de remblai.", "Mowing after 15 July, cuttings removed, no drainage nor filling."),
            ("hedge_maintenance", "corridor", nil, "Entretien et plantation de haies", "Hedge maintenance and planting",
             "Taille douce hors nidification, bande enherbée de 2 m non traitée, trouées replantées en essences locales.", "Gentle trimming outside the nesting season, an untreated 2 m grass strip, gaps replanted with native species."),
            ("conservation_plan", "major", nil, "Plan de gestion conservatoire", "Conservation management plan",
             "Plan de gestion propre au site (état des lieux, objectifs, suivi), travaux hors période de reproduction.", "A site management plan (baseline, objectives, monitoring); works outside the breeding season."),
            ("differentiated_green_spaces", "mixed", nil, "Gestion différenciée des espaces de loisirs", "Differentiated care of leisure spaces",
             "Zéro pesticide, fauche raisonnée (zones tondues près des usages, prairies fleuries ailleurs), éclairage limité.", "No pesticides, mowing where people use the space and flowering meadows elsewhere, limited lighting."),
        ]
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        let c = commented ? "# " : ""
        var s = "# Differentiated management (gestion différenciée): each nature space, reservoir and corridor takes the\n"
            + "# first regime below that fits its typology (major, mixed, corridor) and its biotope (subnetwork, or classes).\n"
        for r in regimes {
            s += "\(c)[[management]]\n\(c)code = \(q(r.code))\n"
            if let t = r.typology { s += "\(c)typology = \(q(t))\n" }
            if let sub = r.sub { s += "\(c)subnetwork = \(q(sub))\n" }
            s += "\(c)label_fr = \(q(r.fr))\n\(c)label_en = \(q(r.en))\n\(c)prescription_fr = \(q(r.pfr))\n\(c)prescription_en = \(q(r.pen))\n\n"
        }
        return s
    }
}
