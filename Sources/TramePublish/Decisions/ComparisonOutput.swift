import Foundation
import TrameGDAL
import TrameMaps
import TrameRaster
import TrameScheme
import TrameVector

/// Writes what `trame compare` found: diff.gpkg (the changes as layers styled for QGIS, and every figure's
/// change), figure_changes.csv, diff.png (gains and losses on a map) and report.html, in one language.
public struct ComparisonOutput {
    public let comparison: SchemeComparison
    public let old: SchemeOutput
    public let new: SchemeOutput
    public let lang: String
    /// Layers shown with the changes and written into diff.gpkg as they are (a scenario's changes).
    public var extraLayers: [VectorLayer] = []
    /// For a scenario: which sub-networks the project reaches, and which were taken from the scheme before it.
    public var scenarioReach: ScenarioReach? = nil

    public struct ScenarioReach {
        /// Per sub-network: why the project reaches it, or nil.
        public var reach: [(subNetwork: String, reason: SubNetworkReach.Reason?)]
        /// Whether the sub-networks not reached were taken from the scheme before (built in the same run).
        public var reused: Bool
        public var savedSeconds: Double
        /// Land-cover classes' labels in the report's language, by code.
        public var classLabels: [Int32: String]
        public init(reach: [(subNetwork: String, reason: SubNetworkReach.Reason?)], reused: Bool, savedSeconds: Double, classLabels: [Int32: String] = [:]) {
            self.reach = reach; self.reused = reused; self.savedSeconds = savedSeconds; self.classLabels = classLabels
        }
    }

    public init(_ comparison: SchemeComparison, old: SchemeOutput, new: SchemeOutput, lang: String, extraLayers: [VectorLayer] = []) {
        self.comparison = comparison; self.old = old; self.new = new; self.lang = lang; self.extraLayers = extraLayers
    }

    var w: Words { Words(lang) }

    /// The label of a change code in the reader's language.
    public func label(_ change: String) -> String {
        let t: Term? = switch change {
        case "gained_major": .cmpGainedMajor
        case "gained_mixed": .cmpGainedMixed
        case "lost_major": .cmpLostMajor
        case "lost_mixed": .cmpLostMixed
        case "mixed_to_major": .cmpMixedToMajor
        case "major_to_mixed": .cmpMajorToMixed
        case "gained": .cmpGained
        case "lost": .cmpLost
        case "new": .cmpNew
        case "grown": .cmpGrown
        case "shrunk": .cmpShrunk
        case "split": .cmpSplit
        case "merged": .cmpMerged
        case "cut": .cmpCut
        case "created": .cmpCreated
        case "costlier": .cmpCostlier
        case "cheaper": .cmpCheaper
        case "added": .cmpAdded
        case "resolved": .cmpResolved
        default: nil
        }
        return t.map { w[$0] } ?? change
    }

    /// The layers with a `change_label` field after `change`.
    var labelledLayers: [VectorLayer] {
        comparison.layers.map { l in
            var l = l
            if let k = l.fields.firstIndex(where: { $0.name == "change" }) { l.fields.insert(FieldDefinition("change_label", .string), at: k + 1) }
            l.features = l.features.map { f in
                var f = f
                f.attributes["change_label"] = .string(label(f["change"].stringValue ?? ""))
                return f
            }
            return l
        }
    }

    static let gain = (26, 150, 65), loss = (215, 25, 28), other = (70, 110, 200)

    func styles() -> [String: String] {
        func cats(_ codes: [String], _ colours: [(Int, Int, Int)]) -> [(String, (Int, Int, Int))] { Array(zip(codes, colours)) }
        let spaces = SchemeComparison.SpaceChange.allCases
        return [
            "nature_space_changes": QGISStyles.categorized(.fill, field: "change", cats(spaces.map(\.code), spaces.map(\.colour)), alpha: 220,
                                                           labels: spaces.map { label($0.code) }),
            "corridor_changes": QGISStyles.categorized(.fill, field: "change", cats(["gained", "lost"], [Self.gain, Self.loss]), alpha: 160,
                                                       labels: [w[.cmpCorridorGained], w[.cmpCorridorLost]]),
            "buffer_zone_changes": QGISStyles.categorized(.fill, field: "change", cats(["gained", "lost"], [(196, 120, 40), (120, 120, 120)]), alpha: 120,
                                                          fillStyle: "b_diagonal", labels: [w[.cmpBufferGained], w[.cmpBufferLost]]),
            "reservoir_changes": QGISStyles.categorized(.fill, field: "change", cats(["lost", "new", "grown", "shrunk", "split", "merged"],
                                                                                    [Self.loss, Self.gain, Self.gain, Self.loss, Self.other, Self.other]),
                                                        alpha: 140, labels: ["lost", "new", "grown", "shrunk", "split", "merged"].map(label)),
            "link_changes": QGISStyles.categorized(.line, field: "change", cats(["cut", "created", "costlier", "cheaper"], [Self.loss, Self.gain, (240, 150, 40), (90, 180, 90)]),
                                                   width: 0.8, labels: ["cut", "created", "costlier", "cheaper"].map(label)),
            "conflict_changes": QGISStyles.categorized(.marker, field: "change", cats(["added", "resolved"], [Self.loss, Self.gain]),
                                                       labels: [w[.cmpConflictAdded], w[.cmpConflictResolved]]),
        ]
    }

    /// The management regimes' labels by code, as the newer scheme's nature spaces and corridors carry them.
    var regimeLabels: [String: String] {
        var out: [String: String] = [:]
        for name in ["nature_spaces", "corridors"] {
            for f in (try? new.layer(name).features) ?? [] {
                if let code = f["management"].stringValue, let label = f["management_label"].stringValue, !code.isEmpty { out[code] = label }
            }
        }
        return out
    }

    /// The figure changes as a table: level, name, figure (figures.csv's column), figure_label (in the
    /// report's language), old, new, change, change_pct.
    var figureTable: VectorLayer {
        let subs = comparison.subNetworks.map(\.name), regimes = regimeLabels
        let fields = [FieldDefinition("level", .string), FieldDefinition("name", .string), FieldDefinition("figure", .string), FieldDefinition("figure_label", .string),
                      FieldDefinition("old", .real), FieldDefinition("new", .real), FieldDefinition("change", .real), FieldDefinition("change_pct", .real)]
        return VectorLayer(name: "figure_changes", geometryKind: .unknown, fields: fields, features: comparison.figures.map { f in
            let pct: FieldValue = f.change.flatMap { ch in f.old.flatMap { $0 != 0 ? .real(100 * ch / $0) : nil } } ?? .null
            return Feature(geometry: nil, attributes: ["level": .string(f.level), "name": .string(f.name), "figure": .string(f.figure),
                                                       "figure_label": .string(w.figureColumn(f.figure, subNetworks: subs, regimes: regimes)), "old": f.old.map(FieldValue.real) ?? .null, "new": f.new.map(FieldValue.real) ?? .null,
                                                       "change": f.change.map(FieldValue.real) ?? .null, "change_pct": pct])
        })
    }

    /// Writes the four files into `folder` (which exists).
    public func write(into folder: String) throws {
        let path = { (n: String) in (folder as NSString).appendingPathComponent(n) }
        var st = styles()
        for l in extraLayers { st[l.name] = QGISStyles.single(l.geometryKind == .lineString || l.geometryKind == .multiLineString ? .line : .fill, (20, 20, 20), alpha: 40, width: 0.8) }
        try VectorIO.write(extraLayers + labelledLayers, to: path("diff.gpkg"), styles: st, tables: [figureTable],
                           metadata: ["TRAME_COMPARE_OLD": old.folder, "TRAME_COMPARE_NEW": new.folder, "TRAME_VERSION": TrameVersion.current])
        let subs = comparison.subNetworks.map(\.name), regimes = regimeLabels
        var csv = "level,name,figure,figure_label,old,new,change,change_pct\n"
        func q(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        func n(_ v: Double?) -> String { v.map { String($0) } ?? "" }
        for f in comparison.figures {
            let pct = f.change.flatMap { ch in f.old.flatMap { $0 != 0 ? 100 * ch / $0 : nil } }
            csv += "\(q(f.level)),\(q(f.name)),\(q(f.figure)),\(q(w.figureColumn(f.figure, subNetworks: subs, regimes: regimes))),\(n(f.old)),\(n(f.new)),\(n(f.change)),\(n(pct))\n"
        }
        try AtomicOutput.write(to: path("figure_changes.csv")) { try csv.write(toFile: $0, atomically: false, encoding: .utf8) }
        try AtomicOutput.write(to: path("diff.png")) { try drawMap(to: $0) }
        try AtomicOutput.write(to: path("report.html")) { try html(map: FileManager.default.contents(atPath: path("diff.png"))).write(toFile: $0, atomically: false, encoding: .utf8) }
    }

    // MARK: - Map

    func drawMap(to file: String) throws {
        let w = self.w
        func polys(_ f: Feature) -> [Polygon] {
            switch f.geometry { case .polygon(let p): [p]; case .multiPolygon(let ps): ps; default: [] }
        }
        func lines(_ f: Feature) -> [[Point]] {
            switch f.geometry { case .lineString(let l): [l]; case .multiLineString(let ls): ls; default: [] }
        }
        let layer = { (name: String) in comparison.layers.first { $0.name == name }?.features ?? [] }
        var layers: [MapLayer] = []
        var legend: [LegendEntry] = []
        // The new scheme's nature spaces as the ground, in grey.
        let ground = (try? new.layer("nature_spaces").features.flatMap(polys)) ?? []
        layers.append(.polygons(ground, fill: Colour(0.86, 0.87, 0.85), stroke: nil, width: 0, hatch: nil, dash: []))
        legend.append(LegendEntry(.fill(Colour(0.86, 0.87, 0.85), outline: nil), w[.cmpNatureSpacesAfter]))
        let spaces = layer("nature_space_changes")
        for ch in SchemeComparison.SpaceChange.allCases {
            let ps = spaces.filter { $0["change"].stringValue == ch.code }.flatMap(polys)
            guard !ps.isEmpty else { continue }
            layers.append(.polygons(ps, fill: Colour(rgb: ch.colour, alpha: 0.9), stroke: nil, width: 0, hatch: nil, dash: []))
            legend.append(LegendEntry(.fill(Colour(rgb: ch.colour, alpha: 0.9), outline: nil), label(ch.code)))
        }
        let corridors = layer("corridor_changes")
        for (code, c, t) in [("gained", Self.gain, Term.cmpCorridorGained), ("lost", Self.loss, Term.cmpCorridorLost)] {
            let ps = corridors.filter { $0["change"].stringValue == code }.flatMap(polys)
            guard !ps.isEmpty else { continue }
            layers.append(.polygons(ps, fill: Colour(rgb: c, alpha: 0.25), stroke: Colour(rgb: c), width: 0.6, hatch: Colour(rgb: c, alpha: 0.8), dash: []))
            legend.append(LegendEntry(.hatch(Colour(rgb: c)), w[t]))
        }
        let links = layer("link_changes")
        for (code, c, dash) in [("cut", Self.loss, [5.0, 3.0]), ("created", Self.gain, [])] {
            let ls = links.filter { $0["change"].stringValue == code }.flatMap(lines)
            guard !ls.isEmpty else { continue }
            layers.append(.lines(ls, colour: Colour(rgb: c), width: 2, dash: dash))
            legend.append(LegendEntry(.line(Colour(rgb: c), width: 2, dash: dash), "\(w[.link]) \(label(code))"))
        }
        let conflicts = layer("conflict_changes")
        for (code, c, t) in [("added", Self.loss, Term.cmpConflictAdded), ("resolved", Self.gain, Term.cmpConflictResolved)] {
            let pts: [Point] = conflicts.filter { $0["change"].stringValue == code }.compactMap { if case .point(let p)? = $0.geometry { p } else { nil } }
            guard !pts.isEmpty else { continue }
            layers.append(.markers(pts, shape: .diamond, size: 9, fill: Colour(rgb: c)))
            legend.append(LegendEntry(.marker(.diamond, Colour(rgb: c)), w[t]))
        }
        // The project's footprint (a scenario's changes), outlined.
        let footprint = extraLayers.flatMap(\.features)
        let fp = footprint.flatMap(polys), fl = footprint.flatMap(lines)
        if !fp.isEmpty { layers.append(.polygons(fp, fill: nil, stroke: .black, width: 1.6, hatch: nil, dash: [4, 2])) }
        if !fl.isEmpty { layers.append(.lines(fl, colour: .black, width: 2.2, dash: [4, 2])) }
        if !footprint.isEmpty { legend.insert(LegendEntry(.line(.black, width: 1.6, dash: [4, 2]), w[.cmpProject]), at: 1) }
        // Framed on the changes (and the project), with a margin, within the territory.
        let extent = focusExtent(footprint + comparison.layers.flatMap(\.features))
        let width = 1600
        let height = Int(MapPage.fittingHeight(width: Double(width), extent: extent, minimum: 700))
        let canvas = try MapCanvas(pngWidth: width, height: height)
        var page = MapPage(title: "\(w[extraLayers.isEmpty ? .cmpMapTitle : .cmpScenarioTitle]) — \(title)", subtitle: subtitle, extent: extent, layers: layers, labels: [],
                           legend: [LegendSection(w[.cmpChange], legend)], credits: "Trame · \(w.madeOn(Date()))")
        page.legendTitle = w.legend
        PlanningMap.draw(page, on: canvas)
        try canvas.writePNG(file)
    }

    /// The extent of `features` widened by a third (at least 500 m each side, 1 km across), within the grid;
    /// the whole grid when there is nothing.
    func focusExtent(_ features: [Feature]) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let e = comparison.spec.extent
        let boxes = features.compactMap { $0.geometry?.bounds }
        guard let first = boxes.first else { return e }
        var b = boxes.dropFirst().reduce(first) { (min($0.minX, $1.minX), min($0.minY, $1.minY), max($0.maxX, $1.maxX), max($0.maxY, $1.maxY)) }
        let mx = max(500, (b.maxX - b.minX) / 3, (1000 - (b.maxX - b.minX)) / 2), my = max(500, (b.maxY - b.minY) / 3, (1000 - (b.maxY - b.minY)) / 2)
        b = (max(e.minX, b.minX - mx), max(e.minY, b.minY - my), min(e.maxX, b.maxX + mx), min(e.maxY, b.maxY + my))
        return b.maxX > b.minX && b.maxY > b.minY ? b : e
    }

    var title: String { new.metadata["TRAME_PROJECT"] ?? (new.folder as NSString).lastPathComponent }
    var subtitle: String {
        // A scenario's two schemes are the territory without and with the project, whatever their folders.
        if extraLayers.isEmpty {
            return "\(w[.cmpOldScheme])\(w.colon)\((old.folder as NSString).lastPathComponent) → \(w[.cmpNewScheme])\(w.colon)\((new.folder as NSString).lastPathComponent)"
        }
        return "\(w[.cmpOldScheme])\(w.colon)\(w[.reachWithoutProject]) → \(w[.cmpNewScheme])\(w.colon)\(w[.reachWithProject])"
    }


    // MARK: - Report

    /// "12 → 10 (−16.7 %)".
    func change(_ a: Double, _ b: Double, decimals: Int = 0, unit: String = "") -> String {
        let u = unit.isEmpty ? "" : " " + unit
        var s = "\(w.number(a, decimals: decimals))\(u) → \(w.number(b, decimals: decimals))\(u)"
        if a != b { s += a != 0 ? " (\(b > a ? "+" : "−")\(w.number(abs(b - a) / abs(a) * 100, decimals: 1)) %)" : "" }
        return s
    }

    /// The report, standing alone (the map embedded).
    func html(map: Data?) -> String {
        let w = self.w, c = comparison
        let heading: Term = extraLayers.isEmpty ? .cmpTitle : .cmpScenarioTitle
        let esc = HTMLPage.escape
        func table(_ header: [String], _ rows: [[String]], code: Set<Int> = []) -> String { HTMLPage.table(header, rows, codeColumns: code) }
        func sub(_ name: String) -> String { w.subNetworkName(name, label: name) }
        var h = HTMLPage.start(lang: w.lang, title: "\(w[heading]) — \(title)", heading: "\(w[heading]) — \(title)",
                               subheading: "\(subtitle) · \(w.madeOn(Date()))")
        if c.isEmpty { h += "<p><strong>\(esc(w[.cmpNoChange]))</strong></p>" }
        let gained = c.spaceChangeHa.filter { [.gainedMajor, .gainedMixed].contains($0.key) }.values.reduce(0, +)
        let lost = c.spaceChangeHa.filter { [.lostMajor, .lostMixed].contains($0.key) }.values.reduce(0, +)
        h += "<div class=\"cards\">"
        h += "<div class=\"card\"><b>\(esc(w.ha(gained)))</b>\(esc(w[.cmpNatureGained]))</div>"
        h += "<div class=\"card\"><b class=\"loss\">\(esc(w.ha(lost)))</b>\(esc(w[.cmpNatureLost]))</div>"
        let cut = c.subNetworks.reduce(0) { $0 + $1.linksCut }, created = c.subNetworks.reduce(0) { $0 + $1.linksCreated }
        h += "<div class=\"card\"><b class=\"loss\">\(cut)</b>\(esc(w[.cmpLinksCut]))</div>"
        h += "<div class=\"card\"><b>\(created)</b>\(esc(w[.cmpLinksCreated]))</div>"
        let added = c.subNetworks.reduce(0) { $0 + $1.conflictsAdded }
        h += "<div class=\"card\"><b class=\"loss\">\(added)</b>\(esc(w[.cmpConflictsAdded]))</div></div>"

        h += "<h2>\(esc(w[.cmpHeadline]))</h2>"
        h += table([w.subNetwork, w.reservoirs, w[.cmpReservoirArea], "EC", "PC", w.functionalLinks, w.corridors, w.conflictPoints],
                   c.subNetworks.map { s in
                       [sub(s.name), change(Double(s.old.reservoirs), Double(s.new.reservoirs)), change(s.old.reservoirHa, s.new.reservoirHa, unit: "ha"),
                        change(s.old.ecHa, s.new.ecHa, unit: "ha"), "\(w.significant(s.old.pc)) → \(w.significant(s.new.pc))",
                        change(Double(s.old.functionalLinks), Double(s.new.functionalLinks)), change(s.old.corridorKm, s.new.corridorKm, decimals: 1, unit: "km"),
                        change(Double(s.old.conflicts), Double(s.new.conflicts))]
                   })
        h += "<p>\(esc(w[.cmpECExplained]))</p>"
        if let map { h += "<figure><img alt=\"\(esc(w[.cmpMapTitle]))\" src=\"data:image/png;base64,\(map.base64EncodedString())\"></figure>" }

        h += "<h2>\(esc(w.natureSpaces))</h2>"
        if c.spaceChangeHa.isEmpty { h += "<p>\(esc(w[.cmpNoSpaceChange]))</p>" } else {
            h += table([w[.cmpChange], w.area], SchemeComparison.SpaceChange.allCases.compactMap { ch in
                c.spaceChangeHa[ch].map { [label(ch.code), w.ha($0)] }
            })
        }
        h += "<h2>\(esc(w.corridors)) · \(esc(w.bufferZones))</h2>"
        var rows = c.subNetworks.map { s in [sub(s.name), w.ha(c.corridorGainedHa[s.name] ?? 0), w.ha(c.corridorLostHa[s.name] ?? 0)] }
        rows.append([w.bufferZones, w.ha(c.bufferGainedHa), w.ha(c.bufferLostHa)])
        h += table(["", w[.cmpGainedArea], w[.cmpLostArea]], rows)

        let layer = { (name: String) in c.layers.first { $0.name == name }?.features ?? [] }
        let res = layer("reservoir_changes")
        if !res.isEmpty {
            h += "<h2>\(esc(w[.cmpReservoirChanges]))</h2>"
            h += table([w.subNetwork, w[.cmpChange], w[.cmpOldScheme], w[.cmpNewScheme]], res.prefix(60).map { f in
                let o = f["old_reservoir"].doubleValue.map { "\(Int($0)) (\(w.ha(f["old_area_ha"].doubleValue ?? 0)))" } ?? "—"
                let n = f["new_reservoir"].doubleValue.map { "\(Int($0)) (\(w.ha(f["new_area_ha"].doubleValue ?? 0)))" } ?? "—"
                return [sub(f["subnetwork"].stringValue ?? ""), label(f["change"].stringValue ?? ""), o, n]
            })
        }
        let links = layer("link_changes").sorted { ($0["old_dPC"].doubleValue ?? $0["new_dPC"].doubleValue ?? 0) > ($1["old_dPC"].doubleValue ?? $1["new_dPC"].doubleValue ?? 0) }
        if !links.isEmpty {
            h += "<h2>\(esc(w[.cmpLinkChanges]))</h2>"
            h += table([w.subNetwork, w[.cmpChange], "\(w[.link]) (\(w[.cmpOldScheme].lowercased()) → \(w[.cmpNewScheme].lowercased()))", w[.cost], "dPC"], links.prefix(60).map { f in
                let ids = [f["old_link"].doubleValue, f["new_link"].doubleValue].map { $0.map { String(Int($0)) } ?? "—" }.joined(separator: " → ")
                let co = f["old_cost"].doubleValue, cn = f["new_cost"].doubleValue
                let cost = [co, cn].compactMap { $0 }.map { w.number($0, decimals: 0) }.joined(separator: " → ")
                let d = f["old_dPC"].doubleValue ?? f["new_dPC"].doubleValue ?? 0
                return [sub(f["subnetwork"].stringValue ?? ""), label(f["change"].stringValue ?? ""), ids, cost + " " + w.costUnits, w.number(d, decimals: 2) + " %"]
            })
        }
        let conflicts = layer("conflict_changes")
        if !conflicts.isEmpty {
            h += "<h2>\(esc(w[.cmpConflictChanges]))</h2>"
            h += table([w.subNetwork, w[.cmpChange], w.name], conflicts.prefix(60).map { f in
                [sub(f["subnetwork"].stringValue ?? ""), label(f["change"].stringValue ?? ""),
                 [f["infrastructure"].stringValue.map(w.infrastructureName), f["name"].stringValue].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")]
            })
        }
        let changed = c.figures.filter { $0.old != $0.new }
        h += "<h2>\(esc(w[.cmpFigureChanges]))</h2>"
        if changed.isEmpty { h += "<p>\(esc(w[.cmpNoFigureChange]))</p>" } else {
            let subs = c.subNetworks.map(\.name), regimes = regimeLabels
            h += table([w.unit, w[.cmpFigure], w[.cmpOldScheme], w[.cmpNewScheme], w[.cmpChange]], changed.prefix(300).map { f in
                ["\(w.level(f.level)) \(f.name)", w.figureColumn(f.figure, subNetworks: subs, regimes: regimes), f.old.map { w.significant($0) } ?? "—", f.new.map { w.significant($0) } ?? "—",
                 f.change.map { ($0 > 0 ? "+" : "−") + w.significant(abs($0)) } ?? "—"]
            })
            if changed.count > 300 { h += "<p>\(esc(w[.cmpMoreInCSV]))</p>" }
        }
        if let r = scenarioReach {
            h += "<h2>\(esc(w[.reachTitle]))</h2><p>\(esc(w[.reachIntro]))</p>"
            h += table([w.subNetwork, "", w[.reachWhy]], r.reach.map { s in
                guard let reason = s.reason else {
                    return [sub(s.subNetwork), w[r.reused ? .reachReused : .reachNotReachedElsewhere], "—"]
                }
                return [sub(s.subNetwork), w[.reachRecomputed], reason.text(w, label: { r.classLabels[$0] })]
            })
            if r.reused { h += "<p>\(esc(w[.reachTimeSaved]))\(esc(w.colon))\(esc(w.number(r.savedSeconds, decimals: 1))) s</p>" }
        }
        h += "</main></body></html>\n"
        return h
    }
}
