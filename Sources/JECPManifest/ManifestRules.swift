import JECPModels
import JECPSchema

/// The publish-time rules of 04 §5–§7 that the JSON Schema cannot express.
///
/// They run on documents that may have failed the schema too, so every lookup is defensive: a rule
/// only judges values of the type it expects and leaves the rest to the schema's report.
enum ManifestRules {
    static func problems(in manifest: JSONValue) -> [ManifestProblem] {
        var problems: [ManifestProblem] = []
        if case .string(let text)? = manifest["version"], SemanticVersion(text) == nil {
            problems.append(.init(instancePath: "/version", schemaPath: ManifestRule.semanticVersion, reason: semverReason(text)))
        }
        var firstIndexOfAction: [String: Int] = [:]
        for (index, action) in (manifest["actions"]?.arrayValue ?? []).enumerated() {
            let path = "/actions/\(index)"
            if case .string(let id)? = action["id"] {
                if let first = firstIndexOfAction[id] {
                    problems.append(
                        .init(
                            instancePath: path + "/id", schemaPath: ManifestRule.uniqueActionID,
                            reason: "duplicate action id '\(id)' (already used by /actions/\(first))"))
                } else {
                    firstIndexOfAction[id] = index
                }
            }
            if case .string(let base)? = action["pricing"]?["base"] {
                if let reason = priceProblem(base) {
                    problems.append(.init(instancePath: path + "/pricing/base", schemaPath: ManifestRule.price, reason: reason))
                }
            }
            for (key, formatAssertion) in [("input_schema", true), ("output_schema", false)] {
                guard let schema = action[key], case .object = schema else { continue }
                for reason in JSONSchemaCheck.problems(schema, formatAssertion: formatAssertion) {
                    problems.append(.init(instancePath: "\(path)/\(key)", schemaPath: ManifestRule.jsonSchema, reason: reason))
                }
            }
            problems += stepProblems(action["composes"]?["steps"], path: path + "/composes/steps")
        }
        if let deprecation = manifest["deprecation"] {
            if case .string(let text)? = deprecation["successor_version"], SemanticVersion(text) == nil {
                problems.append(
                    .init(
                        instancePath: "/deprecation/successor_version", schemaPath: ManifestRule.semanticVersion,
                        reason: semverReason(text)))
            }
            if case .string(let text)? = deprecation["sunset_at"], Timestamps.parseRFC3339(text) == nil {
                problems.append(
                    .init(
                        instancePath: "/deprecation/sunset_at", schemaPath: ManifestRule.timestamp,
                        reason: "'\(text)' is not an RFC 3339 date-time"))
            }
        }
        return problems
    }

    static func semverReason(_ text: String) -> String {
        "'\(text)' is not a semantic version MAJOR.MINOR.PATCH (numbers without leading zeros)"
    }

    /// Zero is allowed: a free action is a legitimate offer, and the ledger handles a zero charge.
    static func priceProblem(_ base: String) -> String? {
        do {
            _ = try Manifest.Action.parsePrice(base)
            return nil
        } catch {
            switch error {
            case .tooManyDecimals: return "'\(base)' has more than 6 decimal places"
            case .outOfRange: return "'\(base)' is too large"
            case .notADecimal: return "'\(base)' is not an amount like \"$0.005\""
            }
        }
    }

    static func stepProblems(_ steps: JSONValue?, path: String) -> [ManifestProblem] {
        var problems: [ManifestProblem] = []
        var firstIndexOfStep: [String: Int] = [:]
        for (index, step) in (steps?.arrayValue ?? []).enumerated() {
            guard case .string(let id)? = step["id"] else { continue }
            if let first = firstIndexOfStep[id] {
                problems.append(
                    .init(
                        instancePath: "\(path)/\(index)/id", schemaPath: ManifestRule.uniqueStepID,
                        reason: "duplicate step id '\(id)' (already used by \(path)/\(first))"))
            } else {
                firstIndexOfStep[id] = index
            }
        }
        return problems
    }

    /// A schema violation as a problem, with a plainer reason where the schema's own is cryptic.
    static func problem(for violation: SchemaViolation) -> ManifestProblem {
        var reason = violation.reason
        if violation.keyword == "not", violation.schemaPath.hasSuffix("/allOf/0/not") {
            reason = "an action must not set both 'composes' and 'streaming': composite actions are not streamable"
        }
        return ManifestProblem(instancePath: violation.instancePath, schemaPath: violation.schemaPath, reason: reason)
    }

    /// Stable sort by instance path, array indices compared numerically (`/actions/2` before `/actions/10`).
    static func sorted(_ problems: [ManifestProblem]) -> [ManifestProblem] {
        problems.enumerated().sorted { lhs, rhs in
            let order = compare(lhs.element.instancePath, rhs.element.instancePath)
            return order != 0 ? order < 0 : lhs.offset < rhs.offset
        }.map(\.element)
    }

    static func compare(_ lhs: String, _ rhs: String) -> Int {
        let left = lhs.split(separator: "/", omittingEmptySubsequences: false)
        let right = rhs.split(separator: "/", omittingEmptySubsequences: false)
        for (a, b) in zip(left, right) where a != b {
            if let x = Int(a), let y = Int(b) { return x < y ? -1 : 1 }
            return a < b ? -1 : 1
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }
}
