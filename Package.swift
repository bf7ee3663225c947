// swift-tools-version:5.10
import PackageDescription

// Debug builds (`swift build`, `swift test`) still optimise Trame's computing modules (`-O`, with testing
// enabled as usual): unoptimised, their grid passes run 20–40 times slower, and the end-to-end tests, which
// build whole sample schemes, took most of CI's time. TRAME_DEBUG_ONONE=1 builds them unoptimised, for a
// debugger. Release builds are unchanged.
let optimisedInDebug: [SwiftSetting] = Context.environment["TRAME_DEBUG_ONONE"] == "1"
    ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Trame",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "trame", targets: ["trame"]),
        .library(name: "TrameRaster", targets: ["TrameRaster"]),
        .library(name: "TrameVector", targets: ["TrameVector"]),
        .library(name: "TrameCost", targets: ["TrameCost"]),
        .library(name: "TrameGraph", targets: ["TrameGraph"]),
        .library(name: "TrameGDAL", targets: ["TrameGDAL"]),
        .library(name: "TrameSample", targets: ["TrameSample"]),
        .library(name: "TrameScheme", targets: ["TrameScheme"]),
        .library(name: "TrameMaps", targets: ["TrameMaps"]),
        .library(name: "TrameRouting", targets: ["TrameRouting"]),
        .library(name: "TrameCircuit", targets: ["TrameCircuit"]),
        .library(name: "TrameServer", targets: ["TrameServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C library, reached only from the edges (TrameGDAL).
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
        // Cairo, reached only from the map renderer (TrameMaps).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // SuiteSparse's CHOLMOD (Debian's libsuitesparse-dev; SuiteSparse 5 ships no pkg-config file), reached only
        // from TrameCircuit's direct solver (`solver = cholmod`).
        .systemLibrary(name: "CCholmod", providers: [.apt(["libsuitesparse-dev"])]),
        // Atomic folder swaps (renameat2 RENAME_EXCHANGE) and malloc_trim, for TrameGDAL (OutputFolder, ProcessMemory);
        // the spin barrier of TrameCost's two-core cost-distance search.
        .target(name: "CTrameSys"),

        // Pure-Swift algorithms: no GDAL, no argument parsing.
        .target(name: "TrameRaster", swiftSettings: optimisedInDebug),
        .target(name: "TrameVector", swiftSettings: optimisedInDebug),
        .target(name: "TrameCost", dependencies: ["CTrameSys", "TrameRaster", "TrameVector"], swiftSettings: optimisedInDebug),
        .target(name: "TrameGraph", dependencies: ["TrameRaster"], swiftSettings: optimisedInDebug),
        .target(name: "TrameSample", dependencies: ["TrameRaster", "TrameVector"], swiftSettings: optimisedInDebug),
        // The scheme: project file, nature-space typology, buffer zones, conflict points, figures, report.
        .target(name: "TrameScheme", dependencies: [
            "TrameRaster", "TrameVector", "TrameCost", "TrameGraph", "TrameRouting", "TrameSample",
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "CSV", package: "CSV.swift"),
        ], swiftSettings: optimisedInDebug),

        // Circuit theory on rasters and graphs (Circuitscape's modes).
        .target(name: "TrameCircuit", dependencies: ["CCholmod", "TrameRaster", "TrameCost"], swiftSettings: optimisedInDebug),

        // Walking and cycling itineraries on a path network.
        .target(name: "TrameRouting", dependencies: ["TrameRaster", "TrameVector"], swiftSettings: optimisedInDebug),

        // Maps drawn with Cairo (PNG and PDF).
        .target(name: "TrameMaps", dependencies: ["CCairo", "TrameRaster", "TrameVector"], swiftSettings: optimisedInDebug),

        // Edges: file formats and CRS through GDAL.
        .target(name: "TrameGDAL", dependencies: ["CGDAL", "CTrameSys", "TrameRaster", "TrameVector"], swiftSettings: optimisedInDebug),

        // Partners' uploads checked before they are kept: type, SQLite/zip inspection, GDAL with three drivers
        // (runs in the `trame check-upload` child; no web stack, so it fuzzes quickly).
        .target(name: "TrameUploads", dependencies: [
            "TrameVector", "TrameGDAL",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),

        // Publishing a scheme: its input files read through GDAL, the pipeline run (`SchemeJob`, the one entry
        // point of `trame run`, `trame demo` and the server's re-runs), and every output: GeoPackage layers
        // and QGIS styles, Cloud-Optimized GeoTIFFs, maps and atlas, report, figures.csv.
        .target(name: "TramePublish", dependencies: [
            "TrameRaster", "TrameVector", "TrameCost", "TrameGraph", "TrameCircuit", "TrameRouting", "TrameSample", "TrameScheme",
            "TrameGDAL", "TrameMaps",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CSV", package: "CSV.swift"),
        ], swiftSettings: optimisedInDebug),

        // `trame serve`: the scheme on the web (layers, tiles, point queries, itineraries, partner uploads).
        .target(name: "TrameServer", dependencies: [
            "TrameRaster", "TrameVector", "TrameGDAL", "TrameRouting", "TrameMaps", "TrameScheme", "TrameUploads", "TramePublish",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.copy("Web"), .copy("Passwords")]),

        // The command line.
        .target(name: "TrameCommands", dependencies: [
            "TrameRaster", "TrameVector", "TrameGDAL", "TrameSample", "TrameCost", "TrameGraph", "TrameScheme", "TrameMaps", "TrameRouting", "TrameCircuit", "TrameServer", "TrameUploads", "TramePublish",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CSV", package: "CSV.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "trame", dependencies: ["TrameCommands"]),

        // Shared by the test targets only: running the built `trame` as a user would.
        .target(name: "TrameTestSupport"),

        .testTarget(name: "TrameRasterTests", dependencies: ["TrameRaster", "TrameSample"]),
        .testTarget(name: "TrameGDALTests", dependencies: ["TrameGDAL", "TrameRaster", "TrameVector"]),
        .testTarget(name: "TrameSampleTests", dependencies: ["TrameSample", "TrameRaster"]),
        .testTarget(name: "TrameCostTests", dependencies: ["TrameCost", "TrameRaster", "TrameGDAL"]),
        .testTarget(name: "TrameGraphTests", dependencies: ["TrameGraph"]),
        .testTarget(name: "TrameSchemeTests", dependencies: ["TrameScheme", "TrameRaster", "TrameCost"]),
        .testTarget(name: "TrameMapsTests", dependencies: ["TrameMaps", "TrameVector"]),
        .testTarget(name: "TrameCircuitTests", dependencies: ["TrameCircuit", "TrameRaster", "TrameCost", "TrameGDAL"]),
        .testTarget(name: "TrameVectorTests", dependencies: ["TrameVector"]),
        .testTarget(name: "TrameRoutingTests", dependencies: ["TrameRouting", "TrameVector", "TrameGDAL"]),
        .testTarget(name: "TramePublishTests", dependencies: ["TramePublish", "TrameGDAL", "TrameRaster", "TrameRouting", "TrameScheme", "TrameVector", "TrameTestSupport"]),
        .testTarget(name: "TrameServerTests", dependencies: [
            "TrameServer", "TrameUploads", "TramePublish", "TrameScheme", "TrameSample", "TrameGDAL", "TrameRaster", "TrameVector", "TrameRouting", "TrameTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TrameCommandsTests", dependencies: [
            "TrameCommands", "TrameGDAL", "TrameRaster", "TrameVector", "TrameCircuit", "TrameServer", "TrameScheme", "TrameUploads", "TramePublish", "TrameTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ]
)

// Fuzz targets (libFuzzer), declared only when TRAME_FUZZ=1 so that `swift build` and `swift test` never see
// them. `scripts/fuzz.sh` builds them in their own scratch folder (.build-fuzz) with `-sanitize=fuzzer,address`.
// Each is an executable whose entry point (`Fuzz…_main`, the name SwiftPM's Linux link gives `main`) hands
// over to libFuzzer's driver; `LLVMFuzzerTestOneInput` feeds one input to the parser under test.
if Context.environment["TRAME_FUZZ"] == "1" {
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("Project", ["TrameScheme"]),
        ("Quantity", ["TrameScheme"]),
        ("Ini", ["TrameCircuit"]),
        ("Friction", ["TrameScheme"]),
        ("Nomenclature", ["TrameScheme"]),
        ("Upload", ["TrameUploads", "TrameGDAL", "TrameVector"]),
        ("Query", ["TrameServer"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(name: "Fuzz\(name)", dependencies: dependencies + ["CFuzzDriver"], path: "Fuzz/Targets/\(name)",
                                                 swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
        package.products.append(.executable(name: "Fuzz\(name)", targets: ["Fuzz\(name)"]))
    }
}
