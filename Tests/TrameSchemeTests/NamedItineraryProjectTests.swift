import Foundation
import XCTest
import TrameVector
@testable import TrameScheme

/// `[[itinerary]]` entries: read with their course, kind, status and parent; every mistake a one-line
/// problem naming the line.
final class NamedItineraryProjectTests: XCTestCase {
    let head = """
    [territory]
    name = "Itineraries"

    [land_cover]
    raster = "lc.tif"
    nomenclature = "nom.csv"
    friction = "friction.csv"
    built_up = [1]

    [[subnetwork]]
    name = "forest"
    habitat = [20]

    [itineraries]
    network = { file = "paths.gpkg", layer = "paths" }
    mode = "walk"
    serve_distance = "250 m"

    """

    func problems(_ text: String, head: String? = nil) -> [ProjectError] { ProjectFile.diagnose((head ?? self.head) + text, file: "/p/project.toml").problems }

    func testEntriesAreRead() throws {
        let p = try ProjectFile.parse(head + """
        [[itinerary]]
        name = "GR de Pays"
        kind = "long-distance"
        via = [[650000, 7030000], [652000.5, 7031500]]

        [[itinerary]]
        name = "Boucle 1"
        kind = "loop"
        parent = "GR de Pays"
        status = "planned"
        mode = "bike"
        where = "name LIKE 'Cavalier%'"
        """, file: "/p/project.toml")
        XCTAssertEqual(p.itineraries?.serveDistance, 250)
        XCTAssertEqual(p.namedItineraries.count, 2)
        let gr = p.namedItineraries[0], loop = p.namedItineraries[1]
        XCTAssertEqual(gr.kind, .longDistance); XCTAssertEqual(gr.status, .existing); XCTAssertEqual(gr.mode, "walk")
        XCTAssertEqual(gr.course, .via([Point(650000, 7030000), Point(652000.5, 7031500)]))
        XCTAssertEqual(loop.parent, "GR de Pays"); XCTAssertEqual(loop.status, .planned); XCTAssertEqual(loop.mode, "bike")
        XCTAssertEqual(loop.course, .selection("name LIKE 'Cavalier%'"))
        XCTAssertEqual(gr.line, 18); XCTAssertEqual(loop.line, 23)
        // Without [[itinerary]]: none, and the default serving distance.
        XCTAssertEqual(try ProjectFile.parse(head.replacingOccurrences(of: "serve_distance = \"250 m\"\n", with: ""), file: "/p/project.toml").itineraries?.serveDistance, 300)
    }

    func testMistakesAreNamedWithTheirLine() {
        func one(_ text: String, _ expected: String, line: Int? = nil, head: String? = nil) {
            let ps = problems(text, head: head)
            XCTAssertEqual(ps.count, 1, "\(ps)")
            XCTAssertTrue(ps.first?.problem.contains(expected) == true, "\(ps.first?.description ?? "none") lacks \(expected)")
            if let line { XCTAssertEqual(ps.first?.line, line, ps.first?.description ?? "") }
        }
        one("[[itinerary]]\nname = \"A\"\nwhere = \"x = 1\"\nrelation = \"GR 1\"\n", "exactly one course", line: 21)
        one("[[itinerary]]\nname = \"A\"\n", "exactly one course")
        one("[[itinerary]]\nname = \"A\"\nrelation = \"GR 1\"\n", "not an OpenStreetMap extract", line: 20)
        one("[[itinerary]]\nname = \"A\"\nvia = [[1, 2]]\n", "two or more waypoints", line: 20)
        one("[[itinerary]]\nname = \"A\"\nvia = [[1, 2], [3]]\n", "two or more waypoints")
        one("[[itinerary]]\nname = \"A\"\nvia = [[1, 2], [\"x\", 4]]\n", "two or more waypoints")
        one("[[itinerary]]\nname = \"A\"\nkind = \"ring\"\nwhere = \"x = 1\"\n", "kind 'ring' must be", line: 20)
        one("[[itinerary]]\nname = \"A\"\nstatus = \"done\"\nwhere = \"x = 1\"\n", "status 'done'")
        one("[[itinerary]]\nname = \"A\"\nmode = \"horse\"\nwhere = \"x = 1\"\n", "mode 'horse'")
        one("[[itinerary]]\nname = \"A\"\nwhere = \"x = 1\"\ncolour = \"red\"\n", "unknown key 'colour' in [itinerary]", line: 21)
        one("[[itinerary]]\nname = \"A\"\nwhere = \"x = 1\"\n[[itinerary]]\nname = \"A\"\nwhere = \"x = 2\"\n", "two itineraries are named 'A'", line: 22)
        one("[[itinerary]]\nname = \"A\"\nparent = \"B\"\nwhere = \"x = 1\"\n", "parent 'B' names no [[itinerary]]", line: 20)
        one("[[itinerary]]\nname = \"B\"\nwhere = \"x = 1\"\n[[itinerary]]\nname = \"A\"\nparent = \"B\"\nwhere = \"x = 2\"\n", "must be a long-distance path")
        one("[[itinerary]]\nname = \"A\"\nwhere = \"\"\n", "where may not be empty")
        one("", "written [[itinerary]]", line: 1, head: "itinerary = 3\n" + head)
        // No [itineraries] section: no network to take the course from.
        let bare = head.components(separatedBy: "[itineraries]")[0]
        one("[[itinerary]]\nname = \"A\"\nwhere = \"x = 1\"\n", "add an [itineraries] section", head: bare)
    }
}
