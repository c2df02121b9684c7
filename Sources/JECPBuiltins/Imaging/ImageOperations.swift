import Foundation

/// Basic raster operations. Every operation returns a new image, validates its parameters
/// (throwing `ImagingError.invalidParameter` / `.cropOutOfBounds` with the allowed range) and
/// never produces more than `pixelLimit` pixels. Filters that mix neighbouring pixels (resize,
/// blur) work on premultiplied alpha, so transparent pixels do not bleed their colour.
extension RasterImage {
    enum FlipDirection: String, Sendable, CaseIterable { case horizontal, vertical }

    /// Clockwise rotation by a right angle.
    enum Rotation: Int, Sendable, CaseIterable {
        case clockwise90 = 90
        case clockwise180 = 180
        case clockwise270 = 270
    }

    static let blurRadiusRange: ClosedRange<Double> = 1...50
    static let adjustmentRange: ClosedRange<Double> = -100...100

    // MARK: Resize

    /// Resizes to exactly `width` x `height` with bilinear (triangle) filtering. When
    /// shrinking, the filter widens with the scale factor (as Pillow's BILINEAR does), so
    /// large reductions average all covered pixels instead of aliasing.
    func resized(width newWidth: Int, height newHeight: Int, pixelLimit: Int = Self.defaultPixelLimit) throws(ImagingError) -> RasterImage {
        guard newWidth > 0, newHeight > 0 else {
            throw .invalidParameter(name: "size", reason: "width and height must be at least 1, got \(newWidth)x\(newHeight)")
        }
        let count = try Self.checkedPixelCount(width: newWidth, height: newHeight, limit: pixelLimit)
        if newWidth == width && newHeight == height { return self }
        return Resampler.resize(self, width: newWidth, height: newHeight, count: count)
    }

    /// Scales to fit inside `maxWidth` x `maxHeight`, keeping the aspect ratio. Images that
    /// already fit are returned unchanged unless `allowUpscaling` is set.
    func resized(
        fittingWidth maxWidth: Int,
        height maxHeight: Int,
        allowUpscaling: Bool = false,
        pixelLimit: Int = Self.defaultPixelLimit
    ) throws(ImagingError) -> RasterImage {
        guard maxWidth > 0, maxHeight > 0 else {
            throw .invalidParameter(name: "box", reason: "width and height must be at least 1, got \(maxWidth)x\(maxHeight)")
        }
        var scale = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        if !allowUpscaling { scale = min(scale, 1) }
        let w = min(maxWidth, max(1, Int((Double(width) * scale).rounded())))
        let h = min(maxHeight, max(1, Int((Double(height) * scale).rounded())))
        return try resized(width: w, height: h, pixelLimit: pixelLimit)
    }

    // MARK: Geometry

    /// The `width` x `height` rectangle whose top-left corner is (x, y); it must lie inside the image.
    func cropped(x: Int, y: Int, width w: Int, height h: Int) throws(ImagingError) -> RasterImage {
        guard w > 0, h > 0 else {
            throw .invalidParameter(name: "crop size", reason: "width and height must be at least 1, got \(w)x\(h)")
        }
        guard x >= 0, y >= 0, x <= width - w, y <= height - h else {
            throw .cropOutOfBounds(x: x, y: y, width: w, height: h, imageWidth: width, imageHeight: height)
        }
        var out = [UInt8]()
        out.reserveCapacity(w * h * 4)
        for row in y..<(y + h) {
            let start = (row * width + x) * 4
            out += pixels[start..<start + w * 4]
        }
        return RasterImage(uncheckedWidth: w, height: h, pixels: out)
    }

    /// Rotates clockwise; `degrees` must be 90, 180 or 270 (or -90, -180, -270, 0 and 360).
    func rotated(degrees: Int) throws(ImagingError) -> RasterImage {
        guard degrees % 90 == 0, (-360...360).contains(degrees) else {
            throw .invalidParameter(name: "rotation", reason: "must be a multiple of 90 between -360 and 360, got \(degrees)")
        }
        let normalized = (degrees % 360 + 360) % 360
        guard let rotation = Rotation(rawValue: normalized) else { return self }
        return rotated(rotation)
    }

    func rotated(_ rotation: Rotation) -> RasterImage {
        let (w, h) = (width, height)
        let (outW, outH) = rotation == .clockwise180 ? (w, h) : (h, w)
        var out = [UInt8](repeating: 0, count: w * h * 4)
        pixels.withUnsafeBytes { srcRaw in
            out.withUnsafeMutableBytes { dstRaw in
                let src = srcRaw.bindMemory(to: UInt32.self)
                let dst = dstRaw.bindMemory(to: UInt32.self)
                for y in 0..<h {
                    for x in 0..<w {
                        let (nx, ny) =
                            switch rotation {
                            case .clockwise90: (h - 1 - y, x)
                            case .clockwise180: (w - 1 - x, h - 1 - y)
                            case .clockwise270: (y, w - 1 - x)
                            }
                        dst[ny * outW + nx] = src[y * w + x]
                    }
                }
            }
        }
        return RasterImage(uncheckedWidth: outW, height: outH, pixels: out)
    }

    func flipped(_ direction: FlipDirection) -> RasterImage {
        var out = [UInt8](repeating: 0, count: pixels.count)
        let (w, h) = (width, height)
        pixels.withUnsafeBytes { srcRaw in
            out.withUnsafeMutableBytes { dstRaw in
                let src = srcRaw.bindMemory(to: UInt32.self)
                let dst = dstRaw.bindMemory(to: UInt32.self)
                for y in 0..<h {
                    switch direction {
                    case .horizontal:
                        for x in 0..<w { dst[y * w + x] = src[y * w + w - 1 - x] }
                    case .vertical:
                        for x in 0..<w { dst[y * w + x] = src[(h - 1 - y) * w + x] }
                    }
                }
            }
        }
        return RasterImage(uncheckedWidth: w, height: h, pixels: out)
    }

    // MARK: Colour

    /// Rec. 709 luma of the stored (gamma-encoded) values: Y' = 0.2126 R' + 0.7152 G' + 0.0722 B'.
    /// Alpha is kept.
    func grayscale() -> RasterImage {
        var out = pixels
        out.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                let y = (2126 * Int(p[i]) + 7152 * Int(p[i + 1]) + 722 * Int(p[i + 2]) + 5000) / 10000
                p[i] = UInt8(y)
                p[i + 1] = UInt8(y)
                p[i + 2] = UInt8(y)
                i += 4
            }
        }
        return RasterImage(uncheckedWidth: width, height: height, pixels: out)
    }

    /// Adds `amount` % of full scale to R, G and B (-100 makes black, 100 white); alpha kept.
    func adjustingBrightness(_ amount: Double) throws(ImagingError) -> RasterImage {
        guard amount.isFinite, Self.adjustmentRange.contains(amount) else {
            throw .invalidParameter(name: "brightness", reason: "must be -100...100, got \(amount)")
        }
        let offset = amount * 2.55
        return applyingLUT { Double($0) + offset }
    }

    /// Scales R, G and B away from (or towards) mid-gray by `(1 + amount / 100)^2`: -100 gives
    /// flat gray, 0 leaves the image as is, 100 multiplies contrast by 4. Alpha kept.
    func adjustingContrast(_ amount: Double) throws(ImagingError) -> RasterImage {
        guard amount.isFinite, Self.adjustmentRange.contains(amount) else {
            throw .invalidParameter(name: "contrast", reason: "must be -100...100, got \(amount)")
        }
        let factor = (1 + amount / 100) * (1 + amount / 100)
        return applyingLUT { (Double($0) - 127.5) * factor + 127.5 }
    }

    private func applyingLUT(_ transform: (UInt8) -> Double) -> RasterImage {
        let lut = (0...255).map { UInt8(min(max(transform(UInt8($0)).rounded(), 0), 255)) }
        var out = pixels
        lut.withUnsafeBufferPointer { table in
            out.withUnsafeMutableBufferPointer { p in
                var i = 0
                while i < p.count {
                    p[i] = table[Int(p[i])]
                    p[i + 1] = table[Int(p[i + 1])]
                    p[i + 2] = table[Int(p[i + 2])]
                    i += 4
                }
            }
        }
        return RasterImage(uncheckedWidth: width, height: height, pixels: out)
    }

    // MARK: Blur

    /// Gaussian blur with standard deviation `radius` pixels (1...50); edges are extended.
    /// Below 3 the exact gaussian kernel (truncated at 3 sigma) is applied; from 3 up it is
    /// approximated by three box blurs per axis, so time stays independent of the radius.
    /// Extra memory is 8 bytes per pixel.
    func blurred(radius: Double) throws(ImagingError) -> RasterImage {
        guard radius.isFinite, Self.blurRadiusRange.contains(radius) else {
            throw .invalidParameter(name: "blur radius", reason: "must be 1...50, got \(radius)")
        }
        return BoxBlur.gaussian(self, sigma: radius)
    }
}

/// A sequence of operations, for callers that take them as data (e.g. a capability's JSON).
enum ImageOperation: Sendable, Equatable {
    case resize(width: Int, height: Int)
    case fit(maxWidth: Int, maxHeight: Int, allowUpscaling: Bool)
    case crop(x: Int, y: Int, width: Int, height: Int)
    case rotate(degrees: Int)
    case flip(RasterImage.FlipDirection)
    case grayscale
    case blur(radius: Double)
    case brightness(Double)
    case contrast(Double)

    func apply(to image: RasterImage, pixelLimit: Int = RasterImage.defaultPixelLimit) throws(ImagingError) -> RasterImage {
        switch self {
        case .resize(let w, let h): try image.resized(width: w, height: h, pixelLimit: pixelLimit)
        case .fit(let w, let h, let up): try image.resized(fittingWidth: w, height: h, allowUpscaling: up, pixelLimit: pixelLimit)
        case .crop(let x, let y, let w, let h): try image.cropped(x: x, y: y, width: w, height: h)
        case .rotate(let degrees): try image.rotated(degrees: degrees)
        case .flip(let direction): image.flipped(direction)
        case .grayscale: image.grayscale()
        case .blur(let radius): try image.blurred(radius: radius)
        case .brightness(let amount): try image.adjustingBrightness(amount)
        case .contrast(let amount): try image.adjustingContrast(amount)
        }
    }

    static func apply(
        _ operations: [ImageOperation],
        to image: RasterImage,
        pixelLimit: Int = RasterImage.defaultPixelLimit
    ) throws(ImagingError) -> RasterImage {
        var current = image
        for operation in operations { current = try operation.apply(to: current, pixelLimit: pixelLimit) }
        return current
    }
}

// MARK: - Resampling

/// Separable triangle-filter resampling on premultiplied Float samples.
private enum Resampler {
    /// Per output index: first source index and normalized weights.
    struct Contributions {
        var starts: [Int] = []
        var counts: [Int] = []
        var offsets: [Int] = []
        var weights: [Float] = []

        init(inSize: Int, outSize: Int) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = filterScale  // triangle support is 1, widened when shrinking
            for i in 0..<outSize {
                let center = (Double(i) + 0.5) * scale
                let lo = max(0, Int((center - support).rounded(.down)))
                let hi = min(inSize, Int((center + support).rounded(.up)))
                var ws: [Double] = []
                for k in lo..<hi {
                    let d = abs((Double(k) + 0.5 - center) / filterScale)
                    ws.append(max(0, 1 - d))
                }
                var total = ws.reduce(0, +)
                if total <= 0 {  // cannot happen for sane sizes; fall back to nearest
                    ws = ws.map { _ in 0 }
                    ws[min(ws.count - 1, max(0, Int(center) - lo))] = 1
                    total = 1
                }
                // Trim zero weights at both ends.
                var first = 0
                var last = ws.count - 1
                while first < last && ws[first] == 0 { first += 1 }
                while last > first && ws[last] == 0 { last -= 1 }
                starts.append(lo + first)
                counts.append(last - first + 1)
                offsets.append(weights.count)
                for k in first...last { weights.append(Float(ws[k] / total)) }
            }
        }
    }

    static func resize(_ image: RasterImage, width outW: Int, height outH: Int, count: Int) -> RasterImage {
        let inW = image.width
        let inH = image.height
        let horizontal = Contributions(inSize: inW, outSize: outW)
        let vertical = Contributions(inSize: inH, outSize: outH)
        var output = [UInt8](repeating: 0, count: count * 4)
        // Do the pass that shrinks the intermediate buffer most first; the smaller of the two
        // orders never exceeds sqrt(inPixels * outPixels), within the pixel limit.
        let horizontalFirst = outW * inH <= inW * outH
        image.pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                var scratch = [Float](repeating: 0, count: max(inW, outW) * 4)
                scratch.withUnsafeMutableBufferPointer { scratch in
                    if horizontalFirst {
                        var mid = [Float](repeating: 0, count: outW * inH * 4)
                        mid.withUnsafeMutableBufferPointer { mid in
                            for y in 0..<inH {
                                premultiply(src.baseAddress! + y * inW * 4, count: inW, into: scratch.baseAddress!)
                                resampleRow(scratch.baseAddress!, horizontal, outCount: outW, into: mid.baseAddress! + y * outW * 4)
                            }
                            for y in 0..<outH {
                                accumulateRows(vertical, index: y, lanes: outW * 4, into: scratch.baseAddress!) {
                                    UnsafePointer(mid.baseAddress! + $0 * outW * 4)
                                }
                                unpremultiply(scratch.baseAddress!, count: outW, into: dst.baseAddress! + y * outW * 4)
                            }
                        }
                    } else {
                        var mid = [Float](repeating: 0, count: inW * outH * 4)
                        var rowBuf = [Float](repeating: 0, count: inW * 4)
                        mid.withUnsafeMutableBufferPointer { mid in
                            rowBuf.withUnsafeMutableBufferPointer { rowBuf in
                                for y in 0..<outH {
                                    accumulateRows(vertical, index: y, lanes: inW * 4, into: mid.baseAddress! + y * inW * 4) { k in
                                        premultiply(src.baseAddress! + k * inW * 4, count: inW, into: rowBuf.baseAddress!)
                                        return UnsafePointer(rowBuf.baseAddress!)
                                    }
                                }
                                for y in 0..<outH {
                                    resampleRow(mid.baseAddress! + y * inW * 4, horizontal, outCount: outW, into: scratch.baseAddress!)
                                    unpremultiply(scratch.baseAddress!, count: outW, into: dst.baseAddress! + y * outW * 4)
                                }
                            }
                        }
                    }
                }
            }
        }
        return RasterImage(uncheckedWidth: outW, height: outH, pixels: output)
    }

    @inline(__always)
    static func premultiply(_ src: UnsafePointer<UInt8>, count: Int, into dst: UnsafeMutablePointer<Float>) {
        for x in 0..<count {
            let a = Float(src[4 * x + 3])
            let f = a / 255
            dst[4 * x] = Float(src[4 * x]) * f
            dst[4 * x + 1] = Float(src[4 * x + 1]) * f
            dst[4 * x + 2] = Float(src[4 * x + 2]) * f
            dst[4 * x + 3] = a
        }
    }

    @inline(__always)
    static func unpremultiply(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<UInt8>) {
        @inline(__always) func byte(_ v: Float) -> UInt8 { UInt8(min(max(v + 0.5, 0), 255)) }
        for x in 0..<count {
            let a = src[4 * x + 3]
            if a < 0.5 {
                dst[4 * x] = 0
                dst[4 * x + 1] = 0
                dst[4 * x + 2] = 0
                dst[4 * x + 3] = 0
                continue
            }
            let f = 255 / a
            dst[4 * x] = byte(src[4 * x] * f)
            dst[4 * x + 1] = byte(src[4 * x + 1] * f)
            dst[4 * x + 2] = byte(src[4 * x + 2] * f)
            dst[4 * x + 3] = byte(a)
        }
    }

    @inline(__always)
    static func resampleRow(_ src: UnsafePointer<Float>, _ c: Contributions, outCount: Int, into dst: UnsafeMutablePointer<Float>) {
        c.weights.withUnsafeBufferPointer { weights in
            for i in 0..<outCount {
                var r: Float = 0
                var g: Float = 0
                var b: Float = 0
                var a: Float = 0
                let start = c.starts[i]
                let n = c.counts[i]
                let offset = c.offsets[i]
                for k in 0..<n {
                    let w = weights[offset + k]
                    let s = src + 4 * (start + k)
                    r += s[0] * w
                    g += s[1] * w
                    b += s[2] * w
                    a += s[3] * w
                }
                dst[4 * i] = r
                dst[4 * i + 1] = g
                dst[4 * i + 2] = b
                dst[4 * i + 3] = a
            }
        }
    }

    /// dst = sum of weight_k * row(k) over the source rows contributing to output row `index`.
    @inline(__always)
    static func accumulateRows(
        _ c: Contributions,
        index: Int,
        lanes: Int,
        into dst: UnsafeMutablePointer<Float>,
        row: (Int) -> UnsafePointer<Float>
    ) {
        dst.update(repeating: 0, count: lanes)
        let start = c.starts[index]
        let n = c.counts[index]
        let offset = c.offsets[index]
        for k in 0..<n {
            let w = c.weights[offset + k]
            let s = row(start + k)
            for i in 0..<lanes { dst[i] += s[i] * w }
        }
    }
}

// MARK: - Blur

/// Gaussian approximation by three box blurs per axis (Kutskir / Wells), in place on a
/// premultiplied 8.8 fixed-point copy of the image.
private enum BoxBlur {
    static func gaussian(_ image: RasterImage, sigma: Double) -> RasterImage {
        let w = image.width
        let h = image.height
        // Premultiplied with 8 fractional bits: colour c*a*256/255, alpha a*256 (max 65280).
        var buf = [UInt16](repeating: 0, count: w * h * 4)
        image.pixels.withUnsafeBufferPointer { src in
            buf.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(w * h) {
                    let a = Int(src[4 * i + 3])
                    for c in 0..<3 { dst[4 * i + c] = UInt16((Int(src[4 * i + c]) * a * 256 + 127) / 255) }
                    dst[4 * i + 3] = UInt16(a * 256)
                }
            }
        }
        buf.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            // One pass over the image along each axis: rows have 4 interleaved lanes; columns are
            // processed in blocks of up to 64 so each step reads contiguous memory.
            func eachAxis(_ pass: (_ start: UnsafeMutablePointer<UInt16>, _ length: Int, _ stride: Int, _ lanes: Int) -> Void) {
                for y in 0..<h { pass(base + y * w * 4, w, 4, 4) }
                var x = 0
                while x < w {
                    let columns = min(64, w - x)
                    pass(base + x * 4, h, w * 4, columns * 4)
                    x += columns
                }
            }
            if sigma < 3 {
                let kernel = gaussianKernel(sigma: sigma)
                let radius = kernel.count / 2
                let ring = UnsafeMutablePointer<Int32>.allocate(capacity: (radius + 1) * 256)
                defer { ring.deallocate() }
                kernel.withUnsafeBufferPointer { k in
                    eachAxis { convolvePass($0, length: $1, stride: $2, lanes: $3, kernel: k, ring: ring) }
                }
            } else {
                let radii = boxRadii(sigma: sigma)
                let ring = UnsafeMutablePointer<Int32>.allocate(capacity: (radii.max()! + 1) * 256)
                defer { ring.deallocate() }
                eachAxis { start, length, stride, lanes in
                    for r in radii { boxPass(start, length: length, stride: stride, lanes: lanes, radius: r, ring: ring) }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: w * h * 4)
        buf.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(w * h) {
                    let a = Int(src[4 * i + 3])
                    guard a >= 128 else { continue }  // alpha rounds to 0: leave transparent black
                    for c in 0..<3 { dst[4 * i + c] = UInt8(min(255, (Int(src[4 * i + c]) * 255 + a / 2) / a)) }
                    dst[4 * i + 3] = UInt8(min(255, (a + 128) >> 8))
                }
            }
        }
        return RasterImage(uncheckedWidth: w, height: h, pixels: out)
    }

    /// Gaussian weights for offsets -r...r (r = ceil(3 sigma)) in 16.16 fixed point, summing
    /// to exactly 65536.
    static func gaussianKernel(sigma: Double) -> [Int32] {
        let radius = Int((3 * sigma).rounded(.up))
        let raw = (-radius...radius).map { k -> Double in
            let x = Double(k)
            return exp(-x * x / (2 * sigma * sigma))
        }
        let total = raw.reduce(0, +)
        var kernel = raw.map { Int32(($0 / total * 65536).rounded()) }
        kernel[radius] += 65536 - kernel.reduce(0, +)
        return kernel
    }

    /// In-place convolution with an odd-length kernel along one axis, edges clamped. Lanes,
    /// stride and ring as in `boxPass`.
    static func convolvePass(
        _ p: UnsafeMutablePointer<UInt16>,
        length n: Int,
        stride: Int,
        lanes: Int,
        kernel: UnsafeBufferPointer<Int32>,
        ring: UnsafeMutablePointer<Int32>
    ) {
        let r = kernel.count / 2
        guard r > 0, n > 1 else { return }
        let slots = r + 1
        withUnsafeTemporaryAllocation(of: Int.self, capacity: lanes) { acc in
            for y in 0..<n {
                let row = p + y * stride
                let saved = ring + (y % slots) * lanes
                for lane in 0..<lanes { saved[lane] = Int32(row[lane]) }
                for lane in 0..<lanes { acc[lane] = 32768 }  // rounding
                for (k, w) in kernel.enumerated() {
                    let weight = Int(w)
                    // Source index, clamped; indices up to y were overwritten, their originals are in the ring.
                    let j = min(max(y + k - r, 0), n - 1)
                    if j <= y {
                        let src = ring + (j % slots) * lanes
                        for lane in 0..<lanes { acc[lane] += weight * Int(src[lane]) }
                    } else {
                        let src = p + j * stride
                        for lane in 0..<lanes { acc[lane] += weight * Int(src[lane]) }
                    }
                }
                for lane in 0..<lanes { row[lane] = UInt16(truncatingIfNeeded: acc[lane] >> 16) }
            }
        }
    }

    /// Radii of three boxes whose successive application matches a gaussian of `sigma`.
    static func boxRadii(sigma: Double) -> [Int] {
        let n = 3.0
        var wl = Int((12 * sigma * sigma / n + 1).squareRoot().rounded(.down))
        if wl % 2 == 0 { wl -= 1 }
        wl = max(wl, 1)
        let wu = wl + 2
        let wlD = Double(wl)
        let m = Int(((12 * sigma * sigma - n * wlD * wlD - 4 * n * wlD - 3 * n) / (-4 * wlD - 4)).rounded())
        return (0..<3).map { ($0 < m ? wl : wu) / 2 }
    }

    /// In-place running-sum box filter of radius `radius` along one axis, edges clamped.
    /// `lanes` (at most 256) independent channels are contiguous at each of `length`
    /// positions, `stride` apart. Original values still needed after being overwritten are
    /// kept in `ring` ((radius + 1) * lanes slots).
    static func boxPass(
        _ p: UnsafeMutablePointer<UInt16>,
        length n: Int,
        stride: Int,
        lanes: Int,
        radius r: Int,
        ring: UnsafeMutablePointer<Int32>
    ) {
        guard r > 0, n > 1 else { return }
        let size = Int32(2 * r + 1)
        let half = size / 2
        let slots = r + 1
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: lanes * 3) { scratch in
            let sums = scratch.baseAddress!
            let firsts = sums + lanes
            let lasts = firsts + lanes
            let last = p + (n - 1) * stride
            for lane in 0..<lanes {
                firsts[lane] = Int32(p[lane])
                lasts[lane] = Int32(last[lane])
                sums[lane] = Int32(r + 1) * firsts[lane]  // (r + 1) copies of the first value...
            }
            for k in 1...r {  // ...plus the next r values (clamped)
                let row = p + min(k, n - 1) * stride
                for lane in 0..<lanes { sums[lane] += Int32(row[lane]) }
            }
            for y in 0..<n {
                let row = p + y * stride
                let saved = ring + (y % slots) * lanes
                let addIndex = y + r + 1
                let subIndex = y - r
                let addRow: UnsafeMutablePointer<UInt16>? = addIndex >= n - 1 ? nil : p + addIndex * stride
                let subRow: UnsafeMutablePointer<Int32>? = subIndex <= 0 ? nil : ring + (subIndex % slots) * lanes
                for lane in 0..<lanes {
                    saved[lane] = Int32(row[lane])
                    row[lane] = UInt16(truncatingIfNeeded: (sums[lane] + half) / size)
                    let add = addRow.map { Int32($0[lane]) } ?? lasts[lane]
                    let sub = subRow.map { $0[lane] } ?? firsts[lane]
                    sums[lane] += add - sub
                }
            }
        }
    }
}
