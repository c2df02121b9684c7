public enum HubVersion {
    public static let current = "0.1.0"
    /// The JECP specification version this Hub implements.
    public static let spec = "1.0.2"
}
