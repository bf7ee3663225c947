import Foundation
import TrameGDAL
import TrameScheme
import TrameVector

/// The scheme as a QGIS project (`.qgs` XML), stored inside scheme.gpkg: every layer of the GeoPackage and
/// every raster, styled in the printed map's colours, grouped by sub-network, named in the run's language,
/// in the scheme's CRS and opening on the territory. Sources are relative to the GeoPackage's folder
/// (`./scheme.gpkg|layername=…`, `./rasters/….tif`), so that the folder can be moved or sent whole.
public struct QGISProject {
    /// The QGIS version the documents are written for (Debian 12's, the oldest the planners use).
    public static let version = "3.22.0-Białowieża"

    public struct Layer {
        public enum Kind {
            /// A GeoPackage layer: its geometry and its `<renderer-v2>` element.
            case vector(GeometryKind, renderer: String)
            /// A raster: its `<pipe>` element.
            case raster(pipe: String)
        }
        /// Unique in the project, and longer than 10 characters (QGIS replaces shorter ids with new ones,
        /// which the layer tree then no longer finds).
        public var id: String
        public var name: String
        /// Relative to the project's folder.
        public var source: String
        public var kind: Kind
        public var visible: Bool
    }
    public struct Group {
        public var name: String
        public var layers: [Layer]
        public var expanded: Bool
    }

    public var title: String
    public var lang: String
    public var crsWKT: String
    /// The territory, in the CRS's units (m).
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    /// Top of the layer tree (drawn last) first.
    public var groups: [Group]

    public init(title: String, lang: String, crsWKT: String, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double), groups: [Group]) {
        self.title = title; self.lang = lang; self.crsWKT = crsWKT; self.extent = extent; self.groups = groups
    }

    // MARK: The scheme's project

    /// The layers of a scheme: one group for the territory (units, leisure hubs, itineraries), one per
    /// sub-network (its conflict points, pinch points, links, corridors, reservoirs and rasters, the vector
    /// layers filtered on `subnetwork`), and one for the nature spaces and buffer zones. Empty layers are left out.
    public static func scheme(title: String, lang: String, subNetworks: [SubNetwork], levels: [UnitLevelSpec] = [], layers: Layers,
                              extent: (minX: Double, minY: Double, maxX: Double, maxY: Double), rasters: [RasterStyle]) -> QGISProject {
        let w = Words(lang)
        let renderers = SchemeStyles.renderers(subNetworks, levels: levels, lang: lang)
        let gpkg = "./scheme.gpkg"
        func whole(_ l: VectorLayer, _ layer: SchemeLayer, _ name: String, visible: Bool = true) -> Layer? {
            guard !l.features.isEmpty, let r = renderers[layer.name] else { return nil }
            return Layer(id: "trame_layer_\(layer.name)", name: name, source: "\(gpkg)|layername=\(layer.name)", kind: .vector(layer.geometryKind, renderer: r), visible: visible)
        }
        /// The sub-network's features of a layer; `functionalOnly` keeps the links within the dispersal distance.
        func filtered(_ l: VectorLayer, _ layer: SchemeLayer, _ sub: SubNetwork, _ name: String, _ renderer: String, visible: Bool = true,
                      functionalOnly: Bool = false) -> Layer? {
            guard l.features.contains(where: { $0["subnetwork"].stringValue == sub.name && (!functionalOnly || $0["functional"] == .integer(1)) })
            else { return nil }
            let subset = "\"subnetwork\" = '\(sub.name.replacingOccurrences(of: "'", with: "''"))'" + (functionalOnly ? " AND \"functional\" = 1" : "")
            return Layer(id: "trame_layer_\(layer.name)\(functionalOnly ? "_functional" : "")_\(identifier(sub.name))", name: name, source: "\(gpkg)|layername=\(layer.name)|subset=\(subset)",
                         kind: .vector(layer.geometryKind, renderer: renderer), visible: visible)
        }
        func raster(_ r: RasterStyle) -> Layer {
            Layer(id: "trame_layer_" + identifier((r.file as NSString).deletingPathExtension), name: r.title, source: "./" + r.file, kind: .raster(pipe: r.pipe), visible: r.visible)
        }
        var groups: [Group] = []
        let named: [Layer?] = [
            whole(layers.itineraryGaps, .itineraryGaps, w[.itineraryGaps]),
            whole(layers.sharedLinks, .sharedLinks, w[.sharedLinks]),
            whole(layers.namedItineraries, .namedItineraries, w[.namedItineraries]),
            whole(layers.itineraryProposals, .itineraryProposals, w[.itineraryProposals], visible: false),
        ]
        if !named.compactMap({ $0 }).isEmpty { groups.append(Group(name: w[.namedItineraries], layers: named.compactMap { $0 }, expanded: true)) }
        groups.append(Group(name: w.territory, layers: [
            whole(layers.hubs, .leisureHubs, w.leisureHubs),
            whole(layers.itineraries, .itineraries, w.itineraries),
            whole(layers.units, .units, w.units),
        ].compactMap { $0 }, expanded: true))
        for sub in subNetworks {
            let c = sub.colour.tuple
            // Shown at first as on the printed overview (corridors and functional links in the sub-network's
            // colour, with the conflict points); all links, reservoirs and pinch points one click away.
            let vectors: [Layer?] = [
                filtered(layers.conflicts, .conflictPoints, sub, w.conflictPoints,
                         QGISStyles.singleRenderer(.marker, Palette.conflict.tuple, shape: "triangle")),
                filtered(layers.pinchPoints, .pinchPoints, sub, w.pinchPoints, QGISStyles.singleRenderer(.fill, Palette.pinch.tuple, alpha: 220, width: 0.2),
                         visible: false),
                filtered(layers.links, .links, sub, w.functionalLinks, QGISStyles.singleRenderer(.line, c, width: 0.6), functionalOnly: true),
                filtered(layers.links, .links, sub, w.links, QGISStyles.singleRenderer(.line, c, width: 0.25, dash: true), visible: false),
                filtered(layers.corridors, .corridors, sub, w.corridors, QGISStyles.singleRenderer(.fill, c, alpha: 115, width: 0.2)),
                filtered(layers.reservoirs, .reservoirs, sub, w.reservoirs, QGISStyles.singleRenderer(.fill, c, alpha: 190, width: 0.3), visible: false),
            ]
            let order = ["current", "corridors", "cost_distance", "resistance"]
            let own = rasters.filter { $0.subNetwork == sub.name }.sorted { a, b in
                let ka = order.firstIndex { a.file.hasSuffix("_\($0).tif") } ?? order.count, kb = order.firstIndex { b.file.hasSuffix("_\($0).tif") } ?? order.count
                return (ka, a.file) < (kb, b.file)
            }
            groups.append(Group(name: sub.label(in: w.lang), layers: vectors.compactMap { $0 } + own.map(raster), expanded: false))
        }
        let territoryRasters = rasters.filter { $0.subNetwork == nil }.sorted { $0.file < $1.file }
        groups.append(Group(name: w.natureAndBuffers, layers: [
            whole(layers.bufferZones, .bufferZones, w.bufferZones),
            whole(layers.natureSpaces, .natureSpaces, w.natureSpaces),
        ].compactMap { $0 } + territoryRasters.map(raster), expanded: true))
        return QGISProject(title: title, lang: lang, crsWKT: layers.crsWKT, extent: extent, groups: groups)
    }

    /// Letters, digits and underscores only (layer ids).
    static func identifier(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    // MARK: The document

    /// The `.qgs` document.
    public func xml() -> String {
        let x = QGISStyles.xmlEscape
        let srs = QGISProject.spatialRefSys(crsWKT)
        let e = extent
        func extentXML() -> String {
            "<extent><xmin>\(e.minX)</xmin><ymin>\(e.minY)</ymin><xmax>\(e.maxX)</xmax><ymax>\(e.maxY)</ymax></extent>"
        }
        func checked(_ b: Bool) -> String { b ? "Qt::Checked" : "Qt::Unchecked" }
        let all = groups.flatMap(\.layers)
        var s = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        s += "<qgis projectname=\"\(x(title))\" version=\"\(QGISProject.version)\">\n"
        s += "<homePath path=\"\"/>\n<title>\(x(title))</title>\n<projectCrs>\(srs)</projectCrs>\n"
        // Layer tree.
        s += "<layer-tree-group><customproperties/>\n"
        for g in groups where !g.layers.isEmpty {
            s += "<layer-tree-group name=\"\(x(g.name))\" checked=\"Qt::Checked\" expanded=\"\(g.expanded ? 1 : 0)\"><customproperties/>\n"
            for l in g.layers {
                let provider = if case .raster = l.kind { "gdal" } else { "ogr" }
                s += "<layer-tree-layer id=\"\(x(l.id))\" name=\"\(x(l.name))\" source=\"\(x(l.source))\" providerKey=\"\(provider)\""
                    + " checked=\"\(checked(l.visible))\" expanded=\"\(l.visible ? 1 : 0)\"><customproperties/></layer-tree-layer>\n"
            }
            s += "</layer-tree-group>\n"
        }
        s += "<custom-order enabled=\"0\"/></layer-tree-group>\n"
        // Layers.
        s += "<projectlayers>\n"
        for l in all {
            switch l.kind {
            case let .vector(kind, renderer):
                let (geometry, wkb) = QGISProject.geometry(kind)
                s += "<maplayer type=\"vector\" geometry=\"\(geometry)\" wkbType=\"\(wkb)\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\""
                    + " minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\" labelsEnabled=\"0\" simplifyDrawingHints=\"1\" simplifyLocal=\"1\""
                    + " simplifyAlgorithm=\"0\" simplifyDrawingTol=\"1\" simplifyMaxScale=\"1\" symbologyReferenceScale=\"-1\">"
                s += extentXML() + "<id>\(x(l.id))</id><datasource>\(x(l.source))</datasource><layername>\(x(l.name))</layername>"
                s += "<srs>\(srs)</srs><provider encoding=\"UTF-8\">ogr</provider>" + renderer
                s += "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode><layerOpacity>1</layerOpacity></maplayer>\n"
            case let .raster(pipe):
                s += "<maplayer type=\"raster\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"1e+08\" maxScale=\"0\">"
                s += extentXML() + "<id>\(x(l.id))</id><datasource>\(x(l.source))</datasource><layername>\(x(l.name))</layername>"
                s += "<srs>\(srs)</srs><provider>gdal</provider><noData><noDataList bandNo=\"1\" useSrcNoData=\"1\"/></noData>"
                s += pipe + "<blendMode>0</blendMode></maplayer>\n"
            }
        }
        s += "</projectlayers>\n<layerorder>" + all.map { "<layer id=\"\(x($0.id))\"/>" }.joined() + "</layerorder>\n"
        // QGIS reads <projectCrs> only when the project says it has one.
        s += "<properties><SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys><Paths><Absolute type=\"bool\">false</Absolute></Paths>"
            + "<Measurement><DistanceUnits type=\"QString\">meters</DistanceUnits><AreaUnits type=\"QString\">ha</AreaUnits></Measurement></properties>\n"
        s += "<mapcanvas name=\"theMapCanvas\"><units>meters</units>" + extentXML()
            + "<rotation>0</rotation><destinationsrs>\(srs)</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>\n"
        s += "<projectMetadata><identifier></identifier><parentidentifier></parentidentifier><language>\(lang)</language><type>project</type>"
            + "<title>\(x(title))</title><abstract></abstract><links/><author>Trame</author></projectMetadata>\n"
        s += "<ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\"><Scales/>"
            + "<DefaultViewExtent xmin=\"\(e.minX)\" ymin=\"\(e.minY)\" xmax=\"\(e.maxX)\" ymax=\"\(e.maxY)\">\(srs)</DefaultViewExtent></ProjectViewSettings>\n"
        s += "</qgis>\n"
        return s
    }

    /// QGIS's geometry family and WKB type names of a layer's geometry.
    static func geometry(_ k: GeometryKind) -> (String, String) {
        switch k {
        case .point: ("Point", "Point")
        case .multiPoint: ("Point", "MultiPoint")
        case .lineString: ("Line", "LineString")
        case .multiLineString: ("Line", "MultiLineString")
        case .polygon: ("Polygon", "Polygon")
        case .multiPolygon: ("Polygon", "MultiPolygon")
        case .unknown: ("Unknown", "Unknown")
        }
    }

    /// A `<spatialrefsys>` element: the WKT, and the EPSG code when GDAL identifies one.
    static func spatialRefSys(_ wkt: String) -> String {
        let x = QGISStyles.xmlEscape
        let ref = SpatialReference.fromWKT(wkt)
        let code = ref?.epsgCode
        return "<spatialrefsys><wkt>\(x(wkt))</wkt><proj4></proj4><srsid>0</srsid><srid>\(code ?? 0)</srid>"
            + "<authid>\(code.map { "EPSG:\($0)" } ?? "")</authid><description>\(x(ref?.name ?? ""))</description>"
            + "<projectionacronym></projectionacronym><ellipsoidacronym></ellipsoidacronym><geographicflag>false</geographicflag></spatialrefsys>"
    }

    /// The project zipped (`.qgz`) under `name`, ready for the GeoPackage's `qgis_projects` table.
    public func stored(as name: String) throws -> GeoPackageProject {
        try GeoPackageProject(name: name, qgs: xml())
    }
}
