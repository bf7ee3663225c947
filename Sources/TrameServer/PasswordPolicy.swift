import Foundation

/// What a password must be to be accepted for an account: at least 12 characters, not only blanks, at
/// least 5 different characters, not containing the account's name (of 4 characters or more), and not one of the most common passwords
/// (`Passwords/common-passwords.txt`, derived from zxcvbn's frequency list, MIT; see the NOTICE beside it).
/// Compared lower-cased, also with blanks and the separators `-_.` taken out.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let minimumDistinct = 5

    /// The common passwords, lower-cased, read once from the resource.
    static let common: Set<String> = {
        guard let url = ServerResources.url("common-passwords.txt", in: "Passwords"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() })
    }()

    /// Whether the list of common passwords was found in the build (checked by the tests).
    public static var commonListSize: Int { common.count }

    /// Why `password` is refused, in one line; nil when it is accepted.
    public static func problem(_ password: String, accountName: String? = nil) -> String? {
        if password.count < minimumLength {
            return "the password must have at least \(minimumLength) characters"
        }
        if password.allSatisfy({ $0.isWhitespace || $0.isNewline }) {
            return "the password must not be only blanks"
        }
        if Set(password.lowercased()).count < minimumDistinct {
            return "the password must have at least \(minimumDistinct) different characters"
        }
        let lower = password.lowercased()
        let squeezed = String(lower.filter { !$0.isWhitespace && !"-_.".contains($0) })
        if let name = accountName?.lowercased(), name.count >= 4, lower.contains(name) || squeezed.contains(name) {
            return "the password must not contain the account's name"
        }
        if common.contains(lower) || common.contains(squeezed) {
            return "this password is among the most common ones: choose another"
        }
        return nil
    }
}
