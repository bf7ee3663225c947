import Foundation
import TrameRaster

/// How the probability of dispersal decays with distance: p = exp(−α·d), with α set so that
/// a given distance has a given probability (e.g. 5 % at 1 000 m): α = −ln(P0) / D0.
public struct ExponentialDecay: Sendable {
    public let alpha: Double

    /// - Throws: when the probability is not in (0, 1) or the distance is not positive.
    public init(distance: Double, probability: Double) throws {
        guard probability > 0, probability < 1 else { throw GraphError("probability \(probability) must lie strictly between 0 and 1") }
        guard distance > 0, distance.isFinite else { throw GraphError("decay distance \(distance) must be positive") }
        alpha = -log(probability) / distance
    }

    @inline(__always) public func probability(_ d: Double) -> Double { exp(-alpha * d) }
}

/// Global indices of a landscape graph.
public struct GlobalConnectivity: Sendable, Equatable {
    /// Probability of connectivity (Saura & Pascual-Hortal 2007), in [0, 1].
    public var PC: Double
    /// Integral index of connectivity (Pascual-Hortal & Saura 2006), in [0, 1].
    public var IIC: Double
    /// Equivalent connected area, √PCnum, in the capacity's unit (ha).
    public var EC: Double
    /// Number of components.
    public var NC: Int
    public var PCnum: Double
    public var IICnum: Double
}

/// Importance of one node: percentage loss of PC (and its three fractions, Saura & Rubio 2010),
/// of IIC, and betweenness weighted by flux.
public struct NodeImportance: Sendable, Equatable {
    public var dPC: Double
    public var dPC_intra: Double
    public var dPC_flux: Double
    public var dPC_connector: Double
    public var dIIC: Double
    public var BC: Double
}

public struct ConnectivityResult: Sendable {
    public var global: GlobalConnectivity
    public var nodes: [NodeImportance]
    /// dPC of each link (percentage loss of PC when that link alone is removed), in the order of `graph.edges`.
    public var linkDPC: [Double]
    /// Component number of each node, and per component its node count and total capacity.
    public var componentOfNode: [Int]
    public var components: [(nodes: Int, capacity: Double)]
    /// The probability cut-off ε the results were computed with (0: none), and the distance beyond which
    /// pairs were left out, −ln(ε)/α (∞ when ε = 0).
    public var probabilityCutoff: Double
    public var cutoffDistance: Double
    /// Bound on |PCnum − exact PCnum| from the cut-off: ε · Σ ai·aj over the ordered pairs of a component
    /// farther apart than `cutoffDistance` (0 when nothing was cut, and then PC, EC, dPC, BC and link dPC
    /// are the exact sums). In the capacity's unit squared.
    public var cutoffErrorBound: Double
}

/// Connectivity metrics on a landscape graph, by the definitions of Conefor and Graphab:
/// sums over ordered pairs (i, j) including i = j, p*ij the maximum-product probability
/// (= exp(−α · shortest distance)), nl_ij the fewest links.
///
/// Node and link removal are computed exactly without re-running all shortest paths: for each source i,
/// only the nodes below k in i's shortest-path tree can move when k (or the link to k's parent) goes, and for
/// IIC only the nodes k dominates in the DAG of fewest-link paths; their new distances come from a Dijkstra
/// search restricted to that set, entered from its unaffected border (`ReplacementSearch`). One search per k
/// serves both removals: without the link above k, a descendant t is reached either avoiding k (its distance
/// without k) or through k, whose tree path to t is intact: d'(t) = min(d_{G−k}(t), d'(k) + d(t) − d(k)).
/// A removal's loss on pair (i, j) equals its loss on (j, i), so from source i only the nodes j numbered
/// above i are summed (and doubled), and the subtrees holding none of them are not searched at all: with
/// nodes numbered in sweep order (`LandscapeGraph.sweepOrder`), that spares about half the searches.
///
/// # Probability cut-off
/// With `probabilityCutoff` ε > 0, pairs (i, j) with p*ij < ε — shortest distance beyond D = −ln(ε)/α —
/// count as unconnected in PC, EC, dPC and its fractions, BC and link dPC (not in IIC and dIIC, whose
/// fewest-link distances do not decay): each search stops at D. Each term left out is below ai·aj·ε, so
///     |PCnum − exact PCnum| ≤ ε · Σ_{i≠j, same component, d_ij > D} ai·aj ≤ ε · (Σa)²,
/// reported as `cutoffErrorBound`; PC's relative error is at most that over PCnum (≤ ε · n, since
/// PCnum ≥ Σa² ≥ (Σa)²/n). The same holds for the PCnum of the graph without any one node or link, and
/// for each node's flux, so the numerators of dPC, its fractions and link dPC are each off by at most
/// ε · (Σa)², and these percentages by at most 200 · ε · (Σa)² / PCnum points (numerator and denominator);
/// each BC is off by at most ε · (Σa)² / 2. With ε = 0 every sum is exact.
///
/// - Complexity: O(n · (m' + Σ_j depth(j) · deg(j)) · log n) for n nodes, m' the links within D of a source
///   and depth(j) the links from the source to j in its tree (the heap holds only the entries and the
///   improvements through links off the tree, so most of it runs without the log); plus, for IIC,
///   O(n · (m + Σ_j dominators(j)) · log n), over the whole component since fewest-link distances do not decay.
///   Sources are shared among 16 parts run on `Workers.threads` threads, each part with buffers allocated once.
public enum ConnectivityMetrics {
    /// The default probability cut-off: pairs less likely than 1e-12 to be connected are left out of PC
    /// (see the type's comment for the bound on the error).
    public static let defaultProbabilityCutoff = 1e-12

    /// - Parameters:
    ///   - landscapeArea: AL, in the capacity's unit (ha); at least the sum of the capacities.
    ///   - linkImportance: whether to compute each link's dPC (from the node removal's search, plus the
    ///     searches for the tree nodes with no descendant to sum but their own link's loss).
    ///   - probabilityCutoff: ε in [0, 1): pairs with p*ij < ε are left out of PC and its derivatives.
    /// - Throws: `GraphError` for an empty graph, a landscape area that is not positive or smaller than the
    ///   capacities' sum, or a cut-off outside [0, 1).
    public static func compute(_ graph: LandscapeGraph, decay: ExponentialDecay, landscapeArea: Double,
                               linkImportance: Bool = true,
                               probabilityCutoff: Double = defaultProbabilityCutoff) throws -> ConnectivityResult {
        let n = graph.nodeCount
        let total = graph.capacities.reduce(0, +)
        guard landscapeArea.isFinite, landscapeArea > 0 else { throw GraphError("landscape area \(landscapeArea) must be positive") }
        guard landscapeArea >= total * (1 - 1e-12) else {
            throw GraphError("landscape area \(landscapeArea) is smaller than the sum of the capacities (\(total))")
        }
        guard n > 0 else { throw GraphError("the graph has no node") }
        guard probabilityCutoff >= 0, probabilityCutoff < 1 else {
            throw GraphError("probability cut-off \(probabilityCutoff) must lie in [0, 1) (0: no cut-off)")
        }
        let eps = probabilityCutoff
        let alpha = decay.alpha
        let cutoff = eps > 0 ? -log(eps) / alpha : .infinity
        let m = graph.edges.count
        let comp = graph.components()
        let nc = (comp.max() ?? -1) + 1
        var comps = [(nodes: Int, capacity: Double)](repeating: (0, 0), count: nc)
        for v in 0..<n { comps[comp[v]].nodes += 1; comps[comp[v]].capacity += graph.capacities[v] }
        // Nodes are renumbered in sweep order (see below); a, compCapacity, compNodes and the sums are by new number.
        let perm = graph.sweepOrder()
        var rank = [Int](repeating: 0, count: n)
        for (i, v) in perm.enumerated() { rank[v] = i }
        let a = perm.map { graph.capacities[$0] }
        let compCapacity = perm.map { comps[comp[$0]].capacity }, compNodes = perm.map { comps[comp[$0]].nodes }
        let adj = CompactAdjacency(graph.adjacency(rank: rank), n: n)

        // 1 / (1 + nl) for every possible number of links.
        let inverse = (0...n + 1).map { 1 / (1 + Double($0)) }
        struct Acc {
            var pcNum = 0.0, iicNum = 0.0, cutCapacity = 0.0
            var flux: [Double], iicFlux: [Double], connector: [Double], iicConnector: [Double], bc: [Double], link: [Double]
            init(n: Int, m: Int) {
                flux = .init(repeating: 0, count: n); iicFlux = flux; connector = flux; iicConnector = flux; bc = flux
                link = .init(repeating: 0, count: m)
            }
        }
        // A fixed number of parts, each taking every `parts`-th source with its own sums, merged in part order:
        // the results do not depend on the number of threads (Workers), and the parts stay balanced.
        let parts = min(16, n)
        var accs = [Acc](repeating: Acc(n: 0, m: 0), count: parts)
        accs.withUnsafeMutableBufferPointer { accBuf in
            let accPtr = accBuf.baseAddress!
            Workers.perform(parts: parts) { w in
                var acc = Acc(n: n, m: m)
                var search = ReplacementSearch(adj)
                let subFlux = UnsafeMutableBufferPointer<Double>.filled(n, with: 0)
                let wantedBelow = UnsafeMutableBufferPointer<Int>.filled(n, with: 0)
                defer { subFlux.deallocate(); wantedBelow.deallocate() }
                let dist = search.dist, parent = search.parent, order = search.order, pre = search.pre
                let tin = search.tin, size = search.size, newDist = search.newDist, growth = search.growth, pdist = search.pdist, ap = search.scratch, detours = search.detours
                var pcNum = 0.0, iicNum = 0.0, cutCapacity = 0.0
                var fluxA = acc.flux, iicFluxA = acc.iicFlux, connectorA = acc.connector
                var iicConnectorA = acc.iicConnector, bcA = acc.bc, linkA = acc.link
                acc = Acc(n: 0, m: 0)
                fluxA.withUnsafeMutableBufferPointer { flux in
                iicFluxA.withUnsafeMutableBufferPointer { iicFlux in
                connectorA.withUnsafeMutableBufferPointer { connector in
                iicConnectorA.withUnsafeMutableBufferPointer { iicConnector in
                bcA.withUnsafeMutableBufferPointer { bc in
                linkA.withUnsafeMutableBufferPointer { link in
                var s = w
                while s < n {
                    defer { s += parts }
                    let aS = a[s]
                    // Weighted tree within the cut-off: PC terms, flux, BC.
                    search.shortestPathTree(from: s, cutoff: cutoff)
                    let count = search.count
                    var reached = 0.0
                    for i in 0..<count { subFlux[order[i]] = 0; wantedBelow[order[i]] = 0 }
                    for i in stride(from: count - 1, through: 0, by: -1) {
                        let j = order[i]
                        let apj = a[j] * exp(-alpha * dist[j])
                        ap[tin[j]] = apj
                        reached += a[j]
                        let term = aS * apj
                        pcNum += term
                        if j != s { flux[j] += term; subFlux[j] += term }
                        let p = parent[j]
                        if p >= 0 {
                            subFlux[p] += subFlux[j]
                            if p != s { bc[p] += subFlux[j] }
                            wantedBelow[p] += wantedBelow[j] + (j > s ? 1 : 0)
                        }
                    }
                    if count < compNodes[s] { cutCapacity += aS * max(0, compCapacity[s] - reached) }
                    // Removing node k changes the distances to its descendants; removing the link from k to its parent,
                    // to k and its descendants. Only those numbered above s are summed. One search serves both: once
                    // the link goes, a descendant t is reached either avoiding k (its distance without k) or through
                    // k, whose tree path to t is still there: d'(t) = min(d_without k(t), d'(k) + d(t) − d(k)).
                    for i in 1..<count {
                        let k = order[i]
                        let lo = tin[k], hi = tin[k] + size[k]
                        let wanted = wantedBelow[k]
                        if wanted == 0 && !(linkImportance && k > s) { continue }
                        // Growths d'(·) − d(·): k's once the link above it goes (entering from outside its subtree, or
                        // through its descendants), and each descendant's without k.
                        let enterK = linkImportance ? search.enter(k, without: search.parentEdge[k]) - dist[k] : .infinity
                        let toK = hi > lo + 1 ? search.removeDescendants(of: k, cutoff: cutoff, above: s, wanted: wanted,
                                                                         throughDescendants: linkImportance, enterK: enterK) : .infinity
                        // Each loss is p(t) − p'(t) = p(t) · (1 − exp(−α (d'(t) − d(t)))), by expm1 so that a small loss
                        // keeps its digits; through k, d'(t) − d(t) = d'(k) − d(k) for all of k's subtree.
                        // A node t keeps within the cut-off through k while d(t) + growth of k ≤ cutoff.
                        let growK = min(enterK, toK)
                        let lossK = -expm1(-alpha * growK)
                        var nodeLoss = 0.0, linkLoss = 0.0
                        if linkImportance && k > s { linkLoss += ap[lo] * (dist[k] + growK <= cutoff ? lossK : 1) }
                        if wanted > 0 {
                            for q in (lo + 1)..<hi where pre[q] > s {
                                let grow = growth[q]
                                let without = pdist[q] + grow <= cutoff ? -expm1(-alpha * grow) : 1
                                nodeLoss += ap[q] * without
                                linkLoss += ap[q] * min(without, pdist[q] + growK <= cutoff ? lossK : 1)
                            }
                            connector[k] += 2 * aS * nodeLoss
                        }
                        if linkImportance { link[search.parentEdge[k]] += 2 * aS * linkLoss }
                    }
                    // Fewest links (whole component): IIC, its flux and connector through the dominator tree.
                    search.hopDominatorTree(from: s)
                    let hCount = search.count
                    // below[k]: Σ over the nodes k dominates of aj·(1/(1+h) − 1/(2+h)), the loss if each grew by one link.
                    let below = subFlux
                    for i in 0..<hCount {
                        let j = order[i]
                        let term = aS * a[j] * inverse[Int(dist[j])]
                        iicNum += term
                        if j != s { iicFlux[j] += term }
                        below[j] = 0
                    }
                    for i in stride(from: hCount - 1, to: 0, by: -1) {
                        let j = order[i], h = Int(dist[j])
                        below[parent[j]] += below[j] + (j > s ? a[j] * (inverse[h] - inverse[h + 1]) : 0)
                    }
                    for i in 1..<hCount {
                        let k = order[i]
                        if size[k] <= 1 || below[k] == 0 { continue }
                        // Those that grow by more than one link add the difference.
                        var loss = below[k]
                        let count = search.hopDetours(removing: k)
                        for q in 0..<count where detours[q] > s {
                            let j = detours[q], d = newDist[q]
                            loss += a[j] * (inverse[Int(dist[j]) + 1] - (d < .infinity ? inverse[Int(d)] : 0))
                        }
                        iicConnector[k] += 2 * aS * loss
                    }
                }
                } } } } } }
                acc.pcNum = pcNum; acc.iicNum = iicNum; acc.cutCapacity = cutCapacity
                acc.flux = fluxA; acc.iicFlux = iicFluxA; acc.connector = connectorA
                acc.iicConnector = iicConnectorA; acc.bc = bcA; acc.link = linkA
                accPtr[w] = acc
            }
        }
        var pcNum = 0.0, iicNum = 0.0, cutCapacity = 0.0
        var flux = [Double](repeating: 0, count: n), iicFlux = flux, conn = flux, iicConn = flux, bc = flux
        var link = [Double](repeating: 0, count: m)
        for acc in accs {
            pcNum += acc.pcNum; iicNum += acc.iicNum; cutCapacity += acc.cutCapacity
            for (v, o) in perm.enumerated() {
                flux[o] += acc.flux[v]; iicFlux[o] += acc.iicFlux[v]; conn[o] += acc.connector[v]
                iicConn[o] += acc.iicConnector[v]; bc[o] += acc.bc[v]
            }
            for e in 0..<m { link[e] += acc.link[e] }
        }
        // flux[v] summed p over ordered pairs (s, v), s ≠ v: the flux fraction counts both directions.
        let global = GlobalConnectivity(PC: pcNum / (landscapeArea * landscapeArea), IIC: iicNum / (landscapeArea * landscapeArea),
                                        EC: pcNum.squareRoot(), NC: nc, PCnum: pcNum, IICnum: iicNum)
        var nodes: [NodeImportance] = []
        nodes.reserveCapacity(n)
        for k in 0..<n {
            let ak = graph.capacities[k]
            let intra = pcNum > 0 ? 100 * ak * ak / pcNum : 0
            let fl = pcNum > 0 ? 100 * 2 * flux[k] / pcNum : 0
            let co = pcNum > 0 ? 100 * conn[k] / pcNum : 0
            let iic = iicNum > 0 ? 100 * (ak * ak + 2 * iicFlux[k] + iicConn[k]) / iicNum : 0
            nodes.append(NodeImportance(dPC: intra + fl + co, dPC_intra: intra, dPC_flux: fl, dPC_connector: co, dIIC: iic, BC: bc[k] / 2))
        }
        let linkDPC = link.map { pcNum > 0 ? 100 * $0 / pcNum : 0 }
        return ConnectivityResult(global: global, nodes: nodes, linkDPC: linkDPC, componentOfNode: comp, components: comps,
                                  probabilityCutoff: eps, cutoffDistance: cutoff, cutoffErrorBound: eps * cutCapacity)
    }
}
