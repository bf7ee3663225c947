// libFuzzer target: quantities with their unit (Quantity.area, length, share, cost, width).
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh quantity.
import CFuzzDriver
import Foundation
import TrameScheme

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    _ = try? Quantity.area(text)
    _ = try? Quantity.length(text)
    _ = try? Quantity.share(text)
    _ = try? Quantity.cost(text)
    if let w = try? Quantity.width(text) { _ = w.description }
    return 0
}

@_cdecl("FuzzQuantity_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
