import RaditEval
import RaditStore

/// Per-example records (`ExampleRecords`' columnar layout) as the datasets of one HDF5
/// group: `run.h5:/predictions/<pass>/` and `bench-retrieval-*.h5:/predictions/<retriever>/`;
/// a pass's judge scores (`JudgeColumns`) the same way in `run.h5:/judge/<pass>/`.
public enum RecordStore {
    /// Writes every column as a dataset of `group`, and the layout attributes.
    public static func write(_ records: ExampleRecords, to group: StoreGroup) throws {
        try write(columns: records.columns(), to: group)
    }

    /// Writes `columns` as the datasets of `group` and their integer attributes.
    public static func write(columns c: RecordColumns, to group: StoreGroup) throws {
        for (name, value) in c.attributes.sorted(by: { $0.key < $1.key }) { try group.setAttribute(name, .int(value)) }
        for (name, column) in c.columns {
            switch column {
            case let .strings(v, shape): try group.createDataset(name, strings: v, shape: shape)
            case let .doubles(v, shape): try group.createDataset(name, values: v, shape: shape)
            case let .floats(v, shape): try group.createDataset(name, values: v, shape: shape)
            case let .ints(v, shape): try group.createDataset(name, values: v, shape: shape)
            }
        }
    }

    /// Reads the records of `group`, checking every column (errors name `file:group`).
    public static func read(_ group: StoreGroup) throws -> ExampleRecords {
        try ExampleRecords(columns: try readColumns(group), source: "\(group.filePath):\(group.path)")
    }

    /// Every dataset of `group` as a column, with the layout attributes.
    public static func readColumns(_ group: StoreGroup) throws -> RecordColumns {
        var c = RecordColumns()
        for name in ["records_version", "k", "ranking_depth"] {
            if try group.hasAttribute(name) { c.attributes[name] = try group.intAttribute(name) }
        }
        for child in try group.children() where child.kind == .dataset {
            let ds = try group.dataset(child.name)
            let shape = try ds.shape()
            switch try ds.dtype() {
            case .string: c[child.name] = .strings(try ds.readStrings(), shape: shape)
            case .float64: c[child.name] = .doubles(try ds.read(Double.self), shape: shape)
            case .float32: c[child.name] = .floats(try ds.read(Float.self), shape: shape)
            case .int64: c[child.name] = .ints(try ds.read(Int64.self), shape: shape)
            case let other:
                throw EvalError.badColumn(source: "\(group.filePath):\(group.path)", column: child.name,
                                          detail: "holds \(other), which no records column uses")
            }
        }
        return c
    }
}
