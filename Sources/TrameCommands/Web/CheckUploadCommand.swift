import ArgumentParser
import Foundation
import TrameServer
import TrameUploads

/// `trame check-upload DIR` (hidden): what `trame serve` runs in a child process to check one upload.
/// It limits its own processor time and memory first, leaves the network, keeps only GDAL's GPKG,
/// GeoJSON and ESRI Shapefile drivers, checks DIR/request.json's file and prints its verdict as JSON.
struct CheckUploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-upload",
        abstract: "Check one partner upload for `trame serve` (run by the server, not by hand).",
        shouldDisplay: false)

    @Argument(help: "The check's folder (request.json and the uploaded file).")
    var folder: String

    @Option(help: "Processor time allowed, in seconds (RLIMIT_CPU).")
    var cpuSeconds = 45

    @Option(help: "Memory (address space) allowed, in MiB (RLIMIT_AS).")
    var memoryMb = 3072

    func validate() throws {
        guard (1...3600).contains(cpuSeconds), (256...1_048_576).contains(memoryMb) else {
            throw ValidationError("--cpu-seconds is 1 to 3600 and --memory-mb 256 to 1048576")
        }
    }

    func run() throws {
        let status = UploadCheck.childMain(folder: folder, cpuSeconds: cpuSeconds, memoryBytes: UInt64(memoryMb) << 20)
        if status != 0 { throw ExitCode(status) }
    }
}
