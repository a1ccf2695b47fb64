import Foundation
import RaditBase

/// Progress for `radit generate …`: one JSON line per event on standard error, so
/// standard output stays the command's summary.
func cliProgress(_ event: ProgressEvent) -> ProgressAction {
    let total = event.total.map(String.init) ?? "null"
    let line = "{\"stage\":\"\(event.stage)\",\"done\":\(event.done),\"total\":\(total),\"unit\":\"\(event.unit)\"}\n"
    FileHandle.standardError.write(Data(line.utf8))
    return .proceed
}
