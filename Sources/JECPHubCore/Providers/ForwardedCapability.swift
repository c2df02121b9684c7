import Foundation
import JECPModels

/// A provider's capability as the pipeline sees it: each call is signed and forwarded to the
/// manifest's endpoint (spec 04 §6.2), and the reply becomes the action's output.
struct ForwardedCapability: HubCapability {
    let descriptor: CapabilityDescriptor
    let capabilityID: String
    let namespace: String
    let endpoint: String
    let secret: String
    let transport: any ProviderTransport
    /// The most a reply body may hold.
    let maximumReplyBytes: Int
    /// A relayed stream with no event for this long is cancelled.
    let streamIdleTimeout: Duration

    func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        let reply = try await send(action: action, input: input, context: context, streaming: context.relay != nil)
        if let relay = context.relay, (200..<300).contains(reply.status),
           reply.header("Content-Type")?.lowercased().hasPrefix("text/event-stream") == true {
            return try await self.relay(reply, to: relay, action: action)
        }
        return try await Self.output(of: reply, capabilityID: capabilityID, action: action, limit: maximumReplyBytes)
    }

    /// `POST endpoint` with `{jecp, id, capability, action, input}` and the Hub's signature headers.
    func send(action: String, input: JSONValue, context: ExecutionContext, streaming: Bool) async throws(JECPError) -> ProviderReply {
        var envelope: [String: JSONValue] = ["jecp": "1.0", "id": .string(context.requestID), "capability": .string(capabilityID),
                                             "action": .string(action), "input": input]
        envelope["metadata"] = context.metadata
        var body: [UInt8] = []
        JSONValue.object(envelope).write(into: &body)
        let timestamp = Int64(Date().timeIntervalSince1970)
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", streaming ? "text/event-stream" : "application/json"),
            ("X-JECP-Signature", HubSignature.sign(secret: secret, timestamp: timestamp, body: body)),
            ("X-JECP-Timestamp", String(timestamp)),
            ("X-JECP-Namespace", namespace),
            ("X-JECP-Action", action),
            ("X-Request-ID", context.requestID),
        ]
        let timeout = descriptor.actions.first { $0.name == action }.map { Duration.seconds($0.timeoutSeconds) } ?? .seconds(30)
        return try await transport.send(ProviderCall(url: endpoint, headers: headers, body: body, timeout: timeout))
    }

    /// A 2xx reply as output: the TypeScript SDK's `{status: success, result}` envelope, a bare JSON
    /// object, or a binary body as a base64 artifact. Anything else is the provider's error.
    static func output(of reply: ProviderReply, capabilityID: String, action: String, limit: Int) async throws -> JSONValue {
        let body = try await reply.collect(limit: limit)
        guard (200..<300).contains(reply.status) else { throw upstreamError(reply, body: body, capabilityID: capabilityID, action: action) }
        let mediaType = reply.header("Content-Type")?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            ?? "application/octet-stream"
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            return ["media_type": .string(mediaType), "size_bytes": .number(JSONNumber(body.count)),
                    "content_base64": .string(Data(body).base64EncodedString())]
        }
        guard let json = try? JSONValue(parsing: body), case .object(let object) = json else {
            throw JECPError(.providerError, "\(capabilityID)/\(action): the provider answered with JSON that is not an object; nothing was charged.",
                            details: ["capability": .string(capabilityID), "action": .string(action), "reason": "malformed_reply"])
        }
        if object["jecp"] != nil, let status = object["status"]?.stringValue {
            if status == "success" || status == "completed", let result = object["result"] { return result }
            throw upstreamError(reply, body: body, capabilityID: capabilityID, action: action)
        }
        return json
    }

    /// `PROVIDER_ERROR` (502) carrying what the provider said and its `Retry-After`.
    static func upstreamError(_ reply: ProviderReply, body: [UInt8], capabilityID: String, action: String) -> JECPError {
        var details: [String: JSONValue] = ["capability": .string(capabilityID), "action": .string(action),
                                            "upstream_status": .number(JSONNumber(reply.status))]
        if let envelope = try? JSONValue(parsing: body), let error = envelope["error"], case .object = error {
            details["upstream_error"] = ["code": error["code"] ?? .null, "message": error["message"] ?? .null]
        }
        var headers: [(name: String, value: String)] = []
        if let retry = reply.header("Retry-After"), let seconds = Int(retry.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            headers.append(("Retry-After", String(min(seconds, 86_400))))
            details["retry_after_seconds"] = .number(JSONNumber(seconds))
        }
        return JECPError(.providerError, "\(capabilityID)/\(action): the provider answered HTTP \(reply.status); nothing was charged.",
                         details: details, headers: headers)
    }
}
