import Foundation

/// JSON-lines files the builders write (`raft.jsonl`, `rait.jsonl`), read back.
public enum JSONLines {
    /// One value per non-empty line; a line that does not decode is an error naming it.
    public static func read<T: Decodable>(_ url: URL, as type: T.Type = T.self) throws -> [T] {
        let bytes = try readFileBytes(url.path)
        let decoder = JSONDecoder()
        return try nonEmptyLines(bytes).map { number, slice in
            do {
                return try decoder.decode(T.self, from: Data(slice))
            } catch {
                throw DataError.malformedJSON(file: url.path, line: number, detail: "\(error)")
            }
        }
    }
}
