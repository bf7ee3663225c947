import Foundation
import XCTest
import TrameCircuit
import TrameRaster

/// The AMG-preconditioned solver on a grid large enough to coarsen, against SciPy's direct sparse solve
/// of the same grounded system (scripts/circuit_reference.py), to 1e-8 relative.
final class CircuitSolverTests: XCTestCase {
    func testAMGMatchesSciPyDirectSolve() throws {
        let size = 120
        var state: UInt64 = 42
        var res = [Double](repeating: 0, count: size * size)
        for i in res.indices { state = state &* 6364136223846793005 &+ 1442695040888963407; res[i] = 1 + 99 * Double(state >> 11) / Double(1 << 53) }
        let src = 5 * size + 7, dst = (size - 9) * size + (size - 4)
        let rc = RasterCircuit(conductance: res.map { 1 / $0 }, cols: size, rows: size, neighbourhood: .rook, connection: .averageResistance, focal: [(1, src), (2, dst)])
        var solver = AMGSolver(circuit: rc.circuit)
        XCTAssertGreaterThan(solver.amg.levelCount, 2, "the grid coarsens")
        var b = [Double](repeating: 0, count: rc.circuit.nodeCount)
        b[src] = 1; b[dst] = -1
        let v = try solver.solve(b)
        let r = v[src] - v[dst]
        let raw = NSTemporaryDirectory() + "trame-amg-\(UUID().uuidString).bin"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        try res.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: raw))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/circuit_reference.py").standardized.path
        var direct: Double? = nil
        for python in [["/usr/bin/env", "python3"], ["/usr/bin/python3"]] {
            let proc = Process()
            proc.executableURL = URL(fileURLWithPath: python[0])
            proc.arguments = Array(python.dropFirst()) + [script, raw, "\(size)", "\(size)", "\(src)", "\(dst)"]
            let out = Pipe(); proc.standardOutput = out; proc.standardError = Pipe()
            try proc.run(); proc.waitUntilExit()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            if proc.terminationStatus == 0, let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] { direct = json["direct_resistance"] as? Double; break }
        }
        let reference = try XCTUnwrap(direct, "python3 with numpy and scipy is needed (apt-get install python3-scipy)")
        XCTAssertEqual(r, reference, accuracy: 1e-8 * reference)
        // Pairwise on a circuit above the AMG threshold (pairs on both cores) agrees with the plain solver.
        let big = 160
        var cond2 = [Double](repeating: 1, count: big * big)
        for i in cond2.indices { state = state &* 6364136223846793005 &+ 1442695040888963407; cond2[i] = 1 / (1 + 9 * Double(state >> 11) / Double(1 << 53)) }
        let focal2: [(id: Int32, cell: Int)] = [(1, 10 * big + 10), (2, 150 * big + 20), (3, 80 * big + 140)]
        let pc = RasterCircuit(conductance: cond2, cols: big, rows: big, neighbourhood: .queen, connection: .averageResistance, focal: focal2)
        XCTAssertGreaterThan(pc.circuit.nodeCount, 20_000)
        let m = try Pairwise.resistances(pc.circuit, focalNodes: pc.focalNodes)
        var jacobi = GroundedSolver(circuit: pc.circuit)
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            var b2 = [Double](repeating: 0, count: pc.circuit.nodeCount)
            b2[Int(pc.focalNodes[j][0])] = 1; b2[Int(pc.focalNodes[i][0])] = -1
            let rj = try jacobi.solve(injections: b2, ground: Int(pc.focalNodes[i][0]))[Int(pc.focalNodes[j][0])]
            XCTAssertEqual(m[i][j], rj, accuracy: 1e-7 * rj)
        }
        // The plain Jacobi-CG solver agrees too.
        var plain = GroundedSolver(circuit: rc.circuit)
        var inj = [Double](repeating: 0, count: rc.circuit.nodeCount)
        inj[src] = 1; inj[dst] = -1
        XCTAssertEqual(try plain.solve(injections: inj, ground: dst)[src], reference, accuracy: 1e-7 * reference)
    }
}
