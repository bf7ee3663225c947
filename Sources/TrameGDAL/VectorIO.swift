import CGDAL
import Foundation
import TrameVector

/// What a layer holds, without reading its features.
public struct LayerDescription: Sendable {
    public var name: String
    public var geometryKind: GeometryKind
    public var featureCount: Int
    public var fields: [FieldDefinition]
    public var crsWKT: String
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)?
}

public enum VectorIO {
    /// Output vector formats: GeoPackage (the default store) and GeoJSON.
    public enum Format: String, Sendable, CaseIterable {
        case geopackage, geojson
        var driver: String { self == .geopackage ? "GPKG" : "GeoJSON" }
        /// Chosen from the file's extension: `.geojson`/`.json` → GeoJSON, anything else GeoPackage.
        public static func forPath(_ path: String) -> Format {
            let e = URL(fileURLWithPath: path).pathExtension.lowercased()
            return (e == "geojson" || e == "json") ? .geojson : .geopackage
        }
    }

    /// Layers of a vector file (GeoPackage, GeoJSON, Shapefile, OSM PBF, …). `allowedDrivers` (GDAL
    /// short names, e.g. `["GPKG"]`) limits the drivers that may open it; nil allows every one.
    public static func describe(_ path: String, allowedDrivers: [String]? = nil) throws -> (driver: String, layers: [LayerDescription]) {
        let ds = try Dataset.open(path, vector: true, allowedDrivers: allowedDrivers)
        let n = GDALDatasetGetLayerCount(ds.handle)
        var out: [LayerDescription] = []
        for i in 0..<n {
            guard let l = GDALDatasetGetLayer(ds.handle, i) else { continue }
            out.append(describe(layer: l, ds: ds))
        }
        return (ds.driverName, out)
    }

    static func describe(layer l: OGRLayerH, ds: Dataset) -> LayerDescription {
        let name = String(cString: OGR_L_GetName(l))
        let defn = OGR_L_GetLayerDefn(l)
        var fields: [FieldDefinition] = []
        for j in 0..<OGR_FD_GetFieldCount(defn) {
            let fd = OGR_FD_GetFieldDefn(defn, j)
            fields.append(FieldDefinition(String(cString: OGR_Fld_GetNameRef(fd)), fieldType(OGR_Fld_GetType(fd))))
        }
        let count = ds.driverName == "OSM" ? -1 : Int(OGR_L_GetFeatureCount(l, 1))
        var env = OGREnvelope()
        let ext: (Double, Double, Double, Double)? = (ds.driverName != "OSM" && OGR_L_GetExtent(l, &env, 1) == OGRERR_NONE)
            ? (env.MinX, env.MinY, env.MaxX, env.MaxY) : nil
        var wkt = ""
        if let ref = OGR_L_GetSpatialRef(l), let clone = OSRClone(ref) { wkt = SpatialReference(owning: clone).wkt }
        return LayerDescription(name: name, geometryKind: OGRGeometryBridge.kind(OGR_L_GetGeomType(l)),
                                featureCount: count, fields: fields, crsWKT: wkt, extent: ext)
    }

    static func fieldType(_ t: OGRFieldType) -> FieldType {
        switch t {
        case OFTInteger, OFTInteger64: .integer
        case OFTReal: .real
        default: .string
        }
    }

    /// Reads a whole layer (the first one when `layer` is nil).
    ///
    /// - Throws: when the file cannot be opened, the layer does not exist, or it is empty
    ///   (unless `allowEmpty`).
    public static func read(_ path: String, layer: String? = nil, filter: String? = nil, allowEmpty: Bool = false,
                            allowedDrivers: [String]? = nil) throws -> VectorLayer {
        let ds = try Dataset.open(path, vector: true, allowedDrivers: allowedDrivers)
        let n = GDALDatasetGetLayerCount(ds.handle)
        guard n > 0 else { throw GeodataError(path, "holds no vector layer") }
        let l: OGRLayerH
        if let name = layer {
            guard let found = GDALDatasetGetLayerByName(ds.handle, name) else {
                let names = (0..<n).compactMap { GDALDatasetGetLayer(ds.handle, $0).map { String(cString: OGR_L_GetName($0)) } }
                throw GeodataError(path, "has no layer '\(name)' (layers: \(names.joined(separator: ", ")))")
            }
            l = found
        } else {
            l = GDALDatasetGetLayer(ds.handle, 0)!
        }
        let d = describe(layer: l, ds: ds)
        if let filter {
            CPLErrorReset()
            guard OGR_L_SetAttributeFilter(l, filter) == OGRERR_NONE else {
                throw GeodataError(path, "layer '\(d.name)': the filter \"\(filter)\" is not valid (\(GDALSetup.lastError()))")
            }
        }
        var features: [Feature] = []
        var kinds = Set<GeometryKind>()
        OGR_L_ResetReading(l)
        let fieldCount = d.fields.count
        while let f = OGR_L_GetNextFeature(l) {
            defer { OGR_F_Destroy(f) }
            var attrs: [String: FieldValue] = [:]
            for j in 0..<fieldCount {
                let name = d.fields[j].name
                let jj = Int32(j)
                if OGR_F_IsFieldSetAndNotNull(f, jj) == 0 { attrs[name] = .null; continue }
                switch d.fields[j].type {
                case .integer: attrs[name] = .integer(Int(OGR_F_GetFieldAsInteger64(f, jj)))
                case .real: attrs[name] = .real(OGR_F_GetFieldAsDouble(f, jj))
                case .string: attrs[name] = .string(String(cString: OGR_F_GetFieldAsString(f, jj)))
                }
            }
            var geom: Geometry? = nil
            if let g = OGR_F_GetGeometryRef(f) { geom = OGRGeometryBridge.geometry(g) }
            if let g = geom { kinds.insert(g.kind) }
            let fid = OGR_F_GetFID(f)
            features.append(Feature(geometry: geom, attributes: attrs, fid: fid == OGRNullFID ? nil : Int(fid)))
        }
        if features.isEmpty && !allowEmpty {
            if let filter { throw GeodataError(path, "layer '\(d.name)' has no feature where \(filter)") }
            throw GeodataError(path, "layer '\(d.name)' is empty (no features)")
        }
        var kind = d.geometryKind
        if kind == .unknown, kinds.count == 1 { kind = kinds.first! }
        return VectorLayer(name: d.name, geometryKind: kind, fields: d.fields, features: features, crsWKT: d.crsWKT)
    }

    /// Writes layers to one GeoPackage (or one GeoJSON file, which holds a single layer), atomically.
    ///
    /// `styles` maps layer names to QGIS style documents (QML); in a GeoPackage they go into the
    /// `layer_styles` table, so that QGIS opens each layer with its style.
    /// `tables` are written without geometry (attribute tables); `metadata` goes into the dataset's
    /// metadata (a GeoPackage's `gpkg_metadata` table); `projects` are QGIS projects stored in a
    /// GeoPackage's `qgis_projects` table, which QGIS lists and opens.
    public static func write(_ layers: [VectorLayer], to path: String, format: Format? = nil, styles: [String: String] = [:],
                             tables: [VectorLayer] = [], metadata: [String: String] = [:], projects: [GeoPackageProject] = []) throws {
        GDALSetup.ensure()
        let fmt = format ?? Format.forPath(path)
        if fmt == .geojson, layers.count != 1 {
            throw GeodataError(path, "GeoJSON holds exactly one layer; \(layers.count) were given (write a .gpkg)")
        }
        try AtomicOutput.write(to: path) { tmp in
            guard let drv = GDALGetDriverByName(fmt.driver) else { throw GeodataError(path, "GDAL has no \(fmt.driver) driver") }
            guard let h = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, nil) else {
                throw GeodataError(path, "cannot create: \(GDALSetup.lastError())")
            }
            let ds = Dataset(handle: h, path: tmp)
            for layer in layers { try add(layer, to: ds, path: path) }
            if fmt == .geopackage {
                for t in tables { try add(t, to: ds, path: path, geometryless: true) }
                for (k, v) in metadata.sorted(by: { $0.key < $1.key }) { GDALSetMetadataItem(h, k, v, nil) }
            }
            let styled = layers.filter { styles[$0.name] != nil }
            if fmt == .geopackage, !styled.isEmpty {
                let stamp = ISO8601DateFormatter().string(from: Date())
                let table = VectorLayer(name: "layer_styles", geometryKind: .unknown, fields: [
                    FieldDefinition("f_table_catalog", .string), FieldDefinition("f_table_schema", .string),
                    FieldDefinition("f_table_name", .string), FieldDefinition("f_geometry_column", .string),
                    FieldDefinition("styleName", .string), FieldDefinition("styleQML", .string), FieldDefinition("styleSLD", .string),
                    FieldDefinition("useAsDefault", .integer), FieldDefinition("description", .string),
                    FieldDefinition("owner", .string), FieldDefinition("ui", .string), FieldDefinition("update_time", .string),
                ], features: styled.map { l in
                    Feature(geometry: nil, attributes: [
                        "f_table_catalog": .string(""), "f_table_schema": .string(""), "f_table_name": .string(l.name),
                        "f_geometry_column": .string("geom"), "styleName": .string(l.name), "styleQML": .string(styles[l.name]!),
                        "styleSLD": .string(""), "useAsDefault": .integer(1), "description": .string("Trame default style"),
                        "owner": .string(""), "ui": .null, "update_time": .string(stamp)])
                })
                try add(table, to: ds, path: path, geometryless: true)
            }
            if fmt == .geopackage, !projects.isEmpty {
                for sql in GeoPackageProject.statements(projects) {
                    CPLErrorReset()
                    if let r = GDALDatasetExecuteSQL(h, sql, nil, nil) { GDALDatasetReleaseResultSet(h, r) }
                    if CPLGetLastErrorType() == CE_Failure { throw GeodataError(path, "cannot store the QGIS project: \(GDALSetup.lastError())") }
                }
            }
        }
    }

    static func add(_ layer: VectorLayer, to ds: Dataset, path: String, geometryless: Bool = false) throws {
        let srs = SpatialReference.fromWKT(layer.crsWKT)
        let l = withCStringList(geometryless ? [] : ["SPATIAL_INDEX=YES"]) {
            GDALDatasetCreateLayer(ds.handle, layer.name, geometryless ? nil : srs?.handle,
                                   geometryless ? wkbNone : OGRGeometryBridge.wkbType(layer.geometryKind), $0)
        }
        guard let l else { throw GeodataError(path, "cannot create layer '\(layer.name)': \(GDALSetup.lastError())") }
        for f in layer.fields {
            let t: OGRFieldType = f.type == .integer ? OFTInteger64 : (f.type == .real ? OFTReal : OFTString)
            let fd = OGR_Fld_Create(f.name, t)
            defer { OGR_Fld_Destroy(fd) }
            guard OGR_L_CreateField(l, fd, 1) == OGRERR_NONE else {
                throw GeodataError(path, "cannot create field '\(f.name)' in layer '\(layer.name)'")
            }
        }
        let defn = OGR_L_GetLayerDefn(l)
        let index = Dictionary(uniqueKeysWithValues: layer.fields.enumerated().map { ($1.name, Int32($0)) })
        _ = OGR_L_StartTransaction(l)
        for feat in layer.features {
            let f = OGR_F_Create(defn)
            defer { OGR_F_Destroy(f) }
            for (k, v) in feat.attributes {
                guard let j = index[k] else { continue }
                switch v {
                case .integer(let i): OGR_F_SetFieldInteger64(f, j, GIntBig(i))
                case .real(let d): OGR_F_SetFieldDouble(f, j, d)
                case .string(let s): OGR_F_SetFieldString(f, j, s)
                case .null: OGR_F_SetFieldNull(f, j)
                }
            }
            if let g = feat.geometry { OGR_F_SetGeometryDirectly(f, OGRGeometryBridge.make(g)) }
            guard OGR_L_CreateFeature(l, f) == OGRERR_NONE else {
                _ = OGR_L_RollbackTransaction(l)
                throw GeodataError(path, "cannot write a feature in layer '\(layer.name)': \(GDALSetup.lastError())")
            }
        }
        guard OGR_L_CommitTransaction(l) == OGRERR_NONE else {
            throw GeodataError(path, "cannot write layer '\(layer.name)': \(GDALSetup.lastError())")
        }
    }

    /// QGIS styles stored in a GeoPackage (`layer_styles`), by layer name; empty when there are none.
    public static func readStyles(_ path: String) throws -> [String: String] {
        guard try describe(path).layers.contains(where: { $0.name == "layer_styles" }) else { return [:] }
        var out: [String: String] = [:]
        for f in try read(path, layer: "layer_styles", allowEmpty: true).features {
            if let name = f["f_table_name"].stringValue, let qml = f["styleQML"].stringValue { out[name] = qml }
        }
        return out
    }

    /// The dataset's metadata items (`KEY=VALUE`, the default domain), e.g. what `write(metadata:)` stored.
    public static func metadata(_ path: String) throws -> [String: String] {
        let ds = try Dataset.open(path, vector: true)
        var out: [String: String] = [:]
        guard let list = GDALGetMetadata(ds.handle, nil) else { return out }
        var i = 0
        while let item = list[i] {
            let s = String(cString: item)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            i += 1
        }
        return out
    }

    /// Reprojects every feature of a layer to another CRS.
    public static func reproject(_ layer: VectorLayer, to target: SpatialReference, file: String = "") throws -> VectorLayer {
        guard let src = SpatialReference.fromWKT(layer.crsWKT) else {
            throw GeodataError(file, "layer '\(layer.name)' has no CRS, so it cannot be reprojected")
        }
        let t = try CoordinateTransformer(from: src, to: target)
        var out = layer
        out.crsWKT = target.wkt
        out.features = try layer.features.enumerated().map { k, f in
            var g = f
            do { g.geometry = try f.geometry.map { try t.transform($0) } } catch let e as GeodataError where e.file.isEmpty {
                // Name the file and the feature; coordinates in metres in a file that declares degrees (a GeoJSON
                // without "crs" is WGS 84 by definition) are the usual cause.
                throw GeodataError(file, "feature \(k + 1) of layer '\(layer.name)': \(e.problem)" + (src.isGeographic ? "; are its coordinates in metres while the file declares \(src.label)? Assign the right CRS (ogr2ogr -a_srs EPSG:…)" : ""))
            }
            return g
        }
        return out
    }

    /// Refuses to combine a layer with a grid or another layer in a different CRS.
    public static func requireSameCRS(_ wktA: String, _ pathA: String, _ wktB: String, _ pathB: String) throws {
        let a = SpatialReference.fromWKT(wktA), b = SpatialReference.fromWKT(wktB)
        switch (a, b) {
        case let (x?, y?) where !x.isSame(as: y):
            throw GeodataError(pathB, "CRS \(y.label) differs from \(pathA) (\(x.label)); reproject it (ogr2ogr -t_srs)")
        case (nil, .some), (.some, nil):
            throw GeodataError(pathB, "CRS missing on one side: \(pathA) is \(a?.label ?? "without CRS"), \(pathB) is \(b?.label ?? "without CRS")")
        default: return
        }
    }
}
