import ArgumentParser
import Foundation
import RaditStore

/// `radit inspect FILE.h5`: the tree of groups, datasets (shape, dtype, storage) and
/// attributes of any HDF5 file, Radit's or another tool's.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the groups, datasets and attributes of an HDF5 file.")

    @Argument(help: "The HDF5 file to show.")
    var file: String

    @Option(help: "Longest attribute value shown, in characters; longer ones are cut.")
    var width: Int = 80

    @Flag(help: "Hide attributes.")
    var noAttributes = false

    func run() throws {
        let url = URL(fileURLWithPath: file)
        let store = try StoreFile.open(url)
        var lines: [String] = []
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        lines.append("\(file)" + (size.map { "  (\(byteText($0)))" } ?? ""))
        lines.append("/")
        try describeAttributes(of: store, indent: "  ", into: &lines)
        try describeChildren(of: store, indent: "  ", into: &lines)
        print(lines.joined(separator: "\n"))
    }

    private func describeChildren(of group: StoreGroup, indent: String, into lines: inout [String]) throws {
        for child in try group.children() {
            switch child.kind {
            case .group:
                let sub = try group.group(child.name)
                lines.append("\(indent)\(child.name)/")
                try describeAttributes(of: sub, indent: indent + "  ", into: &lines)
                try describeChildren(of: sub, indent: indent + "  ", into: &lines)
            case .dataset:
                let dataset = try group.dataset(child.name)
                lines.append("\(indent)\(child.name)  \(try datasetSummary(dataset))")
                try describeAttributes(of: dataset, indent: indent + "  ", into: &lines)
            case .other:
                lines.append("\(indent)\(child.name)  (link or named type)")
            }
        }
    }

    /// `float32 (23, 7)  max (unlimited, 7)  chunks (5, 7)  gzip(4)`.
    private func datasetSummary(_ dataset: StoreDataset) throws -> String {
        let shape = try dataset.shape()
        var parts = ["\(try dataset.dtype())", shapeText(shape.map(String.init))]
        let maxShape = try dataset.maxShape()
        if maxShape.map({ $0 ?? -1 }) != shape {
            parts.append("max " + shapeText(maxShape.map { $0.map(String.init) ?? "unlimited" }))
        }
        if let chunks = try dataset.chunkShape() { parts.append("chunks " + shapeText(chunks.map(String.init))) }
        parts.append(contentsOf: try dataset.filters())
        return parts.joined(separator: "  ")
    }

    private func describeAttributes(of node: StoreNode, indent: String, into lines: inout [String]) throws {
        guard !noAttributes else { return }
        for name in try node.attributeNames() {
            let text: String
            do {
                text = try node.attribute(name).map { truncated($0.description) } ?? "?"
            } catch let error as StoreError {
                text = "<unreadable: \(error.message)>"
            }
            lines.append("\(indent)@\(name) = \(text)")
        }
    }

    private func truncated(_ text: String) -> String {
        guard text.count > width else { return text }
        return String(text.prefix(max(1, width - 1))) + "… (\(text.count) chars)"
    }
}

private func shapeText(_ dims: [String]) -> String {
    dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
}

private func byteText(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return String(format: "%.1f", value) + " " + units[unit]
}
