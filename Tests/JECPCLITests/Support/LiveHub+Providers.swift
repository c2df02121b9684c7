import Configuration
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension LiveHub {
    /// Test mode (http endpoints on loopback) and, as the Hub's resolver, a loopback port no DNS
    /// server listens on: no lookup leaves the machine, and none finds a record.
    static let providerSettings: [String: ConfigValue] = [
        "jecp.testMode": true,
        "jecp.dnsServers": .init(.string("127.0.0.1:9"), isSecret: false),
    ]

    /// Marks a provider's domain as proven through the operator API, the only way on a Hub without DNS records.
    func markDNSVerified(providerID: String) async throws {
        var request = URLRequest(url: URL(string: "\(url)/admin/v1/providers/\(providerID)")!)
        request.httpMethod = "PATCH"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(Self.adminToken)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"dns_verified": true}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        try #require((response as? HTTPURLResponse)?.statusCode == 200, "dns_verified failed: \(String(decoding: data, as: UTF8.self))")
    }
}
