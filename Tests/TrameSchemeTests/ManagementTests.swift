import TrameScheme
import XCTest

/// [[management]] entries: read with their problems named, and the first entry that fits a place wins.
final class ManagementTests: XCTestCase {
    let base = """
    [territory]
    name = "T"
    [land_cover]
    raster = "lc.tif"
    nomenclature = "n.csv"
    friction = "f.csv"
    built_up = [1]
    [[subnetwork]]
    name = "forest"
    habitat = [20]
    [[subnetwork]]
    name = "wetland"
    habitat = [42]

    """

    func testTheFirstRegimeThatFitsWins() throws {
        let p = try ProjectFile.parse(base + """
        [[management]]
        code = "free_evolution"
        typology = "major"
        subnetwork = "forest"
        label_fr = "Libre évolution"
        label_en = "Non-intervention"
        [[management]]
        code = "hedges"
        typology = "corridor"
        label_fr = "Haies"
        label_en = "Hedges"
        [[management]]
        code = "reed_beds"
        classes = [42, 43]
        label_fr = "Roselières"
        label_en = "Reed beds"
        [[management]]
        code = "plan"
        label_fr = "Plan de gestion"
        label_en = "Management plan"
        prescription_en = "A plan per site."
        """, file: "/tmp/p.toml")
        XCTAssertEqual(p.management.map(\.code), ["free_evolution", "hedges", "reed_beds", "plan"])
        func regime(_ t: String, _ s: String?, _ c: Int?) -> String? {
            Management.regime(p.management, for: ManagedPlace(typology: t, subNetwork: s, dominantClass: c))?.code
        }
        XCTAssertEqual(regime("major", "forest", 20), "free_evolution")
        XCTAssertEqual(regime("mixed", "forest", 20), "plan")          // not major: the catch-all
        XCTAssertEqual(regime("corridor", "forest", 20), "hedges")     // a corridor, whatever its biotope
        XCTAssertEqual(regime("major", "wetland", 42), "reed_beds")
        XCTAssertEqual(regime("mixed", nil, nil), "plan")
        XCTAssertEqual(Management.biotope(of: 42, in: p.subNetworks), "wetland")
        XCTAssertNil(Management.biotope(of: 7, in: p.subNetworks))
        XCTAssertEqual(p.management[3].prescription(in: "en"), "A plan per site.")
        XCTAssertEqual(p.management[0].label(in: "fr"), "Libre évolution")
    }

    func testMistakesAreNamedWithTheirLine() {
        let (_, problems) = ProjectFile.diagnose(base + """
        [[management]]
        code = "a b"
        label_fr = "x"
        label_en = "x"
        [[management]]
        code = "ok"
        typology = "huge"
        subnetwork = "desert"
        label_fr = "x"
        label_en = "x"
        [[management]]
        code = "ok"
        label_fr = "x"
        label_en = "x"
        """, file: "/tmp/p.toml")
        let text = problems.map(\.description)
        XCTAssertTrue(text.contains { $0.contains(":15:") && $0.contains("management code 'a b' must be letters, digits, _ or -") }, "\(text)")
        XCTAssertTrue(text.contains { $0.contains(":20:") && $0.contains("typology 'huge' must be \"major\", \"mixed\" or \"corridor\"") }, "\(text)")
        XCTAssertTrue(text.contains { $0.contains(":21:") && $0.contains("no [[subnetwork]] is named 'desert' (known: forest, wetland)") }, "\(text)")
        XCTAssertTrue(text.contains { $0.contains("two management regimes have the code 'ok'") }, "\(text)")
    }
}
