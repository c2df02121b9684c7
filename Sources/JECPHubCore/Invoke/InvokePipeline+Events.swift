import JECPModels
import Logging

extension InvokePipeline {
    /// `invocation.failed` for an admitted invocation that failed (nothing was charged), to the
    /// agent's and the capability provider's subscribers. A store failure here is logged, never
    /// turned into the caller's error: the invocation's own failure is what the caller must see.
    func recordFailure(_ invocation: AdmittedInvocation, error: JECPError) async {
        let data: JSONValue = [
            "request_id": .string(invocation.envelope.id), "agent_id": .string(invocation.agent.id),
            "capability": .string(invocation.entry.id), "action": .string(invocation.action.descriptor.name),
            "error_code": .string(error.code.rawValue), "http_status": .number(JSONNumber(error.httpStatus)), "cost_usdc": Money.zero.json,
        ]
        let event = OutboxEvent(type: .invocationFailed, agentID: invocation.agent.id, providerNamespace: invocation.entry.providerAccount.providerNamespace,
                                data: data, now: Int64(clock().rounded(.down)))
        do {
            try await store.recordEvent(event)
        } catch {
            logger.warning("recording invocation.failed failed", metadata: ["jecp.request_id": "\(invocation.envelope.id)", "jecp.error": "\(error)"])
        }
    }
}
