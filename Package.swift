// swift-tools-version:6.0
// Radit: retrieval-augmented dual instruction tuning (RA-DIT) and RAFT in Swift.
// Layers, lowest first (see ../shared/DESIGN.md §2); nothing imports upward.
import PackageDescription

/// A system library found through pkg-config, with the Debian package that provides it.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig,
                   providers: [.apt([apt])])
}

/// Only the kernel layers (and the benchmark drivers) drop preconditions in release; every
/// target above them keeps its checks in the tested build.
let optimised: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "Radit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "radit", targets: ["radit"]),
        .library(name: "RaditTensor", targets: ["RaditTensor"]),
        .library(name: "RaditKernels", targets: ["RaditKernels"]),
        .library(name: "RaditText", targets: ["RaditText"]),
        .library(name: "RaditModels", targets: ["RaditModels"]),
        .library(name: "RaditStore", targets: ["RaditStore"]),
        .library(name: "RaditIndex", targets: ["RaditIndex"]),
        .library(name: "RaditData", targets: ["RaditData"]),
        .library(name: "RaditEval", targets: ["RaditEval"]),
        .library(name: "RaditRetrieval", targets: ["RaditRetrieval"]),
        .library(name: "RaditTuning", targets: ["RaditTuning"]),
        .library(name: "RaditExperiments", targets: ["RaditExperiments"]),
        .library(name: "RaditRemote", targets: ["RaditRemote"]),
        .library(name: "RaditServe", targets: ["RaditServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries (only these targets touch raw C APIs).
        systemLibrary("CBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),
        systemLibrary("CLAPACKE", pkgConfig: "lapacke", apt: "liblapacke-dev"),
        systemLibrary("CHDF5", pkgConfig: "hdf5", apt: "libhdf5-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),

        // Float32 elementwise/reduction kernels compiled per vector width and chosen at
        // start-up (baseline, AVX2+FMA, AVX-512; RADIT_SIMD forces one).
        .target(name: "RaditSIMD"),

        // Swift layers.
        .target(name: "RaditBase"),
        .target(name: "RaditTensor", dependencies: ["RaditBase", "RaditSIMD", "CBLAS", "CLAPACKE"],
                swiftSettings: optimised),
        .target(name: "RaditKernels", dependencies: ["RaditTensor", "RaditSIMD"], swiftSettings: optimised),
        .target(name: "RaditText", dependencies: ["RaditBase"]),
        .target(name: "RaditModels", dependencies: ["RaditKernels", "RaditText"]),
        .target(name: "RaditStore", dependencies: ["RaditBase", "RaditTensor", "CHDF5"]),
        .target(name: "RaditIndex", dependencies: ["RaditTensor", "RaditText", "RaditStore", "RaditSIMD"]),
        .target(name: "RaditRemote", dependencies: ["RaditBase", "CCurl"]),
        .target(name: "RaditData", dependencies: ["RaditText", "RaditIndex", "RaditRemote", "CZlib"]),
        .target(name: "RaditEval", dependencies: ["RaditData"]),
        // The one home of "text → ranked chunks": SentenceEncoder, retrievers, corpus
        // embedding and its cache, the bi-encoder with its query-side trainer and R-ft losses.
        .target(name: "RaditRetrieval", dependencies: ["RaditModels", "RaditIndex", "RaditData", "RaditStore"]),
        .target(name: "RaditTuning",
                dependencies: ["RaditRetrieval", "RaditModels", "RaditIndex", "RaditData", "RaditEval", "RaditStore"]),
        // `radit serve`: the OpenAI-compatible HTTP server over a native model (SwiftNIO).
        .target(name: "RaditServe", dependencies: [
            "RaditModels", "RaditRemote",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "RaditExperiments", dependencies: [
            "RaditTuning", "RaditRetrieval", "RaditEval", "RaditData", "RaditIndex", "RaditModels", "RaditStore",
            "RaditServe", "RaditRemote", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The CLI parses and renders: RaditExperiments, plus the read-only Store (inspect)
        // and Models (lm, models) pieces.
        .executableTarget(name: "radit", dependencies: [
            "RaditExperiments", "RaditStore", "RaditModels",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared test support: named tolerances, gradient checking, fixture paths.
        .target(name: "RaditTestSupport", dependencies: ["RaditTensor"], path: "Tests/RaditTestSupport"),
        .testTarget(name: "RaditBaseTests", dependencies: ["RaditBase", "RaditTestSupport"]),
        .testTarget(name: "RaditTensorTests", dependencies: ["RaditTensor", "RaditTestSupport"]),
        .testTarget(name: "RaditKernelsTests", dependencies: ["RaditKernels", "RaditSIMD", "RaditTestSupport"]),
        .testTarget(name: "RaditTextTests", dependencies: ["RaditText", "RaditTestSupport"]),
        .testTarget(name: "RaditModelsTests", dependencies: ["RaditModels", "RaditStore", "RaditTuning", "RaditTestSupport"]),
        .testTarget(name: "RaditStoreTests", dependencies: ["RaditStore", "RaditTestSupport"]),
        .testTarget(name: "RaditIndexTests", dependencies: ["RaditIndex", "RaditSIMD", "RaditTestSupport"]),
        .testTarget(name: "RaditDataTests", dependencies: ["RaditData", "RaditRetrieval", "RaditTestSupport"]),
        .testTarget(name: "RaditRetrievalTests",
                    dependencies: ["RaditRetrieval", "RaditExperiments", "RaditStore", "RaditTestSupport"]),
        .testTarget(name: "RaditEvalTests", dependencies: ["RaditEval", "RaditTestSupport"]),
        .testTarget(name: "RaditTuningTests",
                    dependencies: ["RaditTuning", "RaditExperiments", "RaditServe", "RaditRemote", "RaditModels", "RaditTestSupport"]),
        .testTarget(name: "RaditRemoteTests", dependencies: ["RaditRemote", "RaditTestSupport"]),
        .testTarget(name: "RaditServeTests", dependencies: ["RaditServe", "RaditRemote", "RaditModels", "RaditTestSupport"]),
        .testTarget(name: "RaditCLITests", dependencies: ["RaditExperiments", "RaditStore", "RaditTestSupport"]),

        // Benchmarks: executables, run by `make bench`, never by `make test`.
        .executableTarget(name: "bench-gemm", dependencies: ["RaditTensor"],
                          path: "benchmarks/gemm", exclude: ["run.sh", "peer_numpy.py"],
                          swiftSettings: optimised),
        .executableTarget(name: "bench-kernels", dependencies: ["RaditKernels"],
                          path: "benchmarks/kernels", exclude: ["peer.py", "run.sh"], swiftSettings: optimised),
        .executableTarget(name: "bench-tokenizers", dependencies: ["RaditText", "RaditModels"],
                          path: "benchmarks/tokenizers", exclude: ["run.sh", "make_passages.py", "peer.py"],
                          swiftSettings: optimised),
        .executableTarget(name: "bench-index", dependencies: ["RaditIndex", "RaditTensor"],
                          path: "benchmarks/index", exclude: ["run.sh", "peer_faiss_bm25s.py"],
                          swiftSettings: optimised),
        .executableTarget(name: "bench-encoder", dependencies: ["RaditRetrieval", "RaditModels", "RaditTensor"],
                          path: "benchmarks/encoder", exclude: ["run.sh", "peer.py", "peer_corpus.py", "corpus.py", "texts.py"],
                          swiftSettings: optimised),
        .executableTarget(name: "bench-serve", dependencies: ["RaditServe", "RaditRemote", "RaditModels", "RaditTensor"],
                          path: "benchmarks/serve", exclude: ["run.sh"]),
        .executableTarget(name: "bench-lm", dependencies: ["RaditModels"],
                          path: "benchmarks/lm", exclude: ["run.sh", "peer.py"], swiftSettings: optimised),
    ],
    swiftLanguageModes: [.v6]
)
