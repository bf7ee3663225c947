import CTrameSys
import Foundation

/// A folder a command writes its outputs into, and the rule that keeps it from destroying anything
/// Trame did not write.
///
/// A command writes only into a folder that does not exist yet, an empty folder, or a folder holding an
/// earlier output of the same command: such a folder carries `.trame-output`, a marker Trame writes
/// itself that names the command, the version and every file Trame put there. Anything else — a file,
/// a folder holding a file the marker does not list, the folder of the inputs — is refused in one line
/// naming the folder, before anything is touched.
///
/// Two ways of writing:
/// - `replace` (`trame run`): the new contents are built in `.NAME.building-PID` beside the folder and
///   exchanged with it in one step (Linux `renameat2(RENAME_EXCHANGE)`), so that the folder is at every
///   moment either the complete old output or the complete new one; the old one is then removed.
/// - `claim` (`trame demo`, `trame circuit --out-dir`, `trame bench --work`): files are written in place,
///   each one atomically; the marker is written first and names what the command will write, so that an
///   interrupted run leaves a folder the next run recognises.
public struct OutputFolder: Sendable {
    /// The marker's name, inside the folder.
    public static let markerName = ".trame-output"

    /// The folder as the user named it (for messages).
    public let name: String
    /// Its absolute path, symbolic links resolved.
    public let path: String
    /// The command that writes it ("run", "demo", …).
    public let command: String
    public let version: String
    /// Files (relative paths) and families of files (prefixes) of the earlier output, from its marker.
    public let previous: Ownership
    /// Files read by the command: the folder must not hold any of them.
    let inputs: [String]

    /// What a marker says Trame wrote: relative paths, and prefixes that cover families of files
    /// (`circuit_` for everything Circuitscape's layout names after one output prefix).
    public struct Ownership: Sendable, Equatable {
        public var files: [String] = []
        public var prefixes: [String] = []
        public init(files: [String] = [], prefixes: [String] = []) { self.files = files; self.prefixes = prefixes }

        /// Files that readers add beside a file Trame wrote (GDAL statistics and overviews, SQLite journals
        /// of a GeoPackage opened in QGIS): they belong to that file.
        static let sideSuffixes = [".aux.xml", "-wal", "-shm", "-journal", ".ovr"]

        func covers(_ rel: String) -> Bool {
            if Set(files).contains(rel) || prefixes.contains(where: { rel.hasPrefix($0) }) { return true }
            for s in Ownership.sideSuffixes where rel.hasSuffix(s) && rel.count > s.count {
                let base = String(rel.dropLast(s.count))
                if files.contains(base) || prefixes.contains(where: { base.hasPrefix($0) }) { return true }
            }
            return false
        }

        func merged(with other: Ownership) -> Ownership {
            var seenF = Set(files), seenP = Set(prefixes), out = self
            for f in other.files where seenF.insert(f).inserted { out.files.append(f) }
            for p in other.prefixes where seenP.insert(p).inserted { out.prefixes.append(p) }
            return out
        }
    }

    // MARK: Checking

    /// Checks that `name` may receive the output of `command`: it does not exist, is empty, or holds an
    /// earlier output of the same command and nothing else; and it holds none of `inputs`. Touches nothing.
    /// - Throws: `GeodataError(name, …)`, one line saying what to do.
    public static func check(_ name: String, command: String, version: String, inputs: [String] = []) throws -> OutputFolder {
        let path = resolved(name)
        let resolvedInputs = inputs.map(resolved)
        var st = stat()
        guard lstat(path, &st) == 0 else {
            guard errno == ENOENT else { throw GeodataError(name, "cannot be examined: \(String(cString: strerror(errno)))") }
            return OutputFolder(name: name, path: path, command: command, version: version, previous: Ownership(), inputs: resolvedInputs)
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw GeodataError(name, "is a file, not a folder; choose a new folder for the output (Trame will not replace a file with a folder)")
        }
        // The folder of the inputs, or one of its ancestors.
        let held = resolvedInputs.filter { $0 == path || $0.hasPrefix(path == "/" ? "/" : path + "/") }
        if !held.isEmpty {
            let names = held.map { String($0.dropFirst(path == "/" ? 1 : path.count + 1)) }
            throw GeodataError(name, "holds the inputs of this \(command) (\(list(names))); choose a new folder for the output")
        }
        guard let d = opendir(path) else {
            throw GeodataError(name, "cannot be read: \(String(cString: strerror(errno))); choose a folder you can write to")
        }
        closedir(d)
        let marker = try readMarker(in: path, name: name)
        if let marker, marker.command != command {
            throw GeodataError(name, "holds the output of `trame \(marker.command)`, not of `trame \(command)`; choose a new folder for the output")
        }
        var foreign: [String] = []
        scan(path, rel: "", owned: marker?.owned, foreign: &foreign, limit: 4)
        if !foreign.isEmpty {
            throw GeodataError(name, "holds files Trame did not write (\(list(foreign))); choose a new folder or empty it")
        }
        return OutputFolder(name: name, path: path, command: command, version: version, previous: marker?.owned ?? Ownership(), inputs: resolvedInputs)
    }

    /// "a, b, c, …": at most three names.
    static func list(_ names: [String]) -> String {
        names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
    }

    /// An absolute path with `.`/`..` and the symbolic links of its existing part resolved.
    public static func resolved(_ name: String) -> String {
        var url = URL(fileURLWithPath: name).standardizedFileURL
        var rest: [String] = []
        while url.path != "/" {
            if let r = realpath(url.path, nil) {
                defer { free(r) }
                var p = String(cString: r)
                for c in rest.reversed() { p = (p as NSString).appendingPathComponent(c) }
                return p
            }
            rest.append(url.lastPathComponent)
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: name).standardizedFileURL.path
    }

    struct Marker { var command: String; var version: String; var owned: Ownership }

    /// The marker of `dir`, nil when it has none.
    static func readMarker(in dir: String, name: String) throws -> Marker? {
        let file = (dir as NSString).appendingPathComponent(markerName)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw GeodataError(name, "its marker \(markerName) cannot be read; choose a new folder for the output")
        }
        var m = Marker(command: "", version: "", owned: Ownership())
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let key = line[..<space], value = String(line[line.index(after: space)...])
            switch key {
            case "command": m.command = value
            case "version": m.version = value
            case "file": m.owned.files.append(value)
            case "prefix": m.owned.prefixes.append(value)
            default: break
            }
        }
        return m
    }

    /// Collects (up to `limit`) the relative paths under `dir` that Trame did not write. Without a marker
    /// every entry is foreign and the folder is not descended into; a sub-folder listed by the marker and
    /// holding its own marker (the scheme inside a demo) is judged by its own.
    static func scan(_ dir: String, rel: String, owned: Ownership?, foreign: inout [String], limit: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            foreign.append(rel.isEmpty ? "an unreadable folder" : rel + "/")
            return
        }
        for entry in names.sorted() {
            if foreign.count >= limit { return }
            let r = rel.isEmpty ? entry : rel + "/" + entry
            if rel.isEmpty && entry == markerName { continue }
            if isTemporary(entry, owned: owned, rel: rel) { continue }
            let full = (dir as NSString).appendingPathComponent(entry)
            var st = stat()
            guard lstat(full, &st) == 0 else { continue }   // gone meanwhile
            guard let owned else { foreign.append(r); continue }
            if st.st_mode & S_IFMT == S_IFDIR {
                if owned.files.contains(r), FileManager.default.fileExists(atPath: (full as NSString).appendingPathComponent(markerName)) {
                    let inner = (try? readMarker(in: full, name: r))?.owned ?? Ownership()
                    var sub: [String] = []
                    scan(full, rel: "", owned: inner, foreign: &sub, limit: limit - foreign.count)
                    foreign += sub.map { r + "/" + $0 }
                } else {
                    scan(full, rel: r, owned: owned, foreign: &foreign, limit: limit)
                }
            } else if !owned.covers(r) {
                foreign.append(r)
            }
        }
    }

    /// Trame's own temporary files: `.NAME.trame-PID-N…` (AtomicOutput), `.trame-output.tmp-PID`, and
    /// `.NAME.building-PID` / `.NAME.old-PID` of an output NAME the marker lists (a scheme inside a demo).
    static func isTemporary(_ entry: String, owned: Ownership?, rel: String) -> Bool {
        guard let t = Temporary(entry) else { return false }
        switch t.kind {
        case .file, .marker: return true
        case .building, .old:
            guard let owned else { return false }
            return owned.files.contains(rel.isEmpty ? t.base : rel + "/" + t.base)
        }
    }

    /// A name Trame gives to something unfinished, with the process that made it.
    struct Temporary {
        enum Kind { case file, marker, building, old }
        var kind: Kind
        var base: String
        var pid: Int32

        init?(_ name: String) {
            guard name.hasPrefix(".") else { return nil }
            func digits(after tag: String) -> (before: Substring, pid: Int32, rest: Substring)? {
                guard let r = name.range(of: tag, options: .backwards) else { return nil }
                let tail = name[r.upperBound...]
                let d = tail.prefix { $0 >= "0" && $0 <= "9" }
                guard !d.isEmpty, let pid = Int32(d) else { return nil }
                return (name[name.index(after: name.startIndex)..<r.lowerBound], pid, tail.dropFirst(d.count))
            }
            if name.hasPrefix(OutputFolder.markerName + ".tmp-"), let m = digits(after: ".tmp-"), m.rest.isEmpty {
                self.kind = .marker; self.base = OutputFolder.markerName; self.pid = m.pid
            } else if let m = digits(after: ".building-"), m.rest.isEmpty, !m.before.isEmpty {
                self.kind = .building; self.base = String(m.before); self.pid = m.pid
            } else if let m = digits(after: ".old-"), m.rest.isEmpty, !m.before.isEmpty {
                self.kind = .old; self.base = String(m.before); self.pid = m.pid
            } else if let m = digits(after: ".trame-"), m.rest.hasPrefix("-"), m.rest.dropFirst().first?.isNumber == true {
                self.kind = .file; self.base = String(m.before); self.pid = m.pid
            } else {
                return nil
            }
        }

        /// Whether the process that made it is gone (a zombie not yet reaped still counts as there).
        var orphaned: Bool { pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH }
    }

    // MARK: Writing

    /// Builds the new contents in `.NAME.building-PID` beside the folder (`body` writes them there), then
    /// exchanges them with the folder in one step and removes the old contents. If `body` throws, or the
    /// process dies, the folder stays as it was; leftovers of dead processes are removed at the next call.
    public func replace<R>(_ body: (_ building: String) throws -> R) throws -> R {
        let fm = FileManager.default
        let parent = (path as NSString).deletingLastPathComponent, base = (path as NSString).lastPathComponent
        do { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            throw GeodataError(name, "cannot create its parent folder: \(error.localizedDescription)")
        }
        OutputFolder.removeLeftovers(of: base, in: parent)
        let building = (parent as NSString).appendingPathComponent(".\(base).building-\(getpid())")
        try? fm.removeItem(atPath: building)
        do { try fm.createDirectory(atPath: building, withIntermediateDirectories: false) } catch {
            throw GeodataError(name, "cannot create \(building) to build the output in: \(error.localizedDescription)")
        }
        var handedOver = false
        defer { if !handedOver { try? fm.removeItem(atPath: building) } }
        let r = try body(building)
        try writeMarker(in: building, owned: Ownership(files: OutputFolder.files(in: building)))
        // A file may have been put into the folder meanwhile: look again just before the swap.
        _ = try OutputFolder.check(name, command: command, version: version, inputs: inputs)
        try swapIn(building, parent: parent, base: base)
        handedOver = true
        return r
    }

    /// Moves the finished `building` folder to `path`: exchanged with the old one in one step (then the
    /// old one, now at `building`, is removed), or renamed when there is none.
    func swapIn(_ building: String, parent: String, base: String) throws {
        let fm = FileManager.default
        func failure(_ what: String) -> GeodataError {
            GeodataError(name, "\(what): \(String(cString: strerror(errno))); the new output is left in \(building)")
        }
        var st = stat()
        if lstat(path, &st) == 0 {
            if trame_exchange(building, path) == 0 {
                try? fm.removeItem(atPath: building)
                return
            }
            guard errno == EINVAL || errno == ENOSYS || errno == ENOTSUP else { throw failure("cannot swap the new output in") }
            // A file system without exchange: two renames (for a moment there is no folder at `path`).
            let old = (parent as NSString).appendingPathComponent(".\(base).old-\(getpid())")
            guard rename(path, old) == 0 else { throw failure("cannot move the old output aside") }
            guard rename(building, path) == 0 else {
                let e = failure("cannot move the new output in")
                _ = rename(old, path)
                throw e
            }
            try? fm.removeItem(atPath: old)
        } else {
            if trame_rename_noreplace(building, path) == 0 { return }
            if errno == EEXIST || errno == ENOTEMPTY {
                throw GeodataError(name, "appeared while Trame was writing it; run again (the new output is left in \(building))")
            }
            guard errno == EINVAL || errno == ENOSYS || errno == ENOTSUP else { throw failure("cannot move the new output in") }
            guard rename(building, path) == 0 else { throw failure("cannot move the new output in") }
        }
    }

    /// Takes the folder for writing in place: creates it and records in its marker, before anything is
    /// written, the files (`files`, relative paths) and families of files (`prefixes`) this run writes.
    public func claim(files: [String] = [], prefixes: [String] = []) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw GeodataError(name, "cannot be created: \(error.localizedDescription)")
        }
        // Unfinished files of interrupted runs.
        for entry in (try? fm.contentsOfDirectory(atPath: path)) ?? [] {
            if let t = Temporary(entry), t.kind == .file || t.kind == .marker, t.orphaned {
                try? fm.removeItem(atPath: (path as NSString).appendingPathComponent(entry))
            }
        }
        try writeMarker(in: path, owned: previous.merged(with: Ownership(files: files, prefixes: prefixes)))
    }

    /// Writes the marker of `dir` under a temporary name and renames it into place.
    func writeMarker(in dir: String, owned: Ownership) throws {
        var text = """
        # Written by Trame: this folder holds the output of `trame \(command)`. Trame replaces or updates
        # it at the next `trame \(command)` into it, and refuses to if it holds a file not listed here.
        # Delete this file to keep Trame from ever writing here again.
        command \(command)
        version \(version)
        written \(ISO8601DateFormatter().string(from: Date()))

        """
        for f in owned.files where !f.contains("\n") { text += "file \(f)\n" }
        for p in owned.prefixes where !p.contains("\n") { text += "prefix \(p)\n" }
        let file = (dir as NSString).appendingPathComponent(OutputFolder.markerName)
        let tmp = file + ".tmp-\(getpid())"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: tmp))
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw GeodataError(name, "cannot write its marker \(OutputFolder.markerName): \(error.localizedDescription)")
        }
        guard rename(tmp, file) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: tmp)
            throw GeodataError(name, "cannot write its marker \(OutputFolder.markerName): \(reason)")
        }
    }

    /// Every file under `dir` (relative paths, sorted), the marker left out.
    static func files(in dir: String) throws -> [String] {
        var out: [String] = []
        func walk(_ d: String, _ rel: String) throws {
            for entry in try FileManager.default.contentsOfDirectory(atPath: d).sorted() {
                let full = (d as NSString).appendingPathComponent(entry), r = rel.isEmpty ? entry : rel + "/" + entry
                if rel.isEmpty && entry == markerName { continue }
                var st = stat()
                guard lstat(full, &st) == 0 else { continue }
                if st.st_mode & S_IFMT == S_IFDIR { try walk(full, r) } else { out.append(r) }
            }
        }
        try walk(dir, "")
        return out
    }

    /// Removes `.NAME.building-PID` and `.NAME.old-PID` in `parent` whose process is gone: what an
    /// interrupted run left (a half-built output, or an old one not yet removed after the swap).
    public static func removeLeftovers(of base: String, in parent: String) {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
            guard let t = Temporary(entry), t.kind == .building || t.kind == .old, t.base == base, t.orphaned else { continue }
            try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(entry))
        }
    }
}

/// A single output file (`-o x.gpkg`): it may replace an earlier file of the user's, but never one of the
/// command's own inputs, nor a file of a folder Trame wrote as a whole (a scheme's scheme.gpkg, a demo's
/// territory.gpkg): writing a layer there would replace the whole GeoPackage.
public enum OutputFile {
    /// Throws a one-line `GeodataError` naming `path` when it is one of `inputs` (the same file, whatever the
    /// path written) or lies in a folder (or its parent) marked `.trame-output` that lists it.
    public static func check(_ path: String, inputs: [String?]) throws {
        let fm = FileManager.default
        func identity(_ p: String) -> (UInt64, UInt64)? {
            var st = stat()
            guard stat(p, &st) == 0 else { return nil }
            return (UInt64(st.st_dev), UInt64(st.st_ino))
        }
        if let out = identity(path) {
            for case let input? in inputs {
                let file = input.hasPrefix("/vsizip/") ? String(input.dropFirst(8)) : input
                if let i = identity(file), i == out {
                    throw GeodataError(path, "is also an input of the command (\(input)): write the output to another file")
                }
            }
        }
        guard fm.fileExists(atPath: path) else { return }
        var dir = (URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path as NSString) as String
        var rel = (path as NSString).lastPathComponent
        for _ in 0..<2 {
            if let marker = try? OutputFolder.readMarker(in: dir, name: dir), marker.owned.covers(rel) {
                throw GeodataError(path, "belongs to the output of `trame \(marker.command)` in \(dir): write the output to another file")
            }
            rel = (dir as NSString).lastPathComponent + "/" + rel
            dir = (dir as NSString).deletingLastPathComponent
        }
    }
}
