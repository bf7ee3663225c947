/// A value in an attribute table.
public enum FieldValue: Equatable, Sendable, CustomStringConvertible {
    case integer(Int)
    case real(Double)
    case string(String)
    case null

    public var description: String {
        switch self {
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .string(let s): s
        case .null: ""
        }
    }

    /// Numeric value, when the field holds a number (or a string that parses as one).
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .real(let d): d
        case .string(let s): Double(s.trimmingCharacters(in: .whitespaces))
        case .null: nil
        }
    }

    public var stringValue: String? {
        if case .null = self { return nil }
        return description
    }
}

/// The type of an attribute column.
public enum FieldType: String, Sendable {
    case integer = "Integer", real = "Real", string = "String"
}

public struct FieldDefinition: Equatable, Sendable {
    public var name: String
    public var type: FieldType
    public init(_ name: String, _ type: FieldType) { self.name = name; self.type = type }
}

/// One feature: a geometry and its attribute values, keyed by field name.
public struct Feature: Equatable, Sendable {
    public var geometry: Geometry?
    public var attributes: [String: FieldValue]
    /// The feature id in the file it was read from (a GeoPackage's primary key), when known.
    public var fid: Int?
    public init(geometry: Geometry?, attributes: [String: FieldValue] = [:], fid: Int? = nil) {
        self.geometry = geometry; self.attributes = attributes; self.fid = fid
    }
    public subscript(field: String) -> FieldValue { attributes[field] ?? .null }
}

/// A vector layer held in memory: fields, features and the CRS (WKT, empty when unknown).
public struct VectorLayer: Equatable, Sendable {
    public var name: String
    public var geometryKind: GeometryKind
    public var fields: [FieldDefinition]
    public var features: [Feature]
    public var crsWKT: String

    public init(name: String, geometryKind: GeometryKind, fields: [FieldDefinition] = [],
                features: [Feature] = [], crsWKT: String = "") {
        self.name = name; self.geometryKind = geometryKind; self.fields = fields
        self.features = features; self.crsWKT = crsWKT
    }
}

import Foundation
