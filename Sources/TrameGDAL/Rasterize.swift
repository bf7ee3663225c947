import CGDAL
import Foundation
import TrameRaster
import TrameVector

/// Burning vector layers onto grids, and turning label grids back into polygons (GDAL's algorithms).
public enum Rasterizer {
    /// What value a feature burns into the cells it covers.
    public enum Burn: Sendable {
        /// The same value for every feature.
        case value(Double)
        /// The value of a numeric attribute.
        case attribute(String)
    }

    static func memoryLayer(_ layer: VectorLayer) throws -> Dataset {
        GDALSetup.ensure()
        guard let drv = GDALGetDriverByName("Memory"), let h = GDALCreate(drv, "", 0, 0, 0, GDT_Unknown, nil) else {
            throw GeodataError("", "cannot create an in-memory vector layer")
        }
        let ds = Dataset(handle: h, path: "")
        try VectorIO.add(layer, to: ds, path: layer.name)
        return ds
    }

    /// Burns `layer` onto a grid shaped like `spec`, initialised to `fill`.
    ///
    /// Cells whose centre falls inside a polygon (or that a line or point touches) take the burn value;
    /// `allTouched` burns every cell a polygon touches. Later features overwrite earlier ones.
    public static func rasterize<T: GridScalar>(_ layer: VectorLayer, onto spec: GridSpec, as: T.Type,
                                                burn: Burn, fill: T, noData: T? = nil, allTouched: Bool = false) throws -> Grid<T> {
        if case .attribute(let name) = burn {
            guard let f = layer.fields.first(where: { $0.name == name }) else {
                throw GeodataError(layer.name, "layer has no field '\(name)' to rasterize (fields: \(layer.fields.map(\.name).joined(separator: ", ")))")
            }
            guard f.type != .string else { throw GeodataError(layer.name, "field '\(name)' is text; a numeric field is needed to rasterize") }
        }
        let vds = try memoryLayer(layer)
        var grid = Grid<T>(spec: spec, fill: fill, noData: noData)
        try grid.values.withUnsafeMutableBufferPointer { buf in
            guard let mem = GDALGetDriverByName("MEM"),
                  let h = GDALCreate(mem, "", Int32(spec.cols), Int32(spec.rows), 0, RasterIO.gdalType(T.self), nil)
            else { throw GeodataError("", "cannot create an in-memory raster") }
            let rds = Dataset(handle: h, path: "")
            let ptr = String(UInt(bitPattern: buf.baseAddress))
            _ = withCStringList(["DATAPOINTER=\(ptr)"]) { GDALAddBand(h, RasterIO.gdalType(T.self), $0) }
            var gt = spec.transform.gdalCoefficients
            GDALSetGeoTransform(h, &gt)
            if !spec.crsWKT.isEmpty { GDALSetProjection(h, spec.crsWKT) }
            var bands: [Int32] = [1]
            var l: OGRLayerH? = GDALDatasetGetLayer(vds.handle, 0)
            var opts: [String] = []
            var burnValues: [Double] = [0]
            switch burn {
            case .value(let v): burnValues = [v]
            case .attribute(let a): opts.append("ATTRIBUTE=\(a)")
            }
            if allTouched { opts.append("ALL_TOUCHED=TRUE") }
            var byAttribute = false
            if case .attribute = burn { byAttribute = true }
            let err = withCStringList(opts) { o in
                burnValues.withUnsafeMutableBufferPointer { bv in
                    GDALRasterizeLayers(h, 1, &bands, 1, &l, nil, nil, byAttribute ? nil : bv.baseAddress, o, nil, nil)
                }
            }
            guard err == CE_None else { throw GeodataError(layer.name, "cannot rasterize: \(GDALSetup.lastError())") }
            withExtendedLifetime(rds) {}
        }
        return grid
    }

    /// Turns each connected region of equal value into a polygon with a field `value`.
    /// NoData cells (and 0 when `skipZero`) produce no polygon. `eightConnected` joins diagonal cells.
    public static func polygonize(_ grid: Grid<Int32>, layerName: String = "polygons", eightConnected: Bool = false,
                                  skipZero: Bool = true) throws -> VectorLayer {
        GDALSetup.ensure()
        var mask = [UInt8](repeating: 1, count: grid.count)
        for i in 0..<grid.count {
            let v = grid.values[i]
            if grid.isNoData(v) || (skipZero && v == 0) { mask[i] = 0 }
        }
        let vds = try memoryLayer(VectorLayer(name: layerName, geometryKind: .polygon,
                                              fields: [FieldDefinition("value", .integer)], crsWKT: grid.spec.crsWKT))
        try grid.values.withUnsafeBufferPointer { vbuf in
            try mask.withUnsafeBufferPointer { mbuf in
                guard let mem = GDALGetDriverByName("MEM"),
                      let h = GDALCreate(mem, "", Int32(grid.cols), Int32(grid.rows), 0, GDT_Int32, nil)
                else { throw GeodataError("", "cannot create an in-memory raster") }
                let rds = Dataset(handle: h, path: "")
                _ = withCStringList(["DATAPOINTER=\(UInt(bitPattern: vbuf.baseAddress))"]) { GDALAddBand(h, GDT_Int32, $0) }
                _ = withCStringList(["DATAPOINTER=\(UInt(bitPattern: mbuf.baseAddress))"]) { GDALAddBand(h, GDT_Byte, $0) }
                var gt = grid.spec.transform.gdalCoefficients
                GDALSetGeoTransform(h, &gt)
                let l = GDALDatasetGetLayer(vds.handle, 0)
                let err = withCStringList(eightConnected ? ["8CONNECTED=8"] : []) {
                    GDALPolygonize(GDALGetRasterBand(h, 1), GDALGetRasterBand(h, 2), l, 0, $0, nil, nil)
                }
                guard err == CE_None else { throw GeodataError("", "cannot polygonize: \(GDALSetup.lastError())") }
                withExtendedLifetime(rds) {}
            }
        }
        return features(of: vds, layerName: layerName, crsWKT: grid.spec.crsWKT, eightConnected: eightConnected)
    }

    /// Polygons of a raster file's band 1, a value each, without reading the grid into memory: GDAL's
    /// polygonize walks the file a few lines at a time. Cells equal to the band's NoData (or 0 with
    /// `skipZero`) make no polygon. Memory: the polygons, plus a few rows of cells.
    public static func polygonize(file path: String, layerName: String = "polygons", eightConnected: Bool = false,
                                  skipZero: Bool = true) throws -> VectorLayer {
        GDALSetup.ensure()
        let rds = try Dataset.open(path, raster: true)
        guard GDALGetRasterCount(rds.handle) >= 1, let band = GDALGetRasterBand(rds.handle, 1) else { throw GeodataError(path, "holds no raster band") }
        let spec = RasterIO.gridSpec(rds)
        let vds = try memoryLayer(VectorLayer(name: layerName, geometryKind: .polygon,
                                              fields: [FieldDefinition("value", .integer)], crsWKT: spec.crsWKT))
        var has: Int32 = 0
        let nd = GDALGetRasterNoDataValue(band, &has)
        // The band's mask leaves out its NoData cells; with `skipZero`, polygons of value 0 are dropped after.
        let mask = GDALGetMaskBand(band)
        let err = withCStringList(eightConnected ? ["8CONNECTED=8"] : []) {
            GDALPolygonize(band, mask, GDALDatasetGetLayer(vds.handle, 0), 0, $0, nil, nil)
        }
        guard err == CE_None else { throw GeodataError(path, "cannot polygonize: \(GDALSetup.lastError())") }
        var layer = features(of: vds, layerName: layerName, crsWKT: spec.crsWKT, eightConnected: eightConnected)
        if skipZero && !(has != 0 && nd == 0) {
            layer.features.removeAll { if case .integer(0) = $0["value"] { return true }; return false }
        }
        withExtendedLifetime(rds) {}
        return layer
    }

    /// The features of an in-memory polygonize layer, each made GEOS-valid: 8-connected polygons can have
    /// self-touching rings (cells meeting at a corner); 4-connected ones are valid as GDAL draws them (a hole
    /// may touch its shell at a point, which is valid), so they are not checked.
    private static func features(of vds: Dataset, layerName: String, crsWKT: String, eightConnected: Bool) -> VectorLayer {
        let l = GDALDatasetGetLayer(vds.handle, 0)!
        var feats: [Feature] = []
        OGR_L_ResetReading(l)
        while let f = OGR_L_GetNextFeature(l) {
            defer { OGR_F_Destroy(f) }
            let v = Int(OGR_F_GetFieldAsInteger64(f, 0))
            guard let h = OGR_F_GetGeometryRef(f) else { continue }
            // Cells meeting at a corner, 8-connected, give self-touching rings: made valid (same area).
            let parts = OGRGeometryBridge.validPolygons(h, check: eightConnected)
            guard !parts.isEmpty else { continue }
            feats.append(Feature(geometry: parts.count == 1 ? .polygon(parts[0]) : .multiPolygon(parts), attributes: ["value": .integer(v)]))
        }
        return VectorLayer(name: layerName, geometryKind: .multiPolygon, fields: [FieldDefinition("value", .integer)],
                           features: feats, crsWKT: crsWKT)
    }

    /// Dissolves polygons that share a key into one (multi)polygon per key (GEOS union through OGR).
    public static func dissolve(_ layer: VectorLayer, by key: String) throws -> [(key: FieldValue, geometry: Geometry)] {
        GDALSetup.ensure()
        var groups: [String: (FieldValue, [Geometry])] = [:]
        var order: [String] = []
        for f in layer.features {
            guard let g = f.geometry else { continue }
            let k = f[key]
            if groups[k.description] == nil { order.append(k.description); groups[k.description] = (k, []) }
            groups[k.description]!.1.append(g)
        }
        return try order.map { name in
            let (k, geoms) = groups[name]!
            let coll = OGR_G_CreateGeometry(wkbMultiPolygon)!
            defer { OGR_G_DestroyGeometry(coll) }
            for g in geoms {
                switch g {
                case .polygon: OGR_G_AddGeometryDirectly(coll, OGRGeometryBridge.make(g))
                case .multiPolygon(let ps): for p in ps { OGR_G_AddGeometryDirectly(coll, OGRGeometryBridge.make(.polygon(p))) }
                default: continue
                }
            }
            guard let u = OGR_G_UnionCascaded(coll) else { throw GeodataError(layer.name, "cannot dissolve by '\(key)': \(GDALSetup.lastError())") }
            defer { OGR_G_DestroyGeometry(u) }
            guard let g = OGRGeometryBridge.geometry(u) else { throw GeodataError(layer.name, "dissolve by '\(key)' gave an unexpected geometry") }
            return (k, g)
        }
    }
}
