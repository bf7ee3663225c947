import Foundation
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

/// A development project's (or a restoration's) impact: the scheme rebuilt with the project's changes to the
/// land cover, compared with the scheme as it is.
///
/// The changes are a layer of polygons (a housing estate, a restored wetland) and lines (a new road, a
/// wildlife crossing that gives a road's cells back to a crossable class), each with the land-cover class it
/// puts in place (`class`) and, for lines, the width of the strip they take (`width`, metres). Each cell whose
/// centre lies in a polygon or strip takes that class; cells outside the territory stay outside.
///
/// Written to OUT: baseline/ (the scheme as it is; or none when `--baseline` names an earlier run of the
/// project, reused as it is), scenario/ (the scheme with the project), scenario_land_cover.tif, and
/// comparison/ (`trame compare` of the two, with the project's footprint).
public struct ScenarioJob {
    public let project: Project
    public let changes: LayerSource
    public let out: String
    public let lang: String
    public let baseline: String?
    public let classField: String
    public let widthField: String
    public let progress: (String) -> Void
    public let warn: (String) -> Void

    public init(project: Project, changes: LayerSource, out: String, lang: String, baseline: String? = nil, classField: String = "class",
                widthField: String = "width", progress: @escaping (String) -> Void = { _ in }, warn: @escaping (String) -> Void = { _ in }) {
        self.project = project; self.changes = changes; self.out = out; self.lang = lang; self.baseline = baseline
        self.classField = classField; self.widthField = widthField; self.progress = progress; self.warn = warn
    }

    public struct Outcome {
        public var comparison: SchemeComparison
        public var changedCells: Int
        public var changedHa: Double
        /// Seconds spent on the baseline (0 when reused) and on the scenario.
        public var baselineSeconds: Double
        public var scenarioSeconds: Double
        /// Per sub-network (the project's order): why the changes reach it, or nil when they cannot.
        public var reach: [(subNetwork: String, reason: SubNetworkReach.Reason?)] = []
        /// Sub-networks whose analysis the scenario took from the baseline built in the same run, and the
        /// seconds the baseline spent on them (the scenario's saving).
        public var reused: [String] = []
        public var savedSeconds = 0.0
    }

    public func run() throws -> Outcome {
        // The changes and the land cover are read and checked before any folder is touched.
        let reader = SchemeReader(project: project, lang: lang, progress: progress, warn: warn)
        let nomenclature = try Nomenclature.read(project.nomenclature)
        var (landCover, _) = try reader.landCoverGrid(nomenclature: nomenclature)
        let footprint = try changeLayer(spec: landCover.spec, nomenclature: nomenclature)
        let cellChanges = try burn(footprint, into: &landCover)
        let changed = cellChanges.count
        guard changed > 0 else {
            throw GeodataError(changes.file, "its changes alter no cell of the land cover (each is outside the territory, smaller than half a cell, or puts the class already there)")
        }
        if let baseline { _ = try SchemeOutput(baseline) }
        // The sub-networks the changes cannot reach are analysed once, in the baseline, and reused.
        let reasons = try SubNetworkReach.reasons(project: project, friction: FrictionTable.read(project.friction), changes: cellChanges)
        let reach = zip(project.subNetworks, reasons).map { (subNetwork: $0.name, reason: $1) }
        let reuse = ReusingSubNetworkModel(reuse: Set(reasons.indices.filter { reasons[$0] == nil }))
        var inputs = SchemeJob.inputFiles(project) + [SchemeInputs.archivePath(changes.file)]
        if let baseline { inputs.append((baseline as NSString).appendingPathComponent("scheme.gpkg")) }
        let folder = try OutputFolder.check(out, command: "scenario", version: TrameVersion.current, inputs: inputs)
        return try folder.replace { building in
            var tBase = 0.0
            let baseDir: String
            if let baseline {
                baseDir = baseline
                progress("baseline: \(baseline), reused as it is")
            } else {
                baseDir = (building as NSString).appendingPathComponent("baseline")
                progress("baseline: the scheme as it is")
                let t0 = Date()
                var job = SchemeJob(project: project, out: baseDir, lang: lang, progress: progress)
                job.model = reuse
                _ = try job.run()
                tBase = Date().timeIntervalSince(t0)
                reuse.startReplaying()
            }
            progress("scenario: the scheme with the project")
            let lcPath = (building as NSString).appendingPathComponent("scenario_land_cover.tif")
            try RasterIO.write(landCover, to: lcPath, bandDescription: "land cover with the project's changes")
            var p = project
            p.landCover = lcPath
            p.landCoverVector = nil
            let t1 = Date()
            let scenarioDir = (building as NSString).appendingPathComponent("scenario")
            var job = SchemeJob(project: p, out: scenarioDir, lang: lang, progress: progress)
            if reuse.replaying { job.model = reuse }
            _ = try job.run()
            let tScenario = Date().timeIntervalSince(t1)
            progress("comparing the two schemes")
            let a = try SchemeOutput(baseDir), b = try SchemeOutput(scenarioDir)
            let c = try SchemeComparison.compare(a, b, progress: progress)
            let cmpDir = (building as NSString).appendingPathComponent("comparison")
            try FileManager.default.createDirectory(atPath: cmpDir, withIntermediateDirectories: true)
            let reused = reuse.replaying ? reach.filter { $0.reason == nil }.map(\.subNetwork) : []
            var out = ComparisonOutput(c, old: a, new: b, lang: lang, extraLayers: [footprint])
            let labels = Dictionary(uniqueKeysWithValues: nomenclature.map { (Int32(truncatingIfNeeded: $0.key), lang == "fr" ? $0.value.labelFr : $0.value.label) })
            out.scenarioReach = ComparisonOutput.ScenarioReach(reach: reach, reused: !reused.isEmpty, savedSeconds: reuse.savedSeconds, classLabels: labels)
            try out.write(into: cmpDir)
            return Outcome(comparison: c, changedCells: changed, changedHa: Double(changed) * landCover.spec.cellArea / 10_000,
                           baselineSeconds: tBase, scenarioSeconds: tScenario, reach: reach, reused: reused, savedSeconds: reuse.savedSeconds)
        }
    }

    /// The changes in the land cover's CRS, lines widened to their strips, each with its class; refuses a
    /// class the nomenclature lacks, a line without a width, a geometry that is neither.
    func changeLayer(spec: GridSpec, nomenclature: [Int: NomenclatureEntry]) throws -> VectorLayer {
        let src = changes
        let l = try SchemeInputs.layer(src, role: "project changes", crsWKT: spec.crsWKT, extent: spec.extent, warn: warn)
        guard l.fields.contains(where: { $0.name == classField }) else {
            throw GeodataError(src.file, "change layer '\(l.name)' has no field '\(classField)' (the land-cover class each change puts in place)")
        }
        var out: [Feature] = []
        for (k, f) in l.features.enumerated() {
            guard let g = f.geometry else { continue }
            let n = k + 1
            guard let v = f[classField].doubleValue, v == v.rounded(), let code = Int(exactly: v), nomenclature[code] != nil else {
                throw GeodataError(src.file, "change \(n) of layer '\(l.name)': \(classField) '\(f[classField].description)' is not a class of \((project.nomenclature as NSString).lastPathComponent)")
            }
            let shape: Geometry
            switch g {
            case .polygon, .multiPolygon: shape = g
            case .lineString, .multiLineString:
                guard let width = f[widthField].doubleValue, width > 0, width <= 10_000 else {
                    throw GeodataError(src.file, "change \(n) of layer '\(l.name)' is a line: give its width in metres (field '\(widthField)', 0 < width ≤ 10000)")
                }
                guard let b = GeometryOps.buffer(g, distance: width / 2) else { throw GeodataError(src.file, "change \(n) of layer '\(l.name)': cannot widen the line") }
                shape = b
            default:
                throw GeodataError(src.file, "change \(n) of layer '\(l.name)' is a \(g.kind); changes are polygons or lines")
            }
            var attrs = f.attributes
            attrs[classField] = .integer(code)
            out.append(Feature(geometry: shape, attributes: attrs))
        }
        guard !out.isEmpty else { throw GeodataError(src.file, "change layer '\(l.name)' holds no change") }
        return VectorLayer(name: "project_changes", geometryKind: .multiPolygon, fields: l.fields.map { $0.name == classField ? FieldDefinition(classField, .integer) : $0 }, features: out, crsWKT: spec.crsWKT)
    }

    /// Burns the changes (later ones over earlier ones) into the territory's cells; returns the cells changed.
    func burn(_ footprint: VectorLayer, into lc: inout Grid<Int32>) throws -> [SubNetworkReach.CellChange] {
        let none = Int32.min
        let g = try Rasterizer.rasterize(footprint, onto: lc.spec, as: Int32.self, burn: .attribute(classField), fill: none)
        var changed: [SubNetworkReach.CellChange] = []
        for i in 0..<lc.count where g.values[i] != none && !lc.isNoData(lc.values[i]) && lc.values[i] != g.values[i] {
            changed.append(.init(cell: i, old: lc.values[i], new: g.values[i]))
            lc.values[i] = g.values[i]
        }
        return changed
    }
}
