import Foundation
import TrameMaps
import TrameScheme
import TrameVector

/// The differentiated management on a map (`map_management.png`): each nature space and corridor coloured by
/// its regime, in the run's language.
public enum ManagementMap {
    /// Regime colours, in the project's order: Tableau's ten distinct colours (green first), then two more.
    static let palette: [(Int, Int, Int)] = [(89, 161, 79), (242, 142, 43), (176, 122, 161), (78, 121, 167), (118, 183, 178), (237, 201, 72),
                                              (225, 87, 89), (156, 117, 95), (255, 157, 167), (186, 176, 172), (31, 120, 180), (106, 61, 154)]

    /// The map's page for an extent, and its legend.
    public static func page(_ layers: Layers, regimes: [ManagementRegime], title: String, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double),
                            lang: String) -> MapPage {
        let w = Words(lang)
        func polys(_ f: Feature) -> [Polygon] {
            switch f.geometry { case .polygon(let p): [p]; case .multiPolygon(let ps): ps; default: [] }
        }
        var mapLayers: [MapLayer] = []
        var entries: [LegendEntry] = []
        for (k, r) in regimes.enumerated() {
            let c = Colour(rgb: palette[k % palette.count], alpha: 0.9)
            let spaces = layers.natureSpaces.features.filter { $0["management"].stringValue == r.code }.flatMap(polys)
            let corridors = layers.corridors.features.filter { $0["management"].stringValue == r.code }.flatMap(polys)
            guard !spaces.isEmpty || !corridors.isEmpty else { continue }
            if !spaces.isEmpty { mapLayers.append(.polygons(spaces, fill: c, stroke: nil, width: 0, hatch: nil, dash: [])) }
            if !corridors.isEmpty { mapLayers.append(.polygons(corridors, fill: c.with(alpha: 0.35), stroke: c, width: 0.5, hatch: c, dash: [])) }
            entries.append(LegendEntry(.fill(c, outline: nil), r.label(in: lang)))
        }
        let unmanaged = layers.natureSpaces.features.filter { $0["management"].stringValue == nil }.flatMap(polys)
        if !unmanaged.isEmpty {
            mapLayers.insert(.polygons(unmanaged, fill: Colour(0.85, 0.85, 0.85), stroke: nil, width: 0, hatch: nil, dash: []), at: 0)
            entries.append(LegendEntry(.fill(Colour(0.85, 0.85, 0.85), outline: nil), w[.noRegime]))
        }
        var page = MapPage(title: "\(w[.managementTitle]) — \(title)", subtitle: w[.managementMapSubtitle], extent: extent, layers: mapLayers, labels: [],
                           legend: [LegendSection(w[.managementRegime], entries)], credits: "Trame · \(w.madeOn(Date()))")
        page.legendTitle = w.legend
        return page
    }

    public static func write(_ layers: Layers, regimes: [ManagementRegime], title: String, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double),
                             lang: String, to path: String) throws {
        let width = 1600
        let canvas = try MapCanvas(pngWidth: width, height: Int(MapPage.fittingHeight(width: Double(width), extent: extent, minimum: 700)))
        PlanningMap.draw(page(layers, regimes: regimes, title: title, extent: extent, lang: lang), on: canvas)
        try canvas.writePNG(path)
    }
}
