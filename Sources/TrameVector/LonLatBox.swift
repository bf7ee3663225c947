import Foundation

/// A box in longitude/latitude degrees (WGS 84).
public struct LonLatBox: Sendable, Equatable {
    public var west: Double, south: Double, east: Double, north: Double
    public init(west: Double, south: Double, east: Double, north: Double) {
        self.west = west; self.south = south; self.east = east; self.north = north
    }
    public func intersects(_ o: LonLatBox) -> Bool { west <= o.east && o.west <= east && south <= o.north && o.south <= north }
    /// Parses `minLon,minLat,maxLon,maxLat`; nil when malformed or outside WGS 84's range.
    public init?(parsing text: String) {
        let v = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 4, let w = v[0], let s = v[1], let e = v[2], let n = v[3], [w, s, e, n].allSatisfy(\.isFinite),
              (-180...180).contains(w), (-180...180).contains(e), (-90...90).contains(s), (-90...90).contains(n), w < e, s < n
        else { return nil }
        self.init(west: w, south: s, east: e, north: n)
    }
}
