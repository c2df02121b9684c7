// SDK users get JSONValue, JSONNumber, Money, TrustTier, Provenance and ErrorCode with one import.
@_exported import JECPModels
