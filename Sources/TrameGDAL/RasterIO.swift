import CGDAL
import Foundation
import TrameRaster

/// An open GDAL dataset (raster or vector); closed when released.
final class Dataset {
    let handle: GDALDatasetH
    let path: String
    init(handle: GDALDatasetH, path: String) { self.handle = handle; self.path = path }
    deinit { GDALClose(handle) }

    /// `allowedDrivers` (GDAL short names) limits which drivers may open the file; nil lets every
    /// registered driver try, as before.
    static func open(_ path: String, raster: Bool = false, vector: Bool = false, update: Bool = false,
                     allowedDrivers: [String]? = nil) throws -> Dataset {
        GDALSetup.ensure()
        var flags: Int32 = 0
        if raster { flags |= GDAL_OF_RASTER }
        if vector { flags |= GDAL_OF_VECTOR }
        if update { flags |= GDAL_OF_UPDATE }
        CPLErrorReset()
        let opened: GDALDatasetH?
        if let allowedDrivers {
            opened = withCStringList(allowedDrivers) { list in
                GDALOpenEx(path, UInt32(flags), list.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }, nil, nil)
            }
        } else {
            opened = GDALOpenEx(path, UInt32(flags), nil, nil, nil)
        }
        guard let h = opened else {
            // A restricted open says only that no allowed driver took the file (no other driver is tried).
            if let allowedDrivers {
                throw GeodataError(path, "not readable as \(allowedDrivers.joined(separator: ", ")) (corrupt or another format)")
            }
            if FileManager.default.fileExists(atPath: path), raster, !vector,
               let any = GDALOpenEx(path, UInt32(GDAL_OF_VECTOR), nil, nil, nil) {
                GDALClose(any)
                throw GeodataError(path, "is a vector file; a raster was expected")
            }
            if FileManager.default.fileExists(atPath: path), vector, !raster,
               let any = GDALOpenEx(path, UInt32(GDAL_OF_RASTER), nil, nil, nil) {
                GDALClose(any)
                throw GeodataError(path, "is a raster file; a vector layer was expected")
            }
            throw GeodataError(path, openFailureReason(path))
        }
        return Dataset(handle: h, path: path)
    }

    var driverName: String {
        guard let d = GDALGetDatasetDriver(handle), let n = GDALGetDriverShortName(d) else { return "unknown" }
        return String(cString: n)
    }
}

/// The GDAL band types Trame distinguishes.
public enum BandType: String, Sendable {
    case byte = "Byte", uint16 = "UInt16", int16 = "Int16", uint32 = "UInt32", int32 = "Int32"
    case float32 = "Float32", float64 = "Float64", other = "other"

    init(_ t: GDALDataType) {
        switch t {
        case GDT_Byte: self = .byte
        case GDT_UInt16: self = .uint16
        case GDT_Int16: self = .int16
        case GDT_UInt32: self = .uint32
        case GDT_Int32: self = .int32
        case GDT_Float32: self = .float32
        case GDT_Float64: self = .float64
        default: self = .other
        }
    }

    public var isInteger: Bool { [.byte, .uint16, .int16, .uint32, .int32].contains(self) }
}

/// What a raster file holds, without reading its cells.
public struct RasterDescription: Sendable {
    public var path: String
    public var driver: String
    public var spec: GridSpec
    public var bands: [(type: BandType, noData: Double?, description: String)]
}

/// How strictly a band's type must match the grid type asked for.
public enum BandConversion: Sendable {
    /// Integer grids need an integer band whose values fit; floating grids take any numeric band.
    case safe
    /// Any numeric band, converted by GDAL (rounding and clamping).
    case any
}

public enum RasterIO {
    /// Driver, size, transform, CRS and bands of a raster file.
    public static func describe(_ path: String) throws -> RasterDescription {
        let ds = try Dataset.open(path, raster: true)
        return describe(ds)
    }

    static func describe(_ ds: Dataset) -> RasterDescription {
        let spec = gridSpec(ds)
        var bands: [(BandType, Double?, String)] = []
        let n = GDALGetRasterCount(ds.handle)
        if n > 0 {
            for i in 1...n {
                let b = GDALGetRasterBand(ds.handle, i)
                var has: Int32 = 0
                let nd = GDALGetRasterNoDataValue(b, &has)
                let desc = GDALGetDescription(b).map { String(cString: $0) } ?? ""
                bands.append((BandType(GDALGetRasterDataType(b)), has != 0 ? nd : nil, desc))
            }
        }
        return RasterDescription(path: ds.path, driver: ds.driverName, spec: spec, bands: bands)
    }

    static func gridSpec(_ ds: Dataset) -> GridSpec {
        var gt = [Double](repeating: 0, count: 6)
        if GDALGetGeoTransform(ds.handle, &gt) != CE_None { gt = [0, 1, 0, 0, 0, 1] }
        var wkt = ""
        if let ref = GDALGetSpatialRef(ds.handle), let clone = OSRClone(ref) {
            wkt = SpatialReference(owning: clone).wkt
        }
        return GridSpec(cols: Int(GDALGetRasterXSize(ds.handle)), rows: Int(GDALGetRasterYSize(ds.handle)),
                        transform: GeoTransform(gdal: gt), crsWKT: wkt)
    }

    /// Reads one band into a grid of type `T`.
    ///
    /// - Throws: `GeodataError` naming the file when it cannot be opened, has no such band,
    ///   or holds a band type that `T` cannot represent (e.g. Float32 read as land-cover classes).
    public static func read<T: GridScalar>(_ path: String, as type: T.Type, band: Int = 1,
                                           conversion: BandConversion = .safe) throws -> Grid<T> {
        // Compressed tiles are decoded on Trame's threads (GDAL's GTiff multi-threaded decoding).
        GDALSetup.ensure()
        let previous = CPLGetThreadLocalConfigOption("GDAL_NUM_THREADS", nil).map { String(cString: $0) }
        CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", String(Workers.threads))
        defer { CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", previous) }
        let ds = try Dataset.open(path, raster: true)
        let count = Int(GDALGetRasterCount(ds.handle))
        guard band >= 1, band <= count else {
            throw GeodataError(path, count == 0 ? "holds no raster band" : "has \(count) band(s); band \(band) does not exist")
        }
        let b = GDALGetRasterBand(ds.handle, Int32(band))
        let bt = BandType(GDALGetRasterDataType(b))
        if conversion == .safe, !fits(band: bt, into: T.self) {
            throw GeodataError(path, "band \(band) is \(bt.rawValue), expected \(T.typeName)\(T.self == UInt8.self || T.self == Int32.self ? " (integer class codes)" : "")")
        }
        let spec = gridSpec(ds)
        var has: Int32 = 0
        let nd = GDALGetRasterNoDataValue(b, &has)
        // A raster larger than the machine's memory (a hostile VRT declaring 10¹⁶ cells) is refused before
        // anything is allocated, naming the file.
        let bytes = spec.count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        let memory = ProcessInfo.processInfo.physicalMemory
        guard !bytes.overflow, UInt64(bytes.partialValue) <= memory else {
            let gb = { (v: Double) in String(format: "%.1f", v / 1e9) }
            throw GeodataError(path, "is \(spec.cols) × \(spec.rows) cells: \(bytes.overflow ? "more than" : gb(Double(bytes.partialValue))) GB as \(T.typeName), "
                               + "more than this machine's \(gb(Double(memory))) GB of memory; cut it to the territory (gdal_translate -projwin) or coarsen it (gdalwarp -tr)")
        }
        var values = LargeBuffer.array(repeating: T.zero, count: spec.count)
        let err = values.withUnsafeMutableBytes { buf -> CPLErr in
            GDALRasterIO(b, GF_Read, 0, 0, Int32(spec.cols), Int32(spec.rows), buf.baseAddress,
                         Int32(spec.cols), Int32(spec.rows), gdalType(T.self), 0, 0)
        }
        guard err == CE_None else { throw GeodataError(path, "cannot read band \(band): \(GDALSetup.lastError())") }
        var noData: T? = nil
        if has != 0 {
            if T.self == Float.self || T.self == Double.self || nd.rounded() == nd { noData = T(gridDouble: nd) }
            if T.self == UInt8.self, !(0...255).contains(nd) { noData = nil }
        }
        return Grid(spec: spec, values: values, noData: noData)
    }

    static func fits<T: GridScalar>(band: BandType, into: T.Type) -> Bool {
        switch T.self {
        case is UInt8.Type: return band == .byte
        case is Int32.Type: return [.byte, .uint16, .int16, .int32].contains(band)
        case is Float.Type, is Double.Type: return band != .other
        default: return false
        }
    }

    static func gdalType<T: GridScalar>(_: T.Type) -> GDALDataType {
        switch T.self {
        case is UInt8.Type: return GDT_Byte
        case is Int32.Type: return GDT_Int32
        case is Float.Type: return GDT_Float32
        default: return GDT_Float64
        }
    }

    /// Output raster formats.
    public enum Format: String, Sendable, CaseIterable {
        /// Tiled GeoTIFF, DEFLATE-compressed.
        case geotiff
        /// Cloud-optimized GeoTIFF (tiled, overviews, DEFLATE).
        case cog
        /// ESRI ASCII grid (as Circuitscape writes its maps), 10 significant digits.
        case asciiGrid
    }

    /// Writes a grid as GeoTIFF (tiled, DEFLATE) or COG, atomically.
    public static func write<T: GridScalar>(_ grid: Grid<T>, to path: String, format: Format = .geotiff,
                                            bandDescription: String? = nil,
                                            categories: [Int: String] = [:],
                                            colours: [Int: (UInt8, UInt8, UInt8)] = [:]) throws {
        GDALSetup.ensure()
        let style = BandStyle(description: bandDescription, categories: categories, colours: colours)
        try AtomicOutput.write(to: path) { tmp in
            switch format {
            case .geotiff:
                guard let drv = GDALGetDriverByName("GTiff") else { throw GeodataError(path, "GDAL has no GTiff driver") }
                let opts = ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER", "NUM_THREADS=2"]
                    // Float32: the floating-point predictor, a third smaller than plain DEFLATE. Float64 (cost
                    // surfaces): horizontal differencing of the 64-bit words (TIFF predictor 2, lossless) is
                    // smaller still on smooth surfaces (9.2 MB against 15.3 for a 2000² cost surface) and a
                    // third cheaper to compute. Level 1 writes twice as fast as the default for a few per cent
                    // more bytes.
                    + (T.self == Double.self ? ["PREDICTOR=2", "ZLEVEL=1"] : T.self == Float.self ? ["PREDICTOR=3", "ZLEVEL=1"] : ["ZLEVEL=4"])
                let h = withCStringList(opts) {
                    GDALCreate(drv, tmp, Int32(grid.cols), Int32(grid.rows), 1, gdalType(T.self), $0)
                }
                guard let h else { throw GeodataError(path, "cannot create: \(GDALSetup.lastError())") }
                let ds = Dataset(handle: h, path: tmp)
                CPLErrorReset()
                try fill(ds, with: grid, path: path, style: style)
                GDALFlushCache(h)
                if CPLGetLastErrorType() == CE_Failure { throw GeodataError(path, "cannot write: \(GDALSetup.lastError())") }
            case .cog, .asciiGrid:
                // COG and ASCII grids are written by copy: wrap the grid's buffer in a MEM dataset (no copy of the cells).
                try grid.values.withUnsafeBufferPointer { buf in
                    guard let mem = GDALGetDriverByName("MEM"),
                          let h = GDALCreate(mem, "", Int32(grid.cols), Int32(grid.rows), 0, gdalType(T.self), nil)
                    else { throw GeodataError(path, "cannot create an in-memory raster") }
                    let src = Dataset(handle: h, path: "")
                    let ptr = String(UInt(bitPattern: buf.baseAddress))
                    let added = withCStringList(["DATAPOINTER=\(ptr)"]) { GDALAddBand(h, gdalType(T.self), $0) }
                    guard added == CE_None else { throw GeodataError(path, "cannot wrap the grid for COG output") }
                    try describeBand(src, grid: grid, style: style)
                    let driverName = format == .cog ? "COG" : "AAIGrid"
                    guard let drv = GDALGetDriverByName(driverName) else { throw GeodataError(path, "GDAL has no \(driverName) driver") }
                    // Overviews: classes and ids keep their values (nearest); continuous values are averaged (GDAL's
                    // default, cubic, overshoots: negative costs and resistances at coarse zooms).
                    let resampling = T.self == Float.self || T.self == Double.self ? "AVERAGE" : "NEAREST"
                    // Floats with the floating-point predictor (TIFF predictor 3): costs and currents compress far better.
                    let predictor = T.self == Float.self || T.self == Double.self ? ["PREDICTOR=FLOATING_POINT"] : []
                    // DEFLATE level 1 (libdeflate): on a region's 300 M-cell cost surface, 12 s of compression against
                    // 34 s at the default level 6, for files 5 % larger; every GIS still reads it.
                    let opts = format == .cog ? ["COMPRESS=DEFLATE", "LEVEL=1", "BIGTIFF=IF_SAFER", "NUM_THREADS=2", "RESAMPLING=\(resampling)"] + predictor : ["SIGNIFICANT_DIGITS=10"]
                    let out = withCStringList(opts) { GDALCreateCopy(drv, tmp, h, 0, $0, nil, nil) }
                    guard let out else { throw GeodataError(path, "cannot write COG: \(GDALSetup.lastError())") }
                    GDALClose(out)
                    withExtendedLifetime(src) {}
                }
            }
        }
    }

    struct BandStyle {
        var description: String?
        var categories: [Int: String]
        var colours: [Int: (UInt8, UInt8, UInt8)]
    }

    private static func describeBand<T: GridScalar>(_ ds: Dataset, grid: Grid<T>, style: BandStyle) throws {
        let bandDescription = style.description, categories = style.categories
        var gt = grid.spec.transform.gdalCoefficients
        GDALSetGeoTransform(ds.handle, &gt)
        if !grid.spec.crsWKT.isEmpty { GDALSetProjection(ds.handle, grid.spec.crsWKT) }
        let b = GDALGetRasterBand(ds.handle, 1)
        if let nd = grid.noData { GDALSetRasterNoDataValue(b, nd.gridDouble) }
        if let d = bandDescription { GDALSetDescription(b, d) }
        if !categories.isEmpty, let maxCode = categories.keys.max(), maxCode < 65536 {
            let names = (0...maxCode).map { categories[$0] ?? "" }
            withCStringList(names) { _ = GDALSetRasterCategoryNames(b, $0) }
            // GeoTIFF keeps category names only in a .aux.xml side file; band metadata goes inside the TIFF
            // (its GDAL_METADATA tag), so the class names travel with the file alone.
            for (code, name) in categories where !name.isEmpty && code >= 0 {
                GDALSetMetadataItem(b, RasterIO.categoryItemPrefix + String(code), name, nil)
            }
        }
        if !style.colours.isEmpty, T.self == UInt8.self, let ct = GDALCreateColorTable(GPI_RGB) {
            defer { GDALDestroyColorTable(ct) }
            for v in 0..<256 {
                let c = style.colours[v] ?? (0, 0, 0)
                var e = GDALColorEntry(c1: Int16(c.0), c2: Int16(c.1), c3: Int16(c.2), c4: style.colours[v] == nil ? 0 : 255)
                GDALSetColorEntry(ct, Int32(v), &e)
            }
            GDALSetRasterColorTable(b, ct)
        }
    }

    private static func fill<T: GridScalar>(_ ds: Dataset, with grid: Grid<T>, path: String, style: BandStyle) throws {
        try describeBand(ds, grid: grid, style: style)
        let b = GDALGetRasterBand(ds.handle, 1)
        let err = grid.values.withUnsafeBytes { buf -> CPLErr in
            GDALRasterIO(b, GF_Write, 0, 0, Int32(grid.cols), Int32(grid.rows), UnsafeMutableRawPointer(mutating: buf.baseAddress),
                         Int32(grid.cols), Int32(grid.rows), gdalType(T.self), 0, 0)
        }
        guard err == CE_None else { throw GeodataError(path, "cannot write cells: \(GDALSetup.lastError())") }
    }

    /// Refuses to combine two grids whose size, transform or CRS differ; the error names both files.
    public static func requireAligned(_ a: GridSpec, _ pathA: String, _ b: GridSpec, _ pathB: String) throws {
        let ca = SpatialReference.fromWKT(a.crsWKT), cb = SpatialReference.fromWKT(b.crsWKT)
        switch (ca, cb) {
        case let (x?, y?) where !x.isSame(as: y):
            throw GeodataError(pathB, "CRS \(y.label) differs from \(pathA) (\(x.label)); reproject one of them (gdalwarp -t_srs)")
        case (nil, .some), (.some, nil):
            throw GeodataError(pathB, "one of \(pathA) and \(pathB) has no CRS (\(ca?.label ?? "none") vs \(cb?.label ?? "none"))")
        default: break
        }
        guard a.isGeometricallyAligned(with: b) else {
            throw GeodataError(pathB, "grid \(b.cols)×\(b.rows), \(b.transform) is not aligned with \(pathA) (\(a.cols)×\(a.rows), \(a.transform)); resample with gdalwarp -tr/-te")
        }
    }
}

extension RasterIO {
    /// Whether a file holds raster bands, vector layers, or both (a GeoPackage may hold both).
    public static func contents(_ path: String) throws -> (raster: Bool, vector: Bool) {
        let ds = try Dataset.open(path, raster: true, vector: true)
        return (GDALGetRasterCount(ds.handle) > 0, GDALDatasetGetLayerCount(ds.handle) > 0)
    }

    /// Band metadata items naming the classes inside the file (`CATEGORY_1=major ecological interest`):
    /// GeoTIFF writes them in its GDAL_METADATA tag, where category names would go to a .aux.xml side file.
    public static let categoryItemPrefix = "CATEGORY_"

    /// Class names stored with a band, keyed by value: GDAL's category names (a .aux.xml side file, or
    /// formats that hold them), else the band's `CATEGORY_<value>` metadata items that Trame writes inside
    /// the file.
    public static func categoryNames(_ path: String, band: Int = 1) throws -> [Int: String] {
        let ds = try Dataset.open(path, raster: true)
        _ = GDALGetMetadata(ds.handle, nil) // makes the GTiff driver load its .aux.xml side file
        guard band >= 1, band <= Int(GDALGetRasterCount(ds.handle)) else { return [:] }
        let b = GDALGetRasterBand(ds.handle, Int32(band))
        var out: [Int: String] = [:]
        if let list = GDALGetRasterCategoryNames(b) {
            var i = 0
            while let p = list[i] {
                let s = String(cString: p)
                if !s.isEmpty { out[i] = s }
                i += 1
            }
        }
        if out.isEmpty, let items = GDALGetMetadata(b, nil) {
            var i = 0
            while let p = items[i] {
                let s = String(cString: p)
                i += 1
                guard s.hasPrefix(categoryItemPrefix), let eq = s.firstIndex(of: "="),
                      let code = Int(s[s.index(s.startIndex, offsetBy: categoryItemPrefix.count)..<eq]) else { continue }
                let name = String(s[s.index(after: eq)...])
                if !name.isEmpty { out[code] = name }
            }
        }
        return out
    }
}
