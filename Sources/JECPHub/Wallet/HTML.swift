import Foundation
import JECPModels

/// The little HTML the wallet pages need: escaping and one layout. Every dynamic value goes
/// through ``escape(_:)``; the pages carry no script at all.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// An amount with at least two decimals: `5.00`, `0.005`, `-0.01`.
    static func usdc(_ amount: Money) -> String {
        var text = amount.decimalString
        if let dot = text.firstIndex(of: ".") {
            if text.distance(from: dot, to: text.endIndex) == 2 { text += "0" }
        } else {
            text += ".00"
        }
        return text
    }

    static func date(_ seconds: Int64) -> String {
        let text = Timestamps.rfc3339(seconds)
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// A whole page. `title` and `hubName` are escaped here; `body` is already HTML.
    static func page(title: String, hubName: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>\(escape(title)) · \(escape(hubName))</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><a class="brand" href="/wallet">\(escape(hubName))</a><span class="where">Wallet</span></header>
        <main>
        \(body)
        </main>
        <footer>Balances are in USDC; top-ups are charged in USD at 1:1.</footer>
        </body>
        </html>
        """
    }

    /// The security headers of every wallet page: no script, no framing, no caching. (No
    /// `form-action`: browsers apply it to the top-up form's redirect to Stripe's checkout origin.)
    static let headers: [(name: String, value: String)] = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "no-store"),
    ]

    static let style = """
        *{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f6fa}\
        header{display:flex;gap:12px;align-items:baseline;padding:14px 24px;background:#1d2330;color:#fff}\
        header .brand{color:#fff;font-weight:600;text-decoration:none}header .where{color:#aab3c5}\
        main{max-width:760px;margin:24px auto;padding:0 16px}footer{max-width:760px;margin:24px auto;padding:0 16px;color:#6b7487;font-size:13px}\
        .card{background:#fff;border:1px solid #dde2ec;border-radius:10px;padding:20px 22px;margin-bottom:18px}\
        h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:0 0 10px}\
        label{display:block;font-weight:600;margin:12px 0 4px}input[type=text],input[type=password]{width:100%;padding:9px 10px;border:1px solid #c4cbd8;border-radius:6px;font:inherit}\
        button{font:inherit;padding:9px 16px;border-radius:6px;border:1px solid #2f5bd3;background:#2f5bd3;color:#fff;cursor:pointer}\
        button.quiet{background:#fff;color:#2f5bd3}.amounts{display:flex;gap:10px;flex-wrap:wrap}\
        .row{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}\
        .balance{font-size:34px;font-weight:700}.muted{color:#6b7487}.stats{display:flex;gap:28px;margin-top:6px}\
        .notice{padding:10px 14px;border-radius:6px;background:#eef3ff;border:1px solid #c9d6fb;margin-bottom:14px}\
        .error{background:#fdeeee;border-color:#f3c3c3}table{width:100%;border-collapse:collapse;font-size:14px}\
        th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #edf0f5}td.num{text-align:right;font-variant-numeric:tabular-nums}\
        code{font-size:13px;background:#f0f2f6;padding:1px 4px;border-radius:4px}
        """
}
