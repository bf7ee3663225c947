import Foundation
import TrameGDAL
import TrameRaster
import TrameSample
import TrameScheme
import TrameVector

/// The sample territory as a user's project: generated (TrameSample), then written as the files a planner
/// would bring — landcover.tif, territory.gpkg, nomenclature.csv, friction.csv — and its project.toml.
public enum SampleFiles {
    /// What `trame demo` writes into its folder (the scheme folder holds its own marker, written by `trame run`).
    public static let files = ["landcover.tif", "territory.gpkg", "nomenclature.csv", "friction.csv", "project.toml", "scheme"]

    public struct Written {
        public let territory: SampleTerritory
        public let groupings: Int
        /// Seconds to generate, and to generate and write.
        public let generated: Double
        public let written: Double
        public let projectPath: String
    }

    /// Generates the territory of `size` and `seed` and writes its files into `out` (each atomically).
    public static func write(size: TerritorySize, seed: UInt64, into out: String, progress: (String) -> Void) throws -> Written {
        let t0 = Date()
        let lambert93 = try SpatialReference(epsg: 2154)
        let territory = TerritoryGenerator(size: size, seed: seed, crsWKT: lambert93.wkt).generate(progress: progress)
        let generated = Date().timeIntervalSince(t0)

        progress("writing landcover.tif")
        let lcPath = (out as NSString).appendingPathComponent("landcover.tif")
        try RasterIO.write(territory.landCover, to: lcPath, bandDescription: "land cover (Trame sample nomenclature)",
                           categories: LandCoverClass.categoryNames,
                           colours: Dictionary(uniqueKeysWithValues: LandCoverClass.allCases.map { ($0.code, $0.colour) }))
        progress("writing territory.gpkg")
        let groupings = try Rasterizer.dissolve(territory.communes, by: SampleTerritory.groupingField)
        let groupLayer = VectorLayer(name: "groupings", geometryKind: .multiPolygon, fields: [FieldDefinition("name", .string)],
                                     features: groupings.map { g in
                                         let geom: Geometry = if case .polygon(let p) = g.geometry { .multiPolygon([p]) } else { g.geometry }
                                         return Feature(geometry: geom, attributes: ["name": g.key])
                                     }, crsWKT: lambert93.wkt)
        let scots = try Rasterizer.dissolve(territory.communes, by: SampleTerritory.scotField)
        let scotLayer = VectorLayer(name: "scot", geometryKind: .multiPolygon, fields: [FieldDefinition("name", .string)],
                                    features: scots.map { g in
                                        let geom: Geometry = if case .polygon(let p) = g.geometry { .multiPolygon([p]) } else { g.geometry }
                                        return Feature(geometry: geom, attributes: ["name": g.key])
                                    }, crsWKT: lambert93.wkt)
        try VectorIO.write(territory.vectorLayers + [groupLayer, scotLayer], to: (out as NSString).appendingPathComponent("territory.gpkg"), styles: QGISStyles.territory)
        try writeText(nomenclature(), to: (out as NSString).appendingPathComponent("nomenclature.csv"))
        let written = Date().timeIntervalSince(t0)
        try writeText(SubNetworkPreset.frictionCSV, to: (out as NSString).appendingPathComponent("friction.csv"))
        let projectPath = (out as NSString).appendingPathComponent("project.toml")
        try writeText(ProjectTemplate.text(name: "Bassin minier (territoire d'exemple, graine \(seed))", forSample: true) + SampleItineraries.toml(territory), to: projectPath)
        return Written(territory: territory, groupings: groupings.count, generated: generated, written: written, projectPath: projectPath)
    }

    /// The sample's nomenclature: code, English and French labels, colour, natural or not.
    static func nomenclature() -> String {
        var text = "code,label,label_fr,red,green,blue,natural\n"
        for c in LandCoverClass.allCases {
            let (r, g, b) = c.colour
            text += "\(c.code),\"\(c.label)\",\"\(c.frenchLabel)\",\(r),\(g),\(b),\(c.isNatural ? 1 : 0)\n"
        }
        return text
    }

    static func writeText(_ text: String, to path: String) throws {
        try AtomicOutput.write(to: path) { tmp in try text.write(toFile: tmp, atomically: false, encoding: .utf8) }
    }
}
