import Foundation
import TrameCost
import TrameGraph
import TrameRaster

/// One sub-network analysed: its grids (held until the scheme has drawn what it needs from them, then
/// freed before the next sub-network) and its graph.
public struct SubNetworkAnalysis {
    public var index: Int
    public var sub: SubNetwork
    public var resistance: Grid<Float>
    public var patches: PatchSet
    public var links: [PatchLink]
    /// Links within the dispersal distance (with their index in `links`): they get corridors.
    public var functional: [(offset: Int, element: PatchLink)]
    public var corridors: CorridorMap?
    public var decay: ExponentialDecay
    public var metrics: ConnectivityResult
    /// Set by the watercourse model: then corridors follow the stretches (`corridors.link` holds stretch
    /// ids), the conflict points are its obstacles and the crossings of its strip, and it has no pinch points.
    public var watercourse: WatercourseAnalysis? = nil

    public init(index: Int, sub: SubNetwork, resistance: Grid<Float>, patches: PatchSet, links: [PatchLink],
                functional: [(offset: Int, element: PatchLink)], corridors: CorridorMap?, decay: ExponentialDecay, metrics: ConnectivityResult) {
        self.index = index; self.sub = sub; self.resistance = resistance; self.patches = patches; self.links = links
        self.functional = functional; self.corridors = corridors; self.decay = decay; self.metrics = metrics
    }

    /// The functional links as corridor links (numbered as in `links`, from 1) for the conflict search.
    public var corridorLinks: [CorridorLink] {
        functional.map { CorridorLink(id: $0.offset + 1, from: $0.element.from, to: $0.element.to, line: $0.element.line, dPC: metrics.linkDPC[$0.offset]) }
    }
}

/// How a sub-network is analysed: resistance, reservoirs, links, corridors, metrics. Replaceable (other
/// models of a sub-network, scenarios); rasters worth keeping go to the sink as they are made.
public protocol SubNetworkModel {
    func analyse(_ index: Int, of input: SchemeInput, sink: RasterSink, progress: (String) -> Void) throws -> SubNetworkAnalysis
}

/// The least-cost model: friction → resistance; habitat patches (and inventory sites) → reservoirs;
/// planar least-cost links; corridors around the links within the dispersal distance; PC, EC and dPC.
public struct LeastCostSubNetwork: SubNetworkModel {
    public init() {}

    public func analyse(_ index: Int, of input: SchemeInput, sink: RasterSink, progress: (String) -> Void) throws -> SubNetworkAnalysis {
        let sub = input.project.subNetworks[index]
        progress("\(sub.name): resistance and reservoirs")
        let res = try input.friction.resistance(for: input.landCover, column: sub.frictionColumn)
        let patches = try reservoirs(sub, input: input)
        return try analyse(index, of: input, resistance: res, patches: patches, sink: sink, progress: progress)
    }

    /// The sub-network from its resistance and reservoirs on, however they were made (here, or joined from a
    /// plan's tiles by `trame merge`): links, cost distance, corridors and metrics, the resistance handed to the sink.
    public func analyse(_ index: Int, of input: SchemeInput, resistance res: Grid<Float>, patches: PatchSet, sink: RasterSink,
                        progress: (String) -> Void) throws -> SubNetworkAnalysis {
        let sub = input.project.subNetworks[index]
        sink.write(res, to: "rasters/\(sub.name)_resistance.tif", description: "resistance (\(sub.name)), cost units per metre")
        progress("\(sub.name): \(patches.patches.count) reservoirs; least-cost links")
        var links: [PatchLink] = []
        var surface: CostSurface? = nil
        if patches.patches.count > 1 {
            (links, surface) = try LinkBuilder.linksAndSurface(resistance: res, patches: patches, topology: .planar)
            // The links are traced: from here on only the cost to the nearest reservoir is read (corridors,
            // the cost-distance raster). The allocation and back-links go (5 bytes a cell).
            surface?.allocation = nil
            surface?.backLink = nil
        } else {
            surface = try CostDistance.compute(resistance: res, sources: LinkBuilder.sources(patches).filter { res.values[$0.cell] > 0 }, backLinks: false, memory: .lean)
        }
        // The cost to the nearest reservoir as the raster is written (Float): the corridors' guide too, so the
        // 8-byte surface goes before they start.
        var nearest: [Float]? = nil
        if let s = surface {
            let costGrid = s.cost.map(noData: Float(-1)) { $0 < 0 ? Float(-1) : Float($0) }
            surface = nil
            sink.write(costGrid, to: "rasters/\(sub.name)_cost_distance.tif", description: "cost distance to the nearest reservoir (\(sub.name)), cost units")
            nearest = costGrid.values
        }
        let functional = links.enumerated().filter { $0.element.cost <= sub.dispersalCost }
        progress("\(sub.name): \(links.count) links, \(functional.count) within \(readable(sub.dispersalCost)) cost; corridors")
        var corridors: CorridorMap? = nil
        if !functional.isEmpty {
            let width: CorridorWidth = switch sub.corridorWidth { case .cost(let w): .cost(w); case .metres(let m): .metres(m) }
            corridors = try CorridorBuilder.corridors(resistance: res, patches: patches, links: functional.map(\.element), width: width,
                                                      nearestCost: nearest)
        }
        nearest = nil
        progress("\(sub.name): connectivity metrics")
        let graph = try LandscapeGraph(nodes: patches.patches.map { (String($0.id), $0.areaHa) },
                                       edges: links.map { (String($0.from), String($0.to), $0.cost) })
        let decay = try ExponentialDecay(distance: sub.dispersalCost, probability: sub.dispersalProbability)
        let metrics = try ConnectivityMetrics.compute(graph, decay: decay, landscapeArea: input.areaHa)
        return SubNetworkAnalysis(index: index, sub: sub, resistance: res, patches: patches, links: links, functional: functional,
                                  corridors: corridors, decay: decay, metrics: metrics)
    }

    /// The reservoirs: habitat patches of at least the minimum area, and the sites of the sub-network's inventories.
    func reservoirs(_ sub: SubNetwork, input: SchemeInput) throws -> PatchSet {
        let p = input.project
        var invMask: UInt32 = 0
        for name in sub.inventories { invMask |= UInt32(1) << UInt32(p.inventories.firstIndex { $0.name == name }!) }
        var invGrid: Grid<UInt8>? = nil
        if invMask != 0 {
            invGrid = Grid(spec: input.spec, values: input.inventoryBits.cells(matching: invMask), noData: nil)
        }
        let patches: PatchSet
        do {
            patches = try PatchFinder.find(landCover: input.landCover, habitat: Set(sub.habitat.map(Int32.init)), minAreaHa: sub.minReservoirHa, inventory: invGrid)
        } catch CostError.noHabitat {
            throw ProjectError(p.file, line: sub.line, "sub-network '\(sub.name)' has no habitat: none of the classes \(sub.habitat.map(String.init).joined(separator: ", ")) occurs in \((p.landCover as NSString).lastPathComponent) and no inventory site is given to it")
        }
        guard !patches.patches.isEmpty else {
            throw ProjectError(p.file, line: sub.line, "sub-network '\(sub.name)': no habitat patch reaches \(readable(sub.minReservoirHa)) ha (min_reservoir_area)")
        }
        return patches
    }
}
