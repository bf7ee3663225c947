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
    static let prefixes = ["Neuville-", "Villers-", "Mont-", "Saint-", "Haute-", "Petit-", "Grand-", "Bois-", "Marais-", "Val-"]

    init(rng: SeededGenerator) { self.rng = rng }

    mutating func next() -> String {
        for _ in 0..<200 {
            let s = CommuneNames.stems[Int(rng.next() % UInt64(CommuneNames.stems.count))]
            let x = CommuneNames.suffixes[Int(rng.next() % UInt64(CommuneNames.suffixes.count))]
            let name = s + x
            if used.insert(name).inserted { return name }
        }
        // A region has more settlements than stems and suffixes make (about 400): then a prefix too, as in
        // Neuville-Saint-Vaast or Villers-au-Bois.
        for _ in 0..<400 {
            let p = CommuneNames.prefixes[Int(rng.next() % UInt64(CommuneNames.prefixes.count))]
            let s = CommuneNames.stems[Int(rng.next() % UInt64(CommuneNames.stems.count))]
            let x = CommuneNames.suffixes[Int(rng.next() % UInt64(CommuneNames.suffixes.count))]
            let name = p + s + x
            if used.insert(name).inserted { return name }
        }
        let name = "Commune \(used.count + 1)"
        used.insert(name)
        return name
    }
}
