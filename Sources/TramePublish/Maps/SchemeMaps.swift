import Foundation
import TrameGDAL
import TrameMaps
import TrameRaster
import TrameScheme
import TrameVector

/// The scheme's maps: `map.png` (overview in the manner of a planning brochure), `atlas.pdf`
/// (overview, one page per sub-network, one page per unit of the levels marked `atlas`, the figures, and an
/// annex with the method and the friction table) and one small PNG per sub-network for the report.
public struct SchemeMaps {
    public struct Input {
        var project: Project
        var lang: String
        var landCover: ClassGrid
        var builtUp: ClassSet
        var typology: [UInt8]
        var reservoirBits: CellBits
        var corridorBits: CellBits
        /// Per sub-network, the cells of its pinch points.
        var pinchCells: [Set<Int>]
        var bufferLabels: [Int32]
        var layers: Layers
        var infra: [InfrastructureLine]
        var paths: [[Point]]
        var itineraries: [[Point]]
        /// Leisure hubs: where, name, stake (regional hubs drawn as diamonds, the others as circles).
        var hubs: [(Point, String, HubStake?)]
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

        try AtomicOutput.write(to: (dir as NSString).appendingPathComponent("atlas.pdf")) { try writeAtlas(to: $0) }
        // Small maps per sub-network for the report.
        for (s, sub) in input.project.subNetworks.enumerated() {
            let c = try MapCanvas(pngWidth: 1400, height: Int(MapPage.fittingHeight(width: 1400, extent: spec.extent, minimum: 640)))
            PlanningMap.draw(page(subNetwork: s, pixels: 1000), on: c)
            try AtomicOutput.write(to: (dir as NSString).appendingPathComponent("map_\(sub.name).png")) { try c.writePNG($0) }
        }
    }

    /// An overlay built by painting every cell of the window onto a pixel grid of about `pixels` across; a
    /// pixel takes the colour of its highest-priority cell, so that thin corridors stay visible at small scales.
    public func overlay(pixels: Int, window: CellWindow? = nil, _ paint: (Int) -> (UInt32, UInt8)?) -> RasterOverlay {
        let spec = input.landCover.spec
        let win = window ?? CellWindow(col: 0, row: 0, cols: spec.cols, rows: spec.rows)
        let f = max(1, Int((Double(max(win.cols, win.rows)) / Double(pixels)).rounded(.up)))
        let w = (win.cols + f - 1) / f, h = (win.rows + f - 1) / f
        var px = [UInt32](repeating: 0, count: w * h)
        var pri = [UInt8](repeating: 0, count: w * h)
        // On both cores: each part paints its own rows of pixels (a region's map visits 300 M cells a layer).
        let parts = min(h, 16)
        px.withUnsafeMutableBufferPointer { pxOut in
            pri.withUnsafeMutableBufferPointer { priOut in
                let px = pxOut, pri = priOut
                Workers.perform(parts: parts) { part in
                    let firstRow = h * part / parts * f, endRow = min(win.rows, h * (part + 1) / parts * f)
                    guard firstRow < endRow else { return }
                    for r in firstRow..<endRow {
                        let pr = (r / f) * w, row = (win.row + r) * spec.cols + win.col
                        for c in 0..<win.cols {
                            guard let (colour, p) = paint(row + c) else { continue }
                            let k = pr + c / f
                            if p > pri[k] { pri[k] = p; px[k] = colour }
                        }
                    }
                }
            }
        }
        let e = spec.extent
        // The overlay covers whole pixels: extend the extent to f-cell multiples.
        let cell = abs(spec.transform.pixelWidth)
        let west = e.minX + Double(win.col) * cell, north = e.maxY - Double(win.row) * cell
        return RasterOverlay(width: w, height: h, pixels: px,
                             extent: (west, north - Double(h * f) * cell, west + Double(w * f) * cell, north))
    }

    /// A block of cells of the land cover: first column and row, width and height in cells.
    public struct CellWindow: Sendable, Equatable {
        public var col: Int, row: Int, cols: Int, rows: Int
    }

    /// The cells under a world extent (m), clipped to the grid; nil when it covers the whole grid.
    func window(_ ext: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> CellWindow? {
        let spec = input.landCover.spec, e = spec.extent
        let cell = abs(spec.transform.pixelWidth)
        let c0 = max(0, Int(((ext.minX - e.minX) / cell).rounded(.down))), c1 = min(spec.cols, Int(((ext.maxX - e.minX) / cell).rounded(.up)))
        let r0 = max(0, Int(((e.maxY - ext.maxY) / cell).rounded(.down))), r1 = min(spec.rows, Int(((e.maxY - ext.minY) / cell).rounded(.up)))
        guard c1 > c0, r1 > r0 else { return CellWindow(col: 0, row: 0, cols: 1, rows: 1) }
        if c0 == 0, r0 == 0, c1 == spec.cols, r1 == spec.rows { return nil }
        return CellWindow(col: c0, row: r0, cols: c1 - c0, rows: r1 - r0)
    }

    /// One unit of a level shown on its own atlas page: its level (index in `input.units`), name, outline,
    /// figures and the extent its map shows (its bounding box with a margin).
    public struct UnitFocus {
        public var level: Int
        public var name: String
        public var geometry: Geometry
        public var figures: UnitFigures
        public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)

        /// Whether a point lies in the unit.
        public func contains(_ q: Point) -> Bool {
            switch geometry {
            case .polygon(let p): p.contains(q)
            case .multiPolygon(let ps): ps.contains { $0.contains(q) }
            default: false
            }
        }
    }

    /// The units of the levels marked `atlas`, level by level in the project's order, each with its figures.
    public func atlasUnits() -> [UnitFocus] {
        let levels = input.project.unitLevels
        var out: [UnitFocus] = []
        var offset = 1   // units[0] is the territory; then each level's units in its layer's order
        for (l, (name, layer)) in input.units.enumerated() {
            defer { offset += layer.features.count }
            guard l < levels.count, levels[l].name == name, levels[l].atlas else { continue }
            for (k, f) in layer.features.enumerated() {
                guard let g = f.geometry, let b = g.bounds, offset + k < input.result.units.count else { continue }
                let pad = max(0.06 * max(b.maxX - b.minX, b.maxY - b.minY), 4 * input.result.cellSize)
                out.append(UnitFocus(level: l, name: input.result.units[offset + k].name, geometry: g, figures: input.result.units[offset + k],
                                     extent: (b.minX - pad, b.minY - pad, b.maxX + pad, b.maxY + pad)))
            }
        }
        return out
    }

    /// A map page: the overview (`s` and `focus` nil), a sub-network's or a unit's; `extent` (m) replaces the
    /// territory's or the unit's own.
    public func page(subNetwork s: Int?, pixels: Int, focus: UnitFocus? = nil,
                     extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)? = nil) -> MapPage {
        let p = input.project, w = words
        let sc = subtitleAndCredits(subNetwork: s)
        var subtitle = sc.0
        let credits = sc.1
        var title = s.map { "\(p.title) — \(w.subNetworkName(p.subNetworks[$0].name, label: p.subNetworks[$0].label))" } ?? "\(p.title) — \(w.scheme)"
        if let focus {
            let u = focus.figures
            title = "\(focus.name) — \(w.scheme)"
            subtitle = "\(p.unitLevels[focus.level].label(w.lang)) · \(w.natureSpaces)\(w.colon)\(w.pct(u.natureShare)) \(w.shareOfUnit) (\(w.ha(u.natureHa))) · "
                + "\(w.bufferZones)\(w.colon)\(w.ha(u.bufferHa)) · \(w.conflictPoints)\(w.colon)\(u.conflicts)"
        }
        var page = MapPage(title: title, subtitle: subtitle, extent: extent ?? focus?.extent ?? input.landCover.spec.extent,
                           layers: layers(subNetwork: s, pixels: pixels, focus: focus),
                           labels: labels(subNetwork: s, focus: focus), legend: legend(subNetwork: s), credits: credits)
        page.legendTitle = w.legend
        page.obstacles = input.hubs.map(\.0)
        return page
    }

    /// The conflict points a page shows: the sub-network's, the unit's, or all of them (overview).
    func conflicts(subNetwork s: Int?, focus: UnitFocus?) -> [SchemeResult.Conflict] {
        let p = input.project
        if let s { return input.result.conflicts.filter { $0.subNetwork == p.subNetworks[s].name } }
        if let focus { return input.result.conflicts.filter { focus.contains($0.point.point) } }
        return input.result.conflicts
    }

    /// The map's layers, drawn in order: land, buffer zones, corridors, lines, links, units, points; on a
    /// unit's page the land outside the unit is veiled.
    func layers(subNetwork s: Int?, pixels: Int, focus: UnitFocus? = nil) -> [MapLayer] {
        let p = input.project
        let spec = input.landCover.spec
        let lc = input.landCover
        var layers: [MapLayer] = []
        let win = focus.flatMap { window($0.extent) }
        func overlay(pixels: Int, _ paint: (Int) -> (UInt32, UInt8)?) -> RasterOverlay { self.overlay(pixels: pixels, window: win, paint) }
        let built = Colour(rgb: Palette.builtUp.tuple).argb32
        let major = Colour(rgb: Palette.major.tuple, alpha: 0.9).argb32, mixed = Colour(rgb: Palette.mixed.tuple, alpha: 0.9).argb32
        let subColours = p.subNetworks.map { Colour(rgb: $0.colour.tuple, alpha: 0.75).argb32 }
        let f = max(1, Int((Double(max(win?.cols ?? spec.cols, win?.rows ?? spec.rows)) / Double(pixels)).rounded(.up)))
        // Built-up land, and nature spaces (overview) or the sub-network's reservoirs.
        layers.append(.raster(overlay(pixels: pixels) { i in
            let v = lc[i]
            if input.builtUp.contains(v) { return (built, 1) }
            if let s {
                if input.reservoirBits.contains(s, at: i) { return (Colour(rgb: p.subNetworks[s].colour.tuple).argb32, 3) }
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
            if let s, input.pinchCells[s].contains(i) { return (pinchColour, 2) }
            guard bits != 0 else { return nil }
            if let s { return bits & (1 << UInt32(s)) != 0 ? (Colour(rgb: p.subNetworks[s].colour.tuple, alpha: 0.45).argb32, 1) : nil }
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
        // The land outside the unit of the page, veiled: the page's extent with the unit's parts as holes.
        if let focus {
            let e = focus.extent
            let parts: [Polygon] = switch focus.geometry { case .polygon(let q): [q]; case .multiPolygon(let qs): qs; default: [] }
            let veil = Polygon(exterior: [Point(e.minX, e.minY), Point(e.maxX, e.minY), Point(e.maxX, e.maxY), Point(e.minX, e.maxY)], holes: parts.map(\.exterior))
            layers.append(.polygons([veil], fill: Colour(1, 1, 1, 0.62), stroke: nil, width: 0, hatch: nil, dash: []))
        }
        // Unit boundaries, the smallest level first, each level's outline by its rank.
        let n = input.units.count
        for (k, level) in input.units.enumerated().reversed() {
            layers.append(.polygons(polys(level.1), fill: nil, stroke: Colour(rgb: Palette.unitLevel(k, of: n).tuple, alpha: k == n - 1 && n > 1 ? 0.8 : 1),
                                    width: Palette.unitLevelWidth(k, of: n), hatch: nil, dash: k == n - 1 && n > 1 ? [2, 2] : []))
        }
        if let focus {
            let parts: [Polygon] = switch focus.geometry { case .polygon(let q): [q]; case .multiPolygon(let qs): qs; default: [] }
            layers.append(.polygons(parts, fill: nil, stroke: Colour(rgb: (32, 72, 44)), width: 2.6, hatch: nil, dash: []))
        }
        // Conflict points and leisure hubs.
        let pts = conflicts(subNetwork: s, focus: focus).map(\.point.point)
        layers.append(.markers(pts, shape: .triangle, size: s == nil && focus == nil ? 5.5 : 7, fill: Colour(rgb: Palette.conflict.tuple)))
        layers.append(.markers(input.hubs.filter { $0.2 != .regional }.map(\.0), shape: .circle, size: 8, fill: Colour(rgb: Palette.hub.tuple)))
        layers.append(.markers(input.hubs.filter { $0.2 == .regional }.map(\.0), shape: .diamond, size: 11, fill: Colour(rgb: Palette.hub.tuple)))
        return layers
    }

    /// Labels: unit names (the larger levels first, in capitals), leisure hubs, and on a unit's page the
    /// conflict points' ranks. Placed by priority without overlaps (`PlanningMap.placeLabels`).
    func labels(subNetwork s: Int? = nil, focus: UnitFocus? = nil) -> [MapLabel] {
        let levels = input.project.unitLevels
        var labels: [MapLabel] = []
        let n = input.units.count
        for (k, level) in input.units.enumerated() where level.1.features.count > 1 || n == 1 {
            let field = k < levels.count ? levels[k].nameField : input.project.unitNameField
            let smallest = k == n - 1
            for f in level.1.features {
                guard let name = f[field].stringValue, let c = centroid(f.geometry) else { continue }
                if let e = focus?.extent, !(c.x > e.minX && c.x < e.maxX && c.y > e.minY && c.y < e.maxY) { continue }
                let area = (f.geometry?.area ?? 0) / 1e9
                labels.append(smallest && n > 1
                              ? MapLabel(name, at: c, priority: 20 + area, size: 0.8, centred: true)
                              : MapLabel(name.uppercased(), at: c, priority: 100 - Double(k) * 10 + area, size: 1.05 - 0.1 * Double(k), bold: true, centred: true))
            }
        }
        for (pt, name, _) in input.hubs { labels.append(MapLabel(name, at: pt, priority: 10, size: 0.8)) }
        if focus != nil {
            for c in conflicts(subNetwork: s, focus: focus).prefix(SchemeMaps.listedConflicts) {
                labels.append(MapLabel(String(c.rank), at: c.point.point, priority: 50 - Double(c.rank) * 1e-3, size: 0.75, bold: true))
            }
        }
        return labels
    }

    /// Conflict points listed (and numbered on the map) on a unit's page.
    static let listedConflicts = 14

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
        let hubColour = Colour(rgb: Palette.hub.tuple)
        let hubEntries: [LegendEntry] = input.hubs.contains { $0.2 != nil }
            ? [LegendEntry(.marker(.diamond, hubColour), w[.hubRegional]), LegendEntry(.marker(.circle, hubColour), w[.hubCommunity])]
            : [LegendEntry(.marker(.circle, hubColour), w.leisureHubs)]
        legend.append(LegendSection(w.territory, hubEntries + [
            LegendEntry(.fill(Colour(rgb: Palette.builtUp.tuple), outline: nil), w.builtUp),
            LegendEntry(.line(Colour(rgb: Palette.road.tuple), width: 1.6, dash: []), w.roads),
            LegendEntry(.line(Colour(rgb: Palette.railway.tuple), width: 0.9, dash: [4, 2]), w.railways),
            LegendEntry(.line(Colour(rgb: Palette.path.tuple), width: 0.8, dash: [1.5, 1.5]), w.paths),
        ] + (input.itineraries.isEmpty || s != nil ? [] : [LegendEntry(.line(Colour(rgb: Palette.itinerary.tuple), width: 2.2, dash: [6, 3]), w.itineraries)]) + [
        ] + (s == nil ? [LegendEntry(.marker(.triangle, Colour(rgb: Palette.conflict.tuple)), w.conflictPoints)] : [])
            + p.unitLevels.indices.map { k in
                let n = p.unitLevels.count
                return LegendEntry(.line(Colour(rgb: Palette.unitLevel(k, of: n).tuple), width: Palette.unitLevelWidth(k, of: n), dash: k == n - 1 && n > 1 ? [2, 2] : []),
                                   p.unitLevels[k].label(w.lang))
            }))
        return legend
    }

    /// The atlas: the overview, one page per sub-network, one page per unit of the levels marked `atlas`
    /// (its map zoomed on it, its figures, its conflict points), one page per kind of named itinerary, the figures' tables, then the annex (the
    /// method and the friction table). Each map page takes the size (A3 portrait or landscape) and the legend's
    /// place (right of the map or below it) that give its map the largest frame.
    func writeAtlas(to path: String) throws {
        let p = input.project, w = words, r = input.result
        let ruler = try MapCanvas(pngWidth: 8, height: 8)
        var canvas: MapCanvas? = nil
        /// Lays the page out for the extent's shape, then draws it with the extent filling the map's area.
        func put(_ extent: (minX: Double, minY: Double, maxX: Double, maxY: Double), _ blocks: [PanelBlock],
                 _ make: ((minX: Double, minY: Double, maxX: Double, maxY: Double)) -> MapPage) throws {
            let layout = AtlasLayout.choose(extent: extent, blocks: blocks, measuringOn: ruler)
            if let canvas { canvas.newPage(width: layout.width, height: layout.height) } else {
                canvas = try MapCanvas(pdfPath: path, width: layout.width, height: layout.height)
            }
            PlanningMap.drawAtlasPage(make(layout.filling(extent)), blocks: blocks, layout: layout, on: canvas!)
        }
        func legendBlocks(_ s: Int?) -> [PanelBlock] {
            [.heading(w.legend)] + legend(subNetwork: s).filter { !$0.entries.isEmpty }.map { .legend($0) }
        }
        let whole = input.landCover.spec.extent
        try put(whole, legendBlocks(nil)) { page(subNetwork: nil, pixels: 2000, extent: $0) }
        for s in p.subNetworks.indices { try put(whole, legendBlocks(s)) { page(subNetwork: s, pixels: 2000, extent: $0) } }
        for focus in atlasUnits() {
            try put(focus.extent, unitBlocks(focus) + legendBlocks(nil)) { e in
                var f = focus
                f.extent = e
                return page(subNetwork: nil, pixels: 1600, focus: f)
            }
        }
        for kind in itineraryKinds() {
            try put(itineraryExtent(kind), itineraryBlocks(kind) + legendBlocks(nil)) { itineraryPage(kind, extent: $0) }
        }
        if !p.management.isEmpty {
            // The differentiated management: its map page; its regimes with their prescriptions among the tables.
            let legend = ManagementMap.page(input.layers, regimes: p.management, title: p.title, extent: whole, lang: w.lang).legend
            try put(whole, [.heading(w.legend)] + legend.map { .legend($0) }) { ManagementMap.page(input.layers, regimes: p.management, title: p.title, extent: $0, lang: w.lang) }
        }
        guard let pdf = canvas else { return }
        let landscape = { pdf.newPage(width: AtlasLayout.long, height: AtlasLayout.short) }
        landscape()
        var tables = SchemeReport.tables(r, words: w)
        if !r.management.isEmpty { tables.append((w[.managementTitle], ManagementReport.header(w), ManagementReport.rows(r, words: w))) }
        PlanningMap.drawTables(w.atlasFigures, tables, continued: w.continued, on: pdf, newPage: landscape)
        landscape()
        PlanningMap.drawText(w.annexMethod, continued: w.continued, MethodText.paragraphs(r, words: w), on: pdf, newPage: landscape)
        landscape()
        let friction = MethodText.frictionTable(r, words: w)
        PlanningMap.drawTables(w.annexMethod, [(w.frictionTitle, friction.header, friction.rows)], continued: w.continued, on: pdf, newPage: landscape)
        try pdf.finishPDF()
    }

    /// A unit's page panel: its figures, then its conflict points by importance (numbered as on the map).
    func unitBlocks(_ focus: UnitFocus) -> [PanelBlock] {
        let w = words, u = focus.figures, r = input.result
        var rows: [[String]] = [
            [w.area, w.ha(u.areaHa)],
            [w.natureSpaces, "\(w.ha(u.natureHa)) (\(w.pct(u.natureShare)))"],
            ["  " + w.majorShort, w.ha(u.majorHa)],
            ["  " + w.mixedShort, w.ha(u.mixedHa)],
        ]
        for (k, s) in r.subNetworks.enumerated() where k < u.reservoirHa.count {
            rows.append([w.subNetworkName(s.name, label: s.label), "\(w.reservoirs)\(w.colon)\(w.ha(u.reservoirHa[k])), EC \(w.ha(u.ec[k]))"])
        }
        rows += [
            [w.corridors, w.ha(u.anyCorridorHa)],
            [w.bufferZones, w.ha(u.bufferHa)],
            [w.conflictPoints, SchemeReport.conflictSummary(u, w: w)],
            [w.leisureHubs, "\(u.leisureHubs)" + (u.regionalHubs + u.communityHubs > 0
                ? " (\(u.regionalHubs) \(w[.ofRegionalStake]), \(u.communityHubs) \(w[.ofCommunityStake]))" : "")],
        ]
        if r.hydrography != nil { rows.append([w.watercourses, "\(w.km(u.watercourseKm)), \(w.km(u.continuityKm)) \(w.goodContinuity)"]) }
        let list = conflicts(subNetwork: nil, focus: focus)
        let subs = input.project.subNetworks
        func subName(_ name: String) -> String {
            guard let s = subs.first(where: { $0.name == name }) else { return name }
            return w.subNetworkName(s.name, label: s.label)
        }
        let shown = list.prefix(SchemeMaps.listedConflicts).map { c -> [String] in
            let what: String = w.conflictKind(c.point.kind) + (c.point.name.isEmpty ? "" : " \(c.point.name)")
            return [String(c.rank), what, w.shortSubNetworkName(subName(c.subNetwork))]
        }
        let conflictTable = SideTable(title: w.conflictsInUnit, header: shown.isEmpty ? nil : [w.rank, w.kind, w.subNetwork], rows: shown,
                                      shares: [0.16, 0.56, 0.28],
                                      note: list.isEmpty ? w.noConflict : (list.count > shown.count ? w.more(list.count - shown.count) : nil))
        return [.table(SideTable(title: w.unitFigures, rows: rows, shares: [0.45, 0.55])), .table(conflictTable)]
    }

    /// The subtitle (key figures) and the credits line.
    func subtitleAndCredits(subNetwork s: Int?) -> (String, String) {
        let p = input.project, w = words
        let t = input.result.territory
        let subtitle: String
        if let s {
            let sub = input.result.subNetworks[s]
            subtitle = "\(w.reservoirs)\(w.colon)\(sub.reservoirs), \(w.ha(sub.reservoirHa)) · \(w.corridors)\(w.colon)\(w.ha(sub.corridorHa)), \(w.km(sub.corridorKm)) · EC \(w.ha(sub.ec)) · \(w.conflictPoints)\(w.colon)\(sub.conflicts)"
        } else {
            var st = "\(w.natureSpaces)\(w.colon)\(w.pct(t.natureShare)) \(w.fr ? "du territoire" : "of the territory") (\(w.ha(t.natureHa)))"
            if let ref = p.referenceShare { st += " — \(p.referenceLabel(in: w.lang))\(w.colon)\(w.pct(ref))" }
            subtitle = st + " · \(w.bufferZones)\(w.colon)\(w.ha(t.bufferHa))"
        }
        let partners = Array(Set(input.result.partners.map(\.partner))).sorted()
        var credits = "\(w.dataCredits)\(w.colon)"
        if !partners.isEmpty { credits += partners.joined(separator: ", ") + ". " }
        let lcName = (p.landCover as NSString).lastPathComponent
        let lcWord = w.fr ? "Occupation du sol" : "Land cover", cellsWord = w.fr ? "mailles de" : "cells of", madeWith = w.fr ? "Réalisé avec" : "Made with"
        credits += "\(lcWord)\(w.colon)\(lcName), \(input.result.crs), \(cellsWord) \(Int(input.result.cellSize)) m. "
        credits += "\(w.madeOn(Date())) (\(madeWith.lowercased()) Trame \(TrameVersion.current))."
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
