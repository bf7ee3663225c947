import TrameCost
import TrameRouting

/// The words of the named itineraries: their kinds, statuses, gaps and proposals, in the run's language.
extension Words {
    public func itineraryKind(_ k: NamedItinerary.Kind) -> String {
        switch k {
        case .greenway: self[.itineraryKindGreenway]
        case .longDistance: self[.itineraryKindLongDistance]
        case .loop: self[.itineraryKindLoop]
        case .local: self[.itineraryKindLocal]
        }
    }

    public func itineraryStatus(_ s: NamedItinerary.Status) -> String { self[s == .existing ? .itineraryExisting : .itineraryPlanned] }

    public func gapKind(_ k: CourseGap.Kind) -> String {
        switch k {
        case .offNetwork: self[.gapOffNetwork]
        case .missingLink: self[.gapMissingLink]
        case .noRoute: self[.gapNoRoute]
        }
    }

    public func proposalKind(_ k: ItineraryProposal.Kind) -> String {
        self[k == .corridorWithoutItinerary ? .proposalCorridorWithoutItinerary : .proposalItineraryOutsideCorridors]
    }
}

/// The colours of the named itineraries, shared by the printed maps, the QGIS styles and the web page.
public enum NamedItineraryStyle {
    public static func colour(_ k: NamedItinerary.Kind) -> RGB {
        switch k {
        case .greenway: RGB(0, 140, 200)
        case .longDistance: RGB(200, 30, 30)
        case .loop: RGB(230, 120, 0)
        case .local: RGB(120, 20, 160)
        }
    }
    /// Links with two vocations: an itinerary inside a corridor.
    public static let shared = RGB(255, 215, 0)
    public static func proposal(_ k: ItineraryProposal.Kind) -> RGB { k == .corridorWithoutItinerary ? RGB(0, 170, 120) : RGB(140, 140, 140) }
}
