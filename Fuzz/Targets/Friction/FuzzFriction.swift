// libFuzzer target: the friction table (CSV text) read by FrictionTable.parse (TrameScheme).
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh friction.
import CFuzzDriver
import Foundation
import TrameScheme

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    _ = try? FrictionTable.parse(text, name: "friction.csv")
    return 0
}

@_cdecl("FuzzFriction_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
