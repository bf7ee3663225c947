// libFuzzer target: a partner's upload (bytes): UploadCheck.type(of:), then the checking child's UploadCheck.check(path:…) (inspection with SQLite/ZIPFoundation, then GDAL with three drivers). Time budget per input: libFuzzer's -timeout (scripts/fuzz.sh gives this target more).
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh upload.
import CFuzzDriver
import Foundation
import TrameGDAL
import TrameUploads
import TrameVector

/// The sample scheme's CRS (Lambert-93) and a territory box around the sample's place in northern France.
let schemeCRS = (try? SpatialReference(epsg: 2154).wkt) ?? ""
let territory = LonLatBox(west: 2.5, south: 50.2, east: 3.2, north: 50.6)
let dir: String = {
    let d = NSTemporaryDirectory() + "/trame-fuzz-upload-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}()

/// As in the checking child (`trame check-upload`): GDAL with the three upload drivers only.
let lockedDown: Void = { _ = UntrustedInput.lockDown(drivers: Set(UploadCheck.drivers)) }()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = lockedDown
    let bytes = Data(bytes: data, count: size)
    // What the server does before the child: the type from the first bytes; then the child's check.
    guard let ext = UploadCheck.type(of: bytes) else { return 0 }
    let path = dir + "/upload." + ext
    guard (try? bytes.write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try? UploadCheck.check(path: path, ext: ext, name: "upload", schemeCRS: schemeCRS, territory: territory)
    return 0
}

@_cdecl("FuzzUpload_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
