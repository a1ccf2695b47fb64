import Dispatch
import Foundation
import RaditTensor
import XCTest

/// Seeded mutation fuzzing of a parser: each case truncates, flips bits in, or inserts
/// bytes into a valid file, then the parser must either load it or throw a typed error;
/// a crash fails the whole test binary, an untyped error or a case running past its time
/// box fails the test naming the case (seed and mutation), so it can be replayed.
public struct Fuzzer {
    public enum Outcome: String, CaseIterable, Sendable {
        case loaded, typedError, untypedError, timedOut
    }

    /// Cases per outcome, for the report.
    public struct Counts: CustomStringConvertible, Sendable {
        public var byOutcome: [Outcome: Int] = [:]
        public var byMutation: [String: Int] = [:]
        public var total: Int { byOutcome.values.reduce(0, +) }
        public var description: String {
            let outcomes = Outcome.allCases.map { "\($0.rawValue) \(byOutcome[$0, default: 0])" }.joined(separator: ", ")
            let kinds = byMutation.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(total) cases: \(outcomes) (mutations: \(kinds))"
        }
    }

    public let seed: UInt64
    public let cases: Int
    /// Longest a single case may take.
    public let timeBox: TimeInterval

    public init(seed: UInt64, cases: Int = 1000, timeBox: TimeInterval = 5) {
        self.seed = seed
        self.cases = cases
        self.timeBox = timeBox
    }

    /// One mutation of `bytes` by `rng`: a truncation, 1...8 bit flips, 1...16 inserted
    /// bytes (random or extreme: 0x00/0xFF runs that make sizes huge or zero), or an
    /// overwritten 8-byte window.
    public static func mutate(_ bytes: [UInt8], _ rng: inout RandomSource) -> (bytes: [UInt8], kind: String, detail: String) {
        var out = bytes
        let n = max(out.count, 1)
        switch rng.int(below: 4) {
        case 0:
            let at = rng.int(below: n)
            out.removeSubrange(min(at, out.count)...)
            return (out, "truncate", "to \(at) bytes")
        case 1:
            let flips = 1 + rng.int(below: 8)
            var where_: [Int] = []
            for _ in 0..<flips where !out.isEmpty {
                let bit = rng.int(below: out.count * 8)
                out[bit / 8] ^= UInt8(1 << (bit % 8))
                where_.append(bit)
            }
            return (out, "bit-flip", "bits \(where_)")
        case 2:
            let at = rng.int(below: out.count + 1)
            let count = 1 + rng.int(below: 16)
            let style = rng.int(below: 3)
            let inserted: [UInt8] = (0..<count).map { _ in style == 0 ? 0xFF : style == 1 ? 0 : UInt8(rng.int(below: 256)) }
            out.insert(contentsOf: inserted, at: at)
            return (out, "insert", "\(count) bytes \(["0xFF", "0x00", "random"][style]) at \(at)")
        default:
            let at = rng.int(below: n)
            let style = rng.int(below: 2)
            for i in at..<min(at + 8, out.count) { out[i] = style == 0 ? 0xFF : UInt8(rng.int(below: 256)) }
            return (out, "overwrite", "8 bytes \(style == 0 ? "0xFF" : "random") at \(at)")
        }
    }

    /// Runs every case through `load` (on a worker thread, time-boxed); `isTyped` says
    /// whether an error is one of the project's typed errors. Fails the test for each
    /// untyped error or time-out; returns the counts.
    @discardableResult
    public func run(_ original: [UInt8], label: String, isTyped: @escaping @Sendable (Error) -> Bool,
                    load: @escaping @Sendable ([UInt8]) throws -> Void,
                    file: StaticString = #filePath, line: UInt = #line) -> Counts {
        var rng = RandomSource(seed: seed)
        var counts = Counts()
        for index in 0..<cases {
            let (bytes, kind, detail) = Self.mutate(original, &rng)
            counts.byMutation[kind, default: 0] += 1
            let result = Box()
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                do {
                    try load(bytes)
                    result.set(.loaded, nil)
                } catch {
                    result.set(isTyped(error) ? .typedError : .untypedError, error)
                }
                done.signal()
            }
            let outcome: Outcome
            if done.wait(timeout: .now() + timeBox) == .timedOut {
                outcome = .timedOut
                XCTFail("\(label) case \(index) (seed \(seed), \(kind) \(detail)) ran past \(timeBox) s", file: file, line: line)
            } else {
                let (o, error) = result.get()
                outcome = o
                if o == .untypedError {
                    XCTFail("\(label) case \(index) (seed \(seed), \(kind) \(detail)): untyped error \(String(reflecting: error!))",
                            file: file, line: line)
                }
            }
            counts.byOutcome[outcome, default: 0] += 1
            if outcome == .timedOut { break }
        }
        print("fuzz \(label) (seed \(seed)): \(counts)")
        return counts
    }

    private final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Outcome, Error?) = (.timedOut, nil)
        func set(_ o: Outcome, _ e: Error?) { lock.lock(); value = (o, e); lock.unlock() }
        func get() -> (Outcome, Error?) { lock.lock(); defer { lock.unlock() }; return value }
    }
}
