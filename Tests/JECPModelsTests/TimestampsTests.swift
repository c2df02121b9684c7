import Foundation
import JECPModels
import Testing

@Suite("Timestamps")
struct TimestampsTests {
    @Test(
        "parseRFC3339 accepts Z, offsets and fractions",
        arguments: [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-12-31T23:59:59Z", 1_798_761_599),
            ("2026-12-31t23:59:59z", 1_798_761_599),
            ("2026-12-31 23:59:59Z", 1_798_761_599),
            ("2026-12-31T23:59:59.123Z", 1_798_761_599),
            ("2026-12-31T23:59:59.999999999Z", 1_798_761_599),
            ("2026-12-31T23:59:59+00:00", 1_798_761_599),
            ("2026-12-31T23:59:59-00:00", 1_798_761_599),
            ("2026-12-31T23:59:59.123+09:00", 1_798_761_599 - 9 * 3600),
            ("2026-01-01T00:00:00-05:30", 1_767_225_600 + 5 * 3600 + 30 * 60),
            ("2026-01-01T05:30:00+05:30", 1_767_225_600),
            ("2026-01-01T00:00:00+23:59", 1_767_225_600 - 23 * 3600 - 59 * 60),
            ("2000-02-29T12:00:00Z", 951_825_600),
            ("2024-02-29T00:00:00Z", 1_709_164_800),
            ("2028-01-01T00:00:00Z", 1_830_297_600),
            ("1994-11-06T08:49:37Z", 784_111_777),
            ("1969-12-31T23:59:59Z", -1),
            // Fractions are dropped toward the past, also before 1970.
            ("1969-12-31T23:59:59.5Z", -1),
            ("1600-03-01T00:00:00Z", -11_670_912_000),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
            // A leap second counts as the last second of its minute.
            ("2016-12-31T23:59:60Z", 1_483_228_799),
        ] as [(String, Int64)]
    )
    func parsesValid(text: String, seconds: Int64) {
        #expect(Timestamps.parseRFC3339(text) == seconds)
    }

    @Test(
        "parseRFC3339 rejects invalid dates and malformed text",
        arguments: [
            "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
            "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z",
            "2026-01-01T00:00:00", "2026-01-01T00:00:00.123", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+0900",
            "2026-01-01T00:00:00+09", "2026-01-01T00:00:00+09:0", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+09:60",
            "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00+09:00 ", " 2026-01-01T00:00:00Z", "2026-1-01T00:00:00Z",
            "2026/01/01T00:00:00Z", "2026-01-01X00:00:00Z", "2026-01-01T00-00-00Z", "2026-01-01", "", "now",
            "2026-01-01T00:00:00UTC", "2026-01-01T00:00:00 Z", "+2026-01-01T00:00:00Z", "2026-0a-01T00:00:00Z",
        ]
    )
    func rejectsInvalid(text: String) {
        #expect(Timestamps.parseRFC3339(text) == nil)
    }

    @Test("isFullDate accepts calendar dates only")
    func fullDates() {
        #expect(Timestamps.isFullDate("2026-06-30"))
        #expect(Timestamps.isFullDate("2024-02-29"))
        #expect(!Timestamps.isFullDate("2026-02-29"))
        #expect(!Timestamps.isFullDate("2026-06-31"))
        #expect(!Timestamps.isFullDate("2026-6-30"))
        #expect(!Timestamps.isFullDate("2026-06-30T00:00:00Z"))
        #expect(!Timestamps.isFullDate(""))
    }

    @Test(
        "rfc3339 renders UTC with a Z",
        arguments: [
            (0, "1970-01-01T00:00:00Z"), (1_798_761_599, "2026-12-31T23:59:59Z"), (951_825_600, "2000-02-29T12:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"), (-86_400, "1969-12-31T00:00:00Z"), (-86_401, "1969-12-30T23:59:59Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"), (1_830_297_600, "2028-01-01T00:00:00Z"),
        ] as [(Int64, String)]
    )
    func rendersRFC3339(seconds: Int64, text: String) {
        #expect(Timestamps.rfc3339(seconds) == text)
    }

    @Test(
        "imfFixdate renders RFC 9110 dates",
        arguments: [
            (1_830_297_600, "Sat, 01 Jan 2028 00:00:00 GMT"),
            (1_793_491_200, "Sun, 01 Nov 2026 00:00:00 GMT"),
            (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (-86_400 * 3, "Mon, 29 Dec 1969 00:00:00 GMT"),
            (951_825_600, "Tue, 29 Feb 2000 12:00:00 GMT"),
            (1_798_761_599, "Thu, 31 Dec 2026 23:59:59 GMT"),
        ] as [(Int64, String)]
    )
    func rendersIMFFixdate(seconds: Int64, text: String) {
        #expect(Timestamps.imfFixdate(seconds) == text)
    }

    @Test("Round trips over random seconds agree with Foundation")
    func randomAgainstFoundation() {
        let utc = ISO8601DateFormatter()
        utc.timeZone = TimeZone(identifier: "UTC")
        let offset = ISO8601DateFormatter()
        offset.timeZone = TimeZone(secondsFromGMT: -(3 * 3600 + 30 * 60))
        let imf = DateFormatter()
        imf.locale = Locale(identifier: "en_US_POSIX")
        imf.timeZone = TimeZone(identifier: "GMT")
        imf.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"

        var generator = SeededGenerator(seed: 3339)
        var samples: [Int64] = [0, -1, 951_782_400, 4_107_542_400, 253_402_300_799]
        // 1900 to 9999: Foundation's calendars agree with the proleptic Gregorian one there.
        for _ in 0..<3_000 { samples.append(Int64.random(in: -2_208_988_800...253_402_300_799, using: &generator)) }
        var failures: [String] = []
        for seconds in samples {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = Timestamps.rfc3339(seconds)
            if text != utc.string(from: date) { failures.append("rfc3339(\(seconds)) = \(text), Foundation \(utc.string(from: date))") }
            if Timestamps.parseRFC3339(text) != seconds { failures.append("parse(\(text)) != \(seconds)") }
            let shifted = offset.string(from: date)
            if Timestamps.parseRFC3339(shifted) != seconds { failures.append("parse(\(shifted)) != \(seconds)") }
            if utc.date(from: text) != date { failures.append("Foundation cannot read \(text)") }
            let fixdate = Timestamps.imfFixdate(seconds)
            if fixdate != imf.string(from: date) { failures.append("imfFixdate(\(seconds)) = \(fixdate), Foundation \(imf.string(from: date))") }
            if failures.count >= 5 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("now() is the current unix second")
    func now() {
        let before = Int64(Date().timeIntervalSince1970.rounded(.down))
        let now = Timestamps.now()
        let after = Int64(Date().timeIntervalSince1970.rounded(.down))
        #expect(before <= now && now <= after)
    }
}
