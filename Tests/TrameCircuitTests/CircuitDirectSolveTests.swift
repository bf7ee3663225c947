import Foundation
import XCTest
import TrameCircuit
import TrameRaster

/// Both solvers (conjugate gradients and CHOLMOD) against a direct sparse solve in SciPy (scripts/circuit_direct.py:
/// the Laplacian built there from the grid on its own, one node grounded, SuperLU), on fresh random grids with
/// NoData holes, to 1e-9 relative. The seed of each grid is new every run and named in any failure.
final class CircuitDirectSolveTests: XCTestCase {
    /// A rows × cols grid of conductances: resistances log-uniform in 1–10⁴ (four decades), about 15 % of the
    /// cells NoData at random and two rectangular NoData holes (which may cut islands off); `count` focal cells
    /// drawn among the live ones.
    static func randomGrid(rows: Int, cols: Int, seed: UInt64, focalCount: Int, decades: Double = 4) -> (conductance: [Double], focal: [(id: Int32, cell: Int)]) {
        var state = seed
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        var c = (0..<(rows * cols)).map { _ in 1 / pow(10, decades * next()) }
        for i in c.indices where next() < 0.15 { c[i] = .nan }
        for _ in 0..<2 {
            let r0 = Int(next() * Double(rows - 10)), c0 = Int(next() * Double(cols - 10))
            let h = 3 + Int(next() * 8), w = 3 + Int(next() * 8)
            for r in r0..<min(rows, r0 + h) { for cc in c0..<min(cols, c0 + w) { c[r * cols + cc] = .nan } }
        }
        var focal: [(id: Int32, cell: Int)] = []
        while focal.count < focalCount {
            let cell = Int(next() * Double(rows * cols))
            if c[cell].isFinite && !focal.contains(where: { $0.cell == cell }) { focal.append((Int32(focal.count + 1), cell)) }
        }
        return (c, focal)
    }

    /// SciPy's pairwise resistances between the focal cells (−1 where not connected).
    static func direct(_ conductance: [Double], rows: Int, cols: Int, neighbours: Int, connection: CellConnection, focal: [(id: Int32, cell: Int)]) throws -> [[Double]] {
        let raw = NSTemporaryDirectory() + "trame-direct-\(UUID().uuidString).bin"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        try conductance.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: raw))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/circuit_direct.py").standardized.path
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        proc.arguments = [script, raw, "\(rows)", "\(cols)", "\(neighbours)", connection == .averageResistance ? "resistance" : "conductance",
                          focal.map { "\($0.cell)" }.joined(separator: ",")]
        let out = Pipe(), err = Pipe()
        proc.standardOutput = out; proc.standardError = err
        try proc.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        guard proc.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any], let r = json["resistances"] as? [[Double]] else {
            throw XCTSkip("python3 with numpy and scipy is needed (apt-get install python3-scipy): " + String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        return r
    }

    func compare(rows: Int, cols: Int, neighbours: Neighbourhood, connection: CellConnection, grids: Int, focalCount: Int) throws {
        for _ in 0..<grids {
            let seed = UInt64.random(in: 1...UInt64.max)
            let (c, focal) = Self.randomGrid(rows: rows, cols: cols, seed: seed, focalCount: focalCount)
            let want = try Self.direct(c, rows: rows, cols: cols, neighbours: neighbours == .rook ? 4 : 8, connection: connection, focal: focal)
            XCTAssertTrue(want.joined().contains { $0 > 0 }, "seed \(seed): some pair is connected")
            for solver in CircuitSolverKind.allCases {
                let options = RasterCircuitOptions(neighbourhood: neighbours, connection: connection, solver: solver)
                let got = try RasterPairwise.solve(conductance: c, cols: cols, rows: rows, options: options, focal: focal)
                var worst = 0.0
                for i in 0..<focal.count {
                    for j in 0..<focal.count {
                        let (a, b) = (got.resistances[i][j], want[i][j])
                        if b <= 0 { XCTAssertEqual(a, b, "seed \(seed), \(solver), pair \(i + 1)–\(j + 1)"); continue }
                        worst = max(worst, abs(a - b) / b)
                    }
                }
                print("\(rows) × \(cols), \(neighbours == .rook ? 4 : 8) neighbours, \(solver): worst relative difference \(worst) (seed \(seed))")
                XCTAssertLessThan(worst, 1e-9, "seed \(seed), \(solver)")
            }
        }
    }

    /// 60 × 80 grids, 4 neighbours (the grids of the report: Jacobi-preconditioned CG below 20 000 nodes).
    func testSmallGridsFourNeighboursMatchDirectSolve() throws {
        try compare(rows: 60, cols: 80, neighbours: .rook, connection: .averageResistance, grids: 4, focalCount: 6)
    }

    /// 60 × 80 grids, 8 neighbours, average conductance.
    func testSmallGridsEightNeighboursMatchDirectSolve() throws {
        try compare(rows: 60, cols: 80, neighbours: .queen, connection: .averageConductance, grids: 4, focalCount: 6)
    }

    /// A 150 × 160 grid (24 000 cells: AMG-preconditioned CG, pairs on both cores).
    func testAMGGridMatchesDirectSolve() throws {
        try compare(rows: 150, cols: 160, neighbours: .rook, connection: .averageResistance, grids: 1, focalCount: 5)
    }

    /// The resistance-error test on its own (the residual test relaxed to 1, never binding): Jacobi-CG stopped on the
    /// estimated relative error of R at 1e-4, 1e-6 and 1e-8 lands within that bound of SciPy's R each time, and stops
    /// sooner at looser bounds (the test does the stopping, not the iteration limit). Measured: true errors 10²–10⁵
    /// below the bound (with a window of 2 terms instead of a quarter of the run, one grid in ten missed by 24×).
    func testResistanceErrorEstimateBoundsTheTrueError() throws {
        for neighbours in [Neighbourhood.rook, .queen] {
            var seed = UInt64.random(in: 1...UInt64.max)
            var grid = Self.randomGrid(rows: 60, cols: 80, seed: seed, focalCount: 2)
            var want = try Self.direct(grid.conductance, rows: 60, cols: 80, neighbours: neighbours == .rook ? 4 : 8, connection: .averageResistance, focal: grid.focal)
            while want[0][1] <= 0 {   // the two cells in one component
                seed &+= 1
                grid = Self.randomGrid(rows: 60, cols: 80, seed: seed, focalCount: 2)
                want = try Self.direct(grid.conductance, rows: 60, cols: 80, neighbours: neighbours == .rook ? 4 : 8, connection: .averageResistance, focal: grid.focal)
            }
            let rc = RasterCircuit(conductance: grid.conductance, cols: 80, rows: 60, neighbourhood: neighbours, connection: .averageResistance, focal: grid.focal)
            let a = Int(rc.focalNodes[0][0]), b = Int(rc.focalNodes[1][0])
            var inj = [Double](repeating: 0, count: rc.circuit.nodeCount)
            inj[b] = 1; inj[a] = -1
            var iterations: [Int] = []
            for bound in [1e-4, 1e-6, 1e-8] {
                var solver = GroundedSolver(circuit: rc.circuit)
                solver.tolerance = 1
                solver.resistanceTolerance = bound
                let r = try solver.solve(injections: inj, ground: a)[b]
                let error = (want[0][1] - r) / want[0][1]
                print("estimate bound \(bound): \(solver.lastIterations) iterations, estimated \(solver.lastResistanceError), true \(error) (seed \(seed))")
                XCTAssertLessThan(abs(error), bound, "seed \(seed)")
                XCTAssertLessThanOrEqual(solver.lastResistanceError, bound)
                iterations.append(solver.lastIterations)
            }
            XCTAssertLessThan(iterations[0], iterations[2], "seed \(seed): stopped earlier at 1e-4 than at 1e-8")
        }
    }
}
