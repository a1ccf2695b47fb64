import ArgumentParser
import Foundation

/// `--model` for commands that read text with a BERT-family encoder: a catalog name
/// (`all-MiniLM-L6-v2`, resolved under `--models-dir`) or a folder.
struct EncoderOptions: ParsableArguments {
    @Option(help: "Encoder: a catalog name (all-MiniLM-L6-v2) or a folder with config.json, model.safetensors and tokenizer.json.")
    var model: String = "all-MiniLM-L6-v2"

    @Option(help: "Folder that holds catalog models.")
    var modelsDir: String = "models"

    var modelsDirectory: URL { URL(fileURLWithPath: modelsDir) }
}
