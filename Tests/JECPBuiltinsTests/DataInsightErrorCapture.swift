import Testing
@testable import JECPBuiltins

/// Runs `body`, returning the `DataInsightError` it threw (nil if it did not throw).
func dataInsightError(_ body: () throws -> Void) -> DataInsightError? {
    do {
        try body()
        return nil
    } catch let error as DataInsightError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}
