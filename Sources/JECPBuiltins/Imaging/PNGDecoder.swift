/// A complete PNG (ISO/IEC 15948) decoder to RGBA8, with zlib from the system library.
///
/// Handles every standard combination: colour types 0 (gray), 2 (RGB), 3 (palette), 4 (gray +
/// alpha) and 6 (RGBA); bit depths 1, 2, 4, 8 and 16 wherever the format allows them; tRNS
/// transparency (per palette entry, or a gray / RGB colour key); Adam7 interlacing; all five
/// scanline filters. Every chunk's CRC is checked and IHDR is validated.
///
/// 16-bit samples are reduced to 8 bits by *rounding* (`v * 255 / 65535` to the nearest
/// integer, as libpng's `png_set_scale_16`), not by taking the high byte. A colour key in tRNS
/// is compared against the full-precision sample before the reduction. Samples below 8 bits
/// are scaled to the full range (a 1-bit 1 becomes 255, a 4-bit 0xA becomes 0xAA).
///
/// Ancillary chunks (gAMA, iCCP, sRGB, pHYs, text...) are CRC-checked and otherwise ignored:
/// output is the stored samples, without gamma or colour-profile conversion.
///
/// Resource bounds: the pixel count from IHDR is checked against `pixelLimit` before anything
/// is allocated, and the image data is inflated with a cap of exactly the size IHDR implies,
/// so a zip bomb stops after one byte too many.
enum PNGDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    enum ColorType: UInt8, Sendable {
        case gray = 0
        case rgb = 2
        case indexed = 3
        case grayAlpha = 4
        case rgba = 6

        var channels: Int {
            switch self {
            case .gray, .indexed: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        var allowedBitDepths: [Int] {
            switch self {
            case .gray: [1, 2, 4, 8, 16]
            case .indexed: [1, 2, 4, 8]
            case .rgb, .grayAlpha, .rgba: [8, 16]
            }
        }
    }

    struct Header: Sendable, Equatable {
        var width: Int
        var height: Int
        var bitDepth: Int
        var colorType: ColorType
        var interlaced: Bool

        var bitsPerPixel: Int { bitDepth * colorType.channels }
        /// The "bpp" of the filter algorithms: bytes per complete pixel, at least 1.
        var filterStride: Int { max(1, bitsPerPixel / 8) }
        func rowBytes(width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
    }

    /// The chunks that matter for decoding, after CRC and ordering checks.
    struct Chunks: Sendable {
        var header: Header
        /// PLTE entries as RGB triples (empty when absent).
        var palette: [UInt8]
        /// tRNS body as stored (nil when absent).
        var transparency: [UInt8]?
        /// All IDAT bodies concatenated: one zlib stream.
        var imageData: [UInt8]
    }

    // MARK: Public entry points

    /// Decodes a PNG file to RGBA8.
    static func decode(_ data: [UInt8], pixelLimit: Int = RasterImage.defaultPixelLimit) throws(ImagingError) -> RasterImage {
        try decode(chunks: readChunks(data, pixelLimit: pixelLimit))
    }

    /// Reads and validates only the signature and IHDR (no CRC check of later chunks).
    static func readHeader(_ data: [UInt8]) throws(ImagingError) -> Header {
        guard data.count >= 8, data[0..<8].elementsEqual(signature) else { throw .notPNG }
        guard data.count >= 8 + 8 + 13 + 4 else { throw .truncated("file ends inside IHDR") }
        guard be32(data, 8) == 13, data[12..<16].elementsEqual("IHDR".utf8) else { throw .malformed("first chunk is not a 13-byte IHDR") }
        guard Zlib.crc32(data[12..<29]) == be32(data, 29) else { throw .crcMismatch(chunk: "IHDR") }
        return try parseHeader(data[16..<29])
    }

    /// Walks the chunk list: signature, CRCs, chunk order, IHDR sanity, pixel limit (checked
    /// as soon as IHDR is read, before any allocation proportional to the image).
    static func readChunks(_ data: [UInt8], pixelLimit: Int = RasterImage.defaultPixelLimit) throws(ImagingError) -> Chunks {
        guard data.count >= 8, data[0..<8].elementsEqual(signature) else { throw .notPNG }
        var header: Header?
        var palette: [UInt8] = []
        var transparency: [UInt8]?
        var imageData: [UInt8] = []
        var sawIDAT = false
        var idatEnded = false
        var pos = 8
        while true {
            guard pos + 8 <= data.count else {
                throw .truncated(pos == data.count ? "missing IEND chunk" : "file ends inside a chunk header")
            }
            let length = Int(be32(data, pos))
            let typeBytes = data[pos + 4..<pos + 8]
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw .malformed("invalid chunk type at offset \(pos + 4)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= 0x7FFF_FFFF else { throw .malformed("\(type) chunk length \(length) exceeds 2^31-1") }
            let bodyStart = pos + 8
            guard length <= data.count - bodyStart, data.count - bodyStart - length >= 4 else {
                throw .truncated("file ends inside the \(type) chunk")
            }
            let bodyEnd = bodyStart + length
            guard Zlib.crc32(data[pos + 4..<bodyEnd]) == be32(data, bodyEnd) else { throw .crcMismatch(chunk: type) }
            let body = data[bodyStart..<bodyEnd]
            pos = bodyEnd + 4

            if header == nil && type != "IHDR" { throw .malformed("first chunk is \(type), not IHDR") }
            if sawIDAT && type != "IDAT" { idatEnded = true }
            switch type {
            case "IHDR":
                guard header == nil else { throw .malformed("more than one IHDR chunk") }
                let h = try parseHeader(body)
                _ = try RasterImage.checkedPixelCount(width: h.width, height: h.height, limit: pixelLimit)
                header = h
            case "PLTE":
                guard !sawIDAT else { throw .malformed("PLTE after IDAT") }
                guard palette.isEmpty else { throw .malformed("more than one PLTE chunk") }
                guard length > 0, length % 3 == 0, length <= 256 * 3 else { throw .malformed("PLTE length \(length) is not 3...768 in steps of 3") }
                switch header!.colorType {
                case .gray, .grayAlpha: throw .malformed("PLTE chunk in a grayscale image")
                case .indexed: palette = Array(body)
                case .rgb, .rgba: break  // a suggested palette for true-colour images: irrelevant
                }
            case "tRNS":
                guard !sawIDAT else { throw .malformed("tRNS after IDAT") }
                guard transparency == nil else { throw .malformed("more than one tRNS chunk") }
                switch header!.colorType {
                case .gray: guard length == 2 else { throw .malformed("tRNS for gray must be 2 bytes, got \(length)") }
                case .rgb: guard length == 6 else { throw .malformed("tRNS for RGB must be 6 bytes, got \(length)") }
                case .indexed: guard !palette.isEmpty else { throw .malformed("tRNS before PLTE") }
                case .grayAlpha, .rgba: continue  // not allowed with an alpha channel; ignored like libpng
                }
                transparency = Array(body)
            case "IDAT":
                guard !idatEnded else { throw .malformed("IDAT chunks are not consecutive") }
                sawIDAT = true
                imageData.append(contentsOf: body)
            case "IEND":
                guard let header else { throw .malformed("missing IHDR") }
                guard sawIDAT else { throw .malformed("no IDAT chunk") }
                if header.colorType == .indexed && palette.isEmpty { throw .malformed("palette image without PLTE") }
                return Chunks(header: header, palette: palette, transparency: transparency, imageData: imageData)
            default:
                // Bit 5 of the first type byte clear = critical: we must understand it to decode.
                if typeBytes.first! & 0x20 == 0 { throw .unsupported("unknown critical chunk \(type)") }
            }
        }
    }

    /// Decodes already-read chunks to RGBA8.
    static func decode(chunks: Chunks) throws(ImagingError) -> RasterImage {
        let h = chunks.header
        let raw = try unfilteredScanlines(chunks)
        let count = h.width * h.height  // validated by readChunks
        let converter = RowConverter(chunks)
        var pixels = [UInt8](repeating: 0, count: count * 4)
        let indicesValid = raw.withUnsafeBufferPointer { rawBuf in
            pixels.withUnsafeMutableBufferPointer { out in
                var valid = true
                var offset = 0
                for pass in passes(h) {
                    let rowBytes = h.rowBytes(width: pass.width)
                    for row in 0..<pass.height {
                        let y = pass.y0 + row * pass.dy
                        let dest = out.baseAddress! + (y * h.width + pass.x0) * 4
                        valid = converter.convert(rawBuf.baseAddress! + offset + 1, count: pass.width, to: dest, step: pass.dx * 4) && valid
                        offset += rowBytes + 1
                    }
                }
                return valid
            }
        }
        guard indicesValid else {
            throw .malformed("pixel uses a palette index beyond the \(converter.paletteCount) PLTE entries")
        }
        return RasterImage(uncheckedWidth: h.width, height: h.height, pixels: pixels)
    }

    /// Inflates the image data and reverses the scanline filters in place. The result keeps
    /// PNG's layout (per pass, per row: the filter byte, now meaningless, then the samples).
    static func unfilteredScanlines(_ chunks: Chunks) throws(ImagingError) -> [UInt8] {
        let h = chunks.header
        let layout = passes(h)
        var expected = 0
        for pass in layout {
            // Bounded by the pixel limit: at most 8 bytes per pixel plus a filter byte per row.
            expected += pass.height * (h.rowBytes(width: pass.width) + 1)
        }
        var raw: [UInt8]
        do {
            raw = try Zlib.inflate(chunks.imageData, limit: expected, expectedSize: expected)
        } catch {
            throw .compression(error)
        }
        guard raw.count == expected else {
            throw .malformed("image data is \(raw.count) bytes, IHDR implies \(expected)")
        }
        let stride = h.filterStride
        try raw.withUnsafeMutableBufferPointer { (buf) throws(ImagingError) in
            var offset = 0
            for pass in layout {
                let rowBytes = h.rowBytes(width: pass.width)
                var previous: UnsafeMutablePointer<UInt8>? = nil
                for row in 0..<pass.height {
                    let filter = buf[offset]
                    let current = buf.baseAddress! + offset + 1
                    guard filter <= 4 else { throw .malformed("unknown filter type \(filter) in row \(row)") }
                    unfilter(filter, current, previous, count: rowBytes, stride: stride)
                    previous = current
                    offset += rowBytes + 1
                }
            }
        }
        return raw
    }

    // MARK: Layout

    struct Pass: Sendable { var x0: Int, y0: Int, dx: Int, dy: Int, width: Int, height: Int }

    /// The non-empty passes: one full pass, or the seven Adam7 sub-images.
    static func passes(_ h: Header) -> [Pass] {
        guard h.interlaced else { return [Pass(x0: 0, y0: 0, dx: 1, dy: 1, width: h.width, height: h.height)] }
        let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return adam7.compactMap { x0, y0, dx, dy in
            let w = (h.width - x0 + dx - 1) / dx
            let ht = (h.height - y0 + dy - 1) / dy
            return w > 0 && ht > 0 ? Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: w, height: ht) : nil
        }
    }

    // MARK: Filters

    /// Reverses one scanline's filter in place; `previous` is the unfiltered prior row of the
    /// same pass (nil on its first row, which PNG defines as all zeros).
    @inline(__always)
    private static func unfilter(
        _ filter: UInt8,
        _ cur: UnsafeMutablePointer<UInt8>,
        _ previous: UnsafeMutablePointer<UInt8>?,
        count n: Int,
        stride bpp: Int
    ) {
        switch (filter, previous) {
        case (0, _), (2, nil):
            return
        case (1, _), (4, nil):  // Sub; Paeth with a zero prior row predicts the left byte
            var i = bpp
            while i < n {
                cur[i] &+= cur[i - bpp]
                i += 1
            }
        case (2, let prev?):  // Up
            for i in 0..<n { cur[i] &+= prev[i] }
        case (3, nil):  // Average with a zero prior row
            var i = bpp
            while i < n {
                cur[i] &+= cur[i - bpp] >> 1
                i += 1
            }
        case (3, let prev?):
            for i in 0..<min(bpp, n) { cur[i] &+= prev[i] >> 1 }
            var i = bpp
            while i < n {
                cur[i] &+= UInt8(truncatingIfNeeded: (Int(cur[i - bpp]) + Int(prev[i])) >> 1)
                i += 1
            }
        case (4, let prev?):  // Paeth
            for i in 0..<min(bpp, n) { cur[i] &+= prev[i] }
            var i = bpp
            while i < n {
                let predictor = paethPredictor(Int(cur[i - bpp]), Int(prev[i]), Int(prev[i - bpp]))
                cur[i] &+= UInt8(truncatingIfNeeded: predictor)
                i += 1
            }
        default:
            return  // filter > 4 is rejected before calling
        }
    }

    // MARK: Sample conversion

    /// Converts unfiltered rows of one format to RGBA8.
    private struct RowConverter {
        let header: Header
        /// Palette as RGBA, 256 entries; `paletteCount` valid ones.
        var palette = [UInt8](repeating: 0, count: 256 * 4)
        var paletteCount = 0
        /// Colour key from tRNS at full sample precision (gray uses only `keyR`).
        var hasKey = false
        var keyR = 0, keyG = 0, keyB = 0

        init(_ chunks: Chunks) {
            header = chunks.header
            let trns = chunks.transparency ?? []
            switch header.colorType {
            case .indexed:
                paletteCount = chunks.palette.count / 3
                for i in 0..<paletteCount {
                    palette[4 * i] = chunks.palette[3 * i]
                    palette[4 * i + 1] = chunks.palette[3 * i + 1]
                    palette[4 * i + 2] = chunks.palette[3 * i + 2]
                    palette[4 * i + 3] = i < trns.count ? trns[i] : 255  // extra tRNS entries ignored
                }
            case .gray where trns.count == 2:
                hasKey = true
                keyR = Int(trns[0]) << 8 | Int(trns[1])
            case .rgb where trns.count == 6:
                hasKey = true
                keyR = Int(trns[0]) << 8 | Int(trns[1])
                keyG = Int(trns[2]) << 8 | Int(trns[3])
                keyB = Int(trns[4]) << 8 | Int(trns[5])
            default:
                break
            }
        }

        /// 16-bit to 8-bit with rounding: round(v * 255 / 65535).
        @inline(__always) static func scale16(_ hi: UInt8, _ lo: UInt8) -> UInt8 {
            let v = UInt32(hi) << 8 | UInt32(lo)
            return UInt8(truncatingIfNeeded: (v * 255 + 32895) >> 16)
        }

        /// Writes `count` pixels to `dst`, `step` bytes apart. Returns false when a palette
        /// index is out of range (those pixels come out transparent black).
        func convert(_ src: UnsafePointer<UInt8>, count: Int, to dst: UnsafeMutablePointer<UInt8>, step: Int) -> Bool {
            let depth = header.bitDepth
            var d = dst
            switch (header.colorType, depth) {
            case (.gray, 8):
                for x in 0..<count {
                    let v = src[x]
                    d[0] = v
                    d[1] = v
                    d[2] = v
                    d[3] = hasKey && Int(v) == keyR ? 0 : 255
                    d += step
                }
            case (.gray, 16):
                for x in 0..<count {
                    let hi = src[2 * x]
                    let lo = src[2 * x + 1]
                    let v = Self.scale16(hi, lo)
                    d[0] = v
                    d[1] = v
                    d[2] = v
                    d[3] = hasKey && (Int(hi) << 8 | Int(lo)) == keyR ? 0 : 255
                    d += step
                }
            case (.gray, _):  // 1, 2, 4 bits
                let mask = (1 << depth) - 1
                let factor = 255 / mask
                for x in 0..<count {
                    let bit = x * depth
                    let s = Int(src[bit >> 3] >> UInt8(8 - depth - (bit & 7))) & mask
                    let v = UInt8(s * factor)
                    d[0] = v
                    d[1] = v
                    d[2] = v
                    d[3] = hasKey && s == keyR ? 0 : 255
                    d += step
                }
            case (.indexed, _):
                return palette.withUnsafeBufferPointer { pal in
                    let mask = (1 << depth) - 1
                    var maxIndex = 0
                    for x in 0..<count {
                        let index: Int
                        if depth == 8 {
                            index = Int(src[x])
                        } else {
                            let bit = x * depth
                            index = Int(src[bit >> 3] >> UInt8(8 - depth - (bit & 7))) & mask
                        }
                        maxIndex = max(maxIndex, index)
                        let p = pal.baseAddress! + 4 * index
                        d[0] = p[0]
                        d[1] = p[1]
                        d[2] = p[2]
                        d[3] = p[3]
                        d += step
                    }
                    return maxIndex < paletteCount
                }
            case (.grayAlpha, 8):
                for x in 0..<count {
                    let v = src[2 * x]
                    d[0] = v
                    d[1] = v
                    d[2] = v
                    d[3] = src[2 * x + 1]
                    d += step
                }
            case (.grayAlpha, _):
                for x in 0..<count {
                    let s = src + 4 * x
                    let v = Self.scale16(s[0], s[1])
                    d[0] = v
                    d[1] = v
                    d[2] = v
                    d[3] = Self.scale16(s[2], s[3])
                    d += step
                }
            case (.rgb, 8):
                for x in 0..<count {
                    let s = src + 3 * x
                    d[0] = s[0]
                    d[1] = s[1]
                    d[2] = s[2]
                    d[3] = hasKey && Int(s[0]) == keyR && Int(s[1]) == keyG && Int(s[2]) == keyB ? 0 : 255
                    d += step
                }
            case (.rgb, _):
                for x in 0..<count {
                    let s = src + 6 * x
                    d[0] = Self.scale16(s[0], s[1])
                    d[1] = Self.scale16(s[2], s[3])
                    d[2] = Self.scale16(s[4], s[5])
                    let isKey =
                        hasKey && (Int(s[0]) << 8 | Int(s[1])) == keyR && (Int(s[2]) << 8 | Int(s[3])) == keyG
                        && (Int(s[4]) << 8 | Int(s[5])) == keyB
                    d[3] = isKey ? 0 : 255
                    d += step
                }
            case (.rgba, 8):
                if step == 4 {
                    d.update(from: src, count: 4 * count)
                } else {
                    for x in 0..<count {
                        let s = src + 4 * x
                        d[0] = s[0]
                        d[1] = s[1]
                        d[2] = s[2]
                        d[3] = s[3]
                        d += step
                    }
                }
            case (.rgba, _):
                for x in 0..<count {
                    let s = src + 8 * x
                    d[0] = Self.scale16(s[0], s[1])
                    d[1] = Self.scale16(s[2], s[3])
                    d[2] = Self.scale16(s[4], s[5])
                    d[3] = Self.scale16(s[6], s[7])
                    d += step
                }
            }
            return true
        }
    }

    // MARK: Helpers

    static func parseHeader(_ body: ArraySlice<UInt8>) throws(ImagingError) -> Header {
        guard body.count == 13 else { throw .malformed("IHDR is \(body.count) bytes, expected 13") }
        let b = Array(body)
        let width = Int(be32(b, 0))
        let height = Int(be32(b, 4))
        guard width > 0, height > 0 else { throw .malformed("image size \(width)x\(height) has a zero side") }
        guard width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else { throw .malformed("image size \(width)x\(height) exceeds 2^31-1") }
        guard let colorType = ColorType(rawValue: b[9]) else { throw .malformed("invalid colour type \(b[9])") }
        let bitDepth = Int(b[8])
        guard colorType.allowedBitDepths.contains(bitDepth) else {
            throw .malformed("bit depth \(bitDepth) is not allowed for colour type \(colorType.rawValue)")
        }
        guard b[10] == 0 else { throw .malformed("unknown compression method \(b[10])") }
        guard b[11] == 0 else { throw .malformed("unknown filter method \(b[11])") }
        guard b[12] <= 1 else { throw .malformed("unknown interlace method \(b[12])") }
        return Header(width: width, height: height, bitDepth: bitDepth, colorType: colorType, interlaced: b[12] == 1)
    }

    @inline(__always) static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}
