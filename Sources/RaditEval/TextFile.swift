import Foundation
import RaditData

/// A UTF-8 text file, or `DataFileError.cannotRead` naming it.
func readText(_ url: URL) throws -> String {
    do { return try String(contentsOf: url, encoding: .utf8) } catch {
        throw DataFileError.cannotRead(path: url.path, reason: "\(error)")
    }
}
