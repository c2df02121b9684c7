import Foundation
import JECPManifest
import JECPModels

/// Publishing and retiring manifests (spec 04 §6.1, §7, §8.4, §8.5).
public struct ManifestService<Store: HubStore>: Sendable {
    let store: Store
    let catalog: CapabilityCatalog
    let settings: HubSettings
    let transport: any ProviderTransport
    let parser: ManifestParser
    let catalogChanged: @Sendable () async -> Void

    public init(store: Store, catalog: CapabilityCatalog, settings: HubSettings, transport: any ProviderTransport,
                catalogChanged: @escaping @Sendable () async -> Void) {
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.transport = transport
        self.parser = ManifestParser(allowHTTPEndpoint: settings.testMode)
        self.catalogChanged = catalogChanged
    }

    /// `POST /v1/manifests` (YAML or JSON). 201 with the manifest's status: `active` when the
    /// provider's domain is proven, `submitted` until then.
    public func publish(_ provider: ProviderRecord, body: [UInt8], contentType: String?, now: Int64) async throws(JECPError) -> JSONValue {
        let manifest: Manifest
        do {
            manifest = try parser.parse(body, contentType: contentType)
        } catch {
            switch error {
            case .tooLarge(let bytes, let limit):
                throw JECPError(.manifestTooLarge, "The manifest is \(bytes) bytes; the limit is \(limit) (spec 04 §4.4).",
                                details: ["size_bytes": .number(JSONNumber(bytes)), "limit_bytes": .number(JSONNumber(limit))])
            case .syntax(let message):
                throw JECPError(.validationFailed, "The manifest is not valid YAML or JSON: \(message)",
                                details: ["errors": [["instance_path": "", "schema_path": "", "reason": .string(message)]]])
            case .invalid(let problems):
                throw Self.invalid(problems)
            }
        }
        guard manifest.namespace == provider.namespace else {
            throw JECPError(.namespaceMismatch, "The manifest's namespace '\(manifest.namespace)' is not yours ('\(provider.namespace)').",
                            details: ["namespace": .string(manifest.namespace), "expected": .string(provider.namespace)])
        }
        try await transport.vet(url: manifest.endpoint, field: "endpoint")
        let endpointHost = ProviderService<Store>.host(of: manifest.endpoint)
        guard let provenHost = ProviderService<Store>.host(of: provider.endpointURL), endpointHost == provenHost else {
            throw Self.invalid([ManifestProblem(instancePath: "/endpoint", schemaPath: "",
                                                reason: "must be on \(ProviderService<Store>.host(of: provider.endpointURL) ?? "the registered host"), the host whose DNS you prove (spec 04 §6.1.6)")])
        }
        try checkComposites(manifest)

        let status: ManifestStatus
        if !provider.dnsVerified || provider.status == .suspended {
            status = .submitted
        } else if let block = manifest.deprecation, block.status != "active" {
            status = block.status == "sunset" ? .sunset : .deprecated
        } else {
            status = .active
        }
        var document: [UInt8] = []
        manifest.raw.write(into: &document)
        let record = ManifestRecord(id: "man_" + ProviderService<Store>.randomHex(bytes: 12), providerID: provider.id, namespace: manifest.namespace,
                                    capability: manifest.capability, version: manifest.version.description, status: status, document: document,
                                    createdAt: now, updatedAt: now)
        do {
            try await store.insertManifest(record)
        } catch .nameTaken {
            throw JECPError(.manifestVersionExists, "\(manifest.namespace)/\(manifest.capability)@\(manifest.version) is already published; bump the version.",
                            details: ["capability": .string("\(manifest.namespace)/\(manifest.capability)"), "version": .string(manifest.version.description)])
        } catch {
            throw HubErrors.storeUnavailable(error)
        }
        if status != .submitted { await catalogChanged() }
        var response = json(record)
        if case .object(var object) = response, status == .submitted {
            object["message"] = .string(provider.status == .suspended
                ? "Stored, but not served: this provider is suspended."
                : "Stored; it goes active as soon as your domain is verified (POST /v1/providers/verify-dns).")
            response = .object(object)
        }
        return response
    }

    /// `GET /v1/manifests`: everything the caller ever published, newest first.
    public func list(_ provider: ProviderRecord) async throws(JECPError) -> JSONValue {
        let records = try await withStore { try await store.manifests(namespace: provider.namespace) }
        return ["namespace": .string(provider.namespace), "manifests": .array(records.map(json))]
    }

    /// `GET /v1/manifests/{namespace}/{capability}/{version}`: a published manifest as published.
    public func document(namespace: String, capability: String, version: String) async throws(JECPError) -> [UInt8] {
        let records = try await withStore { try await store.manifests(namespace: namespace) }
        guard let record = records.first(where: { $0.capability == capability && $0.version == version && $0.status != .submitted }) else {
            throw JECPError(.manifestNotFound, "No published manifest \(namespace)/\(capability)@\(version).")
        }
        return record.document
    }

    /// `DELETE /v1/manifests/{namespace}/{capability}/{version}`: sunset now; calls answer 410 from here on.
    public func sunset(_ provider: ProviderRecord, namespace: String, capability: String, version: String, now: Int64) async throws(JECPError) -> JSONValue {
        guard namespace == provider.namespace else {
            throw JECPError(.namespaceMismatch, "'\(namespace)' is not your namespace ('\(provider.namespace)').",
                            details: ["namespace": .string(namespace), "expected": .string(provider.namespace)])
        }
        guard let record = try await withStore({
            try await store.setManifestStatus(namespace: provider.namespace, capability: capability, version: version, status: .sunset, now: now)
        }) else {
            throw JECPError(.manifestNotFound, "You have no manifest \(provider.namespace)/\(capability)@\(version).",
                            details: ["capability": .string(capability), "version": .string(version)])
        }
        await catalogChanged()
        return json(record)
    }

    func json(_ record: ManifestRecord) -> JSONValue {
        [
            "id": .string(record.id),
            "namespace": .string(record.namespace),
            "capability": .string(record.capability),
            "full_id": .string("\(record.namespace)/\(record.capability)"),
            "version": .string(record.version),
            "status": .string(record.status.rawValue),
            "manifest_url": .string(settings.url("/v1/manifests/\(record.namespace)/\(record.capability)/\(record.version)")),
            "created_at": .string(Timestamps.rfc3339(record.createdAt)),
            "updated_at": .string(Timestamps.rfc3339(record.updatedAt)),
        ]
    }

    static func invalid(_ problems: [ManifestProblem]) -> JECPError {
        JECPError(.validationFailed, "The manifest has \(problems.count) error(s).",
                  details: ["errors": .array(problems.prefix(100).map { problem in
                      ["instance_path": .string(problem.instancePath), "schema_path": .string(problem.schemaPath), "reason": .string(problem.reason)]
                  })])
    }

    /// Publish-time composite rules (spec 04 §5.2.3–§5.2.7): every step names an existing action
    /// that is not itself a composite (depth 1), the composite's tier covers every step's, and the
    /// steps' worst-case cost fits in 85% of the composite's price.
    func checkComposites(_ manifest: Manifest) throws(JECPError) {
        var problems: [ManifestProblem] = []
        for (index, action) in manifest.actions.enumerated() {
            guard let composes = action.composes else { continue }
            var cost = Money.zero
            for (stepIndex, step) in composes.steps.enumerated() {
                let path = "/actions/\(index)/composes/steps/\(stepIndex)"
                if step.call == "\(manifest.namespace)/\(manifest.capability)" {
                    guard let target = manifest.actions.first(where: { $0.id == step.action }) else {
                        problems.append(ManifestProblem(instancePath: path + "/action", schemaPath: "", reason: "\(step.call) has no action '\(step.action)' in this manifest"))
                        continue
                    }
                    if target.composes != nil { throw Self.depthExceeded(step: step.id, call: "\(step.call)/\(step.action)") }
                    if target.trustTierRequired > action.trustTierRequired {
                        problems.append(ManifestProblem(instancePath: "/actions/\(index)/trust_tier_required", schemaPath: "",
                                                        reason: "must be at least \(target.trustTierRequired.rawValue), the tier of step '\(step.id)'"))
                    }
                    cost = cost + target.price
                    continue
                }
                guard case .success(let entry) = catalog.resolve(step.call), let target = entry.actions[step.action] else {
                    problems.append(ManifestProblem(instancePath: path, schemaPath: "", reason: "\(step.call)/\(step.action) is not a published action on this Hub"))
                    continue
                }
                if target.descriptor.composes != nil { throw Self.depthExceeded(step: step.id, call: "\(step.call)/\(step.action)") }
                if target.descriptor.trustTierRequired > action.trustTierRequired {
                    problems.append(ManifestProblem(instancePath: "/actions/\(index)/trust_tier_required", schemaPath: "",
                                                    reason: "must be at least \(target.descriptor.trustTierRequired.rawValue), the tier of step '\(step.id)'"))
                }
                cost = cost + target.descriptor.price
            }
            if cost.micros * 100 > action.price.micros * 85 {
                problems.append(ManifestProblem(instancePath: "/actions/\(index)/pricing/base", schemaPath: "",
                                                reason: "the steps cost up to \(cost) USDC, more than 85% of the composite's price \(action.price)"))
            }
        }
        if !problems.isEmpty { throw Self.invalid(problems) }
    }

    static func depthExceeded(step: String, call: String) -> JECPError {
        var error = JECPError(.compositeDepthExceeded, "Step '\(step)' calls the composite \(call); JECP v1.0 allows composites of depth 1 only.",
                              details: ["failed_step_id": .string(step), "call": .string(call), "max_depth": 1])
        error.statusOverride = 422
        return error
    }
}
