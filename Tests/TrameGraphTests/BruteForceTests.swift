import Foundation
import XCTest
@testable import TrameGraph

/// Seeded random graphs against a brute-force reference: all-pairs shortest paths by Floyd–Warshall,
/// recomputed from scratch without each node and without each link; without cut-off, and with a probability
/// cut-off ε whose definition the reference applies directly (a pair counts in PC, flux, BC and the losses
/// only while its distance is ≤ −ln(ε)/α, in the graph at hand).
final class BruteForceTests: XCTestCase {
    /// PC's numerator by definition: Σ a_i a_j p*_ij over the ordered pairs within the cut-off distance D,
    /// leaving out node `skip` (−1: none).
    static func pcNum(_ d: [[Double]], caps: [Double], decay: ExponentialDecay, cutoff D: Double, skip: Int = -1) -> Double {
        var s = 0.0
        for i in caps.indices where i != skip { for j in caps.indices where j != skip && d[i][j] <= D { s += caps[i] * caps[j] * decay.probability(d[i][j]) } }
        return s
    }

    /// IIC's numerator by definition: Σ a_i a_j / (1 + nl_ij) over the connected ordered pairs, leaving out `skip`.
    static func iicNum(_ h: [[Double]], caps: [Double], skip: Int = -1) -> Double {
        var s = 0.0
        for i in caps.indices where i != skip { for j in caps.indices where j != skip && h[i][j].isFinite { s += caps[i] * caps[j] / (1 + h[i][j]) } }
        return s
    }

    struct LCG { var s: UInt64; mutating func next() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) * 0x1.0p-53 } }

    func allPairs(_ n: Int, _ edges: [(Int, Int, Double)], unit: Bool, skipNode: Int = -1, skipEdge: Int = -1) -> [[Double]] {
        var d = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: n)
        for i in 0..<n where i != skipNode { d[i][i] = 0 }
        for (k, e) in edges.enumerated() where k != skipEdge && e.0 != skipNode && e.1 != skipNode {
            let w = unit ? 1 : e.2
            d[e.0][e.1] = min(d[e.0][e.1], w); d[e.1][e.0] = min(d[e.1][e.0], w)
        }
        for k in 0..<n where k != skipNode { for i in 0..<n { for j in 0..<n where d[i][k] + d[k][j] < d[i][j] { d[i][j] = d[i][k] + d[k][j] } } }
        return d
    }

    func test40RandomGraphs() throws { try randomGraphs(cutoff: 0) }

    /// ε = 0.01 with 10 % at 1000 m: pairs beyond 2000 m are left out, where links run from 100 to 2100 m.
    func test40RandomGraphsWithCutoff() throws { try randomGraphs(cutoff: 0.01) }

    func randomGraphs(cutoff eps: Double) throws {
        var cut = 0
        for seed in 1...40 {
            var r = LCG(s: UInt64(seed))
            let n = 5 + Int(r.next() * 25)
            let caps = (0..<n).map { _ in 1 + r.next() * 50 }
            var edges: [(Int, Int, Double)] = []
            for i in 0..<n { for j in (i + 1)..<n where r.next() < 0.15 { edges.append((i, j, 100 + r.next() * 2000)) } }
            let g = try LandscapeGraph(nodes: caps.enumerated().map { ("n\($0)", $1) }, edges: edges.map { ("n\($0.0)", "n\($0.1)", $0.2) })
            let decay = try ExponentialDecay(distance: 1000, probability: 0.1)
            let area = caps.reduce(0, +) * 3
            let m = try ConnectivityMetrics.compute(g, decay: decay, landscapeArea: area, probabilityCutoff: eps)
            let D = eps > 0 ? -log(eps) / decay.alpha : .infinity
            if m.cutoffErrorBound > 0 { cut += 1 }

            func pcNum(_ d: [[Double]], skip: Int = -1) -> Double { BruteForceTests.pcNum(d, caps: caps, decay: decay, cutoff: D, skip: skip) }
            func iicNum(_ d: [[Double]], skip: Int = -1) -> Double { BruteForceTests.iicNum(d, caps: caps, skip: skip) }
            let d = allPairs(n, edges, unit: false), h = allPairs(n, edges, unit: true)
            let pc = pcNum(d), iic = iicNum(h)
            XCTAssertEqual(m.global.PCnum, pc, accuracy: 1e-9 * pc)
            XCTAssertEqual(m.global.IICnum, iic, accuracy: 1e-9 * iic)
            for k in 0..<n {
                let dk = 100 * (pc - pcNum(allPairs(n, edges, unit: false, skipNode: k), skip: k)) / pc
                let ik = 100 * (iic - iicNum(allPairs(n, edges, unit: true, skipNode: k), skip: k)) / iic
                XCTAssertEqual(m.nodes[k].dPC, dk, accuracy: 1e-9 * max(1, abs(dk)), "seed \(seed) node \(k) dPC")
                XCTAssertEqual(m.nodes[k].dIIC, ik, accuracy: 1e-9 * max(1, abs(ik)), "seed \(seed) node \(k) dIIC")
                // Betweenness: pairs whose (unique, random real weights) shortest path runs through k.
                var bc = 0.0
                for i in 0..<n where i != k { for j in (i + 1)..<n where j != k && d[i][j] <= D && abs(d[i][k] + d[k][j] - d[i][j]) < 1e-9 {
                    bc += caps[i] * caps[j] * decay.probability(d[i][j])
                } }
                XCTAssertEqual(m.nodes[k].BC, bc, accuracy: 1e-9 * max(1, bc), "seed \(seed) node \(k) BC")
            }
            for e in edges.indices {
                let le = 100 * (pc - pcNum(allPairs(n, edges, unit: false, skipEdge: e))) / pc
                XCTAssertEqual(m.linkDPC[e], le, accuracy: 1e-9 * max(1, abs(le)), "seed \(seed) link \(e)")
            }
        }
        if eps > 0 { XCTAssertGreaterThan(cut, 20, "the cut-off should cut in most graphs") }
    }

    /// Ties everywhere: link lengths drawn from {0, 100, 200, 300} m, a few links doubled (parallel links), so that
    /// many shortest paths tie, some links have length 0 and links off the tree have reduced length 0. Node and link
    /// removal, dPC and its fractions, dIIC and link dPC against the brute force, without and with a cut-off (BC
    /// is left out: with ties it depends on which of the equal paths is taken).
    func test40RandomGraphsWithTiesAndParallelLinks() throws {
        for eps in [0, 0.05] {
            for seed in 101...140 {
                var r = LCG(s: UInt64(seed))
                let n = 5 + Int(r.next() * 20)
                let caps = (0..<n).map { _ in 1 + r.next() * 50 }
                var edges: [(Int, Int, Double)] = []
                for i in 0..<n { for j in (i + 1)..<n where r.next() < 0.2 {
                    edges.append((i, j, 100 * Double(Int(r.next() * 4))))
                    if r.next() < 0.15 { edges.append((j, i, 100 * Double(Int(r.next() * 4)))) }
                } }
                let g = try LandscapeGraph(nodes: caps.enumerated().map { ("n\($0)", $1) }, edges: edges.map { ("n\($0.0)", "n\($0.1)", $0.2) })
                let decay = try ExponentialDecay(distance: 300, probability: 0.2)
                let area = caps.reduce(0, +) * 2
                let m = try ConnectivityMetrics.compute(g, decay: decay, landscapeArea: area, probabilityCutoff: eps)
                // ε = 0.05 at 20 % per 300 m: pairs beyond 558.4 m are left out (no tie at the cut-off itself).
                let D = eps > 0 ? -log(eps) / decay.alpha : .infinity
                func pcNum(_ d: [[Double]], skip: Int = -1) -> Double { BruteForceTests.pcNum(d, caps: caps, decay: decay, cutoff: D, skip: skip) }
                func iicNum(_ d: [[Double]], skip: Int = -1) -> Double { BruteForceTests.iicNum(d, caps: caps, skip: skip) }
                let d = allPairs(n, edges, unit: false), h = allPairs(n, edges, unit: true)
                let pc = pcNum(d), iic = iicNum(h)
                XCTAssertEqual(m.global.PCnum, pc, accuracy: 1e-9 * pc, "seed \(seed) ε \(eps)")
                var flux = [Double](repeating: 0, count: n)
                for i in 0..<n { for j in 0..<n where i != j && d[i][j] <= D { flux[i] += 2 * caps[i] * caps[j] * decay.probability(d[i][j]) } }
                for k in 0..<n {
                    let dk = 100 * (pc - pcNum(allPairs(n, edges, unit: false, skipNode: k), skip: k)) / pc
                    let ik = 100 * (iic - iicNum(allPairs(n, edges, unit: true, skipNode: k), skip: k)) / iic
                    let fk = 100 * flux[k] / pc, intra = 100 * caps[k] * caps[k] / pc
                    XCTAssertEqual(m.nodes[k].dPC, dk, accuracy: 1e-9 * max(1, abs(dk)), "seed \(seed) ε \(eps) node \(k) dPC")
                    XCTAssertEqual(m.nodes[k].dPC_flux, fk, accuracy: 1e-9 * max(1, abs(fk)), "seed \(seed) ε \(eps) node \(k) flux")
                    XCTAssertEqual(m.nodes[k].dPC_connector, dk - intra - fk, accuracy: 1e-9 * max(1, abs(dk)), "seed \(seed) ε \(eps) node \(k) connector")
                    XCTAssertEqual(m.nodes[k].dIIC, ik, accuracy: 1e-9 * max(1, abs(ik)), "seed \(seed) ε \(eps) node \(k) dIIC")
                }
                for e in edges.indices {
                    let le = 100 * (pc - pcNum(allPairs(n, edges, unit: false, skipEdge: e))) / pc
                    XCTAssertEqual(m.linkDPC[e], le, accuracy: 1e-9 * max(1, abs(le)), "seed \(seed) ε \(eps) link \(e)")
                }
            }
        }
    }
}
