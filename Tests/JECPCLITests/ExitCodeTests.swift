import ArgumentParser
import JECPModels
import Testing

@testable import jecp

@Suite struct ExitCodeTests {
    @Test(arguments: [
        ("INVALID_API_KEY", 3), ("AUTH_REQUIRED", 3), ("INSUFFICIENT_TRUST", 3), ("AGENT_SUSPENDED", 3), ("PROVENANCE_MISMATCH", 3),
        ("PAYMENT_REQUIRED", 4), ("INSUFFICIENT_BALANCE", 4), ("INSUFFICIENT_BUDGET", 4), ("MANDATE_EXPIRED", 4),
        ("RATE_LIMITED", 5), ("ROTATION_24H_CAP", 5),
        ("VALIDATION_FAILED", 2), ("INPUT_SCHEMA_VIOLATION", 2), ("CAPABILITY_NOT_FOUND", 2), ("ACTION_NOT_FOUND", 2), ("USAGE_ERROR", 2),
        ("INTERNAL_ERROR", 7), ("PROVIDER_ERROR", 7), ("PROVIDER_TIMEOUT", 7), ("EXECUTION_FAILED", 7), ("SERVICE_DEGRADED", 7),
        ("TIMEOUT", 6), ("NETWORK", 6),
        ("NOT_FOUND", 1), ("CONFIG_ERROR", 1),
    ])
    func mapsEachCode(code: String, expected: Int32) {
        #expect(CLIExitCode.forError(code: code, status: nil).rawValue == expected)
    }

    @Test func everyCatalogCodeHasADeliberateStatus() {
        // New codes added to the catalog must be placed in the table, not fall through by status.
        for code in ErrorCode.allCases {
            let byTable = CLIExitCode.forError(code: code.rawValue, status: nil)
            #expect(byTable != .ok, "\(code.rawValue)")
            if byTable == .other {
                #expect(["NOT_FOUND", "METHOD_NOT_ALLOWED", "AGENT_NOT_FOUND", "ROTATION_RACE", "ARTIFACT_SIGNATURE_INVALID", "ARTIFACT_EXPIRED"]
                    .contains(code.rawValue), "\(code.rawValue) is unmapped")
            }
        }
    }

    @Test func unknownCodesFallBackToTheHTTPStatus() {
        #expect(CLIExitCode.forError(code: "SOMETHING_NEW", status: 402) == .payment)
        #expect(CLIExitCode.forError(code: "SOMETHING_NEW", status: 429) == .rateLimited)
        #expect(CLIExitCode.forError(code: "SOMETHING_NEW", status: 403) == .auth)
        #expect(CLIExitCode.forError(code: "SOMETHING_NEW", status: 503) == .server)
        #expect(CLIExitCode.forError(code: "SOMETHING_NEW", status: 422) == .usage)
        #expect(CLIExitCode.forError(code: "SOMETHING_NEW", status: nil) == .other)
    }

    @Test func helpListsEveryCode() {
        for code in CLIExitCode.allCases { #expect(CLIExitCode.helpText.contains("  \(code.rawValue)  ")) }
        #expect(JECPCommand.helpMessage().contains("EXIT CODES"))
    }
}
