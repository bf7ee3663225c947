import Foundation
import TrameGDAL
import TramePublish
import TrameRouting
import TrameScheme

/// Loading a scheme for the web, and re-running it: shared by `trame serve`, its tests and its benchmark.
public enum ServeSetup {
    public struct Loaded {
        public var served: ServedScheme
        public var project: Project?
    }

    public static func load(folder: String, progress: (String) -> Void = { _ in }) throws -> Loaded {
        let site: SchemeSite
        do { site = try SchemeSite.load(folder) } catch let e as GeodataError { throw InputError(e.description) }
        var project: Project? = nil
        if let file = site.projectFile, FileManager.default.fileExists(atPath: file) {
            do { project = try ProjectFile.load(file) } catch let e as ProjectError {
                FileHandle.standardError.write(Data("trame: warning: \(e.description); serving without itineraries and re-runs\n".utf8))
            }
        } else {
            FileHandle.standardError.write(Data("trame: warning: \(site.projectFile ?? "the project file"): not found; serving without itineraries and re-runs\n".utf8))
        }
        var itineraries: ItineraryService? = nil
        if let p = project, let it = p.itineraries {
            progress("building the path network")
            itineraries = try network(p, it, site: site)
        }
        let colours = Dictionary(project?.subNetworks.map { ($0.name, $0.colour) } ?? [], uniquingKeysWith: { a, _ in a })
        return Loaded(served: ServedScheme(site: site, colours: colours, itineraries: itineraries), project: project)
    }

    /// Walking and cycling routers on the project's path network, in the scheme's CRS, preferring the
    /// scheme's green network (nature spaces, corridors, buffer zones).
    public static func network(_ p: Project, _ it: ItinerarySettings, site: SchemeSite) throws -> ItineraryService? {
        guard let crs = SpatialReference.fromWKT(site.crsWKT) else { return nil }
        let loaded = try NetworkInput.load(it.network.file, layer: it.network.layer, snap: nil, profile: .standard,
                                           filter: it.network.filter, into: crs, joinCrossings: it.joinCrossings,
                                           extra: it.withRoads ? p.roads.map { [($0.file, $0.layer, p.roadClassField)] } ?? [] : [])
        let outside = try NetworkInput.outsideGreen(loaded.network, crs: crs, scheme: site.gpkg)
        var routers: [TravelMode: TrameRouting.Router] = [:]
        for mode in TravelMode.allCases {
            if let r = try? TrameRouting.Router(network: loaded.network, mode: mode, outside: outside, preferGreen: it.preferGreen) { routers[mode] = r }
        }
        return routers.isEmpty ? nil : ItineraryService(routers: routers, crsWKT: crs.wkt, maxSnap: it.maxSnap)
    }

    /// Re-runs the project with revised inventories into the scheme folder (swapped in at the end, so the
    /// old scheme is served until then), then loads the new scheme. It runs in this process on a thread of
    /// its own (the server lets one re-run go at a time), the partners' files given as values: inventory
    /// name → file.
    public static func rerun(project: String, folder: String) -> @Sendable ([String: String]) async throws -> ServedScheme {
        { replace in
            // The run and the loading block a thread for minutes: off Swift concurrency's small pool.
            try await withCheckedThrowingContinuation { (k: CheckedContinuation<ServedScheme, Error>) in
                DispatchQueue.global().async {
                    k.resume(with: Result { try rerunNow(project: project, folder: folder, replace: replace) })
                }
            }
        }
    }

    public static func rerunNow(project: String, folder: String, replace: [String: String]) throws -> ServedScheme {
        let p = try SchemeJob.loadProject(project, replacing: replace.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        _ = try SchemeJob(project: p, out: folder, lang: p.lang).run()
        return try load(folder: folder).served
    }
}
