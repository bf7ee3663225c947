import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TrameGDAL
@testable import TramePublish
import TrameRaster
@testable import TrameScheme
import TrameVector
import XCTest

/// The QGIS project document and the rasters' styles, on hand-made layers and grids whose answers are
/// worked by hand; the document parsed back by Foundation's XML parser, the stored project read back
/// through GDAL. (SchemeRunQGISTests opens a whole scheme's project in QGIS itself.)
final class QGISProjectTests: XCTestCase {
    let l93 = try! SpatialReference(epsg: 2154)

    func sub(_ name: String, _ label: String, _ colour: RGB) -> SubNetwork {
        SubNetwork(name: name, label: label, habitat: [1], supporting: [], frictionColumn: name, minReservoirHa: 1, inventories: [],
                   dispersalCost: 1000, dispersalProbability: 0.5, corridorWidth: .cost(100), colour: colour, line: nil)
    }

    /// Two sub-networks, one reservoir in the first only; a river with an apostrophe in its French name.
    func project(lang: String) -> QGISProject {
        var layers = Layers(crsWKT: l93.wkt)
        let square = Polygon(exterior: [Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)])
        layers.reservoirs.features.append(Feature(geometry: .multiPolygon([square]), attributes: ["subnetwork": .string("forest")]))
        layers.natureSpaces.features.append(Feature(geometry: .multiPolygon([square]), attributes: ["typology": .string("major_interest")]))
        // Forest with Trame's own English label (named in French by Trame), river with a label of the user's and its French form.
        var river = sub("river", "Rivers & canals", RGB(30, 90, 200))
        river.labelFr = "Sous-trame des cours d'eau"
        let subs = [sub("forest", "Forest (woods, copses and hedges)", RGB(20, 120, 40)), river]
        let styler = RasterStyler(subNetworks: subs, lang: lang)
        let spec = GridSpec(cols: 2, rows: 2, transform: GeoTransform(west: 0, north: 10, cellSize: 5), crsWKT: l93.wkt)
        let rasters = [
            styler.style(Grid(spec: spec, values: [0, 1, 2, 1] as [UInt8]), file: "rasters/nature_spaces.tif", description: "", categories: [:], colours: [:]),
            styler.style(Grid(spec: spec, values: [1, 10, 100, 1000] as [Float]), file: "rasters/river_resistance.tif", description: "", categories: [:], colours: [:]),
        ]
        return QGISProject.scheme(title: "Bassin <minier> & \"co\"", lang: lang, subNetworks: subs, layers: layers,
                                  extent: (0, 0, 10, 10), rasters: rasters)
    }

    func testTheProjectIsWellFormedXMLWithRelativeSourcesAndGroupsInTheLanguage() throws {
        let xml = project(lang: "fr").xml()
        let doc = try XMLDocument(xmlString: xml, options: [])
        let root = try XCTUnwrap(doc.rootElement())
        XCTAssertEqual(root.name, "qgis")
        XCTAssertEqual(root.attribute(forName: "projectname")?.stringValue, "Bassin <minier> & \"co\"")

        // Groups: the territory (no layer: left out), each sub-network, the nature spaces.
        let groups = try root.nodes(forXPath: "layer-tree-group/layer-tree-group").compactMap { ($0 as? XMLElement)?.attribute(forName: "name")?.stringValue }
        XCTAssertEqual(groups, ["Sous-trame forestière (bois, bosquets et haies)", "Sous-trame des cours d'eau", "Espaces de nature et zones tampons"])

        // Sources: relative to the GeoPackage's folder; the forest's reservoirs filtered on it.
        let sources = try root.nodes(forXPath: "projectlayers/maplayer/datasource").map { $0.stringValue ?? "" }
        XCTAssertEqual(sources, ["./scheme.gpkg|layername=reservoirs|subset=\"subnetwork\" = 'forest'", "./rasters/river_resistance.tif",
                                 "./scheme.gpkg|layername=nature_spaces", "./rasters/nature_spaces.tif"])
        XCTAssertEqual(try root.nodes(forXPath: "properties/Paths/Absolute").first?.stringValue, "false")
        // Every layer of the tree is declared, with the scheme's CRS.
        let treeIDs = try root.nodes(forXPath: "//layer-tree-layer").compactMap { ($0 as? XMLElement)?.attribute(forName: "id")?.stringValue }
        let layerIDs = try root.nodes(forXPath: "projectlayers/maplayer/id").map { $0.stringValue ?? "" }
        XCTAssertEqual(treeIDs, layerIDs)
        XCTAssertEqual(Set(layerIDs).count, 4)
        XCTAssertEqual(Set(try root.nodes(forXPath: "projectlayers/maplayer/srs/spatialrefsys/authid").map { $0.stringValue ?? "" }), ["EPSG:2154"])
        XCTAssertEqual(try root.nodes(forXPath: "ProjectViewSettings/DefaultViewExtent").count, 1)
        // The raster's name and its ramp's labels in French.
        let names = try root.nodes(forXPath: "projectlayers/maplayer/layername").map { $0.stringValue ?? "" }
        XCTAssertEqual(names[1], "Résistance — Sous-trame des cours d'eau")
        XCTAssertEqual(names[3], "Espaces de nature (mailles)")
    }

    func testRasterStylesClassesAndRamps() throws {
        let spec = GridSpec(cols: 10, rows: 10, transform: GeoTransform(west: 0, north: 100, cellSize: 10), crsWKT: l93.wkt)
        let styler = RasterStyler(subNetworks: [sub("forest", "Forest", RGB(20, 120, 40))], lang: "en")
        // Nature spaces: two classes, the map's colours, labelled.
        let spaces = styler.style(Grid(spec: spec, fill: UInt8(1)), file: "rasters/nature_spaces.tif", description: "", categories: [:], colours: [:])
        guard case .classes(let classes) = spaces.renderer else { return XCTFail("nature spaces are not classes") }
        XCTAssertEqual(classes.map(\.value), [1, 2])
        XCTAssertEqual(classes.map(\.label), ["Nature spaces of major ecological interest", "Nature spaces of mixed vocation"])
        XCTAssertEqual(classes.map(\.colour), [Palette.major, Palette.mixed])
        XCTAssertNil(spaces.subNetwork)

        // Current: 100 cells 0.01 … 1.00 A and nodata: the ramp runs from 0 to the 98th percentile (0.98 A).
        var current = Grid(spec: spec, values: (1...100).map { Float($0) / 100 }, noData: -1)
        current.values[0] = -1
        let c = styler.style(current, file: "rasters/forest_current.tif", description: "", categories: [:], colours: [:])
        XCTAssertEqual(c.subNetwork, "forest")
        XCTAssertEqual(c.title, "Current through the corridors — Forest")
        guard case .ramp(let stops) = c.renderer else { return XCTFail("current is not a ramp") }
        XCTAssertEqual(stops.first?.value, 0)
        XCTAssertEqual(stops.last?.value ?? 0, 0.98, accuracy: 0.0051)
        XCTAssertEqual(stops.last?.label, "0.98 A per cell")
        XCTAssertEqual(stops.first?.alpha, 0, "no current: transparent")

        // Resistance: frictions 1, 10, 100, 1000 on a quarter of the cells each: stops at the quartiles.
        let frictions = (0..<100).map { Float([1, 10, 100, 1000][$0 / 25]) }
        let r = styler.style(Grid(spec: spec, values: frictions, noData: -9999), file: "rasters/forest_resistance.tif", description: "", categories: [:], colours: [:])
        guard case .ramp(let rs) = r.renderer else { return XCTFail("resistance is not a ramp") }
        XCTAssertEqual(rs.map(\.value), [1, 10, 100, 1000])
        XCTAssertEqual(rs.map(\.label), ["1 cost unit per metre", "10 cost units per metre", "100 cost units per metre", "1,000 cost units per metre"])

        // The .qml: a QGIS style document with the pseudocolor renderer, not limited to recomputed bounds.
        let qml = try XCTUnwrap(try XMLDocument(xmlString: r.qml, options: []).rootElement())
        XCTAssertEqual(qml.name, "qgis")
        let renderer = try XCTUnwrap(try qml.nodes(forXPath: "pipe/rasterrenderer").first as? XMLElement)
        XCTAssertEqual(renderer.attribute(forName: "type")?.stringValue, "singlebandpseudocolor")
        XCTAssertEqual(try renderer.nodes(forXPath: "minMaxOrigin/limits").first?.stringValue, "None")
        XCTAssertEqual(try renderer.nodes(forXPath: "rastershader/colorrampshader/item").count, 4)
    }

    /// The project stored in a GeoPackage (`qgis_projects`, hexadecimal .qgz) comes back through GDAL byte for
    /// byte, and the zip holds the document; the GeoPackage's layers are untouched.
    func testTheProjectIsStoredInTheGeoPackage() throws {
        let dir = NSTemporaryDirectory() + "trame-qgis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = project(lang: "en")
        let stored = try p.stored(as: "trame")
        XCTAssertEqual([UInt8](stored.qgz.prefix(4)), [0x50, 0x4B, 0x03, 0x04], "not a zip")
        let layer = VectorLayer(name: "reservoirs", geometryKind: .point, fields: [], features: [Feature(geometry: .point(Point(1, 2)), attributes: [:])], crsWKT: l93.wkt)
        let gpkg = dir + "/scheme.gpkg"
        try VectorIO.write([layer], to: gpkg, projects: [stored])
        let back = try GeoPackageProject.read(gpkg)
        XCTAssertEqual(Array(back.keys), ["trame"])
        XCTAssertEqual(back["trame"], stored.qgz)
        let files = try ZipArchive.entries(try XCTUnwrap(back["trame"]))
        XCTAssertEqual(Array(files.keys), ["trame.qgs"])
        XCTAssertEqual(files["trame.qgs"].map { String(decoding: $0, as: UTF8.self) }, p.xml())
        // GDAL lists the table beside the layers, as it does for the projects QGIS stores itself: no geometry.
        let described = try VectorIO.describe(gpkg).layers
        XCTAssertEqual(Set(described.map(\.name)), ["reservoirs", "qgis_projects"])
        XCTAssertEqual(described.first { $0.name == "qgis_projects" }?.geometryKind, GeometryKind.unknown)
        XCTAssertEqual(try VectorIO.read(gpkg, layer: "reservoirs").features.count, 1)
    }
}
