import Foundation
import TrameCost
import TrameGDAL
import TrameGraph
import TrameRaster
import TrameSample
import TrameVector

/// The analysis `trame demo` runs on the sample territory, per sub-network: resistance, reservoirs,
/// planar least-cost links, corridors and connectivity metrics, written where QGIS opens them.
struct DemoAnalysis {
    let out: String
    let landCoverPath: String
    let territory: SampleTerritory
    let progress: Progress

    struct Summary { var name: String; var patches: Int; var areaHa: Double; var links: Int; var functional: Int; var corridorHa: Double; var pc: Double; var ec: Double; var nc: Int; var best: String }

    func run() throws -> [Summary] {
        let frictionPath = (out as NSString).appendingPathComponent("friction.csv")
        try AtomicOutput.write(to: frictionPath) { try SubNetworkPreset.frictionCSV.write(toFile: $0, atomically: false, encoding: .utf8) }
        let table = try Inputs.frictionTable(frictionPath)
        let lc = territory.landCover.map(noData: Int32(0)) { Int32($0) }
        let netDir = (out as NSString).appendingPathComponent("network")
        try FileManager.default.createDirectory(atPath: netDir, withIntermediateDirectories: true)
        var layers: [VectorLayer] = []
        var summaries: [Summary] = []
        let areaHa = Double(lc.count) * lc.spec.cellArea / 10_000
        for preset in SubNetworkPreset.all {
            progress.step("\(preset.name): resistance and reservoirs")
            let res = try table.resistance(for: lc, column: preset.name)
            try RasterIO.write(res, to: (netDir as NSString).appendingPathComponent("\(preset.name)_resistance.tif"), bandDescription: "resistance (\(preset.name))")
            var inv = territory.inventories
            inv.features = inv.features.filter { preset.inventoryKinds.contains($0["inventory"].stringValue ?? "") }
            let invGrid = inv.features.isEmpty ? nil : try Rasterizer.rasterize(inv, onto: lc.spec, as: UInt8.self, burn: .value(1), fill: 0)
            let patches: PatchSet
            do {
                patches = try PatchFinder.find(landCover: lc, habitat: Set(preset.habitat.map { Int32($0.rawValue) }), minAreaHa: preset.minAreaHa, inventory: invGrid)
            } catch is CostError {
                progress.step("\(preset.name): no habitat in this territory, skipped")
                continue
            }
            try RasterIO.write(patches.labels, to: (netDir as NSString).appendingPathComponent("\(preset.name)_patches.tif"), bandDescription: "patch id")
            progress.step("\(preset.name): \(patches.patches.count) reservoirs; links")
            let links = patches.patches.count > 1 ? try LinkBuilder.links(resistance: res, patches: patches, topology: .planar) : []
            progress.step("\(preset.name): \(links.count) links; corridors and metrics")
            // Corridors for the functional links: those within the dispersal cost (p ≥ 5 %).
            let functional = links.filter { $0.cost <= preset.dispersalCost }
            let corridors = try CorridorBuilder.corridors(resistance: res, patches: patches, links: functional, width: .cost(preset.dispersalCost / 10))
            try RasterIO.write(corridors.value, to: (netDir as NSString).appendingPathComponent("\(preset.name)_corridors.tif"), bandDescription: "normalised corridor cost")
            let graph = try LandscapeGraph(nodes: patches.patches.map { (String($0.id), $0.areaHa) },
                                           edges: links.map { (String($0.from), String($0.to), $0.cost) })
            let m = try ConnectivityMetrics.compute(graph, decay: ExponentialDecay(distance: preset.dispersalCost, probability: 0.05), landscapeArea: areaHa)
            var pl = try PatchLayers.polygons(patches)
            pl.name = "\(preset.name)_reservoirs"
            pl.fields += [FieldDefinition("dPC", .real), FieldDefinition("dPC_connector", .real), FieldDefinition("BC", .real)]
            for k in pl.features.indices {
                pl.features[k].attributes["dPC"] = .real(m.nodes[k].dPC)
                pl.features[k].attributes["dPC_connector"] = .real(m.nodes[k].dPC_connector)
                pl.features[k].attributes["BC"] = .real(m.nodes[k].BC)
            }
            var ll = PatchLayers.links(links, crsWKT: lc.spec.crsWKT)
            ll.name = "\(preset.name)_links"
            ll.fields.append(FieldDefinition("dPC", .real))
            for k in ll.features.indices { ll.features[k].attributes["dPC"] = .real(m.linkDPC[k]) }
            layers += [pl, ll]
            let bestK = m.nodes.indices.max { m.nodes[$0].dPC < m.nodes[$1].dPC }
            let corridorCells = corridors.link.values.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            summaries.append(Summary(name: preset.name, patches: patches.patches.count, areaHa: patches.patches.reduce(0) { $0 + $1.areaHa },
                                     links: links.count, functional: functional.count, corridorHa: Double(corridorCells) * lc.spec.cellArea / 10_000,
                                     pc: m.global.PC, ec: m.global.EC, nc: m.global.NC,
                                     best: bestK.map { String(format: "reservoir %@ (%.0f ha, dPC %.1f %%)", graph.ids[$0], graph.capacities[$0], m.nodes[$0].dPC) } ?? "-"))
        }
        progress.step("writing network.gpkg")
        try VectorIO.write(layers, to: (out as NSString).appendingPathComponent("network.gpkg"), styles: QGISStyles.network(summaries.map(\.name)))
        return summaries
    }
}
