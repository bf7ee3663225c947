import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

/// One problem `trame check` found: the file it is in, the line when it comes from the project file or a
/// CSV table, and what is wrong.
public struct CheckProblem: Sendable, Equatable, Codable {
    public var file: String
    public var line: Int?
    public var message: String
    public init(file: String, line: Int?, message: String) { self.file = file; self.line = line; self.message = message }
    /// `FILE:LINE: problem`, or `FILE: problem`.
    public var text: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// What `trame check` found in a project.
public struct ProjectCheckReport: Sendable {
    /// Problems a run would stop on, in the order of the project: the project file's, its tables', its inputs'.
    public var problems: [CheckProblem] = []
    /// What a run would warn of.
    public var warnings: [CheckProblem] = []
    /// Input files checked (the project file, its tables, the land cover, each layer).
    public var checked: [String] = []
    public var ok: Bool { problems.isEmpty }
}

/// Checks a project without running it: the project file (every key and value), the tables, the land cover
/// and every layer it names, with the run's own checks (`ProjectFile.diagnose`, `Nomenclature.check`,
/// `FrictionTable.check`, `InputChecks`, `SchemeReader`, `SchemeInputs.layer`), collecting every problem
/// instead of stopping at the first. A file that is missing is one problem at the project file's line that
/// names it, whatever else would have been checked in it.
public enum ProjectCheck {
    public static func run(_ path: String) -> ProjectCheckReport {
        var report = ProjectCheckReport()
        let (parsed, projectProblems) = ProjectFile.diagnose(path)
        // The project file's problems in the order of its lines (the reader finds some after reading its sections).
        report.problems = projectProblems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map { CheckProblem(file: $0.element.file, line: $0.element.line, message: $0.element.problem) }
        guard let p = parsed else { return report }
        report.checked.append(p.file)
        let text = (try? String(contentsOfFile: p.file, encoding: .utf8)) ?? ""
        func line(_ key: String) -> Int? { ProjectFile.line(of: key, in: text) }
        func problem(_ e: Error, line: Int? = nil) {
            switch e {
            case let e as InputFileError: report.problems.append(CheckProblem(file: e.file, line: e.line, message: e.problem))
            case let e as ProjectError: report.problems.append(CheckProblem(file: e.file, line: e.line, message: e.problem))
            case let e as GeodataError:
                // A layer's problem is told in its own file; the project's line that names it in words.
                let named = line.map { " (named on line \($0) of \((p.file as NSString).lastPathComponent))" } ?? ""
                report.problems.append(CheckProblem(file: e.file, line: e.file == p.file ? line : nil, message: e.problem + (e.file == p.file ? "" : named)))
            default: report.problems.append(CheckProblem(file: p.file, line: line, message: "\(e)"))
            }
        }
        func missing(_ what: String, _ file: String, at key: String) {
            report.problems.append(CheckProblem(file: p.file, line: line(key),
                                                message: "\(what): \((file as NSString).lastPathComponent) is missing (no such file \(file)); see INPUTS.md"))
        }
        let exists = { (f: String) in FileManager.default.fileExists(atPath: SchemeInputs.archivePath(f)) }

        // The tables: every row's problems, with their lines.
        var nomenclature: [Int: NomenclatureEntry] = [:]
        var nomenclatureRead = false
        if !exists(p.nomenclature) { missing("[land_cover] nomenclature", p.nomenclature, at: "land_cover.nomenclature") } else if
            let t = try? String(contentsOfFile: p.nomenclature, encoding: .utf8) {
            let (n, problems) = Nomenclature.check(t, name: p.nomenclature)
            nomenclature = n; nomenclatureRead = problems.isEmpty
            problems.forEach { problem($0) }
            report.checked.append(p.nomenclature)
        } else { problem(InputFileError(p.nomenclature, "cannot be read as UTF-8 text")) }
        var friction: ResistanceTable? = nil
        if !exists(p.friction) { missing("[land_cover] friction", p.friction, at: "land_cover.friction") } else if
            let t = try? String(contentsOfFile: p.friction, encoding: .utf8) {
            let (table, problems) = FrictionTable.check(t, name: p.friction)
            friction = table
            problems.forEach { problem($0) }
            report.checked.append(p.friction)
        } else { problem(InputFileError(p.friction, "cannot be read as UTF-8 text")) }

        // The land cover: CRS and cells as the project says; its classes in both tables.
        let reader = SchemeReader(project: p, lang: p.lang, progress: { _ in },
                                  warn: { report.warnings.append(CheckProblem(file: p.file, line: nil, message: $0)) })
        var spec: GridSpec? = nil
        var histogram: [Int32: Int] = [:]
        if !exists(p.landCover) {
            if p.landCoverVector != nil { missing("[land_cover] vector, the land cover", p.landCover, at: "land_cover.vector") }
            else { missing("[land_cover] raster, the land cover", p.landCover, at: "land_cover.raster") }
        } else if p.landCoverVector != nil && !nomenclatureRead {
            // Polygons are classed through the nomenclature: its problems, above, come first.
        } else {
            do {
                let lc = try reader.landCoverGrid(nomenclature: p.landCoverVector != nil ? nomenclature : nil).grid
                report.checked.append(p.landCover)
                histogram = Nomenclature.histogram(lc)
                do {
                    _ = try reader.checkGrid(lc.spec)
                    spec = lc.spec
                    for w in InputChecks.scale(p, cellWidth: abs(lc.spec.transform.pixelWidth), cellHeight: abs(lc.spec.transform.pixelHeight)) {
                        report.warnings.append(CheckProblem(file: p.file, line: nil, message: w))
                    }
                } catch { problem(error, line: nil) }
            } catch { problem(error) }
        }
        if nomenclatureRead {
            InputChecks.nomenclatureProblems(nomenclature, histogram: histogram, project: p).forEach { problem($0) }
            InputChecks.frictionProblems(friction, nomenclature: nomenclature, histogram: histogram, project: p).forEach { problem($0) }
            // Classes of the nomenclature the friction table lacks but the land cover does not hold (or is not
            // there yet): a run needs their rows as soon as the land cover holds them.
            if let friction {
                let rows = Set(friction.rows.map(\.code))
                let lacking = nomenclature.keys.filter { !rows.contains($0) && histogram[Int32(truncatingIfNeeded: $0)] == nil }.sorted()
                if !lacking.isEmpty {
                    report.warnings.append(CheckProblem(file: p.friction, line: nil, message: "has no row for class\(lacking.count > 1 ? "es" : "") \(lacking.map(String.init).joined(separator: ", ")) of \((p.nomenclature as NSString).lastPathComponent) (needed if the land cover holds \(lacking.count > 1 ? "them" : "it"))"))
                }
            }
            if let h = p.hydrography {
                for c in h.barrierClasses where nomenclature[c] == nil {
                    problem(ProjectError(p.file, line: line("hydrography.barrier_classes"), "[hydrography] barrier_classes: class \(c) is not in \((p.nomenclature as NSString).lastPathComponent)"))
                }
            }
        }
        if p.inventories.count > 32 {
            problem(ProjectError(p.file, "at most 32 inventories are supported; \(p.inventories.count) are listed"))
        }

        // The layers: each source once (the paths may also be the itineraries' network), with every key naming it.
        var sources: [(roles: [String], src: LayerSource)] = []
        func add(_ role: String, _ src: LayerSource?) {
            guard let src else { return }
            if let k = sources.firstIndex(where: { $0.src.file == src.file && $0.src.layer == src.layer && $0.src.filter == src.filter }) {
                sources[k].roles.append(role)
            } else { sources.append(([role], src)) }
        }
        add("[territory] boundary", p.boundary)
        for inv in p.inventories { add("inventory '\(inv.name)'", inv.source) }
        add("[infrastructure] roads", p.roads)
        add("[infrastructure] railways", p.railways)
        add("[infrastructure] paths", p.paths)
        add("[itineraries] network", p.itineraries?.network)
        add("[hydrography] watercourses", p.hydrography?.watercourses)
        add("[hydrography] obstacles", p.hydrography?.obstacles)
        for level in p.unitLevels { add("[[units.level]] \(level.name)", level.source) }
        add("[leisure_hubs] source", p.leisureHubs)
        var read: [String: VectorLayer] = [:]
        for (roles, src) in sources {
            let role = roles.joined(separator: ", ")
            guard exists(src.file) else {
                report.problems.append(CheckProblem(file: p.file, line: src.line,
                                                    message: "\(role): \(src.label) is missing (no such file \(SchemeInputs.archivePath(src.file))); see INPUTS.md"))
                continue
            }
            if NetworkInput.isOSM(src.file) { report.checked.append(src.file); continue }   // read by the itineraries' own reader
            do {
                let l: VectorLayer
                if let spec {
                    l = try SchemeInputs.layer(src, role: role, crsWKT: spec.crsWKT, extent: spec.extent, warn: { report.warnings.append(CheckProblem(file: src.file, line: nil, message: $0)) })
                } else {
                    l = try VectorIO.read(src.file, layer: src.layer, filter: src.filter)
                    if SpatialReference.fromWKT(l.crsWKT) == nil {
                        throw GeodataError(src.file, "\(role) layer '\(l.name)' has no CRS; assign one (ogr2ogr -a_srs EPSG:2154)")
                    }
                }
                report.checked.append(src.file)
                for r in roles { read[r] = l }
                if roles.contains(where: { ["[infrastructure] roads", "[infrastructure] railways", "[infrastructure] paths", "[itineraries] network"].contains($0) }) {
                    _ = try SchemeInputs.lines(l, file: src.file)
                }
            } catch { problem(error, line: src.line) }
        }
        // The named itineraries' courses, as the run reads them (selections, relations, waypoints).
        if !p.namedItineraries.isEmpty, let net = p.itineraries?.network, exists(net.file), let spec, let crs = SpatialReference.fromWKT(spec.crsWKT) {
            do { _ = try SchemeJob.courses(p, crs: crs, extent: spec.extent, crsLabel: crs.label) } catch { problem(error) }
        }
        // Fields the run reads, with the run's own checks.
        for level in p.unitLevels {
            let role = "[[units.level]] \(level.name)", src = level.source
            guard let l = read[role] else { continue }
            if let spec {
                do { _ = try reader.unitLevel(l, level, spec: spec) } catch { problem(error, line: src.line) }
            } else if !l.fields.contains(where: { $0.name == level.nameField }) {
                problem(GeodataError(src.file, "\(role) layer '\(l.name)' has no field '\(level.nameField)' ([units] name_field)"), line: src.line)
            }
        }
        if let h = p.hydrography, let w = read["[hydrography] watercourses"] {
            let obstacles = read["[hydrography] obstacles"]
            if h.obstacles == nil || obstacles != nil {
                // The run stops at the first missing field; each is told here, and the rest still checked.
                var fields = h
                fields.barrierClasses = []   // checked above against the nomenclature
                var obstacleLayer = obstacles
                if let f = h.nameField, !w.fields.contains(where: { $0.name == f }) {
                    problem(GeodataError(h.watercourses.file, "watercourse layer '\(w.name)' has no field '\(f)' ([hydrography] name_field)"), line: h.watercourses.line)
                    fields.nameField = nil
                }
                if let o = obstacles, let src = h.obstacles, !o.fields.contains(where: { $0.name == h.passabilityField }) {
                    problem(GeodataError(src.file, "obstacle layer '\(o.name)' has no field '\(h.passabilityField)' ([hydrography] passability_field)"), line: src.line)
                    obstacleLayer = nil
                }
                do { _ = try reader.hydrography(fields, watercourses: w, obstacles: obstacleLayer, nomenclature: nomenclature) } catch { problem(error, line: h.watercourses.line) }
            }
        }
        return report
    }
}
