import JECPProviderKit

extension TextTools {
    /// The manifest to publish for these actions; `endpoint` is where this server is reachable.
    public static func manifest(namespace: String, endpoint: String, capability: String = "text-tools",
                                version: String = "1.0.0") -> ProviderManifest {
        let textInput: JSONValue = [
            "type": "object", "required": ["text"], "additionalProperties": false,
            "properties": ["text": ["type": "string", "maxLength": .number(JSONNumber(maxTextLength))]],
        ]
        let count: JSONValue = ["type": "integer", "minimum": 0]
        let noSideEffects = ProviderManifest.SideEffects(externalAPICall: false, storesData: false, modifiesState: false, sendsEmail: false)
        let sla = ProviderManifest.Sla(latencyP95Ms: 50, timeoutMs: 10_000)
        let labelSide: JSONValue = ["type": "integer", "minimum": 1, "maximum": .number(JSONNumber(maxLabelSide))]
        return ProviderManifest(
            namespace: namespace,
            displayName: "Text Tools (JECP example provider)",
            capability: capability,
            version: version,
            description: "Small text utilities: count words, reverse word order, stream a text word by word, render a solid-colour PNG label.",
            endpoint: endpoint,
            tags: ["text", "example"],
            authentication: .init(type: .apiKey, headerName: "X-JECP-Signature"),
            actions: [
                .init(id: "word-count", name: "Word count", description: "Counts the words, characters and sentences of a text.",
                      pricing: .init(base: "$0.002", currency: "USDC", model: .perCall), inputSchema: textInput,
                      outputSchema: ["type": "object", "required": ["words", "characters", "sentences"],
                                     "properties": ["words": count, "characters": count, "sentences": count]],
                      examples: [.init(input: ["text": "Hello world. How are you?"],
                                       output: ["words": 5, "characters": 25, "sentences": 2])],
                      sideEffects: noSideEffects, sla: sla),
                .init(id: "reverse-words", name: "Reverse words", description: "Returns the words of a text in reverse order.",
                      pricing: .init(base: "$0.001", currency: "USDC", model: .perCall), inputSchema: textInput,
                      outputSchema: ["type": "object", "required": ["text"], "properties": ["text": ["type": "string"]]],
                      examples: [.init(input: ["text": "one two three"], output: ["text": "three two one"])],
                      sideEffects: noSideEffects, sla: sla),
                .init(id: "spell-out", name: "Spell out", description: "Streams a text one word per chunk, then the whole text and its word count.",
                      streaming: true, pricing: .init(base: "$0.003", currency: "USDC", model: .perCall), inputSchema: textInput,
                      outputSchema: ["type": "object", "required": ["text", "words"],
                                     "properties": ["text": ["type": "string"], "words": count]],
                      examples: [.init(input: ["text": "stream these words"], output: ["text": "stream these words", "words": 3])],
                      sideEffects: noSideEffects, sla: sla),
                .init(id: "render-label", name: "Render label",
                      description: "Renders a solid-colour rectangle as a PNG image (binary result, image/png).",
                      pricing: .init(base: "$0.004", currency: "USDC", model: .perCall),
                      inputSchema: ["type": "object", "additionalProperties": false,
                                    "properties": ["width": labelSide, "height": labelSide,
                                                   "color": ["type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"]]],
                      // The reply is the PNG itself; the Hub hands a binary reply to the agent as this object.
                      outputSchema: ["type": "object", "required": ["media_type", "content_base64"],
                                     "properties": ["media_type": ["const": "image/png"], "size_bytes": count,
                                                    "content_base64": ["type": "string", "contentEncoding": "base64",
                                                                       "contentMediaType": "image/png"]]],
                      examples: [.init(input: ["width": 120, "height": 40, "color": "#1f6feb"])],
                      sideEffects: noSideEffects, sla: sla),
            ],
            compliance: .init(piiHandling: .processOnlyNoStore, gdprCompliant: true, dataResidency: ["EU", "US"])
        )
    }
}
