// libFuzzer target: Circuitscape's text inputs: the .ini, focal-node lists, included-pairs and network files.
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh ini.
import CFuzzDriver
import Foundation
import TrameCircuit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    if let ini = try? CircuitscapeIni(parsing: text) { _ = ini.flag("write_cur_maps") }
    _ = try? CircuitscapeText.focalPoints(text)
    _ = try? CircuitscapeText.branches(text)
    if let pairs = try? CircuitscapeText.includedPairs(text) {
        let ids = Array(pairs.ids ?? []).prefix(8)
        for a in ids { for b in ids { _ = pairs.include(a, b) } }
    }
    return 0
}

@_cdecl("FuzzIni_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
