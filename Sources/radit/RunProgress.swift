import Foundation
import RaditBase

/// Progress for `radit run`: on a terminal, one bar per stage with its metrics (loss,
/// tokens/s) and ETA, redrawn in place, a new line when the stage changes; otherwise one
/// JSON line per event on standard error. (A minimal renderer: the shared
/// ProgressRenderer replaces it when it lands.)
final class RunProgress {
    let isTTY = isatty(STDERR_FILENO) == 1
    var stage = ""
    var stageStart = Date()
    var stageStartDone = 0
    var lastDraw = Date.distantPast
    var stopRequested = false

    func handle(_ e: ProgressEvent) -> ProgressAction {
        if e.stage != stage {
            if isTTY && !stage.isEmpty { write("\n") }
            stage = e.stage
            stageStart = Date()
            stageStartDone = e.done
        }
        if isTTY {
            let finished = e.total.map { e.done >= $0 } ?? false
            if finished || Date().timeIntervalSince(lastDraw) > 0.1 {
                write("\r" + bar(e) + "\u{1B}[K" + (finished ? "\n" : ""))
                lastDraw = Date()
                if finished { stage = "" }
            }
        } else {
            let total = e.total.map(String.init) ?? "null"
            let metrics = e.metrics.map { "\"\($0.0)\":\(json($0.1))" }.joined(separator: ",")
            write("{\"stage\":\"\(e.stage)\",\"done\":\(e.done),\"total\":\(total),\"unit\":\"\(e.unit)\",\"metrics\":{\(metrics)}}\n")
        }
        return stopRequested ? .stop : .proceed
    }

    func bar(_ e: ProgressEvent) -> String {
        let width = 24
        var s = String(e.stage.padding(toLength: 12, withPad: " ", startingAt: 0))
        if let total = e.total, total > 0 {
            let filled = min(width, width * e.done / total)
            s += " [" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "]"
            s += " \(e.done)/\(total) \(e.unit)"
            let elapsed = Date().timeIntervalSince(stageStart)
            let rate = Double(e.done - stageStartDone) / max(elapsed, 1e-9)
            if e.done > stageStartDone && e.done < total { s += " ETA " + duration(Double(total - e.done) / rate) }
        } else {
            s += " \(e.done) \(e.unit)"
        }
        for (name, value) in e.metrics { s += "  \(name) " + String(format: abs(value) >= 100 ? "%.0f" : "%.4f", value) }
        return s
    }

    func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let t = Int(seconds.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }

    func json(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
