import JECPModels

extension CapabilityCatalog {
    /// Publish-time rules of spec 04 §5.2.3–5.2.7 for every composite in the catalog: each step
    /// names an existing, non-composite action; the composite's tier is at least every step's; and
    /// the steps' worst-case cost fits in the provider's 85% share of the composite's price.
    func validateComposites() throws(CatalogError) {
        for entry in entries {
            for descriptor in entry.descriptor.actions {
                guard let composes = descriptor.composes else { continue }
                let name = "\(entry.descriptor.name)/\(descriptor.name)"
                var stepCost = Money.zero
                for step in composes.steps {
                    guard case .success(let target) = resolve(step.call), let action = target.actions[step.action] else {
                        throw CatalogError(message: "\(name): step '\(step.id)' calls \(step.call)/\(step.action), which does not exist")
                    }
                    guard action.descriptor.composes == nil else {
                        throw CatalogError(message: "\(name): step '\(step.id)' calls the composite \(step.call)/\(step.action) (max_depth is 1)")
                    }
                    guard action.descriptor.trustTierRequired <= descriptor.trustTierRequired else {
                        throw CatalogError(message: "\(name): needs at least \(action.descriptor.trustTierRequired.rawValue) for step '\(step.id)'")
                    }
                    stepCost = Money(micros: stepCost.micros + action.descriptor.price.micros)
                }
                guard stepCost.micros * 100 <= descriptor.price.micros * 85 else {
                    throw CatalogError(message: "\(name): its steps cost \(stepCost), more than 85% of its price \(descriptor.price)")
                }
            }
        }
    }
}
