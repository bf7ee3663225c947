import Foundation
import TrameVector

/// Why no round trip came within ±10 % of the length asked, and which way to change it: callers word it
/// in the units and coordinates their user gave (`message`).
public struct LoopError: Error, CustomStringConvertible, Equatable {
    public enum Cause: Sendable, Equatable {
        /// The loops found were shorter than asked: the network around the start is too small for the
        /// length. The nearest length found.
        case tooLong(nearest: Double)
        /// The loops found were longer than asked: the network's detours make every loop there longer.
        case tooShort(nearest: Double)
        /// No loop at all: its corners, placed this far (m) from the start in two directions 60° apart,
        /// fell off the network.
        case cornersOff(reach: Double)
        /// No loop at all: no leg found a route between the corners.
        case none
    }

    /// The length asked (m).
    public var target: Double
    public var cause: Cause

    public init(target: Double, cause: Cause) { self.target = target; self.cause = cause }

    /// - Parameters:
    ///   - asked: the length as the user gave it ("12 km").
    ///   - start: the start as the user gave it ("2.83,50.43").
    ///   - show: a length (m) in the user's unit.
    ///   - option: what the user changes to ask for another length ("--length").
    public func message(asked: String, start: String, show: (Double) -> String, option: String) -> String {
        let head = "no round trip of \(asked) (±10 %) from \(start)"
        switch cause {
        case .tooLong(let nearest):
            return "\(head): \(asked) is too long for the network there, the nearest loop found is \(show(nearest)); "
                + "ask for a shorter \(option) (about \(show(nearest))) or start nearer the middle of the network"
        case .cornersOff(let reach):
            return "\(head): its corners, about \(show(reach)) from the start in two directions 60° apart, fall off the network, "
                + "which does not reach that far around the start; ask for a shorter \(option) or start nearer the middle of the network"
        case .tooShort(let nearest):
            return "\(head): \(asked) is too short for the network there, the nearest loop found is \(show(nearest)); "
                + "ask for a longer \(option) (about \(show(nearest)))"
        case .none:
            return "\(head): no leg of the loop found a route, the network around the start is broken into pieces; "
                + "start on its main piece"
        }
    }

    /// In metres, without coordinates.
    public var description: String {
        message(asked: "\(Int(target.rounded())) m", start: "the start", show: { "\(Int($0.rounded())) m" }, option: "length")
    }
}

extension PathNetwork {
    /// Whether `p` lies within the box of the network's vertices widened by `margin` on every side.
    public func boxContains(_ p: Point, margin: Double) -> Bool {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for q in vertices.isEmpty ? nodes : vertices {
            minX = min(minX, q.x); maxX = max(maxX, q.x); minY = min(minY, q.y); maxY = max(maxY, q.y)
        }
        return p.x >= minX - margin && p.x <= maxX + margin && p.y >= minY - margin && p.y <= maxY + margin
    }
}
