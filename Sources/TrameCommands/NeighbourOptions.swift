import ArgumentParser
import TrameRaster

/// Options for cost-based steps.
struct NeighbourOptions: ParsableArguments {
    @Option(name: .customLong("neighbours"), help: "Moves between cells: 8 (queen) or 16 (adds knight's moves, as GRASS r.cost -k).")
    var neighbours: Int = 8

    func validate() throws {
        guard neighbours == 8 || neighbours == 16 || neighbours == 4 else { throw ValidationError("--neighbours is 4, 8 or 16") }
    }

    var neighbourhood: Neighbourhood { Neighbourhood(rawValue: neighbours) ?? .queen }
}
