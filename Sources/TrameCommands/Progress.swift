import Foundation
import TrameGDAL

/// Progress on a terminal (stderr), silent in scripts: when `--quiet` is given or stderr is not a TTY.
public struct Progress {
    public let enabled: Bool
    let start = Date()

    /// Set by `--verbose`: every step is shown, with its time, even in scripts.
    nonisolated(unsafe) static var verbose = false

    public init(quiet: Bool) {
        enabled = Progress.verbose || (!quiet && isatty(STDERR_FILENO) != 0)
    }

    /// One step of a longer job: "[  1.2 s] fractal fields".
    public func step(_ message: String) {
        guard enabled else { return }
        let t = Date().timeIntervalSince(start)
        FileHandle.standardError.write(Data(String(format: "[%6.1f s] %@\n", t, message).utf8))
    }
}

/// Options shared by every command.
struct CommonOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "No progress messages (they are also off when stderr is not a terminal).")
    var quiet = false

    @Flag(help: "GDAL's own warnings and every step with its time on stderr, even in scripts.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other; give one") }
        if verbose {
            Progress.verbose = true
            GDALMessages.show()
        }
    }
}

import ArgumentParser
