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
