import JECPHubCore
import JECPModels

/// JSON renderings of the capability catalog (spec 05 §6–7).
enum CatalogDocuments {
    static func action(_ action: ActionDescriptor, full: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(action.name),
            "description": .string(action.description),
            "price_usdc": action.price.json,
            "payment_methods": ["stripe"],
            "trust_tier_required": .string(action.trustTierRequired.rawValue),
            "streaming": .bool(action.streaming),
            "input_schema": action.inputSchema,
            "output_schema": action.outputSchema,
        ]
        if let limit = action.rateLimitPerMinute { object["rate_limit_rpm"] = .number(JSONNumber(limit)) }
        let artifacts = ArtifactField.fields(in: action.outputSchema)
        if !artifacts.isEmpty {
            // With delivery.format = url each listed property arrives as `<name>_url` instead.
            object["artifacts"] = .array(artifacts.map { field in
                ["path": .string("/" + field.path.joined(separator: "/")), "media_type": .string(field.mediaType), "url_field": .string(field.urlKey)]
            })
        }
        if full { object["examples"] = .array(action.examples) }
        if let composes = action.composes { object["composes"] = composes.json }
        if let deprecation = action.deprecation {
            object["deprecation"] = ["sunset_at": .string(Timestamps.rfc3339(deprecation.sunsetAt)),
                                     "successor": deprecation.successor.map { .string($0) } ?? .null]
        }
        return .object(object)
    }

    static func capability(_ entry: CapabilityCatalog.Entry, full: Bool, settings: HubSettings) -> JSONValue {
        let descriptor = entry.descriptor
        var object: [String: JSONValue] = [
            "id": .string(entry.id),
            "name": .string(descriptor.name),
            "provider": .string(entry.namespace),
            "display_name": .string(descriptor.displayName),
            "description": .string(descriptor.description),
            "version": .string(descriptor.version),
            "tags": .array(descriptor.tags.map { .string($0) }),
            "actions": .array(descriptor.actions.map { action($0, full: full) }),
            "trust_tier_required": .string(descriptor.trustTierRequired.rawValue),
            "rate_limit_rpm": .number(JSONNumber(descriptor.trustTierRequired.rateLimitPerMinute)),
        ]
        let published = entry.namespace != settings.operatorNamespace
        if published {
            object["manifest_url"] = .string(settings.url("/v1/manifests/\(entry.namespace)/\(descriptor.name)/\(descriptor.version)"))
        } else if full {
            object["manifest_url"] = .null
        }
        if full { object["deprecation"] = .null }
        return .object(object)
    }
}
