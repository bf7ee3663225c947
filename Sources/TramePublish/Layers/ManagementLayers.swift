import Foundation
import TrameGDAL
import TrameRaster
import TrameScheme
import TrameVector

extension Layers {
    /// Gives every nature space, reservoir and corridor its management regime (fields `management`,
    /// `management_label`, `prescription`, in the run's language) by the project's [[management]] entries, and
    /// returns per cell 1 + the regime's index (0: none) for the figures: the nature spaces' regimes, then the
    /// corridors' where they leave the nature spaces.
    public mutating func addManagement(_ rules: [ManagementRegime], subNetworks: [SubNetwork], nomenclature: [Int: NomenclatureEntry],
                                       lang: String, spec: GridSpec) throws -> [UInt8] {
        // Layers hold class labels (in the run's language): back to codes through the nomenclature.
        var codeOf: [String: Int] = [:]
        for (c, e) in nomenclature { codeOf[lang == "fr" ? e.labelFr : e.label] = c }
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.code, $0 + 1) })
        func tag(_ layer: inout VectorLayer, _ place: (Feature) -> ManagedPlace) -> [Int] {
            for name in ["management", "management_label", "prescription"] where !layer.fields.contains(where: { $0.name == name }) {
                layer.fields.append(FieldDefinition(name, .string))
            }
            var regimes: [Int] = []
            for k in layer.features.indices {
                let r = Management.regime(rules, for: place(layer.features[k]))
                layer.features[k].attributes["management"] = r.map { .string($0.code) } ?? .null
                layer.features[k].attributes["management_label"] = r.map { .string($0.label(in: lang)) } ?? .null
                layer.features[k].attributes["prescription"] = r.map { .string($0.prescription(in: lang)) } ?? .null
                regimes.append(r.flatMap { index[$0.code] } ?? 0)
            }
            return regimes
        }
        let spaceRegimes = tag(&natureSpaces) { f in
            let dominant = f["dominant_class"].stringValue.flatMap { codeOf[$0] }
            return ManagedPlace(typology: f["typology"].stringValue == "major_interest" ? "major" : "mixed",
                                subNetwork: dominant.flatMap { Management.biotope(of: $0, in: subNetworks) }, dominantClass: dominant)
        }
        _ = tag(&reservoirs) { f in ManagedPlace(typology: "major", subNetwork: f["subnetwork"].stringValue, dominantClass: nil) }
        let corridorRegimes = tag(&corridors) { f in
            ManagedPlace(typology: "corridor", subNetwork: f["subnetwork"].stringValue, dominantClass: f["dominant_class"].stringValue.flatMap { codeOf[$0] })
        }
        // Per cell: the nature space's regime, else the corridor's. The polygons are filled by scanlines in
        // place (corridors first, then the nature spaces over them; later features over earlier ones, as
        // GDAL burns them): GDAL's filler goes over every edge of a polygon at each row, which a region's
        // polygons make quadratic.
        let t = spec.transform
        guard t.isNorthUp else { throw GeodataError("", "the management areas need a north-up grid (no rotation)") }
        let filler = PolygonFill(west: t.originX, north: t.originY, cellWidth: t.pixelWidth, cellHeight: -t.pixelHeight,
                                 cols: spec.cols, rows: spec.rows)
        var out = [UInt8](repeating: 0, count: spec.count)
        let cols = spec.cols
        out.withUnsafeMutableBufferPointer { cells in
            for (layer, regimes) in [(corridors, corridorRegimes), (natureSpaces, spaceRegimes)] {
                for (f, r) in zip(layer.features, regimes) where r > 0 {
                    guard let g = f.geometry else { continue }
                    let v = UInt8(clamping: r)
                    filler.fill(g) { row, c0, c1 in
                        let base = row * cols
                        for i in (base + c0)..<(base + c1) { cells[i] = v }
                    }
                }
            }
        }
        return out
    }
}

/// The report's section on the differentiated management: each regime, what it applies to, its
/// prescription and its area in the territory.
public enum ManagementReport {
    public static func rows(_ r: SchemeResult, words w: Words) -> [[String]] {
        guard let territory = r.units.first else { return [] }
        return r.management.enumerated().map { k, m in
            var applies: [String] = []
            if let t = m.typology { applies.append(t == "major" ? w.majorShort : t == "mixed" ? w.mixedShort : w.corridors.lowercased()) }
            if let s = m.subNetwork { applies.append(w.subNetworkName(s, label: r.subNetworks.first { $0.name == s }?.label ?? s)) }
            if let c = m.classes { applies.append(c.map(String.init).joined(separator: ", ")) }
            return [m.label(in: w.lang), applies.isEmpty ? w[.allPlaces] : applies.joined(separator: " · "), m.prescription(in: w.lang),
                    w.ha(k < territory.managementHa.count ? territory.managementHa[k] : 0)]
        }
    }

    public static func header(_ w: Words) -> [String] { [w[.managementRegime], w[.appliesTo], w[.prescriptionWord], w.area] }
}
