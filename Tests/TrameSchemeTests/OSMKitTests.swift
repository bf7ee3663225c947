import TrameScheme
import XCTest

/// The tag → class table of `trame init --osm`: the priority rule on hand-made tag sets, the CSV read back
/// as written, and a user's table with faults refused at its line.
final class OSMKitTests: XCTestCase {
    func code(_ tags: [String: String], _ kind: OSMKit.Rule.Kind = .area) -> Int? {
        OSMKit.rule(for: tags, kind: kind, in: OSMKit.defaultRules)?.code
    }

    func testThePriorityRuleDecidesOverlappingTags() {
        // One feature carrying two tags takes the higher priority: woodland (34) over land use (10).
        XCTAssertEqual(code(["landuse": "residential", "natural": "wood"]), 20)
        // A wetland (35) over woodland (34); water (40) over both; a lake named a river is a river (41 > 40).
        XCTAssertEqual(code(["natural": "wetland", "landuse": "forest"]), 42)
        XCTAssertEqual(code(["natural": "water"]), 41)
        XCTAssertEqual(code(["natural": "water", "water": "river"]), 40)
        // Dry grassland only where tagged so.
        XCTAssertEqual(code(["natural": "grassland"]), 11)
        XCTAssertEqual(code(["natural": "grassland", "grassland": "dry"]), 12)
        // At equal priority the later row: grass after residential in the table.
        XCTAssertEqual(code(["landuse": "grass", "amenity": "parking"]), 11)
        // building=* is any value but no.
        XCTAssertEqual(code(["building": "yes"]), 1)
        XCTAssertNil(code(["building": "no"]))
        // Lines: roads burnt with their width, paths not burnt, bridges and tunnels not burnt.
        let primary = OSMKit.rule(for: ["highway": "primary"], kind: .line, in: OSMKit.defaultRules)
        XCTAssertEqual(primary?.code, 4)
        XCTAssertEqual(primary?.width, 15)
        XCTAssertNil(code(["highway": "footway"], .line))
        XCTAssertNil(code(["highway": "primary", "bridge": "yes"], .line))
        XCTAssertEqual(code(["highway": "primary", "bridge": "no"], .line), 4)
        XCTAssertNil(code(["railway": "rail", "tunnel": "yes"], .line))
        // Areas and lines do not mix.
        XCTAssertNil(code(["highway": "primary"], .area))
    }

    func testTheTableReadsBackAsWritten() throws {
        let back = try OSMKit.parseTable(OSMKit.tableCSV(), file: "osm_classes.csv")
        XCTAssertEqual(back, OSMKit.defaultRules)
        // Every code of the table is a class of the nomenclature, with a resistance per sub-network.
        for r in OSMKit.defaultRules { XCTAssertNotNil(OSMKit.classDef(r.code), "\(r.key)=\(r.value)") }
        for c in OSMKit.classes { XCTAssertEqual(c.resistance.count, OSMKit.subNetworks.count, c.label) }
    }

    func testAFaultyTableIsRefusedAtItsLine() {
        let header = "# comment\npriority,geometry,key,value,and,width_m,code,label_en,label_fr\n"
        let cases: [(String, Int, String)] = [
            ("10,area,landuse,farmland,,,77,x,x\n", 3, "code 77 is not one of the kit's classes"),
            ("10,polygon,landuse,farmland,,,10,x,x\n", 3, "geometry 'polygon' must be area or line"),
            ("ten,area,landuse,farmland,,,10,x,x\n", 3, "priority 'ten'"),
            ("70,line,highway,primary,,-3,4,x,x\n", 3, "width_m '-3'"),
            ("10,area,landuse,farmland,crop,,10,x,x\n", 3, "and 'crop' must be key=value"),
            ("10,area,,farmland,,,10,x,x\n", 3, "key and value must not be empty"),
        ]
        for (row, line, words) in cases {
            XCTAssertThrowsError(try OSMKit.parseTable(header + row, file: "t.csv")) { e in
                let text = "\(e)"
                XCTAssertTrue(text.hasPrefix("t.csv: line \(line)"), text)
                XCTAssertTrue(text.contains(words), text)
            }
        }
        XCTAssertThrowsError(try OSMKit.parseTable("# only comments\n", file: "t.csv"))
        XCTAssertThrowsError(try OSMKit.parseTable("priority,key,value\n", file: "t.csv")) { e in XCTAssertTrue("\(e)".contains("'geometry'"), "\(e)") }
    }
}
