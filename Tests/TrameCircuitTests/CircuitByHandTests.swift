import Foundation
import XCTest
import TrameCircuit
import TrameRaster

/// Circuits worked by hand.
final class CircuitByHandTests: XCTestCase {
    /// Three cells of resistance 1, 2 and 3 in a row (4 neighbours, average resistance): branches of
    /// resistance 1.5 and 2.5 in series, R = 4 Ω between the end cells. With average conductance the
    /// branches conduct (1 + ½)/2 = 0.75 S and (½ + ⅓)/2 = 5/12 S: R = 4/3 + 12/5 = 3.7333 Ω.
    func testSeriesByHand() throws {
        let cond = [1.0, 0.5, 1.0 / 3]
        let focal: [(id: Int32, cell: Int)] = [(1, 0), (2, 2)]
        let a = RasterCircuit(conductance: cond, cols: 3, rows: 1, neighbourhood: .rook, connection: .averageResistance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(a.circuit, focalNodes: a.focalNodes)[0][1], 4, accuracy: 1e-9)
        let b = RasterCircuit(conductance: cond, cols: 3, rows: 1, neighbourhood: .rook, connection: .averageConductance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(b.circuit, focalNodes: b.focalNodes)[0][1], 4.0 / 3 + 12.0 / 5, accuracy: 1e-9)
    }

    /// A 2 × 2 block of unit resistances between opposite corners: 4 neighbours give two paths of 2 Ω
    /// in parallel (1 Ω); 8 neighbours add the diagonal of √2 Ω: 1 ‖ √2 = √2 / (1 + √2) Ω.
    /// Two cells in separate components are not connected (−1).
    func testParallelDiagonalAndComponents() throws {
        let focal: [(id: Int32, cell: Int)] = [(1, 0), (2, 3)]
        let four = RasterCircuit(conductance: [1, 1, 1, 1], cols: 2, rows: 2, neighbourhood: .rook, connection: .averageResistance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(four.circuit, focalNodes: four.focalNodes)[0][1], 1, accuracy: 1e-9)
        let eight = RasterCircuit(conductance: [1, 1, 1, 1], cols: 2, rows: 2, neighbourhood: .queen, connection: .averageResistance, focal: focal)
        let r2 = 2.0.squareRoot()
        XCTAssertEqual(try Pairwise.resistances(eight.circuit, focalNodes: eight.focalNodes)[0][1], r2 / (1 + r2), accuracy: 1e-9)
        let apart = RasterCircuit(conductance: [1, .nan, .nan, 1], cols: 2, rows: 2, neighbourhood: .rook, connection: .averageResistance, focal: focal)
        XCTAssertEqual(try Pairwise.resistances(apart.circuit, focalNodes: apart.focalNodes)[0][1], -1)
    }

    /// The modes' maps on the same strip of resistances 1, 2, 3 (4 neighbours, average resistance): the
    /// pair's 1 A passes every cell; the voltages fall by 1.5 V then 2.5 V from the source (focal 2) to the
    /// ground (focal 1): 4, 2.5, 0 V.
    func testPairwiseMapsByHand() throws {
        var seen: [RasterPairwise.PairMaps] = []
        let r = try RasterPairwise.solve(conductance: [1.0, 0.5, 1.0 / 3], cols: 3, rows: 1, options: RasterCircuitOptions(neighbourhood: .rook),
                                         focal: [(1, 0), (2, 2)], maps: MapRequest(perPairCurrent: true, cumulative: true, maximum: true, voltage: true)) { seen.append($0) }
        XCTAssertEqual(r.ids, [1, 2])
        XCTAssertEqual(r.resistances[0][1], 4, accuracy: 1e-9)
        XCTAssertEqual(r.resistances[1][0], 4, accuracy: 1e-9)
        XCTAssertEqual(r.resistances[0][0], 0)
        XCTAssertEqual(r.solvedPairs, 1)
        XCTAssertEqual(seen.count, 1)
        XCTAssertEqual(seen.first?.from, 1); XCTAssertEqual(seen.first?.to, 2)
        for (x, y) in zip(try XCTUnwrap(seen.first?.current), [1.0, 1, 1]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(seen.first?.voltage), [0.0, 1.5, 4]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(r.cumulativeCurrent), [1.0, 1, 1]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(r.maximumCurrent), [1.0, 1, 1]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        // A focal id on a removed cell: −1 with every other id; fewer than two ids is refused.
        let apart = try RasterPairwise.solve(conductance: [1, 1, .nan], cols: 3, rows: 1, options: RasterCircuitOptions(neighbourhood: .rook),
                                             focal: [(1, 0), (2, 1), (3, 2)])
        XCTAssertEqual(apart.ids, [1, 2, 3])
        XCTAssertEqual(apart.resistances[0][1], 1, accuracy: 1e-9)
        XCTAssertEqual(apart.resistances[0][2], -1); XCTAssertEqual(apart.resistances[2][1], -1)
        XCTAssertThrowsError(try RasterPairwise.solve(conductance: [1, 1], cols: 2, rows: 1, options: RasterCircuitOptions(), focal: [(1, 0), (1, 1)])) {
            XCTAssertEqual($0 as? CircuitInputError, .fewerThanTwoFocalNodes)
        }
    }

    /// One-to-all on a strip of five unit cells (4 neighbours), focal nodes 1, 2, 3 on cells 0, 2, 4.
    /// Node 1 fed, 2 and 3 grounded: the current reaches cell 2 through two 1 Ω branches (2 Ω; cells 2–4
    /// are all at 0 V). Node 2 fed: two 2 Ω paths in parallel (1 Ω), ½ A each way. Node 3: 2 Ω.
    /// Cumulative: the three maps summed. All-to-one reports 0 for each.
    func testOneToAllByHand() throws {
        let focal: [(id: Int32, cell: Int)] = [(1, 0), (2, 2), (3, 4)]
        var maps: [Int32: RasterOneToAll.NodeMaps] = [:]
        let r = try RasterOneToAll.solve(toAll: true, conductance: [1, 1, 1, 1, 1], cols: 5, rows: 1, options: RasterCircuitOptions(neighbourhood: .rook),
                                         focal: focal, maps: MapRequest(perPairCurrent: true, cumulative: true, voltage: true)) { maps[$0.id] = $0 }
        XCTAssertEqual(r.ids, [1, 2, 3])
        for (x, y) in zip(r.resistances, [2.0, 1, 2]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(maps[1]?.current), [1.0, 1, 1, 0, 0]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(maps[1]?.voltage), [2.0, 1, 0, 0, 0]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(maps[2]?.current), [0.5, 0.5, 1, 0.5, 0.5]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        for (x, y) in zip(try XCTUnwrap(r.cumulativeCurrent), [1.5, 1.5, 3, 1.5, 1.5]) { XCTAssertEqual(x, y, accuracy: 1e-9) }
        let toOne = try RasterOneToAll.solve(toAll: false, conductance: [1, 1, 1, 1, 1], cols: 5, rows: 1, options: RasterCircuitOptions(neighbourhood: .rook), focal: focal)
        XCTAssertEqual(toOne.resistances, [0, 0, 0])
        XCTAssertNil(toOne.cumulativeCurrent)
    }

    /// Advanced mode on a strip of three unit cells: 2 A into cell 0, cell 2 tied to ground through 3 Ω:
    /// V = 2 × (1 + 1 + 3) = 10 V at cell 0, 8 V at cell 1, 6 V at cell 2; 2 A through each cell.
    func testAdvancedByHand() throws {
        let inputs = RasterAdvanced.Inputs(sources: [(0, 2)], grounds: [(2, 3)], groundIsResistance: true)
        let r = try RasterAdvanced.solve(conductance: [1, 1, 1], cols: 3, rows: 1, options: RasterCircuitOptions(neighbourhood: .rook), inputs: inputs)
        for (x, y) in zip(r.voltage, [10.0, 8, 6]) { XCTAssertEqual(x, y, accuracy: 1e-8) }
        for (x, y) in zip(r.current, [2.0, 2, 2]) { XCTAssertEqual(x, y, accuracy: 1e-8) }
    }

    /// A network triangle 1–2–3 of 1 Ω branches and a branch 3–4 of 2 Ω: R(1,2) = 1 ‖ 2 = ⅔ Ω,
    /// R(1,4) = ⅔ + 2 Ω; node 5 (alone on branch 5–6) is not connected to 1 (−1).
    func testNetworkByHand() throws {
        let net = try CircuitNetwork(branches: [(1, 2, 1), (2, 3, 1), (3, 1, 1), (3, 4, 2), (5, 6, 1)], isResistance: true)
        XCTAssertEqual(net.ids, [1, 2, 3, 4, 5, 6])
        let r = try NetworkPairwise.solve(net, focalIDs: [1, 2, 4, 5], currents: false, voltages: false)
        XCTAssertEqual(r.resistances[0][1], 2.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(r.resistances[0][2], 2.0 / 3 + 2, accuracy: 1e-9)
        XCTAssertEqual(r.resistances[0][3], -1)
        XCTAssertThrowsError(try CircuitNetwork(branches: [(1, 2, 0)], isResistance: true)) {
            XCTAssertEqual($0 as? CircuitInputError, .nonPositiveBranch(from: 1, to: 2, value: 0))
        }
    }

    /// The forward steps join each pair of neighbours once: 2 for rook, 4 for queen, 8 for knight.
    func testForwardSteps() {
        XCTAssertEqual(Neighbourhood.rook.forwardSteps.map { [$0.dc, $0.dr] }, [[1, 0], [0, 1]])
        XCTAssertEqual(Neighbourhood.queen.forwardSteps.map { [$0.dc, $0.dr] }, [[1, 0], [0, 1], [1, 1], [-1, 1]])
        XCTAssertEqual(Neighbourhood.knight.forwardSteps.count, 8)
    }
}
