import Foundation
import RaditExperiments

/// Renders the library's one progress channel on stderr: a bar with rate and ETA when
/// stdout is a terminal (isatty(1)), JSON lines otherwise, so logs stay machine-readable.
/// Use `handle` as the `ProgressHandler` of any library call; `finish()` ends the last
/// bar's line; `note` shows a one-line notice (a count of skipped records) the same way.
final class ProgressRenderer {
    let interactive: Bool
    private var started: [String: Date] = [:]
    private var lastDraw = Date.distantPast
    private var openLine = false

    init(interactive: Bool = isatty(1) != 0) {
        self.interactive = interactive
    }

    func handle(_ e: ProgressEvent) -> ProgressAction {
        let now = Date()
        let stage = e.stage.rawValue
        let start = started[stage] ?? now
        if started[stage] == nil { started[stage] = now }
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(e.done) / elapsed : 0
        if interactive {
            let finished = e.total.map { e.done >= $0 } ?? false
            // Redraw at most 10 times a second, and always at the end of a stage.
            if !finished && now.timeIntervalSince(lastDraw) < 0.1 { return .proceed }
            lastDraw = now
            var line = "\(stage) "
            if let total = e.total, total > 0 {
                let width = 24
                let filled = min(width, e.done * width / total)
                line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                line += "\(e.done)/\(total) \(e.unit)"
                if rate > 0 && e.done < total {
                    let eta = Int(Double(total - e.done) / rate)
                    line += String(format: " %.1f/s ETA %d:%02d", rate, eta / 60, eta % 60)
                } else {
                    line += String(format: " %.1f/s", rate)
                }
            } else {
                line += String(format: "%d %@ %.1f/s", e.done, e.unit.rawValue, rate)
            }
            for (name, value) in e.metrics { line += String(format: " %@=%.4g", name.rawValue, value) }
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (finished ? "\n" : "")).utf8))
            openLine = !finished
        } else {
            var object: [String: Any] = ["stage": stage, "done": e.done, "unit": e.unit.rawValue,
                                         "elapsed_s": (elapsed * 1000).rounded() / 1000]
            if let total = e.total { object["total"] = total }
            if rate > 0 { object["rate"] = (rate * 100).rounded() / 100 }
            if !e.metrics.isEmpty {
                object["metrics"] = Dictionary(e.metrics.map { ($0.0.rawValue, $0.1) }, uniquingKeysWith: { $1 })
            }
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                FileHandle.standardError.write(data + Data("\n".utf8))
            }
        }
        return .proceed
    }

    /// A notice beside the progress: a line on a terminal, `{"note": …}` otherwise.
    func note(_ text: String) {
        finish()
        if interactive {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        } else if let data = try? JSONSerialization.data(withJSONObject: ["note": text], options: [.sortedKeys]) {
            FileHandle.standardError.write(data + Data("\n".utf8))
        }
    }

    /// Ends an unfinished bar line.
    func finish() {
        if interactive && openLine {
            FileHandle.standardError.write(Data("\n".utf8))
            openLine = false
        }
    }
}
