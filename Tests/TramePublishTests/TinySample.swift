import Foundation
@testable import TramePublish

/// The tiny sample territory (seed 1, as `trame demo --size tiny --generate-only` writes it) in `dir`; its
/// project file's path.
func tinySampleProject(in dir: String) throws -> String {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return try SampleFiles.write(size: .tiny, seed: 1, into: dir, progress: { _ in }).projectPath
}
