import Foundation
import XCTest
import TrameCircuit
import TrameRaster

final class CorridorCurrentTests: XCTestCase {
    /// A corridor one cell wide (5 cells of resistance 1) between reservoir cells at both ends: all of
    /// the 1 A passes every corridor cell, and R = 6 branches of 1 Ω in series. A second, parallel
    /// corridor row splits the current in two: ½ A in each cell of the middle stretch.
    func testStraightCorridor() throws {
        let one = try CorridorCurrent.solve(cells: [1, 2, 3, 4, 5], reservoirA: [0], reservoirB: [6], cols: 7, rows: 1, conductance: { _ in 1 }, neighbourhood: .rook)
        XCTAssertEqual(one.resistance, 6, accuracy: 1e-9)
        for c in one.current { XCTAssertEqual(c, 1, accuracy: 1e-9) }
        // Two rows: reservoirs are the whole first and last columns.
        let cells = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12]
        let two = try CorridorCurrent.solve(cells: cells, reservoirA: [0, 7], reservoirB: [6, 13], cols: 7, rows: 2, conductance: { _ in 1 }, neighbourhood: .rook)
        XCTAssertEqual(two.resistance, 3, accuracy: 1e-9)
        XCTAssertEqual(two.current[2], 0.5, accuracy: 1e-9)
    }
}
