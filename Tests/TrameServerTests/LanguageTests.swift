import Foundation
import Hummingbird
import HummingbirdTesting
import TramePublish
import TrameSample
import TrameScheme
@testable import TrameServer
import TrameTestSupport
import XCTest

/// One language per output: the tiny sample's scheme built in French and in English; every text a reader
/// sees — report.html, atlas.pdf (its pages, map legends included, through pdftotext), the GeoPackage's
/// labels (`*_label` fields, corridors' `width_rule`, `run_parameters` labels and values, the legends of
/// the QGIS styles) and the web page (its words in app.js, the layer list's sub-network labels) — holds no
/// word of the other language's vocabulary. The word lists come from Trame's vocabulary table (`Term`):
/// the words of the English forms that no French form uses, and the reverse. The user's own data (names
/// in territory.gpkg, the project title, identifiers quoted « … », code) are not words to translate and
/// are left out of the texts first.
final class LanguageTests: XCTestCase {
    nonisolated(unsafe) static var built: String?

    /// The sample (its project) with its scheme in `scheme-fr` and `scheme-en`.
    static func schemes() throws -> String {
        if let b = built { return b }
        let dir = TestScratch.folder + "trame-lang"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let sample = try SampleFiles.write(size: .tiny, seed: 1, into: dir, progress: { _ in })
        let project = try ProjectFile.load(sample.projectPath)
        for lang in ["fr", "en"] { _ = try SchemeJob(project: project, out: dir + "/scheme-\(lang)", lang: lang).run() }
        built = dir
        return dir
    }

    /// Words (letters, accents and inner apostrophes or hyphens split off) of `text`, lowercased.
    static func words(_ text: String) -> Set<String> {
        var out = Set<String>(), cur = ""
        for ch in text.lowercased() {
            if ch.isLetter { cur.append(ch) } else { if !cur.isEmpty { out.insert(cur) }; cur = "" }
        }
        if !cur.isEmpty { out.insert(cur) }
        return out
    }

    /// Words of one language's forms that the other's never uses (4 letters or more; "trame", the
    /// program's name, left out).
    static func only(_ lang: String) -> Set<String> {
        let mine = Term.allCases.map { lang == "fr" ? $0.fr : $0.en }, theirs = Term.allCases.map { lang == "fr" ? $0.en : $0.fr }
        let a = mine.reduce(into: Set<String>()) { $0.formUnion(words($1)) }
        let b = theirs.reduce(into: Set<String>()) { $0.formUnion(words($1)) }
        return a.subtracting(b).filter { $0.count >= 4 && $0 != "trame" && !both.contains($0) }
    }

    /// Words spelled alike in both languages that one vocabulary happens to use and the other not
    /// ("part": a French share, an English part; "route": a French road, an English itinerary; "long": the
    /// French « le long de », the English long-distance path; "mode": « mode de gestion », the travel mode;
    /// "place": « sur place », a place).
    static let both: Set<String> = ["part", "route", "circuit", "circuits", "long", "mode", "place"]

    /// The user's data: every text value of territory.gpkg's layers and the project's title.
    static func userData(_ dir: String) throws -> [String] {
        var out: [String] = []
        let layers = try tool("ogrinfo", ["-ro", "-q", dir + "/territory.gpkg"]).split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return parts[1].trimmingCharacters(in: .whitespaces).components(separatedBy: " (").first
        }
        for layer in layers {
            let csv = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", dir + "/territory.gpkg", layer])
            for row in csv.split(separator: "\n").dropFirst() { out += fields(String(row)).filter { Double($0) == nil && !$0.isEmpty } }
        }
        let project = try ProjectFile.load(dir + "/project.toml")
        out.append(project.title)
        // The names the project gives its itineraries (and their GPX files' names, made from them).
        out += project.namedItineraries.map(\.name) + ItineraryFiles.gpxNames(project.namedItineraries.map(\.name))
        // Where the data come from, as the project says it (producer, date, licence).
        out += [project.landCoverOrigin.producer, project.landCoverOrigin.date, project.landCoverOrigin.licence].compactMap { $0 }
        out += MethodText.references   // published titles, cited as they are
        out += out.map { $0.uppercased() }   // map labels of groupings are in capitals
        return out.map(normalised).sorted { $0.count > $1.count }   // longest first: "Base de loisirs … (Nœux)" before "Nœux"
    }

    /// The fields of one CSV row as ogr2ogr writes it (quotes doubled inside quoted fields).
    static func fields(_ row: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false, prev: Character = " "
        for ch in row {
            if ch == "\"" { if quoted && prev == "\"" { cur.append("\"") }; quoted.toggle() } else if ch == "," && !quoted { out.append(cur); cur = "" } else { cur.append(ch) }
            prev = ch
        }
        out.append(cur)
        return out
    }

    /// Whitespace runs (a PDF's line breaks, a table's tabs) as one space.
    static func normalised(_ s: String) -> String {
        s.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    static func tool(_ name: String, _ args: [String]) throws -> String {
        let r = try TrameProcess.run(URL(fileURLWithPath: "/usr/bin/" + name), args)
        guard r.status == 0 else { throw NSError(domain: name, code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.err]) }
        return r.out
    }

    /// The texts a reader of `scheme` sees, by where they come from.
    static func texts(_ scheme: String) throws -> [(String, String)] {
        var out: [(String, String)] = []
        var html = try String(contentsOfFile: scheme + "/report.html", encoding: .utf8)
        for pattern in ["(?s)<style.*?</style>", "(?s)<script.*?</script>", "(?s)<code>.*?</code>", "<img[^>]*>", "<[^>]+>"] {
            html = html.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression])
        }
        for (e, c) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")] { html = html.replacingOccurrences(of: e, with: c) }
        out.append(("report.html", html))
        out.append(("atlas.pdf", try tool("pdftotext", ["-enc", "UTF-8", scheme + "/atlas.pdf", "-"])))
        let gpkg = scheme + "/scheme.gpkg"
        for layer in SchemeLayer.allCases.map(\.name) {
            let csv = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", gpkg, layer])
            let rows = csv.split(separator: "\n").map { fields(String($0)) }
            guard let header = rows.first else { continue }
            let wanted = header.indices.filter { header[$0].hasSuffix("_label") || header[$0] == "width_rule" }
            out.append(("scheme.gpkg \(layer)", rows.dropFirst().map { r in wanted.compactMap { $0 < r.count ? r[$0] : nil }.joined(separator: " | ") }.joined(separator: "\n")))
        }
        let params = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", gpkg, "-sql", "SELECT label, value_text FROM run_parameters WHERE parameter NOT LIKE 'source_%'"])
        out.append(("scheme.gpkg run_parameters", params.split(separator: "\n").dropFirst().joined(separator: "\n")))
        let styles = try tool("ogr2ogr", ["-f", "CSV", "/vsistdout/", gpkg, "-sql", "SELECT styleQML FROM layer_styles"])
        let labels = styles.components(separatedBy: "label=\"\"").dropFirst().map { $0.components(separatedBy: "\"\"").first ?? "" }
        out.append(("scheme.gpkg layer_styles", labels.joined(separator: "\n")))
        return out
    }

    /// The web page's own words in `lang`: the `lang: { … }` blocks of app.js's dictionaries.
    static func webWords(_ lang: String) throws -> String {
        let js = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TrameServer/Web/app.js").path, encoding: .utf8)
        var out = ""
        var rest = Substring(js)
        while let r = rest.range(of: "\n  \(lang): {") {
            let block = rest[r.upperBound...]
            // The block ends where the other language's begins, or the dictionary closes.
            let end = ["\n  en: {", "\n  fr: {", "\n}"].compactMap { block.range(of: $0)?.lowerBound }.min() ?? block.endIndex
            // Values only: the quoted texts after a key.
            let body = String(block[..<end])
            let values = body.components(separatedBy: ": ").dropFirst().compactMap { v -> String? in
                guard let q = v.first, q == "'" || q == "\"" else { return nil }
                return v.dropFirst().split(separator: q, maxSplits: 1).first.map(String.init)
            }
            out += values.joined(separator: "\n") + "\n"
            rest = block[end...]
        }
        return out
    }

    func check(_ lang: String) async throws {
        let dir = try LanguageTests.schemes()
        let foreign = LanguageTests.only(lang == "fr" ? "en" : "fr")
        XCTAssertTrue(foreign.count > 50, "too few words to look for: \(foreign.count)")
        let data = try LanguageTests.userData(dir)
        var texts = try LanguageTests.texts(dir + "/scheme-\(lang)")
        texts.append(("app.js", try LanguageTests.webWords(lang)))
        // The web page's layer list: the sub-network labels it shows.
        let project = try ProjectFile.load(dir + "/project.toml")
        let loaded = try ServeSetup.load(folder: dir + "/scheme-\(lang)")
        let settings = ServeSettings(lang: lang, subNetworks: project.subNetworks.map { ($0.name, $0.label(in: lang), $0.colour) })
        let server = SchemeServer(scheme: loaded.served, store: try PartnerStore(folder: TestScratch.folder + "trame-lang-store-\(UUID().uuidString)", bcryptCost: 4), settings: settings)
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let subs = try await app.test(.router) { client in
            let info = try ServeTests.json(try await client.execute(uri: "/api/layers", method: .get))
            return (info["subnetworks"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
        }
        XCTAssertEqual(subs.count, project.subNetworks.count)
        texts.append(("/api/layers", subs.joined(separator: "\n")))
        for (source, raw) in texts {
            var text = LanguageTests.normalised(raw)
            for d in data { text = text.replacingOccurrences(of: d, with: " ") }
            // Identifiers: quoted « … », file names, layer names, names_with_underscores.
            for pattern in ["«[^»]*»", "[\\w./-]+\\.(toml|tif|csv|gpkg|json|png|pdf|html)\\b", "\\((couche|layer) [^)]*\\)", "\\b\\w+_\\w+\\b"] {
                text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let found = LanguageTests.words(text).intersection(foreign)
            let context = found.sorted().prefix(3).compactMap { word -> String? in
                guard let r = text.range(of: word, options: .caseInsensitive) else { return nil }
                let from = text.index(r.lowerBound, offsetBy: -40, limitedBy: text.startIndex) ?? text.startIndex
                let to = text.index(r.upperBound, offsetBy: 40, limitedBy: text.endIndex) ?? text.endIndex
                return "…\(text[from..<to])…"
            }
            XCTAssertTrue(found.isEmpty, "\(lang) \(source): words of the other language: \(found.sorted().joined(separator: ", ")) in \(context.joined(separator: " "))")
        }
        // The texts are there at all (a test that cannot fail otherwise).
        let report = texts.first { $0.0 == "report.html" }!.1
        XCTAssertTrue(report.contains(lang == "fr" ? "Réservoirs de biodiversité" : "Reservoirs"), "report.html in \(lang) lacks its own words")
        XCTAssertTrue(report.contains(lang == "fr" ? "Saura et Pascual-Hortal (2007)" : "Saura and Pascual-Hortal (2007)"), "the method cites PC's paper")
    }

    func testFrenchOutputsHoldNoEnglish() async throws { try await check("fr") }
    func testEnglishOutputsHoldNoFrench() async throws { try await check("en") }

    /// The word lists are what the test says: a French form's own word is not English, and the reverse.
    func testTheWordListsComeFromTheVocabulary() {
        let en = LanguageTests.only("en"), fr = LanguageTests.only("fr")
        XCTAssertTrue(en.contains("reservoirs") && en.contains("wetland") && en.contains("stake"), "\(en.sorted().prefix(20))")
        XCTAssertTrue(fr.contains("réservoirs") && fr.contains("humides") && fr.contains("enjeu"), "\(fr.sorted().prefix(20))")
        XCTAssertTrue(en.isDisjoint(with: fr))
        XCTAssertFalse(en.contains("corridors"), "a word both languages use is in neither list")
    }
}
