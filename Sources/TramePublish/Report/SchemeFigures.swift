import CSV
import Foundation
import TrameGDAL
import TrameScheme
import TrameVector

/// The figures of a scheme as a table (in the GeoPackage) and as `figures.csv`.
public enum SchemeFigures {
    /// Column names and values of one unit's row, units in the names.
    public static func columns(_ r: SchemeResult) -> [String] {
        var c = ["level", "name", "area_ha", "nature_ha", "nature_pct", "major_interest_ha", "mixed_vocation_ha"]
        if r.referenceShare != nil { c.append("nature_vs_reference_pts") }
        for s in r.subNetworks { c += ["\(s.name)_reservoir_ha", "\(s.name)_reservoir_pct", "\(s.name)_corridor_ha", "\(s.name)_corridor_km", "\(s.name)_PC", "\(s.name)_EC_ha"] }
        c += ["corridor_ha", "buffer_zone_ha", "road_km", "railway_km", "conflict_points", "road_conflicts", "road_conflicts_per_km",
              "railway_conflicts", "railway_conflicts_per_km", "built_up_conflicts", "leisure_hubs", "leisure_hubs_regional", "leisure_hubs_community", "itinerary_km"]
        if r.hydrography != nil { c += ["watercourse_km", "watercourse_good_continuity_km", "river_obstacles", "river_obstacles_per_km"] }
        c += r.management.map { "management_\($0.code)_ha" }
        // Named itineraries, and their km inside each sub-network's corridors (links with two vocations; a stretch
        // inside two sub-networks' corridors counts in both).
        if !r.namedItineraries.isEmpty { c += ["named_itinerary_km"] + r.subNetworks.map { "\($0.name)_shared_km" } }
        return c
    }

    public static func row(_ u: UnitFigures, _ r: SchemeResult) -> [FieldValue] {
        var v: [FieldValue] = [.string(u.level), .string(u.name), .real(u.areaHa), .real(u.natureHa), .real(100 * u.natureShare), .real(u.majorHa), .real(u.mixedHa)]
        if let ref = r.referenceShare { v.append(.real(100 * (u.natureShare - ref))) }
        for s in r.subNetworks.indices {
            v += [.real(u.reservoirHa[s]), .real(u.areaHa > 0 ? 100 * u.reservoirHa[s] / u.areaHa : 0), .real(u.corridorHa[s]), .real(u.corridorKm[s]),
                  .real(u.pc[s]), .real(u.ec[s])]
        }
        v += [.real(u.anyCorridorHa), .real(u.bufferHa), .real(u.roadKm), .real(u.railwayKm), .integer(u.conflicts),
              .integer(u.roadConflicts), u.roadConflictsPerKm.map { .real($0) } ?? .null,
              .integer(u.railwayConflicts), u.railwayConflictsPerKm.map { .real($0) } ?? .null,
              .integer(u.builtUpConflicts), .integer(u.leisureHubs), .integer(u.regionalHubs), .integer(u.communityHubs), .real(u.itineraryKm)]
        if r.hydrography != nil {
            v += [.real(u.watercourseKm), .real(u.continuityKm), .integer(u.obstacles), u.obstaclesPerKm.map { .real($0) } ?? .null]
        }
        v += r.management.indices.map { .real($0 < u.managementHa.count ? u.managementHa[$0] : 0) }
        if !r.namedItineraries.isEmpty {
            v += [.real(u.namedItineraryKm)] + r.subNetworks.map { .real(u.sharedKm[$0.name] ?? 0) }
        }
        return v
    }

    public static func table(_ r: SchemeResult) -> VectorLayer {
        let cols = columns(r)
        let fields = cols.enumerated().map { k, n in FieldDefinition(n, k < 2 ? .string : (["conflict_points", "road_conflicts", "railway_conflicts", "built_up_conflicts", "leisure_hubs", "leisure_hubs_regional", "leisure_hubs_community", "river_obstacles"].contains(n) ? .integer : .real)) }
        return VectorLayer(name: "figures", geometryKind: .unknown, fields: fields, features: r.units.map { u in
            Feature(geometry: nil, attributes: Dictionary(uniqueKeysWithValues: zip(cols, row(u, r))))
        })
    }

    /// The `run_parameters` table: per parameter its name and value as a program reads them (`parameter`,
    /// `value`: "buffer_edge", "100 m"), then its label and value in the run's language (`label`, `value_text`);
    /// then each data source (`source_1`…) with its file, layer, features, producer, date, licence and SHA-256.
    public static func parameterTable(_ r: SchemeResult, words w: Words) -> VectorLayer {
        var rows: [(String, String, String, String)] = []
        let readable = Dictionary(r.readableParameters.map { ($0.name, ($0.label, $0.value)) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in r.parameters {
            let shown = readable[name] ?? (name, value)
            rows.append((name, shown.0, value, shown.1))
        }
        for (k, s) in r.sources.enumerated() {
            rows.append(("source_\(k + 1)", SchemeReport.sourceRole(s, words: w), "\(s.file)\(s.layer.map { "|layername=\($0)" } ?? "") sha256:\(s.sha256)",
                         SchemeReport.sourceText(s, words: w)))
        }
        return VectorLayer(name: "run_parameters", geometryKind: .unknown,
                           fields: [FieldDefinition("parameter", .string), FieldDefinition("label", .string), FieldDefinition("value", .string), FieldDefinition("value_text", .string)],
                           features: rows.map { Feature(geometry: nil, attributes: ["parameter": .string($0.0), "label": .string($0.1), "value": .string($0.2), "value_text": .string($0.3)]) })
    }

    public static func writeCSV(_ r: SchemeResult, to path: String) throws {
        try AtomicOutput.write(to: path) { tmp in
            guard let stream = OutputStream(toFileAtPath: tmp, append: false) else { throw GeodataError(path, "cannot create") }
            let w = try CSVWriter(stream: stream)
            try w.write(row: columns(r))
            for u in r.units {
                try w.write(row: row(u, r).map { v in
                    switch v {
                    // 15 significant digits, as GDAL writes reals: a PC of 3.15e-05 stays 3.15e-05 (not
                    // 0.0000), and 952.18 is not written 952.1800000000001.
                    case .real(let d): d.isFinite ? String(format: "%.15g", d) : ""
                    default: v.description
                    }
                })
            }
            w.stream.close()
        }
    }
}

/// QGIS styles of the scheme's layers, in the colours of the printed map.
public enum SchemeStyles {
    public static func styles(_ subs: [SubNetwork], levels: [UnitLevelSpec] = [], lang: String) -> [String: String] {
        renderers(subs, levels: levels, lang: lang).mapValues(QGISStyles.document)
    }

    /// The `<renderer-v2>` element of each layer's style (what `styles` wraps in a QML document, and the
    /// QGIS project embeds).
    public static func renderers(_ subs: [SubNetwork], levels: [UnitLevelSpec] = [], lang: String) -> [String: String] {
        let w = Words(lang)
        let subCats = subs.map { ($0.name, $0.colour.tuple) }
        let subLabels = subs.map { $0.label(in: w.lang) }
        return [
            SchemeLayer.natureSpaces.name: QGISStyles.categorizedRenderer(.fill, field: "typology", [("major_interest", Palette.major.tuple), ("mixed_vocation", Palette.mixed.tuple)],
                                                    alpha: 200, labels: [w.major, w.mixed]),
            SchemeLayer.reservoirs.name: QGISStyles.categorizedRenderer(.fill, field: "subnetwork", subCats, alpha: 170, labels: subLabels),
            SchemeLayer.corridors.name: QGISStyles.categorizedRenderer(.fill, field: "subnetwork", subCats, alpha: 110, width: 0.2, labels: subLabels),
            SchemeLayer.links.name: QGISStyles.categorizedRenderer(.line, field: "subnetwork", subCats, width: 0.6, labels: subLabels),
            SchemeLayer.bufferZones.name: QGISStyles.categorizedRenderer(.fill, field: "kind", [("urban_break", Palette.buffer.tuple), ("network_frame", (215, 170, 90))],
                                                   alpha: 255, width: 0.3, fillStyle: "b_diagonal", labels: [w.urbanBreak, w.networkFrame]),
            SchemeLayer.conflictPoints.name: QGISStyles.singleRenderer(.marker, Palette.conflict.tuple, shape: "triangle"),
            SchemeLayer.leisureHubs.name: QGISStyles.singleRenderer(.marker, Palette.hub.tuple, shape: "star"),
            SchemeLayer.pinchPoints.name: QGISStyles.singleRenderer(.fill, Palette.pinch.tuple, alpha: 220, width: 0.3),
            SchemeLayer.itineraries.name: QGISStyles.singleRenderer(.line, Palette.itinerary.tuple, width: 0.9, dash: true),
            SchemeLayer.namedItineraries.name: QGISStyles.categorizedRenderer(.line, field: "kind", NamedItinerary.Kind.allCases.map { ($0.rawValue, NamedItineraryStyle.colour($0).tuple) },
                                                         width: 1.2, labels: NamedItinerary.Kind.allCases.map(w.itineraryKind)),
            SchemeLayer.itineraryGaps.name: QGISStyles.singleRenderer(.line, Palette.conflict.tuple, width: 1.4, dash: true),
            SchemeLayer.sharedLinks.name: QGISStyles.singleRenderer(.line, NamedItineraryStyle.shared.tuple, width: 2.2),
            SchemeLayer.itineraryProposals.name: QGISStyles.categorizedRenderer(.line, field: "kind", ItineraryProposal.Kind.allCases.map { ($0.rawValue, NamedItineraryStyle.proposal($0).tuple) },
                                                           width: 0.8, labels: ItineraryProposal.Kind.allCases.map(w.proposalKind)),
            SchemeLayer.units.name: QGISStyles.categorizedRenderer(.fill, field: "level", levels.indices.map { (levels[$0].name, Palette.unitLevel($0, of: levels.count).tuple) },
                                            alpha: 0, width: 0.5, labels: levels.map { $0.label(w.lang) }),
        ]
    }
}
