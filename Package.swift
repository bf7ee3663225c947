// swift-tools-version:5.10
import PackageDescription

let package = Package(
    name: "Trame",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trame", targets: ["trame"]),
        .library(name: "TrameRaster", targets: ["TrameRaster"]),
        .library(name: "TrameVector", targets: ["TrameVector"]),
        .library(name: "TrameCost", targets: ["TrameCost"]),
        .library(name: "TrameGraph", targets: ["TrameGraph"]),
        .library(name: "TrameGDAL", targets: ["TrameGDAL"]),
        .library(name: "TrameSample", targets: ["TrameSample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        // C library, reached only from the edges (TrameGDAL).
        .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),

        // Pure-Swift algorithms: no GDAL, no argument parsing.
        .target(name: "TrameRaster"),
        .target(name: "TrameVector"),
        .target(name: "TrameCost", dependencies: ["TrameRaster", "TrameVector"]),
        .target(name: "TrameGraph"),
        .target(name: "TrameSample", dependencies: ["TrameRaster", "TrameVector"]),

        // Edges: file formats and CRS through GDAL.
        .target(name: "TrameGDAL", dependencies: ["CGDAL", "TrameRaster", "TrameVector"]),

        // The command line.
        .target(name: "TrameCommands", dependencies: [
            "TrameRaster", "TrameVector", "TrameGDAL", "TrameSample", "TrameCost", "TrameGraph",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "CSV", package: "CSV.swift"),
        ]),
        .executableTarget(name: "trame", dependencies: ["TrameCommands"]),

        .testTarget(name: "TrameRasterTests", dependencies: ["TrameRaster"]),
        .testTarget(name: "TrameGDALTests", dependencies: ["TrameGDAL", "TrameRaster", "TrameVector"]),
        .testTarget(name: "TrameSampleTests", dependencies: ["TrameSample", "TrameRaster"]),
        .testTarget(name: "TrameCostTests", dependencies: ["TrameCost", "TrameRaster", "TrameGDAL"]),
        .testTarget(name: "TrameGraphTests", dependencies: ["TrameGraph"]),
        .testTarget(name: "TrameCommandsTests", dependencies: ["TrameCommands", "TrameGDAL", "TrameRaster"]),
    ]
)
