import Foundation

/// Circuitscape's raster advanced mode: current sources and grounds (each tied through its resistance
/// or conductance, or held at 0 V); one solve; voltage and current maps.
public enum RasterAdvanced {
    public struct Inputs: Sendable {
        /// Sources: (cell, current in A); 0 is no source.
        public var sources: [(cell: Int, value: Double)]
        /// Grounds: (cell, resistance or conductance to ground).
        public var grounds: [(cell: Int, value: Double)]
        /// Ground values are resistances (0: direct ground), else conductances.
        public var groundIsResistance: Bool
        /// Every source injects 1 A.
        public var unitCurrents: Bool
        /// Every ground is held at 0 V.
        public var directGrounds: Bool
        public var conflict: SourceGroundConflict

        public init(sources: [(cell: Int, value: Double)], grounds: [(cell: Int, value: Double)], groundIsResistance: Bool,
                    unitCurrents: Bool = false, directGrounds: Bool = false, conflict: SourceGroundConflict = .keepAll) {
            self.sources = sources; self.grounds = grounds; self.groundIsResistance = groundIsResistance
            self.unitCurrents = unitCurrents; self.directGrounds = directGrounds; self.conflict = conflict
        }
    }

    /// Voltage and current per cell (0 off the circuit and where no current flows).
    public struct Result: Sendable {
        public var voltage: [Double]
        public var current: [Double]
    }

    public static func solve(conductance: [Double], cols: Int, rows: Int, options: RasterCircuitOptions, inputs: Inputs) throws -> Result {
        var srcs = inputs.sources.filter { $0.value != 0 }
        var gnds = inputs.grounds.filter { inputs.groundIsResistance ? $0.value >= 0 : $0.value > 0 }
        // A cell both source and ground: keep both, or drop one of them (remove_src_or_gnd).
        let srcCells = Set(srcs.map(\.cell)), gndCells = Set(gnds.map(\.cell))
        let both = srcCells.intersection(gndCells)
        switch inputs.conflict {
        case .removeSource: srcs.removeAll { both.contains($0.cell) }
        case .removeGround: gnds.removeAll { both.contains($0.cell) }
        case .removeAll: srcs.removeAll { both.contains($0.cell) }; gnds.removeAll { both.contains($0.cell) }
        case .keepAll: break
        }
        // Sources and grounds on NoData cells are dropped (outside short-circuit regions), as in Circuitscape.
        let rc = RasterCircuit(conductance: conductance, cols: cols, rows: rows, neighbourhood: options.neighbourhood, connection: options.connection,
                               regions: options.regions, focal: [])
        let comp = rc.circuit.components()
        var direct: [Int32] = [], tied: [(Int32, Double)] = []
        for gnd in gnds {
            let node = rc.nodeOfCell[gnd.cell]
            guard node >= 0 else { continue }
            let r = inputs.groundIsResistance ? gnd.value : (gnd.value > 0 ? 1 / gnd.value : .infinity)
            if inputs.directGrounds || r == 0 { direct.append(node) } else if r.isFinite { tied.append((node, 1 / r)) }
        }
        // Components of a single node carry no current (Circuitscape skips them).
        var compSize: [Int32: Int] = [:]
        for c in comp { compSize[c, default: 0] += 1 }
        let groundedComps = Set((direct + tied.map(\.0)).map { comp[Int($0)] }).filter { (compSize[$0] ?? 0) > 1 }
        var current: [Int32: Double] = [:]
        for s in srcs {
            let node = rc.nodeOfCell[s.cell]
            guard node >= 0, groundedComps.contains(comp[Int(node)]) else { continue }
            current[node, default: 0] += inputs.unitCurrents ? 1 : s.value
        }
        let n = cols * rows
        var volt = [Double](repeating: 0, count: n), cur = [Double](repeating: 0, count: n)
        if !current.isEmpty {
            let sol = try MultiSolve.solve(rc.circuit, sources: current.map { ([$0.key], $0.value) }, grounds: direct.isEmpty ? [] : [direct], groundConductance: tied,
                                           solver: options.solver)
            // Currents on the circuit with its ground branches, each node apart.
            let withGround = Circuit(nodeCount: rc.circuit.nodeCount + 1, branches: rc.circuit.branches + tied.map { ($0.0, Int32(rc.circuit.nodeCount), $0.1) })
            var v = [Double](repeating: 0, count: rc.circuit.nodeCount + 1)
            for b in 0..<rc.circuit.nodeCount { v[b] = sol.voltages[Int(sol.node[b])] }
            let currents = withGround.nodeCurrents(v)
            for i in 0..<n where rc.nodeOfCell[i] >= 0 {
                let b = Int(rc.nodeOfCell[i])
                volt[i] = v[b]; cur[i] = currents[b]
            }
        }
        return Result(voltage: volt, current: cur)
    }
}
