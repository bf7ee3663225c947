import Foundation
import TrameGDAL
import TrameScheme

/// `report.html`: one self-contained file (maps embedded) that partners can read: key figures, maps,
/// tables per unit, top reservoirs, links and conflict points, parameters, partners and their data.
public struct SchemeReport {
    public let result: SchemeResult
    public let lang: String
    public let folder: String

    /// The tables shared by the report and the atlas's figures page.
    /// The conflict points in all, then by what they are with, each ratio over its own network:
    /// "88 — roads 60 (0.77 per km of road, 77.5 km), railways 10 (0.52 per km of railway, 19.2 km), built-up land 18".
    public static func conflictSummary(_ t: UnitFigures, w: Words) -> String {
        var parts: [String] = []
        if t.roadConflicts > 0 || t.roadKm > 0 {
            parts.append("\(w[.roadsWord]) \(t.roadConflicts)"
                         + (t.roadConflictsPerKm.map { " (\(w.number($0, decimals: 2)) \(w[.perKmOfRoad]), \(w.km(t.roadKm)))" } ?? ""))
        }
        if t.railwayConflicts > 0 || t.railwayKm > 0 {
            parts.append("\(w[.railwaysWord]) \(t.railwayConflicts)"
                         + (t.railwayConflictsPerKm.map { " (\(w.number($0, decimals: 2)) \(w[.perKmOfRailway]), \(w.km(t.railwayKm)))" } ?? ""))
        }
        if t.builtUpConflicts > 0 { parts.append("\(w[.builtUpLand]) \(t.builtUpConflicts)") }
        let others = t.conflicts - t.roadConflicts - t.railwayConflicts - t.builtUpConflicts
        if others > 0 { parts.append("\(w[.riverObstacles]) \(others)") }
        return "\(t.conflicts)" + (parts.isEmpty ? "" : " — " + parts.joined(separator: ", "))
    }

    /// "3 (1 of regional stake, 2 of community stake), 2 in a nature space".
    public static func hubSummary(_ r: SchemeResult, w: Words) -> String {
        let regional = r.leisureHubs.filter { $0.stake == .regional }.count, community = r.leisureHubs.filter { $0.stake == .community }.count
        let stakes = regional + community > 0 ? " (\(regional) \(w[.ofRegionalStake]), \(community) \(w[.ofCommunityStake]))" : ""
        return "\(r.leisureHubs.count)\(stakes), \(r.leisureHubs.filter { $0.typology != nil }.count) \(w[.inANatureSpace])"
    }

    /// What a data source is for: "inventaire : ZNIEFF type 1", "routes".
    public static func sourceRole(_ s: SchemeResult.Source, words w: Words) -> String {
        w[s.role] + (s.detail.map { "\(w.fr ? " : " : ": ")\($0)" } ?? "")
    }

    /// A data source in one line: "territory.gpkg (couche roads), 12 objets, Producteur : IGN, 2021, Licence Ouverte".
    public static func sourceText(_ s: SchemeResult.Source, words w: Words) -> String {
        var parts = [s.file + (s.layer.map { " (\(w[.layerWord]) \($0))" } ?? "")]
        if let n = s.features { parts.append(w.count(n, w[.featureOne], w[.features].lowercased())) }
        let colon = w.fr ? " : " : ": "
        if let v = s.origin.producer { parts.append(w[.producer] + colon + v) }
        if let v = s.origin.date { parts.append(w[.date] + colon + v) }
        if let v = s.origin.licence { parts.append(w[.licence] + colon + v) }
        return parts.joined(separator: ", ")
    }

    public static func tables(_ r: SchemeResult, words w: Words) -> [(title: String, header: [String], rows: [[String]])] {
        let t = r.territory
        func subName(_ name: String) -> String { w.subNetworkName(name, label: r.subNetworks.first { $0.name == name }?.label ?? name) }
        var key: [[String]] = [
            [w[.territoryArea], w.ha(t.areaHa)],
            [w.natureSpaces, "\(w.ha(t.natureHa)) (\(w.pct(t.natureShare)))"],
            ["  " + w.majorShort, "\(w.ha(t.majorHa)) (\(w.pct(t.areaHa > 0 ? t.majorHa / t.areaHa : 0))), \(r.majorSpaces) \(w[.spacesMany])"],
            ["  " + w.mixedShort, "\(w.ha(t.mixedHa)) (\(w.pct(t.areaHa > 0 ? t.mixedHa / t.areaHa : 0))), \(r.mixedSpaces) \(w[.spacesMany])"],
        ]
        if let ref = r.referenceShare {
            key.append(["\(w[.comparedWith]) \(r.referenceLabel) (\(w.pct(ref)))",
                        "\(t.natureShare >= ref ? "+" : "")\(w.number(100 * (t.natureShare - ref))) \(w[.pointsWord])"])
        }
        key += [
            [w.corridors, "\(w.ha(t.anyCorridorHa)), \(w.km(t.corridorKm.reduce(0, +)))"],
            [w.bufferZones, "\(w.ha(t.bufferHa))\(w.fr ? " : " : ": ")"
                + "\(w.count(r.urbanBreaks.count, w[.urbanBreakOne], w[.urbanBreakMany])) (\(w.ha(r.urbanBreaks.ha)), "
                + "\(w.count(r.northSouthBreaks, w[.openingOne], w.openings))), "
                + "\(w.count(r.networkFrames.count, w[.networkFrameOne], w[.networkFrameMany])) (\(w.ha(r.networkFrames.ha)))"],
            [w.conflictPoints, conflictSummary(t, w: w)],
            [w.leisureHubs, hubSummary(r, w: w)],
        ]
        if let h = r.hydrography {
            let sep = w.fr ? " ; " : "; "
            key.append([w.watercourses, "\(w.km(h.watercourseKm)), \(w.km(h.continuityKm)) \(w.goodContinuity) (\(w.continuityRule(h.goodContinuityM)))\(sep)"
                        + "\(h.obstacles) \(w.obstacles.lowercased()) (\(h.breaking) \(w[.breakingMany])), \(w.number(h.obstaclesPerKm, decimals: 2)) \(w[.perKm])\(sep)"
                        + "\(w[.riverCorridors]) \(w.km(h.corridorKm))"])
        }
        if !r.itineraries.isEmpty {
            let total = r.itineraries.reduce(0) { $0 + $1.lengthM }
            let green = r.itineraries.reduce(0) { $0 + $1.lengthM * $1.greenShare } / max(total, 1)
            key.append([w.itineraries, "\(w.km(total / 1000)) (\(r.itineraries.count)), " + String(format: w[.ofWhichInGreen], w.pct(green))
                        + (r.unreachableHubs.isEmpty ? "" : "; \(w[.hubsNotReached]): \(r.unreachableHubs.joined(separator: ", "))")])
        }
        if !r.namedItineraries.isEmpty {
            let km = r.namedItineraries.reduce(0) { $0 + $1.length } / 1000, gaps = r.namedItineraries.reduce(0) { $0 + $1.gapLength }
            let shared = r.namedItineraries.reduce(0) { $0 + $1.sharedLength } / 1000
            key.append([w[.namedItineraries], "\(r.namedItineraries.count), \(w.km(km)); \(w[.gapsWord].lowercased()) \(w.number(gaps, decimals: 0)) m; "
                        + String(format: w[.sharedLinksText], w.km(shared))])
        }
        let subs = r.subNetworks.map { s in
            [w.subNetworkName(s.name, label: s.label), "\(s.reservoirs)", w.ha(s.reservoirHa), "\(s.functionalLinks)/\(s.links)", w.ha(s.corridorHa),
             w.km(s.corridorKm), w.significant(s.pc), w.ha(s.ec), "\(s.conflicts)"]
        }
        let subHeader = [w.subNetwork, w.reservoirs, w.area, w[.linksFunctionalAll], w.corridors, w.length, "PC", "EC", w.conflictPoints]
        let levels = unitTables(r, words: w)
        let conflicts = r.conflicts.prefix(15).map { c in
            [String(c.rank), subName(c.subNetwork), "\(w.conflictKind(c.point.kind)) (\(c.point.passability.map { "\(w.obstacleKind(c.point.cls)), \(w[.passabilityWord]) \(w.number($0, decimals: 2))" } ?? w.infrastructureClass(c.point.cls)))\(c.point.name.isEmpty ? "" : " \(c.point.name)")",
             "\(w.number(c.point.crossingLength, decimals: 0)) m", w.number(c.point.dPC, decimals: 2) + " %",
             String(format: "%.0f", c.point.point.x) + (w.fr ? " ; " : ", ") + String(format: "%.0f", c.point.point.y)]
        }
        var out: [(String, [String], [[String]])] = [
            (w.figures, [w[.indicator], w[.value]], key),
            (w.subNetworks, subHeader, subs),
        ]
        // The larger levels, the conflict points, then the smallest level (the longest table).
        out += levels.dropLast()
        out.append((w.topConflicts, [w.rank, w.subNetwork, w.infrastructure, w.crossing, w.importance, "x, y (m)"], conflicts))
        out += levels.suffix(1)
        out += namedItineraryTables(r, words: w)
        out.append((w.itineraries, [w[.fromWord], w[.toWord], w.length, w.greenShare],
                    r.itineraries.map { [$0.from, $0.to, "\(w.number($0.lengthM, decimals: 0)) m", w.pct($0.greenShare)] }))
        return out
    }

    /// One table per level of units, largest level first: each unit's area, nature spaces, corridors, buffer
    /// zones and conflict points.
    public static func unitTables(_ r: SchemeResult, words w: Words) -> [(title: String, header: [String], rows: [[String]])] {
        let header = [w.name, w.area, w.natureSpaces, w.majorShort, w.mixedShort, w.corridors, w.bufferZones, w.conflictPoints]
        return r.unitLevels.map { l in
            (l.label(w.lang), header, r.units.filter { $0.level == l.name }.map { u in
                [u.name, w.ha(u.areaHa), w.pct(u.natureShare), w.ha(u.majorHa), w.ha(u.mixedHa), w.ha(u.anyCorridorHa), w.ha(u.bufferHa), "\(u.conflicts)"]
            })
        }
    }

    public func write() throws {
        let w = Words(lang)
        let r = result
        let esc = HTMLPage.escape
        func image(_ name: String, alt: String) -> String {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let d = FileManager.default.contents(atPath: path) else { return "" }
            return "<figure><img alt=\"\(esc(alt))\" src=\"data:image/png;base64,\(d.base64EncodedString())\"><figcaption>\(esc(alt))</figcaption></figure>"
        }
        /// Cells of `codeColumns` are shown as code (a project key, a checksum): not words of the language.
        func table(_ header: [String], _ rows: [[String]], codeColumns: Set<Int> = []) -> String { HTMLPage.table(header, rows, codeColumns: codeColumns) }
        let tables = SchemeReport.tables(r, words: w)
        func subNetworkLabel(_ name: String) -> String { w.subNetworkName(name, label: r.subNetworks.first { $0.name == name }?.label ?? name) }
        var html = HTMLPage.start(lang: w.lang, title: "\(r.title) — \(w.scheme)", heading: r.title,
                                  subheading: "\(w.scheme) — \(r.name) · \(r.crs) · \(Int(r.cellSize)) m")
        let t = r.territory
        html += "<h2>\(esc(w.figures))</h2><div class=\"cards\">"
        html += "<div class=\"card\"><b>\(esc(w.pct(t.natureShare)))</b>\(esc(w.natureSpaces)) (\(esc(w.ha(t.natureHa))))</div>"
        if let ref = r.referenceShare { html += "<div class=\"card\"><b>\(esc(w.pct(ref)))</b>\(esc(r.referenceLabel))</div>" }
        html += "<div class=\"card\"><b>\(esc(w.ha(t.majorHa)))</b>\(esc(w.majorShort))</div>"
        html += "<div class=\"card\"><b>\(esc(w.ha(t.mixedHa)))</b>\(esc(w.mixedShort))</div>"
        html += "<div class=\"card\"><b>\(esc(w.km(t.corridorKm.reduce(0, +))))</b>\(esc(w.corridors))</div>"
        html += "<div class=\"card\"><b>\(esc(w.ha(t.bufferHa)))</b>\(esc(w.bufferZones))</div>"
        html += "<div class=\"card\"><b>\(t.conflicts)</b>\(esc(w.conflictPoints))</div></div>"
        html += table(tables[0].header, tables[0].rows)
        html += image("map.png", alt: "\(r.title) — \(w.scheme)")
        html += "<h2>\(esc(w.subNetworks))</h2>" + table(tables[1].header, tables[1].rows)
        for s in r.subNetworks {
            html += "<h3>\(esc(w.subNetworkName(s.name, label: s.label)))</h3>"
            let colon = w.fr ? " : " : ": ", semi = w.fr ? " ; " : "; "
            if let h = r.hydrography, h.subNetwork == s.name {
                // Built on the watercourses: no dispersal distance nor corridor width, the strip and the obstacles.
                html += "<p>" + esc(w.fr
                    ? "Construite sur les cours d'eau : corridors = ripisylve de \(w.number(h.riparianStripM, decimals: 0)) m de chaque côté de l'axe ; les obstacles franchissables relient les tronçons avec la probabilité de leur franchissabilité\(semi)\(w.count(s.components, w[.componentOne], w[.componentMany]))."
                    : "Built on the watercourses: corridors = riparian strip of \(w.number(h.riparianStripM, decimals: 0)) m on each side of the axis; passable obstacles join the stretches with the probability of their passability\(semi)\(w.count(s.components, w[.componentOne], w[.componentMany])).") + "</p>"
            } else {
                html += "<p>\(w[.dispersal])\(colon)\(esc(w.number(s.dispersalCost, decimals: 0))) \(w[.costUnits]) (p = \(w.number(s.dispersalProbability, decimals: 2)))\(semi)\(w[.corridorWidth])\(colon)\(esc(w.corridorWidth(s.corridorWidth)))\(semi)\(w.count(s.components, w[.componentOne], w[.componentMany])).</p>"
            }
            html += image("map_\(s.name).png", alt: w.subNetworkName(s.name, label: s.label))
            html += "<h4>\(esc(w.topReservoirs))</h4>" + table([w.reservoir.prefix(1).uppercased() + w.reservoir.dropFirst(), w.area, "dPC", w[.inventories]],
                                                             s.topReservoirs.map { ["\($0.id)", w.ha($0.areaHa), w.number($0.dPC, decimals: 2) + " %", $0.inventories] })
            html += "<h4>\(esc(w.topLinks))</h4>" + table([w[.link], w[.reservoirsPlain], w[.cost], w.length, "dPC"],
                                                        s.topLinks.map { ["\($0.id)", "\($0.from) – \($0.to)", w.number($0.cost, decimals: 0), "\(w.number($0.lengthM, decimals: 0)) m", w.number($0.dPC, decimals: 2) + " %"] })
        }
        if let h = r.hydrography {
            html += "<h2>\(esc(w.blueNetwork))</h2><p>"
            let subName = w.subNetworkName(h.subNetwork, label: r.subNetworks.first { $0.name == h.subNetwork }?.label ?? h.subNetwork)
            html += esc(w.fr
                ? "\(subName), construite sur les cours d'eau : \(w.km(h.watercourseKm)) de cours d'eau, coupés par \(w.count(h.breaking, "obstacle infranchissable", "obstacles infranchissables"))\(h.barrierKm > 0 ? " et \(w.km(h.barrierKm)) en occupation du sol faisant obstacle" : "") en \(w.count(h.stretches, "tronçon", "tronçons")) et \(w.count(h.reaches, "continuité", "continuités")) ; \(w.km(h.continuityKm)) \(w.goodContinuity) (\(w.continuityRule(h.goodContinuityM))). Les corridors suivent les cours d'eau avec leur ripisylve : \(w.km(h.corridorKm)). \(w.count(h.obstacles, "obstacle", "obstacles")), soit \(w.number(h.obstaclesPerKm, decimals: 2)) par km\(h.unplaced > 0 ? " ; \(w.count(h.unplaced, "obstacle loin de tout cours d'eau ignoré", "obstacles loin de tout cours d'eau ignorés"))" : "")."
                : "\(subName), built on the watercourses: \(w.km(h.watercourseKm)) of watercourse, cut by \(w.count(h.breaking, "breaking obstacle", "breaking obstacles"))\(h.barrierKm > 0 ? " and \(w.km(h.barrierKm)) in barrier land cover" : "") into \(w.count(h.stretches, "stretch", "stretches")) and \(w.count(h.reaches, "reach", "reaches")) in continuity; \(w.km(h.continuityKm)) \(w.goodContinuity) (\(w.continuityRule(h.goodContinuityM))). Corridors follow the watercourses with their riparian strip: \(w.km(h.corridorKm)). \(w.count(h.obstacles, "obstacle", "obstacles")), \(w.number(h.obstaclesPerKm, decimals: 2)) per km\(h.unplaced > 0 ? "; \(w.count(h.unplaced, "obstacle far from every watercourse left out", "obstacles far from every watercourse left out"))" : "").")
            html += "</p>" + table([w.name, w[.typeWord], w.passability, w.reconnected],
                                   h.topObstacles.map { [$0.name, w.obstacleKind($0.kind), w.number($0.passability, decimals: 2), "\(w.number($0.reconnectedM, decimals: 0)) m"] })
        }
        let conflictTable = tables.first { $0.title == w.topConflicts }!, itineraryTable = tables.last!
        html += "<h2>\(esc(w.topConflicts))</h2>" + table(conflictTable.header, conflictTable.rows)
        if !r.management.isEmpty {
            html += "<h2>\(esc(w[.managementTitle]))</h2><p>\(esc(w[.managementIntro]))</p>" + table(ManagementReport.header(w), ManagementReport.rows(r, words: w))
                + image("map_management.png", alt: w[.managementTitle])
        }
        let levels = SchemeReport.unitTables(r, words: w)
        if !levels.isEmpty { html += "<h2>\(esc(w.figuresPerLevel))</h2>" }
        for t in levels { html += "<h3>\(esc(t.title))</h3>" + table(t.header, t.rows) }
        if !r.itineraries.isEmpty { html += "<h2>\(esc(w.itineraries))</h2>" + table(itineraryTable.header, itineraryTable.rows) }
        for t in SchemeReport.namedItineraryTables(r, words: w) { html += "<h2>\(esc(t.title))</h2>" + table(t.header, t.rows) }
        if !r.pinchPoints.isEmpty {
            html += "<h2>\(esc(w.pinchPoints))</h2><p>\(w[.pinchPointsText])</p>"
            html += table([w.subNetwork, w[.link], w[.reservoirsPlain], w.area, w[.largestCurrent], "dPC"],
                          r.pinchPoints.sorted { ($0.dPC, $0.maxCurrent) > ($1.dPC, $1.maxCurrent) }.prefix(20).map {
                              [subNetworkLabel($0.subNetwork), "\($0.link)", "\($0.from) – \($0.to)", w.ha($0.areaHa), "\(w.number($0.maxCurrent, decimals: 3)) A", w.number($0.dPC, decimals: 2) + " %"] })
        }
        html += "<h2>\(w[.method])</h2>"
        for (title, text) in MethodText.paragraphs(r, words: w) {
            if title == w[.references] {
                html += "<h3>\(esc(title))</h3><ul>" + MethodText.references.map { "<li><cite>\(esc($0))</cite></li>" }.joined() + "</ul>"
            } else {
                html += "<h3>\(esc(title))</h3><p>\(esc(text))</p>"
            }
        }
        let friction = MethodText.frictionTable(r, words: w)
        html += "<h3>\(w[.frictionTitle])</h3>" + table(friction.header, friction.rows)
        html += "<h2>\(esc(w.parameters))</h2>" + table([w[.parameter], w[.value], w[.projectKey]],
                                                       r.readableParameters.map { [$0.label, $0.value, $0.key] }, codeColumns: [2])
        html += "<h2>\(esc(w[.dataSources]))</h2>" + table([w[.role], w[.file], w[.features], w[.producer], w[.date], w[.licence], "SHA-256"],
                                                         r.sources.map { s in
                                                             [SchemeReport.sourceRole(s, words: w).capitalizedFirst, s.file + (s.layer.map { " (\(w[.layerWord]) \($0))" } ?? ""), s.features.map(String.init) ?? "–",
                                                              s.origin.producer ?? "–", s.origin.date ?? "–", s.origin.licence ?? "–", s.sha256] }, codeColumns: [6])
        html += "<p><small>\(esc(w.madeOn(Date()))) · Trame \(TrameVersion.current) · \(w.number(r.seconds, decimals: 1)) s</small></p></main></body></html>\n"
        try AtomicOutput.write(to: (folder as NSString).appendingPathComponent("report.html")) { tmp in
            try html.write(toFile: tmp, atomically: false, encoding: .utf8)
        }
    }
}

extension String {
    /// The text with its first letter in capitals ("inventaire : ZNIEFF" → "Inventaire : ZNIEFF").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
