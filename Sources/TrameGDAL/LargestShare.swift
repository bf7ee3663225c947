import CGDAL
import Foundation
import TrameRaster
import TrameVector

extension Rasterizer {
    /// Burns polygons' classes onto a grid by the **largest share** of each cell: a vector land cover
    /// (OCS GE, CORINE Land Cover as polygons) becomes the class raster a run uses.
    ///
    /// Each cell is divided into `samples` × `samples` sub-cells; GDAL burns every polygon's class onto
    /// that finer grid with its default rule (a sub-cell takes a polygon when its centre lies inside;
    /// all-touched off), and each cell takes the class that holds the most of its sub-cells — its largest
    /// share, to 1 / samples² of a cell. The part of a cell no polygon covers competes too: a cell whose
    /// uncovered part is larger than any class's share stays NoData (a territory's edge falls where half a
    /// cell is covered, so areas are kept). Ties go to the class with the smaller code; a class beats the
    /// uncovered part at equal share. Where polygons overlap, the later polygon holds the sub-cells they
    /// share.
    ///
    /// - Parameters:
    ///   - classes: per feature of `layer`, its class code (nil: the feature is skipped).
    ///   - noData: the value of uncovered cells.
    /// - Complexity: O(samples² × cells + polygon vertices × strips), in strips of about 16 M sub-cells:
    ///   memory beyond the grid is that strip (32 MB), whatever the grid's size.
    public static func rasterizeLargestShare(_ layer: VectorLayer, classes: [Int32?], onto spec: GridSpec, noData: Int32,
                                             samples: Int = 5, progress: ((Double) -> Void)? = nil) throws -> Grid<Int32> {
        precondition(classes.count == layer.features.count && samples >= 1 && samples <= 16)
        // Class codes → small indices in code order (so that a smaller index is a smaller code); 0 = uncovered.
        let codes = Array(Set(classes.compactMap { $0 })).sorted()
        guard codes.count < Int(UInt16.max) else { throw GeodataError(layer.name, "holds \(codes.count) classes; at most 65,534 are supported") }
        let index = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0 + 1) })
        var burnt = VectorLayer(name: layer.name, geometryKind: layer.geometryKind, fields: [FieldDefinition("k", .integer)], crsWKT: layer.crsWKT)
        burnt.features.reserveCapacity(layer.features.count)
        for (f, c) in zip(layer.features, classes) {
            guard let c, let g = f.geometry else { continue }
            burnt.features.append(Feature(geometry: g, attributes: ["k": .integer(index[c]!)]))
        }
        let vds = try memoryLayer(burnt)
        burnt = VectorLayer(name: "", geometryKind: .polygon)   // the OGR copy is what is burnt from here
        var grid = Grid<Int32>(spec: spec, fill: noData, noData: noData)
        guard spec.count > 0, !codes.isEmpty else { return grid }

        let s = samples, fineCols = spec.cols * s
        let stripRows = max(1, min(spec.rows, (16 << 20) / max(1, fineCols * s)))
        var fine = [UInt16](repeating: 0, count: fineCols * stripRows * s)
        let t = spec.transform
        let layerH = GDALDatasetGetLayer(vds.handle, 0)
        var counts = [Int32](repeating: 0, count: codes.count + 1)
        var touched = [Int](repeating: 0, count: s * s)
        var row0 = 0
        while row0 < spec.rows {
            let rows = min(stripRows, spec.rows - row0)
            for i in 0..<(fineCols * rows * s) { fine[i] = 0 }
            try fine.withUnsafeMutableBufferPointer { buf in
                guard let mem = GDALGetDriverByName("MEM"),
                      let h = GDALCreate(mem, "", Int32(fineCols), Int32(rows * s), 0, GDT_UInt16, nil)
                else { throw GeodataError("", "cannot create an in-memory raster") }
                let rds = Dataset(handle: h, path: "")
                _ = withCStringList(["DATAPOINTER=\(UInt(bitPattern: buf.baseAddress))"]) { GDALAddBand(h, GDT_UInt16, $0) }
                let top = t.originY + Double(row0) * t.pixelHeight
                var gt = [t.originX, t.pixelWidth / Double(s), 0, top, 0, t.pixelHeight / Double(s)]
                GDALSetGeoTransform(h, &gt)
                if !spec.crsWKT.isEmpty { GDALSetProjection(h, spec.crsWKT) }
                // Only the polygons that reach the strip are read.
                let y1 = top + Double(rows) * t.pixelHeight
                OGR_L_SetSpatialFilterRect(layerH, t.originX, min(top, y1), t.originX + Double(spec.cols) * t.pixelWidth, max(top, y1))
                var bands: [Int32] = [1]
                var l = layerH
                let err = withCStringList(["ATTRIBUTE=k"]) { o in GDALRasterizeLayers(h, 1, &bands, 1, &l, nil, nil, nil, o, nil, nil) }
                guard err == CE_None else { throw GeodataError(layer.name, "cannot rasterize: \(GDALSetup.lastError())") }
                withExtendedLifetime(rds) {}
            }
            grid.values.withUnsafeMutableBufferPointer { G in
                for r in 0..<rows {
                    let out = (row0 + r) * spec.cols
                    for c in 0..<spec.cols {
                        var n = 0
                        for dy in 0..<s {
                            let base = (r * s + dy) * fineCols + c * s
                            for dx in 0..<s {
                                let k = Int(fine[base + dx])
                                if counts[k] == 0 { touched[n] = k; n += 1 }
                                counts[k] += 1
                            }
                        }
                        var best = 0, bestCount: Int32 = -1
                        for j in 0..<n {
                            let k = touched[j], v = counts[k]
                            // Larger share wins; at equal share a class beats the uncovered part (0), and
                            // the smaller code (index) beats the larger.
                            if v > bestCount || (v == bestCount && (best == 0 || (k != 0 && k < best))) { best = k; bestCount = v }
                            counts[k] = 0
                        }
                        G[out + c] = best == 0 ? noData : codes[best - 1]
                    }
                }
            }
            row0 += rows
            progress?(Double(row0) / Double(spec.rows))
        }
        OGR_L_SetSpatialFilter(layerH, nil)
        return grid
    }
}
