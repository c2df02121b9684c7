import Foundation
import JECPModels

/// An action's `composes` block (spec 04 §5.2): ordered steps calling other actions, run by the
/// Hub and billed once at the composite's price. Built-in workflows and provider manifests share it.
public struct CompositeDefinition: Sendable, Hashable {
    public enum FailurePolicy: String, Sendable, Hashable {
        /// Stop at the first failing step and refund what earlier steps cost (the default).
        case rollback
        /// Bind `{"error": {...}}` as the failed step's output and go on.
        case `continue`
    }

    public struct Step: Sendable, Hashable {
        /// Step-local name, `^[a-z][a-z0-9-]{0,30}$`; later steps refer to its output as `${id}`.
        public var id: String
        /// The target capability: `namespace/capability`, or a plain name for a Hub-operated one.
        public var call: String
        public var action: String
        /// An object literal whose strings may contain `${...}` references (§5.2.2).
        public var input: JSONValue

        public init(id: String, call: String, action: String, input: JSONValue) {
            self.id = id
            self.call = call
            self.action = action
            self.input = input
        }
    }

    public static let maximumSteps = 8
    public static let defaultTimeoutMilliseconds = 60_000
    public static let maximumTimeoutMilliseconds = 300_000

    public var steps: [Step]
    public var onStepFailure: FailurePolicy
    public var timeoutTotalMilliseconds: Int
    public var maxDepth: Int

    /// Checks the structural rules of §5.2.1; references to other actions are checked by the catalog.
    public init(steps: [Step], onStepFailure: FailurePolicy = .rollback, timeoutTotalMilliseconds: Int = defaultTimeoutMilliseconds,
                maxDepth: Int = 1) throws(JECPError) {
        func invalid(_ reason: String) -> JECPError {
            JECPError(.validationFailed, "Invalid composes block: \(reason).", details: ["errors": [["path": "/composes", "reason": .string(reason)]]])
        }
        guard (1...Self.maximumSteps).contains(steps.count) else { throw invalid("steps must hold 1...\(Self.maximumSteps) entries") }
        var seen: Set<String> = ["input"]
        for step in steps {
            guard step.id.range(of: "^[a-z][a-z0-9-]{0,30}$", options: .regularExpression) != nil else {
                throw invalid("step id '\(step.id)' must match ^[a-z][a-z0-9-]{0,30}$")
            }
            guard seen.insert(step.id).inserted else { throw invalid("step id '\(step.id)' is used twice (or is the reserved name 'input')") }
            guard case .object = step.input else { throw invalid("step '\(step.id)': input must be an object") }
        }
        guard (1...Self.maximumTimeoutMilliseconds).contains(timeoutTotalMilliseconds) else {
            throw invalid("timeout_total_ms must be 1...\(Self.maximumTimeoutMilliseconds)")
        }
        guard maxDepth == 1 else { throw invalid("max_depth must be 1 in JECP v1.0") }
        self.steps = steps
        self.onStepFailure = onStepFailure
        self.timeoutTotalMilliseconds = timeoutTotalMilliseconds
        self.maxDepth = maxDepth
    }

    /// The block as it appears in manifests and the catalog.
    public var json: JSONValue {
        [
            "max_depth": .number(JSONNumber(maxDepth)),
            "on_step_failure": .string(onStepFailure.rawValue),
            "timeout_total_ms": .number(JSONNumber(timeoutTotalMilliseconds)),
            "steps": .array(steps.map { step in
                ["id": .string(step.id), "call": .string(step.call), "action": .string(step.action), "input": step.input]
            }),
        ]
    }
}
