import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The outermost middleware: every answer, errors included, leaves as a response carrying the security
/// headers; an error that is not an `APIError` answers a generic JSON 500 (its details go to the log
/// only). In a private scheme every answer is `Cache-Control: private`, so no shared cache keeps it.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    let contentSecurityPolicy: String
    let isPrivate: Bool

    init(tileURL: String?, isPrivate: Bool) {
        contentSecurityPolicy = SecurityHeaders.policy(tileURL: tileURL)
        self.isPrivate = isPrivate
    }

    /// What the page (index.html, app.js, Leaflet), the report (inline style, data: images) and the
    /// optional base map need, nothing more: no inline script, no frame, no outside connection.
    static func policy(tileURL: String?) -> String {
        var img = "'self' data:"
        if let t = tileURL, let source = tileSource(t) { img += " " + source }
        return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src \(img); connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    /// The CSP source of a base map's tile URL: `https://{s}.tile.example.org/{z}/{x}/{y}.png` →
    /// `https://*.tile.example.org` (a placeholder in the first label makes it a wildcard); a placeholder
    /// further in the host leaves the scheme alone (`https:`); nil for a URL that is not http(s).
    static func tileSource(_ url: String) -> String? {
        guard let sep = url.range(of: "://") else { return nil }
        let scheme = url[..<sep.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        let rest = url[sep.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var labels = authority.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if labels[0].contains("{") { labels[0] = "*" }
        let host = labels.joined(separator: ".")
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:*[]")
        guard host.unicodeScalars.allSatisfy(allowed.contains), !host.dropFirst().contains("*") else { return scheme + ":" }
        return scheme + "://" + host
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as HTTPResponseError {
            response = try e.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["path": .string(request.uri.path), "error": .string("\(error)")])
            response = SchemeServer.json(["error": "the server failed to answer this request (see its log)"], status: .internalServerError)
        }
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if isPrivate { response.headers[.cacheControl] = SecurityHeaders.privateCache(response.headers[.cacheControl]) }
        return response
    }

    /// `public, max-age=…` → `private, max-age=…`; `no-store` → `private, no-store`; none → `private, no-cache`.
    static func privateCache(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "private, no-cache" }
        var parts = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        parts.removeAll { $0.lowercased() == "public" || $0.lowercased() == "private" }
        return (["private"] + parts).joined(separator: ", ")
    }
}

/// Refuses (403) a state-changing request (POST, PUT, PATCH, DELETE) sent from another site: an `Origin`
/// naming another host than the request's `Host`, or `Sec-Fetch-Site: cross-site`. Requests without
/// these headers (curl, scripts) pass: the session cookie is SameSite=Strict besides. Behind a reverse
/// proxy on this machine (the peer is a loopback address), `X-Forwarded-Host` counts as the Host too.
struct SameOriginWrites<Context: RequestContext>: RouterMiddleware {
    static var writes: Set<HTTPRequest.Method> { [.post, .put, .patch, .delete] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress
        if SameOriginWrites.writes.contains(request.method), let why = SameOriginWrites.refusal(request.head, proxied: ClientAddress.isLoopback(peer)) {
            context.logger.warning("cross-site request refused", metadata: ["path": .string(request.uri.path), "why": .string(why)])
            throw APIError(.forbidden, "cross-site requests may not change anything here (\(why))")
        }
        return try await next(request, context)
    }

    /// Why the request counts as cross-site; nil when it does not.
    static func refusal(_ head: HTTPRequest, proxied: Bool = false) -> String? {
        if let site = head.headerFields[.secFetchSite]?.lowercased(), site == "cross-site" { return "Sec-Fetch-Site: cross-site" }
        guard let origin = head.headerFields[.origin] else { return nil }
        guard let from = authority(ofOrigin: origin) else { return "Origin: \(origin.prefix(80))" }
        // The Host the browser sent, read with the Origin's scheme (a TLS proxy may stand in front).
        var hosts = [head.authority]
        if proxied { hosts.append(head.headerFields[.xForwardedHost]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }) }
        guard hosts.contains(where: { $0.map { normalise($0, scheme: from.scheme) } == from.authority }) else {
            return "Origin \(origin.prefix(80)) is not this server"
        }
        return nil
    }

    /// `https://Example.org:443` → (https, `example.org`); `http://h:8080` → (http, `h:8080`); nil for `null` or garbage.
    static func authority(ofOrigin origin: String) -> (scheme: String, authority: String)? {
        guard let sep = origin.range(of: "://") else { return nil }
        let scheme = origin[..<sep.lowerBound].lowercased()
        let rest = origin[sep.upperBound...]
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@") else { return nil }
        return (String(scheme), normalise(String(rest), scheme: String(scheme)))
    }

    /// Lower-cased host, with the scheme's default port dropped.
    static func normalise(_ authority: String, scheme: String) -> String {
        let a = authority.lowercased()
        for (s, port) in [("http", ":80"), ("https", ":443")] where scheme.lowercased() == s && a.hasSuffix(port) {
            return String(a.dropLast(port.count))
        }
        return a
    }
}

extension HTTPField.Name {
    static var xFrameOptions: Self { .init("X-Frame-Options")! }
    static var referrerPolicy: Self { .init("Referrer-Policy")! }
    static var crossOriginOpenerPolicy: Self { .init("Cross-Origin-Opener-Policy")! }
    static var secFetchSite: Self { .init("Sec-Fetch-Site")! }
    static var xForwardedFor: Self { .init("X-Forwarded-For")! }
    static var xForwardedHost: Self { .init("X-Forwarded-Host")! }
}

/// The client's address for throttling sign-ins: the connection's peer; behind a reverse proxy on this
/// machine (a loopback peer), the last address of `X-Forwarded-For` (the one the proxy added); "local"
/// when there is no peer (router-only tests).
enum ClientAddress {
    static func of(peer: SocketAddress?, forwardedFor: String?) -> String {
        guard let peer, let ip = peer.ipAddress else { return "local" }
        if isLoopback(peer), let last = forwardedFor?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
           !last.isEmpty, last.count <= 64, last.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) {
            return last
        }
        return ip
    }

    static func isLoopback(_ peer: SocketAddress?) -> Bool {
        guard let ip = peer?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
