import CGDAL
import Foundation
import TrameRaster
import TrameVector

/// Reprojecting a class raster (a land cover) to the project's CRS, as `gdalwarp` does.
public enum RasterWarp {
    /// The width of the source's central cell measured in `target`'s units (metres).
    static func sourceCellSize(_ ds: Dataset, in target: SpatialReference) -> Double {
        let spec = RasterIO.gridSpec(ds)
        let t = spec.transform
        guard let own = SpatialReference.fromWKT(spec.crsWKT), let tr = try? CoordinateTransformer(from: own, to: target) else { return abs(t.pixelWidth) }
        let x = t.originX + Double(spec.cols / 2) * t.pixelWidth, y = t.originY + Double(spec.rows / 2) * t.pixelHeight
        guard let a = try? tr.transform(Point(x, y)), let b = try? tr.transform(Point(x + t.pixelWidth, y)),
              let c = try? tr.transform(Point(x, y + t.pixelHeight)) else { return abs(t.pixelWidth) }
        return (a.distance(to: b) + a.distance(to: c)) / 2
    }

    /// Reads band 1 of a raster of integer classes reprojected to `target`, on cells of `cell` metres
    /// aligned on multiples of the cell size (`gdalwarp -t_srs … -tr cell cell -tap -r near|mode`).
    ///
    /// Where the new cells are at least 1.5 times the source's, each takes the class most of the source
    /// cells under it hold (GDAL's `mode` resampling, the rule for categories: no class is averaged into
    /// another); otherwise the nearest source cell's class. The source's NoData competes as one more class, so a new cell is NoData when
    /// most of it is; cells beyond the source are NoData.
    ///
    /// - Parameter declaredNoData: a source value that means "outside" when the raster declares no NoData
    ///   ([land_cover] nodata).
    public static func readClasses(_ path: String, to target: SpatialReference, cell: Double, declaredNoData: Int32?) throws -> Grid<Int32> {
        GDALSetup.ensure()
        let src = try Dataset.open(path, raster: true)
        guard GDALGetRasterCount(src.handle) >= 1 else { throw GeodataError(path, "holds no raster band") }
        let band = GDALGetRasterBand(src.handle, 1)
        var has: Int32 = 0
        let own = GDALGetRasterNoDataValue(band, &has)
        let srcNoData: Double? = has != 0 ? own : declaredNoData.map(Double.init)
        // Outside the source: its own NoData when it fits an Int32, else the smallest Int32.
        let outside: Int32 = srcNoData.flatMap { Int32(exactly: $0) } ?? Int32.min
        let number = { (v: Double) in String(format: "%.10g", v) }
        // The source's NoData takes part in the vote as a class of its own (-srcnodata None): a cell mostly
        // outside the territory stays outside, so a coast or a border does not grow by half a cell.
        // Coarser cells take the class most of them holds (mode); cells of about the source's size or finer
        // take the nearest source cell's, which keeps each class's area (a mode between cells of one size
        // would grow the common classes at the expense of the rare ones).
        let resampling = cell >= 1.5 * sourceCellSize(src, in: target) ? "mode" : "near"
        let args = ["-of", "VRT", "-t_srs", target.wkt, "-tr", number(cell), number(cell), "-tap", "-r", resampling, "-ot", "Int32",
                    "-srcnodata", "None", "-dstnodata", String(Int32.min)]
        let vrt = "/vsimem/trame-warp-\(UUID().uuidString).vrt"
        defer { VSIUnlink(vrt) }
        let opts = withCStringList(args) { GDALWarpAppOptionsNew($0, nil) }
        guard let opts else { throw GeodataError(path, "cannot set up the reprojection: \(GDALSetup.lastError())") }
        defer { GDALWarpAppOptionsFree(opts) }
        var srcHandle: GDALDatasetH? = src.handle
        var usageError: Int32 = 0
        CPLErrorReset()
        guard let out = GDALWarp(vrt, nil, 1, &srcHandle, opts, &usageError) else {
            throw GeodataError(path, "cannot be reprojected to \(target.label): \(GDALSetup.lastError())")
        }
        GDALClose(out)
        do {
            var g = try RasterIO.read(vrt, as: Int32.self)
            // Cells beyond the source come as the smallest Int32 (GDAL would shift a class equal to the
            // destination's NoData by one, so the source's NoData cannot be it); a declared "outside" value
            // besides the raster's own NoData is outside too.
            let declared = declaredNoData ?? outside
            g.values.withUnsafeMutableBufferPointer { V in
                for i in V.indices where V[i] == Int32.min || V[i] == declared { V[i] = outside }
            }
            g.noData = outside
            return g
        } catch let e as GeodataError {
            throw GeodataError(path, "reprojected to \(target.label): " + e.problem)
        }
    }
}
