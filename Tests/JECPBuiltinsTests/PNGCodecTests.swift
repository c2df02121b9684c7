import Foundation
import Testing

@testable import JECPBuiltins

@Suite("PNG decoder and encoder")
struct PNGCodecTests {
    // MARK: Decoding: every colour type, bit depth and interlace

    @Test func independentlyWrittenFixturesDecodeExactly() throws {
        for fixture in PNGReferenceFixtures.cases {
            let image = try PNGDecoder.decode([UInt8](Data(base64Encoded: fixture.png)!))
            #expect(image.width == fixture.width && image.height == fixture.height, "\(fixture.name)")
            #expect(image.pixels == hexBytes(fixture.expected), "\(fixture.name)")
        }
    }

    /// Builds every legal (colour type, bit depth) pair, interlaced or not, at sizes that
    /// leave some Adam7 passes empty, with all five filters, and compares with a per-pixel
    /// reference conversion.
    @Test(arguments: [(1, 1), (2, 3), (5, 1), (1, 9), (8, 8), (13, 7), (33, 19)])
    func everyFormatDecodes(width: Int, height: Int) throws {
        var rng = PNGTestRandom(seed: UInt64(width * 1000 + height))
        for (colorType, depths) in [(0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])] {
            for depth in depths {
                for interlaced in [false, true] {
                    for withTRNS in colorType == 4 || colorType == 6 ? [false] : [false, true] {
                        let fixture = PNGMatrixFixture(
                            width: width,
                            height: height,
                            colorType: colorType,
                            depth: depth,
                            interlaced: interlaced,
                            trns: withTRNS,
                            rng: &rng
                        )
                        let label = "ct\(colorType) d\(depth) interlaced=\(interlaced) tRNS=\(withTRNS) \(width)x\(height)"
                        let image = try PNGDecoder.decode(fixture.png)
                        #expect(image.width == width && image.height == height, "\(label)")
                        #expect(image.pixels == fixture.expected, "\(label)")
                    }
                }
            }
        }
    }

    @Test func sixteenBitSamplesAreRoundedNotTruncated() throws {
        // 0x00FF is 0.99 of an 8-bit step: rounding gives 1 where taking the high byte gives 0.
        let samples: [UInt16] = [0x0000, 0x00FF, 0x7FFF, 0x8000, 0x8080, 0xFFFF]
        var raw: [UInt8] = [0]
        for s in samples { raw += [UInt8(s >> 8), UInt8(s & 0xFF)] }
        let png = PNGTestBuilder.png(width: samples.count, height: 1, depth: 16, colorType: 0, raw: raw)
        let image = try PNGDecoder.decode(png)
        #expect((0..<samples.count).map { image[$0, 0].r } == [0, 1, 127, 128, 128, 255])
        #expect((0..<samples.count).allSatisfy { image[$0, 0].a == 255 })
    }

    @Test func onePixelImages() throws {
        for colorType: UInt8 in [0, 2, 4, 6] {
            let channels = [0: 1, 2: 3, 4: 2, 6: 4][Int(colorType)]!
            let raw: [UInt8] = [0] + (0..<channels).map { UInt8(200 - $0 * 50) }
            for interlaced in [false, true] {
                let image = try PNGDecoder.decode(
                    PNGTestBuilder.png(width: 1, height: 1, depth: 8, colorType: colorType, raw: raw, interlaced: interlaced)
                )
                let expected: RGBA =
                    switch colorType {
                    case 0: RGBA(200, 200, 200)
                    case 2: RGBA(200, 150, 100)
                    case 4: RGBA(200, 200, 200, 150)
                    default: RGBA(200, 150, 100, 50)
                    }
                #expect(image.width == 1 && image.height == 1 && image[0, 0] == expected)
            }
        }
    }

    @Test func headerIsReadWithoutDecoding() throws {
        let png = try PNGEncoder.encode(try RasterImage(width: 7, height: 3, fill: RGBA(1, 2, 3, 4)))
        let header = try PNGDecoder.readHeader(png)
        #expect(header == PNGDecoder.Header(width: 7, height: 3, bitDepth: 8, colorType: .rgba, interlaced: false))
    }

    // MARK: Encoding

    @Test(arguments: PNGEncoder.FilterStrategy.allCases)
    func roundTripsThroughEveryFilter(strategy: PNGEncoder.FilterStrategy) throws {
        var rng = PNGTestRandom(seed: 42)
        for (w, h) in [(1, 1), (1, 17), (17, 1), (31, 23), (64, 64)] {
            // Smooth gradients plus noise, with varying alpha.
            var pixels = [UInt8]()
            for y in 0..<h {
                for x in 0..<w {
                    pixels += [
                        UInt8((x * 255) / max(1, w - 1)), UInt8((y * 255) / max(1, h - 1)), UInt8(rng.next() & 0xFF), UInt8(128 + (x + y) % 128),
                    ]
                }
            }
            let image = try RasterImage(width: w, height: h, pixels: pixels)
            let png = try PNGEncoder.encode(image, filter: strategy)
            #expect(png[25] == 6, "RGBA colour type for translucent images")
            #expect(try PNGDecoder.decode(png) == image, "\(strategy) \(w)x\(h)")
        }
    }

    @Test func opaqueImagesAreWrittenAsRGB() throws {
        var image = try RasterImage(width: 20, height: 10, fill: RGBA(10, 20, 30))
        image[3, 4] = RGBA(255, 0, 0)
        let png = try PNGEncoder.encode(image)
        #expect(png[24] == 8 && png[25] == 2)
        #expect(try PNGDecoder.decode(png) == image)
        let forcedRGBA = try PNGEncoder.encode(image, allowRGB: false)
        #expect(forcedRGBA[25] == 6)
        #expect(try PNGDecoder.decode(forcedRGBA) == image)
        #expect(throws: ImagingError.invalidParameter(name: "compressionLevel", reason: "must be 0...9, got 10")) {
            try PNGEncoder.encode(image, compressionLevel: 10)
        }
    }

    @Test func adaptiveFilteringCompressesPhotographicContentBetterThanNone() throws {
        var pixels = [UInt8]()
        for y in 0..<128 {
            for x in 0..<128 { pixels += [UInt8(x * 2), UInt8(y * 2), UInt8((x + y) & 0xFF), 255] }
        }
        let image = try RasterImage(width: 128, height: 128, pixels: pixels)
        let none = try PNGEncoder.encode(image, filter: .none)
        let adaptive = try PNGEncoder.encode(image, filter: .adaptive)
        #expect(adaptive.count < none.count, "adaptive \(adaptive.count) vs none \(none.count)")
    }

    // MARK: Corrupt and hostile input

    @Test func corruptCRCIsReported() throws {
        var png = try PNGEncoder.encode(try RasterImage(width: 4, height: 4, fill: RGBA(9, 9, 9, 9)))
        let idat = try #require(findChunk(png, "IDAT"))
        png[idat + 8] ^= 0x01  // first byte of the IDAT data
        #expect(throws: ImagingError.crcMismatch(chunk: "IDAT")) { try PNGDecoder.decode(png) }
        var badHeader = try PNGEncoder.encode(try RasterImage(width: 4, height: 4))
        badHeader[20] ^= 0x01
        #expect(throws: ImagingError.crcMismatch(chunk: "IHDR")) { try PNGDecoder.decode(badHeader) }
        #expect(throws: ImagingError.crcMismatch(chunk: "IHDR")) { try PNGDecoder.readHeader(badHeader) }
    }

    @Test func everyTruncationIsAnErrorNotACrash() throws {
        let png = try PNGEncoder.encode(try RasterImage(width: 9, height: 5, fill: RGBA(1, 2, 3, 4)))
        for length in 0..<png.count {
            #expect(throws: ImagingError.self) { try PNGDecoder.decode(Array(png[..<length])) }
        }
        #expect(throws: ImagingError.notPNG) { try PNGDecoder.decode(Array(png[..<7])) }
        let idat = try #require(findChunk(png, "IDAT"))
        #expect(throws: ImagingError.truncated("file ends inside the IDAT chunk")) { try PNGDecoder.decode(Array(png[..<(idat + 10)])) }
        #expect(throws: ImagingError.truncated("missing IEND chunk")) { try PNGDecoder.decode(Array(png[..<(png.count - 12)])) }
    }

    @Test func truncatedAndCorruptZlibStreamsAreReported() throws {
        let raw = [UInt8](repeating: 7, count: 3 * (1 + 3 * 3))
        let stream = try Zlib.deflate(raw)
        // Stream cut short but chunk CRCs valid: the zlib layer must notice.
        let cut = PNGTestBuilder.png(width: 3, height: 3, depth: 8, colorType: 2, zlib: Array(stream.dropLast(6)))
        #expect(throws: ImagingError.compression(.truncated)) { try PNGDecoder.decode(cut) }
        var flipped = stream
        flipped[flipped.count - 1] ^= 0xFF  // Adler-32
        #expect {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 3, height: 3, depth: 8, colorType: 2, zlib: flipped))
        } throws: { error in
            guard case .compression(.corrupt(let why)) = error as? ImagingError else { return false }
            return why.contains("check")
        }
        let short = PNGTestBuilder.png(width: 3, height: 3, depth: 8, colorType: 2, raw: Array(raw.dropLast(2)))
        #expect(throws: ImagingError.malformed("image data is 28 bytes, IHDR implies 30")) { try PNGDecoder.decode(short) }
    }

    @Test func zipBombStopsAtTheExpectedSize() throws {
        // 16 MiB of zeros compress to ~16 KiB; the 16x16 RGBA image needs only 16 * 65 bytes.
        let bomb = try Zlib.deflate([UInt8](repeating: 0, count: 16 << 20), level: 9)
        #expect(bomb.count < 20_000)
        let png = PNGTestBuilder.png(width: 16, height: 16, depth: 8, colorType: 6, zlib: bomb)
        #expect(throws: ImagingError.compression(.outputLimitExceeded(limit: 16 * 65))) { try PNGDecoder.decode(png) }
        #expect(throws: ZlibError.outputLimitExceeded(limit: 1 << 20)) { try Zlib.inflate(bomb, limit: 1 << 20) }
    }

    @Test func fiftyMegapixelHeaderIsRejectedBeforeAllocating() throws {
        // IHDR only, no image data at all: the limit must trip while reading IHDR.
        let ihdrOnly = Array(PNGTestBuilder.png(width: 10_000, height: 5_000, depth: 8, colorType: 6, raw: []).prefix(33))
        #expect(throws: ImagingError.tooLarge(width: 10_000, height: 5_000, limit: RasterImage.defaultPixelLimit)) {
            try PNGDecoder.decode(ihdrOnly)
        }
        let maximal = Array(PNGTestBuilder.png(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, depth: 16, colorType: 6, raw: []).prefix(33))
        #expect(throws: ImagingError.tooLarge(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, limit: 40_000_000)) {
            try PNGDecoder.decode(maximal)
        }
        #expect(throws: ImagingError.tooLarge(width: 100, height: 100, limit: 9_999)) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 100, height: 100, depth: 8, colorType: 0, raw: []), pixelLimit: 9_999)
        }
        #expect(throws: ImagingError.tooLarge(width: 10_000, height: 5_000, limit: RasterImage.defaultPixelLimit)) {
            try RasterImage(width: 10_000, height: 5_000)
        }
    }

    @Test func invalidHeadersAreRejected() throws {
        let cases: [(UInt8, UInt8, UInt8, String)] = [
            (3, 0, 0, "bit depth 3 is not allowed for colour type 0"),
            (4, 2, 0, "bit depth 4 is not allowed for colour type 2"),
            (16, 3, 0, "bit depth 16 is not allowed for colour type 3"),
            (8, 5, 0, "invalid colour type 5"),
            (8, 0, 2, "unknown interlace method 2"),
        ]
        for (depth, colorType, interlace, message) in cases {
            let png = PNGTestBuilder.png(
                width: 1,
                height: 1,
                depth: depth,
                colorType: colorType,
                raw: [0, 0],
                interlaced: interlace == 1,
                interlaceByte: interlace
            )
            #expect(throws: ImagingError.malformed(message)) { try PNGDecoder.decode(png) }
        }
        #expect(throws: ImagingError.malformed("image size 0x1 has a zero side")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 0, height: 1, depth: 8, colorType: 0, raw: [0]))
        }
        #expect(throws: ImagingError.malformed("image size 2147483648x1 exceeds 2^31-1")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 0x8000_0000, height: 1, depth: 8, colorType: 0, raw: [0]))
        }
    }

    @Test func structuralErrorsAreReported() throws {
        let raw: [UInt8] = [0, 0, 1, 2]
        #expect(throws: ImagingError.malformed("palette image without PLTE")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 3, height: 1, depth: 8, colorType: 3, raw: raw))
        }
        #expect(throws: ImagingError.malformed("pixel uses a palette index beyond the 2 PLTE entries")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 3, height: 1, depth: 8, colorType: 3, raw: raw, extra: [("PLTE", [1, 2, 3, 4, 5, 6])]))
        }
        #expect(throws: ImagingError.malformed("unknown filter type 5 in row 0")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 3, height: 1, depth: 8, colorType: 0, raw: [5, 0, 0, 0]))
        }
        #expect(throws: ImagingError.unsupported("unknown critical chunk ABCD")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 3, height: 1, depth: 8, colorType: 0, raw: raw, extra: [("ABCD", [1])]))
        }
        // Unknown ancillary chunks are skipped.
        let ok = try PNGDecoder.decode(PNGTestBuilder.png(width: 3, height: 1, depth: 8, colorType: 0, raw: raw, extra: [("abCD", [1])]))
        #expect(ok[2, 0] == RGBA(2, 2, 2))
        #expect(throws: ImagingError.malformed("tRNS for RGB must be 6 bytes, got 2")) {
            try PNGDecoder.decode(PNGTestBuilder.png(width: 1, height: 1, depth: 8, colorType: 2, raw: [0, 1, 2, 3], extra: [("tRNS", [0, 1])]))
        }
        #expect(throws: ImagingError.notPNG) { try PNGDecoder.decode(Array("GIF89a not a png".utf8)) }
        #expect(throws: ImagingError.notPNG) { try PNGDecoder.decode([]) }
    }

    // MARK: PDF logo path (PNGImage now decodes through PNGDecoder)

    @Test func pdfLogoValidatesAndFlattensThroughTheSharedDecoder() throws {
        // Pass-through RGB whose zlib stream is cut short (chunk CRCs valid): rejected up front.
        let stream = try Zlib.deflate([0, 1, 2, 3, 0, 4, 5, 6])
        let cut = PNGTestBuilder.png(width: 1, height: 2, depth: 8, colorType: 2, zlib: Array(stream.dropLast(6)))
        #expect(throws: PNGImage.Error.malformed("compressed data is truncated")) { try PNGImage(data: Data(cut)) }
        let intact = try PNGImage(data: Data(PNGTestBuilder.png(width: 1, height: 2, depth: 8, colorType: 2, zlib: stream)))
        #expect(intact.isFlateWithPredictor && intact.data == stream)
        // A gray colour key (tRNS) is transparent, so it is flattened to white.
        let keyed = PNGTestBuilder.png(width: 3, height: 1, depth: 8, colorType: 0, raw: [0, 10, 20, 30], extra: [("tRNS", [0, 20])])
        let logo = try PNGImage(data: Data(keyed))
        #expect(logo.colorSpace == .deviceGray && logo.data == [10, 255, 30])
        #expect(throws: PNGImage.Error.tooLarge(width: 2001, height: 2000)) {
            try PNGImage(data: Data(PNGTestBuilder.png(width: 2001, height: 2000, depth: 8, colorType: 2, raw: [])))
        }
        var corrupt = keyed
        corrupt[corrupt.count - 20] ^= 0x40  // inside the IDAT chunk
        #expect(throws: PNGImage.Error.self) { try PNGImage(data: Data(corrupt)) }
    }

    // MARK: Zlib wrapper

    @Test func zlibRoundTripsAndEnforcesItsLimitExactly() throws {
        var rng = PNGTestRandom(seed: 7)
        let data = (0..<300_000).map { _ in UInt8(rng.next() % 16) }
        for format in [Zlib.Format.zlib, .raw, .gzip] {
            let packed = try Zlib.deflate(data, level: 6, format: format)
            #expect(packed.count < data.count)
            #expect(try Zlib.inflate(packed, limit: data.count, format: format) == data)
            #expect(throws: ZlibError.outputLimitExceeded(limit: data.count - 1)) {
                try Zlib.inflate(packed, limit: data.count - 1, format: format)
            }
        }
        #expect(try Zlib.inflate(try Zlib.deflate([]), limit: 0) == [])
        #expect(throws: ZlibError.truncated) { try Zlib.inflate([], limit: 10) }
        #expect(throws: ZlibError.self) { try Zlib.inflate([0x78, 0x9C, 0xFF, 0xFF, 0xFF], limit: 10) }
        #expect(Zlib.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Inflater.adler32([]) == 1)
    }

    // MARK: Helpers

    private func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.utf8.makeIterator()
        while let hi = it.next(), let lo = it.next() { out.append(UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)!) }
        return out
    }

    private func findChunk(_ png: [UInt8], _ type: String) -> Int? {
        var pos = 8
        while pos + 8 <= png.count {
            let length = Int(PNGDecoder.be32(png, pos))
            if png[pos + 4..<pos + 8].elementsEqual(type.utf8) { return pos }
            pos += 12 + length
        }
        return nil
    }
}

// MARK: - Test fixtures

/// Deterministic pseudo-random numbers.
private struct PNGTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Assembles PNG files from raw (already filtered) scanlines or a ready zlib stream.
private enum PNGTestBuilder {
    static func png(
        width: Int,
        height: Int,
        depth: UInt8,
        colorType: UInt8,
        raw: [UInt8] = [],
        zlib: [UInt8]? = nil,
        interlaced: Bool = false,
        interlaceByte: UInt8? = nil,
        extra: [(String, [UInt8])] = []
    ) -> [UInt8] {
        var ihdr = be32(UInt32(truncatingIfNeeded: width)) + be32(UInt32(truncatingIfNeeded: height))
        ihdr += [depth, colorType, 0, 0, interlaceByte ?? (interlaced ? 1 : 0)]
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
        for (type, body) in extra { out += chunk(type, body) }
        let stream = zlib ?? (try! Zlib.deflate(raw))
        out += chunk("IDAT", stream) + chunk("IEND", [])
        return out
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(Zlib.crc32(typed))
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}

/// A random image in any PNG format plus its expected RGBA8 decoding, computed pixel by pixel
/// with straightforward reference code (not the decoder's).
private struct PNGMatrixFixture {
    let png: [UInt8]
    let expected: [UInt8]

    init(width: Int, height: Int, colorType: Int, depth: Int, interlaced: Bool, trns: Bool, rng: inout PNGTestRandom) {
        let channels = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]!
        let maxSample = (1 << depth) - 1
        let paletteSize = colorType == 3 ? Int(rng.next() % UInt64(1 << depth)) + 1 : 0
        let palette = (0..<paletteSize * 3).map { _ in UInt8(rng.next() & 0xFF) }
        var samples: [[Int]] = (0..<width * height).map { _ in
            colorType == 3 ? [Int(rng.next() % UInt64(paletteSize))] : (0..<channels).map { _ in Int(rng.next() % UInt64(maxSample + 1)) }
        }
        var extra: [(String, [UInt8])] = []
        if colorType == 3 { extra.append(("PLTE", palette)) }
        var key: [Int]?
        var alphas: [UInt8] = []
        if trns {
            if colorType == 3 {
                alphas = (0..<Int(rng.next() % UInt64(paletteSize)) + 1).map { _ in UInt8(rng.next() & 0xFF) }
                extra.append(("tRNS", alphas))
            } else {
                key = samples[Int(rng.next() % UInt64(samples.count))]
                for _ in 0..<samples.count / 3 { samples[Int(rng.next() % UInt64(samples.count))] = key! }
                extra.append(("tRNS", key!.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
            }
        }
        func to8(_ v: Int) -> UInt8 {
            depth == 16 ? UInt8((Double(v) * 255 / 65535).rounded()) : UInt8(v * 255 / maxSample)
        }
        var expected: [UInt8] = []
        for s in samples {
            switch colorType {
            case 0: expected += [to8(s[0]), to8(s[0]), to8(s[0]), s == key ? 0 : 255]
            case 2: expected += [to8(s[0]), to8(s[1]), to8(s[2]), s == key ? 0 : 255]
            case 3: expected += palette[3 * s[0]..<3 * s[0] + 3] + [s[0] < alphas.count ? alphas[s[0]] : 255]
            case 4: expected += [to8(s[0]), to8(s[0]), to8(s[0]), to8(s[1])]
            default: expected += s.map(to8)
            }
        }
        self.expected = expected

        // Scanlines per pass, filter type cycling 0...4 by row.
        let bpp = max(1, channels * depth / 8)
        let passes =
            interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var raw: [UInt8] = []
        var rowNumber = 0
        for (x0, y0, dx, dy) in passes {
            let xs = Array(stride(from: x0, to: width, by: dx))
            let ys = Array(stride(from: y0, to: height, by: dy))
            guard !xs.isEmpty, !ys.isEmpty else { continue }
            var previous: [UInt8]?
            for y in ys {
                var bits: [Int] = []
                for x in xs { for v in samples[y * width + x] { bits.append(v) } }
                let row = Self.pack(bits, depth: depth)
                let filter = rowNumber % 5
                rowNumber += 1
                raw.append(UInt8(filter))
                for i in 0..<row.count {
                    let a = i >= bpp ? Int(row[i - bpp]) : 0
                    let b = previous.map { Int($0[i]) } ?? 0
                    let c = i >= bpp ? previous.map { Int($0[i - bpp]) } ?? 0 : 0
                    let p = a + b - c
                    let paeth = abs(p - a) <= abs(p - b) && abs(p - a) <= abs(p - c) ? a : (abs(p - b) <= abs(p - c) ? b : c)
                    let predictor = [0, a, b, (a + b) / 2, paeth][filter]
                    raw.append(UInt8((Int(row[i]) - predictor) & 0xFF))
                }
                previous = row
            }
        }
        png = PNGTestBuilder.png(
            width: width,
            height: height,
            depth: UInt8(depth),
            colorType: UInt8(colorType),
            raw: raw,
            interlaced: interlaced,
            extra: extra
        )
    }

    static func pack(_ samples: [Int], depth: Int) -> [UInt8] {
        if depth == 16 { return samples.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } }
        if depth == 8 { return samples.map { UInt8($0) } }
        var out: [UInt8] = []
        var acc = 0
        var used = 0
        for s in samples {
            acc = acc << depth | s
            used += depth
            if used == 8 {
                out.append(UInt8(acc))
                acc = 0
                used = 0
            }
        }
        if used > 0 { out.append(UInt8(acc << (8 - used))) }
        return out
    }
}

private enum PNGReferenceFixtures {
    // Generated by an independent Python PNG writer (zlib + struct); random filters per row,
    // a gAMA and a tEXt chunk, IDAT split in up to three chunks. expected = RGBA8 hex.
    static let cases: [(name: String, png: String, width: Int, height: Int, expected: String)] = [
        (
            "gray1Interlaced",
            "iVBORw0KGgoAAAANSUhEUgAAAAgAAAADAQAAAAHxtENzAAAABGdBTUEAALGPC/xhBQAAABJJREFUeNpjbGBkYHRguMAwgTGARQQApAxDZAAAAAJJREFUEoIHuS9lAAAAAklEQVQCjd3EIKUAAAAPdEVYdENvbW1lbnQAZml4dHVyZZcPxlgAAAAASUVORK5CYII=",
            8, 3,
            "ffffffffffffffff000000ff000000ff000000ff000000ffffffffffffffffff000000ff000000ff000000ffffffffff000000ffffffffff000000ff000000ffffffffff000000ffffffffffffffffff000000ff000000ffffffffffffffffff"
        ),
        (
            "gray2Key",
            "iVBORw0KGgoAAAANSUhEUgAAAAUAAAACAgAAAAD/sVEgAAAABGdBTUEAALGPC/xhBQAAAAJ0Uk5TAAKYnawUAAAABElEQVR4AWPh3LfvyQAAAAZJREFU+saiFgAAHWMwiAAAAARJREFUBNABfzFpGIwAAAAPdEVYdENvbW1lbnQAZml4dHVyZZcPxlgAAAAASUVORK5CYII=",
            5, 2,
            "000000ff000000ffaaaaaa00aaaaaa00000000ff000000ffffffffff000000ff000000ffaaaaaa00"
        ),
        (
            "gray4",
            "iVBORw0KGgoAAAANSUhEUgAAAAMAAAADBAAAAAC2swdiAAAABGdBTUEAALGPC/xhBQAAAAFJREFUeHbmhOYAAAAPSURBVJxj+uPA7DSBQV4AAA2lAh/tz2sAAAABSURBVEPH7W3CAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAAElFTkSuQmCC",
            3, 3,
            "ffffffffccccccff444444ffccccccff000000ff111111ff111111ffffffffff111111ff"
        ),
        (
            "gray16Key",
            "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACEAAAAADoj+WFAAAABGdBTUEAALGPC/xhBQAAAAJ0Uk5TLwP9hqTvAAAAAUlEQVR4duaE5gAAAARJREFU2mP4mMvqu0AAAAARSURBVGWwx7uSYcYmfWZ9ZgApRgS6TewEJgAAAA90RVh0Q29tbWVudABmaXh0dXJllw/GWAAAAABJRU5ErkJggg==",
            3, 2,
            "f0f0f0ff313131ff4b4b4bff989898ff2f2f2f002f2f2f00"
        ),
        (
            "rgb16KeyInterlaced",
            "iVBORw0KGgoAAAANSUhEUgAAAAMAAAADEAIAAAH+3c49AAAABGdBTUEAALGPC/xhBQAAAAZ0Uk5T+qKJHTTD7aBYdwAAAAxJREFUeAEBPADD/wT6ookd2GIuMQAAAAJJREFUNMPFvN1HAAAAOUlEQVQD86k0y0VwAHd5wiHVqvFj1HyXDwDuujoWx88A+qKJHTTDAXqPheZrfIATBDfJR1K8g7zlGmmCHHr0RFrKAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAAElFTkSuQmCC",
            3, 3,
            "fa893500ee3ac7fff33545ff7a856bfffa8935004c0d1aff77c1d5fffa893500f0d496ff"
        ),
        (
            "palette4TRNSInterlaced",
            "iVBORw0KGgoAAAANSUhEUgAAAAUAAAADBAMAAAHeH+hdAAAABGdBTUEAALGPC/xhBQAAABVQTFRFKtlUN8SR6/rNY9uAkSyloWOPvPTJgG8AqQAAAAF0Uk5TAEDm2GYAAAABSURBVHh25oTmAAAAEElEQVQBAREA7v8CQAAgATAEUAAExpQCJgAAAAtJREFURgTcBDURChLVAmayknwJAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAAElFTkSuQmCC",
            5, 3,
            "912ca5ff912ca5ff63db80ffbcf4c9ffebfacdff63db80ffa1638fff912ca5ffbcf4c9ffa1638fffa1638fffebfacdff2ad95400ebfacdffa1638fff"
        ),
        (
            "palette1",
            "iVBORw0KGgoAAAANSUhEUgAAAAkAAAACAQMAAACwmGSQAAAABGdBTUEAALGPC/xhBQAAAANQTFRFQYpSkiuaNAAAAAFJREFUeHbmhOYAAAAKSURBVAFjYGBgZmAAAADUEJ/HAAAAA0lEQVQPAAT1+82GAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAAElFTkSuQmCC",
            9, 2,
            "418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff418a52ff"
        ),
        (
            "grayAlpha16",
            "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACEAQAAACILxnsAAAABGdBTUEAALGPC/xhBQAAABJJREFUeAFjbP3ZNOdK1Kpw5oem1450rCUuxwAAAAFJREFUmNbsZp4AAAAISURBVDPLAwBWtwhhcZ/T6wAAAA90RVh0Q29tbWVudABmaXh0dXJllw/GWAAAAABJRU5ErkJggg==",
            2, 2,
            "858585825959592d24242417c6c6c624"
        ),
        (
            "grayAlpha8Interlaced",
            "iVBORw0KGgoAAAANSUhEUgAAAAMAAAAECAQAAAGWI30aAAAABGdBTUEAALGPC/xhBQAAAAdJREFUeAFjXLqMKR+JH6cAAAAYSURBVPEHy9yVR7iZP5Qy7U1jun805axhDvM/BXLB+IMAAAAJSURBVN8zdx0B2I8OGqBDpEoAAAAPdEVYdENvbW1lbnQAZml4dHVyZZcPxlgAAAAASUVORK5CYII=",
            3, 4,
            "a5a5a5a6f0f0f075616161f8dfdfdfc5646464cd3131316c9d9d9da9adadaddb616161b46d6d6d82b5b5b573505050b0"
        ),
        (
            "rgba16Interlaced",
            "iVBORw0KGgoAAAANSUhEUgAAAAMAAAADEAYAAAFxv1lqAAAABGdBTUEAALGPC/xhBQAAACxJREFUeJwBTgCx/wAizI7hlBtYmwPYQczVNFThcQHgl+I1CnYnKVi/0Rms8iOrAQT+sZoxAAAAAklEQVS4lz6Mn+0AAAArSURBVHzWi90uAMbNqUS/EYgcA7Yi8gr688Pw+75MlUlTentaS6oVOdMkB6wxJNCr5z1pAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAAElFTkSuQmCC",
            3, 3,
            "238e94580597d6dcd7cc34e1b5f1fac356c5c6db850c9c91e0e10a27c6a9be8838b3b64b"
        ),
        (
            "rgba8Interlaced9x9",
            "iVBORw0KGgoAAAANSUhEUgAAAAkAAAAJCAYAAAGXljaGAAAABGdBTUEAALGPC/xhBQAAADxJREFUeJwBVwGo/gIvg0ZYbY6zmwDOXxQyWPQ9ugMLLg8dAMcKGvoENUENO3cy0JEL23fOBDPddmacSu1TATjmFah/+QAAARVJREFUjEIzLd2HAULNPk/R0hOlAHT5fpz6/lzMDxIZV+8uj9i87F01AJHbopS3K2cJxR/Bnsj4EdwVCnXDA6jaDPK+ijBgrn7UIhuU3RQCAZ4vuOXaF4ZRwgz0u9++6gRlzmIt0dVggrp+DwcYSSQJAJgOnI7+8z6veVJwBs6/myoCQDfQxwq/Jcl4qYEyvkmDCAIaLGC75vV9OvXlxNLsMb1WPv53kaCGqPS7oXUPFg1/DNguadoDRnNn3SDEfRe81X3hEyTf9Hs4zZy+IULqZYKiYcaGPxpnEQglA74C1wNTnMBRbVNv+Rp8VYJbT+o8pWfTDK7yQPcHckLtTfNycgKrvl2omevbREJAjml5/EpOXyQUr5lxFcabg8MAAAARSURBVNLSKhCtjdNB4vqisrQaSp9QRfuDGgAAAA90RVh0Q29tbWVudABmaXh0dXJllw/GWAAAAABJRU5ErkJggg==",
            9, 9,
            "2f834658a8da0cf233dd766612f736d90b2e0f1db7f9ef8ecf2763b97610545b6d8eb39b1a2c60bbe6f57d3af5e5c4d2ec31bd563efe7791a086a8f4bba1750f160d7f0cd82e69da74f97e9ca9783baafafe5cccf7d14d5f0f12195708bbfb82ef2e8fd831ef1245bcec5d355389973abc8307519489e272d381ae5803f75f100fdfc56cca423f9e36ad9e6fee7e8bc935410d3b0e469dd738e68c427a4dfd2cac73ddccc2cb0c666b1369c9da38304eb74e549ae74622202400d489c9974a76e808d1e9d0ce82b8143d769e1d319a9530e1de6fdca2260e91dba294980e9c8eb72b6709fef33eafc51fc19e79527006c8f811dccebf9b2a150a75c392047fc8bdebafcd0bd7d8df61041b372ff29667adae8b70ef5baa42bdb41f51d644d8c2ce5f1432d8456c5542cd3e4f08b26378c70a1afaf1fbf138139f51f48c081e3258f43dba"
        ),
        (
            "rgb8Key",
            "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAABGdBTUEAALGPC/xhBQAAAAZ0Uk5TAC4A5wB5lSOZSQAAAAVJREFUeAEBJwDmlU3wAAAAEUlEQVTY/wDo4Tou53k2Aw2j7dICRni+lpsAAAAcSURBVAY/AAAA+ORsbmCFA0fRwyeUlGXd9UY/w0BqEQ7d+3wBAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAAElFTkSuQmCC",
            4, 3,
            "e8e13aff2ee7790036030dffa3edd2ff2ee779002ee779002ee77900114d57ff5e44ffff6d2950ffb26559ffa7981bff"
        ),
    ]
}
