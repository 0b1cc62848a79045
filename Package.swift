// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Tickler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tickler", targets: ["tickler"]),
        .executable(name: "ticklerd", targets: ["ticklerd"]),
        .executable(name: "tickler-inbound", targets: ["tickler-inbound"]),
        .library(name: "TicklerCore", targets: ["TicklerCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure domain: time, calendars, policies, the evaluator. Foundation only.
        .target(name: "TicklerCore", swiftSettings: strict),
        // tickler.yaml -> validated Configuration, with FILE:LINE:COL diagnostics.
        .target(
            name: "TicklerConfig",
            dependencies: ["TicklerCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Case store (SQLite through GRDB, PostgreSQL through postgres-nio), ledger, import.
        .target(
            name: "TicklerStore",
            dependencies: [
                "TicklerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The PostgreSQL store (several instances), and the copy of a SQLite store into one.
        .target(
            name: "TicklerPostgres",
            dependencies: [
                "TicklerCore", "TicklerStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // libsystemd: journal entries, sd_notify, watchdog.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // journald, sd_notify, the watchdog and the credentials directory, for any service.
        .target(
            name: "Systemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // libcurl: SMTP and HTTPS, with its connection reuse, TLS and AUTH.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Channels: email over SMTP, signed webhooks; messages from Mustache templates; retry policy.
        .target(
            name: "TicklerDelivery",
            dependencies: [
                "TicklerCore", "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        // Clio Manage: its API (token, paged lists under the rate limit), its records, and how each becomes a row.
        .target(name: "TicklerClio", dependencies: ["TicklerCore", "TicklerStore", "TicklerDelivery"], swiftSettings: strict),
        // The firm's mailboxes: an IMAP client (TLS, IDLE) and the reader that records who wrote to whom.
        .target(
            name: "TicklerMail",
            dependencies: [
                "TicklerCore", "TicklerStore",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // Helpers for tests that talk to real journald and a notify socket.
        .target(name: "TicklerTestKit", dependencies: ["TicklerCore"], swiftSettings: strict),
        // The `tickler` commands, as a library so tests can drive them in-process.
        .target(
            name: "TicklerCLI",
            dependencies: [
                "TicklerCore", "TicklerConfig", "TicklerStore", "TicklerPostgres", "TicklerDelivery", "TicklerSession", "TicklerClio",
                "TicklerMail", "TicklerJournal", "Systemd", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Journal entries of the services: their events, MESSAGE_IDs and the redaction of client data.
        .target(
            name: "TicklerJournal",
            dependencies: ["TicklerCore", "Systemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Opening the configured store, for every program.
        .target(name: "TicklerSession", dependencies: ["TicklerConfig", "TicklerStore", "TicklerPostgres", "Systemd"], swiftSettings: strict),
        // The service: the poll loop, lifecycle, delivery lanes.
        .target(
            name: "TicklerDaemon",
            dependencies: [
                "TicklerCore", "TicklerConfig", "TicklerStore", "TicklerPostgres", "TicklerDelivery", "TicklerJournal", "TicklerSession",
                "TicklerClio", "Systemd",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Replies from clients: the SMS gateway's inbound webhook, checked and written as case records.
        .target(
            name: "TicklerInbound",
            dependencies: [
                "TicklerCore", "TicklerConfig", "TicklerStore", "TicklerDelivery", "TicklerJournal", "Systemd",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tickler-inbound",
            dependencies: [
                "TicklerInbound", "TicklerClio", "TicklerSession", "TicklerJournal", "TicklerConfig", "TicklerCore", "TicklerStore", "Systemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "tickler", dependencies: ["TicklerCLI"], swiftSettings: strict),
        .executableTarget(
            name: "ticklerd",
            dependencies: [
                "TicklerDaemon", "TicklerJournal", "TicklerCore", "TicklerConfig", "TicklerStore", "Systemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The parsers under fuzzing, each with the promises it must keep (make fuzz; seeds replayed by the tests).
        .target(
            name: "TicklerFuzzTargets",
            dependencies: [
                "TicklerCore", "TicklerConfig", "TicklerStore", "TicklerDelivery", "TicklerInbound",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "tickler-fuzz", dependencies: ["TicklerFuzzTargets"], swiftSettings: strict),
        .testTarget(name: "TicklerCoreTests", dependencies: ["TicklerCore"], swiftSettings: strict),
        .testTarget(name: "TicklerMailTests", dependencies: ["TicklerMail", "TicklerCore", "TicklerStore", "TicklerPostgres", "TicklerTestKit"],
                    swiftSettings: strict),
        .testTarget(name: "TicklerClioTests", dependencies: ["TicklerClio", "TicklerCore", "TicklerDelivery", "TicklerPostgres", "TicklerStore", "TicklerTestKit"], swiftSettings: strict),
        .testTarget(
            name: "TicklerFuzzTests", dependencies: ["TicklerFuzzTargets", "TicklerConfig", "TicklerStore"], swiftSettings: strict
        ),
        .testTarget(
            name: "TicklerConfigTests",
            dependencies: ["TicklerConfig"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TicklerStoreTests",
            dependencies: [
                "TicklerStore", "TicklerPostgres", "TicklerTestKit", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "TicklerCLITests", dependencies: ["TicklerCLI", "TicklerMail", "TicklerTestKit"], swiftSettings: strict),
        .testTarget(
            name: "TicklerDeliveryTests",
            dependencies: ["TicklerDelivery", "TicklerTestKit", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TicklerDaemonTests",
            dependencies: [
                "TicklerDaemon", "TicklerJournal", "TicklerConfig", "TicklerStore", "TicklerPostgres", "TicklerTestKit", "Systemd",
                "TicklerInbound", "TicklerClio",
                "TicklerDelivery",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TicklerInboundTests",
            dependencies: [
                "TicklerInbound", "TicklerStore", "TicklerPostgres", "TicklerTestKit", "TicklerDelivery", "TicklerDaemon", "TicklerJournal",
                "TicklerConfig",
                "Systemd",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SystemdTests",
            dependencies: ["Systemd", "TicklerTestKit", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
    ]
)
