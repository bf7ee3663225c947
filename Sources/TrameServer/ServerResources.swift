import Foundation

/// Where `trame serve` finds its own files (the web page in `Web/`, the common passwords in `Passwords/`),
/// first found of:
/// 1. `$TRAME_SHARE` (a folder holding `Web/` and `Passwords/`);
/// 2. the share folder of an installed Trame: `<bin>/../share/trame` (e.g. /usr/share/trame beside /usr/bin/trame);
/// 3. `/usr/share/trame`;
/// 4. SwiftPM's resource folder beside the executable (`Trame_TrameServer.resources`, in a build).
/// Never the build folder's absolute path: an installed binary works wherever the build was made.
public enum ServerResources {
    /// The folders looked at, in order.
    public static var candidates: [String] {
        var out: [String] = []
        if let env = ProcessInfo.processInfo.environment["TRAME_SHARE"], !env.isEmpty { out.append(env) }
        let exe = (Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0])
        let bin = (exe as NSString).deletingLastPathComponent
        out.append(((bin as NSString).appendingPathComponent("../share/trame") as NSString).standardizingPath)
        out.append("/usr/share/trame")
        out.append((bin as NSString).appendingPathComponent("Trame_TrameServer.resources"))
        return out
    }

    /// The first candidate that holds the web page.
    public static var folder: String? { candidates.first { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("Web/index.html")) } }

    /// The folder, or a one-line error naming where it was looked for.
    public static func required() throws -> String {
        if let folder { return folder }
        throw ServerResourceError(description: "the web page's files (Web/index.html) are not found in \(candidates.joined(separator: ", ")); reinstall Trame or set TRAME_SHARE to the folder holding Web/ and Passwords/")
    }

    /// The file `name` of `subfolder` ("Web", "Passwords"); nil for a name that is not a plain file name
    /// (no folder, no "..") or a file that is not there.
    public static func url(_ name: String, in subfolder: String) -> URL? {
        guard let folder, !name.isEmpty, !name.hasPrefix("."),
              name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else { return nil }
        let path = (folder as NSString).appendingPathComponent("\(subfolder)/\(name)")
        return FileManager.default.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil
    }
}

/// The web page's files are not installed where Trame looks for them.
public struct ServerResourceError: Error, CustomStringConvertible {
    public var description: String
}
