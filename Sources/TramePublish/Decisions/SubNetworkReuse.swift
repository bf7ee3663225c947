import Foundation
import TrameCost
import TrameRaster
import TrameScheme

/// Which sub-networks a change to the land cover can alter, and the baseline's analysis of the others
/// handed to the scenario instead of being computed again.
///
/// A sub-network's analysis (resistance, reservoirs, links, corridors, PC, EC, dPC) reads the land cover
/// only through three things: each cell's resistance in its friction column, whether the cell is habitat,
/// and, for a sub-network built on the watercourses, whether it is a barrier class. (Along the watercourses
/// the resistance is published but builds nothing: there it is computed again from the new land cover and
/// the rest reused.) Cells outside the
/// territory never change, so the landscape area is the same. When no changed cell alters any of the
/// three, the analysis is the same cell for cell, and is taken from the baseline. What follows the analysis
/// and reads the land cover itself (conflict points, the corridors' land-cover shares, nature spaces,
/// buffer zones, figures) is always computed again.
public enum SubNetworkReach {
    /// One changed cell: its index and its class before and after.
    public struct CellChange: Sendable {
        public var cell: Int
        public var old: Int32
        public var new: Int32
        public init(cell: Int, old: Int32, new: Int32) { self.cell = cell; self.old = old; self.new = new }
    }

    /// Why a change reaches a sub-network: the first changed pair of classes that alters what it reads.
    public enum Reason: Sendable, Equatable {
        /// Resistance per metre before and after (nil: impassable).
        case resistance(old: Int32, new: Int32, from: Double?, to: Double?)
        case habitat(old: Int32, new: Int32, lost: Bool)
        case barrier(old: Int32, new: Int32, added: Bool)

        /// "class 11 (Grassland) → 2 (Low-density urban): resistance 30 → 100", in the reader's language;
        /// `label` names a class (nil: its code alone).
        public func text(_ w: Words, label: (Int32) -> String? = { _ in nil }) -> String {
            func c(_ code: Int32) -> String { label(code).map { "\(code) (\($0))" } ?? "\(code)" }
            func r(_ v: Double?) -> String { v.map { w.number($0, decimals: $0 == $0.rounded() ? 0 : 2) } ?? w[.impassable] }
            switch self {
            case let .resistance(o, n, a, b): return "\(w[.classWord].lowercased()) \(c(o)) → \(c(n))\(w.colon)\(w[.resistance].lowercased()) \(r(a)) → \(r(b))"
            case let .habitat(o, n, lost): return "\(w[.classWord].lowercased()) \(c(o)) → \(c(n))\(w.colon)\(w[lost ? .reachHabitatLost : .reachHabitatGained])"
            case let .barrier(o, n, added): return "\(w[.classWord].lowercased()) \(c(o)) → \(c(n))\(w.colon)\(w[added ? .reachBarrierAdded : .reachBarrierRemoved])"
            }
        }
    }

    /// Per sub-network of `project` (its order), why the changes reach it: nil when they cannot (it can be
    /// reused), else the first reason found.
    ///
    /// - Complexity: O(changed cells) to find the distinct (old, new) pairs, then O(pairs × sub-networks).
    public static func reasons(project: Project, friction: ResistanceTable, changes: [CellChange]) throws -> [Reason?] {
        var pairs: [(old: Int32, new: Int32)] = []
        var seen = Set<Int64>()
        for c in changes where seen.insert(Int64(c.old) << 32 | Int64(UInt32(bitPattern: c.new))).inserted { pairs.append((c.old, c.new)) }
        let rows = Dictionary(friction.rows.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let barrier = Set(project.hydrography?.barrierClasses ?? [])
        return try project.subNetworks.map { sub in
            let col = try friction.column(sub.frictionColumn)
            let habitat = Set(sub.habitat)
            for (o, n) in pairs {
                // Along the watercourses, resistance is only published (the stretches and obstacles make the graph).
                let ro = rows[Int(o)]?.values[col] ?? nil, rn = rows[Int(n)]?.values[col] ?? nil
                if sub.model != .watercourse, ro != rn { return .resistance(old: o, new: n, from: ro, to: rn) }
                let ho = habitat.contains(Int(o)), hn = habitat.contains(Int(n))
                if ho != hn { return .habitat(old: o, new: n, lost: ho) }
                let bo = barrier.contains(Int(o)), bn = barrier.contains(Int(n))
                if sub.model == .watercourse, bo != bn { return .barrier(old: o, new: n, added: bn) }
            }
            return nil
        }
    }
}

/// A sub-network model that keeps, while the baseline is built, the analyses of the sub-networks the changes
/// cannot reach (with the rasters they handed to the sink), and gives them back while the scenario is built.
///
/// Memory: the kept analyses' grids (resistance, reservoir labels, corridors, cost distance) stay in memory
/// between the two runs — meant for a scenario, not a region.
final class ReusingSubNetworkModel: SubNetworkModel {
    let base: SubNetworkModel
    let reuse: Set<Int>
    private var kept: [Int: (analysis: SubNetworkAnalysis, rasters: [(RasterSink) -> Void], seconds: Double)] = [:]
    private(set) var replaying = false
    /// Seconds the baseline spent analysing the sub-networks the scenario then reused.
    private(set) var savedSeconds = 0.0

    init(base: SubNetworkModel = ProjectSubNetworkModel(), reuse: Set<Int>) { self.base = base; self.reuse = reuse }

    /// From now on, the kept analyses are given back instead of being computed.
    func startReplaying() { replaying = true }

    func analyse(_ index: Int, of input: SchemeInput, sink: RasterSink, progress: (String) -> Void) throws -> SubNetworkAnalysis {
        guard reuse.contains(index) else { return try base.analyse(index, of: input, sink: sink, progress: progress) }
        if replaying, var k = kept[index] {
            progress("\(k.analysis.sub.name): reused from the baseline (the project changes nothing it is built from)")
            for write in k.rasters { write(sink) }
            if k.analysis.watercourse != nil {
                // The published resistance follows the new land cover (the recorded one was left out).
                let sub = k.analysis.sub
                k.analysis.resistance = try input.friction.resistance(for: input.landCover, column: sub.frictionColumn)
                sink.write(k.analysis.resistance, to: Self.resistanceName(sub.name), description: "resistance (\(sub.name)), cost units per metre")
            }
            savedSeconds += k.seconds
            kept[index] = nil
            return k.analysis
        }
        let sub = input.project.subNetworks[index]
        let recorder = RecordingSink(sink, leaving: sub.model == .watercourse ? [Self.resistanceName(sub.name)] : [])
        let t0 = Date()
        let a = try base.analyse(index, of: input, sink: recorder, progress: progress)
        kept[index] = (a, recorder.writes, Date().timeIntervalSince(t0))
        return a
    }

    static func resistanceName(_ sub: String) -> String { "rasters/\(sub)_resistance.tif" }

    /// Passes every raster on, and keeps a way to hand it again to another sink (but those it is told to leave).
    private final class RecordingSink: RasterSink {
        let target: RasterSink
        let leaving: Set<String>
        var writes: [(RasterSink) -> Void] = []
        init(_ target: RasterSink, leaving: Set<String>) { self.target = target; self.leaving = leaving }
        func write<T: GridScalar>(_ grid: Grid<T>, to name: String, description: String,
                                  categories: [Int: String], colours: [Int: (UInt8, UInt8, UInt8)]) {
            target.write(grid, to: name, description: description, categories: categories, colours: colours)
            guard !leaving.contains(name) else { return }
            writes.append { $0.write(grid, to: name, description: description, categories: categories, colours: colours) }
        }
    }
}
