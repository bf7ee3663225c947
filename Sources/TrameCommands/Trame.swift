import ArgumentParser
import Foundation
import TrameGDAL
import TramePublish

/// The `trame` command: one entry point, one subcommand per step, like GRASS modules.
public struct Trame: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trame",
        abstract: "Build, analyse and publish a territory's green and blue infrastructure (Trame verte et bleue).",
        discussion: """
        Inputs and outputs are ordinary GIS files (GeoTIFF, GeoPackage, GeoJSON, Shapefile, OSM PBF) that \
        QGIS and GDAL open. Distances are in metres, areas in hectares, costs in resistance × metres.
        Start with `trame demo --out DIR` to generate and analyse a sample territory.

        Exit status: 0 done; 1 the work could not be done (a bad input, named on one line on stderr; \
        nothing half-written is left); 64 the command line is wrong (an unknown option, a bad value). \
        Most commands take --quiet (no progress) and --verbose (GDAL's own warnings and each step's time); \
        info, run and metrics take --json for programs.
        """,
        version: TrameVersion.current,
        groupedSubcommands: [
            CommandGroup(name: "Scheme", subcommands: [InitCommand.self, CheckCommand.self, RunCommand.self, Demo.self]),
            CommandGroup(name: "Cluster", subcommands: [PlanCommand.self, StepCommand.self, MergeCommand.self, SlurmCommand.self]),
            CommandGroup(name: "Data", subcommands: [Info.self]),
            CommandGroup(name: "Ecological network", subcommands: [
                ResistanceCommand.self, PatchesCommand.self, CostDistanceCommand.self, PathCommand.self,
                LinksCommand.self, CorridorsCommand.self,
            ]),
            CommandGroup(name: "Connectivity", subcommands: [MetricsCommand.self, CircuitCommand.self]),
            CommandGroup(name: "Decisions", subcommands: [CompareCommand.self, ScenarioCommand.self, PrioritiesCommand.self, AddHabitatCommand.self]),
            CommandGroup(name: "Itineraries", subcommands: [RouteCommand.self, LoopCommand.self, HubsCommand.self, ItineraryCommand.self]),
            CommandGroup(name: "Publishing", subcommands: [ServeCommand.self, UsersCommand.self, CheckUploadCommand.self]),
            CommandGroup(name: "Development", subcommands: [Bench.self]),
        ]
    )

    public init() {}

    /// Runs the command; errors print one line on stderr (`trame: FILE: problem`, or `trame: problem`)
    /// and exit non-zero. `--help` and `--version` are printed by ArgumentParser as usual.
    public static func main() {
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { fail(error, message(for: error)) }
        do { try command.run() } catch { fail(error, ErrorWords.describe(error) ?? message(for: error)) }
    }

    /// Prints one line and exits: status 1 for Trame's errors, ArgumentParser's status (64) for usage errors.
    static func fail(_ error: Error, _ text: String) -> Never {
        let code = exitCode(for: error)
        if code == .success || error is ExitCode { exit(withError: error) }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        FileHandle.standardError.write(Data("trame: \(line.isEmpty ? "failed" : line)\n".utf8))
        Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
    }
}
