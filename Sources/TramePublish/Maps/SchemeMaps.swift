import Foundation
import TrameGDAL
import TrameMaps
import TrameRaster
import TrameScheme
import TrameVector

/// The scheme's maps: `map.png` (overview in the manner of a planning brochure), `atlas.pdf`
/// (overview, one page per sub-network, figures) and one small PNG per sub-network for the report.
public struct SchemeMaps {
    public struct Input {
        var project: Project
        var lang: String
        var landCover: Grid<Int32>
        var builtUp: ClassSet
        var typology: [UInt8]
        var reservoirBits: [UInt16]
        var corridorBits: [UInt16]
        var pinchBits: [UInt16]
        var bufferLabels: [Int32]
        var layers: Layers
        var infra: [InfrastructureLine]
        var paths: [[Point]]
        var itineraries: [[Point]]
        var hubs: [(Point, String)]
        var units: [(String, VectorLayer)]
        var result: SchemeResult
    }
    public let input: Input
    public var words: Words { Words(input.lang) }

    public func write(into dir: String) throws {
        let spec = input.landCover.spec
        // Overview PNG, 2400 px wide.
        let overview = page(subNetwork: nil, pixels: 1700)
        let png = try MapCanvas(pngWidth: 2400, height: Int(MapPage.fittingHeight(width: 2400, extent: spec.extent, minimum: 1100)))
        PlanningMap.draw(overview, on: png)
        try AtomicOutput.write(to: (dir as NSString).appendingPathComponent("map.png")) { try png.writePNG($0) }

        // Atlas: A3 landscape pages.
        try AtomicOutput.write(to: (dir as NSString).appendingPathComponent("atlas.pdf")) { tmp in
            let pdf = try MapCanvas(pdfPath: tmp, width: 1191, height: 842)
            PlanningMap.draw(page(subNetwork: nil, pixels: 2000), on: pdf)
            for s in input.project.subNetworks.indices {
                pdf.newPage()
                PlanningMap.draw(page(subNetwork: s, pixels: 2000), on: pdf)
            }
            pdf.newPage()
            PlanningMap.drawTables(words.atlasFigures, SchemeReport.tables(input.result, words: words), on: pdf, newPage: { pdf.newPage() })
            try pdf.finishPDF()
        }
        // Small maps per sub-network for the report.
        for (s, sub) in input.project.subNetworks.enumerated() {
            let c = try MapCanvas(pngWidth: 1400, height: Int(MapPage.fittingHeight(width: 1400, extent: spec.extent, minimum: 640)))
            PlanningMap.draw(page(subNetwork: s, pixels: 1000), on: c)
            try AtomicOutput.write(to: (dir as NSString).appendingPathComponent("map_\(sub.name).png")) { try c.writePNG($0) }
        }
    }

    /// An overlay built by painting every cell onto a pixel grid of about `pixels` across; a pixel takes
    /// the colour of its highest-priority cell, so that thin corridors stay visible at small scales.
    public func overlay(pixels: Int, _ paint: (Int) -> (UInt32, UInt8)?) -> RasterOverlay {
        let spec = input.landCover.spec
        let f = max(1, Int((Double(max(spec.cols, spec.rows)) / Double(pixels)).rounded(.up)))
        let w = (spec.cols + f - 1) / f, h = (spec.rows + f - 1) / f
        var px = [UInt32](repeating: 0, count: w * h)
        var pri = [UInt8](repeating: 0, count: w * h)
        for r in 0..<spec.rows {
            let pr = (r / f) * w
            for c in 0..<spec.cols {
                guard let (colour, p) = paint(r * spec.cols + c) else { continue }
                let k = pr + c / f
                if p > pri[k] { pri[k] = p; px[k] = colour }
            }
        }
        let e = spec.extent
        // The overlay covers whole pixels: extend the extent to f-cell multiples.
        let cell = abs(spec.transform.pixelWidth)
        return RasterOverlay(width: w, height: h, pixels: px,
                             extent: (e.minX, e.maxY - Double(h * f) * cell, e.minX + Double(w * f) * cell, e.maxY))
    }

    public func page(subNetwork s: Int?, pixels: Int) -> MapPage {
        let p = input.project, w = words
        let (subtitle, credits) = subtitleAndCredits(subNetwork: s)
        let title = s.map { "\(p.title) — \(w.subNetworkName(p.subNetworks[$0].name, label: p.subNetworks[$0].label))" } ?? "\(p.title) — \(w.scheme)"
        var page = MapPage(title: title, subtitle: subtitle, extent: input.landCover.spec.extent, layers: layers(subNetwork: s, pixels: pixels),
                           labels: labels(), legend: legend(subNetwork: s), credits: credits)
        page.legendTitle = w.legend
        page.obstacles = input.hubs.map(\.0)
        return page
    }

    /// The map's layers, drawn in order: land, buffer zones, corridors, lines, links, units, points.
    func layers(subNetwork s: Int?, pixels: Int) -> [MapLayer] {
        let p = input.project
        let spec = input.landCover.spec
        let lc = input.landCover
        var layers: [MapLayer] = []
        let built = Colour(rgb: Palette.builtUp.tuple).argb32
        let major = Colour(rgb: Palette.major.tuple, alpha: 0.9).argb32, mixed = Colour(rgb: Palette.mixed.tuple, alpha: 0.9).argb32
        let subColours = p.subNetworks.map { Colour(rgb: $0.colour.tuple, alpha: 0.75).argb32 }
        let f = max(1, Int((Double(max(spec.cols, spec.rows)) / Double(pixels)).rounded(.up)))
        // Built-up land, and nature spaces (overview) or the sub-network's reservoirs.
        layers.append(.raster(overlay(pixels: pixels) { i in
            let v = lc.values[i]
            if input.builtUp.contains(v) { return (built, 1) }
            if let s {
                if input.reservoirBits[i] & (1 << UInt16(s)) != 0 { return (Colour(rgb: p.subNetworks[s].colour.tuple).argb32, 3) }
                return nil
            }
            switch input.typology[i] {
            case Typology.major.rawValue: return (major, 3)
            case Typology.mixed.rawValue: return (mixed, 2)
            default: return nil
            }
        }))
        // Buffer zones, hatched (overview only).
        if s == nil {
            let hatch = Colour(rgb: Palette.buffer.tuple, alpha: 0.9).argb32
            let tint = Colour(rgb: Palette.buffer.tuple, alpha: 0.12).argb32
            layers.append(.raster(overlay(pixels: pixels) { i in
                guard input.bufferLabels[i] != 0 else { return nil }
                let c = (i % spec.cols) / f, r = (i / spec.cols) / f
                return (c + r) % 7 == 0 ? (hatch, 2) : (tint, 1)
            }))
        }
        // Corridors coloured by biotope (with their pinch points on the sub-network pages).
        let pinchColour = Colour(rgb: Palette.pinch.tuple).argb32
        layers.append(.raster(overlay(pixels: pixels) { i in
            let bits = input.corridorBits[i]
            if let s, input.pinchBits[i] & (1 << UInt16(s)) != 0 { return (pinchColour, 2) }
            guard bits != 0 else { return nil }
            if let s { return bits & (1 << UInt16(s)) != 0 ? (Colour(rgb: p.subNetworks[s].colour.tuple, alpha: 0.45).argb32, 1) : nil }
            let k = bits.trailingZeroBitCount
            return (subColours[k], UInt8(1 + k))
        }))
        // Transport lines.
        let roads = input.infra.filter { $0.kind == "road" }
        layers.append(.lines(roads.filter { $0.cls != "motorway" }.map(\.line), colour: Colour(rgb: Palette.road.tuple, alpha: 0.6), width: 0.6, dash: []))
        layers.append(.lines(roads.filter { $0.cls == "motorway" }.map(\.line), colour: Colour(rgb: Palette.road.tuple), width: 1.6, dash: []))
        layers.append(.lines(input.infra.filter { $0.kind == "railway" }.map(\.line), colour: Colour(rgb: Palette.railway.tuple), width: 0.9, dash: [4, 2]))
        // Walking and cycling paths: the soft-mobility vocation of the network.
        if s == nil { layers.append(.lines(input.paths, colour: Colour(rgb: Palette.path.tuple, alpha: 0.9), width: 0.8, dash: [1.5, 1.5])) }
        if s == nil { layers.append(.lines(input.itineraries, colour: Colour(rgb: Palette.itinerary.tuple), width: 2.2, dash: [6, 3])) }
        // Links: functional links of the sub-network(s).
        for (k, sub) in p.subNetworks.enumerated() where s == nil || s == k {
            let lines = input.layers.links.features.filter { $0["subnetwork"].stringValue == sub.name && $0["functional"] == .integer(1) }
                .compactMap { f -> [Point]? in if case .lineString(let l) = f.geometry { return l }; return nil }
            layers.append(.lines(lines, colour: Colour(rgb: sub.colour.tuple), width: s == nil ? 1.0 : 1.4, dash: []))
        }
        // Unit boundaries.
        func polys(_ l: VectorLayer) -> [Polygon] {
            l.features.flatMap { f -> [Polygon] in
                switch f.geometry { case .polygon(let p): [p]; case .multiPolygon(let ps): ps; default: [] }
            }
        }
        if let communes = input.units.first(where: { $0.0 == "commune" }) {
            layers.append(.polygons(polys(communes.1), fill: nil, stroke: Colour(rgb: Palette.commune.tuple, alpha: 0.7), width: 0.4, hatch: nil, dash: [2, 2]))
        }
        if let groupings = input.units.first(where: { $0.0 == "grouping" }) {
            layers.append(.polygons(polys(groupings.1), fill: nil, stroke: Colour(rgb: Palette.grouping.tuple), width: 1.3, hatch: nil, dash: []))
        }
        // Conflict points (sub-network pages) and leisure hubs.
        if let s {
            let pts = input.result.conflicts.filter { $0.subNetwork == p.subNetworks[s].name }.map(\.point.point)
            layers.append(.markers(pts, shape: .triangle, size: 7, fill: Colour(rgb: Palette.conflict.tuple)))
        }
        layers.append(.markers(input.hubs.map(\.0), shape: .circle, size: 8, fill: Colour(rgb: Palette.hub.tuple)))
        return layers
    }

    /// Labels: groupings first, then leisure hubs.
    func labels() -> [MapLabel] {
        let p = input.project
        var labels: [MapLabel] = []
        if let groupings = input.units.first(where: { $0.0 == "grouping" }) {
            for f in groupings.1.features {
                guard let name = f[p.unitNameField].stringValue, let c = centroid(f.geometry) else { continue }
                labels.append(MapLabel(name.uppercased(), at: c, priority: 100 + (f.geometry?.area ?? 0) / 1e9, size: 1.05, bold: true, centred: true))
            }
        }
        for (pt, name) in input.hubs { labels.append(MapLabel(name, at: pt, priority: 10, size: 0.8)) }
        return labels
    }

    /// The legend of the overview or of one sub-network's page.
    func legend(subNetwork s: Int?) -> [LegendSection] {
        let p = input.project, w = words
        var legend: [LegendSection] = []
        if let s {
            let sub = p.subNetworks[s]
            legend.append(LegendSection(w.subNetworkName(sub.name, label: sub.label), [
                LegendEntry(.fill(Colour(rgb: sub.colour.tuple), outline: nil), w.reservoirs),
                LegendEntry(.fill(Colour(rgb: sub.colour.tuple, alpha: 0.45), outline: nil), w.corridors),
                LegendEntry(.line(Colour(rgb: sub.colour.tuple), width: 1.4, dash: []), w.links),
                LegendEntry(.marker(.triangle, Colour(rgb: Palette.conflict.tuple)), w.conflictPoints),
            ] + (input.result.pinchPoints.contains { $0.subNetwork == sub.name } ? [LegendEntry(.fill(Colour(rgb: Palette.pinch.tuple), outline: nil), w.pinchPoints)] : [])))
        } else {
            legend.append(LegendSection(w.natureSpaces, [
                LegendEntry(.fill(Colour(rgb: Palette.major.tuple), outline: nil), w.major),
                LegendEntry(.fill(Colour(rgb: Palette.mixed.tuple), outline: nil), w.mixed),
            ]))
            legend.append(LegendSection(w.corridorsByBiotope, p.subNetworks.map {
                LegendEntry(.line(Colour(rgb: $0.colour.tuple), width: 2.5, dash: []), w.subNetworkName($0.name, label: $0.label))
            }))
            legend.append(LegendSection(w.bufferZones, [LegendEntry(.hatch(Colour(rgb: Palette.buffer.tuple)), "\(w.urbanBreak), \(w.networkFrame.lowercased())")]))
        }
        legend.append(LegendSection(w.territory, [
            LegendEntry(.marker(.circle, Colour(rgb: Palette.hub.tuple)), w.leisureHubs),
            LegendEntry(.fill(Colour(rgb: Palette.builtUp.tuple), outline: nil), w.builtUp),
            LegendEntry(.line(Colour(rgb: Palette.road.tuple), width: 1.6, dash: []), w.roads),
            LegendEntry(.line(Colour(rgb: Palette.railway.tuple), width: 0.9, dash: [4, 2]), w.railways),
            LegendEntry(.line(Colour(rgb: Palette.path.tuple), width: 0.8, dash: [1.5, 1.5]), w.paths),
        ] + (input.itineraries.isEmpty || s != nil ? [] : [LegendEntry(.line(Colour(rgb: Palette.itinerary.tuple), width: 2.2, dash: [6, 3]), w.itineraries)]) + [
            LegendEntry(.line(Colour(rgb: Palette.grouping.tuple), width: 1.3, dash: []), w.groupings),
            LegendEntry(.line(Colour(rgb: Palette.commune.tuple), width: 0.5, dash: [2, 2]), w.communes),
        ]))
        return legend
    }

    /// The subtitle (key figures) and the credits line.
    func subtitleAndCredits(subNetwork s: Int?) -> (String, String) {
        let p = input.project, w = words
        let t = input.result.territory
        let subtitle: String
        if let s {
            let sub = input.result.subNetworks[s]
            subtitle = "\(w.reservoirs): \(sub.reservoirs), \(w.ha(sub.reservoirHa)) · \(w.corridors): \(w.ha(sub.corridorHa)), \(w.km(sub.corridorKm)) · EC \(w.ha(sub.ec)) · \(w.conflictPoints): \(sub.conflicts)"
        } else {
            var st = "\(w.natureSpaces): \(w.pct(t.natureShare)) \(w.fr ? "du territoire" : "of the territory") (\(w.ha(t.natureHa)))"
            if let ref = p.referenceShare { st += " — \(p.referenceLabel): \(w.pct(ref))" }
            subtitle = st + " · \(w.bufferZones): \(w.ha(t.bufferHa))"
        }
        let partners = Array(Set(input.result.partners.map(\.partner))).sorted()
        var credits = "\(w.dataCredits): "
        if !partners.isEmpty { credits += partners.joined(separator: ", ") + ". " }
        let lcName = (p.landCover as NSString).lastPathComponent
        let lcWord = w.fr ? "Occupation du sol" : "Land cover", cellsWord = w.fr ? "mailles de" : "cells of", madeWith = w.fr ? "Réalisé avec" : "Made with"
        credits += "\(lcWord): \(lcName), \(input.result.crs), \(cellsWord) \(Int(input.result.cellSize)) m. "
        credits += "\(madeWith) Trame \(TrameVersion.current)."
        return (subtitle, credits)
    }

    /// Area-weighted centroid of a polygon's largest part.
    public func centroid(_ g: Geometry?) -> Point? {
        let parts: [Polygon]
        switch g { case .polygon(let p): parts = [p]; case .multiPolygon(let ps): parts = ps; default: return nil }
        guard let big = parts.max(by: { $0.area < $1.area }), big.exterior.count >= 3 else { return nil }
        var a = 0.0, cx = 0.0, cy = 0.0
        let r = big.exterior
        for k in 0..<r.count {
            let p = r[k], q = r[(k + 1) % r.count]
            let cross = p.x * q.y - q.x * p.y
            a += cross; cx += (p.x + q.x) * cross; cy += (p.y + q.y) * cross
        }
        guard abs(a) > 0 else { return nil }
        let c = Point(cx / (3 * a), cy / (3 * a))
        return big.contains(c) ? c : r[0]
    }
}
