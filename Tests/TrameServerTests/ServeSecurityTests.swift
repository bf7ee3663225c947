import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TramePublish
import TrameScheme
@testable import TrameServer
import TrameTestSupport
import XCTest

/// What a hostile tester found in `trame serve`, each case reproduced and now refused: password guessing,
/// account-name enumeration by timing, bcrypt stalling other requests, weak passwords, cookies without
/// `Secure`, cross-site writes, missing security headers, cacheable private answers, readable partners
/// files, an empty 500 at the poles, and two re-runs started at once.
final class ServeSecurityTests: XCTestCase {
    typealias Client = any TestClientProtocol

    struct Served {
        var server: SchemeServer
        var app: Application<RouterResponder<ServeContext>>
        var log: LogRecorder
    }

    /// The tiny sample scheme behind a server with the given settings (bcrypt cost lowered unless given).
    static func serve(private isPrivate: Bool = false, tileURL: String? = nil, secureCookies: Bool = false, cost: UInt8 = 4,
                      rerun: (@Sendable ([String: String]) async throws -> ServedScheme)? = nil,
                      extraRoutes: ((Hummingbird.Router<ServeContext>) -> Void)? = nil) throws -> Served {
        let scheme = try ServeTests.sample() + "/scheme"
        let loaded = try ServeSetup.load(folder: scheme)
        let p = loaded.project!
        let store = try PartnerStore(folder: TestScratch.folder + "trame-partners-\(UUID().uuidString)", bcryptCost: cost)
        var settings = ServeSettings(lang: "en", isPrivate: isPrivate, tileURL: tileURL, subNetworks: p.subNetworks.map { ($0.name, $0.label, $0.colour) },
                                     inventories: p.inventories.map { InventoryEntry(name: $0.name, partner: $0.partner) }, rerun: rerun)
        settings.secureCookies = secureCookies
        let server = SchemeServer(scheme: loaded.served, store: store, settings: settings)
        let log = LogRecorder()
        var logger = Logger(label: "test") { _ in log }
        logger.logLevel = .info
        let router = server.router()
        extraRoutes?(router)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return Served(server: server, app: app, log: log)
    }

    static func login(_ c: Client, _ name: String, _ password: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var h: HTTPFields = [.contentType: "application/json"]
        h.append(contentsOf: headers)
        return try await c.execute(uri: "/api/login", method: .post, headers: h,
                                   body: ByteBuffer(string: "{\"name\":\"\(name)\",\"password\":\"\(password)\"}"))
    }

    static func cookie(_ r: TestResponse) -> String? { r.headers[.setCookie]?.split(separator: ";").first.map(String.init) }

    /// A zoom-12 tile over the territory's centre.
    static func tileURI(_ server: SchemeServer) -> String {
        let e = server.scheme.site.extent, n = Double(1 << 12)
        let lon = (e.west + e.east) / 2, lat = (e.south + e.north) / 2
        let x = Int((lon + 180) / 360 * n), y = Int((1 - asinh(tan(lat * .pi / 180)) / .pi) / 2 * n)
        return "/api/tiles/forest_resistance/12/\(x)/\(y).png"
    }

    // MARK: Guessing passwords

    /// 30 wrong passwords, then the right one: refused (429 with Retry-After) until the wait is over.
    func testWrongPasswordsAreThrottledThenTheWaitEnds() async throws {
        let s = try ServeSecurityTests.serve()
        try s.server.store.addAccount(name: "alice", partner: "DREAL", role: .partner, password: "heron-meadow-27")
        try await s.app.test(.router) { c in
            var statuses: [HTTPResponse.Status] = []
            for k in 0..<30 { statuses.append(try await ServeSecurityTests.login(c, "alice", "wrong-guess-\(k)").status) }
            XCTAssertEqual(Array(statuses.prefix(5)), Array(repeating: .unauthorized, count: 5), "five free failures")
            XCTAssertEqual(statuses.last, .tooManyRequests)
            XCTAssertGreaterThanOrEqual(statuses.filter { $0 == .tooManyRequests }.count, 20, "\(statuses.map(\.code))")
            XCTAssertTrue(statuses.allSatisfy { $0 == .unauthorized || $0 == .tooManyRequests })

            // The right password during the lock-out: refused too, with how long to wait.
            let locked = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27")
            XCTAssertEqual(locked.status, .tooManyRequests)
            XCTAssertNil(locked.headers[.setCookie])
            let wait = try XCTUnwrap(locked.headers[.retryAfter].flatMap { Int($0) }, "Retry-After in seconds")
            XCTAssertGreaterThanOrEqual(wait, 1)
            XCTAssertNotNil(try ServeTests.json(locked)["error"] as? String)

            // After the wait, the right password signs in, and the count starts again.
            try await Task.sleep(nanoseconds: UInt64(wait) * 1_000_000_000 + 200_000_000)
            let ok = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27")
            XCTAssertEqual(ok.status, .ok, String(buffer: ok.body))
            XCTAssertEqual(s.server.throttle.failures(account: "alice"), 0)
            let again = try await ServeSecurityTests.login(c, "alice", "wrong-again")
            XCTAssertEqual(again.status, .unauthorized, "the count started again")
        }
        // Each refusal logged, with the account and address, never a password.
        let lines = s.log.lines
        XCTAssertGreaterThanOrEqual(lines.filter { $0.contains("sign-in throttled") && $0.contains("alice") }.count, 20)
        XCTAssertFalse(lines.contains { $0.contains("heron-meadow-27") || $0.contains("wrong-guess") })
    }

    /// The lock doubles at each further failure up to its cap; a success resets the account's count;
    /// many names tried from one address lock the address.
    func testThrottleDelaysDoubleAndReset() {
        let t = LoginThrottle(account: .init(freeFailures: 3, firstDelay: 1, maxDelay: 8), address: .init(freeFailures: 10, firstDelay: 1, maxDelay: 8))
        func fail(_ now: Double, _ name: String = "bob", _ address: String = "10.0.0.1") {
            XCTAssertEqual(t.begin(account: name, address: address, at: now), .proceed, "at \(now)")
            t.finish(account: name, address: address, success: false, at: now)
        }
        for _ in 0..<3 { fail(0) }
        XCTAssertEqual(t.begin(account: "bob", address: "10.0.0.1", at: 0.5), .locked(retryAfter: 1, failures: 3))
        XCTAssertEqual(t.begin(account: "BOB", address: "10.0.0.2", at: 0.5), .locked(retryAfter: 1, failures: 3), "by name, any address, any case")
        fail(1)  // 4th: 2 s
        XCTAssertEqual(t.begin(account: "bob", address: "10.0.0.1", at: 2.5), .locked(retryAfter: 1, failures: 4))
        fail(3)  // 5th: 4 s
        XCTAssertEqual(t.begin(account: "bob", address: "10.0.0.1", at: 3), .locked(retryAfter: 4, failures: 5))
        fail(7)  // 6th: 8 s
        fail(15)  // 7th: capped at 8 s
        XCTAssertEqual(t.begin(account: "bob", address: "10.0.0.1", at: 15.5), .locked(retryAfter: 8, failures: 7))
        // A success once the lock is over resets the account.
        XCTAssertEqual(t.begin(account: "bob", address: "10.0.0.1", at: 23), .proceed)
        t.finish(account: "bob", address: "10.0.0.1", success: true, at: 23)
        XCTAssertEqual(t.failures(account: "bob"), 0)
        fail(24)
        XCTAssertEqual(t.begin(account: "bob", address: "10.0.0.1", at: 24), .proceed, "one failure after a reset is free")
        t.finish(account: "bob", address: "10.0.0.1", success: false, at: 24)

        // Spraying names from one address: the address locks after its free failures.
        for k in 0..<10 { fail(100, "name\(k)", "10.0.0.9") }
        guard case .locked = t.begin(account: "fresh-name", address: "10.0.0.9", at: 100.1) else { return XCTFail("the address is locked") }
        XCTAssertEqual(t.begin(account: "fresh-name", address: "10.0.0.10", at: 100.1), .proceed, "another address is not")
    }

    // MARK: Timing and threads

    /// An unknown name is checked against a stand-in hash of the store's cost: as slow as a known one.
    func testUnknownNameTakesAsLongAsAKnownOne() async throws {
        let store = try PartnerStore(folder: TestScratch.folder + "trame-partners-\(UUID().uuidString)", bcryptCost: 8)
        try store.addAccount(name: "alice", partner: "DREAL", role: .partner, password: "heron-meadow-27")
        XCTAssertEqual(PartnerStore.cost(of: store.standInHash), 8, "the stand-in hash has the store's cost")
        XCTAssertEqual(PartnerStore.cost(of: try store.accounts()[0].passwordHash), 8)
        func median(_ name: String) async throws -> Double {
            var times: [Double] = []
            for _ in 0..<7 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let a = try await store.authenticate(name: name, password: "not-the-password")
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                XCTAssertNil(a)
            }
            return times.sorted()[3]
        }
        _ = try await median("nobody")  // warms the stand-in hash
        let known = try await median("alice"), unknown = try await median("nobody")
        XCTAssertLessThan(max(known, unknown) / min(known, unknown), 3, "known \(known) ms, unknown \(unknown) ms")
        let ok = try await store.authenticate(name: "alice", password: "heron-meadow-27")
        XCTAssertEqual(ok?.name, "alice")
    }

    /// bcrypt runs on the pool's own threads, not the caller's.
    func testBcryptRunsOnTheHashWorkers() async throws {
        XCTAssertFalse(HashWorkers.shared.isCurrentThreadAWorker)
        let onWorker = try await HashWorkers.shared.run { HashWorkers.shared.isCurrentThreadAWorker }
        XCTAssertTrue(onWorker, "the job ran on one of the pool's threads")
        // A full queue says so instead of waiting for ever.
        let tiny = HashWorkers(threads: 1, maxWaiting: 1)
        let gate = DispatchSemaphore(value: 0)
        async let blocker: Void = tiny.run { gate.wait() }
        try await Task.sleep(nanoseconds: 100_000_000)
        async let queued: Void = tiny.run {}
        try await Task.sleep(nanoseconds: 100_000_000)
        do { try await tiny.run {}; XCTFail("a third job is refused") } catch is HashWorkers.Busy {}
        gate.signal()
        try await blocker; try await queued
    }

    /// Four wrong sign-ins at bcrypt's real cost, on a live server, each on its own connection: another
    /// request still answers quickly.
    func testParallelSignInsDoNotStallOtherRequests() async throws {
        let s = try ServeSecurityTests.serve(cost: 12)
        try s.server.store.addAccount(name: "alice", partner: "DREAL", role: .partner, password: "heron-meadow-27")
        _ = try await HashWorkers.shared.run { s.server.store.standInHash }
        try await s.app.test(.live) { c in
            let port = try XCTUnwrap(c.port)
            @Sendable func request(_ uri: String, _ method: HTTPRequest.Method, _ body: String? = nil) async throws -> (UInt16, Double) {
                try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let r = try await client.execute(TestClient.Request(uri, method: method, authority: "localhost",
                                                                        headers: [.contentType: "application/json"], body: body.map { ByteBuffer(string: $0) }))
                    return (UInt16(r.status.code), Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                }
            }
            let (logins, other) = try await withThrowingTaskGroup(of: (Int, UInt16, Double).self) { group in
                for k in 0..<4 {
                    group.addTask {
                        let (code, ms) = try await request("/api/login", .post, "{\"name\":\"\(k == 0 ? "alice" : "user\(k)")\",\"password\":\"wrong-password-\(k)\"}")
                        return (k, code, ms)
                    }
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: 100_000_000)
                    let (code, ms) = try await request("/api/layers", .get)
                    return (-1, code, ms)
                }
                var logins: [(UInt16, Double)] = [], other: (UInt16, Double) = (0, 0)
                for try await (k, code, ms) in group { if k < 0 { other = (code, ms) } else { logins.append((code, ms)) } }
                return (logins, other)
            }
            XCTAssertEqual(logins.map(\.0), [401, 401, 401, 401])
            XCTAssertEqual(other.0, 200)
            let slowest = logins.map(\.1).max()!
            XCTAssertLessThan(other.1, 300, "another request took \(other.1) ms while four sign-ins took \(slowest) ms")
            XCTAssertLessThan(other.1, slowest, "it did not wait for the sign-ins")
        }
    }

    // MARK: Passwords

    func testWeakPasswordsAreRefusedByTheStore() throws {
        XCTAssertGreaterThan(PasswordPolicy.commonListSize, 10_000, "the common-password list ships with the build")
        let store = try PartnerStore(folder: TestScratch.folder + "trame-partners-\(UUID().uuidString)", bcryptCost: 4)
        for (weak, why) in [("12345678", "12 characters"), ("password", "12 characters"), ("        ", "12 characters"),
                            (String(repeating: " ", count: 14), "blanks"), ("aaaaaaaaaaaaaaaa", "different"),
                            ("qwerty123456", "common"), ("1q2w3e4r5t6y", "common"), ("QWERTY 123456", "common"), ("admin-is-the-boss", "name")] {
            XCTAssertThrowsError(try store.addAccount(name: "admin", partner: "Agence", role: .admin, password: weak), weak) { e in
                XCTAssertTrue("\(e)".contains(why), "\(weak): \(e)")
            }
        }
        XCTAssertTrue(try store.accounts().isEmpty)
        XCTAssertNoThrow(try store.addAccount(name: "admin", partner: "Agence", role: .admin, password: "kestrel-orchard-41"))
    }

    func testWeakPasswordsAreRefusedByUsersAdd() throws {
        let dir = TestScratch.folder + "trame-users-\(UUID().uuidString)"
        for weak in ["12345678", "password", "        ", "qwerty123456"] {
            let r = try TrameProcess.run(TrameProcess.trame, ["users", "add", "admin", "--partner", "Agence", "--role", "admin", "--partners", dir],
                                         input: weak + "\n")
            XCTAssertNotEqual(r.status, 0, weak)
            XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
            XCTAssertTrue(r.err.contains("password"), r.err)
        }
        let list = try TrameProcess.run(TrameProcess.trame, ["users", "list", "--partners", dir])
        XCTAssertFalse(list.out.contains("admin"), "no account was added")
    }

    // MARK: Cookies and cross-site writes

    func testSecureCookieFlagWithTheOption() async throws {
        for secure in [false, true] {
            let s = try ServeSecurityTests.serve(secureCookies: secure)
            try s.server.store.addAccount(name: "alice", partner: "DREAL", role: .partner, password: "heron-meadow-27")
            try await s.app.test(.router) { c in
                let r = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27")
                let attributes = (r.headers[.setCookie] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                XCTAssertEqual(attributes.contains("secure"), secure, "\(attributes)")
                XCTAssertTrue(attributes.contains("httponly") && attributes.contains("samesite=strict"))
                let out = try await c.execute(uri: "/api/logout", method: .post, headers: [.cookie: ServeSecurityTests.cookie(r)!])
                XCTAssertEqual((out.headers[.setCookie] ?? "").lowercased().contains("; secure"), secure)
            }
        }
    }

    func testCrossSiteWritesAreRefused() async throws {
        let s = try ServeSecurityTests.serve()
        let inv = s.server.settings.inventories[0]
        try s.server.store.addAccount(name: "alice", partner: inv.partner, role: .partner, password: "heron-meadow-27")
        try await s.app.test(.router) { c in
            // The test client's requests are for host "localhost".
            let foreign: HTTPFields = [.origin: "https://evil.example"]
            var r = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27", headers: foreign)
            XCTAssertEqual(r.status, .forbidden)
            XCTAssertNotNil(try ServeTests.json(r)["error"] as? String)
            r = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27", headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            XCTAssertEqual(r.status, .forbidden)
            r = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27", headers: [.origin: "null"])
            XCTAssertEqual(r.status, .forbidden)
            r = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27", headers: [.origin: "http://localhost:80", HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            XCTAssertEqual(r.status, .ok, "same origin")
            r = try await ServeSecurityTests.login(c, "alice", "heron-meadow-27")
            XCTAssertEqual(r.status, .ok, "no Origin (curl)")
            let session = try XCTUnwrap(ServeSecurityTests.cookie(r))

            // An upload and a sign-out from another site change nothing; reading stays open.
            var h = foreign
            h[.cookie] = session
            let e = s.server.scheme.site.extent
            let up = try await c.execute(uri: "/api/inventories/\(inv.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/versions?filename=x.geojson",
                                         method: .post, headers: h, body: ByteBuffer(bytes: ServeAccountTests.geojson((e.west + e.east) / 2, (e.south + e.north) / 2)))
            XCTAssertEqual(up.status, .forbidden)
            XCTAssertEqual(try s.server.store.uploads().count, 0)
            let out = try await c.execute(uri: "/api/logout", method: .post, headers: h)
            XCTAssertEqual(out.status, .forbidden)
            let still = try ServeTests.json(try await c.execute(uri: "/api/session", method: .get, headers: h))
            XCTAssertEqual((still["account"] as? [String: Any])?["name"] as? String, "alice", "still signed in")
        }
    }

    /// Behind a reverse proxy on this machine: the proxy's X-Forwarded-Host and X-Forwarded-For count;
    /// from any other peer they are ignored.
    func testReverseProxyHeadersAreTrustedFromLoopbackOnly() throws {
        let local = try SocketAddress(ipAddress: "127.0.0.1", port: 5000), remote = try SocketAddress(ipAddress: "198.51.100.2", port: 5000)
        XCTAssertEqual(ClientAddress.of(peer: local, forwardedFor: "6.6.6.6, 203.0.113.7"), "203.0.113.7", "the address the proxy added")
        XCTAssertEqual(ClientAddress.of(peer: remote, forwardedFor: "203.0.113.7"), "198.51.100.2")
        XCTAssertEqual(ClientAddress.of(peer: local, forwardedFor: nil), "127.0.0.1")
        XCTAssertEqual(ClientAddress.of(peer: nil, forwardedFor: "203.0.113.7"), "local")
        var head = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1:8080", path: "/api/login")
        head.headerFields[.origin] = "https://trame.example.org"
        head.headerFields[HTTPField.Name("X-Forwarded-Host")!] = "trame.example.org"
        XCTAssertNil(SameOriginWrites<ServeContext>.refusal(head, proxied: true))
        XCTAssertNotNil(SameOriginWrites<ServeContext>.refusal(head, proxied: false))
        head.headerFields[.origin] = "https://evil.example"
        XCTAssertNotNil(SameOriginWrites<ServeContext>.refusal(head, proxied: true))
    }

    // MARK: Headers

    func testSecurityHeadersOnEveryAnswer() async throws {
        let s = try ServeSecurityTests.serve(tileURL: "https://{s}.tile.example.org/{z}/{x}/{y}.png")
        try await s.app.test(.router) { c in
            let page = try await c.execute(uri: "/", method: .get)
            // The policy allows no inline script: the page has none.
            let html = String(buffer: page.body)
            XCTAssertEqual(html.components(separatedBy: "<script").count - 1, html.components(separatedBy: "<script src=\"/").count - 1)
            let tileURI = ServeSecurityTests.tileURI(s.server)
            for uri in ["/", "/app.js", "/leaflet/leaflet.js", "/api/layers", tileURI, "/api/nothing",
                        "/api/query?lon=200&lat=0", "/scheme/report.html"] {
                let r = try await c.execute(uri: uri, method: .get)
                let csp = try XCTUnwrap(r.headers[.contentSecurityPolicy], uri)
                for part in ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'", "img-src 'self' data: https://*.tile.example.org"] {
                    XCTAssertTrue(csp.contains(part), "\(uri): \(part) in \(csp)")
                }
                XCTAssertFalse(csp.contains("script-src 'self' 'unsafe"), csp)
                XCTAssertEqual(r.headers[.xContentTypeOptions], "nosniff", uri)
                XCTAssertEqual(r.headers[HTTPField.Name("X-Frame-Options")!], "DENY", uri)
                XCTAssertNotNil(r.headers[HTTPField.Name("Referrer-Policy")!], uri)
            }
            // Public: tiles stay cacheable by anyone.
            let tile = try await c.execute(uri: tileURI, method: .get)
            XCTAssertEqual(tile.status, .ok)
            XCTAssertEqual(tile.headers[.cacheControl], "public, max-age=3600")
        }
        XCTAssertEqual(SecurityHeaders<ServeContext>.tileSource("https://tiles-{s}.example.org/{z}/{x}/{y}.png"), "https://*.example.org")
        XCTAssertEqual(SecurityHeaders<ServeContext>.tileSource("https://a.{s}.example.org/{z}/{x}/{y}.png"), "https:")
        XCTAssertEqual(SecurityHeaders<ServeContext>.tileSource("https://tile.example.org:8443/{z}/{x}/{y}.png"), "https://tile.example.org:8443")
        XCTAssertNil(SecurityHeaders<ServeContext>.tileSource("javascript:alert(1)"))
    }

    func testPrivateAnswersAreNotKeptByProxies() async throws {
        let s = try ServeSecurityTests.serve(private: true)
        try s.server.store.addAccount(name: "victor", partner: "Public", role: .viewer, password: "plover-dune-58")
        try await s.app.test(.router) { c in
            let signIn = try await ServeSecurityTests.login(c, "victor", "plover-dune-58")
            let session = try XCTUnwrap(ServeSecurityTests.cookie(signIn))
            for (uri, keep) in [("/", "no-store"), ("/app.js", "no-cache"), ("/leaflet/leaflet.js", "max-age=86400"), ("/api/layers", "no-store"),
                                (ServeSecurityTests.tileURI(s.server), "max-age=3600"), ("/api/nothing", "no-store"),
                                ("/api/openapi.json", "no-cache"), ("/api/session", "no-store")] {
                for cookie in [session, nil] {
                    let r = try await ServeAccountTests.get(c, uri, cookie: cookie)
                    let cc = try XCTUnwrap(r.headers[.cacheControl], "\(uri) \(r.status)")
                    XCTAssertTrue(cc.hasPrefix("private"), "\(uri): \(cc)")
                    XCTAssertFalse(cc.contains("public"), "\(uri): \(cc)")
                    if r.status == .ok { XCTAssertTrue(cc.contains(keep), "\(uri): \(cc)") }
                }
            }
        }
        XCTAssertEqual(SecurityHeaders<ServeContext>.privateCache(nil), "private, no-cache")
        XCTAssertEqual(SecurityHeaders<ServeContext>.privateCache("no-store"), "private, no-store")
    }

    // MARK: Files

    func testPartnersFilesAreReadableByTheirOwnerOnly() throws {
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        // A fresh folder, and one left open by an older version.
        let fresh = TestScratch.folder + "trame-partners-\(UUID().uuidString)"
        _ = try PartnerStore(folder: fresh, bcryptCost: 4)
        let old = TestScratch.folder + "trame-partners-\(UUID().uuidString)"
        _ = try PartnerStore(folder: old, bcryptCost: 4)
        for (p, m) in [(old, 0o755), (old + "/uploads", 0o755), (old + "/partners.sqlite", 0o644)] { XCTAssertEqual(chmod(p, mode_t(m)), 0) }
        XCTAssertEqual(try mode(old + "/partners.sqlite"), 0o644)
        let store = try PartnerStore(folder: old, bcryptCost: 4)
        try store.addAccount(name: "alice", partner: "DREAL", role: .partner, password: "heron-meadow-27")
        for dir in [fresh, old] {
            XCTAssertEqual(try mode(dir), 0o700, dir)
            XCTAssertEqual(try mode(dir + "/uploads"), 0o700, dir)
            XCTAssertEqual(try mode(dir + "/partners.sqlite"), 0o600, dir)
        }
        // As `stat` sees it.
        XCTAssertEqual(try ServeTests.tool("stat", ["-c", "%a", old + "/partners.sqlite"]).trimmingCharacters(in: .whitespacesAndNewlines), "600")
    }

    // MARK: Errors

    func testQueryAtThePolesAndUnexpectedErrorsAnswerJSON() async throws {
        struct Secret: Error { var path = "/etc/hidden/internal.db" }
        let s = try ServeSecurityTests.serve(extraRoutes: { r in r.get("/boom") { _, _ -> Response in throw Secret() } })
        try await s.app.test(.router) { c in
            for uri in ["/api/query?lon=0&lat=-90", "/api/query?lon=-180&lat=-90"] {
                let r = try await c.execute(uri: uri, method: .get)
                XCTAssertEqual(r.status, .badRequest, uri)
                XCTAssertTrue((try ServeTests.json(r)["error"] as? String ?? "").contains("coordinate system"), String(buffer: r.body))
            }
            // Far from the territory but within reach of the projection: an empty answer.
            let far = try await c.execute(uri: "/api/query?lon=10&lat=45", method: .get)
            XCTAssertEqual(far.status, .ok)
            XCTAssertEqual((try ServeTests.json(far)[SchemeLayer.natureSpaces.name] as? [Any])?.count, 0)
            let boom = try await c.execute(uri: "/boom", method: .get)
            XCTAssertEqual(boom.status, .internalServerError)
            let message = try XCTUnwrap(try ServeTests.json(boom)["error"] as? String)
            XCTAssertFalse(message.contains("hidden") || message.contains("Secret"), message)
            XCTAssertNotNil(boom.headers[.contentSecurityPolicy])
        }
        XCTAssertTrue(s.log.lines.contains { $0.contains("unexpected error") && $0.contains("hidden") }, "the details go to the log")
    }

    // MARK: Re-runs

    func testTwoReRunsAskedAtOnceGiveOneRun() async throws {
        let scheme = try ServeSetup.load(folder: try ServeTests.sample() + "/scheme").served
        let s = try ServeSecurityTests.serve(rerun: { _ in
            try await Task.sleep(nanoseconds: 1_500_000_000)
            return scheme
        })
        try s.server.store.addAccount(name: "admin", partner: "Agence", role: .admin, password: "kestrel-orchard-41")
        try await s.app.test(.router) { c in
            let signIn = try await ServeSecurityTests.login(c, "admin", "kestrel-orchard-41")
            let admin = try XCTUnwrap(ServeSecurityTests.cookie(signIn))
            let codes = try await withThrowingTaskGroup(of: UInt16.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let r = try await c.execute(uri: "/api/runs", method: .post, headers: [.cookie: admin, .contentType: "application/json"],
                                                    body: ByteBuffer(string: "{\"uploads\": []}"))
                        return UInt16(r.status.code)
                    }
                }
                return try await group.reduce(into: [UInt16]()) { $0.append($1) }
            }
            XCTAssertEqual(codes.filter { $0 == 202 }.count, 1, "\(codes)")
            XCTAssertEqual(codes.filter { $0 == 409 }.count, 5, "\(codes)")
            XCTAssertEqual(try s.server.store.runs().count, 1)
            // Once it has finished, a new one may start.
            var waited = 0
            while try s.server.store.runs().first?.status == "running", waited < 40 { try await Task.sleep(nanoseconds: 100_000_000); waited += 1 }
            XCTAssertEqual(try s.server.store.runs().first?.status, "done")
            let again = try await c.execute(uri: "/api/runs", method: .post, headers: [.cookie: admin, .contentType: "application/json"],
                                            body: ByteBuffer(string: "{\"uploads\": []}"))
            XCTAssertEqual(again.status, .accepted)
        }
        // The store alone, from many threads at once: one run.
        let store = try PartnerStore(folder: TestScratch.folder + "trame-partners-\(UUID().uuidString)", bcryptCost: 4)
        final class Count: @unchecked Sendable { let lock = NSLock(); var n = 0 }
        let runs = Count()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if case .some(.some) = try? store.startRunIfIdle(account: "admin", uploads: []) { runs.lock.lock(); runs.n += 1; runs.lock.unlock() }
        }
        XCTAssertEqual(runs.n, 1)
    }
}
