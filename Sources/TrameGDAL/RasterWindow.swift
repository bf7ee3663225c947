import CGDAL
import Foundation
import TrameRaster
import TrameVector

/// An open raster for repeated small reads (map tiles, point values): windows resampled to a
/// buffer size, GDAL choosing the overview (a COG's internal ones) that fits. Not thread-safe:
/// open one per task.
public final class RasterWindowReader {
    let ds: Dataset
    let band: GDALRasterBandH
    public let spec: GridSpec
    public let noData: Double?

    public init(_ path: String, band: Int = 1) throws {
        ds = try Dataset.open(path, raster: true)
        let n = Int(GDALGetRasterCount(ds.handle))
        guard band >= 1, band <= n else { throw GeodataError(path, "has no band \(band)") }
        self.band = GDALGetRasterBand(ds.handle, Int32(band))
        spec = RasterIO.gridSpec(ds)
        var has: Int32 = 0
        let nd = GDALGetRasterNoDataValue(self.band, &has)
        noData = has != 0 ? nd : nil
    }

    /// The window of `cols` × `rows` cells from (`col`, `row`), resampled (nearest) to `outCols` × `outRows`
    /// values, row by row; the window must lie inside the raster.
    public func read(col: Int, row: Int, cols: Int, rows: Int, outCols: Int, outRows: Int) throws -> [Float] {
        precondition(col >= 0 && row >= 0 && cols > 0 && rows > 0 && col + cols <= spec.cols && row + rows <= spec.rows)
        var out = [Float](repeating: 0, count: outCols * outRows)
        let err = out.withUnsafeMutableBytes { buf in
            GDALRasterIO(band, GF_Read, Int32(col), Int32(row), Int32(cols), Int32(rows), buf.baseAddress,
                         Int32(outCols), Int32(outRows), GDT_Float32, 0, 0)
        }
        guard err == CE_None else { throw GeodataError(ds.path, "cannot read a window: \(GDALSetup.lastError())") }
        return out
    }

    /// The value of one cell; nil on NoData or outside the raster.
    public func value(col: Int, row: Int) throws -> Double? {
        guard col >= 0, row >= 0, col < spec.cols, row < spec.rows else { return nil }
        var v = 0.0
        guard GDALRasterIO(band, GF_Read, Int32(col), Int32(row), 1, 1, &v, 1, 1, GDT_Float64, 0, 0) == CE_None else {
            throw GeodataError(ds.path, "cannot read a cell: \(GDALSetup.lastError())")
        }
        if let nd = noData, v == nd || (nd.isNaN && v.isNaN) { return nil }
        return v.isNaN ? nil : v
    }

    /// Minimum and maximum of the valid cells, approximate (GDAL reads an overview or a subsample):
    /// for colour ramps, not for figures.
    public func range() -> (min: Double, max: Double)? {
        var pair = [Double](repeating: 0, count: 2)
        CPLErrorReset()
        guard GDALComputeRasterMinMax(band, 1, &pair) == CE_None, pair[0].isFinite, pair[1].isFinite else { return nil }
        return (pair[0], pair[1])
    }
}

extension CoordinateTransformer {
    /// Transforms many points in place; points that cannot be transformed become NaN.
    public func transform(xs: inout [Double], ys: inout [Double]) {
        precondition(xs.count == ys.count)
        let n = xs.count
        guard n > 0 else { return }
        var ok = [Int32](repeating: 0, count: n)
        var zs = [Double](repeating: 0, count: n)
        xs.withUnsafeMutableBufferPointer { x in
            ys.withUnsafeMutableBufferPointer { y in
                zs.withUnsafeMutableBufferPointer { z in
                    ok.withUnsafeMutableBufferPointer { o in
                        _ = OCTTransformEx(handle, Int32(n), x.baseAddress, y.baseAddress, z.baseAddress, o.baseAddress)
                    }
                }
            }
        }
        for i in 0..<n where ok[i] == 0 || !xs[i].isFinite || !ys[i].isFinite { xs[i] = .nan; ys[i] = .nan }
    }
}

extension VectorIO {
    /// Features whose geometry GEOS finds invalid (self-intersecting rings, …): their positions in
    /// the layer and GEOS's reason.
    public static func invalidGeometries(_ layer: VectorLayer, limit: Int = 10) -> [(index: Int, reason: String)] {
        GDALSetup.ensure()
        var out: [(Int, String)] = []
        for (i, f) in layer.features.enumerated() {
            guard let g = f.geometry else { continue }
            let h = OGRGeometryBridge.make(g)
            defer { OGR_G_DestroyGeometry(h) }
            if OGR_G_IsValid(h) == 0 {
                CPLErrorReset()
                out.append((i, "invalid \(g.kind.rawValue)"))
                if out.count >= limit { break }
            }
        }
        return out
    }
}
