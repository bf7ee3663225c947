import ArgumentParser
import Foundation
import TrameCircuit
import TrameRaster
import TrameSample

struct BenchCircuit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "circuit",
        abstract: "Time the circuit solvers (cg: AMG-preconditioned conjugate gradients; cholmod: CHOLMOD's direct factorisation) on a random grid, against SciPy (direct) and PyAMG (smoothed aggregation + CG).",
        discussion: "A size × size grid of resistances drawn uniformly in 1–100, 4 neighbours, average resistance; 1 A from the top-left area to the bottom-right area, solved by both solvers (or the one --solver names). With --focal-points, a pairwise run between that many points, by both. Needs python3 with numpy and scipy (and pyamg, from PyPI) for the comparison.")

    @Option(help: "Cells per side.")
    var size: Int = 1000

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Skip the Python comparison.")
    var noPython = false

    @Option(help: "Time only this solver: cg or cholmod (default: both).")
    var solver: CircuitSolverKind?

    @Option(name: .customLong("focal-points"), help: "Also time a pairwise run between this many focal points spread over the grid (e.g. 10 on a 3163² grid ≈ 10 M cells).")
    var focalPoints: Int = 0

    func validate() throws {
        try OptionRanges.count(size, option: "--size", OptionRanges.benchCircuitSide)
        try OptionRanges.count(focalPoints, option: "--focal-points", OptionRanges.benchFocalPoints)
    }

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let n = size * size
        var res = [Double](repeating: 0, count: n)
        for i in 0..<n { res[i] = rng.uniform(1, 100) }
        let src = (size / 10) * size + size / 10, dst = (size - size / 10) * size + (size - size / 10)
        let t0 = Date()
        let rc = RasterCircuit(conductance: res.map { 1 / $0 }, cols: size, rows: size, neighbourhood: .rook, connection: .averageResistance,
                               focal: [(1, src), (2, dst)])
        let build = Date().timeIntervalSince(t0)
        var cgSeconds: Double? = nil, cholmodSeconds: Double? = nil
        let solvers = solver.map { [$0] } ?? CircuitSolverKind.allCases
        let s = Int(rc.nodeOfCell[src]), d = Int(rc.nodeOfCell[dst])
        var b = [Double](repeating: 0, count: rc.circuit.nodeCount)
        b[s] = 1; b[d] = -1
        var r = Double.nan
        print(String(format: "%d × %d cells, one pair; circuit built in %.2f s", size, size, build))
        if solvers.contains(.cg) {
            let t1 = Date()
            var amg = AMGSolver(circuit: rc.circuit)
            let setup = Date().timeIntervalSince(t1)
            let t2 = Date()
            let v = try amg.solve(b)
            let solve = Date().timeIntervalSince(t2)
            r = v[s] - v[d]
            print(String(format: "cg: AMG setup %.2f s (%d levels: %@), CG %d iterations in %.2f s (residual %.1e, estimated error of R %.1e); R = %.12g Ω; setup + solve %.2f s",
                         setup, amg.amg.levelCount, amg.amg.sizes.map(String.init).joined(separator: " → "),
                         amg.lastIterations, solve, amg.lastResidual, amg.lastResistanceError, r, setup + solve))
            cgSeconds = setup + solve
        }
        if solvers.contains(.cholmod) {
            let t1 = Date()
            let factor = try CholmodFactor(rc.circuit)
            let setup = Date().timeIntervalSince(t1)
            let t2 = Date()
            let v = try factor.solve(b)
            let solve = Date().timeIntervalSince(t2)
            let rc2 = v[s] - v[d]
            print(String(format: "cholmod: factor %.2f s (%.0f entries, %.0f MB), solve %.3f s (residual %.1e); R = %.12g Ω; factor + solve %.2f s%@",
                         setup, factor.factorEntries, factor.factorEntries * 8 / 1e6, solve, rc.circuit.relativeResidual(v, b), rc2, setup + solve,
                         r.isNaN ? "" : String(format: "; cg/cholmod relative difference %.1e", abs(r - rc2) / rc2)))
            if r.isNaN { r = rc2 }
            cholmodSeconds = setup + solve
        }
        if let a = cgSeconds, let c = cholmodSeconds { print(String(format: "one pair: %@ faster (%.1f×)", a < c ? "cg" : "cholmod", max(a, c) / min(a, c))) }
        if focalPoints >= 2 {
            // Focal points on a ring around the centre; every pair solved with one AMG hierarchy or one factor.
            var focal: [(id: Int32, cell: Int)] = []
            for k in 0..<focalPoints {
                let a = 2 * Double.pi * Double(k) / Double(focalPoints)
                let c = Int(Double(size) / 2 + Double(size) * 0.35 * cos(a)), r = Int(Double(size) / 2 + Double(size) * 0.35 * sin(a))
                focal.append((Int32(k + 1), r * size + c))
            }
            let pc = RasterCircuit(conductance: res.map { 1 / $0 }, cols: size, rows: size, neighbourhood: .rook, connection: .averageResistance, focal: focal)
            let pairs = focalPoints * (focalPoints - 1) / 2
            var seconds: [CircuitSolverKind: Double] = [:], matrices: [CircuitSolverKind: [[Double]]] = [:]
            for kind in solvers {
                let t3 = Date()
                let m = try Pairwise.resistances(pc.circuit, focalNodes: pc.focalNodes, solver: kind)
                let t = Date().timeIntervalSince(t3)
                seconds[kind] = t; matrices[kind] = m
                print(String(format: "pairwise, %@: %d focal points, %d pairs in %.2f s (%.3f s per pair), largest residual %.1e; R(1,2) = %.10g Ω",
                             kind.rawValue, focalPoints, pairs, t, t / Double(pairs), Pairwise.maxResidual, m[0][1]))
            }
            if let a = matrices[.cg], let c = matrices[.cholmod], let ta = seconds[.cg], let tc = seconds[.cholmod] {
                var worst = 0.0
                for i in 0..<focalPoints { for j in 0..<focalPoints where c[i][j] > 0 { worst = max(worst, abs(a[i][j] - c[i][j]) / c[i][j]) } }
                print(String(format: "pairwise: %@ faster (%.1f×); largest cg/cholmod relative difference %.1e", ta < tc ? "cg" : "cholmod", max(ta, tc) / min(ta, tc), worst))
            }
        }
        guard !noPython else { return }
        let raw = NSTemporaryDirectory() + "trame-circuit-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        try res.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: raw))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/circuit_reference.py").standardized.path
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proc.arguments = ["python3", script, raw, String(size), String(size), String(src), String(dst)]
        let out = Pipe(); proc.standardOutput = out
        try proc.run(); proc.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let direct = json["direct_resistance"] as? Double else {
            print("Python comparison unavailable (python3 with numpy, scipy and pyamg needed)"); return
        }
        print(String(format: "SciPy direct: R = %.10g Ω (%.2f s); relative difference %.2e", direct, json["direct_seconds"] as? Double ?? .nan, abs(r - direct) / direct))
        if let t = json["pyamg_seconds"] as? Double {
            print(String(format: "PyAMG smoothed aggregation + CG: setup + solve %.2f s, R = %.10g Ω%@", t, json["pyamg_resistance"] as? Double ?? .nan,
                         cgSeconds.map { String(format: "; Trame's cg %.2f× faster", t / $0) } ?? ""))
        }
    }
}
