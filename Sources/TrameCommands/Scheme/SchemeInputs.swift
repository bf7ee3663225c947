import CSV
import Crypto
import Foundation
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

/// One class of the land-cover nomenclature.
struct NomenclatureEntry {
    var code: Int
    var label: String
    var labelFr: String
    var colour: (Int, Int, Int)
    var natural: Bool
}

/// Reading and checking the inputs a project names, before any computation starts.
enum SchemeInputs {
    /// Reads a nomenclature CSV: `code,label[,label_fr,red,green,blue,natural]`.
    static func nomenclature(_ path: String) throws -> [Int: NomenclatureEntry] {
        guard FileManager.default.fileExists(atPath: path) else { throw GeodataError(path, "no such file (the nomenclature)") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw GeodataError(path, "cannot be read as UTF-8 text") }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true) } catch {
            throw GeodataError(path, "is not a readable CSV file (\(error))")
        }
        guard let header = reader.headerRow?.map({ $0.lowercased() }), let ci = header.firstIndex(of: "code"), let li = header.firstIndex(of: "label") else {
            throw GeodataError(path, "needs a header with at least the columns code and label")
        }
        func col(_ name: String) -> Int? { header.firstIndex(of: name) }
        var out: [Int: NomenclatureEntry] = [:]
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.allSatisfy({ $0.isEmpty }) { continue }
            func cell(_ k: Int?) -> String? { k.flatMap { $0 < row.count ? row[$0] : nil } }
            guard let code = Int(cell(ci) ?? "") else { throw GeodataError(path, "line \(line): class code '\(cell(ci) ?? "")' is not an integer") }
            guard out[code] == nil else { throw GeodataError(path, "line \(line): class \(code) appears twice") }
            let label = cell(li) ?? ""
            let rgb = (Int(cell(col("red")) ?? "") ?? 150, Int(cell(col("green")) ?? "") ?? 150, Int(cell(col("blue")) ?? "") ?? 150)
            let natural = ["1", "true", "yes", "oui"].contains((cell(col("natural")) ?? "0").lowercased())
            out[code] = NomenclatureEntry(code: code, label: label, labelFr: cell(col("label_fr")).flatMap { $0.isEmpty ? nil : $0 } ?? label,
                                          colour: rgb, natural: natural)
        }
        guard !out.isEmpty else { throw GeodataError(path, "holds no class") }
        return out
    }

    /// Class codes present in a land-cover grid, with their cell counts.
    static func histogram(_ g: Grid<Int32>) -> [Int32: Int] {
        var small = [Int](repeating: 0, count: 65_536)
        var other: [Int32: Int] = [:]
        g.values.withUnsafeBufferPointer { V in
            for v in V where !g.isNoData(v) {
                if v >= 0 && v < 65_536 { small[Int(v)] += 1 } else { other[v, default: 0] += 1 }
            }
        }
        for (k, c) in small.enumerated() where c > 0 { other[Int32(k)] = c }
        return other
    }

    /// The file on disk behind a GDAL path: the zip itself for `/vsizip/A.zip` or `/vsizip/A.zip/B.shp`
    /// (a zipped Shapefile, e.g. a partner's upload given with `--inventory`), the path otherwise.
    static func archivePath(_ path: String) -> String {
        guard path.hasPrefix("/vsizip/") else { return path }
        let inner = String(path.dropFirst("/vsizip/".count))
        if let r = inner.range(of: ".zip/", options: [.caseInsensitive, .backwards]) { return String(inner[..<r.upperBound].dropLast()) }
        return inner
    }

    /// Reads a layer named in the project; reprojects it to `crsWKT` with a warning when it is in
    /// another CRS; refuses a layer without CRS or wholly outside the territory.
    static func layer(_ src: LayerSource, role: String, crsWKT: String, extent: (minX: Double, minY: Double, maxX: Double, maxY: Double),
                      allowEmpty: Bool = false, warn: (String) -> Void) throws -> VectorLayer {
        guard FileManager.default.fileExists(atPath: archivePath(src.file)) else { throw GeodataError(src.file, "no such file (\(role))") }
        var l = try VectorIO.read(src.file, layer: src.layer, filter: src.filter, allowEmpty: allowEmpty)
        guard let target = SpatialReference.fromWKT(crsWKT) else { return l }
        guard let own = SpatialReference.fromWKT(l.crsWKT) else {
            throw GeodataError(src.file, "\(role) layer '\(l.name)' has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)")
        }
        if !own.isSame(as: target) {
            warn("\(src.label): \(role) in \(own.label), reprojected to \(target.label)")
            l = try VectorIO.reproject(l, to: target, file: src.file)
        }
        if !l.features.isEmpty {
            let inside = l.features.contains { f in
                guard let b = f.geometry?.bounds else { return false }
                return b.maxX >= extent.minX && b.minX <= extent.maxX && b.maxY >= extent.minY && b.minY <= extent.maxY
            }
            if !inside {
                throw GeodataError(src.file, "\(role) layer '\(l.name)' lies wholly outside the territory (x \(Int(extent.minX))–\(Int(extent.maxX)), y \(Int(extent.minY))–\(Int(extent.maxY)) m)")
            }
        }
        return l
    }

    /// Lines of a layer (lines and multilines; other geometries are refused).
    static func lines(_ l: VectorLayer, file: String) throws -> [(Feature, [Point])] {
        var out: [(Feature, [Point])] = []
        for f in l.features {
            switch f.geometry {
            case .lineString(let pts): out.append((f, pts))
            case .multiLineString(let ls): for pts in ls { out.append((f, pts)) }
            case nil: continue
            default: throw GeodataError(file, "layer '\(l.name)' must hold lines; it holds \(f.geometry!.kind)")
            }
        }
        return out
    }

    /// SHA-256 of a file, read in blocks.
    static func sha256(_ path: String) -> String {
        guard let h = FileHandle(forReadingAtPath: path) else { return "unreadable" }
        defer { try? h.close() }
        var hasher = SHA256()
        while let d = try? h.read(upToCount: 4 << 20), !d.isEmpty { hasher.update(data: d) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
