import Foundation

/// A PNG decoded just far enough to become a PDF image XObject.
///
/// 8-bit gray and RGB images without transparency keep their zlib stream as is: PDF's
/// FlateDecode with PNG predictors understands PNG's IDAT data natively, so nothing is
/// decompressed. Everything else supported (alpha, palette, low bit depths) is inflated,
/// unfiltered and flattened onto white, because an invoice page is white anyway and this
/// avoids soft masks.
struct PNGImage: Sendable {
    enum ColorSpace: String, Sendable { case deviceGray = "DeviceGray", deviceRGB = "DeviceRGB" }

    enum Error: Swift.Error, Sendable, CustomStringConvertible, Equatable {
        case notPNG
        case malformed(String)
        case unsupported(String)
        case tooLarge(width: Int, height: Int)

        var description: String {
            switch self {
            case .notPNG: "not a PNG file"
            case .malformed(let why): "malformed PNG: \(why)"
            case .unsupported(let what): "unsupported PNG: \(what)"
            case .tooLarge(let w, let h): "PNG too large: \(w)x\(h) pixels (limit \(PNGImage.maxPixels))"
            }
        }
    }

    /// Bounds memory for decoded images (4 MP of RGB is 12 MB) and PDF size.
    static let maxPixels = 4_000_000

    let width: Int
    let height: Int
    let colorSpace: ColorSpace
    /// Stream bytes for the XObject.
    let data: [UInt8]
    /// True when `data` is the original zlib stream (needs FlateDecode + predictor),
    /// false when it is raw samples.
    let isFlateWithPredictor: Bool

    var components: Int { colorSpace == .deviceRGB ? 3 : 1 }

    init(data pngData: Data) throws(Error) {
        let bytes = [UInt8](pngData)
        guard bytes.count > 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw .notPNG
        }
        var ihdr: [UInt8]?
        var palette: [UInt8] = []
        var transparency: [UInt8]?
        var idat: [UInt8] = []
        var pos = 8
        chunks: while true {
            guard pos + 8 <= bytes.count else { throw .malformed("truncated chunk header") }
            let length = Int(be32(bytes, pos))
            let type = String(decoding: bytes[pos + 4..<pos + 8], as: UTF8.self)
            let start = pos + 8
            guard length <= 0x7FFF_FFFF, start + length + 4 <= bytes.count else { throw .malformed("truncated \(type) chunk") }
            let body = bytes[start..<start + length]
            switch type {
            case "IHDR": ihdr = Array(body)
            case "PLTE": palette = Array(body)
            case "tRNS": transparency = Array(body)
            case "IDAT": idat.append(contentsOf: body)
            case "IEND": break chunks
            default: break  // ancillary chunks (gAMA, pHYs, text...) are irrelevant here
            }
            pos = start + length + 4  // skip CRC; a corrupt file fails in the zlib stream instead
        }
        guard let h = ihdr, h.count == 13 else { throw .malformed("missing IHDR") }
        let width = Int(be32(h, 0)), height = Int(be32(h, 4))
        let bitDepth = Int(h[8]), colorType = Int(h[9])
        guard width > 0, height > 0 else { throw .malformed("zero size") }
        guard width <= Self.maxPixels, height <= Self.maxPixels, width * height <= Self.maxPixels else {
            throw .tooLarge(width: width, height: height)
        }
        guard h[10] == 0, h[11] == 0 else { throw .malformed("unknown compression or filter method") }
        guard h[12] == 0 else { throw .unsupported("interlaced images") }
        guard !idat.isEmpty else { throw .malformed("no IDAT chunk") }

        let channels: Int
        switch colorType {
        case 0, 3: channels = 1  // gray, palette index
        case 2: channels = 3  // RGB
        case 4: channels = 2  // gray + alpha
        case 6: channels = 4  // RGBA
        default: throw .malformed("unknown color type \(colorType)")
        }
        guard colorType == 3 ? [1, 2, 4, 8].contains(bitDepth) : bitDepth == 8 else {
            throw .unsupported(bitDepth == 16 ? "16-bit samples" : "bit depth \(bitDepth) with color type \(colorType)")
        }
        if colorType == 3 && (palette.isEmpty || palette.count % 3 != 0) { throw .malformed("bad PLTE chunk") }

        self.width = width
        self.height = height
        if (colorType == 0 || colorType == 2) && transparency == nil {
            colorSpace = colorType == 0 ? .deviceGray : .deviceRGB
            data = idat
            isFlateWithPredictor = true
            return
        }

        // Decode path: inflate, undo PNG filters, convert to 8-bit gray/RGB on white.
        let rowBytes = (width * channels * bitDepth + 7) / 8
        let expected = height * (rowBytes + 1)
        let raw: [UInt8]
        do { raw = try Inflater.zlibDecompress(idat, limit: expected) } catch { throw .malformed(error.description) }
        guard raw.count == expected else { throw .malformed("image data has wrong length") }
        let pixels = Self.unfilter(raw, rowBytes: rowBytes, height: height, bpp: max(1, channels * bitDepth / 8))
        guard let pixels else { throw .malformed("bad filter type") }

        let gray = colorType == 0 || colorType == 4
        colorSpace = gray ? .deviceGray : .deviceRGB
        isFlateWithPredictor = false
        var out = [UInt8]()
        out.reserveCapacity(width * height * (gray ? 1 : 3))
        // Blend a sample over white: c*a + 255*(1-a), rounded.
        func over(_ c: UInt8, _ a: UInt8) -> UInt8 {
            let alpha = Int(a)
            let blended: Int = Int(c) * alpha + 255 * (255 - alpha)
            return UInt8((blended + 127) / 255)
        }
        for y in 0..<height {
            let row = y * rowBytes
            for x in 0..<width {
                switch colorType {
                case 0: out.append(pixels[row + x])  // gray with tRNS: key colour ignored
                case 2: out.append(contentsOf: pixels[row + 3 * x..<row + 3 * x + 3])
                case 4: out.append(over(pixels[row + 2 * x], pixels[row + 2 * x + 1]))
                case 6:
                    let p = row + 4 * x, a = pixels[p + 3]
                    out.append(over(pixels[p], a)); out.append(over(pixels[p + 1], a)); out.append(over(pixels[p + 2], a))
                default:  // palette, 1/2/4/8 bits per index, optional per-entry alpha in tRNS
                    let bitPos = x * bitDepth
                    let index = Int(pixels[row + bitPos / 8] >> (8 - bitDepth - bitPos % 8)) & ((1 << bitDepth) - 1)
                    guard index * 3 + 2 < palette.count else { throw .malformed("palette index out of range") }
                    let a = transparency.flatMap { index < $0.count ? $0[index] : nil } ?? 255
                    for c in 0..<3 { out.append(over(palette[index * 3 + c], a)) }
                }
            }
        }
        data = out
    }

    /// Reverses PNG scanline filters (None, Sub, Up, Average, Paeth); nil on an unknown filter.
    private static func unfilter(_ raw: [UInt8], rowBytes: Int, height: Int, bpp: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: rowBytes * height)
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            let src = y * (rowBytes + 1) + 1, dst = y * rowBytes
            for i in 0..<rowBytes {
                let a = i >= bpp ? Int(out[dst + i - bpp]) : 0
                let b = y > 0 ? Int(out[dst - rowBytes + i]) : 0
                let c = (i >= bpp && y > 0) ? Int(out[dst - rowBytes + i - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
                default: return nil
                }
                out[dst + i] = UInt8(truncatingIfNeeded: Int(raw[src + i]) + predictor)
            }
        }
        return out
    }
}

@inline(__always) private func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

/// A small, bounded DEFLATE (RFC 1951) decoder inside a zlib (RFC 1950) wrapper, in the style
/// of zlib's `puff.c`: slow bit-at-a-time Huffman decoding, which is fine for logo-sized input.
/// Foundation offers no zlib API on Linux, hence this.
struct Inflater {
    struct Failure: Swift.Error, CustomStringConvertible { let description: String }

    private let input: [UInt8]
    private var pos = 0, bitBuf = 0, bitCount = 0
    private var out: [UInt8] = []
    private let limit: Int

    /// Decompresses a zlib stream, refusing to produce more than `limit` bytes (zip-bomb guard).
    static func zlibDecompress(_ data: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        guard data.count >= 6, data[0] & 0x0F == 8, (Int(data[0]) << 8 | Int(data[1])) % 31 == 0 else {
            throw Failure(description: "bad zlib header")
        }
        guard data[1] & 0x20 == 0 else { throw Failure(description: "zlib preset dictionary") }
        var inflater = Inflater(input: data, pos: 2, limit: limit)
        try inflater.run()
        // Adler-32 trailer follows the deflate data at the next byte boundary.
        let end = inflater.pos
        guard end + 4 <= data.count else { throw Failure(description: "missing Adler-32") }
        let stored = UInt32(data[end]) << 24 | UInt32(data[end + 1]) << 16 | UInt32(data[end + 2]) << 8 | UInt32(data[end + 3])
        guard stored == adler32(inflater.out) else { throw Failure(description: "Adler-32 mismatch") }
        return inflater.out
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for chunkStart in stride(from: 0, to: bytes.count, by: 5552) {  // 5552 keeps sums below 2^32
            for byte in bytes[chunkStart..<min(chunkStart + 5552, bytes.count)] { a += UInt32(byte); b += a }
            a %= 65521; b %= 65521
        }
        return b << 16 | a
    }

    private init(input: [UInt8], pos: Int, limit: Int) {
        self.input = input; self.pos = pos; self.limit = limit
        out.reserveCapacity(limit)
    }

    /// Canonical Huffman code as counts per length and symbols ordered by code.
    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]
        init(lengths: [Int]) throws(Failure) {
            for l in lengths { counts[l] += 1 }
            var offsets = [Int](repeating: 0, count: 16)
            for l in 1..<15 { offsets[l + 1] = offsets[l] + counts[l] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, l) in lengths.enumerated() where l != 0 {
                symbols[offsets[l]] = symbol; offsets[l] += 1
            }
            // Over-subscribed codes are invalid; incomplete ones are allowed (single-code distance trees).
            var left = 1
            for l in 1...15 {
                left = left * 2 - counts[l]
                if left < 0 { throw Failure(description: "over-subscribed Huffman code") }
            }
        }
    }

    private mutating func bits(_ n: Int) throws(Failure) -> Int {
        while bitCount < n {
            guard pos < input.count else { throw Failure(description: "unexpected end of data") }
            bitBuf |= Int(input[pos]) << bitCount
            pos += 1; bitCount += 8
        }
        let value = bitBuf & ((1 << n) - 1)
        bitBuf >>= n; bitCount -= n
        return value
    }

    private mutating func decode(_ h: Huffman) throws(Failure) -> Int {
        var code = 0, first = 0, index = 0
        for length in 1...15 {
            code |= try bits(1)
            let count = h.counts[length]
            if code - first < count { return h.symbols[index + code - first] }
            index += count; first = (first + count) << 1; code <<= 1
        }
        throw Failure(description: "invalid Huffman code")
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func run() throws(Failure) {
        var final = 0
        repeat {
            final = try bits(1)
            switch try bits(2) {
            case 0: try stored()
            case 1:
                let lit = try Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
                try codes(lit, try Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2: try dynamic()
            default: throw Failure(description: "invalid block type")
            }
        } while final == 0
        bitBuf = 0; bitCount = 0  // discard the partial byte before the trailer
    }

    private mutating func stored() throws(Failure) {
        bitBuf = 0; bitCount = 0  // stored blocks start at a byte boundary
        guard pos + 4 <= input.count else { throw Failure(description: "truncated stored block") }
        let len = Int(input[pos]) | Int(input[pos + 1]) << 8
        let nlen = Int(input[pos + 2]) | Int(input[pos + 3]) << 8
        guard len == ~nlen & 0xFFFF else { throw Failure(description: "stored block length mismatch") }
        pos += 4
        guard pos + len <= input.count else { throw Failure(description: "truncated stored block") }
        guard out.count + len <= limit else { throw Failure(description: "output exceeds expected size") }
        out.append(contentsOf: input[pos..<pos + len])
        pos += len
    }

    private mutating func dynamic() throws(Failure) {
        let nlen = try bits(5) + 257, ndist = try bits(5) + 1, ncode = try bits(4) + 4
        guard nlen <= 286, ndist <= 30 else { throw Failure(description: "bad dynamic block counts") }
        var codeLengths = [Int](repeating: 0, count: 19)
        for i in 0..<ncode { codeLengths[Self.codeLengthOrder[i]] = try bits(3) }
        let lencode = try Huffman(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < nlen + ndist {
            let symbol = try decode(lencode)
            let repeatValue: Int, times: Int
            switch symbol {
            case 0..<16: lengths.append(symbol); continue
            case 16:
                guard let last = lengths.last else { throw Failure(description: "repeat with no previous length") }
                repeatValue = last; times = 3 + (try bits(2))
            case 17: repeatValue = 0; times = 3 + (try bits(3))
            default: repeatValue = 0; times = 11 + (try bits(7))
            }
            guard lengths.count + times <= nlen + ndist else { throw Failure(description: "too many code lengths") }
            lengths += [Int](repeating: repeatValue, count: times)
        }
        guard lengths[256] != 0 else { throw Failure(description: "no end-of-block code") }
        try codes(try Huffman(lengths: Array(lengths[0..<nlen])), try Huffman(lengths: Array(lengths[nlen...])))
    }

    private mutating func codes(_ lit: Huffman, _ dist: Huffman) throws(Failure) {
        while true {
            let symbol = try decode(lit)
            if symbol < 256 {
                guard out.count < limit else { throw Failure(description: "output exceeds expected size") }
                out.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let s = symbol - 257
                guard s < 29 else { throw Failure(description: "invalid length symbol") }
                let length = Self.lengthBase[s] + (try bits(Self.lengthExtra[s]))
                let d = try decode(dist)
                guard d < 30 else { throw Failure(description: "invalid distance symbol") }
                let distance = Self.distBase[d] + (try bits(Self.distExtra[d]))
                guard distance <= out.count else { throw Failure(description: "distance too far back") }
                guard out.count + length <= limit else { throw Failure(description: "output exceeds expected size") }
                for _ in 0..<length { out.append(out[out.count - distance]) }
            }
        }
    }
}
