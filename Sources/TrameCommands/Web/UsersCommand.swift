import ArgumentParser
import Foundation
import TrameScheme
import TrameServer

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Accounts of the partners who sign in to `trame serve`.",
        discussion: """
        Roles: viewer (reads, also a --private scheme), partner (uploads revised versions of the inventories \
        whose partner, in the project file, is the account's partner), admin (sees every version, re-runs \
        the scheme). Passwords are stored as bcrypt hashes (cost 12) in OUT-partners/partners.sqlite \
        (readable by its owner only). A password has at least 12 characters, not only blanks, at least 5 \
        different ones, does not contain the account's name and is not among the 10,000 most common \
        passwords.
        """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Where: ParsableArguments {
        @Option(help: "The scheme folder served (its partners folder is OUT-partners beside it).")
        var scheme = "scheme"
        @Option(help: "The partners folder itself (overrides --scheme).")
        var partners: String?

        func store() throws -> PartnerStore {
            do { return try PartnerStore(folder: partners ?? PartnerStore.defaultFolder(for: scheme)) } catch let e as PartnerStoreError {
                throw InputError(e.description)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is asked (or read from stdin with --password-stdin).")
        @Argument(help: "Account name (letters, digits, . _ - @).") var name: String
        @Option(help: "The partner it speaks for, as written in the project's [[inventory]] partner.") var partner: String
        @Option(help: "viewer, partner or admin.") var role: String
        @Flag(help: "Read the password from the first line of stdin (for scripts).") var passwordStdin = false
        @OptionGroup var place: Where

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role is viewer, partner or admin") }
        }

        func run() throws {
            let password: String
            if passwordStdin || isatty(STDIN_FILENO) == 0 {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                guard let a = getpass("Password for \(name): "), let b = getpass("Again: ") else { throw InputError("no password given") }
                let p1 = String(cString: a), p2 = String(cString: b)
                guard p1 == p2 else { throw InputError("the two passwords differ") }
                password = p1
            }
            // Said before the store is opened or anything is written.
            if let problem = PasswordPolicy.problem(password, accountName: name) { throw InputError(problem) }
            do {
                try place.store().addAccount(name: name, partner: partner, role: Role(rawValue: role)!, password: password)
            } catch let e as PartnerStoreError { throw InputError(e.description) }
            print("account \(name) (\(role), \(partner)) added")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var place: Where
        func run() throws {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd HH:mm"
            for a in try place.store().accounts() {
                print("\(a.name)\t\(a.role.rawValue)\t\(a.partner)\tsince \(f.string(from: a.createdAt))")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account (its upload versions stay).")
        @Argument var name: String
        @OptionGroup var place: Where
        func run() throws {
            do { try place.store().removeAccount(name: name) } catch let e as PartnerStoreError { throw InputError(e.description) }
            print("account \(name) removed")
        }
    }
}
