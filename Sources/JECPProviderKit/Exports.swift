// Handlers take and return `JSONValue`, and manifests use `TrustTier`: a provider should need only
// `import JECPProviderKit`.
@_exported import JECPModels
