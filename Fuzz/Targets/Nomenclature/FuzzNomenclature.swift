// libFuzzer target: the land-cover nomenclature (CSV) read by Nomenclature.read (TrameScheme; path-based: the input goes through a temporary file).
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh nomenclature.
import CFuzzDriver
import Foundation
import TrameScheme

let path = NSTemporaryDirectory() + "/trame-fuzz-nomenclature-\(getpid()).csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { fatalError("cannot write \(path)") }
    _ = try? Nomenclature.read(path)
    return 0
}

@_cdecl("FuzzNomenclature_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
