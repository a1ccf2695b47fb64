import Foundation
import RaditExperiments

/// SIGINT and SIGTERM for long commands. The first asks the library to stop at its next
/// safe point (the progress callback answers `.stop`: training finishes the current step
/// and writes a checkpoint); a second exits at once with 128 + the signal number.
enum StopSignals {
    /// Installs the handlers (once per process).
    static func install() {
        signal(SIGINT, stopSignalHandler)
        signal(SIGTERM, stopSignalHandler)
    }

    /// The first signal caught, if any.
    static var caught: Int32? { caughtSignal == 0 ? nil : caughtSignal }

    /// The exit status for a command stopped by a signal: 130 for SIGINT, 143 for SIGTERM.
    static var exitStatus: Int32? { caught.map { 128 + $0 } }

    /// `handler`, answering `.stop` once a signal was caught.
    static func wrap(_ handler: @escaping ProgressHandler) -> ProgressHandler {
        { event in
            let action = handler(event)
            return caught == nil ? action : .stop
        }
    }
}

/// Written only by the signal handler, read by the progress callback: a plain aligned
/// Int32, which loads and stores whole on every platform Swift runs on.
nonisolated(unsafe) private var caughtSignal: Int32 = 0

/// Async-signal-safe: no allocation, no locks; messages are static bytes written with write(2).
private func stopSignalHandler(_ signo: Int32) {
    func say(_ text: StaticString) {
        text.withUTF8Buffer { _ = write(2, $0.baseAddress, $0.count) }
    }
    if caughtSignal != 0 {
        say(signo == SIGINT ? "\nSIGINT again: stopping at once (the last checkpoint is intact)\n"
                            : "\nSIGTERM again: stopping at once (the last checkpoint is intact)\n")
        _exit(128 + signo)
    }
    caughtSignal = signo
    say(signo == SIGINT ? "\nSIGINT: finishing the current step and writing a checkpoint; press Ctrl-C again to stop at once\n"
                        : "\nSIGTERM: finishing the current step and writing a checkpoint; send it again to stop at once\n")
}
