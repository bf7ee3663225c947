import Foundation
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

/// One output folder of `trame run`, as `trame compare` reads it: scheme.gpkg, figures.csv and the rasters.
public struct SchemeOutput {
    public let folder: String
    public let gpkg: String
    /// The land-cover grid the scheme was built on (that of rasters/nature_spaces.tif).
    public let spec: GridSpec
    public let metadata: [String: String]
    /// The sub-networks, in the order of figures.csv.
    public let subNetworks: [String]
    public let figureHeader: [String]
    public let figureRows: [[String]]

    public init(_ folder: String) throws {
        self.folder = folder
        gpkg = (folder as NSString).appendingPathComponent("scheme.gpkg")
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder) else { throw GeodataError(folder, "no such folder") }
        guard fm.fileExists(atPath: gpkg) else { throw GeodataError(folder, "holds no scheme.gpkg: give an output folder of `trame run`") }
        metadata = try VectorIO.metadata(gpkg)
        guard metadata["TRAME_VERSION"] != nil else { throw GeodataError(gpkg, "was not written by `trame run` (no TRAME_VERSION in its metadata)") }
        let typology = (folder as NSString).appendingPathComponent("rasters/nature_spaces.tif")
        guard fm.fileExists(atPath: typology) else { throw GeodataError(folder, "lacks rasters/nature_spaces.tif: an incomplete output of `trame run`") }
        spec = try RasterIO.describe(typology).spec
        let csv = (folder as NSString).appendingPathComponent("figures.csv")
        guard let text = try? String(contentsOfFile: csv, encoding: .utf8) else { throw GeodataError(folder, "lacks figures.csv: an incomplete output of `trame run`") }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let head = lines.first else { throw GeodataError(csv, "is empty") }
        figureHeader = SchemeOutput.fields(head)
        figureRows = lines.dropFirst().map(SchemeOutput.fields)
        subNetworks = figureHeader.filter { $0.hasSuffix("_reservoir_ha") }.map { String($0.dropLast("_reservoir_ha".count)) }
    }

    /// The fields of a CSV line (quotes as figures.csv writes them).
    static func fields(_ line: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = line.makeIterator()
        while let ch = it.next() {
            if quoted {
                if ch == "\"" { quoted = false } else { cur.append(ch) }
            } else if ch == "\"" {
                if cur.isEmpty { quoted = true } else { cur.append(ch) }
            } else if ch == "," { out.append(cur); cur = "" } else { cur.append(ch) }
        }
        out.append(cur)
        return out
    }

    public func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// A raster of the scheme, nil when the run wrote none (a sub-network without corridors).
    public func raster<T: GridScalar>(_ name: String, as: T.Type) throws -> Grid<T>? {
        let p = path(name)
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        return try RasterIO.read(p, as: T.self, conversion: .any)
    }

    public func layer(_ name: String) throws -> VectorLayer { try VectorIO.read(gpkg, layer: name, allowEmpty: true) }

    /// Reservoir features burnt onto the scheme's grid by their `reservoir` id (0 elsewhere).
    public func reservoirIds(_ reservoirs: [Feature]) throws -> Grid<Int32> {
        let l = VectorLayer(name: "r", geometryKind: .multiPolygon, fields: [FieldDefinition("reservoir", .integer)],
                            features: reservoirs.map { Feature(geometry: $0.geometry, attributes: ["reservoir": .integer($0["reservoir"].doubleValue.map(Int.init) ?? 0)]) },
                            crsWKT: spec.crsWKT)
        return try Rasterizer.rasterize(l, onto: spec, as: Int32.self, burn: .attribute("reservoir"), fill: 0)
    }

    /// A sub-network's dispersal distance (cost units) and its probability, as the run recorded them.
    public func dispersal(of sub: String) throws -> (cost: Double, probability: Double) {
        func number(after prefix: String, in text: String) -> Double? {
            guard let r = text.range(of: prefix) else { return nil }
            return Double(text[r.upperBound...].prefix { "0123456789.eE+-".contains($0) })
        }
        guard let params = metadata["TRAME_PARAM_SUBNETWORK_\(sub.uppercased())"],
              let cost = number(after: "dispersal ", in: params), let p = number(after: "cost at p = ", in: params) else {
            throw GeodataError(gpkg, "its metadata lack the dispersal distance of sub-network '\(sub)'")
        }
        return (cost, p)
    }

    /// figures.csv as rows keyed by level and name, each a column → number table.
    public var figures: [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for r in figureRows where r.count >= 2 {
            var row: [String: Double] = [:]
            for (k, v) in zip(figureHeader, r).dropFirst(2) { if let d = Double(v) { row[k] = d } }
            out[r[0] + "\u{1F}" + r[1]] = row
        }
        return out
    }
}

/// What changed between two schemes built on the same grid (two editions, or a scenario and its baseline):
/// nature spaces, corridors and buffer zones gained and lost (cell by cell), reservoirs lost, new, grown,
/// shrunk, split or merged (matched by the cells they share), links cut and created (matched through their
/// reservoirs), conflict points added and resolved (matched within two cells), and every figure per unit.
public struct SchemeComparison {
    /// How a cell of the nature spaces changed; 0: unchanged.
    public enum SpaceChange: Int32, CaseIterable, Sendable {
        case gainedMajor = 1, gainedMixed, lostMajor, lostMixed, mixedToMajor, majorToMixed
        public var code: String {
            switch self {
            case .gainedMajor: "gained_major"
            case .gainedMixed: "gained_mixed"
            case .lostMajor: "lost_major"
            case .lostMixed: "lost_mixed"
            case .mixedToMajor: "mixed_to_major"
            case .majorToMixed: "major_to_mixed"
            }
        }
        /// Gains green, losses red, typology changes blue.
        public var colour: (Int, Int, Int) {
            switch self {
            case .gainedMajor: (26, 128, 50)
            case .gainedMixed: (120, 200, 110)
            case .lostMajor: (190, 20, 30)
            case .lostMixed: (245, 120, 100)
            case .mixedToMajor: (40, 90, 200)
            case .majorToMixed: (140, 170, 230)
            }
        }
    }

    /// A sub-network's headline figures in one scheme.
    public struct Headline: Sendable, Equatable {
        public var reservoirs = 0, reservoirHa = 0.0, ecHa = 0.0, pc = 0.0, links = 0, functionalLinks = 0
        public var corridorKm = 0.0, corridorHa = 0.0, conflicts = 0
    }

    public struct SubNetworkChange: Sendable {
        public var name: String
        public var old: Headline
        public var new: Headline
        public var linksCut: Int
        public var linksCreated: Int
        public var reservoirsLost: Int
        public var reservoirsNew: Int
        public var conflictsAdded: Int
        public var conflictsResolved: Int
    }

    public struct FigureChange: Sendable, Equatable {
        public var level: String, name: String, figure: String
        public var old: Double?, new: Double?
        public var change: Double? { old.flatMap { o in new.map { $0 - o } } }
    }

    public var spec: GridSpec
    public var subNetworks: [SubNetworkChange] = []
    /// Hectares per kind of nature-space change.
    public var spaceChangeHa: [SpaceChange: Double] = [:]
    public var corridorGainedHa: [String: Double] = [:], corridorLostHa: [String: Double] = [:]
    public var bufferGainedHa = 0.0, bufferLostHa = 0.0
    public var figures: [FigureChange] = []
    /// The layers of diff.gpkg.
    public var layers: [VectorLayer] = []

    /// Whether nothing changed: no cell, reservoir, link, conflict or figure.
    public var isEmpty: Bool {
        layers.allSatisfy { $0.features.isEmpty } && figures.allSatisfy { ($0.change ?? 1) == 0 || $0.old == $0.new }
    }

    /// - Throws: `GeodataError` naming the difference when the two schemes' grids or sub-networks differ.
    public static func compare(_ a: SchemeOutput, _ b: SchemeOutput, progress: (String) -> Void = { _ in }) throws -> SchemeComparison {
        try requireComparable(a, b)
        var c = SchemeComparison(spec: b.spec)
        let cellHa = b.spec.cellArea / 10_000

        progress("nature spaces")
        guard let ta = try a.raster("rasters/nature_spaces.tif", as: UInt8.self), let tb = try b.raster("rasters/nature_spaces.tif", as: UInt8.self) else {
            throw GeodataError(a.folder, "lacks rasters/nature_spaces.tif")
        }
        var codes = [Int32](repeating: 0, count: b.spec.count)
        for i in 0..<codes.count {
            let o = ta.isNoData(ta.values[i]) ? 0 : ta.values[i], n = tb.isNoData(tb.values[i]) ? 0 : tb.values[i]
            guard o != n else { continue }
            let ch: SpaceChange = switch (o, n) {
            case (0, 1): .gainedMajor
            case (0, _): .gainedMixed
            case (1, 0): .lostMajor
            case (_, 0): .lostMixed
            case (2, 1): .mixedToMajor
            default: .majorToMixed
            }
            codes[i] = ch.rawValue
            c.spaceChangeHa[ch, default: 0] += cellHa
        }
        c.layers.append(try changePolygons(codes, spec: b.spec, name: "nature_space_changes") { v in
            let ch = SpaceChange(rawValue: v)!
            return ["change": .string(ch.code)]
        })

        progress("corridors and buffer zones")
        var corridorFeatures: [Feature] = []
        for sub in b.subNetworks {
            let ca = try a.raster("rasters/\(sub)_corridors.tif", as: Float.self), cb = try b.raster("rasters/\(sub)_corridors.tif", as: Float.self)
            var d = [Int32](repeating: 0, count: b.spec.count)
            for i in 0..<d.count {
                let o = ca.map { !$0.isNoData($0.values[i]) } ?? false, n = cb.map { !$0.isNoData($0.values[i]) } ?? false
                if n && !o { d[i] = 1; c.corridorGainedHa[sub, default: 0] += cellHa } else if o && !n { d[i] = 2; c.corridorLostHa[sub, default: 0] += cellHa }
            }
            let l = try changePolygons(d, spec: b.spec, name: "corridor_changes") { ["subnetwork": .string(sub), "change": .string($0 == 1 ? "gained" : "lost")] }
            corridorFeatures += l.features
        }
        c.layers.append(VectorLayer(name: "corridor_changes", geometryKind: .multiPolygon,
                                    fields: [FieldDefinition("subnetwork", .string), FieldDefinition("change", .string), FieldDefinition("area_ha", .real)],
                                    features: corridorFeatures, crsWKT: b.spec.crsWKT))
        // A cell is in a buffer zone where its membership is full (the diffuse edge outside is not counted).
        let ba = try a.raster("rasters/buffer_zones.tif", as: UInt8.self), bb = try b.raster("rasters/buffer_zones.tif", as: UInt8.self)
        var bz = [Int32](repeating: 0, count: b.spec.count)
        for i in 0..<bz.count {
            let o = ba.map { $0.values[i] >= 100 } ?? false, n = bb.map { $0.values[i] >= 100 } ?? false
            if n && !o { bz[i] = 1; c.bufferGainedHa += cellHa } else if o && !n { bz[i] = 2; c.bufferLostHa += cellHa }
        }
        c.layers.append(try changePolygons(bz, spec: b.spec, name: "buffer_zone_changes") { ["change": .string($0 == 1 ? "gained" : "lost")] })

        progress("reservoirs, links and conflict points")
        let ra = try a.layer("reservoirs"), rb = try b.layer("reservoirs")
        let la = try a.layer("links"), lb = try b.layer("links")
        let pa = try a.layer("conflict_points"), pb = try b.layer("conflict_points")
        let fa = a.figures, fb = b.figures
        var reservoirFeatures: [Feature] = [], linkFeatures: [Feature] = [], conflictFeatures: [Feature] = []
        for sub in b.subNetworks {
            let subA = ra.features.filter { $0["subnetwork"].stringValue == sub }, subB = rb.features.filter { $0["subnetwork"].stringValue == sub }
            let match = try matchReservoirs(subA, subB, in: b)
            var lost = 0, new = 0
            for f in subA {
                let id = f["reservoir"].doubleValue.map(Int.init) ?? 0
                let targets = match.oldToNew[id] ?? []
                if targets.isEmpty {
                    lost += 1
                    reservoirFeatures.append(reservoirChange(sub, "lost", old: f, new: nil))
                } else if targets.count > 1 {
                    reservoirFeatures.append(reservoirChange(sub, "split", old: f, new: nil))
                }
            }
            for f in subB {
                let id = f["reservoir"].doubleValue.map(Int.init) ?? 0
                let sources = match.newToOld[id] ?? []
                if sources.isEmpty { new += 1; reservoirFeatures.append(reservoirChange(sub, "new", old: nil, new: f)); continue }
                if sources.count > 1 { reservoirFeatures.append(reservoirChange(sub, "merged", old: nil, new: f)); continue }
                let old = subA.first { ($0["reservoir"].doubleValue.map(Int.init) ?? 0) == sources[0] }
                let dA = (f["area_ha"].doubleValue ?? 0) - (old?["area_ha"].doubleValue ?? 0)
                if (match.oldToNew[sources[0]] ?? []).count == 1 && abs(dA) >= cellHa / 2 {
                    reservoirFeatures.append(reservoirChange(sub, dA > 0 ? "grown" : "shrunk", old: old, new: f))
                }
            }
            // Links: an old link's reservoirs carried to the new ones they mostly became.
            func key(_ x: Int, _ y: Int) -> Int64 { Int64(min(x, y)) << 32 | Int64(max(x, y)) }
            let linksA = la.features.filter { $0["subnetwork"].stringValue == sub }, linksB = lb.features.filter { $0["subnetwork"].stringValue == sub }
            func ends(_ f: Feature) -> (Int, Int) { (f["from_reservoir"].doubleValue.map(Int.init) ?? 0, f["to_reservoir"].doubleValue.map(Int.init) ?? 0) }
            func functional(_ f: Feature) -> Bool { (f["functional"].doubleValue ?? 0) != 0 }
            var newByKey: [Int64: Feature] = [:]
            for f in linksB { let (x, y) = ends(f); newByKey[key(x, y)] = f }
            var oldMapped: Set<Int64> = []
            var cut = 0, created = 0
            for f in linksA {
                let (x, y) = ends(f)
                guard let x2 = match.best[x], let y2 = match.best[y], x2 != y2 else {
                    if functional(f) { cut += 1; linkFeatures.append(linkChange(sub, "cut", old: f, new: nil)) }
                    continue
                }
                let k = key(x2, y2)
                oldMapped.insert(k)
                let g = newByKey[k]
                if functional(f) && !(g.map(functional) ?? false) {
                    cut += 1; linkFeatures.append(linkChange(sub, "cut", old: f, new: g))
                } else if let g, functional(f), functional(g) {
                    let co = f["cost"].doubleValue ?? 0, cn = g["cost"].doubleValue ?? 0
                    if co > 0, abs(cn - co) / co > 0.01 { linkFeatures.append(linkChange(sub, cn > co ? "costlier" : "cheaper", old: f, new: g)) }
                }
            }
            // A new functional link whose reservoirs were not linked functionally before.
            var oldFunctional: Set<Int64> = []
            for f in linksA where functional(f) {
                let (x, y) = ends(f)
                if let x2 = match.best[x], let y2 = match.best[y], x2 != y2 { oldFunctional.insert(key(x2, y2)) }
            }
            for g in linksB where functional(g) {
                let (x, y) = ends(g)
                if !oldFunctional.contains(key(x, y)) { created += 1; linkFeatures.append(linkChange(sub, "created", old: nil, new: g)) }
            }
            // Conflict points within two cells of each other are the same place.
            let tol = 2 * abs(b.spec.transform.pixelWidth)
            func points(_ l: VectorLayer) -> [(Feature, Point)] {
                l.features.filter { $0["subnetwork"].stringValue == sub }.compactMap { f in
                    if case .point(let p)? = f.geometry { return (f, p) } else { return nil }
                }
            }
            let ca = points(pa), cb = points(pb)
            var added = 0, resolved = 0
            for (f, p) in cb where !ca.contains(where: { $0.1.distance(to: p) <= tol }) { added += 1; conflictFeatures.append(conflictChange(sub, "added", f)) }
            for (f, p) in ca where !cb.contains(where: { $0.1.distance(to: p) <= tol }) { resolved += 1; conflictFeatures.append(conflictChange(sub, "resolved", f)) }

            func headline(_ res: [Feature], _ links: [Feature], _ conflicts: Int, _ fig: [String: [String: Double]]) -> Headline {
                let t = fig.first { $0.key.hasPrefix("territory\u{1F}") }?.value ?? [:]
                return Headline(reservoirs: res.count, reservoirHa: t["\(sub)_reservoir_ha"] ?? 0, ecHa: t["\(sub)_EC_ha"] ?? 0, pc: t["\(sub)_PC"] ?? 0,
                                links: links.count, functionalLinks: links.filter(functional).count,
                                corridorKm: t["\(sub)_corridor_km"] ?? 0, corridorHa: t["\(sub)_corridor_ha"] ?? 0, conflicts: conflicts)
            }
            c.subNetworks.append(SubNetworkChange(name: sub, old: headline(subA, linksA, ca.count, fa), new: headline(subB, linksB, cb.count, fb),
                                                  linksCut: cut, linksCreated: created, reservoirsLost: lost, reservoirsNew: new,
                                                  conflictsAdded: added, conflictsResolved: resolved))
        }
        c.layers.append(VectorLayer(name: "reservoir_changes", geometryKind: .multiPolygon,
                                    fields: [FieldDefinition("subnetwork", .string), FieldDefinition("change", .string), FieldDefinition("old_reservoir", .integer),
                                             FieldDefinition("new_reservoir", .integer), FieldDefinition("old_area_ha", .real), FieldDefinition("new_area_ha", .real),
                                             FieldDefinition("old_dPC", .real), FieldDefinition("new_dPC", .real)],
                                    features: reservoirFeatures, crsWKT: b.spec.crsWKT))
        c.layers.append(VectorLayer(name: "link_changes", geometryKind: .lineString,
                                    fields: [FieldDefinition("subnetwork", .string), FieldDefinition("change", .string), FieldDefinition("old_link", .integer),
                                             FieldDefinition("new_link", .integer), FieldDefinition("old_cost", .real), FieldDefinition("new_cost", .real),
                                             FieldDefinition("old_dPC", .real), FieldDefinition("new_dPC", .real)],
                                    features: linkFeatures, crsWKT: b.spec.crsWKT))
        c.layers.append(VectorLayer(name: "conflict_changes", geometryKind: .point,
                                    fields: [FieldDefinition("subnetwork", .string), FieldDefinition("change", .string), FieldDefinition("kind", .string),
                                             FieldDefinition("infrastructure", .string), FieldDefinition("name", .string), FieldDefinition("link_dPC", .real)],
                                    features: conflictFeatures, crsWKT: b.spec.crsWKT))

        // Every figure of every unit, old and new.
        var keys: [String] = []
        for r in a.figureRows + b.figureRows where r.count >= 2 {
            let k = r[0] + "\u{1F}" + r[1]
            if !keys.contains(k) { keys.append(k) }
        }
        let columns = b.figureHeader.dropFirst(2) + a.figureHeader.dropFirst(2).filter { !b.figureHeader.contains($0) }
        for k in keys {
            let parts = k.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            for col in columns {
                let o = fa[k]?[col], n = fb[k]?[col]
                if o == nil && n == nil { continue }
                c.figures.append(FigureChange(level: parts[0], name: parts[1], figure: col, old: o, new: n))
            }
        }
        return c
    }

    /// Both schemes on one grid (size, cells, origin, CRS) and with the same sub-networks.
    static func requireComparable(_ a: SchemeOutput, _ b: SchemeOutput) throws {
        let sa = a.spec, sb = b.spec
        func describe(_ s: GridSpec) -> String {
            "\(s.cols) × \(s.rows) cells of \(fmt(abs(s.transform.pixelWidth))) m from (\(fmt(s.transform.originX)), \(fmt(s.transform.originY)))"
        }
        if sa.cols != sb.cols || sa.rows != sb.rows || abs(sa.transform.originX - sb.transform.originX) > 1e-6
            || abs(sa.transform.originY - sb.transform.originY) > 1e-6 || abs(sa.transform.pixelWidth - sb.transform.pixelWidth) > 1e-9 {
            throw GeodataError(b.folder, "is built on another grid than \(a.folder): \(describe(sb)) against \(describe(sa)); compare schemes built on the same land-cover grid")
        }
        if let ca = SpatialReference.fromWKT(sa.crsWKT), let cb = SpatialReference.fromWKT(sb.crsWKT), !ca.isSame(as: cb) {
            throw GeodataError(b.folder, "is in \(cb.label), \(a.folder) in \(ca.label); compare schemes in one CRS")
        }
        let onlyA = a.subNetworks.filter { !b.subNetworks.contains($0) }, onlyB = b.subNetworks.filter { !a.subNetworks.contains($0) }
        if !onlyA.isEmpty || !onlyB.isEmpty {
            var parts: [String] = []
            if !onlyA.isEmpty { parts.append("\(onlyA.joined(separator: ", ")) only in \(a.folder)") }
            if !onlyB.isEmpty { parts.append("\(onlyB.joined(separator: ", ")) only in \(b.folder)") }
            throw GeodataError(b.folder, "has other sub-networks than \(a.folder): \(parts.joined(separator: "; "))")
        }
    }

    /// Regions of equal non-zero code as polygons with their area (ha) and the fields `fields(code)` gives.
    static func changePolygons(_ codes: [Int32], spec: GridSpec, name: String, fields: (Int32) -> [String: FieldValue]) throws -> VectorLayer {
        let g = Grid<Int32>(spec: spec, values: codes, noData: nil)
        let p = try Rasterizer.polygonize(g, layerName: name)
        var feats: [Feature] = []
        var defs: [FieldDefinition] = []
        for f in p.features {
            guard let v = f["value"].doubleValue, let g = f.geometry else { continue }
            var attrs = fields(Int32(v))
            attrs["area_ha"] = .real(g.area / 10_000)
            if defs.isEmpty {
                defs = attrs.keys.sorted { ($0 == "area_ha" ? 1 : 0, $0) < ($1 == "area_ha" ? 1 : 0, $1) }.map { k in
                    FieldDefinition(k, { if case .real = attrs[k]! { return .real } else { return .string } }())
                }
            }
            feats.append(Feature(geometry: g, attributes: attrs))
        }
        if defs.isEmpty { defs = fields(1).keys.sorted().map { FieldDefinition($0, .string) } + [FieldDefinition("area_ha", .real)] }
        return VectorLayer(name: name, geometryKind: .multiPolygon, fields: defs, features: feats, crsWKT: spec.crsWKT)
    }

    /// Old and new reservoirs of a sub-network matched by the cells they share.
    struct ReservoirMatch {
        var oldToNew: [Int: [Int]] = [:]
        var newToOld: [Int: [Int]] = [:]
        /// Each old reservoir's new reservoir with the most shared cells.
        var best: [Int: Int] = [:]
    }

    static func matchReservoirs(_ a: [Feature], _ b: [Feature], in s: SchemeOutput) throws -> ReservoirMatch {
        let spec = s.spec
        let ga = try s.reservoirIds(a), gb = try s.reservoirIds(b)
        var shared: [Int64: Int] = [:]
        for i in 0..<spec.count {
            let x = ga.values[i], y = gb.values[i]
            if x != 0 && y != 0 { shared[Int64(x) << 32 | Int64(y), default: 0] += 1 }
        }
        var m = ReservoirMatch(), bestCount: [Int: Int] = [:]
        for (k, n) in shared.sorted(by: { $0.key < $1.key }) {
            let x = Int(k >> 32), y = Int(k & 0xFFFF_FFFF)
            m.oldToNew[x, default: []].append(y)
            m.newToOld[y, default: []].append(x)
            if n > bestCount[x] ?? 0 { bestCount[x] = n; m.best[x] = y }
        }
        return m
    }

    static func reservoirChange(_ sub: String, _ change: String, old: Feature?, new: Feature?) -> Feature {
        func id(_ f: Feature?) -> FieldValue { f.flatMap { $0["reservoir"].doubleValue }.map { .integer(Int($0)) } ?? .null }
        func real(_ f: Feature?, _ k: String) -> FieldValue { f.flatMap { $0[k].doubleValue }.map { .real($0) } ?? .null }
        return Feature(geometry: (new ?? old)?.geometry, attributes: [
            "subnetwork": .string(sub), "change": .string(change), "old_reservoir": id(old), "new_reservoir": id(new),
            "old_area_ha": real(old, "area_ha"), "new_area_ha": real(new, "area_ha"), "old_dPC": real(old, "dPC"), "new_dPC": real(new, "dPC"),
        ])
    }

    static func linkChange(_ sub: String, _ change: String, old: Feature?, new: Feature?) -> Feature {
        func real(_ f: Feature?, _ k: String) -> FieldValue { f.flatMap { $0[k].doubleValue }.map { .real($0) } ?? .null }
        func id(_ f: Feature?) -> FieldValue { f.flatMap { $0["link"].doubleValue }.map { .integer(Int($0)) } ?? .null }
        return Feature(geometry: (change == "cut" ? old : new ?? old)?.geometry, attributes: [
            "subnetwork": .string(sub), "change": .string(change), "old_link": id(old), "new_link": id(new),
            "old_cost": real(old, "cost"), "new_cost": real(new, "cost"), "old_dPC": real(old, "dPC"), "new_dPC": real(new, "dPC"),
        ])
    }

    static func conflictChange(_ sub: String, _ change: String, _ f: Feature) -> Feature {
        Feature(geometry: f.geometry, attributes: [
            "subnetwork": .string(sub), "change": .string(change), "kind": f["kind"], "infrastructure": f["infrastructure"],
            "name": f["name"], "link_dPC": f["link_dPC"].doubleValue.map { .real($0) } ?? .null,
        ])
    }
}
