import TrameScheme

/// The report's "Method" section: how each part of the scheme was made and what its figures mean, in the
/// reader's language, with the friction table the run used. Plain text paragraphs (escaped by the caller).
public enum MethodText {
    /// Paragraphs (title, text) in `w`'s language.
    public static func paragraphs(_ r: SchemeResult, words w: Words) -> [(String, String)] {
        var out: [(String, String)] = []
        if w.fr {
            out += [
                ("Réservoirs de biodiversité", "Pour chaque sous-trame, les taches d'habitat (les classes d'occupation du sol de son habitat, d'un seul tenant par 8 voisins) d'au moins la surface minimale, et les sites des inventaires qui lui sont attribués."),
                ("Résistance", "Chaque classe d'occupation du sol reçoit, pour chaque sous-trame, une résistance : le coût de traversée d'un mètre (tableau ci-dessous ; « infranchissable » bloque le déplacement). Le coût d'un chemin est la somme des résistances × longueurs parcourues, en unités de coût."),
                ("Liaisons et corridors", "Les liaisons relient les réservoirs voisins par le chemin de moindre coût (graphe planaire, comme Graphab). Une liaison est fonctionnelle quand son coût ne dépasse pas la distance de dispersion de la sous-trame ; elle reçoit alors un corridor : les cellules par lesquelles un chemin d'un réservoir à l'autre coûte au plus la largeur de corridor de plus que le meilleur (corridors normalisés de Linkage Mapper), ou une bande de la largeur donnée en mètres autour du chemin."),
                ("Connectivité : PC, EC, dPC", "La probabilité de dispersion décroît avec le coût : p = exp(−α × coût), α fixé par la probabilité donnée à la distance de dispersion ; p* entre deux réservoirs est le meilleur produit des probabilités le long des liaisons. PC = Σᵢ Σⱼ aᵢ aⱼ p*ᵢⱼ / A² (a : surface des réservoirs, A : surface du territoire), entre 0 et 1. EC = √(Σᵢ Σⱼ aᵢ aⱼ p*ᵢⱼ), en hectares : la surface d'un réservoir unique qui offrirait la même connectivité. PC et EC sont ceux de Saura et Pascual-Hortal (2007). dPC est la perte de PC, en %, quand on retire un réservoir (somme de ses parts intra, flux et connecteur, selon Saura et Rubio 2010) ou une liaison. Pour une commune ou une intercommunalité, on compte la part de chaque réservoir qui s'y trouve, reliée par tout le réseau du territoire, et A est la surface de l'unité."),
                ("Espaces de nature", "Intérêt écologique majeur : les réservoirs de biodiversité et les sites des inventaires qui confèrent cet intérêt (ZNIEFF de type 1, Natura 2000…). Vocation mixte : les autres espaces naturels d'au moins la surface minimale. Les pôles de loisirs de plein air sont rattachés à l'espace qui les contient."),
                ("Zones tampons", "Terres agricoles et naturelles ouvertes : coupures d'urbanisation entre deux villes plus proches que la largeur maximale (distance en ligne droite), avec les villes qu'elles séparent et l'ouverture qu'elles gardent (nord–sud ou est–ouest) ; abords des réservoirs et corridors à moins de la distance donnée. Une lisière diffuse s'estompe sur la largeur donnée."),
                ("Points de conflit", "Un point par traversée : une route ou une voie ferrée qui traverse un corridor (au milieu de la traversée, avec sa longueur ; en deçà de la longueur minimale elle ne fait que l'effleurer), qui le longe (dedans sur plus de deux fois la largeur moyenne du corridor), le bâti qui le coupe (au moins 0,5 ha), et les obstacles sur les cours d'eau. Ils sont classés par leur importance : le dPC de la liaison dont ils coupent le corridor ; pour une route qui traverse la ripisylve d'un cours d'eau, le dPC du tronçon ; pour un obstacle à l'écoulement, le gain de PC, en %, si on le rendait franchissable."),
                ("Points de pincement", "Théorie des circuits (comme Circuitscape et Pinchpoint Mapper) : chaque cellule du corridor est une résistance électrique ; on fait passer un courant de 1 ampère (A) d'un réservoir à l'autre. Le courant d'une cellule est la part des déplacements qui y passe (1 A : tous). Les points de pincement sont les groupes d'au moins 3 cellules du dixième le plus parcouru, où passe au moins un millionième du courant."),
            ]
            if r.hydrography != nil {
                out.append(("Cours d'eau", "La sous-trame des cours d'eau suit les tracés des cours d'eau : ils sont coupés aux obstacles (seuils, barrages, écluses, buses) et aux occupations du sol désignées comme barrières. Les tronçons sont les réservoirs, leur ripisylve (la bande de part et d'autre) les corridors ; un obstacle franchissable relie deux tronçons avec la probabilité de sa franchissabilité, un obstacle infranchissable les sépare. Pour chaque obstacle, la rivière reconnectée par son effacement est la longueur du plus court des deux ensembles de tronçons qu'il sépare."))
            }
        } else {
            out += [
                ("Reservoirs", "For each sub-network, the habitat patches (the land-cover classes of its habitat, connected through 8 neighbours) of at least the minimum area, and the sites of the inventories given to it."),
                ("Resistance", "Each land-cover class gets, for each sub-network, a resistance: the cost of crossing one metre (table below; \"impassable\" blocks movement). A path's cost is the sum of resistance × length travelled, in cost units."),
                ("Links and corridors", "Links join neighbouring reservoirs along the least-cost path (planar graph, as Graphab). A link is functional when its cost does not exceed the sub-network's dispersal distance; it then gets a corridor: the cells through which a path from one reservoir to the other costs at most the corridor width more than the best one (Linkage Mapper's normalised corridors), or a band of the width given in metres around the path."),
                ("Connectivity: PC, EC, dPC", "The dispersal probability falls with cost: p = exp(−α × cost), α set by the probability given at the dispersal distance; p* between two reservoirs is the best product of probabilities along links. PC = Σᵢ Σⱼ aᵢ aⱼ p*ᵢⱼ / A² (a: reservoir areas, A: the territory's area), from 0 to 1. EC = √(Σᵢ Σⱼ aᵢ aⱼ p*ᵢⱼ), in hectares: the area of a single reservoir that would give the same connectivity. PC and EC are those of Saura and Pascual-Hortal (2007). dPC is the loss of PC, in %, when a reservoir (the sum of its intra, flux and connector parts, after Saura and Rubio 2010) or a link is removed. For a commune or grouping, the part of each reservoir inside it counts, connected through the whole territory's network, and A is the unit's area."),
                ("Nature spaces", "Major ecological interest: the reservoirs and the sites of the inventories that confer that interest (ZNIEFF type 1, Natura 2000…). Mixed vocation: the other natural land of at least the minimum area. Outdoor leisure hubs belong to the space that holds them."),
                ("Buffer zones", "Open farmland and natural land: urban breaks between two towns closer than the maximum width (straight-line distance), with the towns they separate and the opening they keep (north–south or east–west); frames of the reservoirs and corridors within the given distance. A diffuse edge fades over the given width."),
                ("Conflict points", "One point per crossing: a road or railway crossing a corridor (at the middle of the crossing, with its length; under the minimum length it only grazes it), running along it (inside over more than twice the corridor's mean width), built-up land cutting it (at least 0.5 ha), and obstacles on watercourses. They are ranked by importance: the dPC of the link whose corridor they cut; for a road crossing a watercourse's riparian strip, the stretch's dPC; for an obstacle on a watercourse, the gain in PC, in %, if it were made passable."),
                ("Pinch points", "Circuit theory (as Circuitscape and Pinchpoint Mapper): each corridor cell is an electrical resistance; a current of 1 ampere (A) flows from one reservoir to the other. A cell's current is the share of movement passing through it (1 A: all of it). Pinch points are the groups of at least 3 cells in the most-used tenth, carrying at least a millionth of the current."),
            ]
            if r.hydrography != nil {
                out.append(("Watercourses", "The river sub-network follows the watercourses' lines: they are cut at obstacles (weirs, dams, locks, culverts) and at the land covers named as barriers. Stretches are the reservoirs, their riparian strip (the band on either side) the corridors; a passable obstacle links two stretches with the probability of its passability, an impassable one separates them. For each obstacle, the river reconnected by its removal is the length of the shorter of the two sets of stretches it separates."))
            }
        }
        if !r.itineraries.isEmpty {
            out.append((w[.itinerariesMethod], w.fr
                ? "Les itinéraires relient les pôles de loisirs par le réseau de chemins : l'ensemble de liaisons le plus court qui les joint tous (arbre couvrant minimal sur les distances par les chemins), chaque liaison suivant le chemin qui préfère la trame verte et bleue. Leur part dans la trame verte et bleue est la part de leur longueur dans les espaces de nature, les corridors et les zones tampons."
                : "Itineraries join the leisure hubs through the path network: the shortest set of links joining them all (a minimum spanning tree over the distances along the paths), each link following the path that prefers the green network. Their share in the green network is the part of their length inside nature spaces, corridors and buffer zones."))
        }
        if !r.namedItineraries.isEmpty {
            out.append((w[.namedItineraries], String(format: w[.namedItinerariesMethod], "\(w.number(r.serveDistance, decimals: 0)) m")))
        }
        out.append((w[.references], references.joined(separator: " ")))
        return out
    }

    /// The published methods the scheme follows (the report and the atlas cite them).
    public static let references = [
        "Foltête J.-C., Clauzel C., Vuidel G. (2012). A software tool dedicated to the modelling of landscape networks. Environmental Modelling & Software 38: 316–327.",
        "McRae B. H., Dickson B. G., Keitt T. H., Shah V. B. (2008). Using circuit theory to model connectivity in ecology, evolution, and conservation. Ecology 89: 2712–2724.",
        "McRae B. H., Kavanagh D. M. (2011). Linkage Mapper Connectivity Analysis Software. The Nature Conservancy, Seattle.",
        "Saura S., Pascual-Hortal L. (2007). A new habitat availability index to integrate connectivity in landscape conservation planning: comparison with existing indices and application to a case study. Landscape and Urban Planning 83: 91–103.",
        "Saura S., Rubio L. (2010). A common currency for the different ways in which patches and links can contribute to habitat availability and connectivity in the landscape. Ecography 33: 523–537.",
    ]

    /// The friction table as the run used it: header (code, class, one column per sub-network) and rows.
    public static func frictionTable(_ r: SchemeResult, words w: Words) -> (header: [String], rows: [[String]]) {
        let header = [w[.code], w[.classWord]] + r.frictionColumns.map { name in
            w.subNetworkName(name, label: r.subNetworks.first { $0.name == name }?.label ?? name)
        }
        let rows = r.frictionRows.map { row in
            [String(row.code), row.label] + row.values.map { v in v.map { w.number($0, decimals: $0 == $0.rounded() ? 0 : 1) } ?? (w[.impassable]) }
        }
        return (header, rows)
    }
}
