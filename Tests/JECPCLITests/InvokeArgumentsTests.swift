import ArgumentParser
import JECPClient
import Testing

@testable import jecp

@Suite struct InvokeArgumentsTests {
    @Test func capabilityAsOneOrTwoWords() throws {
        let two = try Invoke.parse(["hub/document-pipeline", "generate-invoice"])
        #expect(two.capabilityID == "hub/document-pipeline")
        #expect(two.action == "generate-invoice")
        let three = try Invoke.parse(["hub", "document-pipeline", "generate-invoice"])
        #expect(three.capabilityID == "hub/document-pipeline")
        #expect(three.action == "generate-invoice")
        #expect(throws: (any Error).self) { try Invoke.parse(["only-one"]) }
        #expect(throws: (any Error).self) { try Invoke.parse(["a", "b", "c", "d"]) }
    }

    @Test func mandateFromBudgetAndExpiry() throws {
        #expect(try Invoke.parse(["hub/x", "y"]).mandate() == nil)
        let mandate = try #require(try Invoke.parse(["hub/x", "y", "--budget", "0.01", "--expires-in", "5m"]).mandate())
        #expect(mandate.budget == Money(micros: 10_000))
        #expect(mandate.includeProvenance)
        for budget in ["0", "abc", "0.0000001", "-1"] {
            let error = #expect(throws: CLIFailure.self) { try Invoke.parse(["hub/x", "y", "--budget=\(budget)"]).mandate() }
            #expect(error?.exitCode == .usage, "\(budget)")
        }
    }

    @Test func requestIDsAreFreshAndWellFormed() {
        let first = Invoke.newRequestID()
        #expect(first.hasPrefix("req_") && first.count == 28)
        #expect(first != Invoke.newRequestID())
    }
}
