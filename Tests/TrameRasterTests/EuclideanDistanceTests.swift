import Foundation
import TrameSample
import XCTest
import TrameRaster

/// The exact Euclidean distance transform against GEOS (through GDAL's Python bindings, Debian's
/// `/usr/bin/python3` with `osgeo`): the distance from each cell centre to the multipoint of the seed
/// cells' centres, on random seed sets and hand-made shapes, with and without a limit.
final class EuclideanDistanceTests: XCTestCase {
    /// Per cell, GEOS's distance from its centre to the multipoint of the centres of each region 1…k
    /// (`labels`, 0: none); cells of `cw` × `ch` metres, row 0 at the top.
    func geos(_ labels: [Int32], cols: Int, rows: Int, cw: Double, ch: Double) throws -> [[Double]] {
        let script = """
        import json, sys
        from osgeo import ogr
        ogr.UseExceptions()
        a = json.load(sys.stdin)
        cols, rows, cw, ch, labels = a["cols"], a["rows"], a["cw"], a["ch"], a["labels"]
        k = max(labels) if labels else 0
        regions = [ogr.Geometry(ogr.wkbMultiPoint) for _ in range(k)]
        def centre(i):
            p = ogr.Geometry(ogr.wkbPoint)
            p.AddPoint_2D((i % cols + 0.5) * cw, -(i // cols + 0.5) * ch)
            return p
        for i, l in enumerate(labels):
            if l > 0: regions[l - 1].AddGeometry(centre(i))
        out = []
        for i in range(cols * rows):
            c = centre(i)
            out.append([c.Distance(g) if not g.IsEmpty() else None for g in regions])
        json.dump(out, sys.stdout)
        """
        let input = try JSONSerialization.data(withJSONObject: ["cols": cols, "rows": rows, "cw": cw, "ch": ch, "labels": labels.map(Int.init)])
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        proc.arguments = ["-c", script]
        let i = Pipe(), o = Pipe(), e = Pipe()
        proc.standardInput = i; proc.standardOutput = o; proc.standardError = e
        try proc.run()
        i.fileHandleForWriting.write(input)
        try i.fileHandleForWriting.close()
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        guard proc.terminationStatus == 0 else {
            throw XCTSkip("GDAL's Python bindings are needed (apt-get install python3-gdal): \(String(decoding: err, as: UTF8.self).suffix(300))")
        }
        let rowsOut = try XCTUnwrap(JSONSerialization.jsonObject(with: out) as? [[Any]])
        return rowsOut.map { $0.map { ($0 as? Double) ?? .infinity } }
    }


    /// Compares the transform (one worker and two) with GEOS on one seed set.
    func check(_ seeds: [UInt8], cols: Int, rows: Int, cw: Double, ch: Double, limit: Double, _ what: String) throws {
        let ref = try geos(seeds.map { Int32($0) }, cols: cols, rows: rows, cw: cw, ch: ch).map { $0.first ?? .infinity }
        for workers in [1, 2] {
            var got = [Float](repeating: -1, count: cols * rows)
            seeds.withUnsafeBufferPointer { S in
                got.withUnsafeMutableBufferPointer { O in
                    EuclideanDistance.compute(seeds: S, cols: cols, rows: rows, cellWidth: cw, cellHeight: ch, limit: limit, into: O, workers: workers)
                }
            }
            var bad = 0
            for k in 0..<cols * rows {
                let want = ref[k]
                if want > limit {
                    if got[k] != .infinity { bad += 1; if bad < 5 { XCTFail("\(what), \(workers) worker(s): cell \(k) is \(want) m away, beyond \(limit) m, but reads \(got[k])") } }
                } else if abs(Double(got[k]) - want) > 1e-3 {
                    bad += 1; if bad < 5 { XCTFail("\(what), \(workers) worker(s): cell \(k): \(got[k]) m, GEOS \(want) m") }
                }
            }
            XCTAssertEqual(bad, 0, "\(what), \(workers) worker(s): cells that differ from GEOS")
        }
        // The array form gives the same as the buffer form.
        let whole = EuclideanDistance.compute(seeds: seeds, cols: cols, rows: rows, cellWidth: cw, cellHeight: ch, limit: limit)
        for k in 0..<cols * rows where ref[k] <= limit { XCTAssertEqual(Double(whole[k]), ref[k], accuracy: 1e-3, what) }
    }

    /// One seed, many random seeds (3 % and 0.2 % of the cells), with and without a limit, on square
    /// cells of 10 m and rectangular cells of 10 × 7.5 m, on grids whose sides are not multiples of the blocks.
    func testRandomSeedsAgainstGEOS() throws {
        var rng = SeededGenerator(seed: 14)
        let cols = 53, rows = 37
        var one = [UInt8](repeating: 0, count: cols * rows)
        one[17 * cols + 40] = 1
        var many = [UInt8](repeating: 0, count: cols * rows), sparse = many
        for k in 0..<cols * rows {
            if rng.unit() < 0.03 { many[k] = 1 }
            if rng.unit() < 0.002 { sparse[k] = 1 }
        }
        XCTAssertGreaterThan(many.filter { $0 != 0 }.count, 20)
        XCTAssertGreaterThan(sparse.filter { $0 != 0 }.count, 1)
        for (name, seeds) in [("one seed", one), ("3 % seeds", many), ("0.2 % seeds", sparse)] {
            for (cw, ch) in [(10.0, 10.0), (10.0, 7.5)] {
                // 57.3 m: no cell-centre distance on these grids equals it (squares of 10 and 7.5 multiples).
                for limit in [Double.infinity, 57.3] {
                    try check(seeds, cols: cols, rows: rows, cw: cw, ch: ch, limit: limit, "\(name), \(cw) × \(ch) m cells, limit \(limit)")
                }
            }
        }
    }

    /// A ring, an L and a diagonal line drawn on a 61 × 45 grid of 25 m cells: cells inside the ring
    /// are nearest to its inner side, which an 8-neighbour chamfer gets wrong off the axes.
    func testShapesAgainstGEOS() throws {
        let cols = 61, rows = 45
        var seeds = [UInt8](repeating: 0, count: cols * rows)
        for r in 0..<rows {
            for c in 0..<cols {
                let dx = Double(c - 20), dy = Double(r - 22)
                let rad = (dx * dx + dy * dy).squareRoot()
                if rad >= 12 && rad < 14 { seeds[r * cols + c] = 1 }       // ring
                if (c == 45 && r >= 5 && r < 30) || (r == 30 && c >= 45 && c < 58) { seeds[r * cols + c] = 1 }   // L
                if c - r == 30 && r < 12 { seeds[r * cols + c] = 1 }       // diagonal
            }
        }
        try check(seeds, cols: cols, rows: rows, cw: 25, ch: 25, limit: .infinity, "shapes")
        try check(seeds, cols: cols, rows: rows, cw: 25, ch: 25, limit: 130.1, "shapes, limit 130.1 m")
    }

    /// Worked by hand from the centre of a 5 × 5 grid of 10 m cells: rook step 10 m, diagonal 10√2,
    /// knight (2, 1) 10√5 = 22.36 m (an 8-neighbour chamfer gives 10 + 10√2 = 24.14 m), corner 20√2;
    /// with a 22 m limit the knight cells and corners read +∞. No seed: +∞ everywhere.
    func testHandWorkedDistances() {
        var seeds = [UInt8](repeating: 0, count: 25)
        seeds[12] = 1
        let d = EuclideanDistance.compute(seeds: seeds, cols: 5, rows: 5, cellWidth: 10)
        XCTAssertEqual(d[12], 0)
        XCTAssertEqual(d[13], 10, accuracy: 1e-4)
        XCTAssertEqual(d[18], Float(10 * 2.0.squareRoot()), accuracy: 1e-4)
        XCTAssertEqual(d[19], Float(10 * 5.0.squareRoot()), accuracy: 1e-4)
        XCTAssertEqual(d[24], Float(20 * 2.0.squareRoot()), accuracy: 1e-4)
        let capped = EuclideanDistance.compute(seeds: seeds, cols: 5, rows: 5, cellWidth: 10, limit: 22)
        XCTAssertEqual(capped[18], Float(10 * 2.0.squareRoot()), accuracy: 1e-4)
        XCTAssertEqual(capped[19], .infinity)
        XCTAssertEqual(capped[24], .infinity)
        XCTAssertEqual(capped[22], 20, accuracy: 1e-4, "two rows below the seed: 20 m, within the limit")
        let none = EuclideanDistance.compute(seeds: [UInt8](repeating: 0, count: 12), cols: 4, rows: 3, cellWidth: 10)
        XCTAssertTrue(none.allSatisfy { $0 == .infinity })
    }

    /// A row of 9 cells of 10 m, region 1 at column 0 and region 2 at column 8: column 2 is 20 m from
    /// region 1 and 60 m from region 2; column 4 is 40 m from both (the lower label first).
    func testTwoNearestHandWorked() {
        var labels = [Int32](repeating: 0, count: 9)
        labels[0] = 1; labels[8] = 2
        let t = EuclideanDistance.twoNearest(labels: labels, count: 2, cols: 9, rows: 1, cellWidth: 10, limit: 1000)
        XCTAssertEqual(t.id1[2], 1); XCTAssertEqual(t.d1[2], 20, accuracy: 1e-4)
        XCTAssertEqual(t.id2[2], 2); XCTAssertEqual(t.d2[2], 60, accuracy: 1e-4)
        XCTAssertEqual(t.d1[4], 40, accuracy: 1e-4); XCTAssertEqual(t.d2[4], 40, accuracy: 1e-4)
        XCTAssertEqual(t.id1[4], 1); XCTAssertEqual(t.id2[4], 2)
        let near = EuclideanDistance.twoNearest(labels: labels, count: 2, cols: 9, rows: 1, cellWidth: 10, limit: 30)
        XCTAssertEqual(near.id2[2], 0, "region 2 is 60 m away, beyond the 30 m limit")
        XCTAssertEqual(near.d1[2], 20, accuracy: 1e-4)
    }

    /// Five random regions (blobs) on a 47 × 39 grid of 20 × 15 m cells: each cell's two nearest regions
    /// and distances are GEOS's two least distances to the regions' multipoints (within a 150 m limit).
    func testTwoNearestAgainstGEOS() throws {
        var rng = SeededGenerator(seed: 7)
        let cols = 47, rows = 39, cw = 20.0, ch = 15.0, limit = 150.0
        var labels = [Int32](repeating: 0, count: cols * rows)
        for region in 1...5 {
            let c0 = Int(rng.unit() * Double(cols)), r0 = Int(rng.unit() * Double(rows))
            for r in max(0, r0 - 3)...min(rows - 1, r0 + 3) { for c in max(0, c0 - 2)...min(cols - 1, c0 + 4) where rng.unit() < 0.6 {
                labels[r * cols + c] = Int32(region)
            } }
        }
        let present = Set(labels.filter { $0 > 0 })
        XCTAssertEqual(present.count, 5)
        let ref = try geos(labels, cols: cols, rows: rows, cw: cw, ch: ch)
        let t = EuclideanDistance.twoNearest(labels: labels, count: 5, cols: cols, rows: rows, cellWidth: cw, cellHeight: ch, limit: limit)
        for k in 0..<cols * rows {
            let sorted = ref[k].enumerated().filter { $0.element <= limit }.sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
            if let a = sorted.first {
                XCTAssertEqual(Double(t.d1[k]), a.element, accuracy: 1e-3, "cell \(k)")
                // On equal distances either region may come first; the distance is what counts.
                if sorted.count < 2 || sorted[1].element - a.element > 1e-6 { XCTAssertEqual(t.id1[k], Int32(a.offset + 1), "cell \(k)") }
            } else { XCTAssertEqual(t.id1[k], 0, "cell \(k)") }
            if sorted.count >= 2 {
                XCTAssertEqual(Double(t.d2[k]), sorted[1].element, accuracy: 1e-3, "cell \(k)")
                XCTAssertNotEqual(t.id1[k], t.id2[k])
            } else { XCTAssertEqual(t.id2[k], 0, "cell \(k)"); XCTAssertEqual(t.d2[k], .infinity) }
        }
    }
}
