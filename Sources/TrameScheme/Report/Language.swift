/// The language of maps, report, styles and the web page.
public enum Language: String, CaseIterable, Sendable {
    case fr
    case en
}
