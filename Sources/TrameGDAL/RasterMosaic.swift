import CGDAL
import Foundation
import TrameRaster

extension RasterIO {
    /// Reads the window of `cols` × `rows` cells from (`col`, `row`) of one band, as a grid placed where the window
    /// lies (its transform shifted to the window's top-left corner, the file's CRS and NoData).
    ///
    /// Memory: the window only (cols × rows × `T`'s size), whatever the file's size.
    /// - Throws: `GeodataError` naming the file when the window leaves the raster or the band type does not fit `T`.
    public static func read<T: GridScalar>(_ path: String, as type: T.Type, col: Int, row: Int, cols: Int, rows: Int, band: Int = 1) throws -> Grid<T> {
        let ds = try Dataset.open(path, raster: true)
        let full = gridSpec(ds)
        guard col >= 0, row >= 0, cols > 0, rows > 0, col + cols <= full.cols, row + rows <= full.rows else {
            throw GeodataError(path, "has \(full.cols) × \(full.rows) cells; the window \(cols) × \(rows) at column \(col), row \(row) leaves it")
        }
        guard band >= 1, band <= Int(GDALGetRasterCount(ds.handle)) else { throw GeodataError(path, "has no band \(band)") }
        let b = GDALGetRasterBand(ds.handle, Int32(band))
        let bt = BandType(GDALGetRasterDataType(b))
        guard fits(band: bt, into: T.self) else { throw GeodataError(path, "band \(band) is \(bt.rawValue), expected \(T.typeName)") }
        var has: Int32 = 0
        let nd = GDALGetRasterNoDataValue(b, &has)
        var values = LargeBuffer.array(repeating: T.zero, count: cols * rows)
        let err = values.withUnsafeMutableBytes { buf in
            GDALRasterIO(b, GF_Read, Int32(col), Int32(row), Int32(cols), Int32(rows), buf.baseAddress, Int32(cols), Int32(rows), gdalType(T.self), 0, 0)
        }
        guard err == CE_None else { throw GeodataError(path, "cannot read a window of band \(band): \(GDALSetup.lastError())") }
        var t = full.transform
        t.originX += Double(col) * t.pixelWidth + Double(row) * t.rowRotation
        t.originY += Double(col) * t.colRotation + Double(row) * t.pixelHeight
        var noData: T? = nil
        if has != 0, T.self == Float.self || T.self == Double.self || nd.rounded() == nd { noData = T(gridDouble: nd) }
        return Grid(spec: GridSpec(cols: cols, rows: rows, transform: t, crsWKT: full.crsWKT), values: values, noData: noData)
    }
}

/// One raster (Float32 values, Int32 labels, …) assembled from windows (the tiles' cores of a plan) without
/// holding it in memory: the windows are written into a tiled GeoTIFF beside the output, which `finish` copies
/// to a Cloud-Optimized GeoTIFF under the output's name (atomically) before removing it.
///
/// Cells no window covers stay NoData. Memory: GDAL's block cache and one window at a time.
public final class RasterMosaic<T: GridScalar> {
    let ds: Dataset
    let scratch: String
    public let path: String
    public let spec: GridSpec
    var finished = false

    /// - Parameters: `path` the final COG; `spec` the whole grid; `noData` the value of cells no window covers.
    public init(path: String, spec: GridSpec, noData: T, description: String?) throws {
        GDALSetup.ensure()
        self.path = path; self.spec = spec
        let url = URL(fileURLWithPath: path)
        let scratch = url.deletingLastPathComponent().appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).mosaic-\(getpid()).tif").path
        self.scratch = scratch
        guard let drv = GDALGetDriverByName("GTiff") else { throw GeodataError(path, "GDAL has no GTiff driver") }
        let h = withCStringList(["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=\(Self.isFloating ? 3 : 2)", "ZLEVEL=1", "BIGTIFF=IF_SAFER", "SPARSE_OK=TRUE"]) {
            GDALCreate(drv, scratch, Int32(spec.cols), Int32(spec.rows), 1, RasterIO.gdalType(T.self), $0)
        }
        guard let h else { throw GeodataError(path, "cannot create \(scratch): \(GDALSetup.lastError())") }
        ds = Dataset(handle: h, path: scratch)
        var gt = spec.transform.gdalCoefficients
        GDALSetGeoTransform(h, &gt)
        if !spec.crsWKT.isEmpty { GDALSetProjection(h, spec.crsWKT) }
        let b = GDALGetRasterBand(h, 1)
        GDALSetRasterNoDataValue(b, noData.gridDouble)
        if let description { GDALSetDescription(b, description) }
    }

    deinit {
        if !finished { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Writes `values` (row by row, `cols` × `rows`) at (`col`, `row`) of the whole grid.
    public func write(_ values: [T], col: Int, row: Int, cols: Int, rows: Int) throws {
        precondition(values.count == cols * rows)
        guard col >= 0, row >= 0, col + cols <= spec.cols, row + rows <= spec.rows else {
            throw GeodataError(path, "a window \(cols) × \(rows) at column \(col), row \(row) leaves the \(spec.cols) × \(spec.rows) grid")
        }
        let b = GDALGetRasterBand(ds.handle, 1)
        let err = values.withUnsafeBytes { buf in
            GDALRasterIO(b, GF_Write, Int32(col), Int32(row), Int32(cols), Int32(rows), UnsafeMutableRawPointer(mutating: buf.baseAddress),
                         Int32(cols), Int32(rows), RasterIO.gdalType(T.self), 0, 0)
        }
        guard err == CE_None else { throw GeodataError(path, "cannot write a window: \(GDALSetup.lastError())") }
    }

    /// Whether `T` is a floating-point type (then the floating-point predictor and averaged overviews; else
    /// the horizontal predictor and nearest-neighbour overviews, which keep labels whole).
    static var isFloating: Bool { T.self == Float.self || T.self == Double.self }

    /// Copies the assembled raster to `path` as a COG (DEFLATE, predictor and overviews as `isFloating` says),
    /// under a temporary name renamed on success, and removes the scratch GeoTIFF.
    public func finish() throws {
        GDALFlushCache(ds.handle)
        defer { finished = true; try? FileManager.default.removeItem(atPath: scratch) }
        try AtomicOutput.write(to: path) { tmp in
            guard let drv = GDALGetDriverByName("COG") else { throw GeodataError(path, "GDAL has no COG driver") }
            let out = withCStringList(["COMPRESS=DEFLATE", "LEVEL=1", "BIGTIFF=IF_SAFER", "NUM_THREADS=2", "RESAMPLING=\(Self.isFloating ? "AVERAGE" : "NEAREST")",
                                         "PREDICTOR=\(Self.isFloating ? "FLOATING_POINT" : "YES")"]) {
                GDALCreateCopy(drv, tmp, ds.handle, 0, $0, nil, nil)
            }
            guard let out else { throw GeodataError(path, "cannot write COG: \(GDALSetup.lastError())") }
            GDALClose(out)
        }
    }
}
