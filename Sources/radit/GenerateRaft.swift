import ArgumentParser

/// `radit generate raft`: RAFT training instances (filled in below).
struct GenerateRaft: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "raft", abstract: "Write RAFT instances.")
}
