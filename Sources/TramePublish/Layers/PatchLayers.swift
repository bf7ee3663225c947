import Foundation
import TrameCost
import TrameGDAL
import TrameRaster
import TrameVector

/// Vector layers of the engine's results.
public enum PatchLayers {
    /// One multipolygon per patch with id, area_ha, perimeter_m, capacity and inventory (1 when it holds a protected site).
    public static func polygons(_ set: PatchSet) throws -> VectorLayer {
        let parts = try Layers.polygons(set.labels)
        let features = set.patches.map { p in
            Feature(geometry: .multiPolygon(parts[Int(p.id)] ?? []), attributes: [
                "id": .integer(Int(p.id)), "area_ha": .real(p.areaHa), "perimeter_m": .real(p.perimeter),
                "capacity": .real(p.areaHa), "inventory": .integer(p.fromInventory ? 1 : 0)])
        }
        return VectorLayer(name: "patches", geometryKind: .multiPolygon,
                           fields: [FieldDefinition("id", .integer), FieldDefinition("area_ha", .real), FieldDefinition("perimeter_m", .real),
                                    FieldDefinition("capacity", .real), FieldDefinition("inventory", .integer)],
                           features: features, crsWKT: set.labels.spec.crsWKT)
    }

    public static func links(_ links: [PatchLink], crsWKT: String) -> VectorLayer {
        VectorLayer(name: "links", geometryKind: .lineString,
                    fields: [FieldDefinition("id", .integer), FieldDefinition("from", .integer), FieldDefinition("to", .integer),
                             FieldDefinition("cost", .real), FieldDefinition("length_m", .real), FieldDefinition("euclidean_m", .real)],
                    features: links.enumerated().map { k, l in
                        Feature(geometry: .lineString(l.line), attributes: [
                            "id": .integer(k + 1), "from": .integer(Int(l.from)), "to": .integer(Int(l.to)), "cost": .real(l.cost),
                            "length_m": .real(l.length), "euclidean_m": .real(l.euclidean)])
                    }, crsWKT: crsWKT)
    }
}
