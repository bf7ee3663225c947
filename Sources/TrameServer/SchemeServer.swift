import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TrameGDAL
import TrameRouting
import TrameScheme
import TrameUploads
import TrameVector

/// Per-request context: the signed-in account, if any, and the client's address.
public struct ServeContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var account: Account?
    public var sessionToken: String?
    /// The peer of the connection (nil in router-only tests).
    public var remoteAddress: SocketAddress?
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies larger than this are refused (413) before they are read whole.
    public var maxUploadSize: Int { SchemeServer.maxUploadBytes }
}

/// A JSON error answer: `{"error": "…"}` with its status.
public struct APIError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var message: String
    public init(_ status: HTTPResponse.Status, _ message: String) { self.status = status; self.message = message }
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        SchemeServer.json(["error": message], status: status)
    }
}

/// An inventory partners may revise (from the project file).
public struct InventoryEntry: Sendable {
    public var name: String
    public var partner: String
    public init(name: String, partner: String) { self.name = name; self.partner = partner }
}

/// What the server publishes, swapped whole when an admin's re-run finishes.
public struct ServedScheme: Sendable {
    public let site: SchemeSite
    public let tiles: TileRenderer
    public let itineraries: ItineraryService?
    public init(site: SchemeSite, colours: [String: RGB], itineraries: ItineraryService?) {
        self.site = site; self.tiles = TileRenderer(site: site, colours: colours); self.itineraries = itineraries
    }
}

/// Settings of `trame serve`.
public struct ServeSettings: Sendable {
    public var lang: String
    /// Sign-in needed for everything, reading included.
    public var isPrivate: Bool
    /// Optional base map (`https://…/{z}/{x}/{y}.png`); none by default, so the page works offline.
    public var tileURL: String?
    public var tileAttribution: String?
    /// Where Debian's libjs-leaflet installs Leaflet.
    public var leafletFolder: String
    public var subNetworks: [(name: String, label: String, colour: RGB)]
    public var inventories: [InventoryEntry]
    /// Runs the scheme again with revised inventories (name → file) and answers the new scheme, or throws.
    public var rerun: (@Sendable ([String: String]) async throws -> ServedScheme)?
    /// Marks the session cookie `Secure` (served behind HTTPS).
    public var secureCookies = false
    /// Sign-in throttling per account name and per client address.
    public var accountLimits = LoginThrottle.accountLimits
    public var addressLimits = LoginThrottle.addressLimits

    public init(lang: String = "fr", isPrivate: Bool = false, tileURL: String? = nil, tileAttribution: String? = nil,
                leafletFolder: String = "/usr/share/javascript/leaflet", subNetworks: [(name: String, label: String, colour: RGB)] = [],
                inventories: [InventoryEntry] = [], rerun: (@Sendable ([String: String]) async throws -> ServedScheme)? = nil) {
        self.lang = lang; self.isPrivate = isPrivate; self.tileURL = tileURL; self.tileAttribution = tileAttribution
        self.leafletFolder = leafletFolder; self.subNetworks = subNetworks; self.inventories = inventories; self.rerun = rerun
    }
}

/// `trame serve`: the scheme as a web map and a JSON API (see `/api/openapi.json`).
public final class SchemeServer: @unchecked Sendable {
    public static let maxUploadBytes = 50 * 1024 * 1024
    public static let sessionCookie = "trame_session"

    let settings: ServeSettings
    public let store: PartnerStore
    private var current: ServedScheme
    private let lock = NSLock()
    /// Files of Leaflet's folder the server may send (read once; nothing else is reachable).
    let leafletFiles: Set<String>
    /// Failed sign-ins per account name and client address.
    public let throttle: LoginThrottle
    /// Checks uploads in child processes (`trame check-upload`); scratch in the partners folder's `incoming/`.
    /// Set another one (executable, limits) before `router()` is called.
    public var checker: UploadChecker

    public init(scheme: ServedScheme, store: PartnerStore, settings: ServeSettings) {
        self.current = scheme; self.store = store; self.settings = settings
        throttle = LoginThrottle(account: settings.accountLimits, address: settings.addressLimits)
        self.checker = UploadChecker(scratch: (store.folder as NSString).appendingPathComponent("incoming"))
        // The stand-in hash for unknown names, made now off the request path (the first unknown name
        // would otherwise take two hashes' time).
        Task { [store] in _ = try? await HashWorkers.shared.run { store.standInHash } }
        var files = Set<String>()
        let fm = FileManager.default
        for sub in ["", "images/"] {
            let dir = (settings.leafletFolder as NSString).appendingPathComponent(sub)
            for f in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".js") || f.hasSuffix(".css") || f.hasSuffix(".png") {
                files.insert(sub + f)
            }
        }
        leafletFiles = files
    }

    public var scheme: ServedScheme { lock.lock(); defer { lock.unlock() }; return current }
    func replace(_ s: ServedScheme) { lock.lock(); current = s; lock.unlock() }

    // MARK: Helpers

    static func json(_ object: Any, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var h: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        h.append(contentsOf: extra)
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func bytes(_ b: [UInt8], type: String, cache: String? = nil, extra: HTTPFields = [:]) -> Response {
        var h: HTTPFields = [.contentType: type]
        if let cache { h[.cacheControl] = cache }
        h.append(contentsOf: extra)
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: b)))
    }

    static func resource(_ name: String) -> [UInt8]? {
        guard let url = ServerResources.url(name, in: "Web"),
              let d = try? Data(contentsOf: url) else { return nil }
        return [UInt8](d)
    }

    static func lonLat(_ text: Substring?, _ what: String) throws -> Point {
        guard let text else { throw APIError(.badRequest, "\(what) is missing (lon,lat in degrees)") }
        let v = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 2, let lon = v[0], let lat = v[1], lon.isFinite, lat.isFinite, (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw APIError(.badRequest, "\(what) must be lon,lat in degrees (e.g. 2.83,50.43)")
        }
        return Point(lon, lat)
    }

    /// The `zoom` of a layer request: nil when absent, 0–24 when given.
    static func zoom(_ text: Substring?) throws -> Int? {
        guard let text else { return nil }
        guard let v = Int(text), (0...24).contains(v) else { throw APIError(.badRequest, "zoom must be an integer from 0 to 24") }
        return v
    }

    /// A tile's `z`, `x` and `y.png` path components: zoom 0–22, x and y inside the zoom's grid.
    static func tileAddress(z zText: String, x xText: String, y yText: String) throws -> (z: Int, x: Int, y: Int) {
        guard yText.hasSuffix(".png") else { throw APIError(.badRequest, "tiles are PNG: …/{z}/{x}/{y}.png") }
        guard let z = Int(zText), (0...22).contains(z) else { throw APIError(.badRequest, "z must be an integer from 0 to 22") }
        let n = 1 << z
        guard let x = Int(xText), let y = Int(yText.dropLast(4)), (0..<n).contains(x), (0..<n).contains(y) else {
            throw APIError(.badRequest, "x and y must be integers from 0 to \(n - 1) at zoom \(z)")
        }
        return (z, x, y)
    }

    static func number(_ text: Substring?, _ what: String, range: ClosedRange<Double>, default d: Double? = nil) throws -> Double {
        guard let text else {
            if let d { return d }
            throw APIError(.badRequest, "\(what) is missing")
        }
        guard let v = Double(text), v.isFinite, range.contains(v) else {
            throw APIError(.badRequest, "\(what) must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    func requireReader(_ c: ServeContext) throws {
        if settings.isPrivate && c.account == nil { throw APIError(.unauthorized, "this scheme is private: sign in first") }
    }

    func requireAccount(_ c: ServeContext) throws -> Account {
        guard let a = c.account else { throw APIError(.unauthorized, "sign in first") }
        return a
    }

    // MARK: Router

    public func router() -> Hummingbird.Router<ServeContext> {
        let router = Hummingbird.Router(context: ServeContext.self)
        router.add(middleware: SecurityHeaders(tileURL: settings.tileURL, isPrivate: settings.isPrivate))
        router.add(middleware: AccessLog())
        router.add(middleware: SameOriginWrites())
        router.add(middleware: SessionReader(store: store))

        // The page and its assets.
        router.get("/") { _, _ in
            guard var page = SchemeServer.resource("index.html").map({ String(decoding: $0, as: UTF8.self) }) else {
                throw APIError(.internalServerError, "the web page is missing from the build")
            }
            page = page.replacingOccurrences(of: "{{LANG}}", with: self.settings.lang)
            return SchemeServer.bytes(Array(page.utf8), type: "text/html; charset=utf-8", cache: "no-store")
        }
        for (file, type) in [("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8")] {
            router.get(RouterPath(file)) { _, _ in
                guard let b = SchemeServer.resource(file) else { throw APIError(.notFound, "no such file") }
                return SchemeServer.bytes(b, type: type, cache: "no-cache")
            }
        }
        router.get("/leaflet/:file") { _, c in try self.leaflet(c.parameters.get("file") ?? "") }
        router.get("/leaflet/images/:file") { _, c in try self.leaflet("images/" + (c.parameters.get("file") ?? "")) }
        router.get("/scheme/:file") { _, c in try self.schemeFile(c.parameters.get("file") ?? "", c) }

        // API.
        router.get("/api/openapi.json") { _, _ in
            guard let b = SchemeServer.resource("openapi.json") else { throw APIError(.notFound, "no OpenAPI document") }
            return SchemeServer.bytes(b, type: "application/json; charset=utf-8")
        }
        router.get("/api/session") { _, c in
            SchemeServer.json(["account": c.account.map { ["name": $0.name, "partner": $0.partner, "role": $0.role.rawValue] } ?? NSNull(),
                               "private": self.settings.isPrivate])
        }
        router.post("/api/login") { req, c in try await self.login(req, c) }
        router.post("/api/logout") { _, c in
            if let t = c.sessionToken { try self.store.closeSession(t) }
            var r = SchemeServer.json(["signed_out": true])
            r.setCookie(Cookie(name: SchemeServer.sessionCookie, value: "", maxAge: 0, path: "/", secure: self.settings.secureCookies,
                               httpOnly: true, sameSite: .strict))
            return r
        }
        router.get("/api/layers") { _, c in try self.requireReader(c); return self.layerList() }
        router.get("/api/layers/:name") { req, c in try self.requireReader(c); return try self.layer(req, c) }
        router.get("/api/tiles/:raster/:z/:x/:y") { _, c in try self.requireReader(c); return try self.tile(c) }
        router.get("/api/query") { req, c in try self.requireReader(c); return try self.query(req) }
        router.get("/api/route") { req, c in try self.requireReader(c); return try self.route(req) }
        router.get("/api/loop") { req, c in try self.requireReader(c); return try self.loop(req) }
        router.get("/api/figures") { _, c in try self.requireReader(c); return self.figures() }
        router.get("/api/itineraries") { _, c in try self.requireReader(c); return self.namedItineraryList() }
        router.get("/api/itineraries/:file") { _, c in try self.requireReader(c); return try self.namedItineraryGPX(c.parameters.get("file") ?? "") }
        router.get("/api/inventories") { _, c in try self.requireReader(c); return try self.inventories(c) }
        router.get("/api/inventories/:name/versions") { _, c in try self.versions(c) }
        router.post("/api/inventories/:name/versions") { req, c in try await self.upload(req, c) }
        router.get("/api/runs") { _, c in try self.runs(c) }
        router.post("/api/runs") { req, c in try await self.startRun(req, c) }
        return router
    }

    // MARK: Assets

    func leaflet(_ file: String) throws -> Response {
        guard leafletFiles.contains(file) else { throw APIError(.notFound, "no such Leaflet file") }
        let path = (settings.leafletFolder as NSString).appendingPathComponent(file)
        guard let d = FileManager.default.contents(atPath: path) else { throw APIError(.notFound, "no such Leaflet file") }
        let type = file.hasSuffix(".js") ? "text/javascript; charset=utf-8" : file.hasSuffix(".css") ? "text/css; charset=utf-8" : "image/png"
        return SchemeServer.bytes([UInt8](d), type: type, cache: "public, max-age=86400")
    }

    /// The report, maps and figures the run wrote (only these names).
    static let schemeFiles = ["report.html": "text/html; charset=utf-8", "map.png": "image/png", "atlas.pdf": "application/pdf",
                              "figures.csv": "text/csv; charset=utf-8"]

    func schemeFile(_ file: String, _ c: ServeContext) throws -> Response {
        try requireReader(c)
        guard let type = SchemeServer.schemeFiles[file] else { throw APIError(.notFound, "no such file in the scheme") }
        let path = (scheme.site.folder as NSString).appendingPathComponent(file)
        guard let d = FileManager.default.contents(atPath: path) else { throw APIError(.notFound, "the scheme has no \(file)") }
        return SchemeServer.bytes([UInt8](d), type: type, cache: "no-cache")
    }

    // MARK: Sign-in

    struct LoginBody: Decodable { var name: String; var password: String }

    func login(_ req: Request, _ c: ServeContext) async throws -> Response {
        let body: LoginBody
        do { body = try await req.decode(as: LoginBody.self, context: c) } catch {
            throw APIError(.badRequest, "send {\"name\": …, \"password\": …} as JSON")
        }
        let address = ClientAddress.of(peer: c.remoteAddress, forwardedFor: req.headers[.xForwardedFor])
        if case .locked(let wait, let failures) = throttle.begin(account: body.name, address: address) {
            c.logger.warning("sign-in throttled", metadata: ["account": .string(String(body.name.prefix(64))), "address": .string(address),
                                                             "failures": .stringConvertible(failures), "retry_after_s": .stringConvertible(wait)])
            return SchemeServer.json(["error": "too many failed sign-ins: try again in \(wait) s", "retry_after": wait],
                                     status: .tooManyRequests, extra: [.retryAfter: String(wait)])
        }
        let account: Account?
        do { account = try await store.authenticate(name: body.name, password: body.password) } catch is HashWorkers.Busy {
            throttle.cancel(account: body.name, address: address)  // not checked: neither a failure nor a success
            return SchemeServer.json(["error": HashWorkers.Busy().description], status: .serviceUnavailable, extra: [.retryAfter: "1"])
        }
        guard let a = account else {
            throttle.finish(account: body.name, address: address, success: false)
            throw APIError(.unauthorized, "unknown account or wrong password")
        }
        throttle.finish(account: body.name, address: address, success: true)
        let token = try store.openSession(for: a)
        var r = SchemeServer.json(["account": ["name": a.name, "partner": a.partner, "role": a.role.rawValue]])
        r.setCookie(Cookie(name: SchemeServer.sessionCookie, value: token, maxAge: Int(PartnerStore.sessionLifetime), path: "/",
                           secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
        return r
    }

    // MARK: Layers and figures

    func layerList() -> Response {
        let s = scheme.site
        let layers: [[String: Any]] = s.layers.map { l in
            ["name": l.name, "geometry": l.kind.rawValue, "features": l.features.count, "fields": l.fields.map(\.name)]
        }
        let rasters: [[String: Any]] = s.rasters.map { r in
            var o: [String: Any] = ["name": r.name, "kind": r.kind.rawValue, "unit": r.unit, "min": r.range.min, "max": r.range.max,
                                    "tiles": "/api/tiles/\(r.name)/{z}/{x}/{y}.png"]
            if let sub = r.subNetwork { o["subnetwork"] = sub }
            if let stops = TileRenderer.ramps[r.kind] { o["ramp"] = stops.map(\.hex) }
            return o
        }
        var o: [String: Any] = [
            "title": s.title, "lang": settings.lang, "layers": layers, "rasters": rasters,
            "extent": [s.extent.west, s.extent.south, s.extent.east, s.extent.north],
            // Labels in the page's language (the project's labels are the English ones).
            "subnetworks": settings.subNetworks.map { ["name": $0.name, "label": Words(settings.lang).subNetworkName($0.name, label: $0.label), "colour": $0.colour.hex] },
            "palette": ["major": Palette.major.hex, "mixed": Palette.mixed.hex, "buffer": Palette.buffer.hex, "conflict": Palette.conflict.hex,
                        "hub": Palette.hub.hex, "itinerary": Palette.itinerary.hex, "pinch": Palette.pinch.hex, "unit": Palette.commune.hex,
                        "shared": NamedItineraryStyle.shared.hex,
                        "itinerary_kinds": Dictionary(uniqueKeysWithValues: NamedItinerary.Kind.allCases.map { ($0.rawValue, NamedItineraryStyle.colour($0).hex) })],
            "routing": scheme.itineraries.map { Array($0.routers.keys.map(\.rawValue)).sorted() } ?? [],
            "files": SchemeServer.schemeFiles.keys.filter { FileManager.default.fileExists(atPath: (s.folder as NSString).appendingPathComponent($0)) }.sorted(),
        ]
        if let t = settings.tileURL { o["base_map"] = ["url": t, "attribution": settings.tileAttribution ?? ""] }
        return SchemeServer.json(o)
    }

    func layer(_ req: Request, _ c: ServeContext) throws -> Response {
        let name = c.parameters.get("name") ?? ""
        guard let l = scheme.site.layer(name) else { throw APIError(.notFound, "no layer '\(name)' in this scheme (see /api/layers)") }
        var box: LonLatBox? = nil
        if let b = req.uri.queryParameters["bbox"] {
            guard let parsed = LonLatBox(parsing: String(b)) else {
                throw APIError(.badRequest, "bbox must be minLon,minLat,maxLon,maxLat in degrees, min < max")
            }
            box = parsed
        }
        let zoom = try SchemeServer.zoom(req.uri.queryParameters["zoom"])
        return SchemeServer.bytes(Array(l.geoJSON(box: box, zoom: zoom).utf8), type: "application/geo+json", cache: "no-cache")
    }

    func figures() -> Response {
        let s = scheme.site
        let rows: [[String: Any]] = s.figures.map { f in
            var o: [String: Any] = [:]
            for d in s.figureFields {
                switch f[d.name] ?? .null {
                case .integer(let i): o[d.name] = i
                case .real(let x): o[d.name] = (x * 100).rounded() / 100
                case .string(let t): o[d.name] = t
                case .null: o[d.name] = NSNull()
                }
            }
            return o
        }
        return SchemeServer.json(["title": s.title, "fields": s.figureFields.map(\.name), "rows": rows])
    }

    // MARK: Tiles and queries

    func tile(_ c: ServeContext) throws -> Response {
        let name = c.parameters.get("raster") ?? ""
        let s = scheme
        guard let r = s.site.raster(name) else { throw APIError(.notFound, "no raster '\(name)' in this scheme (see /api/layers)") }
        let (z, x, y) = try SchemeServer.tileAddress(z: c.parameters.get("z") ?? "", x: c.parameters.get("x") ?? "", y: c.parameters.get("y") ?? "")
        let png = try s.tiles.tile(r, z: z, x: x, y: y)
        return SchemeServer.bytes(png, type: "image/png", cache: settings.isPrivate ? "private, max-age=3600" : "public, max-age=3600")
    }

    func query(_ req: Request) throws -> Response {
        let lon = try SchemeServer.number(req.uri.queryParameters["lon"], "lon", range: -180...180)
        let lat = try SchemeServer.number(req.uri.queryParameters["lat"], "lat", range: -90...90)
        let s = scheme
        let answer: [String: Any]
        do { answer = try PointQuery(site: s.site, tiles: s.tiles).answer(lon: lon, lat: lat) } catch let e as PointQuery.OutsideProjection {
            throw APIError(.badRequest, e.description)
        }
        return SchemeServer.json(answer)
    }

    // MARK: Itineraries

    func itinerary(_ req: Request) throws -> (ItineraryService, TravelMode, Double) {
        guard let it = scheme.itineraries else { throw APIError(.serviceUnavailable, "this scheme has no path network ([itineraries] in the project)") }
        let modeText = String(req.uri.queryParameters["mode"] ?? "walk")
        guard let mode = TravelMode(rawValue: modeText) else { throw APIError(.badRequest, "mode must be walk or bike") }
        let green = try SchemeServer.number(req.uri.queryParameters["green"], "green", range: 0...10, default: 1)
        return (it, mode, green)
    }

    func answer(_ it: ItineraryService, _ r: Route, _ line: [Point], mode: TravelMode, name: String, req: Request) throws -> Response {
        if req.uri.queryParameters["format"] == "gpx" {
            let data = try it.gpx(r, name: name)
            return SchemeServer.bytes([UInt8](data), type: "application/gpx+xml",
                                      extra: [.contentDisposition: "attachment; filename=\"trame-\(mode.rawValue).gpx\""])
        }
        var w = GeoJSONWriter()
        w.geometry(.lineString(line))
        let geometry = try JSONSerialization.jsonObject(with: Data(w.bytes))
        return SchemeServer.json(["mode": mode.rawValue, "length_m": r.length.rounded(), "minutes": (r.minutes(mode) * 10).rounded() / 10,
                                  "green_share": (r.greenShare * 1000).rounded() / 1000, "geometry": geometry])
    }

    func route(_ req: Request) throws -> Response {
        let (it, mode, green) = try itinerary(req)
        let a = try SchemeServer.lonLat(req.uri.queryParameters["from"], "from"), b = try SchemeServer.lonLat(req.uri.queryParameters["to"], "to")
        do {
            let (r, line) = try it.route(from: a, to: b, mode: mode, green: green)
            return try answer(it, r, line, mode: mode, name: "Trame route", req: req)
        } catch let e as ItineraryService.Failure { throw APIError(.unprocessableContent, e.description) }
    }

    func loop(_ req: Request) throws -> Response {
        let (it, mode, green) = try itinerary(req)
        let a = try SchemeServer.lonLat(req.uri.queryParameters["start"], "start")
        let length = try SchemeServer.number(req.uri.queryParameters["length_m"], "length_m", range: 500...200_000)
        do {
            let (r, line) = try it.loop(from: a, length: length, mode: mode, green: green)
            return try answer(it, r, line, mode: mode, name: "Trame loop", req: req)
        } catch let e as ItineraryService.Failure { throw APIError(.unprocessableContent, e.description) }
    }

    // MARK: Partners' inventories

    func mayWrite(_ a: Account, _ inv: InventoryEntry) -> Bool {
        a.role == .admin || (a.role == .partner && a.partner == inv.partner)
    }

    func inventories(_ c: ServeContext) throws -> Response {
        let list: [[String: Any]] = try settings.inventories.map { inv in
            ["name": inv.name, "partner": inv.partner, "may_upload": c.account.map { mayWrite($0, inv) } ?? false,
             "versions": try store.uploads(inventory: inv.name).count]
        }
        return SchemeServer.json(["inventories": list])
    }

    func inventory(_ c: ServeContext) throws -> InventoryEntry {
        let raw = c.parameters.get("name") ?? ""
        let name = raw.removingPercentEncoding ?? raw
        guard let inv = settings.inventories.first(where: { $0.name == name }) else {
            throw APIError(.notFound, "no inventory '\(name)' in this scheme (see /api/inventories)")
        }
        return inv
    }

    static func uploadObject(_ u: Upload) -> [String: Any] {
        ["id": u.id ?? 0, "inventory": u.inventory, "partner": u.partner, "account": u.account, "created_at": ISO8601DateFormatter().string(from: u.createdAt),
         "original_name": u.originalName, "features": u.features, "sha256": u.sha256, "crs": u.crs]
    }

    func versions(_ c: ServeContext) throws -> Response {
        let a = try requireAccount(c)
        let inv = try inventory(c)
        guard mayWrite(a, inv) else { throw APIError(.forbidden, "only \(inv.partner) and admins see the versions of '\(inv.name)'") }
        return SchemeServer.json(["inventory": inv.name, "versions": try store.uploads(inventory: inv.name).map(SchemeServer.uploadObject)])
    }

    func upload(_ req: Request, _ c: ServeContext) async throws -> Response {
        let a = try requireAccount(c)
        let inv = try inventory(c)
        guard mayWrite(a, inv) else { throw APIError(.forbidden, "'\(inv.name)' belongs to \(inv.partner); \(a.partner) cannot revise it") }
        var r = req
        let buffer: ByteBuffer
        do { buffer = try await r.collectBody(upTo: SchemeServer.maxUploadBytes) } catch {
            throw APIError(.contentTooLarge, "uploads are limited to \(SchemeServer.maxUploadBytes / 1_048_576) MB")
        }
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, "the upload is empty: send the file as the request body") }
        let original = String(req.uri.queryParameters["filename"] ?? "upload").split(separator: "/").last.map(String.init) ?? "upload"
        let s = scheme.site
        let data = Data(buffer.readableBytesView)
        // Checked in a child process (bounded in time and memory, no network); the bytes kept are these.
        let passed: UploadCheck.Passed
        do {
            passed = try await checker.check(data, name: original, schemeCRS: s.crsWKT, territory: s.extent)
        } catch let f as UploadCheck.Failure {
            c.logger.info("upload refused", metadata: ["inventory": .string(inv.name), "status": .stringConvertible(f.status)])
            throw APIError(f.status == 415 ? .unsupportedMediaType : f.status == 503 ? .serviceUnavailable : .unprocessableContent, f.description)
        }
        let u = try store.addUpload(inventory: inv.name, partner: inv.partner, account: a.name, data: data, originalName: original,
                                    extension: passed.ext, features: passed.features, crs: passed.crs)
        c.logger.info("upload kept", metadata: ["inventory": .string(inv.name), "version": .stringConvertible(u.id ?? 0), "account": .string(a.name)])
        return SchemeServer.json(["version": SchemeServer.uploadObject(u)], status: .created)
    }

    // MARK: Re-runs (admins)

    func requireAdmin(_ c: ServeContext) throws -> Account {
        let a = try requireAccount(c)
        guard a.role == .admin else { throw APIError(.forbidden, "only admins re-run the scheme") }
        return a
    }

    static func runObject(_ r: SchemeRun) -> [String: Any] {
        var o: [String: Any] = ["id": r.id ?? 0, "account": r.account, "uploads": r.uploads.split(separator: ",").compactMap { Int($0) },
                                "started_at": ISO8601DateFormatter().string(from: r.startedAt), "status": r.status, "message": r.message]
        if let f = r.finishedAt { o["finished_at"] = ISO8601DateFormatter().string(from: f) }
        return o
    }

    func runs(_ c: ServeContext) throws -> Response {
        _ = try requireAdmin(c)
        return SchemeServer.json(["runs": try store.runs().map(SchemeServer.runObject)])
    }

    struct RunBody: Decodable { var uploads: [Int64] }

    func startRun(_ req: Request, _ c: ServeContext) async throws -> Response {
        let a = try requireAdmin(c)
        guard let rerun = settings.rerun else { throw APIError(.serviceUnavailable, "this server cannot re-run the scheme (no project file)") }
        let body: RunBody
        do { body = try await req.decode(as: RunBody.self, context: c) } catch {
            throw APIError(.badRequest, "send {\"uploads\": [version ids]} as JSON")
        }
        var replace: [String: String] = [:]
        for id in body.uploads {
            guard let u = try store.upload(id: id) else { throw APIError(.badRequest, "no upload version \(id)") }
            guard replace[u.inventory] == nil else { throw APIError(.badRequest, "two versions of '\(u.inventory)' given; choose one") }
            replace[u.inventory] = u.file
        }
        guard let run = try store.startRunIfIdle(account: a.name, uploads: body.uploads) else {
            throw APIError(.conflict, "a re-run is already going on")
        }
        let logger = c.logger
        Task.detached {
            do {
                let s = try await rerun(replace)
                self.replace(s)
                try? self.store.finishRun(run.id!, ok: true, message: "scheme rebuilt")
                logger.info("re-run finished", metadata: ["run": .stringConvertible(run.id!)])
            } catch {
                try? self.store.finishRun(run.id!, ok: false, message: "\(error)")
                logger.error("re-run failed", metadata: ["run": .stringConvertible(run.id!)])
            }
        }
        return SchemeServer.json(["run": SchemeServer.runObject(run)], status: .accepted)
    }
}

/// Reads the session cookie and puts the signed-in account in the context.
struct SessionReader: RouterMiddleware {
    let store: PartnerStore
    func handle(_ request: Request, context: ServeContext, next: (Request, ServeContext) async throws -> Response) async throws -> Response {
        var c = context
        if let token = request.cookies[SchemeServer.sessionCookie]?.value, !token.isEmpty, let a = try store.account(forSession: token) {
            c.account = a; c.sessionToken = token
        }
        return try await next(request, c)
    }
}

/// One log line per request: method, path, status, milliseconds (no headers, so no cookie or token).
struct AccessLog<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let t0 = DispatchTime.now().uptimeNanoseconds
        func line(_ status: Int) {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            context.logger.info("\(request.method.rawValue) \(request.uri.path) \(status) \(String(format: "%.1f", ms)) ms")
        }
        do {
            let r = try await next(request, context)
            line(r.status.code)
            return r
        } catch let e as APIError {
            line(e.status.code)
            throw e
        } catch let e as HTTPResponseError {
            // The router's own errors (no such route, …) answer JSON too.
            line(e.status.code)
            throw APIError(e.status, e.status == .notFound ? "no such page or API endpoint (see /api/openapi.json)" : e.status.reasonPhrase)
        } catch {
            // Anything else is a fault of the server: logged here, answered with a generic JSON message.
            line(500)
            context.logger.error("unexpected error", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            throw APIError(.internalServerError, "the server failed to answer this request (see its log)")
        }
    }
}
