import Foundation
import TrameCost

/// What a scheme run found, for the report, the figures table and the console summary.
public struct SchemeResult: Sendable {
    /// The regimes of the differentiated management (the project's [[management]]), for the figures' columns.
    public var management: [ManagementRegime] = []
    public struct SubNetworkSummary: Sendable {
        public var name: String
        public var label: String
        public var colour: RGB
        public var reservoirs: Int
        public var reservoirHa: Double
        public var links: Int
        /// Links within the dispersal distance, which get corridors.
        public var functionalLinks: Int
        public var corridorHa: Double
        public var corridorKm: Double
        public var pc: Double
        public var ec: Double
        public var components: Int
        public var conflicts: Int
        public var dispersalCost: Double
        public var dispersalProbability: Double
        public var corridorWidth: CorridorWidth
        public var topReservoirs: [(id: Int32, areaHa: Double, dPC: Double, inventories: String)]
        public var topLinks: [(id: Int, from: Int32, to: Int32, cost: Double, lengthM: Double, dPC: Double)]
        public init(name: String, label: String, colour: RGB, reservoirs: Int, reservoirHa: Double, links: Int, functionalLinks: Int,
                    corridorHa: Double, corridorKm: Double, pc: Double, ec: Double, components: Int, conflicts: Int,
                    dispersalCost: Double, dispersalProbability: Double, corridorWidth: CorridorWidth) {
            self.name = name; self.label = label; self.colour = colour; self.reservoirs = reservoirs; self.reservoirHa = reservoirHa
            self.links = links; self.functionalLinks = functionalLinks; self.corridorHa = corridorHa; self.corridorKm = corridorKm
            self.pc = pc; self.ec = ec; self.components = components; self.conflicts = conflicts
            self.dispersalCost = dispersalCost; self.dispersalProbability = dispersalProbability; self.corridorWidth = corridorWidth
            topReservoirs = []; topLinks = []
        }
    }

    public struct Conflict: Sendable {
        public var subNetwork: String
        public var point: ConflictPoint
        public var rank: Int
        public init(subNetwork: String, point: ConflictPoint, rank: Int) { self.subNetwork = subNetwork; self.point = point; self.rank = rank }
    }

    /// The blue network's figures (a sub-network built on the watercourses).
    public struct HydrographySummary: Sendable {
        public var subNetwork: String
        public var watercourseKm: Double
        /// Km of the stretches (the watercourses minus their parts in barrier classes): the river corridors' length.
        public var corridorKm: Double
        public var barrierKm: Double
        public var continuityKm: Double
        public var goodContinuityM: Double
        public var stretches: Int
        public var reaches: Int
        public var obstacles: Int
        public var breaking: Int
        public var unplaced: Int
        /// Width of the riparian strip on each side of the axis (m): the corridors.
        public var riparianStripM: Double = 0
        /// The obstacles by the river their removal would reconnect (decreasing): name, type, m, passability.
        public var topObstacles: [(name: String, kind: String, reconnectedM: Double, passability: Double)]
        public var obstaclesPerKm: Double { watercourseKm > 0 ? Double(obstacles) / watercourseKm : 0 }
        public init(subNetwork: String, watercourseKm: Double, corridorKm: Double, barrierKm: Double, continuityKm: Double, goodContinuityM: Double,
                    stretches: Int, reaches: Int, obstacles: Int, breaking: Int, unplaced: Int,
                    topObstacles: [(name: String, kind: String, reconnectedM: Double, passability: Double)]) {
            self.subNetwork = subNetwork; self.watercourseKm = watercourseKm; self.corridorKm = corridorKm; self.barrierKm = barrierKm
            self.continuityKm = continuityKm; self.goodContinuityM = goodContinuityM; self.stretches = stretches; self.reaches = reaches
            self.obstacles = obstacles; self.breaking = breaking; self.unplaced = unplaced; self.topObstacles = topObstacles
        }

        public init(_ sub: String, _ w: WatercourseAnalysis) {
            let net = w.network
            let ranked = net.obstacles.sorted { $0.reconnected > $1.reconnected }.prefix(10)
            self.init(subNetwork: sub, watercourseKm: net.watercourseLength / 1000, corridorKm: net.stretchLength / 1000,
                      barrierKm: net.barrierLength / 1000, continuityKm: w.goodContinuityLength / 1000, goodContinuityM: w.settings.goodContinuity,
                      stretches: net.stretches.count, reaches: net.reachLengths.count, obstacles: net.obstacles.count,
                      breaking: net.obstacles.filter(\.breaks).count, unplaced: net.unplaced.count,
                      topObstacles: ranked.map { o in
                          let ob = w.obstacles[o.index]
                          return (ob.name, ob.kind, o.reconnected, ob.passability)
                      })
        }
    }

    public struct Partner: Sendable {
        public var partner: String
        public var inventory: String
        public var interest: Interest
        public var sites: Int
        public var file: String
        public init(partner: String, inventory: String, interest: Interest, sites: Int, file: String) {
            self.partner = partner; self.inventory = inventory; self.interest = interest; self.sites = sites; self.file = file
        }
    }

    public var title: String
    public var name: String
    public var crs: String
    public var cellSize: Double
    public var units: [UnitFigures]
    public var subNetworks: [SubNetworkSummary]
    public var majorSpaces: Int
    public var mixedSpaces: Int
    public var urbanBreaks: (count: Int, ha: Double)
    public var networkFrames: (count: Int, ha: Double)
    public var northSouthBreaks: Int
    public var conflicts: [Conflict]
    public var leisureHubs: [(name: String, typology: Typology?, stake: HubStake?)]
    /// Itineraries between the leisure hubs: their hubs, length (m) and green share; unreachable hubs.
    public var itineraries: [(from: String, to: String, lengthM: Double, greenShare: Double)] = []
    public var unreachableHubs: [String] = []
    /// The named itineraries ([[itinerary]]) with their figures, and the proposals (reverse gaps).
    public var namedItineraries: [NamedItineraryFigures] = []
    public var itineraryProposals: [ItineraryProposal] = []
    /// [itineraries] serve_distance (m), as the method tells it.
    public var serveDistance: Double = 0
    /// Pinch points: sub-network, link, reservoirs, area (ha), largest current (A), link dPC.
    public var pinchPoints: [(subNetwork: String, link: Int, from: Int32, to: Int32, areaHa: Double, maxCurrent: Double, dPC: Double)] = []
    public var itineraryMode = ""
    public var partners: [Partner]
    public var referenceShare: Double?
    public var referenceLabel: String
    public var parameters: [(String, String)]
    /// The same parameters for a reader, in the run's language: name, label, value with its units.
    public var readableParameters: [(name: String, label: String, value: String, key: String)] = []
    public var inputs: [(file: String, sha256: String)]
    /// The data sources table: every input with its role, its file relative to the project file's folder,
    /// its layer, the features read inside the territory (nil for rasters and tables), who made it, its
    /// date and licence as the project gives them, and its SHA-256.
    public var sources: [Source] = []
    public var seconds: Double
    /// The blue network's figures, when a sub-network is built on the watercourses.
    public var hydrography: HydrographySummary? = nil
    /// The friction table as the run used it: its sub-network columns, and per class its code, its label in the
    /// run's language and its resistances (nil: impassable).
    public var frictionColumns: [String] = []
    public var frictionRows: [(code: Int, label: String, values: [Double?])] = []
    /// The levels of units, largest first (their figures are the `units` of the same `level`).
    public var unitLevels: [UnitLevelSpec] = []

    public init(title: String, name: String, crs: String, cellSize: Double) {
        self.title = title; self.name = name; self.crs = crs; self.cellSize = cellSize
        units = []; subNetworks = []; majorSpaces = 0; mixedSpaces = 0; urbanBreaks = (0, 0); networkFrames = (0, 0)
        northSouthBreaks = 0; conflicts = []; leisureHubs = []; partners = []; referenceShare = nil; referenceLabel = ""
        parameters = []; inputs = []; seconds = 0
    }

    public var territory: UnitFigures { units[0] }

    /// One input of the run, as the report's data sources table lists it.
    public struct Source: Sendable {
        /// What it is for (a term of the vocabulary), and its name when several share a role (an inventory's).
        public var role: Term
        public var detail: String?
        public var file: String
        public var layer: String?
        public var features: Int?
        public var origin: DataOrigin
        public var sha256: String
        public init(role: Term, detail: String? = nil, file: String, layer: String? = nil, features: Int? = nil, origin: DataOrigin = DataOrigin(), sha256: String) {
            self.role = role; self.detail = detail; self.file = file; self.layer = layer; self.features = features; self.origin = origin; self.sha256 = sha256
        }
    }
}
