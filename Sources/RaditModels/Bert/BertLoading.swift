import Foundation
import RaditBase

extension BertEncoder {
    /// Loads `config.json` + `model.safetensors` from a model folder (e.g.
    /// `models/all-MiniLM-L6-v2`). Every tensor is checked for presence and shape against
    /// the config; names may carry HF's `bert.` prefix (BertForX checkpoints).
    public static func load(directory: URL, trainable: BertTrainable = .none) throws -> BertEncoder {
        let configURL = directory.appendingPathComponent("config.json")
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        for (url, what) in [(configURL, "config.json"), (weightsURL, "model.safetensors")]
        where !FileManager.default.fileExists(atPath: url.path) {
            throw BertError.missingFile(path: url.path, what: what)
        }
        let config = try BertConfig.load(url: configURL)
        try config.validateForEncoder(path: configURL.path)
        let file = try SafetensorsFile(url: weightsURL)
        let encoder = BertEncoder(config: config, trainable: trainable)
        for slot in encoder.parameters.slots {
            guard let name = [slot.name, "bert." + slot.name].first(where: { (try? file.info($0)) != nil }) else {
                throw BertError.missingTensor(name: slot.name, path: weightsURL.path)
            }
            let info = try file.info(name)
            guard info.shape == slot.shape else {
                throw BertError.tensorShape(name: name, path: weightsURL.path, expected: slot.shape, found: info.shape)
            }
            let values = try file.floats(name)
            let p = encoder.parameters.values + slot.offset
            for i in 0..<slot.count { p[i] = S(values[i]) }
        }
        return encoder
    }

    /// SHA-256 of the weights, hex: what `radit embed` records so an index names the exact
    /// encoder that built it.
    public func weightsDigest() -> String {
        var h = SHA256()
        for slot in parameters.slots {
            h.update(slot.name)
            let buffer = UnsafeRawBufferPointer(start: parameters.values + slot.offset, count: slot.count * MemoryLayout<S>.stride)
            h.update(buffer)
        }
        return SHA256.hexString(h.finalize())
    }
}
