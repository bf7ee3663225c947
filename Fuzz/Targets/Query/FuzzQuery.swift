// libFuzzer target: the API's query-string and path parsing (lon,lat; numbers; bbox; zoom; tile z/x/y).
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh query.
import CFuzzDriver
import Foundation
@testable import TrameServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    // Query values arrive percent-decoded, so any bytes can reach the parsers (invalid UTF-8 repaired).
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? SchemeServer.lonLat(Substring(text), "from")
    _ = try? SchemeServer.number(Substring(text), "lon", range: -180...180)
    _ = try? SchemeServer.number(Substring(text), "radius", range: 0...5000, default: 100)
    _ = LonLatBox(parsing: text)
    _ = try? SchemeServer.zoom(Substring(text))
    // A tile path: z/x/y.png
    let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    if parts.count == 3 { _ = try? SchemeServer.tileAddress(z: parts[0], x: parts[1], y: parts[2]) }
    return 0
}

@_cdecl("FuzzQuery_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
