import Foundation

/// Runs the built `trame` executable (or a system tool) as a user would, capturing its output.
public enum TrameProcess {
    /// The `trame` executable beside the test bundle.
    public static var trame: URL {
        var u = Bundle(for: Marker.self).bundleURL
        while !FileManager.default.fileExists(atPath: u.appendingPathComponent("trame").path) && u.path != "/" { u.deleteLastPathComponent() }
        return u.appendingPathComponent("trame")
    }
    final class Marker {}

    /// `env` adds to (or overrides) this process's environment.
    @discardableResult
    public static func run(_ executable: URL, _ args: [String], input: String? = nil, env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let proc = Process()
        proc.executableURL = executable
        proc.arguments = args
        if !env.isEmpty { proc.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        let o = Pipe(), e = Pipe()
        proc.standardOutput = o; proc.standardError = e
        let i = Pipe()
        if input != nil { proc.standardInput = i }
        try proc.run()
        if let input { i.fileHandleForWriting.write(Data(input.utf8)); try i.fileHandleForWriting.close() }
        let out = o.fileHandleForReading.readDataToEndOfFile(), err = e.fileHandleForReading.readDataToEndOfFile()
        proc.waitUntilExit()
        return (proc.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
