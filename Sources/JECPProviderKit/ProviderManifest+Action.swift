import Foundation
import JECPModels

extension ProviderManifest {
    /// One action of the capability.
    public struct Action: Codable, Sendable, Equatable {
        public typealias Pricing = ProviderManifest.Pricing
        public typealias Sla = ProviderManifest.Sla
        public typealias SideEffects = ProviderManifest.SideEffects
        public typealias Example = ProviderManifest.Example
        public typealias Composes = ProviderManifest.Composes

        /// `^[a-z][a-z0-9-]{2,63}$`, the `action` the Hub sends.
        public var id: String
        public var name: String?
        /// At most 300 characters.
        public var description: String
        /// The action answers with server-sent events (cannot be combined with `composes`).
        public var streaming: Bool?
        public var pricing: Pricing
        public var trustTierRequired: TrustTier?
        /// Requests per minute; 0 means the Hub's default.
        public var rateLimitRPM: Int?
        /// JSON Schema 2020-12 for the input; the Hub validates every call against it.
        public var inputSchema: JSONValue
        public var outputSchema: JSONValue
        public var examples: [Example]?
        public var sideEffects: SideEffects?
        public var sla: Sla?
        /// Makes the action a server-side workflow over other capabilities (spec 04 §5.2).
        public var composes: Composes?

        public init(
            id: String, name: String? = nil, description: String, streaming: Bool? = nil, pricing: Pricing,
            trustTierRequired: TrustTier? = nil, rateLimitRPM: Int? = nil, inputSchema: JSONValue, outputSchema: JSONValue,
            examples: [Example]? = nil, sideEffects: SideEffects? = nil, sla: Sla? = nil, composes: Composes? = nil
        ) {
            self.id = id
            self.name = name
            self.description = description
            self.streaming = streaming
            self.pricing = pricing
            self.trustTierRequired = trustTierRequired
            self.rateLimitRPM = rateLimitRPM
            self.inputSchema = inputSchema
            self.outputSchema = outputSchema
            self.examples = examples
            self.sideEffects = sideEffects
            self.sla = sla
            self.composes = composes
        }

        enum CodingKeys: String, CodingKey {
            case id, name, description, streaming, pricing, examples, sla, composes
            case trustTierRequired = "trust_tier_required"
            case rateLimitRPM = "rate_limit_rpm"
            case inputSchema = "input_schema"
            case outputSchema = "output_schema"
            case sideEffects = "side_effects"
        }
    }

    public struct Pricing: Codable, Sendable, Equatable {
        public enum Model: String, Codable, Sendable, CaseIterable {
            case flat
            case perCall = "per_call"
            case perToken = "per_token"
            case perChunk = "per_chunk"
            case perSecond = "per_second"
            case tiered
        }

        /// The up-front charge as a USD literal, e.g. `"$0.005"`.
        public var base: String
        /// ISO 4217 (`USD`), a crypto code (`USDC`) or the legacy `both`.
        public var currency: String
        public var model: Model
        // Exact decimals (Decimal, not Double) so a rate is published exactly as written.
        public var inputPerTokenUSDC: Decimal?
        public var outputPerTokenUSDC: Decimal?
        public var perChunkUSDC: Decimal?
        public var audioPerSecondUSDC: Decimal?

        public init(
            base: String, currency: String = "USDC", model: Model = .perCall, inputPerTokenUSDC: Decimal? = nil,
            outputPerTokenUSDC: Decimal? = nil, perChunkUSDC: Decimal? = nil, audioPerSecondUSDC: Decimal? = nil
        ) {
            self.base = base
            self.currency = currency
            self.model = model
            self.inputPerTokenUSDC = inputPerTokenUSDC
            self.outputPerTokenUSDC = outputPerTokenUSDC
            self.perChunkUSDC = perChunkUSDC
            self.audioPerSecondUSDC = audioPerSecondUSDC
        }

        enum CodingKeys: String, CodingKey {
            case base, currency, model
            case inputPerTokenUSDC = "input_per_token_usdc"
            case outputPerTokenUSDC = "output_per_token_usdc"
            case perChunkUSDC = "per_chunk_usdc"
            case audioPerSecondUSDC = "audio_per_second_usdc"
        }
    }

    public struct Sla: Codable, Sendable, Equatable {
        public var latencyP95Ms: Int?
        /// The Hub's hard timeout for one call, 1 000–300 000 ms (default 30 000).
        public var timeoutMs: Int?

        public init(latencyP95Ms: Int? = nil, timeoutMs: Int? = nil) {
            self.latencyP95Ms = latencyP95Ms
            self.timeoutMs = timeoutMs
        }

        enum CodingKeys: String, CodingKey {
            case latencyP95Ms = "latency_p95_ms"
            case timeoutMs = "timeout_ms"
        }
    }

    public struct SideEffects: Codable, Sendable, Equatable {
        public var externalAPICall: Bool?
        public var storesData: Bool?
        public var modifiesState: Bool?
        public var sendsEmail: Bool?

        public init(externalAPICall: Bool? = nil, storesData: Bool? = nil, modifiesState: Bool? = nil, sendsEmail: Bool? = nil) {
            self.externalAPICall = externalAPICall
            self.storesData = storesData
            self.modifiesState = modifiesState
            self.sendsEmail = sendsEmail
        }

        enum CodingKeys: String, CodingKey {
            case externalAPICall = "external_api_call"
            case storesData = "stores_data"
            case modifiesState = "modifies_state"
            case sendsEmail = "sends_email"
        }
    }

    /// A canonical input and what the action returns for it, shown in the catalog.
    public struct Example: Codable, Sendable, Equatable {
        public var input: JSONValue
        public var output: JSONValue?

        public init(input: JSONValue, output: JSONValue? = nil) {
            self.input = input
            self.output = output
        }
    }

    /// A composite action's workflow (spec 04 §5.2).
    public struct Composes: Codable, Sendable, Equatable {
        public enum OnStepFailure: String, Codable, Sendable, CaseIterable {
            case rollback
            case `continue`
        }

        /// One call of the workflow; `input` may hold `${input.…}` and `${<step>.…}` templates.
        public struct Step: Codable, Sendable, Equatable {
            public var id: String
            /// `namespace/capability`.
            public var call: String
            public var action: String
            public var input: JSONValue

            public init(id: String, call: String, action: String, input: JSONValue) {
                self.id = id
                self.call = call
                self.action = action
                self.input = input
            }
        }

        /// v1.0 allows only 1.
        public var maxDepth: Int?
        public var onStepFailure: OnStepFailure?
        public var timeoutTotalMs: Int?
        /// 1 to 8 steps, run in order.
        public var steps: [Step]

        public init(maxDepth: Int? = nil, onStepFailure: OnStepFailure? = nil, timeoutTotalMs: Int? = nil, steps: [Step]) {
            self.maxDepth = maxDepth
            self.onStepFailure = onStepFailure
            self.timeoutTotalMs = timeoutTotalMs
            self.steps = steps
        }

        enum CodingKeys: String, CodingKey {
            case steps
            case maxDepth = "max_depth"
            case onStepFailure = "on_step_failure"
            case timeoutTotalMs = "timeout_total_ms"
        }
    }
}
