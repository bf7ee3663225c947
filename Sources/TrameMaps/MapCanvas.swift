import CCairo
import Foundation
import TrameVector

/// A colour with alpha, components 0…1.
public struct Colour: Sendable, Equatable {
    public var r: Double, g: Double, b: Double, a: Double
    public init(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) { self.r = r; self.g = g; self.b = b; self.a = a }
    public init(rgb: (Int, Int, Int), alpha: Double = 1) {
        self.init(Double(rgb.0) / 255, Double(rgb.1) / 255, Double(rgb.2) / 255, alpha)
    }
    public func with(alpha: Double) -> Colour { Colour(r, g, b, alpha) }
    /// Premultiplied ARGB32 as Cairo stores it.
    public var argb32: UInt32 {
        let a8 = UInt32((a * 255).rounded())
        func c(_ v: Double) -> UInt32 { UInt32((v * a * 255).rounded()) }
        return a8 << 24 | c(r) << 16 | c(g) << 8 | c(b)
    }
    public static let black = Colour(0, 0, 0), white = Colour(1, 1, 1)
}

/// A rectangle on the page (points in PDF, pixels in PNG).
public struct Rect: Sendable, Equatable {
    public var x: Double, y: Double, w: Double, h: Double
    public init(_ x: Double, _ y: Double, _ w: Double, _ h: Double) { self.x = x; self.y = y; self.w = w; self.h = h }
    public func intersects(_ o: Rect) -> Bool { x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h }
    public func contains(_ o: Rect) -> Bool { o.x >= x && o.y >= y && o.x + o.w <= x + w && o.y + o.h <= y + h }
    public func inset(_ d: Double) -> Rect { Rect(x + d, y + d, w - 2 * d, h - 2 * d) }
}

/// A raster drawn over the map: premultiplied ARGB32 pixels covering a world extent.
public struct RasterOverlay: Sendable {
    public var width: Int, height: Int
    public var pixels: [UInt32]
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    public init(width: Int, height: Int, pixels: [UInt32], extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)) {
        self.width = width; self.height = height; self.pixels = pixels; self.extent = extent
    }
}

/// Drawing on a Cairo surface (a PNG image or the pages of a PDF), with a map frame that turns
/// world coordinates (metres) into page coordinates.
public final class MapCanvas {
    let surface: OpaquePointer
    let cr: OpaquePointer
    public private(set) var width: Double, height: Double
    let isPDF: Bool
    /// Map frame on the page and the world extent it shows.
    public internal(set) var frame = Rect(0, 0, 1, 1)
    var world = (minX: 0.0, minY: 0.0, maxX: 1.0, maxY: 1.0)
    var scale = 1.0

    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// An image of `width` × `height` pixels.
    public init(pngWidth width: Int, height: Int) throws {
        guard let s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)),
              cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else { throw Failure(description: "cannot create a \(width) × \(height) image") }
        surface = s; cr = cairo_create(s)
        self.width = Double(width); self.height = Double(height); isPDF = false
        setup()
    }

    /// A PDF file with pages of `width` × `height` points (A3 landscape: 1191 × 842).
    public init(pdfPath: String, width: Double, height: Double) throws {
        guard let s = cairo_pdf_surface_create(pdfPath, width, height), cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw Failure(description: "\(pdfPath): cannot create the PDF")
        }
        surface = s; cr = cairo_create(s)
        self.width = width; self.height = height; isPDF = true
        setup()
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    func setup() {
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        fill(Rect(0, 0, width, height), .white)
    }

    // MARK: Pages and output

    public func newPage() {
        cairo_show_page(cr)
        fill(Rect(0, 0, width, height), .white)
    }

    /// A new PDF page of `width` × `height` points (portrait or landscape page by page).
    public func newPage(width w: Double, height h: Double) {
        cairo_show_page(cr)
        if isPDF { cairo_pdf_surface_set_size(surface, w, h); width = w; height = h }
        fill(Rect(0, 0, width, height), .white)
    }

    public func writePNG(_ path: String) throws {
        cairo_surface_flush(surface)
        let st = cairo_surface_write_to_png(surface, path)
        guard st == CAIRO_STATUS_SUCCESS else { throw Failure(description: "\(path): cannot write PNG (\(String(cString: cairo_status_to_string(st))))") }
    }

    public func finishPDF() throws {
        cairo_surface_finish(surface)
        let st = cairo_surface_status(surface)
        guard st == CAIRO_STATUS_SUCCESS else { throw Failure(description: "cannot finish the PDF (\(String(cString: cairo_status_to_string(st))))") }
    }

    // MARK: Map frame

    /// Fits `extent` into `rect` keeping its proportions; returns the frame actually used.
    @discardableResult
    public func setFrame(_ rect: Rect, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)) -> Rect {
        let ew = extent.maxX - extent.minX, eh = extent.maxY - extent.minY
        scale = min(rect.w / ew, rect.h / eh)
        let w = ew * scale, h = eh * scale
        frame = Rect(rect.x + (rect.w - w) / 2, rect.y + (rect.h - h) / 2, w, h)
        world = extent
        return frame
    }

    /// Page units per metre.
    public var metresToPage: Double { scale }

    @inline(__always) public func page(_ p: Point) -> (x: Double, y: Double) {
        (frame.x + (p.x - world.minX) * scale, frame.y + (world.maxY - p.y) * scale)
    }

    public func clipToFrame() { cairo_save(cr); cairo_rectangle(cr, frame.x, frame.y, frame.w, frame.h); cairo_clip(cr) }
    public func unclip() { cairo_restore(cr) }

    // MARK: Drawing

    func set(_ c: Colour) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a) }

    public func fill(_ r: Rect, _ c: Colour) {
        set(c); cairo_rectangle(cr, r.x, r.y, r.w, r.h); cairo_fill(cr)
    }

    public func stroke(_ r: Rect, _ c: Colour, width: Double) {
        set(c); cairo_set_line_width(cr, width); cairo_rectangle(cr, r.x, r.y, r.w, r.h); cairo_stroke(cr)
    }

    /// Draws a raster over its extent, pixels kept sharp.
    public func draw(_ overlay: RasterOverlay) {
        guard overlay.width > 0, overlay.height > 0,
              let img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(overlay.width), Int32(overlay.height)) else { return }
        defer { cairo_surface_destroy(img) }
        cairo_surface_flush(img)
        let stride = Int(cairo_image_surface_get_stride(img))
        if let data = cairo_image_surface_get_data(img) {
            overlay.pixels.withUnsafeBufferPointer { src in
                for r in 0..<overlay.height {
                    let row = UnsafeMutableRawPointer(data + r * stride).assumingMemoryBound(to: UInt32.self)
                    for c in 0..<overlay.width { row[c] = src[r * overlay.width + c] }
                }
            }
        }
        cairo_surface_mark_dirty(img)
        let tl = page(Point(overlay.extent.minX, overlay.extent.maxY)), br = page(Point(overlay.extent.maxX, overlay.extent.minY))
        cairo_save(cr)
        cairo_translate(cr, tl.x, tl.y)
        cairo_scale(cr, (br.x - tl.x) / Double(overlay.width), (br.y - tl.y) / Double(overlay.height))
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    func path(_ pts: [Point], close: Bool) {
        guard let first = pts.first else { return }
        let p0 = page(first)
        cairo_move_to(cr, p0.x, p0.y)
        for p in pts.dropFirst() { let q = page(p); cairo_line_to(cr, q.x, q.y) }
        if close { cairo_close_path(cr) }
    }

    /// Fills and/or outlines polygons (holes by the even-odd rule); `hatch` adds diagonal lines.
    public func polygons(_ polys: [Polygon], fill: Colour? = nil, stroke: Colour? = nil, width: Double = 1,
                         hatch: (colour: Colour, spacing: Double, width: Double)? = nil, dash: [Double] = []) {
        guard !polys.isEmpty else { return }
        cairo_new_path(cr)
        for p in polys { path(p.exterior, close: true); for h in p.holes { path(h, close: true) } }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        if let f = fill { set(f); cairo_fill_preserve(cr) }
        if let h = hatch {
            cairo_save(cr)
            cairo_clip_preserve(cr)
            cairo_new_path(cr)
            var x = frame.x - frame.h
            while x < frame.x + frame.w {
                cairo_move_to(cr, x, frame.y + frame.h); cairo_line_to(cr, x + frame.h, frame.y)
                x += h.spacing
            }
            set(h.colour); cairo_set_line_width(cr, h.width); cairo_stroke(cr)
            cairo_restore(cr)
            cairo_new_path(cr)
            for p in polys { path(p.exterior, close: true); for hh in p.holes { path(hh, close: true) } }
        }
        if let s = stroke {
            set(s); cairo_set_line_width(cr, width)
            dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
            cairo_stroke(cr)
            cairo_set_dash(cr, nil, 0, 0)
        }
        cairo_new_path(cr)
    }

    public func lines(_ ls: [[Point]], colour: Colour, width: Double, dash: [Double] = []) {
        guard !ls.isEmpty else { return }
        cairo_new_path(cr)
        for l in ls { path(l, close: false) }
        set(colour); cairo_set_line_width(cr, width)
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    /// Markers: circles, squares or triangles.
    public enum Shape: Sendable { case circle, square, triangle, diamond }

    public func marker(at q: (x: Double, y: Double), shape: Shape, size: Double, fill: Colour, stroke: Colour = .black, width: Double = 1) {
        let r = size / 2
        cairo_new_path(cr)
        switch shape {
        case .circle: cairo_arc(cr, q.x, q.y, r, 0, 2 * Double.pi)
        case .square: cairo_rectangle(cr, q.x - r, q.y - r, size, size)
        case .triangle:
            cairo_move_to(cr, q.x, q.y - r); cairo_line_to(cr, q.x + r, q.y + r * 0.8); cairo_line_to(cr, q.x - r, q.y + r * 0.8); cairo_close_path(cr)
        case .diamond:
            cairo_move_to(cr, q.x, q.y - r); cairo_line_to(cr, q.x + r, q.y); cairo_line_to(cr, q.x, q.y + r); cairo_line_to(cr, q.x - r, q.y); cairo_close_path(cr)
        }
        set(fill); cairo_fill_preserve(cr)
        set(stroke); cairo_set_line_width(cr, width); cairo_stroke(cr)
    }

    public func markers(_ pts: [Point], shape: Shape, size: Double, fill: Colour, stroke: Colour = .black, width: Double = 1) {
        for p in pts { marker(at: page(p), shape: shape, size: size, fill: fill, stroke: stroke, width: width) }
    }

    // MARK: Text

    public func font(_ size: Double, bold: Bool = false, italic: Bool = false) {
        cairo_select_font_face(cr, "DejaVu Sans", italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// Width and height of a text in the current font.
    public func measure(_ s: String) -> (w: Double, h: Double, ascent: Double) {
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        var f = cairo_font_extents_t()
        cairo_font_extents(cr, &f)
        return (e.x_advance, f.ascent + f.descent, f.ascent)
    }

    /// Writes text with its baseline at y; `halo` draws a white outline behind it for legibility on maps.
    public func text(_ s: String, x: Double, y: Double, colour: Colour = .black, halo: Bool = false) {
        if halo {
            cairo_new_path(cr)
            cairo_move_to(cr, x, y)
            cairo_text_path(cr, s)
            set(Colour(1, 1, 1, 0.85)); cairo_set_line_width(cr, 3); cairo_stroke(cr)
        }
        cairo_move_to(cr, x, y)
        set(colour)
        cairo_show_text(cr, s)
    }

    /// Writes text wrapped to a width; returns the height used.
    @discardableResult
    public func paragraph(_ s: String, x: Double, y: Double, width: Double, lineHeight: Double, colour: Colour = .black) -> Double {
        let lines = wrap(s, width: width)
        for (k, l) in lines.enumerated() { text(l, x: x, y: y + Double(k) * lineHeight, colour: colour) }
        return Double(lines.count) * lineHeight
    }

    /// The lines of a text wrapped at spaces to `width` in the current font; a word longer than the width
    /// is cut between letters, so that no line runs past it.
    public func wrap(_ s: String, width: Double) -> [String] {
        var lines: [String] = []
        var lineText = ""
        for word in s.split(separator: " ") {
            let candidate = lineText.isEmpty ? String(word) : lineText + " " + word
            if measure(candidate).w <= width || (lineText.isEmpty && word.count <= 1) { lineText = candidate; continue }
            if !lineText.isEmpty { lines.append(lineText) }
            lineText = String(word)
            while measure(lineText).w > width && lineText.count > 1 {
                var head = lineText
                while measure(head + "-").w > width && head.count > 1 { head.removeLast() }
                lines.append(head + "-")
                lineText = String(lineText.dropFirst(head.count))
            }
        }
        if !lineText.isEmpty { lines.append(lineText) }
        return lines
    }

    // MARK: Cartographic furniture

    /// A scale bar of a round length (1, 2 or 5 × 10ⁿ metres) about a fifth of the frame wide.
    public func scaleBar(at x: Double, _ y: Double, fontSize: Double) {
        let target = frame.w / 5 / scale
        let mag = pow(10, floor(log10(target)))
        let nice = [1.0, 2, 5, 10].map { $0 * mag }.last { $0 <= target } ?? mag
        let w = nice * scale, h = fontSize * 0.5
        fill(Rect(x - 4, y - fontSize * 1.6, w + 8 + measure("0000 km").w, fontSize * 2.6 + h), Colour(1, 1, 1, 0.8))
        for k in 0..<4 {
            fill(Rect(x + Double(k) * w / 4, y, w / 4, h), k % 2 == 0 ? .black : .white)
        }
        stroke(Rect(x, y, w, h), .black, width: 0.8)
        font(fontSize)
        let label = nice >= 1000 ? "\(Int(nice / 1000)) km" : "\(Int(nice)) m"
        text("0", x: x - measure("0").w / 2, y: y - fontSize * 0.3)
        text(label, x: x + w - measure(label).w / 2, y: y - fontSize * 0.3)
    }

    /// A north arrow (the frame is north-up).
    public func northArrow(at x: Double, _ y: Double, size: Double) {
        cairo_new_path(cr)
        cairo_move_to(cr, x, y - size / 2); cairo_line_to(cr, x + size / 4, y + size / 2); cairo_line_to(cr, x, y + size / 4); cairo_close_path(cr)
        set(.black); cairo_fill(cr)
        cairo_move_to(cr, x, y - size / 2); cairo_line_to(cr, x - size / 4, y + size / 2); cairo_line_to(cr, x, y + size / 4); cairo_close_path(cr)
        set(.white); cairo_fill_preserve(cr); set(.black); cairo_set_line_width(cr, 1); cairo_stroke(cr)
        font(size * 0.35, bold: true)
        let m = measure("N")
        text("N", x: x - m.w / 2, y: y - size / 2 - size * 0.08)
    }
}
