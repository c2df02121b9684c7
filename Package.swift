// swift-tools-version: 6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "jecp-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jecp-hub", targets: ["jecp-hub"]),
        .library(name: "JECPModels", targets: ["JECPModels"]),
        .library(name: "JECPHub", targets: ["JECPHub"]),
        // For the Benchmarks package (a path dependency); the Hub's own code needs none of these as products.
        .library(name: "JECPHubCore", targets: ["JECPHubCore"]),
        .library(name: "JECPSchema", targets: ["JECPSchema"]),
        .library(name: "JECPStoreSQLite", targets: ["JECPStoreSQLite"]),
        .library(name: "JECPStorePostgres", targets: ["JECPStorePostgres"]),
        .library(name: "JECPClient", targets: ["JECPClient"]),
        .library(name: "JECPProviderKit", targets: ["JECPProviderKit"]),
        .executable(name: "jecp", targets: ["jecp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["CommandLineArguments"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "JECPModels",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        .target(name: "JECPSchema", dependencies: ["JECPModels"], swiftSettings: upcoming),
        // Provider manifests: YAML/JSON in, schema validation, the publish-time rules. Shared by the Hub and the CLI.
        .target(
            name: "JECPManifest",
            dependencies: ["JECPModels", "JECPSchema", .product(name: "Yams", package: "Yams")],
            swiftSettings: upcoming
        ),
        // Every request the Hub makes to a URL someone else chose: DNS, the SSRF guard, pinned HTTP.
        .target(
            name: "JECPOutbound",
            dependencies: [
                "JECPModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        // For providers: verify the Hub's signatures and serve actions from a Hummingbird router.
        .target(
            name: "JECPProviderKit",
            dependencies: [
                "JECPModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "jecp-example-provider",
            dependencies: ["JECPProviderKit", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Examples/TextProvider",
            swiftSettings: upcoming
        ),
        .target(
            name: "JECPHubCore",
            dependencies: [
                "JECPModels", "JECPSchema", "JECPManifest",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "JECPStoreSQLite",
            dependencies: [
                "JECPHubCore", "JECPModels",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "JECPStorePostgres",
            dependencies: [
                "JECPHubCore", "JECPModels",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "JECPBuiltins",
            dependencies: [
                "JECPHubCore", "JECPModels", "JECPSchema", "CZlib",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "JECPHub",
            dependencies: [
                "JECPHubCore", "JECPModels", "JECPSchema", "JECPStoreSQLite", "JECPStorePostgres", "JECPBuiltins",
                "JECPManifest", "JECPOutbound",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "jecp-hub",
            dependencies: ["JECPHub", "JECPStoreSQLite", "JECPStorePostgres", "JECPHubCore", .product(name: "Configuration", package: "swift-configuration")],
            swiftSettings: upcoming
        ),
        .target(
            name: "JECPClient",
            dependencies: [
                "JECPModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "JECPClientTests",
            dependencies: [
                "JECPClient", "JECPModels", "JECPHub", "JECPHubCore", "JECPBuiltins",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The CLI: JECPClient and ArgumentParser (and swift-log), never Hummingbird, GRDB or PostgresNIO.
        .executableTarget(
            name: "jecp",
            dependencies: [
                "JECPClient", "JECPManifest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // Only to quiet the SDK's logger (it is a dependency of JECPClient already).
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Depends on the executable so `swift build --build-tests` builds the binary the CLI tests run.
        .testTarget(
            name: "JECPCLITests",
            dependencies: [
                "jecp", "jecp-example-provider", "JECPModels", "JECPHub", "JECPBuiltins", "JECPTestProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Child processes for tests on posix_spawn (Foundation's Process.run can crash on Linux; see the file).
        .target(name: "JECPTestProcess", dependencies: [], path: "Tests/Support/JECPTestProcess"),
        // Starts a throwaway PostgreSQL cluster from the installed server binaries, for the tests that need one.
        .target(name: "JECPTestPostgres", dependencies: [], path: "Tests/Support/JECPTestPostgres"),
        // An authoritative DNS server on loopback with answers a test sets (and changes) at will.
        .target(
            name: "JECPTestDNS",
            dependencies: [
                "JECPOutbound",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/Support/JECPTestDNS"
        ),
        .testTarget(
            name: "JECPOutboundTests",
            dependencies: [
                "JECPOutbound", "JECPTestDNS",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "JECPProviderKitTests",
            dependencies: [
                "JECPProviderKit", "JECPModels", "JECPSchema", "JECPTestProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "JECPManifestTests", dependencies: ["JECPManifest", "JECPSchema", "JECPModels"]),
        .testTarget(
            name: "JECPStoreTests",
            dependencies: ["JECPStoreSQLite", "JECPStorePostgres", "JECPHubCore", "JECPModels", "JECPTestPostgres",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "JECPModelsTests", dependencies: ["JECPModels"]),
        .testTarget(name: "JECPHubCoreTests", dependencies: ["JECPHubCore", "JECPModels"]),
        .testTarget(name: "JECPSchemaTests", dependencies: ["JECPSchema", "JECPModels"]),
        .testTarget(name: "JECPBuiltinsTests", dependencies: ["JECPBuiltins", "JECPSchema", "JECPHubCore", "JECPTestProcess"]),
        .testTarget(
            name: "JECPHubTests",
            dependencies: [
                "JECPHub", "JECPHubCore", "JECPStoreSQLite", "JECPStorePostgres", "JECPModels",
                "JECPBuiltins", "JECPSchema", "JECPTestPostgres", "JECPTestDNS", "JECPTestProcess", "JECPOutbound", "JECPManifest", "JECPProviderKit",
                "jecp-example-provider",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
