import JECPHubCore

/// The Hub-operated capabilities. Adding one is one file in `Capabilities/` and one line here.
public enum Builtins {
    /// The built-ins without a language model (the generative actions are unavailable).
    public static var all: [any HubCapability] { capabilities(languageModel: nil) }

    /// The built-ins; `languageModel` switches on `content-factory`'s generative actions.
    public static func capabilities(languageModel: (any LanguageModel)?) -> [any HubCapability] {
        [
            DocumentPipeline(),
            DataInsight(),
            ContentFactory(languageModel: languageModel),
            FileChain(),
            Workflow(),
        ]
    }
}
