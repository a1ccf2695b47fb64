/// The Radit release, stamped into every file Radit writes.
public enum RaditVersion {
    public static let string = "0.1.0"
}
