import ArgumentParser
import Foundation
import TrameCircuit
import TrameCost
import TrameGDAL
import TrameGraph
import TrameRouting
import TrameScheme

/// Turns any error a command throws into the words of one line: Trame's own errors as they describe
/// themselves (`FILE: problem`), Foundation's file errors as plain words naming the path (never the raw
/// `NSCocoaErrorDomain` text).
enum ErrorWords {
    /// The line for `error`, or nil for ArgumentParser's own errors (their message is used).
    static func describe(_ error: Error) -> String? {
        switch error {
        case let e as GeodataError: return e.description
        case let e as InputFileError: return e.description
        case let e as InputError: return e.description
        case let e as ProjectError: return e.description
        case let e as CostError: return e.description
        case let e as GraphError: return e.description
        case let e as RoutingError: return e.description
        case let e as CircuitError: return e.description
        case is ValidationError, is CleanExit, is ExitCode: return nil
        case let e as CocoaError: return file(domain: NSCocoaErrorDomain, code: e.code.rawValue, userInfo: e.userInfo)
        case let e as POSIXError: return e.code.rawValue > 0 ? String(cString: strerror(e.code.rawValue)).lowercasedFirst : "system error"
        default: break
        }
        if type(of: error) is NSError.Type {
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain { return file(domain: ns.domain, code: ns.code, userInfo: ns.userInfo) }
            return ns.localizedDescription
        }
        return String(describing: error)
    }

    /// "PATH: no such file or folder", "PATH: permission denied", …
    static func file(domain: String, code: Int, userInfo: [String: Any]) -> String {
        let path = (userInfo[NSFilePathErrorKey] as? String) ?? (userInfo[NSURLErrorKey] as? URL)?.path
        let words: String
        if domain == NSPOSIXErrorDomain {
            words = posix(Int32(truncatingIfNeeded: code))
        } else {
            switch CocoaError.Code(rawValue: code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: words = "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: words = "permission denied"
            case .fileWriteOutOfSpace: words = "no space left on the disk"
            case .fileWriteVolumeReadOnly: words = "the disk is read-only"
            case .fileWriteFileExists: words = "already exists"
            case .fileReadCorruptFile: words = "cannot be read (corrupt file)"
            case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: words = "is not UTF-8 text"
            case .fileReadTooLarge: words = "too large to read"
            case .fileLocking: words = "locked by another program"
            case .fileReadInvalidFileName, .fileWriteInvalidFileName: words = "not a valid file name"
            default:
                if let u = userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
                    words = posix(Int32(truncatingIfNeeded: u.code))
                } else if (256..<512).contains(code) {
                    words = "cannot be read (check that it exists and that you may read it)"
                } else if (512..<1024).contains(code) {
                    words = "cannot be written (check that each folder on the path is a folder you may write in)"
                } else {
                    words = "the file operation failed (Foundation error \(code))"
                }
            }
        }
        return path.map { "\($0): \(words)" } ?? words
    }

    static func posix(_ code: Int32) -> String {
        code > 0 ? String(cString: strerror(code)).lowercasedFirst : "system error"
    }
}

private extension String {
    var lowercasedFirst: String { prefix(1).lowercased() + dropFirst() }
}
