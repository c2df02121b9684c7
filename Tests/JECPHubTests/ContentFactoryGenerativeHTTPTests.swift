import Configuration
import Foundation
import JECPHub
import JECPModels
import JECPSchema
import JECPTestDNS
import Testing

/// `translate`, `rewrite` and `generate-social` through `POST /v1/invoke`, against a fake model
/// server on loopback that speaks the OpenAI and Anthropic wire formats.
@Suite struct ContentFactoryGenerativeHTTPTests {
    typealias Wire = FakeLanguageModel.Wire
    static let apiKey = "sk-test-7f3a9c1e5b2d40861a"

    static func model(_ wire: Wire) -> String { wire == .openai ? "gpt-test-mini" : "claude-test-haiku" }

    static func llm(_ wire: Wire, url: String, timeout: Double? = nil) -> [String: ConfigValue] {
        var values: [String: ConfigValue] = [
            "jecp.llm.kind": .init(.string(wire.rawValue), isSecret: false),
            "jecp.llm.url": .init(.string(url), isSecret: false),
            "jecp.llm.apiKey": .init(.string(apiKey), isSecret: true),
            "jecp.llm.model": .init(.string(model(wire)), isSecret: false),
        ]
        if let timeout { values["jecp.llm.timeoutSeconds"] = .init(.double(timeout), isSecret: false) }
        return values
    }

    /// A fake model answering `reply`, and a Hub whose built-ins use it.
    static func withModel(
        _ wire: Wire, timeout: Double? = nil, hub overrides: [String: ConfigValue] = [:],
        reply: @escaping @Sendable (FakeLanguageModel.Received) -> FakeLanguageModel.Reply,
        _ body: @Sendable (TestHub, FakeLanguageModel) async throws -> Void
    ) async throws {
        try await FakeLanguageModel.run(wire, reply: reply) { fake, url in
            try await TestHub.run(llm(wire, url: url, timeout: timeout).merging(overrides) { $1 }, capabilities: nil) { hub in
                try await body(hub, fake)
            }
        }
    }

    static func expectMatchesOutputSchema(_ hub: TestHub, _ action: String, _ output: JSONValue?) async throws {
        let detail = try await hub.get("/v1/capabilities/content-factory")
        let entry = try #require(detail.json["actions"]?.arrayValue?.first { $0["id"]?.stringValue == action })
        let schema = try CompiledSchema(try #require(entry["output_schema"]))
        let output = try #require(output)
        #expect(schema.validate(output).isEmpty, "\(action): \(schema.validate(output))")
    }

    /// What both engines must have sent: path, model, credentials in the engine's header.
    static func expectWireRequest(_ fake: FakeLanguageModel, _ wire: Wire) throws -> FakeLanguageModel.Received {
        #expect(fake.requests.count == 1)
        let request = try #require(fake.requests.first)
        #expect(request.path == wire.path)
        #expect(request.body["model"]?.stringValue == model(wire))
        #expect((request.body["max_tokens"]?.numberValue?.integerValue ?? 0) > 0)
        #expect(request.headers["content-type"] == "application/json")
        switch wire {
        case .openai:
            #expect(request.headers["authorization"] == "Bearer \(apiKey)")
            #expect(request.headers["x-api-key"] == nil)
            #expect(request.body["messages"]?.arrayValue?.map { $0["role"] } == ["system", "user"])
        case .anthropic:
            #expect(request.headers["x-api-key"] == apiKey)
            #expect(request.headers["anthropic-version"] == "2023-06-01")
            #expect(request.headers["authorization"] == nil)
            #expect(request.body["messages"]?.arrayValue?.map { $0["role"] } == ["user"])
        }
        return request
    }

    // MARK: Success on both engines

    @Test(arguments: Wire.allCases)
    func translateUsesTheModelAndSpendsAFreeCall(wire: Wire) async throws {
        let answer = #"{"translated": "Das Treffen wurde auf Donnerstag, 10 Uhr, verschoben.", "source_language": "en"}"#
        // Anthropic has no JSON mode, so its models like to fence JSON: tolerated.
        try await Self.withModel(wire, reply: { _ in .text(wire == .anthropic ? "```json\n\(answer)\n```" : answer) }) { hub, fake in
            let agent = try await hub.register()
            let text = "The meeting moved to Thursday at 10 am."
            let response = try await hub.invoke(agent, capability: "content-factory", action: "translate", input: ["text": .string(text), "target_lang": "de"])
            #expect(response.status == 200, "\(response.text.prefix(400))")
            let output = response.json["result"]?["output"]
            #expect(output?["translated"] == "Das Treffen wurde auf Donnerstag, 10 Uhr, verschoben.")
            #expect(output?["source_language"] == "en")
            #expect(output?["target_language"] == "de")
            try await Self.expectMatchesOutputSchema(hub, "translate", output)
            #expect(response.json["billing"]?["method"] == "free_call")
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 99)

            let request = try Self.expectWireRequest(fake, wire)
            #expect(request.user == text)
            #expect(request.system?.contains("\"de\"") == true)
            #expect(request.system?.contains("JSON") == true)
            #expect(request.body["response_format"]?["type"] == (wire == .openai ? "json_object" : nil))
        }
    }

    @Test(arguments: Wire.allCases)
    func rewriteChargesTheWalletItsPrice(wire: Wire) async throws {
        let rewritten = "Dear colleagues, we are unable to attend tomorrow. Could we meet next week instead? Sam"
        try await Self.withModel(wire, hub: ["jecp.freeCalls": 0], reply: { _ in .text("\n  \(rewritten)\n") }) { hub, fake in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let text = "hey, we cant make it tmrw, can we do next week instead?"
            let response = try await hub.invoke(agent, capability: "content-factory", action: "rewrite",
                                                input: ["text": .string(text), "style": "formal", "instructions": "Sign as Sam."])
            #expect(response.status == 200, "\(response.text.prefix(400))")
            let output = response.json["result"]?["output"]
            #expect(output?["rewritten"]?.stringValue == rewritten)
            try await Self.expectMatchesOutputSchema(hub, "rewrite", output)
            #expect(response.json["billing"]?["method"] == "wallet")
            #expect(response.json["billing"]?["cost_usdc"]?.money == Money(micros: 8_000))
            #expect(try await hub.profile(agent)["balance_usdc"]?.money == Money(micros: 992_000))

            let request = try Self.expectWireRequest(fake, wire)
            #expect(request.user == text)
            #expect(request.system?.contains("formal") == true)
            #expect(request.system?.contains("Sign as Sam.") == true)
            #expect(request.body["response_format"] == nil)
        }
    }

    @Test(arguments: Wire.allCases)
    func generateSocialWritesOnePostPerPlatformWithinItsLimit(wire: Wire) async throws {
        let tweet = String(repeating: "Agents can now pay per call. ", count: 9) + "Try it."  // 268 characters
        let answer: JSONValue = ["posts": [
            ["platform": "linkedin", "text": "We open-sourced a payment hub for AI agents.", "hashtags": ["#AIagents", "payments", "#opensource"]],
            ["platform": "facebook", "text": "Not asked for.", "hashtags": []],
            ["platform": "Twitter", "text": .string(tweet), "hashtags": ["#AI", "#ai", "#payments"]],
        ]]
        try await Self.withModel(wire, reply: { _ in .text(answer.serializedString()) }) { hub, fake in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "content-factory", action: "generate-social",
                                                input: ["topic": "An open-source payment hub for AI agents", "platforms": ["twitter", "linkedin"],
                                                        "tone": "witty", "max_hashtags": 2])
            #expect(response.status == 200, "\(response.text.prefix(400))")
            let output = response.json["result"]?["output"]
            try await Self.expectMatchesOutputSchema(hub, "generate-social", output)
            let posts = try #require(output?["posts"]?.arrayValue)
            #expect(posts.map { $0["platform"] } == ["twitter", "linkedin"])
            // " #AI" fits within 280 with the 268-character text, " #payments" does not: dropped.
            #expect(posts[0]["hashtags"] == ["AI"])
            #expect(posts[0]["characters"] == .number(JSONNumber(tweet.count + 4)))
            #expect(posts[1]["hashtags"] == ["AIagents", "payments"])
            #expect(response.json["billing"]?["method"] == "free_call")

            let request = try Self.expectWireRequest(fake, wire)
            #expect(request.user?.contains("Topic: An open-source payment hub for AI agents") == true)
            #expect(request.system?.contains("twitter (at most 252 characters") == true)
            #expect(request.system?.contains("witty") == true)
        }
    }

    @Test func translateKeepsAGivenSourceAndDetectsOneTheModelNamedBadly() async throws {
        try await Self.withModel(.openai, reply: { _ in .text(#"{"translated": "Bonjour tout le monde", "source_language": "English"}"#) }) { hub, _ in
            let agent = try await hub.register()
            let detected = try await hub.invoke(agent, capability: "content-factory", action: "translate",
                                                input: ["text": "Hello everyone, the weather is very nice today and we are going to the park.", "target_lang": "fr"])
            #expect(detected.json["result"]?["output"]?["source_language"] == "en")
            let given = try await hub.invoke(agent, capability: "content-factory", action: "translate",
                                             input: ["text": "Hello everyone", "target_lang": "fr", "source_lang": "en-GB"])
            #expect(given.json["result"]?["output"]?["source_language"] == "en-GB")
        }
    }

    // MARK: Misbehaving models

    enum Misbehaviour: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case errorStatus, notJSON, missingContent, refusal, emptyText, proseInsteadOfJSON, truncated
        var testDescription: String { rawValue }

        func reply(_ wire: Wire) -> FakeLanguageModel.Reply {
            switch self {
            // Providers echo (part of) a bad key; the Hub must scrub it.
            case .errorStatus: .error(status: 429, message: "Rate limit reached for key \(ContentFactoryGenerativeHTTPTests.apiKey). Try again in 20s.")
            case .notJSON: .raw(status: 200, body: "<html><body>Bad gateway</body></html>", contentType: "text/html")
            case .missingContent:
                wire == .openai
                    ? .raw(status: 200, body: #"{"id":"chatcmpl-x","object":"chat.completion","choices":[]}"#, contentType: "application/json")
                    : .raw(status: 200, body: #"{"id":"msg_x","type":"message","role":"assistant","content":[{"type":"tool_use","id":"t1","name":"x","input":{}}],"stop_reason":"tool_use"}"#,
                           contentType: "application/json")
            case .refusal: .refusal
            case .emptyText: .text("  \n ")
            case .proseInsteadOfJSON: .text("Sure! Here is your translation: Hallo Welt")
            case .truncated: .truncated(#"{"translated": "Hallo"#)
            }
        }

        var subcause: String {
            switch self {
            case .errorStatus: "upstream_status"
            case .notJSON: "invalid_body"
            case .missingContent: "missing_content"
            case .refusal: "refused"
            case .emptyText: "empty_output"
            case .proseInsteadOfJSON: "invalid_json"
            case .truncated: "truncated"
            }
        }
    }

    @Test(arguments: Wire.allCases, Misbehaviour.allCases)
    func misbehavingModelFailsWithDetailsAndCostsNothing(wire: Wire, misbehaviour: Misbehaviour) async throws {
        try await Self.withModel(wire, hub: ["jecp.freeCalls": 0], reply: { _ in misbehaviour.reply(wire) }) { hub, fake in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            let response = try await hub.invoke(agent, capability: "content-factory", action: "translate", input: ["text": "Hello world", "target_lang": "de"])
            #expect(response.status == 500, "\(response.text.prefix(400))")
            #expect(response.errorCode == "EXECUTION_FAILED")
            #expect(response.details["subcause"]?.stringValue == misbehaviour.subcause)
            #expect(response.details["engine"]?.stringValue == wire.rawValue)
            #expect(response.details["model"]?.stringValue == Self.model(wire))
            #expect(response.details["action"] == "translate")
            #expect(response.details["reason"]?.stringValue?.isEmpty == false)
            #expect(!response.text.contains(Self.apiKey))
            if misbehaviour == .errorStatus {
                #expect(response.details["upstream_status"] == 429)
                #expect(response.details["provider_message"] == "Rate limit reached for key [redacted]. Try again in 20s.")
            }
            #expect(fake.requests.count == 1)
            let me = try await hub.profile(agent)
            #expect(me["balance_usdc"]?.money == Money(units: 1))
            #expect(me["total_calls"] == 0)
        }
    }

    @Test func aFailedCallKeepsTheFreeCall() async throws {
        try await Self.withModel(.anthropic, reply: { _ in .error(status: 529, message: "Overloaded") }) { hub, _ in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "content-factory", action: "rewrite", input: ["text": "hello there"])
            #expect(response.errorCode == "EXECUTION_FAILED")
            #expect(response.details["upstream_status"] == 529)
            #expect(response.details["provider_message"] == "Overloaded")
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 100)
            #expect(try await hub.ledgerSummary()["transaction_count"] == 0)
        }
    }

    @Test func aPostTooLongForItsPlatformFailsWithoutCharge() async throws {
        let answer: JSONValue = ["posts": [["platform": "twitter", "text": .string(String(repeating: "long ", count: 60)), "hashtags": []]]]
        try await Self.withModel(.openai, reply: { _ in .text(answer.serializedString()) }) { hub, _ in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "content-factory", action: "generate-social",
                                                input: ["text": "We shipped a hub.", "platforms": ["twitter"]])
            #expect(response.errorCode == "EXECUTION_FAILED")
            #expect(response.details["subcause"] == "post_too_long")
            #expect(response.details["platform"] == "twitter")
            #expect(response.details["characters"] == 299)
            #expect(response.details["limit"] == 280)
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 100)
        }
    }

    @Test func aSlowModelTimesOutAs504() async throws {
        try await Self.withModel(.openai, timeout: 0.3, reply: { _ in .slow(seconds: 2, .text("too late")) }) { hub, _ in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "content-factory", action: "rewrite", input: ["text": "hello there"])
            #expect(response.status == 504, "\(response.text.prefix(400))")
            #expect(response.errorCode == "PROVIDER_TIMEOUT")
            #expect(response.details["subcause"] == "timeout")
            #expect(response.details["timeout_seconds"] == 0.3)
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 100)
        }
    }

    @Test func anUnreachableModelAnswers503() async throws {
        let refusing = try RefusingPort()
        let url = "http://127.0.0.1:\(refusing.port)"
        try await TestHub.run(Self.llm(.anthropic, url: url, timeout: 1), capabilities: nil) { hub in
            let agent = try await hub.register()
            let response = try await hub.invoke(agent, capability: "content-factory", action: "translate", input: ["text": "hello", "target_lang": "ja"])
            #expect(response.status == 503, "\(response.text.prefix(400))")
            #expect(response.errorCode == "PROVIDER_UNAVAILABLE")
            #expect(response.details["subcause"] == "unreachable")
            #expect(!response.text.contains(url))  // the operator's infrastructure stays in the log
            #expect(try await hub.profile(agent)["free_calls_remaining"] == 100)
        }
        withExtendedLifetime(refusing) {}
    }

    // MARK: Catalog and configuration

    @Test func theCatalogListsTheGenerativeActionsOnlyWithAModel() async throws {
        try await Self.withModel(.openai, reply: { _ in .text("unused") }) { hub, fake in
            let detail = try await hub.get("/v1/capabilities/content-factory")
            let actions = detail.json["actions"]?.arrayValue ?? []
            let expected: [(String, Int64, Int)] = [("translate", 10_000, 20), ("rewrite", 8_000, 20), ("generate-social", 8_000, 10)]
            for (name, micros, limit) in expected {
                let action = try #require(actions.first { $0["id"]?.stringValue == name }, "\(name) missing")
                #expect(action["price_usdc"]?.money == Money(micros: micros))
                #expect(action["trust_tier_required"] == "bronze")
                #expect(action["rate_limit_rpm"] == .number(JSONNumber(limit)))
                let input = try CompiledSchema(try #require(action["input_schema"]), formatAssertion: true)
                let examples = action["examples"]?.arrayValue ?? []
                #expect(!examples.isEmpty)
                for example in examples { #expect(input.validate(try #require(example["input"])).isEmpty, "\(name) example") }
                #expect(action["output_schema"]?["type"] == "object")
            }
            #expect(fake.requests.isEmpty)
        }
        try await TestHub.run(capabilities: nil) { hub in
            let actions = try await hub.get("/v1/capabilities/content-factory").json["actions"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(actions.sorted() == ["detect-language", "keywords", "summarize", "text-stats"])
        }
    }

    @Test func inputOutsideTheBoundsIsRefusedBeforeTheModelIsCalled() async throws {
        try await Self.withModel(.openai, reply: { _ in .text("unused") }) { hub, fake in
            let agent = try await hub.register()
            let long = try await hub.invoke(agent, capability: "content-factory", action: "rewrite",
                                            input: ["text": .string(String(repeating: "a", count: 10_001))])
            #expect(long.errorCode == "INPUT_SCHEMA_VIOLATION")
            let style = try await hub.invoke(agent, capability: "content-factory", action: "rewrite", input: ["text": "hi", "style": "pirate"])
            #expect(style.errorCode == "INPUT_SCHEMA_VIOLATION")
            let noSource = try await hub.invoke(agent, capability: "content-factory", action: "generate-social", input: ["platforms": ["twitter"]])
            #expect(noSource.errorCode == "INPUT_SCHEMA_VIOLATION")
            let badPlatform = try await hub.invoke(agent, capability: "content-factory", action: "generate-social",
                                                   input: ["topic": "x", "platforms": ["myspace"]])
            #expect(badPlatform.errorCode == "INPUT_SCHEMA_VIOLATION")
            let badLanguage = try await hub.invoke(agent, capability: "content-factory", action: "translate", input: ["text": "hi", "target_lang": "German!"])
            #expect(badLanguage.errorCode == "INPUT_SCHEMA_VIOLATION")
            #expect(fake.requests.isEmpty)
        }
    }

    struct BadConfiguration: Sendable, CustomTestStringConvertible {
        let values: [String: String]
        let key: String
        var testDescription: String { values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: " ") }
    }

    static let badConfigurations: [BadConfiguration] = [
        .init(values: ["jecp.llm.kind": "gemini", "jecp.llm.url": "https://x.test", "jecp.llm.model": "m"], key: "JECP_LLM_KIND"),
        .init(values: ["jecp.llm.url": "https://x.test", "jecp.llm.model": "m"], key: "JECP_LLM_KIND"),
        .init(values: ["jecp.llm.kind": "openai", "jecp.llm.model": "m"], key: "JECP_LLM_URL"),
        .init(values: ["jecp.llm.kind": "anthropic", "jecp.llm.url": "https://x.test"], key: "JECP_LLM_MODEL"),
        .init(values: ["jecp.llm.kind": "openai", "jecp.llm.url": "ftp://x.test", "jecp.llm.model": "m"], key: "JECP_LLM_URL"),
        .init(values: ["jecp.llm.kind": "openai", "jecp.llm.url": "x.test", "jecp.llm.model": "m"], key: "JECP_LLM_URL"),
        .init(values: ["jecp.llm.kind": "openai", "jecp.llm.url": "https://me:hunter2@x.test", "jecp.llm.model": "m"], key: "JECP_LLM_URL"),
        .init(values: ["jecp.llm.kind": "openai", "jecp.llm.url": "https://x.test", "jecp.llm.model": "m", "jecp.llm.timeoutSeconds": "0"],
              key: "JECP_LLM_TIMEOUT_SECONDS"),
    ]

    @Test(arguments: badConfigurations)
    func badLanguageModelConfigurationNamesTheKey(_ bad: BadConfiguration) throws {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in bad.values {
            let content: ConfigContent = key.hasSuffix("Seconds") ? .double(Double(value)!) : .string(value)
            values[AbsoluteConfigKey(stringLiteral: key)] = .init(content, isSecret: false)
        }
        let reader = ConfigReader(provider: InMemoryProvider(values: values))
        let error = #expect(throws: HubConfiguration.Invalid.self, "accepted \(bad.testDescription)") { try HubConfiguration(reader: reader) }
        let message = error?.description ?? ""
        #expect(message.contains(bad.key), "\(message)")
        #expect(!message.contains("\n"))
        #expect(!message.contains("hunter2"))
    }

    @Test func theHubRefusesToStartWithABadModelConfiguration() async throws {
        await #expect(throws: HubConfiguration.Invalid.self) {
            try await TestHub.run(["jecp.llm.kind": "openai", "jecp.llm.model": "m"], capabilities: nil) { _ in }
        }
    }
}
