// libFuzzer target: a project file (TOML text) read by ProjectFile.parse.
// Invariant: no crash, no hang; every failure is a thrown error. Run with scripts/fuzz.sh project.
import CFuzzDriver
import Foundation
import TrameScheme

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // The loader reads the file as UTF-8 and refuses anything else before parsing.
    guard let data, let text = String(bytes: UnsafeBufferPointer(start: data, count: size), encoding: .utf8) else { return 0 }
    _ = try? ProjectFile.parse(text, file: "/fuzz/project.toml")
    return 0
}

@_cdecl("FuzzProject_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) }
}
