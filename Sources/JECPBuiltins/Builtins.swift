import JECPHubCore

/// The Hub-operated capabilities. Adding one is one file in `Capabilities/` and one line here.
public enum Builtins {
    public static var all: [any HubCapability] {
        [
            DocumentPipeline(),
            DataInsight(),
            ContentFactory(),
            FileChain(),
            Workflow(),
        ]
    }
}
