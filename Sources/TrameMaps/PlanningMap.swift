import Foundation
import TrameVector

/// What a map page shows, bottom layer first.
public enum MapLayer: Sendable {
    case raster(RasterOverlay)
    case polygons([Polygon], fill: Colour?, stroke: Colour?, width: Double, hatch: Colour?, dash: [Double])
    case lines([[Point]], colour: Colour, width: Double, dash: [Double])
    case markers([Point], shape: MapCanvas.Shape, size: Double, fill: Colour)
}

/// A legend symbol and its text.
public struct LegendEntry: Sendable {
    public enum Symbol: Sendable {
        case fill(Colour, outline: Colour?)
        case hatch(Colour)
        case line(Colour, width: Double, dash: [Double])
        case marker(MapCanvas.Shape, Colour)
    }
    public var symbol: Symbol
    public var label: String
    public init(_ symbol: Symbol, _ label: String) { self.symbol = symbol; self.label = label }
}

public struct LegendSection: Sendable {
    public var title: String
    public var entries: [LegendEntry]
    public init(_ title: String, _ entries: [LegendEntry]) { self.title = title; self.entries = entries }
}

/// A place name on the map; higher priorities are placed first, and a label that would overlap
/// one already placed is moved around its anchor or left out.
public struct MapLabel: Sendable {
    public var text: String
    public var at: Point
    public var priority: Double
    public var size: Double
    public var bold: Bool
    /// Centred on its anchor (area names) rather than beside it (point names).
    public var centred: Bool
    public init(_ text: String, at: Point, priority: Double, size: Double = 1, bold: Bool = false, centred: Bool = false) {
        self.text = text; self.at = at; self.priority = priority; self.size = size; self.bold = bold; self.centred = centred
    }
}

/// One page of a planning map: title band, map frame, legend panel, scale bar, north arrow, credits.
public struct MapPage: Sendable {
    public var title: String
    public var subtitle: String
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    public var layers: [MapLayer]
    public var labels: [MapLabel]
    public var legend: [LegendSection]
    public var credits: String
    /// Heading of the legend panel.
    public var legendTitle = "Legend"
    /// Point symbols that labels must not cover (world coordinates).
    public var obstacles: [Point] = []
    /// Page height that fits a map of this extent below the title and beside the legend, for a page `width` wide.
    public static func fittingHeight(width: Double, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double), minimum: Double) -> Double {
        let u = width / 1200
        let mapW = width - 270 * u - 2.5 * 24 * u
        let mapH = mapW * (extent.maxY - extent.minY) / (extent.maxX - extent.minX)
        return max(minimum, mapH + 62 * u + 34 * u + 24 * u * 1.2)
    }
    public init(title: String, subtitle: String, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double),
                layers: [MapLayer], labels: [MapLabel], legend: [LegendSection], credits: String) {
        self.title = title; self.subtitle = subtitle; self.extent = extent; self.layers = layers
        self.labels = labels; self.legend = legend; self.credits = credits
    }
}

public enum PlanningMap {
    /// Draws a page; returns the boxes of the labels placed (page coordinates), for checks.
    @discardableResult
    public static func draw(_ page: MapPage, on c: MapCanvas) -> [Rect] {
        let W = c.width, H = c.height
        let u = W / 1200   // unit: 1 at A3-landscape points
        let margin = 24 * u
        let titleH = 62 * u, creditsH = 34 * u
        let legendW = 270 * u
        drawTitle(page, on: c, u: u)
        let area = Rect(margin, titleH + margin * 0.6, W - legendW - 2.5 * margin, H - titleH - creditsH - margin * 1.2)
        let placed = drawMap(page, in: area, on: c, u: u)

        // Legend panel.
        let lx = W - legendW - margin
        var y = titleH + margin
        c.font(15 * u, bold: true)
        c.text(page.legend.isEmpty ? "" : page.legendTitle, x: lx, y: y)
        y += 10 * u
        for section in page.legend where !section.entries.isEmpty {
            y += drawLegendSection(section, x: lx, y: y, width: legendW, on: c, u: u, draw: true)
        }
        // Credits.
        c.font(9 * u, italic: true)
        c.paragraph(page.credits, x: margin, y: H - creditsH + 12 * u, width: W - 2 * margin, lineHeight: 11 * u, colour: Colour(0.25, 0.25, 0.25))
        return placed
    }

    /// The title band across the page's top: title and subtitle, in smaller type when they are too long (a
    /// title still too long at 16 points is shortened).
    static func drawTitle(_ page: MapPage, on c: MapCanvas, u: Double) {
        let margin = 24 * u
        c.fill(Rect(0, 0, c.width, 62 * u), Colour(rgb: (32, 72, 44)))
        var size = 24.0
        c.font(size * u, bold: true)
        while c.measure(page.title).w > c.width - 2 * margin && size > 16 { size -= 2; c.font(size * u, bold: true) }
        var title = page.title
        while c.measure(title).w > c.width - 2 * margin && title.count > 3 { title = String(title.dropLast(2)) + "…" }
        c.text(title, x: margin, y: 32 * u, colour: .white)
        c.font(13 * u)
        if c.measure(page.subtitle).w > c.width - 2 * margin { c.font(10 * u) }
        c.text(page.subtitle, x: margin, y: 52 * u, colour: Colour(0.9, 0.95, 0.9))
    }

    /// The map frame fitted in `area`: layers, north arrow, scale bar and labels; returns the labels' boxes.
    static func drawMap(_ page: MapPage, in area: Rect, on c: MapCanvas, u: Double) -> [Rect] {
        let frame = c.setFrame(area, extent: page.extent)
        c.fill(frame, Colour(0.97, 0.97, 0.95))
        c.clipToFrame()
        for layer in page.layers {
            switch layer {
            case .raster(let o): c.draw(o)
            case let .polygons(p, fill, stroke, width, hatch, dash):
                c.polygons(p, fill: fill, stroke: stroke, width: width * u, hatch: hatch.map { ($0, 7 * u, 1.1 * u) }, dash: dash.map { $0 * u })
            case let .lines(l, colour, width, dash): c.lines(l, colour: colour, width: width * u, dash: dash.map { $0 * u })
            case let .markers(p, shape, size, fill): c.markers(p, shape: shape, size: size * u, fill: fill, width: 0.8 * u)
            }
        }
        // Furniture inside the frame, reserved against labels.
        let arrowBox = Rect(frame.x + frame.w - 50 * u, frame.y + 8 * u, 42 * u, 56 * u)
        c.fill(arrowBox, Colour(1, 1, 1, 0.75))
        c.northArrow(at: arrowBox.x + arrowBox.w / 2, arrowBox.y + 32 * u, size: 34 * u)
        let scaleBox = Rect(frame.x + 6 * u, frame.y + frame.h - 40 * u, frame.w / 5 + 90 * u, 36 * u)
        c.scaleBar(at: frame.x + 14 * u, frame.y + frame.h - 16 * u, fontSize: 10 * u)
        let symbols = page.obstacles.map { p -> Rect in
            let q = c.page(p)
            return Rect(q.x - 4 * u, q.y - 4 * u, 8 * u, 8 * u)
        }
        let placed = placeLabels(page.labels, on: c, reserved: [arrowBox, scaleBox] + symbols, u: u)
        c.unclip()
        c.stroke(frame, Colour(0.2, 0.2, 0.2), width: 1 * u)
        return placed
    }

    /// One legend section (heading, then each symbol and its text wrapped within `width`) below `y0`;
    /// returns the height it takes; `draw: false` only measures.
    static func drawLegendSection(_ section: LegendSection, x lx: Double, y y0: Double, width legendW: Double, on c: MapCanvas, u: Double, draw: Bool) -> Double {
        var y = y0
        y += 16 * u
        c.font(11 * u, bold: true)
        let heading = c.wrap(section.title, width: legendW)
        if draw { for (k, l) in heading.enumerated() { c.text(l, x: lx, y: y + Double(k) * 13 * u) } }
        y += Double(max(0, heading.count - 1)) * 13 * u + 6 * u
        c.font(10 * u)
        for e in section.entries {
            y += 16 * u
            let textX = lx + 34 * u
            let lines = c.wrap(e.label, width: legendW - 36 * u)
            let used = Double(lines.count) * 12 * u
            if draw {
                let sym = Rect(lx, y - 10 * u, 26 * u, 12 * u)
                switch e.symbol {
                case .fill(let col, let outline):
                    c.fill(sym, col)
                    if let o = outline { c.stroke(sym, o, width: 0.8 * u) }
                case .hatch(let col):
                    c.fill(sym, col.with(alpha: 0.15))
                    drawHatch(c, sym, col, u)
                case .line(let col, let width, let dash):
                    c.drawPageLine(sym.x, sym.y + sym.h / 2, sym.x + sym.w, sym.y + sym.h / 2, col, width * u, dash.map { $0 * u })
                case .marker(let shape, let col):
                    c.marker(at: (sym.x + sym.w / 2, sym.y + sym.h / 2), shape: shape, size: 10 * u, fill: col, width: 0.8 * u)
                }
                c.font(10 * u)
                for (k, l) in lines.enumerated() { c.text(l, x: textX, y: y + Double(k) * 12 * u) }
            }
            y += max(0, used - 12 * u)
        }
        return y - y0
    }

    static func drawHatch(_ c: MapCanvas, _ r: Rect, _ col: Colour, _ u: Double) {
        var x = r.x - r.h
        while x < r.x + r.w {
            let x0 = max(x, r.x), y0 = r.y + r.h - (x0 - x)
            let x1 = min(x + r.h, r.x + r.w), y1 = r.y + r.h - (x1 - x)
            if x1 > x0 { c.drawPageLine(x0, y0, x1, y1, col, 1.1 * u, []) }
            x += 5 * u
        }
        c.stroke(r, col, width: 0.8 * u)
    }

    /// Greedy label placement: by priority, each label tries eight positions around its anchor and
    /// takes the first that overlaps no placed label, no reserved box and stays in the frame.
    static func placeLabels(_ labels: [MapLabel], on c: MapCanvas, reserved: [Rect], u: Double) -> [Rect] {
        var taken = reserved
        var placed: [Rect] = []
        for l in labels.sorted(by: { $0.priority > $1.priority }) {
            let size = 11 * u * l.size
            c.font(size, bold: l.bold)
            let m = c.measure(l.text)
            let a = c.page(l.at)
            let pad = 2 * u
            let beside: [(Double, Double)] = [(6 * u, -m.h / 2), (5 * u, -m.h - 2 * u), (5 * u, 2 * u), (-m.w - 6 * u, -m.h / 2),
                                              (-m.w - 5 * u, -m.h - 2 * u), (-m.w - 5 * u, 2 * u), (-m.w / 2, -m.h - 7 * u), (-m.w / 2, 7 * u)]
            let offsets = l.centred ? [(-m.w / 2, -m.h / 2), (-m.w / 2, -m.h * 1.6), (-m.w / 2, m.h * 0.6)] : beside
            for (dx, dy) in offsets {
                let box = Rect(a.x + dx - pad, a.y + dy - pad, m.w + 2 * pad, m.h + 2 * pad)
                guard c.frame.contains(box), !taken.contains(where: { $0.intersects(box) }) else { continue }
                c.text(l.text, x: a.x + dx, y: a.y + dy + m.ascent, colour: Colour(0.1, 0.1, 0.1), halo: true)
                taken.append(box); placed.append(box)
                break
            }
        }
        return placed
    }

    /// A page of tables: a title and rows of cells, wrapping onto further pages when needed. Cells that do not
    /// fit their column (headers such as "Réservoirs de biodiversité") wrap onto several lines, never cut.
    public static func drawTables(_ title: String, _ tables: [(title: String, header: [String], rows: [[String]])], continued: String = "(cont.)",
                                  on c: MapCanvas, newPage: () -> Void) {
        let u = c.width / 1200
        let margin = 36 * u
        var y = 0.0
        func startPage(_ heading: String) {
            c.fill(Rect(0, 0, c.width, 50 * u), Colour(rgb: (32, 72, 44)))
            c.font(20 * u, bold: true)
            c.text(heading, x: margin, y: 33 * u, colour: .white)
            y = 80 * u
        }
        startPage(title)
        for t in tables {
            if y > c.height - 120 * u { newPage(); startPage("\(title) \(continued)") }
            c.font(13 * u, bold: true)
            c.text(t.title, x: margin, y: y)
            y += 20 * u
            let cols = max(1, t.header.count)
            let firstW = (c.width - 2 * margin) * (cols > 4 ? 0.26 : 0.4)
            let otherW = (c.width - 2 * margin - firstW) / Double(max(1, cols - 1))
            let lineH = 11.5 * u
            /// The cells' lines, wrapped within their columns.
            func lines(_ cells: [String], bold: Bool) -> [[String]] {
                c.font(9.5 * u, bold: bold)
                return cells.enumerated().map { k, s in c.wrap(s, width: (k == 0 ? firstW : otherW) - 8 * u) }
            }
            func height(_ ls: [[String]]) -> Double { 16 * u + Double(max(1, ls.map(\.count).max() ?? 1) - 1) * lineH }
            func row(_ ls: [[String]], bold: Bool, shade: Bool) {
                let h = height(ls)
                if shade { c.fill(Rect(margin, y - 12 * u, c.width - 2 * margin, h), Colour(0.93, 0.96, 0.93)) }
                c.font(9.5 * u, bold: bold)
                for (k, cell) in ls.enumerated() {
                    let x = k == 0 ? margin + 4 * u : margin + firstW + Double(k - 1) * otherW
                    let limit = (k == 0 ? firstW : otherW) - 8 * u
                    for (j, str) in cell.enumerated() {
                        let yy = y + Double(j) * lineH
                        if k == 0 { c.text(str, x: x, y: yy) } else { c.text(str, x: x + limit - c.measure(str).w, y: yy) }
                    }
                }
                y += h
            }
            let header = lines(t.header, bold: true)
            row(header, bold: true, shade: false)
            for (k, r) in t.rows.enumerated() {
                let ls = lines(r, bold: false)
                if y + height(ls) > c.height - 24 * u { newPage(); startPage("\(title) \(continued)"); row(header, bold: true, shade: false) }
                row(ls, bold: false, shade: k % 2 == 0)
            }
            y += 18 * u
        }
    }
}

extension MapCanvas {
    /// A straight line in page coordinates.
    public func drawPageLine(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ colour: Colour, _ width: Double, _ dash: [Double]) {
        let saved = (frame, world, scale)
        frame = Rect(0, 0, 1, 1); world = (0, 0, 1, 1); scale = 1
        // With an identity frame, page(Point(x, 1 − y)) = (x, y).
        lines([[Point(x0, 1 - y0), Point(x1, 1 - y1)]], colour: colour, width: width, dash: dash)
        (frame, world, scale) = saved
    }
}
