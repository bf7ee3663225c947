import ArgumentParser
import Foundation
import TrameGDAL
import TrameScheme

/// The ranges of the CLI's number and quantity options, the same as the project file's where the
/// option means the same thing (`Ranges` in TrameScheme). Each command checks its options in
/// `validate()`, so that a value out of range is one line before anything is read.
enum OptionRanges {
    static let minArea = Ranges.area
    static let maxSnap = Ranges.snap
    /// Tolerance joining the line ends of a planner's network: 0 m to 1 km.
    static let joinSnap = ValueRange(0, 1000, unit: .metres)
    static let preferGreen = Ranges.weight
    /// Length of a loop: 200 m to 1000 km.
    static let loopLength = ValueRange(200, 1_000_000, unit: .metres)
    static let maxCost = Ranges.positiveCost
    static let corridorWidth = Ranges.cost
    static let corridorBuffer = Ranges.width
    /// Distances of a landscape graph, in the links' unit (cost or metres).
    static let graphDistance = ValueRange(0, 1e12, unit: .none, lowIncluded: false)
    static let graphMaxDistance = ValueRange(0, 1e12, unit: .none)
    static let probability = Ranges.probability
    /// Probability cut-off of the metrics: 0 (none) up to but not 1.
    static let probabilityCutoff = ValueRange(0, 1, unit: .none, highIncluded: false)
    /// Landscape area AL, in the capacity's unit.
    static let landscapeArea = ValueRange(0, 1e12, unit: .none, lowIncluded: false)
    static let maxClasses = ValueRange(1, 1_000_000, unit: .none)
    /// Benchmarks: grid sides and counts that fit in memory.
    static let benchRasterSide = ValueRange(10, 20_000, unit: .none)
    static let benchSources = ValueRange(1, 1_000_000, unit: .none)
    static let benchNodes = ValueRange(2, 100_000, unit: .none)
    static let benchCircuitSide = ValueRange(10, 10_000, unit: .none)
    static let benchFocalPoints = ValueRange(0, 1000, unit: .none)
    static let benchRoutingSide = ValueRange(2, 10_000, unit: .none)

    /// A quantity option ("--max-snap 500m"): parsed, then checked; one-line errors naming the option.
    @discardableResult
    static func quantity(_ text: String, option: String, _ parse: (String) throws -> Double, _ range: ValueRange) throws -> Double {
        let v: Double
        do { v = try parse(text) } catch let e as InputError { throw ValidationError("\(option): \(e.description)") }
        guard range.contains(v) else { throw ValidationError("\(option) \(text) is out of range: \(range.text)") }
        return v
    }

    /// A plain number option.
    static func number(_ v: Double, option: String, _ range: ValueRange) throws {
        guard range.contains(v) else { throw ValidationError("\(option) \(fmtOption(v)) is out of range: \(range.text)") }
    }

    /// A whole-number option.
    static func count(_ v: Int, option: String, _ range: ValueRange) throws {
        guard range.contains(Double(v)) else { throw ValidationError("\(option) \(v) is out of range: \(range.text)") }
    }

    static func fmtOption(_ v: Double) -> String { v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }
}

/// Whole numbers read from files (ids, class codes), converted without trapping: a value that is not
/// finite or does not fit is an error naming the file.
enum FileNumbers {
    /// A 32-bit id written as a number; a fraction is cut as before (Circuitscape's ids are whole).
    static func int32(_ v: Double, _ path: String, _ what: String) throws -> Int32 {
        guard v.isFinite, v > -2_147_483_649, v < 2_147_483_648 else {
            throw GeodataError(path, "\(what) \(v) is out of range: \(Ranges.classCode.text)")
        }
        return Int32(v.rounded(.towardZero))
    }
}
