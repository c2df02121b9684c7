import Logging
import JECPModels
import Testing

/// Every test Hub's logs are scanned for secrets (see `TestHub.run`); this proves the scan sees
/// what it looks for, and checks a flow that handles every kind of secret at trace level.
@Suite struct LogScanTests {
    @Test func theScanFindsKeysTagsAndNamedSecrets() {
        let capture = LogCapture()
        let logger = capture.logger(label: "scan")
        logger.trace("agent key", metadata: ["k": "jecp_ak_0123456789abcdefABCDEF"])
        logger.debug("tag v2:1800000000:00112233445566778899aabb:\(String(repeating: "ab", count: 32))")
        logger.info("token admin-secret-token-value")
        withKnownIssue {
            capture.expectNoSecrets(["admin-secret-token-value"])
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("reached the logs") }
        }
    }

    @Test func aFullAgentFlowLogsNoSecretAtTraceLevel() async throws {
        // TestHub.run scans at the end; this flow touches every secret an agent handles.
        try await TestHub.run(["jecp.freeCalls": 0]) { hub in
            let agent = try await hub.register()
            try await hub.credit(agent, "1")
            #expect(try await hub.invoke(agent).status == 200)
            _ = try await hub.get("/v1/agents/me", headers: ["X-Agent-ID": agent.id, "X-API-Key": "jecp_ak_wrongwrongwrongwrong"])
            let rotated = try await hub.post("/v1/agents/me/rotate-key", json: [:], headers: agent.headers)
            #expect(rotated.status == 200, "\(rotated.text)")
            let newKey = try #require(rotated.json["api_key"]?.stringValue)
            let mandate: JSONValue = ["agent_id": .string(agent.id), "api_key": .string(newKey)]
            #expect(try await hub.invoke(nil, mandate: mandate).status == 200)
        }
    }
}
