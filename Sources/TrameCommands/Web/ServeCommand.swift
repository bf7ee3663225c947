import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TrameGDAL
import TramePublish
import TrameRouting
import TrameScheme
import TrameServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Publish a finished scheme on the web: map, point queries, itineraries, partner uploads.",
        discussion: """
        Serves the folder that `trame run` wrote (scheme.gpkg, rasters/, report.html) at http://HOST:PORT/: \
        a map of the scheme's layers and rasters (Leaflet from Debian's libjs-leaflet; no internet needed), \
        "what is here?" on a click, walking and cycling routes and loops with GPX download, the figures, \
        and a JSON API described at /api/openapi.json.

        Reading is public unless --private; writing needs an account (`trame users add`). Partners upload \
        revised versions of their own inventories; every version is kept, with who and when, in the \
        partners folder (default: OUT-partners beside OUT, which a re-run replaces). Admins re-run the \
        scheme with chosen versions; the new scheme is served when the run has finished.

        The project file recorded in scheme.gpkg gives the sub-network colours, the inventories and the \
        path network; without it the map still works, without itineraries and re-runs.

        Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
        """)

    @Argument(help: "The scheme folder (the output of `trame run`).")
    var folder: String

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Flag(name: .customLong("private"), help: "Require sign-in for everything, reading included.")
    var isPrivate = false

    @Option(help: "Language of the page: fr or en (default: the project's [report] lang).")
    var lang: Language?

    @Option(help: "Partners folder (accounts, sessions, upload versions; default: OUT-partners).")
    var partners: String?

    @Option(help: "Where libjs-leaflet is installed.")
    var leaflet = "/usr/share/javascript/leaflet"

    @Flag(help: "Mark the session cookie Secure: only sent over HTTPS (use it behind an HTTPS reverse proxy).")
    var secureCookies = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port is 0…65535") }
    }

    func run() throws {
        let progress = Progress(quiet: common.quiet)
        let leafletJS = (leaflet as NSString).appendingPathComponent("leaflet.js")
        guard FileManager.default.fileExists(atPath: leafletJS) else {
            throw InputError("\(leafletJS): Leaflet is not installed (apt-get install libjs-leaflet)")
        }
        do { _ = try ServerResources.required() } catch let e as ServerResourceError { throw InputError(e.description) }
        progress.step("loading the scheme")
        let loaded = try ServeSetup.load(folder: folder, progress: progress.step)
        let store: PartnerStore
        do {
            store = try PartnerStore(folder: partners ?? PartnerStore.defaultFolder(for: folder))
            try store.abandonUnfinishedRuns()
        } catch let e as PartnerStoreError {
            throw InputError(e.description)
        }
        let language = lang?.rawValue ?? loaded.project?.lang ?? "fr"
        var settings = ServeSettings(
            lang: language, isPrivate: isPrivate, tileURL: loaded.project?.baseMap,
            tileAttribution: loaded.project?.baseMapAttribution, leafletFolder: leaflet,
            subNetworks: loaded.project?.subNetworks.map { ($0.name, $0.label(in: language), $0.colour) } ?? [],
            inventories: loaded.project?.inventories.map { InventoryEntry(name: $0.name, partner: $0.partner) } ?? [],
            rerun: loaded.project.map { p in ServeSetup.rerun(project: p.file, folder: folder) })
        settings.secureCookies = secureCookies
        let server = SchemeServer(scheme: loaded.served, store: store, settings: settings)
        var logger = Logger(label: "trame.serve")
        logger.logLevel = common.quiet ? .warning : .info
        let host = self.host, quiet = common.quiet
        let title = loaded.served.site.title
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "trame"),
            onServerRunning: { channel in
                let p = channel.localAddress?.port ?? 0
                let line = "trame serve: \(title) at http://\(host):\(p)/ (Ctrl-C stops)\n"
                if !quiet || isatty(STDOUT_FILENO) == 0 { FileHandle.standardOutput.write(Data(line.utf8)) }
            },
            logger: logger)
        let done = DispatchSemaphore(value: 0)
        let failure = ErrorBox()
        Task {
            do { try await app.runService() } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        // Upload checks still running are killed with the server (their scratch is swept at the next start).
        server.checker.stopAll()
        if let e = failure.error { throw InputError("cannot serve on \(host):\(port): \(e)") }
        if !quiet { FileHandle.standardError.write(Data("trame serve: stopped\n".utf8)) }
    }
}

final class ErrorBox: @unchecked Sendable { var error: Error? }
