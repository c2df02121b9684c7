import Foundation
import JECPModels
import Testing

/// `jecp provider …`: the built binary, locally and against a live Hub in test mode on loopback.
@Suite struct ProviderCommandTests {
    // MARK: Local: init and validate

    @Test func initWritesATemplateThatValidates() async throws {
        let user = CLIProcess(hub: nil)
        defer { user.remove() }
        let file = user.home + "/jecp.yaml"
        let written = try await user.run(["provider", "init", "--output", file, "--capability", "word-tools"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("my-provider/word-tools 1.0.0"))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("# JECP provider manifest"))
        #expect(text.contains("capability: \"word-tools\""))

        let valid = try await user.run(["provider", "validate", file])
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.contains("is valid: my-provider/word-tools 1.0.0, 1 action (echo)"))
        let json = try await user.run(["provider", "validate", file, "--json"])
        #expect(json.status == 0)
        #expect(json.stderr.isEmpty)
        #expect(json.json["status"] == "valid")
        #expect(json.json["full_id"] == "my-provider/word-tools")
        #expect(json.json["actions"] == ["echo"])
        // `-` reads standard input.
        let piped = try await user.run(["provider", "validate", "-", "--json"], stdin: text)
        #expect(piped.status == 0, "\(piped.stdout)")
        #expect(piped.json["file"] == "standard input")

        // Never overwritten by accident.
        let again = try await user.run(["provider", "init", "--output", file, "--namespace", "other-ns", "--json"])
        #expect(again.status == 2)
        #expect(again.json["error"]?["code"] == "USAGE_ERROR")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        let forced = try await user.run(["provider", "init", "--output", file, "--namespace", "other-ns", "--force"])
        #expect(forced.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("namespace: \"other-ns\""))

        // A template that would not validate is not written.
        let invalid = user.home + "/invalid.yaml"
        let bad = try await user.run(["provider", "init", "--output", invalid, "--namespace", "No_Such"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("/namespace: must match the pattern"))
        #expect(!FileManager.default.fileExists(atPath: invalid))
        let http = try await user.run(["provider", "init", "--output", invalid, "--endpoint", "http://127.0.0.1/jecp"])
        #expect(http.status == 2)
        #expect(http.stderr.contains("/endpoint"))
        let allowed = try await user.run(["provider", "init", "--output", invalid, "--endpoint", "http://127.0.0.1/jecp", "--allow-http"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try await user.run(["provider", "validate", invalid]).status == 2, "http needs --allow-http, as on a production Hub")
        #expect(try await user.run(["provider", "validate", invalid, "--allow-http"]).status == 0)
    }

    @Test func validateListsEveryProblemWithItsPathAndExits2() async throws {
        let user = CLIProcess(hub: nil)
        defer { user.remove() }
        let file = user.home + "/jecp.yaml"
        #expect(try await user.run(["provider", "init", "--output", file]).status == 0)
        let broken = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: "namespace: \"my-provider\"", with: "namespace: \"Bad_Namespace\"")
            .replacingOccurrences(of: "base: \"$0.001\"", with: "base: \"0.001\"")
            .replacingOccurrences(of: "- id: echo", with: "- id: e")
        let brokenFile = user.home + "/broken.yaml"
        try broken.write(toFile: brokenFile, atomically: true, encoding: .utf8)

        let human = try await user.run(["provider", "validate", brokenFile])
        #expect(human.status == 2)
        #expect(human.stdout.isEmpty)
        #expect(human.stderr.contains("error: \(brokenFile) has 3 error(s). [VALIDATION_FAILED]"), "\(human.stderr)")
        for path in ["/actions/0/id", "/actions/0/pricing/base", "/namespace"] {
            #expect(human.stderr.contains("  \(path): must match the pattern"), "\(path) in \(human.stderr)")
        }

        let json = try await user.run(["provider", "validate", brokenFile, "--json"])
        #expect(json.status == 2)
        #expect(json.stderr.isEmpty, "--json prints nothing but the document")
        #expect(json.json["status"] == "failed")
        #expect(json.json["error"]?["code"] == "VALIDATION_FAILED")
        let errors = json.json["error"]?["details"]?["errors"]?.arrayValue ?? []
        #expect(errors.compactMap { $0["instance_path"]?.stringValue } == ["/actions/0/id", "/actions/0/pricing/base", "/namespace"])
        #expect(errors.allSatisfy { $0["schema_path"]?.stringValue?.hasSuffix("/pattern") == true && $0["reason"]?.stringValue != nil })

        let syntax = try await user.run(["provider", "validate", "-", "--json"], stdin: "namespace: [\n")
        #expect(syntax.status == 2)
        #expect(syntax.json["error"]?["code"] == "VALIDATION_FAILED")
        #expect(syntax.json["error"]?["details"]?["errors"]?.arrayValue?.first?["reason"]?.stringValue?.contains("line 2") == true)
        let missing = try await user.run(["provider", "validate", user.home + "/nope.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the manifest"))
    }

    // MARK: Against a live Hub

    @Test func providerLifecycleAgainstALiveHub() async throws {
        try await LiveHub.run(LiveHub.providerSettings) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let endpoint = "http://127.0.0.1:9/jecp"

            let anonymous = try await user.run(["provider", "me", "--json"])
            #expect(anonymous.status == 3)
            #expect(anonymous.json["error"]?["code"] == "AUTH_REQUIRED")
            let anonymousHuman = try await user.run(["provider", "me"])
            #expect(anonymousHuman.stderr.contains("next: jecp provider register"), "\(anonymousHuman.stderr)")
            #expect(!anonymousHuman.stderr.contains("jecp register --name"), "agent advice does not fit a provider")

            // register: the key is saved, the HMAC secret shown once and not saved.
            let registered = try await user.run(["provider", "register", "--namespace", "cli-prov", "--display-name", "CLI Provider",
                                                 "--email", "ops@example.com", "--endpoint", endpoint, "--country", "jp"])
            #expect(registered.status == 0, "\(registered.stdout) \(registered.stderr)")
            let secret = try #require(registered.stdout.firstMatch(of: #/HMAC secret:\s+([0-9a-f]{64})/#)?.1).description
            #expect(registered.stdout.contains("shown only this once and was NOT saved"))
            #expect(registered.stdout.contains("_jecp.127.0.0.1. 300 IN TXT \"jecp-verify="))
            let saved = try #require(user.config?["provider"])
            let providerID = try #require(saved["provider_id"]?.stringValue)
            let firstKey = try #require(saved["api_key"]?.stringValue)
            #expect(providerID.hasPrefix("jecp_pr_"), "\(providerID)")
            #expect(saved["namespace"] == "cli-prov")
            #expect(saved["hub"]?.stringValue == hub.url)
            #expect(saved["hmac_secret"] == nil)
            #expect(registered.stdout.contains(firstKey))
            let configText = try String(contentsOfFile: user.configPath, encoding: .utf8)
            #expect(!configText.contains(secret), "the secret is not stored without --save-secret")
            let mode = try FileManager.default.attributesOfItem(atPath: user.configPath)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            let twice = try await user.run(["provider", "register", "--namespace", "cli-prov-2", "--display-name", "Again",
                                            "--email", "ops@example.com", "--endpoint", endpoint, "--country", "JP", "--json"])
            #expect(twice.status == 2)
            #expect(twice.json["error"]?["code"] == "USAGE_ERROR")
            #expect(user.config?["provider"]?["provider_id"]?.stringValue == providerID)

            // me: the Hub comes from the saved provider section when no --hub is given.
            let me = try await user.run(["provider", "me", "--json"], hubFlag: false)
            #expect(me.status == 0, "\(me.stdout) \(me.stderr)")
            #expect(me.json["provider_id"]?.stringValue == providerID)
            #expect(me.json["status"] == "dns_pending")
            #expect(me.json["dns_verified"] == false)
            #expect(me.json["hub"]?.stringValue == hub.url)
            let meHuman = try await user.run(["provider", "me"])
            #expect(meHuman.stdout.contains("not verified"))
            #expect(meHuman.stdout.contains("IN TXT \"jecp-verify="))
            #expect(!meHuman.stdout.contains(firstKey))

            // verify-dns fails (no records anywhere) and says what to publish.
            let failed = try await user.run(["provider", "verify-dns", "--json"])
            #expect(failed.status == 2, "\(failed.stdout)")
            #expect(failed.json["error"]?["code"] == "DNS_VERIFICATION_FAILED")
            let details = try #require(failed.json["error"]?["details"])
            #expect(details["domain"] == "127.0.0.1")
            #expect(details["record_name"] == "_jecp.127.0.0.1")
            #expect(details["reason"]?.stringValue?.isEmpty == false)
            let record = try #require(details["dns_record"]?["zone_line"]?.stringValue)
            #expect(record.hasPrefix("_jecp.127.0.0.1. 300 IN TXT \"jecp-verify="))
            let failedHuman = try await user.run(["provider", "verify-dns"])
            #expect(failedHuman.status == 2)
            #expect(failedHuman.stderr.contains("next: publish this TXT record, then run jecp provider verify-dns again:"))
            #expect(failedHuman.stderr.contains("  " + record))

            // publish before the domain is proven: stored as submitted. `init` takes the saved namespace.
            let file = user.home + "/jecp.yaml"
            #expect(try await user.run(["provider", "init", "--output", file, "--endpoint", endpoint, "--allow-http"]).status == 0)
            #expect(try String(contentsOfFile: file, encoding: .utf8).contains("namespace: \"cli-prov\""))
            let local = try await user.run(["provider", "publish", file, "--json"])
            #expect(local.status == 2, "validated locally first: http needs --allow-http")
            #expect(local.json["error"]?["details"]?["errors"]?.arrayValue?.first?["instance_path"] == "/endpoint")
            let submitted = try await user.run(["provider", "publish", file, "--allow-http", "--json"])
            #expect(submitted.status == 0, "\(submitted.stdout) \(submitted.stderr)")
            #expect(submitted.json["status"] == "submitted")
            #expect(submitted.json["full_id"] == "cli-prov/text-echo")
            #expect(submitted.json["message"]?.stringValue?.isEmpty == false)
            let duplicate = try await user.run(["provider", "publish", file, "--allow-http"])
            #expect(duplicate.status == 2)
            #expect(duplicate.stderr.contains("MANIFEST_VERSION_EXISTS"))

            // The operator marks the domain proven; verify-dns now succeeds and the manifest is served.
            try await hub.markDNSVerified(providerID: providerID)
            let verified = try await user.run(["provider", "verify-dns"])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.stdout.contains("Provider status: verified."))

            // A JSON manifest (application/json) of the next version goes active at once.
            let json = file.replacingOccurrences(of: ".yaml", with: ".json")
            try Self.jsonManifest(namespace: "cli-prov", version: "1.1.0", endpoint: endpoint).write(toFile: json, atomically: true, encoding: .utf8)
            let published = try await user.run(["provider", "publish", json, "--allow-http"])
            #expect(published.status == 0, "\(published.stderr)")
            #expect(published.stdout.contains("Published cli-prov/text-echo 1.1.0: active"))
            let catalog = try await user.run(["catalog", "--provider", "cli-prov", "--json"])
            #expect(catalog.json["capabilities"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["cli-prov/text-echo"])

            // manifests and sunset.
            let manifests = try await user.run(["provider", "manifests", "--json"])
            #expect(manifests.status == 0)
            let statuses = Dictionary(uniqueKeysWithValues: (manifests.json["manifests"]?.arrayValue ?? []).compactMap { item in
                item["version"]?.stringValue.map { ($0, item["status"]?.stringValue ?? "") }
            })
            #expect(statuses == ["1.0.0": "active", "1.1.0": "active"], "the submitted version went active with the proof")
            let retired = try await user.run(["provider", "sunset", "text-echo", "1.0.0"])
            #expect(retired.status == 0, "\(retired.stderr)")
            #expect(retired.stdout.contains("cli-prov/text-echo 1.0.0 is sunset"))
            let table = try await user.run(["provider", "manifests"])
            #expect(table.stdout.hasPrefix("CAPABILITY"))
            #expect(table.stdout.split(separator: "\n").contains { $0.contains("1.0.0") && $0.contains("sunset") })
            let unknown = try await user.run(["provider", "sunset", "text-echo", "9.9.9", "--json"])
            #expect(unknown.status == 2)
            #expect(unknown.json["error"]?["code"] == "MANIFEST_NOT_FOUND")

            // rotate-key: the new key is saved, not printed, and works; the revoked one does not.
            let rotated = try await user.run(["provider", "rotate-key", "--revoke-old"])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let newKey = try #require(user.config?["provider"]?["api_key"]?.stringValue)
            #expect(newKey != firstKey)
            #expect(!rotated.stdout.contains(newKey) && !rotated.stderr.contains(newKey))
            #expect(user.config?["provider"]?["provider_id"]?.stringValue == providerID)
            #expect(try await user.run(["provider", "me", "--json"]).json["provider_id"]?.stringValue == providerID)
            let old = try await user.run(["provider", "me", "--json"], environment: ["JECP_PROVIDER_KEY": firstKey])
            #expect(old.status == 3)
            #expect(old.json["error"]?["code"] == "INVALID_API_KEY")

            // earnings: nothing was called yet.
            let earnings = try await user.run(["provider", "earnings", "--days", "7", "--json"])
            #expect(earnings.status == 0, "\(earnings.stderr)")
            #expect(earnings.json["namespace"] == "cli-prov")
            #expect(earnings.json["lines"] == [])
            #expect(earnings.json["payable_usdc"]?.numberValue?.text == "0")
            #expect(earnings.json["calls_in_window"]?.numberValue?.integerValue == 0)
            let earningsHuman = try await user.run(["provider", "earnings"])
            #expect(earningsHuman.stdout.contains("No paid calls since"))
            #expect(earningsHuman.stdout.contains("Payable now: 0 USDC."))
            #expect(try await user.run(["provider", "earnings", "--days", "0"]).status == 2)

            // The agent side of the same config is untouched, and logout --provider removes only this.
            let logout = try await user.run(["logout", "--provider", "--json"])
            #expect(logout.json["removed"] == ["provider"])
            #expect(try await user.run(["provider", "me", "--json"]).status == 3)
        }
    }

    @Test func registerJSONCanSaveTheSecretAndEnvironmentKeysOverrideTheConfig() async throws {
        try await LiveHub.run(LiveHub.providerSettings) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let registered = try await user.run(["provider", "register", "--namespace", "cli-json", "--display-name", "CLI JSON",
                                                 "--email", "ops@example.com", "--endpoint", "http://127.0.0.1:9/jecp", "--country", "US",
                                                 "--website", "https://example.com", "--save-secret", "--json"])
            #expect(registered.status == 0, "\(registered.stdout)")
            #expect(registered.stderr.isEmpty)
            let document = registered.json
            #expect(document["status"] == "dns_pending")
            #expect(document["hmac_secret_saved"] == true)
            #expect(document["config_path"]?.stringValue == user.configPath)
            let key = try #require(document["provider_api_key"]?.stringValue)
            #expect(key.hasPrefix(try #require(document["api_key_prefix"]?.stringValue)))
            #expect(user.config?["provider"]?["hmac_secret"] == document["hmac_secret"])
            #expect(user.config?["provider"]?["api_key"]?.stringValue == key)

            // JECP_PROVIDER_KEY wins over the saved key, on its own.
            let other = CLIProcess(hub: hub.url)
            defer { other.remove() }
            let otherRegistered = try await other.run(["provider", "register", "--namespace", "cli-other", "--display-name", "CLI Other",
                                                       "--email", "ops@example.com", "--endpoint", "http://127.0.0.1:9/jecp", "--country", "US",
                                                       "--json"])
            let otherKey = try #require(otherRegistered.json["provider_api_key"]?.stringValue, "\(otherRegistered.stdout)")
            let fromEnvironment = try await user.run(["provider", "me", "--json"], environment: ["JECP_PROVIDER_KEY": otherKey])
            #expect(fromEnvironment.status == 0, "\(fromEnvironment.stdout)")
            #expect(fromEnvironment.json["namespace"] == "cli-other")
            let mine = try await user.run(["provider", "me", "--json"])
            #expect(mine.json["namespace"] == "cli-json")
            #expect(mine.json["website"] == "https://example.com")
            let wrong = try await user.run(["provider", "me"], environment: ["JECP_PROVIDER_KEY": "jecp_pk_wrong"])
            #expect(wrong.status == 3)
            #expect(wrong.stderr.contains("INVALID_API_KEY"))
            #expect(wrong.stderr.contains("JECP_PROVIDER_KEY"))

            // Rotating another provider's key (from the environment) must not overwrite the saved
            // credentials, so the new key is printed instead of lost.
            let rotated = try await user.run(["provider", "rotate-key", "--grace-seconds", "60", "--json"], environment: ["JECP_PROVIDER_KEY": otherKey])
            #expect(rotated.status == 0, "\(rotated.stdout)")
            #expect(rotated.json["saved"] == false)
            #expect(rotated.json["namespace"] == "cli-other")
            let newKey = try #require(rotated.json["api_key"]?.stringValue)
            #expect(user.config?["provider"]?["api_key"]?.stringValue == key)
            #expect(try await user.run(["provider", "me", "--json"], environment: ["JECP_PROVIDER_KEY": newKey]).json["namespace"] == "cli-other")
            #expect(try await other.run(["provider", "me", "--json"]).status == 0, "the old key works during the grace period")
        }
    }

    /// The template's manifest as JSON, to publish as `application/json`.
    static func jsonManifest(namespace: String, version: String, endpoint: String) -> String {
        """
        {"namespace": "\(namespace)", "display_name": "Text Echo", "capability": "text-echo", "version": "\(version)",
         "description": "Returns the text it is given.", "endpoint": "\(endpoint)",
         "actions": [{"id": "echo", "description": "Returns the text it is given.",
                      "pricing": {"base": "$0.001", "currency": "USDC", "model": "per_call"},
                      "input_schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
                      "output_schema": {"type": "object", "properties": {"text": {"type": "string"}}}}]}
        """
    }
}
