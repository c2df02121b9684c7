import Foundation
import JECPHubCore
import JECPModels
import Synchronization

/// A capability with one action per pipeline path the tests need to reach.
struct TestKit: HubCapability {
    /// Counts executions of `counted`, to prove that concurrent duplicates execute once.
    static let executions = Mutex<[String: Int]>([:])

    var descriptor: CapabilityDescriptor {
        let anything: JSONValue = ["type": "object"]
        let text: JSONValue = ["type": "object", "required": ["text"], "properties": ["text": ["type": "string", "maxLength": 100]]]
        func action(_ name: String, price: String = "0.01", tier: TrustTier = .bronze, limit: Int? = nil, input: JSONValue = anything,
                    output: JSONValue = anything, deprecation: Deprecation? = nil, timeout: Double = 30, streaming: Bool = false,
                    composes: [CompositeDefinition.Step]? = nil, policy: CompositeDefinition.FailurePolicy = .rollback,
                    compositeTimeoutMS: Int = 60_000) -> ActionDescriptor {
            ActionDescriptor(name: name, description: "test action \(name)", price: try! Money(decimal: price), trustTierRequired: tier,
                             rateLimitPerMinute: limit, inputSchema: input, outputSchema: output, deprecation: deprecation, timeoutSeconds: timeout,
                             streaming: streaming,
                             composes: try! composes.map { try CompositeDefinition(steps: $0, onStepFailure: policy, timeoutTotalMilliseconds: compositeTimeoutMS) })
        }
        func step(_ id: String, _ action: String, _ input: JSONValue = ["text": "${input.text}"]) -> CompositeDefinition.Step {
            .init(id: id, call: "test-kit", action: action, input: input)
        }
        let now = Timestamps.now()
        return CapabilityDescriptor(
            name: "test-kit", displayName: "Test kit", description: "Actions that exercise every path of the pipeline.",
            version: "1.0.0", tags: ["test"],
            actions: [
                action("echo", input: text, output: text),
                action("counted", input: text),
                action("free-price", price: "0"),
                action("pricey", price: "5"),
                action("split-odd", price: "0.000007"),
                action("slow", timeout: 0.3),
                action("hold"),
                action("fail"),
                action("bad-output", output: ["type": "object", "required": ["never"]]),
                action("gold-only", tier: .gold),
                action("limited", limit: 2),
                action("retired", deprecation: Deprecation(sunsetAt: now - 86_400, successor: "test-kit/echo")),
                action("sunsetting", deprecation: Deprecation(sunsetAt: now + 10 * 86_400, successor: "test-kit/echo")),
                action("hold-stream", streaming: true),
                action("compose-echo", price: "0.05", input: text, streaming: true,
                       composes: [step("first", "echo"), step("second", "echo", ["text": "again: ${first.text}"]), step("third", "counted", ["text": "${second.text}"]),
                                  step("fourth", "whoami", [:])]),
                action("whoami"),
                action("compose-fails", price: "0.05", input: text, composes: [step("first", "echo"), step("boom", "fail"), step("never", "counted")]),
                action("compose-continue", price: "0.05", input: text, composes: [step("boom", "fail"), step("after", "echo")], policy: .continue),
                action("compose-unbound", price: "0.05", input: text, composes: [step("first", "echo", ["text": "${input.missing}"])]),
                action("compose-slow", price: "0.05", composes: [step("wait", "slow-step", [:])], compositeTimeoutMS: 200),
                action("slow-step", timeout: 30),
            ])
    }

    func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        switch action {
        case "echo": return ["text": input["text"] ?? ""]
        case "counted":
            Self.executions.withLock { $0[input["text"]?.stringValue ?? "", default: 0] += 1 }
            try await Task.sleep(for: .milliseconds(200))
            return ["text": input["text"] ?? ""]
        case "hold":
            await Gate.shared.wait(input["text"]?.stringValue ?? "")
            return ["held": true]
        case "slow", "slow-step":
            try await Task.sleep(for: .seconds(5))
            return [:]
        case "hold-stream":
            await context.progress("holding", 0.5)
            await Gate.shared.wait(input["text"]?.stringValue ?? "")
            return ["held": true]
        case "fail":
            struct Boom: Error {}
            throw Boom()
        case "bad-output": return ["unexpected": true]
        case "whoami": return ["request_id": .string(context.requestID)]
        default: return ["ok": true]
        }
    }
}

/// Lets a test hold an action in flight until it decides otherwise (no timing assumptions).
actor Gate {
    static let shared = Gate()
    private var opened: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func wait(_ id: String) async {
        if opened.contains(id) { return }
        await withCheckedContinuation { waiters[id, default: []].append($0) }
    }

    func open(_ id: String) {
        opened.insert(id)
        for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.resume() }
    }
}
