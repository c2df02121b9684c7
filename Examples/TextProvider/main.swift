// jecp-example-provider — a small, real JECP provider built on JECPProviderKit.
//
// Serve (the Hub signs every call with the HMAC secret it issued for this provider):
//
//     JECP_PROVIDER_SECRET=… [HOST=127.0.0.1] [PORT=8090] [JECP_PROVIDER_PATH=/jecp] \
//         swift run jecp-example-provider
//
// PORT=0 picks a free port. Once the socket is open it prints exactly one line to stdout,
// `jecp-example-provider listening on <host>:<port>` (logs go to stderr). Calls arrive as
// `POST <path>`; `GET|POST <path>/health` answers {"status":"ok"} unsigned.
//
// Print the manifest to publish for it (JSON; the schema wants an https endpoint):
//
//     swift run jecp-example-provider manifest --namespace acme --endpoint https://text.acme.dev/jecp \
//         [--capability text-tools] [--version 1.0.0]
//
// Actions: word-count, reverse-words, spell-out (streaming), render-label (a PNG). See TextTools.swift.
import Foundation
import Hummingbird
import JECPProviderKit

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("jecp-example-provider: \(message)\n".utf8))
    exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "manifest" {
    var options: [String: String] = [:]
    var rest = arguments.dropFirst()
    while let flag = rest.popFirst() {
        guard ["--namespace", "--endpoint", "--capability", "--version"].contains(flag), let value = rest.popFirst() else {
            fail("usage: jecp-example-provider manifest --namespace NS --endpoint URL [--capability text-tools] [--version 1.0.0]", code: 64)
        }
        options[String(flag.dropFirst(2))] = value
    }
    guard let namespace = options["namespace"], let endpoint = options["endpoint"] else {
        fail("manifest needs --namespace and --endpoint", code: 64)
    }
    let manifest = TextTools.manifest(namespace: namespace, endpoint: endpoint,
                                      capability: options["capability"] ?? "text-tools", version: options["version"] ?? "1.0.0")
    FileHandle.standardOutput.write(try manifest.jsonData(prettyPrinted: true) + Data("\n".utf8))
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
guard let secret = environment["JECP_PROVIDER_SECRET"], !secret.isEmpty else { fail("set JECP_PROVIDER_SECRET", code: 64) }
guard let port = Int(environment["PORT"] ?? "8090"), (0...65_535).contains(port) else { fail("PORT must be 0–65535", code: 64) }
let app = TextTools.provider(secret: secret).application(
    host: environment["HOST"] ?? "127.0.0.1", port: port, path: environment["JECP_PROVIDER_PATH"] ?? "/jecp"
) { host, port in
    // Unbuffered, so a parent process reading our stdout sees the line at once.
    FileHandle.standardOutput.write(Data("jecp-example-provider listening on \(host):\(port)\n".utf8))
}
try await app.runService()
