import JECPHubCore
import JECPModels

/// The wallet pages' HTML. Forms post to relative URLs, so the pages work behind any origin.
enum WalletPages {
    static func login(hubName: String, csrf: String, message: String? = nil) -> String {
        let notice = message.map { #"<p class="notice error">\#(HTML.escape($0))</p>"# } ?? ""
        return HTML.page(title: "Sign in", hubName: hubName, body: """
            <section class="card">
            <h1>Sign in to your agent's wallet</h1>
            \(notice)
            <p class="muted">Use the agent id and API key your agent received at registration. The key is only checked, never stored in your browser.</p>
            <form id="login" method="post" action="/wallet/login">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <label for="agent_id">Agent id</label>
            <input type="text" id="agent_id" name="agent_id" autocomplete="username" spellcheck="false" required>
            <label for="api_key">API key</label>
            <input type="password" id="api_key" name="api_key" autocomplete="current-password" required>
            <p><button type="submit">Sign in</button></p>
            </form>
            </section>
            """)
    }

    struct Wallet {
        var hubName: String
        var agent: AgentRecord
        var entries: [WalletEntry]
        var topups: [TopupRecord]
        var refunds: [RefundRecord]
        var amounts: [Int]
        var topupEnabled: Bool
        var csrf: String
        var notice: String?
    }

    static func wallet(_ view: Wallet) -> String {
        let agent = view.agent
        let csrf = HTML.escape(view.csrf)
        let notice = view.notice.map { #"<p class="notice">\#(HTML.escape($0))</p>"# } ?? ""
        let topup: String
        if view.topupEnabled {
            let buttons = view.amounts.map { #"<button type="submit" name="amount" value="\#($0)">Add $\#($0)</button>"# }.joined(separator: "\n")
            topup = """
                <form id="topup" method="post" action="/wallet/topup">
                <input type="hidden" name="csrf" value="\(csrf)">
                <div class="amounts">\(buttons)</div>
                </form>
                <p class="muted">You pay on Stripe's checkout page; the balance rises as soon as Stripe confirms the payment.</p>
                """
        } else {
            topup = #"<p class="notice">Top-up is not enabled on this Hub. The operator enables it by setting <code>STRIPE_SECRET_KEY</code> and <code>STRIPE_WEBHOOK_SECRET</code>.</p>"#
        }
        return HTML.page(title: "Wallet", hubName: view.hubName, body: """
            \(notice)
            <section class="card">
            <div class="row">
            <div><div class="muted">\(HTML.escape(agent.name)) · <code>\(HTML.escape(agent.id))</code></div>
            <div class="balance" id="balance">\(HTML.usdc(agent.balance)) USDC</div></div>
            <form method="post" action="/wallet/logout"><input type="hidden" name="csrf" value="\(csrf)"><button class="quiet" type="submit">Sign out</button></form>
            </div>
            <div class="stats">
            <div><div class="muted">Trust tier</div><strong>\(HTML.escape(agent.tier.rawValue))</strong></div>
            <div><div class="muted">Free calls left</div><strong>\(agent.freeCallsRemaining)</strong></div>
            <div><div class="muted">Successful calls</div><strong>\(agent.totalCalls)</strong></div>
            </div>
            </section>
            <section class="card">
            <h2>Top up</h2>
            \(topup)
            </section>
            \(transactions(view.entries))
            \(topups(view.topups))
            \(refunds(view.refunds))
            """)
    }

    static func transactions(_ entries: [WalletEntry]) -> String {
        let rows = entries.map { entry in
            let what = entry.capability.map { capability in "\(capability)/\(entry.action ?? "")" } ?? entry.memo ?? entry.kind
            return "<tr><td>\(HTML.date(entry.createdAt))</td><td>\(HTML.escape(entry.kind))</td><td>\(HTML.escape(what))</td>"
                + #"<td class="num">\#(HTML.usdc(entry.amount))</td><td class="num">\#(HTML.usdc(entry.balanceAfter))</td></tr>"#
        }
        return section("Recent transactions", empty: "No transactions yet.", header: #"<th>When</th><th>Type</th><th>What</th><th class="num">USDC</th><th class="num">Balance</th>"#,
                       rows: rows)
    }

    static func topups(_ topups: [TopupRecord]) -> String {
        let rows = topups.map { topup in
            "<tr><td>\(HTML.date(topup.createdAt))</td><td>\(HTML.escape(topup.status.rawValue))</td>"
                + #"<td class="num">\#(HTML.usdc(topup.amount))</td></tr>"#
        }
        return section("Recent top-ups", empty: "No top-ups yet.", header: #"<th>Started</th><th>Status</th><th class="num">USD</th>"#, rows: rows)
    }

    static func refunds(_ refunds: [RefundRecord]) -> String {
        let rows = refunds.map { refund in
            let what = refund.capability.map { "\($0)/\(refund.action ?? "")" } ?? refund.transactionID
            return "<tr><td>\(HTML.date(refund.createdAt))</td><td>\(HTML.escape(what))</td><td>\(HTML.escape(refund.status.rawValue))</td>"
                + #"<td class="num">\#(HTML.usdc(refund.amount))</td></tr>"#
        }
        return section("Refunds", empty: "No refund requests.", header: #"<th>Requested</th><th>Call</th><th>Status</th><th class="num">USDC</th>"#, rows: rows)
    }

    private static func section(_ title: String, empty: String, header: String, rows: [String]) -> String {
        let content = rows.isEmpty ? #"<p class="muted">\#(empty)</p>"# : "<table><tr>\(header)</tr>\n\(rows.joined(separator: "\n"))</table>"
        return #"<section class="card"><h2>\#(title)</h2>\#(content)</section>"#
    }

    static func topupSuccess(hubName: String, topup: TopupRecord?) -> String {
        let status: String
        switch topup?.status {
        case .paid?: status = "Payment confirmed: \(HTML.usdc(topup!.amount)) USDC is in your wallet."
        case .open?: status = "Stripe has not confirmed the payment yet; the balance rises as soon as it does (usually within seconds)."
        case .expired?, .failed?: status = "This checkout did not complete (\(topup!.status.rawValue)); nothing was charged."
        case nil: status = "Thank you. The balance rises as soon as Stripe confirms the payment."
        }
        return HTML.page(title: "Top-up", hubName: hubName, body: """
            <section class="card"><h1>Top-up received</h1><p>\(HTML.escape(status))</p><p><a href="/wallet">Back to the wallet</a></p></section>
            """)
    }

    static func topupCancelled(hubName: String) -> String {
        HTML.page(title: "Top-up cancelled", hubName: hubName, body: """
            <section class="card"><h1>Top-up cancelled</h1><p>Nothing was charged.</p><p><a href="/wallet">Back to the wallet</a></p></section>
            """)
    }

    static func problem(hubName: String, title: String, message: String) -> String {
        HTML.page(title: title, hubName: hubName, body: """
            <section class="card"><h1>\(HTML.escape(title))</h1><p class="notice error">\(HTML.escape(message))</p><p><a href="/wallet">Back to the wallet</a></p></section>
            """)
    }
}
