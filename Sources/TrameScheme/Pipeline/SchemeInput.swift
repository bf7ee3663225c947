import Foundation
import TrameCost
import TrameRaster
import TrameVector

/// A level of units (communes, groupings) with their names; the units are numbered 1…65,535 in the layer's
/// order, and which unit each cell lies in is held for all levels at once in `SchemeInput.unitCells`.
public struct UnitLevel: Sendable {
    public var level: String
    public var names: [String]
    /// The unit polygons, with a `trame_unit` field holding their number.
    public var layer: VectorLayer
    public init(level: String, names: [String], layer: VectorLayer) {
        self.level = level; self.names = names; self.layer = layer
    }
}

/// The watercourses and obstacles of [hydrography], on the land cover's CRS.
public struct HydrographyInput: Sendable {
    public var watercourses: [Watercourse]
    public var obstacles: [Obstacle]
    public init(watercourses: [Watercourse], obstacles: [Obstacle]) { self.watercourses = watercourses; self.obstacles = obstacles }
}

/// Everything the stages read, already in memory and on the land cover's grid: the first stage's value.
public struct SchemeInput: Sendable {
    public var project: Project
    /// The land cover as class indices: one byte a cell up to 256 distinct codes (NoData included), two up
    /// to 65,536, four beyond (`ClassGrid`).
    public var landCover: ClassGrid
    /// The land cover's CRS as people read it ("RGF93 v1 / Lambert-93").
    public var crsLabel: String
    public var nomenclature: [Int: NomenclatureEntry]
    public var friction: ResistanceTable
    /// Per inventory (the project's order): its layer, for the nature spaces' attributes and the partners.
    public var inventoryLayers: [VectorLayer]
    /// Per cell, flag k set where inventory k has a site: one byte a cell up to 8 inventories, none without any.
    public var inventoryBits: CellBits
    public var units: [UnitLevel]
    /// Per cell, its unit in every level (two bytes a cell for all levels together).
    public var unitCells: UnitCells
    public var infrastructure: [InfrastructureLine]
    public var hubs: VectorLayer?
    public var pathLines: [[Point]]
    public var language: String
    /// The hydrography, when the project has a [hydrography] section.
    public var hydrography: HydrographyInput? = nil
    /// Features read inside the territory, per layer source (file and layer), for the data sources table.
    public var featureCounts: [LayerSource: Int] = [:]
    /// Whether Trame made the land-cover grid (polygons rasterised, or a raster reprojected to [territory]
    /// crs) rather than reading it as it is: the run then writes it (rasters/land_cover.tif) for QGIS.
    public var landCoverDerived = false

    public init(project: Project, landCover: ClassGrid, crsLabel: String, nomenclature: [Int: NomenclatureEntry], friction: ResistanceTable,
                inventoryLayers: [VectorLayer], inventoryBits: CellBits, units: [UnitLevel], unitCells: UnitCells, infrastructure: [InfrastructureLine],
                hubs: VectorLayer?, pathLines: [[Point]], language: String) {
        self.project = project; self.landCover = landCover; self.crsLabel = crsLabel; self.nomenclature = nomenclature
        self.friction = friction; self.inventoryLayers = inventoryLayers; self.inventoryBits = inventoryBits; self.units = units
        self.unitCells = unitCells
        self.infrastructure = infrastructure; self.hubs = hubs; self.pathLines = pathLines; self.language = language
    }

    public var spec: GridSpec { landCover.spec }

    /// Inventories whose sites are of major interest, as a bit mask over `inventoryBits`.
    public var majorInventoryMask: UInt32 {
        project.inventories.enumerated().reduce(UInt32(0)) { $0 | ($1.element.interest == .major ? UInt32(1) << UInt32($1.offset) : 0) }
    }

    /// The label of a land-cover class in the run's language.
    public func label(_ code: Int32) -> String {
        guard let e = nomenclature[Int(code)] else { return "class \(code)" }
        return language == "fr" ? e.labelFr : e.label
    }

    /// The names of the inventories whose bits are set, joined by "; ".
    public func inventoryNames(_ bits: UInt32) -> String {
        project.inventories.enumerated().filter { bits & (1 << UInt32($0.offset)) != 0 }.map(\.element.name).joined(separator: "; ")
    }

    /// Built-up classes.
    public var builtUp: ClassSet { ClassSet(project.builtUp) }

    /// The classes of nature spaces: the project's, else the nomenclature's natural ones.
    public var natureClassCodes: [Int] { project.natureClasses ?? nomenclature.values.filter(\.natural).map(\.code) }

    /// Land area of the territory (cells holding data), ha.
    public var areaHa: Double { Double(landCover.dataCount) * spec.cellArea / 10_000 }
}

/// The checks of the tables against the land cover and the project, run as soon as each table is read.
public enum InputChecks {
    /// Warnings for values finer than the land cover can draw: a minimum area below one cell (it removes
    /// nothing: every region has a cell at least), a corridor width in metres below two cells (the
    /// corridor is little more than the path's own cells). Each names the project file and the key's
    /// line, or says the value is the default.
    public static func scale(_ p: Project, cellWidth: Double, cellHeight: Double) -> [String] {
        let lines = (try? String(contentsOfFile: p.file, encoding: .utf8)).map(ProjectFile.LineIndex.init)
        let cellHa = cellWidth * cellHeight / 10_000
        let cellText = cellWidth == cellHeight ? "\(RunParameters.number(cellWidth)) m cells" : "\(RunParameters.number(cellWidth)) × \(RunParameters.number(cellHeight)) m cells"
        func place(_ path: String) -> String {
            lines?.lines[path].map { "\(p.file):\($0): " } ?? "\(p.file): "
        }
        func isDefault(_ path: String) -> String { lines?.lines[path] == nil ? " (the default)" : "" }
        var out: [String] = []
        func area(_ path: String, _ label: String, _ ha: Double) {
            guard ha < cellHa else { return }
            out.append("\(place(path))\(label) \(RunParameters.number(ha)) ha\(isDefault(path)) is smaller than one cell of the land cover "
                       + "(\(cellText), \(RunParameters.number(cellHa)) ha each): it removes nothing; raise it or use a finer land cover")
        }
        area("nature_spaces.min_area", "[nature_spaces] min_area", p.mixedMinAreaHa)
        area("buffer_zones.min_town_area", "[buffer_zones] min_town_area", p.bufferZones.minTownHa)
        area("buffer_zones.min_area", "[buffer_zones] min_area", p.bufferZones.minAreaHa)
        for (k, s) in p.subNetworks.enumerated() {
            area("subnetwork#\(k).min_reservoir_area", "sub-network '\(s.name)': min_reservoir_area", s.minReservoirHa)
            if case .metres(let w) = s.corridorWidth, w < 2 * max(cellWidth, cellHeight) {
                let path = "subnetwork#\(k).corridor_width"
                out.append("\(place(path))sub-network '\(s.name)': corridor_width \(RunParameters.number(w)) m is less than two cells of the land cover "
                           + "(\(cellText)): the corridors are little more than the paths' own cells; widen it to \(RunParameters.number(2 * max(cellWidth, cellHeight))) m or more")
            }
        }
        return out
    }

    /// Every class of the land cover is in the nomenclature.
    public static func nomenclature(_ nomenclature: [Int: NomenclatureEntry], histogram: [Int32: Int], project p: Project) throws {
        if let first = nomenclatureProblems(nomenclature, histogram: histogram, project: p).first { throw first }
    }

    /// The problems `nomenclature` throws the first of, all of them (`trame check`).
    public static func nomenclatureProblems(_ nomenclature: [Int: NomenclatureEntry], histogram: [Int32: Int], project p: Project) -> [Error] {
        let missing = histogram.keys.filter { nomenclature[Int($0)] == nil }.sorted()
        if !missing.isEmpty {
            return [InputFileError(p.nomenclature, "lacks class\(missing.count > 1 ? "es" : "") \(missing.map { "\($0) (\(histogram[$0]!) cells)" }.joined(separator: ", ")) found in \(p.landCover)")]
        }
        return []
    }

    /// Every class of the land cover has a friction row; every sub-network its column and known classes;
    /// the project's other classes are in the nomenclature.
    public static func friction(_ table: ResistanceTable, nomenclature: [Int: NomenclatureEntry], histogram: [Int32: Int], project p: Project) throws {
        if let first = frictionProblems(table, nomenclature: nomenclature, histogram: histogram, project: p).first { throw first }
    }

    /// The problems `friction` throws the first of, all of them (`trame check`); `table` nil when the
    /// friction table could not be read (only the project's classes are then checked).
    public static func frictionProblems(_ table: ResistanceTable?, nomenclature: [Int: NomenclatureEntry], histogram: [Int32: Int], project p: Project) -> [Error] {
        var out: [Error] = []
        if let table {
            let frictionCodes = Set(table.rows.map(\.code))
            let noFriction = histogram.keys.filter { !frictionCodes.contains(Int($0)) }.sorted()
            if !noFriction.isEmpty {
                out.append(InputFileError(p.friction, "has no row for class\(noFriction.count > 1 ? "es" : "") \(noFriction.map(String.init).joined(separator: ", ")) found in \(p.landCover)"))
            }
        }
        let nomenclatureName = (p.nomenclature as NSString).lastPathComponent
        for s in p.subNetworks {
            if let table, !table.columns.contains(s.frictionColumn) {
                out.append(InputFileError(p.friction, "has no column '\(s.frictionColumn)' for sub-network '\(s.name)' (columns: \(table.columns.joined(separator: ", ")))"))
            }
            for c in s.habitat + s.supporting where nomenclature[c] == nil {
                out.append(ProjectError(p.file, line: s.line, "sub-network '\(s.name)' names class \(c), which \(nomenclatureName) does not define"))
            }
        }
        let lines = (try? String(contentsOfFile: p.file, encoding: .utf8)).map(ProjectFile.LineIndex.init)
        for (key, codes) in [("land_cover.built_up", p.builtUp), ("buffer_zones.open_land", p.bufferZones.openLand), ("nature_spaces.classes", p.natureClasses ?? [])] {
            for c in codes where nomenclature[c] == nil {
                out.append(ProjectError(p.file, line: lines?.lines[key], "class \(c) is not in \(nomenclatureName)"))
            }
        }
        return out
    }
}
