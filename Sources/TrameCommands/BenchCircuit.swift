import ArgumentParser
import Foundation
import TrameCircuit
import TrameRaster
import TrameSample

struct BenchCircuit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "circuit",
        abstract: "Time the circuit solver on a random grid against SciPy (direct) and PyAMG (smoothed aggregation + CG).",
        discussion: "A size × size grid of resistances drawn uniformly in 1–100, 4 neighbours, average resistance; 1 A from the top-left area to the bottom-right area. Needs python3 with numpy and scipy (and pyamg, from PyPI) for the comparison.")

    @Option(help: "Cells per side.")
    var size: Int = 1000

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Flag(help: "Skip the Python comparison.")
    var noPython = false

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
        let t1 = Date()
        var solver = AMGSolver(circuit: rc.circuit)
        let setup = Date().timeIntervalSince(t1)
        var b = [Double](repeating: 0, count: rc.circuit.nodeCount)
        b[Int(rc.nodeOfCell[src])] = 1; b[Int(rc.nodeOfCell[dst])] = -1
        let t2 = Date()
        let v = try solver.solve(b)
        let solve = Date().timeIntervalSince(t2)
        let r = v[Int(rc.nodeOfCell[src])] - v[Int(rc.nodeOfCell[dst])]
        print(String(format: "Trame: %d × %d cells; circuit built in %.2f s; AMG setup %.2f s (%d levels: %@), CG %d iterations in %.2f s (residual %.1e); R = %.10g Ω; setup + solve %.2f s",
                     size, size, build, setup, solver.amg.levelCount, solver.amg.sizes.map(String.init).joined(separator: " → "),
                     solver.lastIterations, solve, solver.lastResidual, r, setup + solve))
        if focalPoints >= 2 {
            // Focal points on a ring around the centre; every pair solved with the one AMG hierarchy.
            var focal: [(id: Int32, cell: Int)] = []
            for k in 0..<focalPoints {
                let a = 2 * Double.pi * Double(k) / Double(focalPoints)
                let c = Int(Double(size) / 2 + Double(size) * 0.35 * cos(a)), r = Int(Double(size) / 2 + Double(size) * 0.35 * sin(a))
                focal.append((Int32(k + 1), r * size + c))
            }
            let t3 = Date()
            let pc = RasterCircuit(conductance: res.map { 1 / $0 }, cols: size, rows: size, neighbourhood: .rook, connection: .averageResistance, focal: focal)
            let m = try Pairwise.resistances(pc.circuit, focalNodes: pc.focalNodes)
            let pairs = focalPoints * (focalPoints - 1) / 2
            print(String(format: "pairwise: %d focal points, %d pairs in %.1f s (%.2f s per pair), largest residual %.1e; R(1,2) = %.6g Ω",
                         focalPoints, pairs, Date().timeIntervalSince(t3), Date().timeIntervalSince(t3) / Double(pairs), Pairwise.maxResidual, m[0][1]))
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
            print(String(format: "PyAMG smoothed aggregation + CG: setup + solve %.2f s, R = %.10g Ω; Trame %.2f× faster", t, json["pyamg_resistance"] as? Double ?? .nan, t / (setup + solve)))
        }
    }
}
