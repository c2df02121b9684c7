import JECPClient

/// The commented `jecp.yaml` that `jecp provider init` writes: one small action, every field a
/// new provider usually needs, and comments saying what the Hub does with each.
enum ManifestTemplate {
    static let defaultNamespace = "my-provider"
    static let defaultCapability = "text-echo"
    static let defaultEndpoint = "https://api.example.com/jecp"

    static func yaml(namespace: String, capability: String, endpoint: String) -> String {
        // JSON strings are valid YAML scalars: any value, even a malformed one, stays one scalar
        // for the validator to judge.
        func quoted(_ text: String) -> String { JSONValue.string(text).serializedString() }
        let displayName = capability.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        return """
            # JECP provider manifest (spec 04). Check it: jecp provider validate
            # Publish it: jecp provider publish. The Hub refuses a version it already has, so bump
            # `version` with every published change.

            # Your namespace, as registered (jecp provider me).
            namespace: \(quoted(namespace))
            display_name: \(quoted(displayName.count >= 2 ? displayName : capability + " capability"))
            # Unique within the namespace; agents call it as <namespace>/<capability>.
            capability: \(quoted(capability))
            version: 1.0.0
            description: Returns the text it is given. Replace this with what your capability does (at most 500 characters).
            tags: [example]

            # Where the Hub forwards calls: https, on the host of the endpoint_url you registered
            # (that host's DNS is what `jecp provider verify-dns` proves).
            endpoint: \(quoted(endpoint))

            # The Hub signs every call it forwards with your hmac_secret, in this header.
            authentication:
              type: api_key
              header_name: X-JECP-Signature

            actions:
              - id: echo
                name: Echo
                description: Returns the text it is given.
                pricing:
                  base: "$0.001"    # charged per call, in USD terms; at most 6 decimals, "$0" is free
                  currency: USDC
                  model: per_call
                trust_tier_required: bronze    # bronze | silver | gold | platinum
                # JSON Schema 2020-12: the Hub rejects input that does not match, before calling you.
                input_schema:
                  type: object
                  required: [text]
                  additionalProperties: false
                  properties:
                    text: { type: string, maxLength: 1000 }
                output_schema:
                  type: object
                  required: [text]
                  properties:
                    text: { type: string }
                examples:
                  - input: { text: Hello }
                    output: { text: Hello }
                side_effects:
                  external_api_call: false
                  stores_data: false
                  modifies_state: false
                  sends_email: false
                sla:
                  timeout_ms: 30000    # the Hub gives up after this (1000-300000)

            """
    }
}
