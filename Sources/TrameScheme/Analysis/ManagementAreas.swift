extension FigureTally {
    /// Adds per unit the area of each management regime: `regimeOf[i]` is 1 + the regime's index in the
    /// project, 0 where no regime applies (outside nature spaces and corridors, or no entry matches).
    public mutating func addManagement(_ regimeOf: [UInt8], regimes: Int, cellHa: Double) {
        for u in units.indices { units[u].managementHa = [Double](repeating: 0, count: regimes) }
        var us: [Int] = []
        for i in 0..<regimeOf.count where regimeOf[i] != 0 {
            unitsOf(i, into: &us)
            for u in us { units[u].managementHa[Int(regimeOf[i]) - 1] += cellHa }
        }
    }
}
