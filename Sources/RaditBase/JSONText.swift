/// `s` as a double-quoted string literal that JSON and TOML both read back to `s`: quote and
/// backslash escaped, newline, tab and carriage return as `\n`, `\t`, `\r`, every other
/// control character as `\u00XX`. The one quoting routine for the JSON and TOML Radit writes
/// by hand (configs, sweep manifests, HDF5 attribute text, safetensors headers).
public func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if u.value < 0x20 {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
