/// Trame's version: printed by `trame --version`, written in every scheme (GeoPackage metadata, report,
/// maps) and in each output folder's `.trame-output` marker.
public enum TrameVersion {
    public static let current = "0.1.0"
}
