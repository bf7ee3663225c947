import Crypto
import Foundation
import GRDB
import HummingbirdBcrypt

/// What an account may do: viewers read (also a private scheme), partners upload revisions of their own
/// inventories, admins see every version and re-run the scheme.
public enum Role: String, Codable, Sendable, CaseIterable {
    case viewer, partner, admin
}

public struct Account: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "account"
    public var id: Int64?
    public var name: String
    public var partner: String
    public var role: Role
    public var passwordHash: String
    public var createdAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    enum CodingKeys: String, CodingKey { case id, name, partner, role, passwordHash = "password_hash", createdAt = "created_at" }
}

/// A partner's upload: a new version of one inventory, kept for ever (never overwritten).
public struct Upload: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "upload"
    public var id: Int64?
    public var inventory: String
    public var partner: String
    public var account: String
    public var createdAt: Date
    /// Where the file is kept (inside the partners folder).
    public var file: String
    public var originalName: String
    public var features: Int
    public var sha256: String
    public var crs: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    enum CodingKeys: String, CodingKey {
        case id, inventory, partner, account, file, features, sha256, crs
        case createdAt = "created_at", originalName = "original_name"
    }
}

/// A re-run of the scheme an admin asked for, with the upload versions it used.
public struct SchemeRun: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "scheme_run"
    public var id: Int64?
    public var account: String
    public var uploads: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// running, done or failed.
    public var status: String
    public var message: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
    enum CodingKeys: String, CodingKey {
        case id, account, uploads, status, message
        case startedAt = "started_at", finishedAt = "finished_at"
    }
}

public struct PartnerStoreError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

/// Accounts, sessions, upload versions and re-runs in an embedded SQLite database (GRDB), with the
/// uploaded files beside it. The folder lives outside the scheme's output folder, which a re-run replaces.
public final class PartnerStore: Sendable {
    public let folder: String
    let db: DatabaseQueue
    /// bcrypt cost (12 in use; tests lower it to keep them quick).
    let cost: UInt8
    /// How long a sign-in lasts.
    public static let sessionLifetime: TimeInterval = 12 * 3600

    public init(folder: String, bcryptCost: UInt8 = 12) throws {
        self.folder = folder; self.cost = bcryptCost
        // Owner only: the folder and uploads/ 0700, the database 0600, also when they already exist
        // (the folder first, so nobody else can reach the files while they are being made).
        let uploads = (folder as NSString).appendingPathComponent("uploads")
        let path = (folder as NSString).appendingPathComponent("partners.sqlite")
        do {
            for dir in [folder, uploads] {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try PartnerStore.restrict(dir, 0o700)
            }
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw PartnerStoreError("\(path): cannot be created")
                }
            }
            try PartnerStore.restrict(path, 0o600)
        } catch let e as PartnerStoreError { throw e } catch {
            throw PartnerStoreError("\(folder): cannot be made readable by its owner only (\(error.localizedDescription))")
        }
        do { db = try DatabaseQueue(path: path) } catch { throw PartnerStoreError("\(path): cannot be opened as a database (\(error))") }
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("partner", .text).notNull()
                t.column("role", .text).notNull()
                t.column("password_hash", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("token_hash", .text)
                t.column("account_id", .integer).notNull().references("account", onDelete: .cascade)
                t.column("expires_at", .datetime).notNull()
            }
            try db.create(table: "upload") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("inventory", .text).notNull()
                t.column("partner", .text).notNull()
                t.column("account", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("file", .text).notNull()
                t.column("original_name", .text).notNull()
                t.column("features", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("crs", .text).notNull()
            }
            try db.create(table: "scheme_run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("account", .text).notNull()
                t.column("uploads", .text).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("finished_at", .datetime)
                t.column("status", .text).notNull()
                t.column("message", .text).notNull()
            }
        }
        do { try m.migrate(db) } catch { throw PartnerStoreError("\(path): \(error)") }
        // SQLite's journal files take the database's mode; any left from before are restricted too.
        for extra in ["-journal", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + extra) {
            try? PartnerStore.restrict(path + extra, 0o600)
        }
    }

    /// Sets a file's or folder's permission bits (chmod).
    static func restrict(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else {
            throw PartnerStoreError("\(path): cannot set its mode to \(String(mode, radix: 8)) (\(String(cString: strerror(errno))))")
        }
    }

    /// The partners folder of a scheme output folder: `OUT-partners` beside it.
    public static func defaultFolder(for scheme: String) -> String {
        let clean = (scheme as NSString).standardizingPath
        return clean + "-partners"
    }

    // MARK: Accounts

    @discardableResult
    public func addAccount(name: String, partner: String, role: Role, password: String) throws -> Account {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) else {
            throw PartnerStoreError("account name '\(name)' must be letters, digits and . _ - @ only")
        }
        if let problem = PasswordPolicy.problem(password, accountName: name) { throw PartnerStoreError(problem) }
        var a = Account(id: nil, name: name, partner: partner, role: role, passwordHash: Bcrypt.hash(password, cost: cost), createdAt: Date())
        do {
            a = try db.write { db in var x = a; try x.insert(db); return x }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw PartnerStoreError("an account named '\(name)' already exists")
        }
        return a
    }

    public func accounts() throws -> [Account] { try db.read { try Account.order(Column("name")).fetchAll($0) } }

    public func removeAccount(name: String) throws {
        let n = try db.write { try Account.filter(Column("name") == name).deleteAll($0) }
        guard n > 0 else { throw PartnerStoreError("no account named '\(name)'") }
    }

    /// The account when the password matches (bcrypt); nil otherwise. An unknown name is checked against
    /// a stand-in hash of the same cost, so it takes as long as a known one. bcrypt runs on `HashWorkers`
    /// threads, never on the caller's (an event loop or Swift's cooperative pool); throws
    /// `HashWorkers.Busy` when too many checks are already waiting.
    public func authenticate(name: String, password: String) async throws -> Account? {
        let a = try await db.read { try Account.filter(Column("name") == name).fetchOne($0) }
        let hash = a?.passwordHash
        let matches = try await HashWorkers.shared.run { [self] in
            Bcrypt.verify(password, hash: hash ?? self.standInHash)
        }
        guard let a, matches else { return nil }
        return a
    }

    /// A bcrypt hash at the store's cost that no password matches (random), made once when first needed.
    var standInHash: String {
        standIn.lock.lock(); defer { standIn.lock.unlock() }
        if let h = standIn.hash { return h }
        var g = SystemRandomNumberGenerator()
        let h = Bcrypt.hash((0..<4).map { _ in String(g.next() as UInt64, radix: 36) }.joined(), cost: cost)
        standIn.hash = h
        return h
    }
    private final class StandIn: @unchecked Sendable { let lock = NSLock(); var hash: String? }
    private let standIn = StandIn()

    /// The cost written in a bcrypt hash (`$2b$12$…` → 12).
    public static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: true)
        return parts.count >= 3 ? Int(parts[1]) : nil
    }

    // MARK: Sessions

    /// A new session token (256 random bits, hex); only its SHA-256 is stored.
    public func openSession(for a: Account) throws -> String {
        var g = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in String(format: "%016llx", g.next() as UInt64) }.joined()
        let hash = PartnerStore.digest(token), id = a.id!, expires = Date().addingTimeInterval(PartnerStore.sessionLifetime)
        try db.write { db in
            try db.execute(sql: "DELETE FROM session WHERE expires_at < ?", arguments: [Date()])
            try db.execute(sql: "INSERT INTO session (token_hash, account_id, expires_at) VALUES (?, ?, ?)", arguments: [hash, id, expires])
        }
        return token
    }

    public func account(forSession token: String) throws -> Account? {
        guard token.count == 64, token.allSatisfy(\.isHexDigit) else { return nil }
        let hash = PartnerStore.digest(token)
        return try db.read { db in
            try Account.fetchOne(db, sql: """
                SELECT account.* FROM session JOIN account ON account.id = session.account_id
                WHERE session.token_hash = ? AND session.expires_at > ?
                """, arguments: [hash, Date()])
        }
    }

    public func closeSession(_ token: String) throws {
        let hash = PartnerStore.digest(token)
        try db.write { try $0.execute(sql: "DELETE FROM session WHERE token_hash = ?", arguments: [hash]) }
    }

    static func digest(_ s: String) -> String { SHA256.hash(data: Data(s.utf8)).map { String(format: "%02x", $0) }.joined() }

    // MARK: Upload versions

    /// Keeps a validated file as a new version: written under `uploads/` with its id, then recorded.
    public func addUpload(inventory: String, partner: String, account: String, data: Data, originalName: String,
                          extension ext: String, features: Int, crs: String) throws -> Upload {
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return try db.write { db in
            var u = Upload(id: nil, inventory: inventory, partner: partner, account: account, createdAt: Date(), file: "",
                           originalName: originalName, features: features, sha256: sha, crs: crs)
            try u.insert(db)
            let name = String(format: "%06lld", u.id!) + "-" + PartnerStore.slug(inventory) + "." + ext
            let dest = (folder as NSString).appendingPathComponent("uploads/" + name)
            let tmp = dest + ".part"
            try data.write(to: URL(fileURLWithPath: tmp))
            try FileManager.default.moveItem(atPath: tmp, toPath: dest)
            u.file = dest
            try u.update(db)
            return u
        }
    }

    public func uploads(inventory: String? = nil) throws -> [Upload] {
        try db.read { db in
            var q = Upload.order(Column("id").desc)
            if let inventory { q = q.filter(Column("inventory") == inventory) }
            return try q.fetchAll(db)
        }
    }

    public func upload(id: Int64) throws -> Upload? { try db.read { try Upload.fetchOne($0, key: id) } }

    // MARK: Re-runs

    /// Records a new re-run unless one is still running (nil then): the check and the insert in one
    /// write transaction, so two admins asking at once get one run.
    public func startRunIfIdle(account: String, uploads: [Int64]) throws -> SchemeRun? {
        try db.write { db in
            guard try SchemeRun.filter(Column("status") == "running").fetchCount(db) == 0 else { return nil }
            var r = SchemeRun(id: nil, account: account, uploads: uploads.map(String.init).joined(separator: ","), startedAt: Date(),
                              finishedAt: nil, status: "running", message: "")
            try r.insert(db)
            return r
        }
    }

    public func startRun(account: String, uploads: [Int64]) throws -> SchemeRun {
        try db.write { db in
            var r = SchemeRun(id: nil, account: account, uploads: uploads.map(String.init).joined(separator: ","), startedAt: Date(),
                              finishedAt: nil, status: "running", message: "")
            try r.insert(db)
            return r
        }
    }

    public func finishRun(_ id: Int64, ok: Bool, message: String) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE scheme_run SET status = ?, message = ?, finished_at = ? WHERE id = ?",
                           arguments: [ok ? "done" : "failed", message, Date(), id])
        }
    }

    /// Marks runs left "running" by a server that stopped as failed (called when a server starts).
    public func abandonUnfinishedRuns() throws {
        try db.write { db in
            try db.execute(sql: "UPDATE scheme_run SET status = 'failed', message = 'interrupted: the server stopped during the run', finished_at = ? WHERE status = 'running'",
                           arguments: [Date()])
        }
    }

    public func runs() throws -> [SchemeRun] { try db.read { try SchemeRun.order(Column("id").desc).fetchAll($0) } }

    static func slug(_ s: String) -> String {
        let folded = s.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        let mapped = folded.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(mapped).split(separator: "-").joined(separator: "-")
    }
}
