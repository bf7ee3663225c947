import Foundation
import TrameVector

/// A small table beside an atlas map (a unit's figures, its conflict points): a title, an optional header,
/// rows of cells wrapped within their columns, and an optional note below.
public struct SideTable: Sendable {
    public var title: String
    public var header: [String]?
    public var rows: [[String]]
    /// Each column's share of the table's width (they add up to 1).
    public var shares: [Double]
    public var note: String?
    public init(title: String, header: [String]? = nil, rows: [[String]], shares: [Double], note: String? = nil) {
        self.title = title; self.header = header; self.rows = rows; self.shares = shares; self.note = note
    }
}

/// What the panel beside or below an atlas map holds, in order: headings, legend sections, tables.
public enum PanelBlock: Sendable {
    case heading(String)
    case legend(LegendSection)
    case table(SideTable)
}

/// Where the parts of an atlas page go: page size (portrait or landscape), the map's area, and the panel's
/// blocks in columns (right of the map or below it). Page units are points.
public struct AtlasLayout: Sendable {
    public enum Place: Sendable { case right, below }
    public var width: Double
    public var height: Double
    public var place: Place
    /// The area the map frame is fitted in (the frame keeps the extent's proportions).
    public var mapArea: Rect
    /// Top-left corner of each panel column, and the blocks (indices) each holds.
    public var columns: [(x: Double, y: Double, blocks: [Int])]
    /// The map frame's area (points²) once the extent is fitted: what the choice maximises.
    public var frameArea: Double

    /// `e` widened or heightened about its centre to the map area's proportions: the frame then fills the
    /// area, the territory (or unit) at the scale the layout was chosen for, with its surroundings around it.
    public func filling(_ e: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        guard mapArea.w > 0, mapArea.h > 0 else { return e }
        let ew = e.maxX - e.minX, eh = e.maxY - e.minY, cx = (e.minX + e.maxX) / 2, cy = (e.minY + e.maxY) / 2
        let aspect = mapArea.w / mapArea.h
        if ew / eh < aspect { let w = eh * aspect; return (cx - w / 2, e.minY, cx + w / 2, e.maxY) }
        let h = ew / aspect
        return (e.minX, cy - h / 2, e.maxX, cy + h / 2)
    }

    /// Page geometry, in points on an A3 sheet.
    public static let long = 1191.0, short = 842.0
    static let margin = 24.0, titleH = 62.0, creditsH = 34.0, columnW = 250.0, gap = 16.0

    /// The layout that gives the map the largest frame, among A3 landscape and portrait pages with the panel
    /// right of the map or below it; the panel's blocks are measured on `c` (fonts only, nothing drawn).
    public static func choose(extent e: (minX: Double, minY: Double, maxX: Double, maxY: Double), blocks: [PanelBlock], measuringOn c: MapCanvas) -> AtlasLayout {
        let heights = blocks.map { PlanningMap.drawBlock($0, x: 0, y: 0, width: columnW, on: c, draw: false) }
        let ew = max(e.maxX - e.minX, 1e-9), eh = max(e.maxY - e.minY, 1e-9)
        func fitted(_ r: Rect) -> Double {
            guard r.w > 0, r.h > 0 else { return 0 }
            let s = min(r.w / ew, r.h / eh)
            return ew * eh * s * s
        }
        /// Blocks in order into columns of height `h`; nil when a block alone is taller. A heading stays in
        /// the column of the block it heads.
        func flow(_ h: Double) -> [[Int]]? {
            var cols: [[Int]] = [[]], used = 0.0
            for (k, bh) in heights.enumerated() {
                if bh > h { return nil }
                var needed = bh
                if case .heading = blocks[k], k + 1 < heights.count, bh + heights[k + 1] <= h { needed += heights[k + 1] }
                if used + needed > h && !cols[cols.count - 1].isEmpty { cols.append([]); used = 0 }
                cols[cols.count - 1].append(k); used += bh
            }
            return cols
        }
        var best: AtlasLayout? = nil
        for (W, H) in [(long, short), (short, long)] {
            let top = titleH + margin * 0.6
            let bodyH = H - titleH - creditsH - margin * 1.2
            // Right: as many columns as the blocks need at the body's height.
            if let cols = flow(bodyH) {
                let panelW = Double(cols.count) * columnW + Double(cols.count - 1) * gap
                let area = Rect(margin, top, W - panelW - 2.5 * margin, bodyH)
                let x0 = W - margin - panelW
                let l = AtlasLayout(width: W, height: H, place: .right, mapArea: area,
                                    columns: cols.enumerated().map { (x0 + Double($0.offset) * (columnW + gap), titleH + margin * 0.6, $0.element) },
                                    frameArea: fitted(area))
                if best.map({ l.frameArea > $0.frameArea }) ?? true { best = l }
            }
            // Below: the lowest band whose columns fit across the page.
            let across = max(1, Int((W - 2 * margin + gap) / (columnW + gap)))
            var h = heights.max() ?? 0
            while h < bodyH, let cols = flow(h), cols.count > across { h += 8 }
            if h < bodyH, let cols = flow(h) {
                let area = Rect(margin, top, W - 2 * margin, bodyH - h - gap)
                let l = AtlasLayout(width: W, height: H, place: .below, mapArea: area,
                                    columns: cols.enumerated().map { (margin + Double($0.offset) * (columnW + gap), top + area.h + gap, $0.element) },
                                    frameArea: fitted(area))
                if best.map({ l.frameArea > $0.frameArea * 1.02 }) ?? true { best = l }
            }
        }
        // Blocks too tall for any page: a landscape page, the panel right in one column (it runs over).
        return best ?? AtlasLayout(width: long, height: short, place: .right,
                                   mapArea: Rect(margin, titleH + margin * 0.6, long - columnW - 2.5 * margin, short - titleH - creditsH - margin * 1.2),
                                   columns: [(long - margin - columnW, titleH + margin * 0.6, Array(blocks.indices))], frameArea: 0)
    }
}

extension PlanningMap {
    /// Draws an atlas page laid out by `layout` (the canvas's page must have its size); returns the
    /// labels' boxes and the map frame.
    @discardableResult
    public static func drawAtlasPage(_ page: MapPage, blocks: [PanelBlock], layout: AtlasLayout, on c: MapCanvas) -> (labels: [Rect], frame: Rect) {
        let u = 1.0, W = c.width, H = c.height
        drawTitle(page, on: c, u: u)
        let placed = drawMap(page, in: layout.mapArea, on: c, u: u)
        let frame = c.frame
        for col in layout.columns {
            var y = col.y
            for k in col.blocks { y += drawBlock(blocks[k], x: col.x, y: y, width: AtlasLayout.columnW, on: c, draw: true) }
        }
        c.font(9 * u, italic: true)
        c.paragraph(page.credits, x: AtlasLayout.margin, y: H - AtlasLayout.creditsH + 12 * u, width: W - 2 * AtlasLayout.margin,
                    lineHeight: 11 * u, colour: Colour(0.25, 0.25, 0.25))
        return (placed, frame)
    }

    /// Draws (or only measures) one panel block with its top at `y`; returns its height.
    @discardableResult
    public static func drawBlock(_ b: PanelBlock, x: Double, y: Double, width: Double, on c: MapCanvas, draw: Bool) -> Double {
        let u = 1.0
        switch b {
        case .heading(let t):
            c.font(15 * u, bold: true)
            let lines = c.wrap(t, width: width)
            if draw { for (k, l) in lines.enumerated() { c.text(l, x: x, y: y + 15 * u + Double(k) * 18 * u) } }
            return Double(lines.count) * 18 * u + 2 * u
        case .legend(let s):
            return drawLegendSection(s, x: x, y: y, width: width, on: c, u: u, draw: draw) + 4 * u
        case .table(let t):
            var yy = y
            c.font(11 * u, bold: true)
            let titleLines = c.wrap(t.title, width: width)
            if draw { for (k, l) in titleLines.enumerated() { c.text(l, x: x, y: yy + 22 * u + Double(k) * 13 * u) } }
            yy += 12 * u + Double(titleLines.count) * 13 * u
            let lineH = 11 * u
            func row(_ cells: [String], bold: Bool, shade: Bool) {
                c.font(8.5 * u, bold: bold)
                var cx = x
                let wrapped = cells.enumerated().map { k, s in c.wrap(s, width: width * t.shares[min(k, t.shares.count - 1)] - 4 * u) }
                let n = max(1, wrapped.map(\.count).max() ?? 1)
                if draw {
                    if shade { c.fill(Rect(x, yy + 2 * u, width, Double(n) * lineH + 3 * u), Colour(0.93, 0.96, 0.93)) }
                    for (k, lines) in wrapped.enumerated() {
                        for (j, l) in lines.enumerated() { c.text(l, x: cx + 2 * u, y: yy + 11 * u + Double(j) * lineH) }
                        cx += width * t.shares[min(k, t.shares.count - 1)]
                    }
                }
                yy += Double(n) * lineH + 3 * u
            }
            if let h = t.header { row(h, bold: true, shade: false) }
            for (k, r) in t.rows.enumerated() { row(r, bold: false, shade: k % 2 == 0) }
            if let note = t.note {
                c.font(8.5 * u, italic: true)
                let lines = c.wrap(note, width: width)
                if draw { for (j, l) in lines.enumerated() { c.text(l, x: x + 2 * u, y: yy + 11 * u + Double(j) * lineH) } }
                yy += Double(lines.count) * lineH + 3 * u
            }
            return yy - y + 8 * u
        }
    }

    /// Pages of text: a title band, then each section's heading and paragraph in two columns, continued on
    /// further pages (whose title says so) when needed.
    public static func drawText(_ title: String, continued: String, _ sections: [(String, String)], on c: MapCanvas, newPage: () -> Void) {
        let u = c.width / 1200
        let margin = 36 * u, gap = 30 * u
        let colW = (c.width - 2 * margin - gap) / 2
        let lineH = 13.5 * u
        var col = 0, y = 0.0
        func startPage(_ heading: String) {
            c.fill(Rect(0, 0, c.width, 50 * u), Colour(rgb: (32, 72, 44)))
            c.font(20 * u, bold: true)
            c.text(heading, x: margin, y: 33 * u, colour: .white)
            col = 0; y = 80 * u
        }
        func room(_ h: Double) {
            guard y + h > c.height - margin else { return }
            if col == 0 { col = 1; y = 80 * u } else { newPage(); startPage("\(title) \(continued)") }
        }
        startPage(title)
        for (heading, text) in sections {
            c.font(12 * u, bold: true)
            let head = c.wrap(heading, width: colW)
            room(Double(head.count) * 15 * u + 2 * lineH)
            c.font(12 * u, bold: true)
            for l in head { c.text(l, x: margin + Double(col) * (colW + gap), y: y); y += 15 * u }
            c.font(10 * u)
            for l in c.wrap(text, width: colW) {
                room(lineH)
                c.font(10 * u)
                c.text(l, x: margin + Double(col) * (colW + gap), y: y)
                y += lineH
            }
            y += 10 * u
        }
    }
}
