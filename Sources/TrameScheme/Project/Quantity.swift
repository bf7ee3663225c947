import Foundation
import TrameCost

/// Quantities written with their unit in a project file: "5 ha", "1000 m", "1.5 km", "12 %", "50000 cost".
///
/// A bare number is refused where a unit is expected, so that "5" cannot mean hectares to one
/// reader and square metres to another.
public enum Quantity {
    public struct UnitError: Error, CustomStringConvertible {
        public var description: String
    }

    static func split(_ text: String) -> (Double, String)? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{00A0}", with: " ")
        var end = t.startIndex
        while end < t.endIndex, "0123456789.+-eE_".contains(t[end]) {
            // Stop at an 'e' that starts a unit rather than an exponent.
            if "eE".contains(t[end]), t.index(after: end) == t.endIndex || !"0123456789+-".contains(t[t.index(after: end)]) { break }
            end = t.index(after: end)
        }
        // A number too large for a Double reads as infinity: kept, so that the range check names it.
        guard let v = Double(t[..<end].replacingOccurrences(of: "_", with: "")), !v.isNaN else { return nil }
        return (v, t[end...].trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// An area in hectares: "5 ha", "50000 m2" (or m²), "0.05 km2".
    public static func area(_ text: String) throws -> Double {
        guard let (v, unit) = split(text) else { throw UnitError(description: "'\(text)' is not an area; write e.g. \"5 ha\"") }
        switch unit {
        case "ha": return v
        case "m2", "m²": return v / 10_000
        case "km2", "km²": return v * 100
        case "": throw UnitError(description: "'\(text)' has no unit; write e.g. \"\(fmtNumber(v)) ha\"")
        default: throw UnitError(description: "unit '\(unit)' in '\(text)' is not an area unit (ha, m2, km2)")
        }
    }

    /// A length in metres: "1000 m", "1.5 km".
    public static func length(_ text: String) throws -> Double {
        guard let (v, unit) = split(text) else { throw UnitError(description: "'\(text)' is not a length; write e.g. \"1000 m\"") }
        switch unit {
        case "m": return v
        case "km": return v * 1000
        case "": throw UnitError(description: "'\(text)' has no unit; write e.g. \"\(fmtNumber(v)) m\"")
        default: throw UnitError(description: "unit '\(unit)' in '\(text)' is not a length unit (m, km)")
        }
    }

    /// A share as a fraction: "12 %" → 0.12.
    public static func share(_ text: String) throws -> Double {
        let v = try percent(text)
        guard Ranges.share.contains(v) else { throw UnitError(description: "share '\(text)' must lie between 0 % and 100 %") }
        return v
    }

    /// A percentage as a fraction, unchecked: "12 %" → 0.12 (the caller checks the range).
    public static func percent(_ text: String) throws -> Double {
        guard let (v, unit) = split(text), unit == "%" else { throw UnitError(description: "'\(text)' is not a share; write e.g. \"12 %\"") }
        return v / 100
    }

    /// An accumulated cost (resistance × metres): "50000 cost".
    public static func cost(_ text: String) throws -> Double {
        guard let (v, unit) = split(text) else { throw UnitError(description: "'\(text)' is not a cost; write e.g. \"50000 cost\"") }
        switch unit {
        case "cost", "cost units": return v
        case "": throw UnitError(description: "'\(text)' has no unit; write \"\(fmtNumber(v)) cost\" (cost units = resistance × metres)")
        default: throw UnitError(description: "unit '\(unit)' in '\(text)' is not a cost unit; write e.g. \"50000 cost\"")
        }
    }

    /// A corridor width: a cost ("5000 cost", Linkage Mapper's cost-weighted width) or a distance ("200 m").
    public static func width(_ text: String) throws -> CorridorWidth {
        guard let (v, unit) = split(text) else { throw UnitError(description: "'\(text)' is not a width; write \"5000 cost\" or \"200 m\"") }
        switch unit {
        case "cost", "cost units": return .cost(v)
        case "m": return .metres(v)
        case "km": return .metres(v * 1000)
        case "": throw UnitError(description: "'\(text)' has no unit; write \"\(fmtNumber(v)) cost\" or \"\(fmtNumber(v)) m\"")
        default: throw UnitError(description: "unit '\(unit)' in '\(text)' is not a width unit (cost, m, km)")
        }
    }

    static func fmtNumber(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}
