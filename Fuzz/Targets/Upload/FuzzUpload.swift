// libFuzzer target: a partner's upload (bytes): UploadCheck.type(of:) and UploadCheck.check, GDAL inside. Time budget per input: libFuzzer's -timeout (scripts/fuzz.sh gives this target more).
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh upload.
import CFuzzDriver
import Foundation
import TrameGDAL
@testable import TrameServer

/// The sample scheme's CRS (Lambert-93) and a territory box around the sample's place in northern France.
let schemeCRS = (try? SpatialReference(epsg: 2154).wkt) ?? ""
let territory = LonLatBox(west: 2.5, south: 50.2, east: 3.2, north: 50.6)
let dir: String = {
    let d = NSTemporaryDirectory() + "/trame-fuzz-upload-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    _ = UploadCheck.type(of: bytes)
    if let (_, kept) = try? UploadCheck.check(bytes, name: "upload", schemeCRS: schemeCRS, territory: territory, in: dir) {
        try? FileManager.default.removeItem(atPath: kept)
    }
    return 0
}

@_cdecl("FuzzUpload_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
