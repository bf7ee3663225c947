import TrameSample

/// QGIS styles (QML) for the layers Trame writes, stored in the GeoPackage's `layer_styles` table.
public enum QGISStyles {
    public enum Kind { case fill, line, marker }

    public static func rgba(_ c: (Int, Int, Int), _ a: Int = 255) -> String { "\(c.0),\(c.1),\(c.2),\(a)" }

    public static func symbol(_ kind: Kind, name: String, colour: (Int, Int, Int), alpha: Int = 255, width: Double = 0.4,
                       fillStyle: String = "solid", shape: String = "circle", dash: Bool = false) -> String {
        let props: [(String, String)]
        let cls: String, type: String
        switch kind {
        case .fill:
            cls = "SimpleFill"; type = "fill"
            props = [("color", rgba(colour, alpha)), ("outline_color", rgba((colour.0 / 2, colour.1 / 2, colour.2 / 2))),
                     ("outline_width", String(width)), ("outline_width_unit", "MM"), ("style", fillStyle)]
        case .line:
            cls = "SimpleLine"; type = "line"
            props = [("line_color", rgba(colour, alpha)), ("line_width", String(width)), ("line_width_unit", "MM"), ("line_style", dash ? "dash" : "solid")]
        case .marker:
            cls = "SimpleMarker"; type = "marker"
            props = [("color", rgba(colour, alpha)), ("name", shape), ("size", "3"), ("size_unit", "MM"),
                     ("outline_color", "35,35,35,255"), ("outline_width", "0.3")]
        }
        let options = props.map { "<Option type=\"QString\" name=\"\($0.0)\" value=\"\($0.1)\"/>" }.joined()
        return "<symbol type=\"\(type)\" name=\"\(name)\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
            + "<layer class=\"\(cls)\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">\(options)</Option></layer></symbol>"
    }

    public static func document(_ renderer: String) -> String {
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">"
            + renderer + "</qgis>"
    }

    public static func single(_ kind: Kind, _ colour: (Int, Int, Int), alpha: Int = 255, width: Double = 0.4,
                       fillStyle: String = "solid", shape: String = "circle", dash: Bool = false) -> String {
        document(singleRenderer(kind, colour, alpha: alpha, width: width, fillStyle: fillStyle, shape: shape, dash: dash))
    }

    /// The `<renderer-v2>` element of `single` (as a QGIS project embeds it in its layer).
    public static func singleRenderer(_ kind: Kind, _ colour: (Int, Int, Int), alpha: Int = 255, width: Double = 0.4,
                                      fillStyle: String = "solid", shape: String = "circle", dash: Bool = false) -> String {
        "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><symbols>"
            + symbol(kind, name: "0", colour: colour, alpha: alpha, width: width, fillStyle: fillStyle, shape: shape, dash: dash)
            + "</symbols></renderer-v2>"
    }

    public static func categorized(_ kind: Kind, field: String, _ cats: [(String, (Int, Int, Int))], alpha: Int = 255, width: Double = 0.4,
                            fillStyle: String = "solid", labels: [String]? = nil) -> String {
        document(categorizedRenderer(kind, field: field, cats, alpha: alpha, width: width, fillStyle: fillStyle, labels: labels))
    }

    /// The `<renderer-v2>` element of `categorized`.
    public static func categorizedRenderer(_ kind: Kind, field: String, _ cats: [(String, (Int, Int, Int))], alpha: Int = 255, width: Double = 0.4,
                                           fillStyle: String = "solid", labels: [String]? = nil) -> String {
        let esc = xmlEscape
        let categories = cats.enumerated().map { "<category render=\"true\" value=\"\(esc($1.0))\" label=\"\(esc(labels?[$0] ?? $1.0))\" symbol=\"\($0)\"/>" }.joined()
        let symbols = cats.enumerated().map { symbol(kind, name: String($0), colour: $1.1, alpha: alpha, width: width, fillStyle: fillStyle) }.joined()
        return "<renderer-v2 type=\"categorizedSymbol\" attr=\"\(esc(field))\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">"
            + "<categories>\(categories)</categories><symbols>\(symbols)</symbols></renderer-v2>"
    }

    /// Text escaped for an XML attribute or element (& < > " ').
    public static func xmlEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "'", with: "&apos;")
    }

    /// Styles of the sample territory's layers.
    public static var territory: [String: String] {
        [
            "nature_inventories": categorized(.fill, field: "inventory", [
                ("ZNIEFF type 1", (60, 160, 60)), ("Natura 2000", (30, 110, 170)), ("Espace naturel sensible", (200, 160, 40)),
                ("Terril d'intérêt écologique", (120, 90, 50)), ("Zone humide prioritaire", (60, 180, 190)),
            ], alpha: 110),
            "roads": categorized(.line, field: "class", [("motorway", (200, 40, 40)), ("primary", (230, 140, 40)), ("secondary", (120, 120, 120))], width: 0.6),
            "railways": single(.line, (60, 60, 60), width: 0.5),
            "paths": categorized(.line, field: "class", [("greenway", (30, 140, 60)), ("cycleway", (40, 90, 200)), ("track", (150, 110, 60)), ("footway", (200, 80, 160))], width: 0.5),
            "communes": single(.fill, (255, 255, 255), alpha: 0, width: 0.3),
            "groupings": single(.fill, (255, 255, 255), alpha: 0, width: 0.8),
            "leisure_hubs": single(.marker, (230, 90, 30)),
            "watercourses": categorized(.line, field: "kind", [("river", (31, 95, 191)), ("canal", (20, 60, 140))], width: 0.7),
            "obstacles": single(.marker, (200, 30, 30), shape: "triangle"),
        ]
    }

    /// Styles of the ecological network's layers for each sub-network.
    public static func network(_ names: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for n in names {
            out["\(n)_reservoirs"] = single(.fill, (40, 140, 60), alpha: 180)
            out["\(n)_links"] = single(.line, (220, 120, 20), width: 0.7)
        }
        return out
    }
}
