/// Encodes RGBA8 images as PNG: colour type 6 (RGBA, 8 bit), or colour type 2 (RGB, 8 bit)
/// when every pixel is opaque and `allowRGB` is set. Not interlaced; deflate by the system zlib.
enum PNGEncoder {
    /// Scanline filter choice.
    enum FilterStrategy: Sendable, CaseIterable {
        /// Filter type 0 on every row: fastest, best for flat artwork with few colours.
        case none
        case sub, up, average, paeth
        /// Per row, the filter with the smallest sum of absolute signed residuals (the
        /// heuristic of libpng and the PNG specification's recommendation).
        case adaptive
    }

    /// - Parameters:
    ///   - compressionLevel: zlib level 0...9 (6 is zlib's default trade-off).
    ///   - allowRGB: write 3-channel RGB when the image is fully opaque (about 25% smaller).
    static func encode(
        _ image: RasterImage,
        filter: FilterStrategy = .adaptive,
        compressionLevel: Int = 6,
        allowRGB: Bool = true
    ) throws(ImagingError) -> [UInt8] {
        guard (0...9).contains(compressionLevel) else {
            throw .invalidParameter(name: "compressionLevel", reason: "must be 0...9, got \(compressionLevel)")
        }
        guard image.width <= 0x7FFF_FFFF, image.height <= 0x7FFF_FFFF else {
            throw .tooLarge(width: image.width, height: image.height, limit: 0x7FFF_FFFF)
        }
        let rgb = allowRGB && image.isOpaque
        let channels = rgb ? 3 : 4
        let filtered = filterRows(image, channels: channels, strategy: filter)
        let compressed: [UInt8]
        do {
            compressed = try Zlib.deflate(filtered, level: compressionLevel, strategy: filter == .none ? .default : .filtered)
        } catch {
            throw .compression(error)
        }

        var out: [UInt8] = []
        out.reserveCapacity(compressed.count + 8 + 25 + 12 + 12 * (compressed.count / 0x10_0000 + 1))
        out += PNGDecoder.signature
        var ihdr: [UInt8] = []
        appendBE32(&ihdr, UInt32(image.width))
        appendBE32(&ihdr, UInt32(image.height))
        ihdr += [8, rgb ? 2 : 6, 0, 0, 0]  // depth, colour type, compression, filter, no interlace
        appendChunk(&out, "IHDR", ihdr[...])
        // 1 MiB IDAT chunks: decoders can stream them and none reaches the 2^31 chunk limit.
        var start = 0
        repeat {
            let end = min(start + 0x10_0000, compressed.count)
            appendChunk(&out, "IDAT", compressed[start..<end])
            start = end
        } while start < compressed.count
        appendChunk(&out, "IEND", [][...])
        return out
    }

    // MARK: Filtering

    /// Produces PNG scanlines (filter byte + filtered samples) for the whole image.
    static func filterRows(_ image: RasterImage, channels: Int, strategy: FilterStrategy) -> [UInt8] {
        let width = image.width
        let height = image.height
        let rowBytes = width * channels
        var out = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        // Samples of the current and previous row in the output format (RGB drops alpha).
        var current = [UInt8](repeating: 0, count: rowBytes)
        var previous = [UInt8](repeating: 0, count: rowBytes)
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        let fixed: UInt8? =
            switch strategy {
            case .none: 0
            case .sub: 1
            case .up: 2
            case .average: 3
            case .paeth: 4
            case .adaptive: nil
            }
        image.pixels.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { dst in
                current.withUnsafeMutableBufferPointer { cur in
                    previous.withUnsafeMutableBufferPointer { prev in
                        candidate.withUnsafeMutableBufferPointer { cand in
                            var cur = cur
                            var prev = prev
                            for y in 0..<height {
                                let src = px.baseAddress! + y * width * 4
                                if channels == 4 {
                                    cur.baseAddress!.update(from: src, count: rowBytes)
                                } else {
                                    for x in 0..<width {
                                        cur[3 * x] = src[4 * x]
                                        cur[3 * x + 1] = src[4 * x + 1]
                                        cur[3 * x + 2] = src[4 * x + 2]
                                    }
                                }
                                let row = dst.baseAddress! + y * (rowBytes + 1)
                                let body = row + 1
                                if let fixed {
                                    row[0] = fixed
                                    apply(fixed, cur.baseAddress!, y > 0 ? prev.baseAddress! : nil, count: rowBytes, bpp: channels, into: body)
                                } else {
                                    var best = UInt8(0)
                                    var bestScore = Int.max
                                    for f in UInt8(0)...4 {
                                        let target = f == 0 ? body : cand.baseAddress!
                                        apply(f, cur.baseAddress!, y > 0 ? prev.baseAddress! : nil, count: rowBytes, bpp: channels, into: target)
                                        let score = residualScore(target, count: rowBytes, stopAbove: bestScore)
                                        if score < bestScore {
                                            bestScore = score
                                            best = f
                                            if f != 0 { body.update(from: cand.baseAddress!, count: rowBytes) }
                                        }
                                    }
                                    row[0] = best
                                }
                                swap(&cur, &prev)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Sum of |residual| treating bytes as signed, stopping early once it exceeds `stopAbove`.
    @inline(__always)
    private static func residualScore(_ p: UnsafeMutablePointer<UInt8>, count: Int, stopAbove: Int) -> Int {
        var sum = 0
        var i = 0
        while i < count {
            let end = min(i + 256, count)
            while i < end {
                let v = Int(Int8(bitPattern: p[i]))
                sum += v < 0 ? -v : v
                i += 1
            }
            if sum >= stopAbove { return sum }
        }
        return sum
    }

    @inline(__always)
    private static func apply(
        _ filter: UInt8,
        _ cur: UnsafeMutablePointer<UInt8>,
        _ prev: UnsafeMutablePointer<UInt8>?,
        count n: Int,
        bpp: Int,
        into out: UnsafeMutablePointer<UInt8>
    ) {
        switch filter {
        case 0:
            out.update(from: cur, count: n)
        case 1:
            for i in 0..<min(bpp, n) { out[i] = cur[i] }
            var i = bpp
            while i < n {
                out[i] = cur[i] &- cur[i - bpp]
                i += 1
            }
        case 2:
            if let prev {
                for i in 0..<n { out[i] = cur[i] &- prev[i] }
            } else {
                out.update(from: cur, count: n)
            }
        case 3:
            if let prev {
                for i in 0..<min(bpp, n) { out[i] = cur[i] &- prev[i] >> 1 }
                var i = bpp
                while i < n {
                    out[i] = cur[i] &- UInt8(truncatingIfNeeded: (Int(cur[i - bpp]) + Int(prev[i])) >> 1)
                    i += 1
                }
            } else {
                for i in 0..<min(bpp, n) { out[i] = cur[i] }
                var i = bpp
                while i < n {
                    out[i] = cur[i] &- cur[i - bpp] >> 1
                    i += 1
                }
            }
        default:  // 4: Paeth
            if let prev {
                for i in 0..<min(bpp, n) { out[i] = cur[i] &- prev[i] }
                var i = bpp
                while i < n {
                    let predictor = paethPredictor(Int(cur[i - bpp]), Int(prev[i]), Int(prev[i - bpp]))
                    out[i] = cur[i] &- UInt8(truncatingIfNeeded: predictor)
                    i += 1
                }
            } else {  // same as Sub
                for i in 0..<min(bpp, n) { out[i] = cur[i] }
                var i = bpp
                while i < n {
                    out[i] = cur[i] &- cur[i - bpp]
                    i += 1
                }
            }
        }
    }

    // MARK: Chunks

    private static func appendChunk(_ out: inout [UInt8], _ type: String, _ body: ArraySlice<UInt8>) {
        appendBE32(&out, UInt32(body.count))
        let typeStart = out.count
        out += type.utf8
        out += body
        appendBE32(&out, Zlib.crc32(out[typeStart...]))
    }

    private static func appendBE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
}

/// PNG's Paeth predictor (RFC 2083 §6.6): the neighbour closest to `a + b - c`, ties a, b, c.
@inline(__always)
func paethPredictor(_ a: Int, _ b: Int, _ c: Int) -> Int {
    let pa = abs(b - c)
    let pb = abs(a - c)
    let pc = abs(a + b - 2 * c)
    return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c)
}
