import Foundation

/// The UTM zone of a place, as Trame suggests it for a territory given in degrees: costs and areas need a
/// projected CRS in metres, and the WGS 84 / UTM zone of the territory's centre is one anywhere on Earth.
///
/// Zones are 6° wide from 180° W (zone 1), north of the equator EPSG:326zz, south EPSG:327zz, with the two
/// exceptions of the standard grid: south-west Norway (56°–64° N, 3°–12° E) is zone 32, and Svalbard
/// (72°–84° N) has zones 31, 33, 35 and 37 only.
public struct UTMZone: Equatable, Sendable {
    public var zone: Int
    public var north: Bool

    /// - Parameters: longitude and latitude in degrees (WGS 84).
    public init(longitude lon: Double, latitude lat: Double) {
        var l = lon.truncatingRemainder(dividingBy: 360)
        if l >= 180 { l -= 360 } else if l < -180 { l += 360 }
        var z = Int(floor((l + 180) / 6)) + 1
        if z > 60 { z = 60 }
        if lat >= 56 && lat < 64 && l >= 3 && l < 12 { z = 32 }
        if lat >= 72 && lat < 84 {
            if l >= 0 && l < 9 { z = 31 } else if l >= 9 && l < 21 { z = 33 } else if l >= 21 && l < 33 { z = 35 } else if l >= 33 && l < 42 { z = 37 }
        }
        zone = z; north = lat >= 0
    }

    /// EPSG code of WGS 84 / UTM zone (32631 for zone 31 N, 32719 for zone 19 S).
    public var epsg: Int { (north ? 32600 : 32700) + zone }

    /// "WGS 84 / UTM zone 31N (EPSG:32631)".
    public var label: String { "WGS 84 / UTM zone \(zone)\(north ? "N" : "S") (EPSG:\(epsg))" }
}
