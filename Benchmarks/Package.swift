// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its directory, so the root's identity is the clone's folder name.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

// Hot-path micro-benchmarks (ordo-one/benchmark): `swift package benchmark` in this directory.
// A separate package so `swift test` at the root never builds the benchmark toolchain.
let package = Package(
    name: "jecp-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "JECPModels", package: root),
                .product(name: "JECPHubCore", package: root),
                .product(name: "JECPSchema", package: root),
                .product(name: "JECPStoreSQLite", package: root),
            ],
            path: "Benchmarks/HotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
