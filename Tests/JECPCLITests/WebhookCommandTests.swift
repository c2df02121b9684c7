import Foundation
import JECPModels
import Testing

/// `jecp webhook subscribe|list|test|delete`: the built binary against a live Hub in test mode.
@Suite struct WebhookCommandTests {
    @Test func subscribeListTestDeleteAsAgentAndAsProvider() async throws {
        try await LiveHub.run(LiveHub.providerSettings) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            _ = try await user.register()
            let hook = "http://127.0.0.1:9/hooks"

            let subscribed = try await user.run(["webhook", "subscribe", hook, "--event", "invocation.completed", "--event", "wallet.low_balance"])
            #expect(subscribed.status == 0, "\(subscribed.stdout) \(subscribed.stderr)")
            #expect(subscribed.stdout.contains("Subscribed \(hook) to invocation.completed, wallet.low_balance."))
            let secret = try #require(subscribed.stdout.firstMatch(of: #/store it\): (\S+)/#)?.1).description
            #expect(secret.hasPrefix("jecp_whsec_"))
            let id = try #require(subscribed.stdout.firstMatch(of: #/Subscription: (\S+)/#)?.1).description

            let listed = try await user.run(["webhook", "list"])
            #expect(listed.status == 0 && listed.stdout.contains(id) && listed.stdout.contains("active") && !listed.stdout.contains(secret))
            let json = try await user.run(["webhook", "list", "--json"])
            #expect(json.json["subscriptions"]?.arrayValue?.first?["id"] == .string(id))

            let tested = try await user.run(["webhook", "test", id, "--json"])
            #expect(tested.status == 0 && tested.json["event_id"]?.stringValue?.hasPrefix("jecp_ev_") == true, "\(tested.stdout)")

            let unknownEvent = try await user.run(["webhook", "subscribe", hook, "--event", "nope", "--json"])
            #expect(unknownEvent.status == 2 && unknownEvent.json["error"]?["code"] == "VALIDATION_FAILED")
            let blocked = try await user.run(["webhook", "subscribe", "http://10.0.0.1/x", "--event", "wallet.topped_up", "--json"])
            #expect(blocked.status == 2 && blocked.json["error"]?["code"] == "URL_BLOCKED_SSRF")
            #expect(try await user.run(["webhook", "subscribe", hook]).status == 2, "at least one --event")

            let deleted = try await user.run(["webhook", "delete", id])
            #expect(deleted.status == 0 && deleted.stdout.contains("Deleted \(id)."))
            let again = try await user.run(["webhook", "delete", id, "--json"])
            #expect(again.status == 2 && again.json["error"]?["code"] == "SUBSCRIPTION_NOT_FOUND")
            #expect(try await user.run(["webhook", "list"]).stdout.contains("No webhook subscriptions"))

            // --provider: the provider key's own subscriptions, apart from the agent's.
            let registered = try await user.run(["provider", "register", "--namespace", "hooked", "--display-name", "Hooked",
                                                 "--email", "ops@example.com", "--endpoint", "http://127.0.0.1:9/jecp", "--country", "US"])
            #expect(registered.status == 0, "\(registered.stdout) \(registered.stderr)")
            let providerHook = try await user.run(["webhook", "subscribe", hook, "--event", "invocation.failed", "--provider", "--json"])
            #expect(providerHook.status == 0 && providerHook.json["owner_kind"] == "provider", "\(providerHook.stdout)")
            #expect(try await user.run(["webhook", "list", "--provider", "--json"]).json["subscriptions"]?.arrayValue?.count == 1)
            #expect(try await user.run(["webhook", "list", "--json"]).json["subscriptions"] == [])
        }
    }
}
