import JECPModels

/// A ledger account. Entries carry both the account and its class so summaries group without
/// parsing names.
///
/// Sign convention: an entry's amount is what the account gained; every transaction's entries
/// sum to zero. External funding therefore goes negative by exactly what came into the Hub.
public struct LedgerAccount: Sendable, Hashable, CustomStringConvertible {
    public enum Class: String, Sendable, CaseIterable, Codable {
        case wallet
        case providerPayable = "provider_payable"
        case hubFees = "hub_fees"
        case paymentFees = "payment_fees"
        case externalFunding = "external_funding"
    }

    public let name: String
    public let accountClass: Class

    public init(name: String, accountClass: Class) {
        self.name = name
        self.accountClass = accountClass
    }

    public static func wallet(_ agentID: String) -> LedgerAccount { .init(name: "wallet:\(agentID)", accountClass: .wallet) }
    public static func provider(_ namespace: String) -> LedgerAccount { .init(name: "provider:\(namespace)", accountClass: .providerPayable) }
    public static let hubFees = LedgerAccount(name: "hub:fees", accountClass: .hubFees)
    public static let paymentFees = LedgerAccount(name: "hub:payment_processing", accountClass: .paymentFees)
    public static let operatorFunding = LedgerAccount(name: "external:operator", accountClass: .externalFunding)
    public static let stripeFunding = LedgerAccount(name: "external:stripe", accountClass: .externalFunding)

    public var description: String { name }
}
