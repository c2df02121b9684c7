extension ProviderManifest {
    /// How the Hub authenticates its calls; v1.0 knows only the HMAC-signed `api_key` scheme.
    public struct Authentication: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            case apiKey = "api_key"
        }

        public var type: Kind
        /// The header carrying the signature; the Hub's default is `X-JECP-Signature`.
        public var headerName: String?

        public init(type: Kind = .apiKey, headerName: String? = nil) {
            self.type = type
            self.headerName = headerName
        }

        enum CodingKeys: String, CodingKey {
            case type
            case headerName = "header_name"
        }
    }

    public struct Compliance: Codable, Sendable, Equatable {
        public enum PIIHandling: String, Codable, Sendable, CaseIterable {
            case processOnlyNoStore = "process_only_no_store"
            case storeWithConsent = "store_with_consent"
        }

        public var piiHandling: PIIHandling?
        public var gdprCompliant: Bool?
        /// Regions such as `EU`, `US`, `JP`.
        public var dataResidency: [String]?

        public init(piiHandling: PIIHandling? = nil, gdprCompliant: Bool? = nil, dataResidency: [String]? = nil) {
            self.piiHandling = piiHandling
            self.gdprCompliant = gdprCompliant
            self.dataResidency = dataResidency
        }

        enum CodingKeys: String, CodingKey {
            case piiHandling = "pii_handling"
            case gdprCompliant = "gdpr_compliant"
            case dataResidency = "data_residency"
        }
    }

    public struct Billing: Codable, Sendable, Equatable {
        public var payoutCurrency: String?
        public var stripeConnectRequired: Bool?

        public init(payoutCurrency: String? = nil, stripeConnectRequired: Bool? = nil) {
            self.payoutCurrency = payoutCurrency
            self.stripeConnectRequired = stripeConnectRequired
        }

        enum CodingKeys: String, CodingKey {
            case payoutCurrency = "payout_currency"
            case stripeConnectRequired = "stripe_connect_required"
        }
    }

    public struct Deprecation: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable, CaseIterable {
            case active, deprecated, sunset
        }

        public var status: Status?
        /// RFC 3339; required unless the status is `active`.
        public var sunsetAt: String?
        public var successorVersion: String?

        public init(status: Status? = nil, sunsetAt: String? = nil, successorVersion: String? = nil) {
            self.status = status
            self.sunsetAt = sunsetAt
            self.successorVersion = successorVersion
        }

        enum CodingKeys: String, CodingKey {
            case status
            case sunsetAt = "sunset_at"
            case successorVersion = "successor_version"
        }
    }
}
