// Tokenizer throughput: encodeBatch over 10k real passages for MiniLM (WordPiece) and
// SmolLM2 (byte-level BPE from GGUF); warm-up, repeats, median. Prints one JSON object;
// run.sh runs the Python peer on the same passages and writes RESULTS.md.
import Foundation
import RaditModels
import RaditText

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: bench-tokenizers passages.json [repeats] [threads]\n".utf8))
    exit(2)
}
let passages = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: args[1])))
let repeats = args.count > 2 ? Int(args[2]) ?? 5 : 5
let threads = args.count > 3 ? Int(args[3]) ?? 1 : 1
let mb = Double(passages.reduce(0) { $0 + $1.utf8.count }) / 1e6

var mini = try Tokenizer(tokenizerJSON: URL(fileURLWithPath: "models/all-MiniLM-L6-v2/tokenizer.json"))
mini.truncation = nil
mini.padding = nil
let smol = try GGUFFile(url: URL(fileURLWithPath: "models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")).tokenizer()

var result: [String: Any] = ["mb": mb, "threads": threads]
for (name, tok) in [("minilm", mini), ("smollm2", smol)] {
    _ = tok.encodeBatch(Array(passages.prefix(1000)), threads: threads)
    var times: [Double] = []
    var tokens = 0
    for _ in 0..<repeats {
        let t = DispatchTime.now().uptimeNanoseconds
        let enc = tok.encodeBatch(passages, threads: threads)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
        tokens = enc.reduce(0) { $0 + $1.count }
    }
    times.sort()
    result[name] = ["median_s": times[times.count / 2], "tokens": tokens]
}
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
