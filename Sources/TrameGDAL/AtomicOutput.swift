import Foundation

/// Writes an output file under a temporary name in the same folder and renames it on success,
/// so that a failed or interrupted run never leaves a half-written file under the real name.
public enum AtomicOutput {
    public static func write<R>(to path: String, _ body: (_ temporaryPath: String) throws -> R) throws -> R {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw GeodataError(path, "output folder \(dir.path) does not exist")
        }
        let ext = url.pathExtension
        let tmpName = ".\(url.deletingPathExtension().lastPathComponent).trame-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" + (ext.isEmpty ? "" : ".\(ext)")
        let tmp = dir.appendingPathComponent(tmpName).path
        func cleanUp() {
            for suffix in ["", "-journal", "-wal", "-shm", ".aux.xml"] { try? FileManager.default.removeItem(atPath: tmp + suffix) }
        }
        do {
            let r = try body(tmp)
            // GDAL keeps some metadata (class names, statistics) in a side file: move it along.
            if FileManager.default.fileExists(atPath: tmp + ".aux.xml") {
                _ = rename(tmp + ".aux.xml", path + ".aux.xml")
            } else {
                try? FileManager.default.removeItem(atPath: path + ".aux.xml")
            }
            // ASCII grids and shapefiles keep their CRS in a .prj beside them.
            let tmpPrj = (tmp as NSString).deletingPathExtension + ".prj"
            if !ext.isEmpty, ext != "prj", FileManager.default.fileExists(atPath: tmpPrj) {
                _ = rename(tmpPrj, (path as NSString).deletingPathExtension + ".prj")
            }
            guard rename(tmp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                cleanUp()
                throw GeodataError(path, "cannot move the finished file into place: \(reason)")
            }
            return r
        } catch {
            cleanUp()
            throw error
        }
    }
}
