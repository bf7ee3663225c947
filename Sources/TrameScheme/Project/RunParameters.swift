import Foundation
import TrameCost

/// The run's parameters as `trame run` records them (the `run_parameters` table of scheme.gpkg, the
/// report's table, the GeoPackage metadata `TRAME_PARAM_…`): what was run on, then every project key the
/// table `ProjectKeys.all` lists with a parameter name, then one line per sub-network.
public enum RunParameters {
    /// - Parameters:
    ///   - cellSize: the land cover's cell size (m).
    ///   - crs: the land cover's CRS as shown ("EPSG:2154").
    ///   - naturalClasses: the nomenclature's natural classes (nature spaces when the project names none).
    public static func rows(_ p: Project, cellSize: Double, crs: String, naturalClasses: [Int]) -> [(String, String)] {
        var rows: [(String, String)] = [("project", p.file), ("land_cover", p.landCover), ("cell_size", "\(number(cellSize)) m"), ("crs", crs)]
        for key in ProjectKeys.parameters {
            guard let name = key.parameter?.name, let value = p.value(of: key, naturalClasses: naturalClasses) else { continue }
            rows.append((name, text(value, key.kind)))
        }
        for s in p.subNetworks {
            rows.append(("subnetwork_\(s.name)", "habitat \(s.habitat.map(String.init).joined(separator: " ")); supporting \(s.supporting.map(String.init).joined(separator: " ")); friction column \(s.frictionColumn); min reservoir \(number(s.minReservoirHa)) ha; dispersal \(number(s.dispersalCost)) cost at p = \(s.dispersalProbability); corridor width \(s.corridorWidth)"))
        }
        return rows
    }

    /// The same rows for a reader, in `w`'s language: (parameter name, its label, its value with units in
    /// words of that language: "1 500 m", "50 000 unités de coût à p = 0,05", "aucune").
    /// `files` gives the project file and land cover as they should be shown (relative paths).
    public static func readable(_ p: Project, cellSize: Double, crs: String, naturalClasses: [Int], words w: Words,
                                files: (project: String, landCover: String)) -> [(name: String, label: String, value: String, key: String)] {
        func num(_ v: Double) -> String { w.number(v, decimals: v == v.rounded() ? 0 : (abs(v) < 1 ? 2 : 1)) }
        func shown(_ value: ProjectValue, _ kind: KeyKind) -> String {
            switch value {
            case .codes(let codes): return codes.isEmpty ? w[.none] : codes.map(String.init).joined(separator: " ")
            case .width(let width): return w.corridorWidth(width)
            case .number(let v):
                switch kind {
                case .area: return "\(num(v)) ha"
                case .length, .width: return "\(num(v)) m"
                case .cost: return "\(num(v)) \(w[.costUnits])"
                default: return num(v)
                }
            }
        }
        var rows: [(String, String, String, String)] = [("project", w[.pProject], files.project, ""), ("land_cover", w[.pLandCover], files.landCover, "[land_cover] raster"),
                                                        ("cell_size", w[.pCellSize], "\(num(cellSize)) m", "[territory] resolution"), ("crs", w[.pCRS], crs, "[territory] crs")]
        for key in ProjectKeys.parameters {
            guard let name = key.parameter?.name, let value = p.value(of: key, naturalClasses: naturalClasses) else { continue }
            rows.append((name, parameterLabel(name, words: w), shown(value, key.kind), "[\(key.section)] \(key.name)"))
        }
        let semi = w.fr ? " ; " : "; "
        for s in p.subNetworks {
            let codes = { (c: [Int]) in c.isEmpty ? w[.none] : c.map(String.init).joined(separator: " ") }
            rows.append(("subnetwork_\(s.name)", s.label(in: w.lang), [
                "\(w[.habitat]) \(codes(s.habitat))", "\(w[.supporting]) \(codes(s.supporting))", "\(w[.frictionColumn]) \(w.quoted(s.frictionColumn))",
                "\(w[.minReservoir]) \(num(s.minReservoirHa)) ha",
                "\(w[.dispersal].lowercased()) \(num(s.dispersalCost)) \(w[.costUnits]) \(w[.atProbability]) p = \(num(s.dispersalProbability))",
                "\(w[.corridorWidth]) \(w.corridorWidth(s.corridorWidth))"].joined(separator: semi), "[[subnetwork]] name = \"\(s.name)\""))
        }
        return rows
    }

    /// A parameter's label in `w`'s language (its name when Trame has no word for it).
    public static func parameterLabel(_ name: String, words w: Words) -> String {
        let terms: [String: Term] = [
            "project": .pProject, "land_cover": .pLandCover, "cell_size": .pCellSize, "crs": .pCRS, "nature_classes": .pNatureClasses,
            "mixed_min_area": .pMixedMinArea, "built_up": .pBuiltUp, "buffer_max_break_width": .pBufferMaxBreakWidth,
            "buffer_around_network": .pBufferAroundNetwork, "buffer_min_town_area": .pBufferMinTownArea, "buffer_min_area": .pBufferMinArea,
            "buffer_edge": .pBufferEdge, "conflict_min_crossing": .pConflictMinCrossing, "riparian_strip": .pRiparianStrip,
            "breaking_passability": .pBreakingPassability, "good_continuity": .pGoodContinuity, "barrier_classes": .pBarrierClasses,
        ]
        return terms[name].map { w[$0] } ?? name
    }

    /// A value as the parameters table shows it: "5 ha", "1500 m", "20 21 23".
    static func text(_ value: ProjectValue, _ kind: KeyKind) -> String {
        switch value {
        case .codes(let codes): return codes.map(String.init).joined(separator: " ")
        case .width(let w): return w.description
        case .number(let v):
            switch kind {
            case .area: return "\(number(v)) ha"
            case .length, .width: return "\(number(v)) m"
            case .cost: return "\(number(v)) cost"
            default: return number(v)
            }
        }
    }

    /// A number as a person reads it: no trailing zeros, at most 6 decimals (as the CLI prints numbers).
    public static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
