import Foundation
import TrameGDAL
import TrameRouting
import TrameVector

/// Routes and round trips on the scheme's path network, for the web: points come and go in WGS 84.
public struct ItineraryService: Sendable {
    public let routers: [TravelMode: Router]
    /// The network's CRS (the scheme's).
    public let crsWKT: String
    /// How far a clicked point may lie from the network.
    public let maxSnap: Double

    public init(routers: [TravelMode: Router], crsWKT: String, maxSnap: Double) {
        self.routers = routers; self.crsWKT = crsWKT; self.maxSnap = maxSnap
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    func transformers() throws -> (toNetwork: CoordinateTransformer, toWGS84: CoordinateTransformer) {
        guard let crs = SpatialReference.fromWKT(crsWKT) else { throw Failure(description: "the path network has no CRS") }
        let wgs = try SpatialReference(epsg: 4326)
        return (try CoordinateTransformer(from: wgs, to: crs), try CoordinateTransformer(from: crs, to: wgs))
    }

    func router(_ mode: TravelMode, green: Double) throws -> Router {
        guard var r = routers[mode] else { throw Failure(description: "no \(mode.rawValue) network in this scheme") }
        r.preferGreen = green
        return r
    }

    func snap(_ r: Router, _ p: Point, _ t: CoordinateTransformer, what: String) throws -> EdgePosition {
        let q = try t.transform(p)
        if !r.network.boxContains(q, margin: maxSnap), let q2 = try? t.transform(Point(p.y, p.x)), q2.x.isFinite, q2.y.isFinite,
           r.network.boxContains(q2, margin: maxSnap) {
            throw Failure(description: "the \(what) \(p.x),\(p.y) lies outside the path network; swapped, \(p.y),\(p.x) lies inside it: give lon,lat (longitude first)")
        }
        guard let s = r.snap(q, maxDistance: maxSnap) else {
            throw Failure(description: "the \(what) is more than \(Int(maxSnap)) m from any path a \(r.mode == .walk ? "walker" : "cyclist") may use")
        }
        return s
    }

    /// The route between two points (lon/lat), preferring the green network by `green`.
    public func route(from a: Point, to b: Point, mode: TravelMode, green: Double) throws -> (route: Route, wgs84: [Point]) {
        let (toNet, toWGS) = try transformers()
        let r = try router(mode, green: green)
        let s = try snap(r, a, toNet, what: "start"), t = try snap(r, b, toNet, what: "end")
        let route: Route
        do { route = try r.route(from: s, to: t) } catch let e as RoutingError { throw Failure(description: e.description) }
        return (route, try route.line.map { try toWGS.transform($0) })
    }

    /// A round trip of about `length` metres from a point (lon/lat).
    public func loop(from a: Point, length: Double, mode: TravelMode, green: Double) throws -> (route: Route, wgs84: [Point]) {
        let (toNet, toWGS) = try transformers()
        let r = try router(mode, green: green)
        let s = try snap(r, a, toNet, what: "start")
        let route: Route
        do { route = try r.loop(from: s, length: length) } catch let e as LoopError {
            throw Failure(description: e.message(asked: "\(Int(length.rounded())) m", start: "\(a.x),\(a.y)", show: { "\(Int($0.rounded())) m" }, option: "length_m"))
        } catch let e as RoutingError { throw Failure(description: e.description) }
        return (route, try route.line.map { try toWGS.transform($0) })
    }

    /// GPX 1.1 text of a route.
    public func gpx(_ route: Route, name: String) throws -> Data {
        let path = NSTemporaryDirectory() + "trame-route-\(UUID().uuidString).gpx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try GPXWriter.write(tracks: [(name, route.line)], crsWKT: crsWKT, to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
