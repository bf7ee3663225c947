import TrameScheme
import XCTest

/// The stake names a hubs layer may carry, in English and French, any case or accents.
final class HubStakeTests: XCTestCase {
    func testStakeNamesInBothLanguages() {
        for t in ["regional", "Régional", "RÉGIONALE", " region "] { XCTAssertEqual(HubStake.parse(t), .regional, t) }
        for t in ["community", "Communautaire", "intercommunal", "Intercommunale", "local", "communal"] { XCTAssertEqual(HubStake.parse(t), .community, t) }
        for t in ["", "majeur", "national", "régionaux?"] { XCTAssertNil(HubStake.parse(t), t) }
    }
}
