/// Invented commune names in the style of the region (none is a real commune).
struct CommuneNames {
    var rng: SeededGenerator
    var used = Set<String>()
    static let stems = ["Auchel", "Bruay", "Carvin", "Douvrin", "Estrée", "Fouquières", "Gohelle", "Haillicourt",
                        "Isbergues", "Labourse", "Méricourt", "Noeux", "Oignies", "Pecquencourt", "Quiéry", "Rœux",
                        "Sains", "Thélus", "Verquin", "Wingles", "Annœullin", "Bénifontaine", "Cuinchy", "Drocourt",
                        "Éleu", "Flers", "Givenchy", "Hersin", "Lesquin", "Marœuil", "Nœux", "Orchies", "Raismes",
                        "Sallaumines", "Tilloy", "Vendin", "Wallers", "Hénin", "Courcelles", "Évin"]
    static let suffixes = ["", "", "", "-les-Mines", "-en-Gohelle", "-sur-Deûle", "-lès-Marais", "-le-Bois",
                           "-sous-Terril", "-la-Forêt", "-en-Artois", "-lez-Étangs"]

    init(rng: SeededGenerator) { self.rng = rng }

    mutating func next() -> String {
        for _ in 0..<200 {
            let s = CommuneNames.stems[Int(rng.next() % UInt64(CommuneNames.stems.count))]
            let x = CommuneNames.suffixes[Int(rng.next() % UInt64(CommuneNames.suffixes.count))]
            let name = s + x
            if used.insert(name).inserted { return name }
        }
        let name = "Commune \(used.count + 1)"
        used.insert(name)
        return name
    }
}
