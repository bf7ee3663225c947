import ArgumentParser
import Foundation
import TramePublish

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a project without running it: every problem at once, each with its file and line.",
        discussion: """
        Reads project.toml and everything it names, as `trame run` would before computing: keys and values, \
        the nomenclature and friction tables (every class of the land cover in both, a column per \
        sub-network, no zero or negative resistance), the land-cover raster (readable by GDAL, in a \
        projected CRS matching [territory] crs, cells of [territory] resolution) and every layer (file \
        present, layer found, CRS, geometry, the fields the project names).

        Prints one line per problem, FILE:LINE: problem (the line when the problem is in the project file \
        or a CSV table), then warnings; exits with status 1 if there is any problem. A file that is still \
        missing is named once, at the line of project.toml that points at it (see the INPUTS.md written \
        by `trame init`). Nothing is written.
        """)

    @Argument(help: "The project file (TOML).")
    var project: String

    @Flag(help: "Print the result as JSON: {ok, problems: [{file, line, message}], warnings}.")
    var json = false

    func run() throws {
        let report = ProjectCheck.run(project)
        if json {
            struct Output: Encodable { var ok: Bool; var problems: [CheckProblem]; var warnings: [CheckProblem] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(Output(ok: report.ok, problems: report.problems, warnings: report.warnings))
            print(String(decoding: data, as: UTF8.self))
        } else {
            for p in report.problems { print(p.text) }
            for w in report.warnings { print("warning: \(w.text)") }
            if report.ok {
                print("ok: \(project) and the \(Set(report.checked).count - 1) files it names are ready for `trame run`"
                      + (report.warnings.isEmpty ? "" : " (\(report.warnings.count) warning\(report.warnings.count > 1 ? "s" : ""))"))
            } else {
                print("\(report.problems.count) problem\(report.problems.count > 1 ? "s" : "") in \(project)")
            }
        }
        if !report.ok { throw ExitCode(1) }
    }
}
