/// A problem with cost-analysis input (table, sources, parameters, patches): one case per cause, so that a
/// caller can tell them apart (`noHabitat` from `patchConnexity`, say); `description` is the message printed.
public enum CostError: Error, CustomStringConvertible, Equatable, Sendable {
    // Patches.
    /// Patches are labelled with 4 or 8 neighbours only.
    case patchConnexity
    /// None of the habitat classes is present and no inventory cell is given.
    case noHabitat(classes: [Int32])
    /// A patch-id raster read back holds no patch.
    case noPatchInRaster
    // Corridors.
    case negativeCorridorWidth
    case nonPositiveCorridorBuffer
    // Links.
    case patchGridNotAligned
    case noPatchToLink
    case completeTopologyNeedsMaxCost
    case patchesImpassable
    // Friction table.
    case noResistanceColumn
    case unknownColumn(name: String, columns: [String])
    case classCodeTooWide(code: Int)
    case missingClasses([Int32])
    // Cost-distance sources.
    case noSource
    case sourceOutsideGrid(cell: Int, cols: Int, rows: Int)
    case sourceImpassable(id: Int32, column: Int, row: Int)

    public var description: String {
        switch self {
        case .patchConnexity: "patch connexity is 4 or 8"
        case .noHabitat(let classes):
            "no habitat cell: none of the classes \(classes.sorted().map(String.init).joined(separator: ", ")) is present"
        case .noPatchInRaster: "holds no patch (every cell is 0 or NoData)"
        case .negativeCorridorWidth: "corridor width must be ≥ 0 cost units"
        case .nonPositiveCorridorBuffer: "corridor buffer must be > 0 m"
        case .patchGridNotAligned: "the patch grid is not aligned with the resistance grid"
        case .noPatchToLink: "no patch to link"
        case .completeTopologyNeedsMaxCost: "the complete topology needs a maximum cost (--max-cost)"
        case .patchesImpassable: "every patch cell is impassable in the resistance grid"
        case .noResistanceColumn: "the friction table has no resistance column"
        case .unknownColumn(let name, let columns):
            "the friction table has no column '\(name)' (columns: \(columns.joined(separator: ", ")))"
        case .classCodeTooWide(let code): "class code \(code) of the friction table does not fit a 32-bit land cover"
        case .missingClasses(let classes):
            "the friction table has no value for class(es) \(classes.sorted().map(String.init).joined(separator: ", ")) present in the land cover"
        case .noSource: "no source cell"
        case .sourceOutsideGrid(let cell, let cols, let rows): "source cell \(cell) lies outside the \(cols)×\(rows) grid"
        case .sourceImpassable(let id, let column, let row): "source \(id) at column \(column), row \(row) lies on an impassable cell"
        }
    }
}
