/// Errors Radit reports to users conform to this: `message` names the file, line or key
/// and says how to fix it.
public protocol RaditError: Error, CustomStringConvertible {
    var message: String { get }
}

extension RaditError {
    public var description: String { message }
}
