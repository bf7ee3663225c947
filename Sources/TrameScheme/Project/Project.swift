import Foundation
import TrameCost
import TrameVector

/// A vector layer named in the project file: a file, optionally a layer in it and an attribute filter.
public struct LayerSource: Sendable, Hashable {
    /// Absolute path (resolved against the project file's folder).
    public var file: String
    public var layer: String?
    /// OGR SQL attribute filter, e.g. `inventory = 'ZNIEFF type 1'`.
    public var filter: String?
    /// Line of the project file that names it, for error messages.
    public var line: Int?
    /// Who made it, when, under which licence (optional keys `producer`, `date`, `licence`).
    public var origin: DataOrigin

    public init(file: String, layer: String? = nil, filter: String? = nil, line: Int? = nil, origin: DataOrigin = DataOrigin()) {
        self.file = file; self.layer = layer; self.filter = filter; self.line = line; self.origin = origin
    }

    /// "territory.gpkg (layer roads)".
    public var label: String {
        let name = (file as NSString).lastPathComponent
        return layer.map { "\(name) (layer \($0))" } ?? name
    }
}

/// Where an input comes from, as the report's data sources table shows it: who produced it, its date as
/// the producer gives it ("2021", "2023-06") and its licence ("Licence Ouverte 2.0", "ODbL").
public struct DataOrigin: Sendable, Hashable {
    public var producer: String?
    public var date: String?
    public var licence: String?
    public init(producer: String? = nil, date: String? = nil, licence: String? = nil) {
        self.producer = producer; self.date = date; self.licence = licence
    }
}

/// What an inventory says of the sites it lists.
public enum Interest: String, Sendable, CaseIterable {
    /// Its sites are nature spaces of major ecological interest (ZNIEFF type 1, Natura 2000, …).
    case major
    /// Its sites are recorded on the nature spaces they overlap, without raising them.
    case information
}

/// An inventory of remarkable sites supplied by a partner.
public struct Inventory: Sendable, Equatable {
    public var name: String
    public var source: LayerSource
    public var partner: String
    public var interest: Interest
    public var line: Int?
}

/// One sub-network (sous-trame) of the scheme, traced for one dominant biotope.
public struct SubNetwork: Sendable, Equatable {
    public var name: String
    /// Its name as maps and reports show it (`label`; in French `label_fr` when given, in English `label_en`).
    public var label: String
    public var labelFr: String? = nil
    public var labelEn: String? = nil
    /// Land-cover classes that are habitat: their patches are the reservoirs.
    public var habitat: [Int]
    /// Classes that support movement (copses and hedges for the forest sub-network, …).
    public var supporting: [Int]
    /// Column of the friction table.
    public var frictionColumn: String
    public var minReservoirHa: Double
    /// Inventories (by name) whose sites are reservoirs of this sub-network whatever their size.
    public var inventories: [String]
    /// Cost (resistance × m) at which dispersal has the probability below.
    public var dispersalCost: Double
    public var dispersalProbability: Double
    public var corridorWidth: CorridorWidth
    /// Colour on maps and in QGIS styles.
    public var colour: RGB
    public var line: Int?
    /// How it is built: least-cost links between habitat patches, or along the watercourses of [hydrography].
    public var model: SubNetworkKind = .leastCost

    /// Its name in `lang` ("fr" or "en"): `label_fr` / `label_en` when the project gives them, else
    /// Trame's own name of a standard sub-network (forest, calcicolous, mining, river, wetland) whose
    /// label was left as the English default, else `label`.
    public func label(in lang: String) -> String {
        if lang == "fr", let l = labelFr { return l }
        if lang != "fr", let l = labelEn { return l }
        return Words(lang).subNetworkName(name, label: label)
    }
}

/// The model a sub-network is built with (`model = "…"` in [[subnetwork]]).
public enum SubNetworkKind: String, Sendable, CaseIterable {
    /// Habitat patches joined by least-cost links, corridors around the links.
    case leastCost = "least_cost"
    /// Watercourse stretches split by obstacles, corridors along them (the riparian strip).
    case watercourse
}

/// The hydrography a sub-network may be built on: watercourses as lines, obstacles as points.
public struct Hydrography: Sendable, Equatable {
    public var watercourses: LayerSource
    /// Field holding a watercourse's name (nil: none).
    public var nameField: String?
    public var obstacles: LayerSource?
    /// Field of the obstacles holding their passability (0 … 1, the ICE classes 0, 0.33, 0.66, 1).
    public var passabilityField: String
    /// Field of the obstacles holding their type (weir, lock, …) and their name.
    public var obstacleKindField: String
    public var obstacleNameField: String
    /// Width of the riparian strip on each side of the watercourse's axis, m.
    public var riparianStrip: Double
    /// Obstacles of at most this passability break continuity.
    public var breakingPassability: Double
    /// Reaches (river in continuity) at least this long are in good continuity, m.
    public var goodContinuity: Double
    /// Land-cover classes that break continuity where a watercourse crosses them.
    public var barrierClasses: [Int]
}

/// An RGB colour ("#2e7d32" in the project file).
public struct RGB: Sendable, Equatable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    public init?(hex: String) {
        var h = hex.trimmingCharacters(in: .whitespaces)
        if h.hasPrefix("#") { h.removeFirst() }
        guard h.count == 6, let v = UInt32(h, radix: 16) else { return nil }
        self.init(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
    }
    public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }
    public var tuple: (Int, Int, Int) { (Int(r), Int(g), Int(b)) }
}

/// One level of units (region, SCoT, inter-municipal body, commune…): a layer of polygons and the field
/// holding each unit's name. Figures are tallied per unit of every level; levels with `atlas` get one atlas
/// page per unit.
public struct UnitLevelSpec: Sendable, Equatable {
    /// The level's name as the outputs write it (the `level` column of figures.csv and scheme.gpkg): "EPCI".
    public var name: String
    /// Headings in French and in English ("Intercommunalités"); nil: the name.
    public var labelFR: String?
    public var labelEN: String?
    public var source: LayerSource
    /// Field of the layer holding each unit's name.
    public var nameField: String
    /// One atlas page per unit of this level.
    public var atlas: Bool
    /// Line of the project file that declares it, for error messages.
    public var line: Int?

    public init(name: String, labelFR: String? = nil, labelEN: String? = nil, source: LayerSource, nameField: String, atlas: Bool, line: Int? = nil) {
        self.name = name; self.labelFR = labelFR; self.labelEN = labelEN; self.source = source; self.nameField = nameField
        self.atlas = atlas; self.line = line
    }

    /// The heading in `lang` ("fr" or "en"): the label given for it, else the name.
    public func label(_ lang: String) -> String { (lang == "fr" ? labelFR : labelEN) ?? name }
}

/// Rules that draw buffer zones (zones tampons) on farmland and natural land.
public struct BufferZoneRules: Sendable, Equatable {
    /// Classes that can lie in a buffer zone (farmland and natural land).
    public var openLand: [Int]
    /// Built-up clusters smaller than this are hamlets, not towns.
    public var minTownHa: Double
    /// Open land between two towns closer than this is an urban break (coupure d'urbanisation).
    public var maxBreakWidth: Double
    /// Open land within this distance of a reservoir or corridor frames the network.
    public var aroundNetwork: Double
    /// Smaller buffer zones are dropped.
    public var minAreaHa: Double
    /// Width of the diffuse edge drawn around each zone.
    public var edge: Double
}

/// Walking and cycling itineraries between the leisure hubs.
public struct ItinerarySettings: Sendable, Equatable {
    public var network: LayerSource
    /// "walk" or "bike".
    public var mode: String
    /// W ≥ 0: an edge weighs its length × (1 + W × its part outside the green network).
    public var preferGreen: Double
    /// How far a hub may lie from the path network.
    public var maxSnap: Double
    /// Join lines where they cross without a shared vertex.
    public var joinCrossings: Bool
    /// Walk or ride on the roads of [infrastructure] too (their class read as the OSM highway tag).
    public var withRoads: Bool
    /// A named itinerary serves the nature spaces and leisure hubs within this distance of its course (m).
    public var serveDistance: Double = 300
}

/// A named itinerary of the project (`[[itinerary]]`): a greenway, a long-distance path or one of its
/// loops, a local loop; its course is taken from the path network of `[itineraries] network`.
public struct NamedItinerary: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case greenway, longDistance = "long-distance", loop, local
    }
    public enum Status: String, Sendable, CaseIterable { case existing, planned }
    /// Where its course comes from.
    public enum Course: Sendable, Equatable {
        /// The lines of the path network an attribute filter selects (OGR SQL).
        case selection(String)
        /// An OpenStreetMap route relation of the network (an .osm.pbf extract), by name, ref or OSM id.
        case relation(String)
        /// Waypoints (the network's CRS), routed on the network in order.
        case via([Point])
    }
    public var name: String
    public var kind: Kind
    /// "walk" or "bike".
    public var mode: String
    public var status: Status
    /// The long-distance path this itinerary is a loop or stage of.
    public var parent: String?
    public var course: Course
    /// Its line in the project file.
    public var line: Int?
    public init(name: String, kind: Kind, mode: String, status: Status, parent: String? = nil, course: Course, line: Int? = nil) {
        self.name = name; self.kind = kind; self.mode = mode; self.status = status; self.parent = parent; self.course = course; self.line = line
    }
}

/// A land cover given as polygons with a class field ([land_cover] vector = { file, layer, field }): OCS GE,
/// CORINE Land Cover as polygons. It is rasterised at [territory] resolution, each cell taking the class with
/// the largest share of it; codes are the nomenclature's, or its `source_codes` (text codes such as OCS GE's).
public struct VectorLandCover: Sendable, Equatable {
    public var source: LayerSource
    /// The field holding each polygon's class code (integer or text).
    public var field: String
    public init(source: LayerSource, field: String) { self.source = source; self.field = field }
}

/// The project: everything `trame run` needs to build a territory's green and blue infrastructure.
public struct Project: Sendable, Equatable {
    /// The project file and its folder (relative paths are resolved against it).
    public var file: String
    public var name: String
    /// Expected CRS of the inputs ("EPSG:2154"); layers in another CRS are reprojected to the land cover's.
    public var crs: String?
    /// Expected cell size of the land cover, in metres.
    public var resolution: Double?
    public var boundary: LayerSource?
    /// Share of nature spaces to compare with (e.g. the region's).
    public var referenceShare: Double?
    public var referenceLabel: String
    /// `reference_label_fr` / `reference_label_en`: the reference's name in each language (else `reference_label`).
    public var referenceLabelFr: String? = nil
    public var referenceLabelEn: String? = nil
    public func referenceLabel(in lang: String) -> String { (lang == "fr" ? referenceLabelFr : referenceLabelEn) ?? referenceLabel }

    /// The land cover: its raster ([land_cover] raster), or the file of its polygons when `landCoverVector` is set.
    public var landCover: String
    /// The land cover as polygons ([land_cover] vector); nil: a raster.
    public var landCoverVector: VectorLandCover? = nil
    public var nomenclature: String
    public var friction: String
    /// Built-up classes (towns, industry): they cut corridors and separate the urban breaks.
    public var builtUp: [Int]
    /// Cells of this value are outside the territory (NoData), for a land cover that declares none or
    /// another ([land_cover] nodata); nil: the raster's own NoData.
    public var landCoverNoData: Int? = nil
    /// Who made the land cover, when, under which licence ([land_cover] producer, date, licence).
    public var landCoverOrigin = DataOrigin()

    /// Classes that make nature spaces; nil = the nomenclature's `natural` column.
    public var natureClasses: [Int]?
    /// Minimum area of a nature space of mixed vocation.
    public var mixedMinAreaHa: Double

    public var inventories: [Inventory]
    public var roads: LayerSource?
    public var roadClassField: String
    /// A road or railway inside a corridor over less than this (m) only grazes it: no conflict point.
    public var minCrossing: Double = 10
    public var railways: LayerSource?
    public var paths: LayerSource?
    public var communes: LayerSource?
    public var groupings: LayerSource?
    public var unitNameField: String
    /// Every level of units, largest first: the [[units.level]] entries, or the communes and groupings of the
    /// older form (groupings first, with their atlas pages).
    public var unitLevels: [UnitLevelSpec] = []
    public var leisureHubs: LayerSource?
    public var hubNameField: String
    /// Field of the leisure hubs holding their stake ("regional" / "régional", "community" /
    /// "intercommunal" / "communautaire"); nil: hubs carry no stake level.
    public var hubStakeField: String? = nil

    public var subNetworks: [SubNetwork]
    public var bufferZones: BufferZoneRules
    public var itineraries: ItinerarySettings?
    /// The named itineraries (`[[itinerary]]`), in the file's order.
    public var namedItineraries: [NamedItinerary] = []
    /// Pinch points: current flow through the corridors of this many links per sub-network (the most
    /// important by dPC); 0 = none.
    public var pinchPointLinks: Int

    public var title: String
    public var lang: String
    /// `trame serve`: an optional base map under the scheme (tile URL with {z}/{x}/{y}); none by default.
    public var baseMap: String? = nil
    public var baseMapAttribution: String? = nil
    /// Watercourses and obstacles for the sub-networks built on them; nil = none.
    public var hydrography: Hydrography? = nil
    /// The regimes of the differentiated management ([[management]]), in the file's order; none by default.
    public var management: [ManagementRegime] = []

    public var directory: String { (file as NSString).deletingLastPathComponent }
}
