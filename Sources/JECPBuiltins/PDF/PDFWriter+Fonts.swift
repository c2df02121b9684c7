import Foundation

/// The two standard Type1 fonts the writer uses. Standard-14 fonts need no embedding,
/// so every PDF reader can display them; the price is that text must be WinAnsi.
enum PDFFont: Sendable, CaseIterable {
    case helvetica, helveticaBold

    /// Resource name used in content streams (`/F1 10 Tf`).
    var resourceName: String { self == .helvetica ? "F1" : "F2" }
    var baseFont: String { self == .helvetica ? "Helvetica" : "Helvetica-Bold" }

    /// Advance widths in 1/1000 em for WinAnsi codes 32...255.
    private var widths: [UInt16] { self == .helvetica ? Self.helveticaWidths : Self.helveticaBoldWidths }

    /// Width of already-encoded WinAnsi bytes at `size` points (no kerning; PDF viewers
    /// do not apply AFM kerning to `Tj` either, so this matches what is drawn).
    func width(ofEncoded bytes: [UInt8], size: Double) -> Double {
        let table = widths
        var units = 0
        for b in bytes where b >= 32 { units += Int(table[Int(b) - 32]) }
        return Double(units) * size / 1000
    }

    func width(of text: String, size: Double) -> Double {
        width(ofEncoded: WinAnsi.encode(text), size: size)
    }

    // Generated from Adobe's Helvetica / Helvetica-Bold AFM files (version 003.001),
    // glyphs mapped through the WinAnsiEncoding table of PDF 1.7 Annex D.
    // Codes WinAnsi leaves undefined (127, 129, 141, 143, 144, 157) use the bullet width.
    static let helveticaWidths: [UInt16] = [
         278,  278,  355,  556,  556,  889,  667,  191,  333,  333,  389,  584,  278,  333,  278,  278,  // 32-47
         556,  556,  556,  556,  556,  556,  556,  556,  556,  556,  278,  278,  584,  584,  584,  556,  // 48-63
        1015,  667,  667,  722,  722,  667,  611,  778,  722,  278,  500,  667,  556,  833,  722,  778,  // 64-79
         667,  778,  722,  667,  611,  722,  667,  944,  667,  667,  611,  278,  278,  278,  469,  556,  // 80-95
         333,  556,  556,  500,  556,  556,  278,  556,  556,  222,  222,  500,  222,  833,  556,  556,  // 96-111
         556,  556,  333,  500,  278,  556,  500,  722,  500,  500,  500,  334,  260,  334,  584,  350,  // 112-127
         556,  350,  222,  556,  333, 1000,  556,  556,  333, 1000,  667,  333, 1000,  350,  611,  350,  // 128-143
         350,  222,  222,  333,  333,  350,  556, 1000,  333, 1000,  500,  333,  944,  350,  500,  667,  // 144-159
         278,  333,  556,  556,  556,  556,  260,  556,  333,  737,  370,  556,  584,  333,  737,  333,  // 160-175
         400,  584,  333,  333,  333,  578,  537,  278,  333,  333,  365,  556,  834,  834,  834,  611,  // 176-191
         667,  667,  667,  667,  667,  667, 1000,  722,  667,  667,  667,  667,  278,  278,  278,  278,  // 192-207
         722,  722,  778,  778,  778,  778,  778,  584,  778,  722,  722,  722,  722,  667,  667,  611,  // 208-223
         556,  556,  556,  556,  556,  556,  889,  500,  556,  556,  556,  556,  278,  278,  278,  278,  // 224-239
         556,  556,  556,  556,  556,  556,  556,  584,  611,  556,  556,  556,  556,  500,  556,  500,  // 240-255
    ]

    static let helveticaBoldWidths: [UInt16] = [
         278,  333,  474,  556,  556,  889,  722,  238,  333,  333,  389,  584,  278,  333,  278,  278,  // 32-47
         556,  556,  556,  556,  556,  556,  556,  556,  556,  556,  333,  333,  584,  584,  584,  611,  // 48-63
         975,  722,  722,  722,  722,  667,  611,  778,  722,  278,  556,  722,  611,  833,  722,  778,  // 64-79
         667,  778,  722,  667,  611,  722,  667,  944,  667,  667,  611,  333,  278,  333,  584,  556,  // 80-95
         333,  556,  611,  556,  611,  556,  333,  611,  611,  278,  278,  556,  278,  889,  611,  611,  // 96-111
         611,  611,  389,  556,  333,  611,  556,  778,  556,  556,  500,  389,  280,  389,  584,  350,  // 112-127
         556,  350,  278,  556,  500, 1000,  556,  556,  333, 1000,  667,  333, 1000,  350,  611,  350,  // 128-143
         350,  278,  278,  500,  500,  350,  556, 1000,  333, 1000,  556,  333,  944,  350,  500,  667,  // 144-159
         278,  333,  556,  556,  556,  556,  280,  556,  333,  737,  370,  556,  584,  333,  737,  333,  // 160-175
         400,  584,  333,  333,  333,  611,  556,  278,  333,  333,  365,  556,  834,  834,  834,  611,  // 176-191
         722,  722,  722,  722,  722,  722, 1000,  722,  667,  667,  667,  667,  278,  278,  278,  278,  // 192-207
         722,  722,  778,  778,  778,  778,  778,  584,  778,  722,  722,  722,  722,  667,  667,  611,  // 208-223
         556,  556,  556,  556,  556,  556,  889,  556,  556,  556,  556,  556,  278,  278,  278,  278,  // 224-239
         611,  611,  611,  611,  611,  611,  611,  584,  611,  611,  611,  611,  611,  556,  611,  556,  // 240-255
    ]
}

/// WinAnsiEncoding (Windows-1252 as defined for PDF): Latin-1 plus typographic extras.
enum WinAnsi {
    /// Code points 0x80...0x9F that differ from Latin-1.
    private static let extras: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86,
        0x2021: 0x87, 0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C,
        0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95,
        0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
        // Not in WinAnsi, but produced by number/date formatters (e.g. fr_FR grouping uses
        // U+202F); substituting a lookalike beats rejecting the document.
        0x2007: 0x20, 0x2009: 0x20, 0x200A: 0x20, 0x202F: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2212: 0x2D,
    ]

    /// The WinAnsi byte for a scalar, or nil if the fonts cannot show it.
    /// Tab becomes a space; other control characters are not encodable.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        switch v {
        case 0x09: return 0x20
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(v)
        default: return extras[v]
        }
    }

    /// Encodes `text` (NFC-normalised so "e\u{301}" becomes "é"); unencodable scalars become "?".
    /// Callers that must not lose text check `unencodableCharacters(in:)` first.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        // Normalising is costly (it bridges to NSString) and a no-op for ASCII, the common case.
        let normalized = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        for scalar in normalized.unicodeScalars {
            out.append(byte(for: scalar) ?? 0x3F)
        }
        return out
    }

    /// Distinct characters (in order of first appearance) that cannot be drawn.
    /// Newlines are allowed because callers split on them before drawing.
    static func unencodableCharacters(in text: String) -> [Character] {
        var seen = Set<Character>()
        var result: [Character] = []
        for ch in text.precomposedStringWithCanonicalMapping where !ch.isNewline {
            let ok = ch.unicodeScalars.allSatisfy { byte(for: $0) != nil }
            if !ok, seen.insert(ch).inserted { result.append(ch) }
        }
        return result
    }
}
