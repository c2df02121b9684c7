import JECPSchema
import JECPModels

/// Runs a composite action's steps in order (spec 01 §4.4, 04 §5.2): binds each step's input,
/// checks it against the step's input schema, runs it under a derived request id
/// `<request id>:<step id>`, and composes `{step_id: output, …}`.
///
/// Steps are never charged on their own: the agent pays the composite's price once, after the
/// whole run succeeds, so a rollback has nothing to refund. `steps` in the result records what
/// ran, for revenue splits between step providers.
public struct CompositeEngine: Sendable {
    public typealias StepRunner = @Sendable (CapabilityCatalog.Entry, CapabilityCatalog.ResolvedAction, JSONValue, ExecutionContext)
        async throws(JECPError) -> JSONValue

    public struct StepRecord: Sendable {
        public let id: String
        public let capability: String
        public let action: String
        public let requestID: String
        public let price: Money
        public let payee: LedgerAccount
        public let succeeded: Bool
    }

    public struct Run: Sendable {
        public let output: JSONValue
        public let steps: [StepRecord]
    }

    let catalog: CapabilityCatalog

    public init(catalog: CapabilityCatalog) {
        self.catalog = catalog
    }

    public func run(_ definition: CompositeDefinition, input: JSONValue, context: ExecutionContext, runStep: StepRunner)
        async throws(JECPError) -> Run
    {
        var bindings: [String: JSONValue] = ["input": input]
        var output: [String: JSONValue] = [:]
        var records: [StepRecord] = []
        for (index, step) in definition.steps.enumerated() {
            await context.progress("step \(index + 1)/\(definition.steps.count): \(step.id)", Double(index) / Double(definition.steps.count))
            let entry = try catalog.resolve(step.call).get()
            guard let action = entry.actions[step.action] else {
                throw JECPError(.actionNotFound, "Composite step '\(step.id)' calls \(step.call)/\(step.action), which does not exist.",
                                details: ["step_id": .string(step.id), "capability": .string(step.call), "action": .string(step.action)])
            }
            guard action.descriptor.composes == nil else {
                throw JECPError(.compositeDepthExceeded, "Composite step '\(step.id)' resolves to another composite (\(entry.id)/\(step.action)); nothing was charged.",
                                details: ["step_id": .string(step.id), "max_depth": 1])
            }
            let stepInput = try CompositeTemplate.substitute(step.input, bindings: bindings, stepID: step.id)
            var stepContext = context
            stepContext.requestID = "\(context.requestID):\(step.id)"
            stepContext.progress = .silent
            let record = { (succeeded: Bool) in
                StepRecord(id: step.id, capability: entry.id, action: step.action, requestID: stepContext.requestID,
                           price: action.descriptor.price, payee: entry.providerAccount, succeeded: succeeded)
            }
            do throws(JECPError) {
                // A retired step is a failed step: the composite must not keep paying for it.
                if let deprecation = action.descriptor.deprecation, deprecation.sunsetAt <= context.now {
                    throw JECPError(.capabilityDeprecated, "\(entry.id)/\(step.action) was retired on \(Timestamps.rfc3339(deprecation.sunsetAt)).",
                                    details: ["capability": .string(entry.id), "action": .string(step.action),
                                              "sunset_at": .string(Timestamps.rfc3339(deprecation.sunsetAt))])
                }
                if !action.inputSchema.isValid(stepInput) {
                    let violations = action.inputSchema.validate(stepInput)
                    throw JECPError(.inputSchemaViolation, "The input bound for \(entry.id)/\(step.action) does not match its input_schema.",
                                    details: ["errors": .array(violations.prefix(20).map { violation in
                                        ["instance_path": .string(violation.instancePath), "reason": .string(violation.reason)]
                                    })])
                }
                let result = try await runStep(entry, action, stepInput, stepContext)
                records.append(record(true))
                bindings[step.id] = result
                output[step.id] = result
            } catch {
                records.append(record(false))
                guard definition.onStepFailure == .continue else {
                    throw JECPError(.compositeStepFailed, "Step '\(step.id)' (\(entry.id)/\(step.action)) failed: \(error.message) Nothing was charged.",
                                    details: ["failed_step_id": .string(step.id),
                                              "upstream_error": ["code": .string(error.code.rawValue), "message": .string(error.message),
                                                                 "details": .object(error.details)],
                                              "completed_steps": .array(records.filter(\.succeeded).map { .string($0.id) }),
                                              // Steps are not charged separately, so there is never anything to refund.
                                              "refunds_issued": []])
                }
                let failure: JSONValue = ["error": ["code": .string(error.code.rawValue), "message": .string(error.message)]]
                bindings[step.id] = failure
                output[step.id] = failure
            }
        }
        await context.progress("composing", 1)
        return Run(output: .object(output), steps: records)
    }
}
