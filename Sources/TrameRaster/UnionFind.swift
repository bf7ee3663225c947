/// Disjoint sets of the integers 0..<count (union by least root, path halving): merges cells of one region,
/// circuit nodes short-circuited together, hubs joined by Kruskal's algorithm.
///
/// The root of a set is always its least element, whatever the order of the unions, so a numbering of the
/// sets by their roots follows the order of their first elements.
public struct UnionFind: Sendable {
    @usableFromInline var parent: [Int]

    /// `count` singletons.
    public init(count: Int) { parent = Array(0..<count) }

    public var count: Int { parent.count }

    /// The root (least element) of the set holding `x`.
    @inlinable public mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }

    /// Joins the sets of `a` and `b`; false when they were already one.
    @inlinable @discardableResult public mutating func union(_ a: Int, _ b: Int) -> Bool {
        let ra = find(a), rb = find(b)
        guard ra != rb else { return false }
        parent[max(ra, rb)] = min(ra, rb)
        return true
    }
}
