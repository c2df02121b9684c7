import Configuration
import Foundation
import JECPTestProcess
import JECPModels
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `jecp` binary against a live in-process Hub on loopback, each test with its own
/// config directory.
@Suite struct CLIProcessTests {
    static let invoiceInput = #"{"client_name": "ACME GmbH", "currency": "EUR", "items": [{"name": "Consulting", "quantity": 2, "unit_price": 150.5, "tax_rate": 19}]}"#

    @Test func registerSavesCredentialsAndWhoamiReadsThem() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let registered = try await user.run(["register", "--name", "cli-register", "--json"])
            #expect(registered.status == 0, "\(registered.stderr)")
            #expect(registered.stderr.isEmpty)
            let document = registered.json
            let id = try #require(document["agent_id"]?.stringValue)
            let key = try #require(document["api_key"]?.stringValue)
            #expect(document["name"] == "cli-register")
            #expect(document["free_calls_remaining"]?.numberValue?.integerValue == 100)
            #expect(document["tier"] == "bronze")
            #expect(document["hub"]?.stringValue == hub.url)
            #expect(document["config_path"]?.stringValue == user.configPath)

            let attributes = try FileManager.default.attributesOfItem(atPath: user.configPath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let directory = try FileManager.default.attributesOfItem(atPath: user.home + "/jecp")
            #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
            #expect(user.config?["agent"]?["id"]?.stringValue == id)
            #expect(user.config?["agent"]?["api_key"]?.stringValue == key)
            #expect(user.config?["base_url"]?.stringValue == hub.url)

            // No --hub: the Hub URL comes from the config written by register.
            let whoami = try await user.run(["whoami", "--json"], hubFlag: false)
            #expect(whoami.status == 0, "\(whoami.stdout) \(whoami.stderr)")
            #expect(whoami.json["agent_id"]?.stringValue == id)
            #expect(whoami.json["tier"] == "bronze")
            #expect(whoami.json["total_calls"]?.numberValue?.integerValue == 0)
            #expect(whoami.json["free_calls_remaining"]?.numberValue?.integerValue == 100)
            #expect(whoami.json["balance_usdc"]?.numberValue?.text == "0")
            #expect(!whoami.stdout.contains(key))

            let human = try await user.run(["whoami"])
            #expect(human.status == 0)
            #expect(human.stdout.contains("bronze"))
            #expect(human.stdout.contains("Free calls:"))
            #expect(human.stdout.contains("Balance:"))
            #expect(!human.stdout.contains(key), "whoami must never print the API key")
            #expect(!human.stdout.contains("\u{1B}["), "no color when stdout is not a terminal")

            // A second register would silently lose these credentials.
            let again = try await user.run(["register", "--name", "cli-register-2", "--json"])
            #expect(again.status == 2)
            #expect(again.json["error"]?["code"] == "USAGE_ERROR")
            #expect(user.config?["agent"]?["id"]?.stringValue == id)
        }
    }

    @Test func invoiceIsWrittenAsAPDFThatPdfinfoAccepts() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            _ = try await user.register()
            let input = user.home + "/invoice.json"
            _ = FileManager.default.createFile(atPath: input, contents: Data(Self.invoiceInput.utf8))
            let outDirectory = user.home + "/out"
            let result = try await user.run(["invoke", "hub", "document-pipeline", "generate-invoice", "--input", "@" + input, "--out", outDirectory])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: outDirectory)
            #expect(files.count == 1)
            let pdf = try #require(files.first { $0.hasSuffix(".pdf") }, "files: \(files)")
            let path = outDirectory + "/" + pdf
            #expect(result.stdout.contains("saved " + path))
            #expect(!result.stdout.contains("JVBERi0"), "the base64 PDF is not dumped on the terminal")
            #expect(result.stdout.contains("\"total_amount\""))
            #expect(result.stderr.contains("free call"))
            let info = try Self.pdfinfo(path)
            #expect(info.status == 0, "\(info.output)")
            #expect(info.output.contains("Pages:"))

            let noOut = try await user.run(["invoke", "hub", "document-pipeline", "generate-invoice", "--input", "@" + input])
            #expect(noOut.status == 0)
            #expect(noOut.stdout.contains("application/pdf"))
            #expect(noOut.stdout.contains("use --out DIR to save"))
            #expect(!noOut.stdout.contains("JVBERi0"))

            // --json: the Hub's envelope plus where the artifacts went; a replay is not charged.
            let json = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput, "--out", outDirectory,
                                           "--request-id", "req-cli-json-1", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stderr.isEmpty)
            #expect(json.json["status"] == "completed")
            let artifact = try #require(json.json["artifacts"]?.arrayValue?.first)
            #expect(artifact["path"] == "/pdf")
            #expect(artifact["media_type"] == "application/pdf")
            let file = try #require(artifact["file"]?.stringValue)
            #expect(file.hasSuffix(".pdf") && file.contains("req-cli-json-1"))
            #expect(try Self.pdfinfo(file).status == 0)
            let replay = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput,
                                             "--request-id", "req-cli-json-1", "--json"])
            #expect(replay.status == 0)
            #expect(replay.json["output"]?["metadata"]?["invoice_number"] == json.json["output"]?["metadata"]?["invoice_number"])
            let whoami = try await user.run(["whoami", "--json"])
            #expect(whoami.json["free_calls_remaining"]?.numberValue?.integerValue == 97)
        }
    }

    @Test func invalidAPIKeyIsAnAuthErrorWithExitCode3() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let (id, _) = try await user.register()
            let environment = ["JECP_AGENT_ID": id, "JECP_API_KEY": "jecp_sk_wrong_0123456789abcdef0123456789abcdef"]
            let result = try await user.run(["whoami", "--json"], environment: environment)
            #expect(result.status == 3)
            #expect(result.stderr.isEmpty, "--json prints nothing but the document")
            let envelope = result.json
            #expect(envelope["jecp"] == "1.0")
            #expect(envelope["status"] == "failed")
            #expect(envelope["error"]?["code"] == "INVALID_API_KEY")
            #expect(envelope["error"]?["message"]?.stringValue?.isEmpty == false)
            #expect(envelope["error"]?["details"] != nil)
            #expect(envelope["error"]?["documentation_url"]?.stringValue?.contains("invalid_api_key") == true)
            #expect(envelope["next_action"]?["type"] == "register")

            let human = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput], environment: environment)
            #expect(human.status == 3)
            #expect(human.stdout.isEmpty)
            #expect(human.stderr.contains("INVALID_API_KEY"))
            #expect(human.stderr.contains("jecp register --name"))
        }
    }

    @Test func paymentRequiredIsExitCode4AndSuggestsATopup() async throws {
        try await LiveHub.run(["jecp.freeCalls": 0]) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            _ = try await user.register()
            let result = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput, "--json"])
            #expect(result.status == 4, "\(result.stdout) \(result.stderr)")
            #expect(result.json["status"] == "failed")
            #expect(result.json["error"]?["code"] == "PAYMENT_REQUIRED")
            #expect(result.json["next_action"]?["type"] == "topup")

            let human = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput])
            #expect(human.status == 4)
            #expect(human.stderr.contains("next: jecp topup 5"))

            // This Hub has no Stripe configured: the CLI says so and how the operator enables it.
            let topup = try await user.run(["topup", "5", "--json"])
            #expect(topup.status == 7)
            #expect(topup.json["status"] == "failed")
            #expect(topup.json["error"]?["code"] == "TOPUP_NOT_ENABLED")
            let topupHuman = try await user.run(["topup", "5"])
            #expect(topupHuman.status == topup.status)
            #expect(topupHuman.stderr.hasPrefix("error: "))
            #expect(topupHuman.stderr.contains("STRIPE_SECRET_KEY"))
        }
    }

    @Test func paidCallsRespectTheBudgetAndShowInTransactions() async throws {
        try await LiveHub.run(["jecp.freeCalls": 0]) { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let (id, _) = try await user.register()
            try await hub.credit(agentID: id, usdc: "1")

            let tooLow = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput, "--budget", "0.001", "--json"])
            #expect(tooLow.status == 4)
            #expect(tooLow.json["error"]?["code"] == "INSUFFICIENT_BUDGET")
            let human = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput, "--budget", "0.001"])
            #expect(human.stderr.contains("next: raise --budget to at least 0.005"))

            let paid = try await user.run(["invoke", "hub/document-pipeline", "generate-invoice", "--input", Self.invoiceInput, "--budget", "0.01",
                                           "--expires-in", "5m"])
            #expect(paid.status == 0, "\(paid.stderr)")
            #expect(paid.stderr.contains("paid 0.005 USDC"))
            #expect(paid.stderr.contains("balance 0.995 USDC"))

            let whoami = try await user.run(["whoami", "--json"])
            #expect(whoami.json["balance_usdc"]?.numberValue?.text == "0.995")
            let transactions = try await user.run(["transactions", "--json"])
            #expect(transactions.status == 0)
            let amounts = transactions.json["transactions"]?.arrayValue?.compactMap { $0["amount_usdc"]?.numberValue?.text } ?? []
            #expect(amounts.contains("-0.005") && amounts.contains("1"), "\(amounts)")
            let table = try await user.run(["transactions"])
            #expect(table.stdout.hasPrefix("DATE"))
            #expect(table.stdout.contains("-0.005"))
            #expect(table.stdout.contains("hub/document-pipeline generate-invoice") || table.stdout.contains("document-pipeline generate-invoice"))
        }
    }

    @Test func catalogAndDescribeListCapabilities() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let catalog = try await user.run(["catalog", "--json"])
            #expect(catalog.status == 0, "\(catalog.stderr)")
            let ids = catalog.json["capabilities"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.contains("hub/document-pipeline"))
            #expect(catalog.json["total"]?.numberValue?.integerValue == Int64(ids.count))

            let tagged = try await user.run(["catalog", "--tag", "pdf", "--json"])
            let taggedCapabilities = tagged.json["capabilities"]?.arrayValue ?? []
            #expect(!taggedCapabilities.isEmpty)
            #expect(taggedCapabilities.allSatisfy { $0["tags"]?.arrayValue?.contains("pdf") == true })

            let byProvider = try await user.run(["catalog", "--provider", "hub", "--json"])
            #expect(byProvider.json["capabilities"]?.arrayValue?.allSatisfy { $0["id"]?.stringValue?.hasPrefix("hub/") == true } == true)
            let none = try await user.run(["catalog", "--provider", "nobody"])
            #expect(none.status == 0)
            #expect(none.stdout.contains("No capabilities from provider 'nobody'"))

            let table = try await user.run(["catalog"])
            #expect(table.status == 0)
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("CAPABILITY") == true)
            let row = try #require(lines.first { $0.hasPrefix("hub/document-pipeline") })
            #expect(row.contains("generate-invoice"))
            // Aligned: every row's second column starts where the header's does.
            let column = try #require(lines.first?.range(of: "ACTIONS")).lowerBound.utf16Offset(in: lines.first!)
            #expect(row.dropFirst(column - 2).hasPrefix("  ") && !row.dropFirst(column).hasPrefix(" "))

            let describe = try await user.run(["describe", "hub/document-pipeline"])
            #expect(describe.status == 0, "\(describe.stderr)")
            #expect(describe.stdout.contains("generate-invoice  0.005 USDC  tier bronze"))
            #expect(describe.stdout.contains("client_name*"))
            #expect(describe.stdout.contains("jecp invoke hub/document-pipeline generate-invoice --input '"))

            let missing = try await user.run(["describe", "hub/nope", "--json"])
            #expect(missing.status == 2)
            #expect(missing.json["error"]?["code"] == "CAPABILITY_NOT_FOUND")
        }
    }

    @Test func doctorPassesAgainstALiveHub() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let before = try await user.run(["doctor", "--json"])
            #expect(before.status == 3, "no credentials yet: \(before.stdout)")
            #expect(before.json["checks"]?.arrayValue?.first { $0["name"] == "credentials" }?["ok"] == false)

            _ = try await user.register()
            let doctor = try await user.run(["doctor"])
            #expect(doctor.status == 0, "\(doctor.stdout) \(doctor.stderr)")
            #expect(doctor.stdout.contains("✓ hub reachable"))
            #expect(doctor.stdout.contains("✓ agent guide"))
            #expect(doctor.stdout.contains("✓ credentials"))
            #expect(doctor.stdout.contains("✓ clock"))
            #expect(!doctor.stdout.contains("✗"))

            let json = try await user.run(["doctor", "--json"])
            #expect(json.status == 0)
            #expect(json.json["status"] == "ok")
            #expect(json.json["checks"]?.arrayValue?.count == 5)
        }
    }

    @Test func doctorReportsAnUnreachableHub() async throws {
        // A port nothing listens on: bind and release one.
        let user = CLIProcess(hub: "http://127.0.0.1:9")
        defer { user.remove() }
        let result = try await user.run(["doctor"])
        #expect(result.status == 6, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("✗ hub reachable"))
        #expect(result.stdout.contains("hint:"))
    }

    @Test func rotateKeySavesTheNewKeyWithoutPrintingIt() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let (id, oldKey) = try await user.register()
            let rotated = try await user.run(["rotate-key", "--revoke-old"])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let newKey = try #require(user.config?["agent"]?["api_key"]?.stringValue)
            #expect(newKey != oldKey)
            #expect(!rotated.stdout.contains(newKey) && !rotated.stderr.contains(newKey))
            let whoami = try await user.run(["whoami", "--json"])
            #expect(whoami.json["agent_id"]?.stringValue == id)
            let old = try await user.run(["whoami", "--json"], environment: ["JECP_API_KEY": oldKey])
            #expect(old.status == 3)
        }
    }

    @Test func loginVerifiesBeforeSavingAndLogoutKeepsTheProvider() async throws {
        try await LiveHub.run { hub in
            let registrar = CLIProcess(hub: hub.url)
            defer { registrar.remove() }
            let (id, key) = try await registrar.register()

            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let wrong = try await user.run(["login", "--agent-id", id, "--api-key", "-", "--json"], stdin: "wrong-key\n")
            #expect(wrong.status == 3)
            #expect(user.config == nil, "failed logins save nothing")
            let login = try await user.run(["login", "--agent-id", id, "--api-key", "-"], stdin: key + "\n")
            #expect(login.status == 0, "\(login.stderr)")
            #expect(!login.stdout.contains(key))
            #expect(user.config?["agent"]?["api_key"]?.stringValue == key)

            // Provider credentials written by a (future) provider command survive an agent logout.
            var config = try #require(user.config?.objectValue)
            config["provider"] = ["id": "prv_test", "api_key": "prv_key"]
            try Data(JSONValue.object(config).serialized()).write(to: URL(fileURLWithPath: user.configPath))
            let logout = try await user.run(["logout"])
            #expect(logout.status == 0)
            #expect(user.config?["agent"] == nil)
            #expect(user.config?["provider"]?["id"] == "prv_test")
            let whoami = try await user.run(["whoami", "--json"])
            #expect(whoami.status == 3)
            #expect(whoami.json["error"]?["code"] == "AUTH_REQUIRED")

            let provider = try await user.run(["logout", "--provider", "--json"])
            #expect(provider.json["removed"] == ["provider"])
            #expect(user.config?["provider"] == nil)
            #expect(user.config?["base_url"]?.stringValue == hub.url)
            let all = try await user.run(["logout", "--all"])
            #expect(all.status == 0)
            #expect(!FileManager.default.fileExists(atPath: user.configPath))
        }
    }

    @Test func streamPrintsEventsLiveAndSavesTheChart() async throws {
        try await LiveHub.run { hub in
            let user = CLIProcess(hub: hub.url)
            defer { user.remove() }
            let (id, _) = try await user.register()
            let series = (0..<48).map { String(100 + ($0 % 12) * 4 + $0) }.joined(separator: ",")
            let input = #"{"series": [\#(series)], "horizon": 6, "chart": true}"#

            // Bronze cannot forecast yet: exit 3 and the fallback capabilities as the way forward.
            let early = try await user.run(["invoke", "hub", "data-insight", "forecast", "--input", input])
            #expect(early.status == 3, "\(early.stderr)")
            #expect(early.stderr.contains("INSUFFICIENT_TRUST"))
            #expect(early.stderr.contains("reach the silver tier"))

            try await hub.setTierFloor(agentID: id, tier: "silver")
            let outDirectory = user.home + "/charts"
            let streamed = try await user.run(["invoke", "hub", "data-insight", "forecast", "--input", input, "--stream", "--out", outDirectory])
            #expect(streamed.status == 0, "\(streamed.stdout) \(streamed.stderr)")
            #expect(streamed.stdout.contains("▸ working"))
            #expect(streamed.stdout.contains("forecasting"))
            #expect(streamed.stdout.contains("▸ done"))
            #expect(streamed.stdout.contains("\"predictions\""))
            let files = try FileManager.default.contentsOfDirectory(atPath: outDirectory)
            #expect(files.contains { $0.hasSuffix(".png") }, "\(files)")

            let json = try await user.run(["invoke", "hub/data-insight", "forecast", "--input", input, "--stream", "--json"])
            #expect(json.status == 0)
            #expect(json.stderr.isEmpty)
            let names = json.json["events"]?.arrayValue?.compactMap { $0["event"]?.stringValue } ?? []
            #expect(names.first == "status" && names.last == "done" && names.contains("progress") && names.contains("result"))
            #expect(json.json["output"]?["predictions"]?.arrayValue?.count == 6)
            #expect(json.json["done"]?["billing"] != nil)
        }
    }

    @Test func rateLimitIsExitCode5WithTheWait() async throws {
        try await LiveHub.run(["jecp.registrationRpm": 1]) { hub in
            let first = CLIProcess(hub: hub.url)
            defer { first.remove() }
            _ = try await first.register()
            let second = CLIProcess(hub: hub.url)
            defer { second.remove() }
            let json = try await second.run(["register", "--name", "cli-too-fast", "--json"])
            #expect(json.status == 5, "\(json.stdout)")
            #expect(json.json["error"]?["code"] == "RATE_LIMITED")
            #expect(json.json["next_action"]?["type"] == "wait")
            let human = try await second.run(["register", "--name", "cli-too-fast"])
            #expect(human.status == 5)
            #expect(human.stderr.range(of: #"next: retry in \d+ s"#, options: .regularExpression) != nil, "\(human.stderr)")
            #expect(second.config == nil)
        }
    }

    @Test func aBrokenConfigIsReportedAndLogoutAllClearsIt() async throws {
        let user = CLIProcess(hub: nil)
        defer { user.remove() }
        try FileManager.default.createDirectory(atPath: user.home + "/jecp", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: user.configPath, contents: Data("{broken".utf8))
        let whoami = try await user.run(["whoami", "--json"])
        #expect(whoami.status == 1)
        #expect(whoami.json["error"]?["code"] == "CONFIG_ERROR")
        #expect(whoami.json["error"]?["message"]?.stringValue?.contains(user.configPath) == true)
        let logout = try await user.run(["logout", "--all"])
        #expect(logout.status == 0, "\(logout.stderr)")
        #expect(!FileManager.default.fileExists(atPath: user.configPath))
    }

    @Test func usageErrorsExitWith2() async throws {
        let user = CLIProcess(hub: nil)
        defer { user.remove() }
        let missing = try await user.run(["invoke", "only-one", "--json"])
        #expect(missing.status == 2)
        #expect(missing.json["error"]?["code"] == "USAGE_ERROR")
        let duration = try await user.run(["invoke", "hub/x", "y", "--expires-in", "5x", "--json"], environment: ["JECP_AGENT_ID": "a", "JECP_API_KEY": "b"])
        #expect(duration.status == 2)
        #expect(duration.json["error"]?["message"]?.stringValue?.contains("--expires-in") == true)
        let badHub = try await user.run(["catalog", "--hub", "ftp://x"])
        #expect(badHub.status == 2)
        #expect(badHub.stderr.contains("--hub"))
        let unknown = try await user.run(["frobnicate"])
        #expect(unknown.status == 2)
        let help = try await user.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("EXIT CODES"))
        for code in 0...7 { #expect(help.stdout.contains("  \(code)  ")) }
    }

    static func pdfinfo(_ path: String) throws -> (status: Int32, output: String) {
        let pdfinfo = try ChildProcess.run("/usr/bin/env", ["pdfinfo", path])
        return (pdfinfo.status, String(decoding: pdfinfo.output + pdfinfo.errors, as: UTF8.self))
    }
}
