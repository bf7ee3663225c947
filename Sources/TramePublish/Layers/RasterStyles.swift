import Foundation
import TrameRaster
import TrameScheme

/// How QGIS draws one of the scheme's rasters: its classes (paletted renderer, labelled) or a colour ramp
/// (singleband pseudocolor, stops labelled with their units), in the printed map's colours. Written as a
/// `.qml` beside the raster (QGIS loads it when the file is opened) and embedded in the QGIS project.
public struct RasterStyle: Sendable {
    public struct Class: Sendable {
        public var value: Int
        public var label: String
        public var colour: RGB
        /// 0 (transparent) – 255.
        public var alpha: Int
    }
    public struct Stop: Sendable {
        /// The cell value, in the raster's units.
        public var value: Double
        public var label: String
        public var colour: RGB
        /// 0 (transparent) – 255.
        public var alpha: Int
    }
    public enum Renderer: Sendable {
        case classes([Class])
        /// Stops interpolated linearly; values beyond the last stop take its colour.
        case ramp([Stop])
    }
    /// Path inside the output folder, e.g. `rasters/forest_resistance.tif`.
    public var file: String
    /// The layer's name in the run's language.
    public var title: String
    /// The sub-network the raster belongs to; nil for the territory's rasters.
    public var subNetwork: String?
    public var renderer: Renderer
    /// Shown when the project opens (the rasters that the printed map draws as vectors start hidden).
    public var visible: Bool

    /// The raster pipe (renderer and filters) as QGIS writes it in a project or a style.
    public var pipe: String {
        let x = QGISStyles.xmlEscape
        let minMax = "<minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy>"
            + "<cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor></minMaxOrigin>"
        let renderer: String
        switch self.renderer {
        case .classes(let classes):
            let entries = classes.map {
                "<paletteEntry value=\"\($0.value)\" color=\"\($0.colour.hex)\" alpha=\"\($0.alpha)\" label=\"\(x($0.label))\"/>"
            }.joined()
            renderer = "<rasterrenderer type=\"paletted\" band=\"1\" alphaBand=\"-1\" opacity=\"1\" nodataColor=\"\"><rasterTransparency/>"
                + minMax + "<colorPalette>\(entries)</colorPalette></rasterrenderer>"
        case .ramp(let stops):
            let lo = stops.first?.value ?? 0, hi = stops.last?.value ?? 1
            let items = stops.map {
                "<item value=\"\(RasterStyle.number($0.value))\" color=\"\($0.colour.hex)\" alpha=\"\($0.alpha)\" label=\"\(x($0.label))\"/>"
            }.joined()
            renderer = "<rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" alphaBand=\"-1\" opacity=\"1\" nodataColor=\"\""
                + " classificationMin=\"\(RasterStyle.number(lo))\" classificationMax=\"\(RasterStyle.number(hi))\"><rasterTransparency/>" + minMax
                + "<rastershader><colorrampshader colorRampType=\"INTERPOLATED\" classificationMode=\"1\" clip=\"0\""
                + " minimumValue=\"\(RasterStyle.number(lo))\" maximumValue=\"\(RasterStyle.number(hi))\" labelPrecision=\"4\">"
                + items + "</colorrampshader></rastershader></rasterrenderer>"
        }
        return "<pipe>" + renderer + "<brightnesscontrast brightness=\"0\" contrast=\"0\" gamma=\"1\"/>"
            + "<huesaturation saturation=\"0\" colorizeOn=\"0\" colorizeRed=\"255\" colorizeGreen=\"128\" colorizeBlue=\"128\" colorizeStrength=\"100\" grayscaleMode=\"0\" invertColors=\"0\"/>"
            + "<rasterresampler maxOversampling=\"2\"/><resamplingStage>resamplingFilter</resamplingStage></pipe>"
    }

    /// The style document QGIS loads from `NAME.qml` beside `NAME.tif`.
    public var qml: String {
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"\(QGISProject.version)\" styleCategories=\"Symbology\">"
            + pipe + "<blendMode>0</blendMode></qgis>\n"
    }

    /// A value as QGIS reads it back exactly (shortest round-trip form, no grouping).
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}

/// Chooses the style of each raster of a scheme from its file name (`rasters/<sub-network>_resistance.tif`,
/// `rasters/nature_spaces.tif`…) and its values: class labels and colours for classified rasters, a ramp
/// between sensible bounds (the 98th percentile for long-tailed costs and currents) for continuous ones.
public struct RasterStyler: Sendable {
    public struct Sub: Sendable {
        public var name: String
        public var title: String
        public var colour: RGB
    }
    public let subNetworks: [Sub]
    public let words: Words

    public init(subNetworks: [SubNetwork], lang: String) {
        let w = Words(lang)
        words = w
        self.subNetworks = subNetworks.map { Sub(name: $0.name, title: $0.label(in: w.lang), colour: $0.colour) }
    }

    /// The style of `grid` written to `file` (its path inside the output folder); `categories` and `colours`
    /// are the classes the stage gave (used for rasters this styler does not know by name).
    public func style<T: GridScalar>(_ grid: Grid<T>, file: String, description: String,
                                     categories: [Int: String], colours: [Int: (UInt8, UInt8, UInt8)]) -> RasterStyle {
        let w = words
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        // The sub-network whose name prefixes the file (the longest, should one name prefix another).
        let sub = subNetworks.filter { base.hasPrefix($0.name + "_") }.max { $0.name.count < $1.name.count }
        let kind = sub.map { String(base.dropFirst($0.name.count + 1)) } ?? base
        let values = RasterStyler.sample(grid)
        func evenRamp(_ bounds: (Double, Double), unit: String, _ colours: [(RGB, Int)]) -> RasterStyle.Renderer {
            let (lo, hi) = bounds.1 > bounds.0 ? bounds : (bounds.0, bounds.0 + 1)
            return .ramp(colours.enumerated().map { k, c in
                let v = lo + (hi - lo) * Double(k) / Double(colours.count - 1)
                return RasterStyle.Stop(value: v, label: "\(RasterStyler.readable(v, w)) \(w.unit(unit, for: v))", colour: c.0, alpha: c.1)
            })
        }
        switch (sub, kind) {
        case (nil, "nature_spaces"):
            return RasterStyle(file: file, title: "\(w.natureSpaces) (\(w.cells))", subNetwork: nil,
                               renderer: .classes([RasterStyle.Class(value: 1, label: w.major, colour: Palette.major, alpha: 255),
                                                   RasterStyle.Class(value: 2, label: w.mixed, colour: Palette.mixed, alpha: 255)]),
                               visible: false)
        case (nil, "land_cover"):
            let classes = categories.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { k, label in
                RasterStyle.Class(value: k, label: label, colour: colours[k].map { RGB($0.0, $0.1, $0.2) } ?? Palette.grouping, alpha: 255)
            }
            return RasterStyle(file: file, title: w[.landCoverAsUsed], subNetwork: nil, renderer: .classes(classes), visible: false)
        case (nil, "buffer_zones"):
            return RasterStyle(file: file, title: w.bufferMembership, subNetwork: nil,
                               renderer: evenRamp((0, 100), unit: "%", [(Palette.buffer, 0), (Palette.buffer, 90), (Palette.buffer, 200)]), visible: false)
        case (nil, "green_network"):
            let c = colours[1].map { RGB($0.0, $0.1, $0.2) } ?? Palette.mixed
            return RasterStyle(file: file, title: w.greenNetwork, subNetwork: nil,
                               renderer: .classes([RasterStyle.Class(value: 1, label: w.greenNetwork, colour: c, alpha: 200)]), visible: false)
        case (let s?, "resistance"):
            // Frictions span orders of magnitude: stops at quantiles, so that each colour covers a share of the land.
            let q = [0, 0.25, 0.5, 0.75, 0.98].map { RasterStyler.quantile(values, $0) }
            let ylOrRd: [(RGB, Int)] = [(RGB(255, 255, 204), 255), (RGB(254, 217, 118), 255), (RGB(253, 141, 60), 255), (RGB(227, 26, 28), 255), (RGB(128, 0, 38), 255)]
            var stops: [RasterStyle.Stop] = []
            for (v, c) in zip(q, ylOrRd) where stops.last.map({ v > $0.value }) ?? true {
                stops.append(RasterStyle.Stop(value: v, label: "\(RasterStyler.readable(v, w)) \(w.unit(w.costUnitsPerMetre, for: v))", colour: c.0, alpha: c.1))
            }
            if stops.count < 2 { return RasterStyle(file: file, title: "\(w.resistance) — \(s.title)", subNetwork: s.name,
                                                    renderer: self.ramp(values, unit: w.costUnitsPerMetre, [(ylOrRd[0].0, 255), (ylOrRd[4].0, 255)]), visible: false) }
            return RasterStyle(file: file, title: "\(w.resistance) — \(s.title)", subNetwork: s.name, renderer: .ramp(stops), visible: false)
        case (let s?, "cost_distance"):
            return RasterStyle(file: file, title: "\(w.costDistance) — \(s.title)", subNetwork: s.name,
                               renderer: evenRamp((0, RasterStyler.quantile(values, 0.98)), unit: w.costUnits,
                                              [(s.colour, 255), (s.colour.mixed(with: 0.5), 255), (s.colour.mixed(with: 0.9), 255)]), visible: false)
        case (let s?, "corridors"):
            let riparian = description.contains("riparian")
            return RasterStyle(file: file, title: "\(riparian ? w.riparianStrip : w.corridorCost) — \(s.title)", subNetwork: s.name,
                               renderer: evenRamp((0, values.last ?? 1), unit: riparian ? w.metresFromAxis : w.costUnitsAboveThePath,
                                              [(s.colour, 230), (s.colour, 140), (s.colour, 50)]), visible: false)
        case (let s?, "current"):
            return RasterStyle(file: file, title: "\(w.currentFlow) — \(s.title)", subNetwork: s.name,
                               renderer: evenRamp((0, RasterStyler.quantile(values, 0.98)), unit: w.amperesPerCell,
                                              [(Palette.pinch.mixed(with: 0.8), 0), (Palette.pinch.mixed(with: 0.5), 150), (Palette.pinch, 255)]), visible: false)
        default:
            let title = "\(base)" + (sub.map { " — \($0.title)" } ?? "")
            if !categories.filter({ !$0.value.isEmpty }).isEmpty {
                let classes = categories.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { k, label in
                    RasterStyle.Class(value: k, label: label, colour: colours[k].map { RGB($0.0, $0.1, $0.2) } ?? Palette.grouping, alpha: 255)
                }
                return RasterStyle(file: file, title: title, subNetwork: sub?.name, renderer: .classes(classes), visible: false)
            }
            return RasterStyle(file: file, title: title, subNetwork: sub?.name,
                               renderer: self.ramp(values, unit: "", [(RGB(247, 252, 245), 255), (Palette.mixed, 255), (Palette.major, 255)]), visible: false)
        }
    }

    /// A ramp from the smallest value to the 98th percentile.
    func ramp(_ values: [Double], unit: String, _ colours: [(RGB, Int)]) -> RasterStyle.Renderer {
        let lo = values.first ?? 0, hi0 = RasterStyler.quantile(values, 0.98)
        let hi = hi0 > lo ? hi0 : lo + 1
        return .ramp(colours.enumerated().map { k, c in
            let v = lo + (hi - lo) * Double(k) / Double(colours.count - 1)
            return RasterStyle.Stop(value: v, label: "\(RasterStyler.readable(v, words)) \(words.unit(unit, for: v))".trimmingCharacters(in: .whitespaces), colour: c.0, alpha: c.1)
        })
    }

    /// The grid's valid values (no nodata, no NaN), sorted; at most about a million, taken at a regular stride.
    static func sample<T: GridScalar>(_ grid: Grid<T>) -> [Double] {
        let stride = max(1, grid.values.count / 1_000_000)
        var out: [Double] = []
        out.reserveCapacity(grid.values.count / stride + 1)
        // NoData compared as a double, unwrapped once (every GridScalar converts to Double exactly): in this
        // generic loop `isNoData` would ask the runtime for `Optional<T>`'s metadata at every cell.
        let nd = grid.noData?.gridDouble ?? .nan
        var i = 0
        while i < grid.values.count {
            let d = grid.values[i].gridDouble
            if d == d && d != nd { out.append(d) }
            i += stride
        }
        return out.sorted()
    }

    /// The `q` quantile (0–1) of sorted values (nearest rank); 0 when there are none.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count - 1)).rounded())))]
    }

    /// Three significant digits at most, in the language's way of writing numbers (1 250, 0.042).
    static func readable(_ v: Double, _ w: Words) -> String {
        let a = abs(v)
        let decimals = a == 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : min(6, 2 - Int(floor(log10(a))))
        var s = w.number(v, decimals: decimals)
        let point = w.fr ? "," : "."
        if s.contains(point) {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(point) { s.removeLast() }
        }
        return s
    }
}

extension RGB {
    /// This colour mixed with white: `t` 0 keeps it, 1 gives white.
    func mixed(with t: Double) -> RGB {
        func m(_ c: UInt8) -> UInt8 { UInt8((Double(c) + (255 - Double(c)) * t).rounded()) }
        return RGB(m(r), m(g), m(b))
    }
}
