import Configuration
import Foundation
import JECPModels
import Testing

/// The wallet page in a real browser (headless Chromium): sign in, see the balance, press a
/// top-up button, land on the (fake) Stripe checkout page, pay, come back to the success page and
/// see the credited balance. Screenshots go to
/// `JECP_SCREENSHOT_DIR` (default: the temporary directory) for a person to look at.
@Suite struct WalletBrowserTests {
    static var screenshotDirectory: String {
        ProcessInfo.processInfo.environment["JECP_SCREENSHOT_DIR"] ?? FileManager.default.temporaryDirectory.path
    }

    @Test(.enabled(if: HeadlessChromium.isEnabled), .timeLimit(.minutes(3)))  // Chromium starts slowly under the full parallel suite
    func signInTopUpThroughCheckoutAndSeeTheCredit() async throws {
        try await FakeStripe.run { stripe in
            // Plain http on loopback: the browser talks to the Hub's real listener.
            try await TestHub.run(stripe.hubSettings.merging(["jecp.publicURL": "http://127.0.0.1"]) { $1 }, mode: .live) { hub in
                let port = try #require(hub.client.port)
                let agent = try await hub.register("browser-agent")
                try await hub.credit(agent, "12.5")
                let browser = try HeadlessChromium.launch()
                defer { browser.close() }
                let page = try await browser.newPage()
                try await page.send("Emulation.setDeviceMetricsOverride", ["width": 1000, "height": 1000, "deviceScaleFactor": 1, "mobile": false])
                try await page.navigate("http://127.0.0.1:\(port)/wallet")
                try await page.waitFor("document.getElementById('agent_id') !== null")
                try FileManager.default.createDirectory(atPath: Self.screenshotDirectory, withIntermediateDirectories: true)
                try await page.screenshot(to: Self.screenshotDirectory + "/wallet-sign-in.png")
                try await page.type("#agent_id", agent.id)
                try await page.type("#api_key", agent.key)
                try await page.click("#login button[type=submit]")
                try await page.waitFor("document.getElementById('balance') !== null")
                #expect(try await page.text("#balance") == "12.50 USDC")
                #expect(try await page.evaluate("document.cookie") == "")  // HttpOnly: invisible to scripts
                let walletShot = Self.screenshotDirectory + "/wallet.png"
                try await page.screenshot(to: walletShot)
                print("wallet page screenshot: \(walletShot)")
                try await page.click("button[name=amount][value='20']")
                try await page.waitFor("location.href.startsWith(\(HeadlessChromium.Page.quoted(stripe.baseURL + "/checkout/cs_test_")))")
                #expect(try await page.text("#amount") == "Pay $20.00 USD")
                let sessionID = try #require(try await page.text("#session"))
                #expect(stripe.sessions.first { $0.id == sessionID }?.agentID == agent.id)
                try await page.screenshot(to: Self.screenshotDirectory + "/wallet-checkout.png")
                // Paying sends Stripe's signed event to the Hub, then the payer back to the success page.
                stripe.state.withLock { state in
                    state.returnOrigin = "http://127.0.0.1:\(port)"
                    state.onPay = { session in
                        let delivered = try await hub.deliverStripeEvent(stripe.event("checkout.session.completed", sessionID: session.id))
                        try #require(delivered.json["outcome"] == "credited", "\(delivered.text)")
                    }
                }
                try await page.click("#pay")
                try await page.waitFor("location.pathname === '/wallet/topup/success'")
                #expect(try await page.text("main")?.contains("Payment confirmed: 20.00 USDC") == true)
                try await page.screenshot(to: Self.screenshotDirectory + "/wallet-topup-success.png")
                try await page.click("main a[href='/wallet']")
                try await page.waitFor("document.getElementById('balance')?.innerText === '32.50 USDC'")
                #expect(try await page.text("table")?.contains("Stripe top-up") == true)
            }
        }
    }
}
