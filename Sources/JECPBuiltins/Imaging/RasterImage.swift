/// Errors from decoding, encoding and transforming images.
enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The image (or an operation's result) would have more pixels than allowed. Thrown
    /// before any pixel memory is allocated.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// Width or height is zero or negative.
    case invalidDimensions(width: Int, height: Int)
    /// A pixel buffer does not have `width * height * 4` bytes.
    case pixelCountMismatch(expected: Int, actual: Int)
    /// An operation's parameter is out of range; `reason` says what is allowed.
    case invalidParameter(name: String, reason: String)
    /// A crop rectangle that does not lie inside the image.
    case cropOutOfBounds(x: Int, y: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int)
    /// The data does not start with the PNG signature.
    case notPNG
    /// The file ends in the middle of a chunk or before IEND.
    case truncated(String)
    /// A chunk's CRC-32 does not match its contents.
    case crcMismatch(chunk: String)
    /// Structurally invalid PNG (bad IHDR, chunk order, filter type, palette index...).
    case malformed(String)
    /// Valid PNG using something this decoder does not implement (unknown critical chunk).
    case unsupported(String)
    /// The zlib stream inside the PNG is invalid, truncated or expands past its expected size.
    case compression(ZlibError)

    var description: String {
        switch self {
        case .tooLarge(let w, let h, let limit): "image too large: \(w)x\(h) pixels exceeds the limit of \(limit) pixels"
        case .invalidDimensions(let w, let h): "invalid image size \(w)x\(h): both sides must be at least 1"
        case .pixelCountMismatch(let expected, let actual): "pixel buffer has \(actual) bytes, expected \(expected)"
        case .invalidParameter(let name, let reason): "invalid \(name): \(reason)"
        case .cropOutOfBounds(let x, let y, let w, let h, let iw, let ih):
            "crop rectangle x=\(x) y=\(y) width=\(w) height=\(h) does not fit inside the \(iw)x\(ih) image"
        case .notPNG: "not a PNG file"
        case .truncated(let why): "truncated PNG: \(why)"
        case .crcMismatch(let chunk): "corrupt PNG: CRC mismatch in \(chunk) chunk"
        case .malformed(let why): "malformed PNG: \(why)"
        case .unsupported(let what): "unsupported PNG: \(what)"
        case .compression(let error): "corrupt PNG image data: \(error.description)"
        }
    }
}

/// One RGBA8 pixel (straight, not premultiplied, alpha).
struct RGBA: Sendable, Hashable {
    var r: UInt8, g: UInt8, b: UInt8, a: UInt8

    init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    static let black = RGBA(0, 0, 0)
    static let white = RGBA(255, 255, 255)
    static let transparent = RGBA(0, 0, 0, 0)
}

/// An 8-bit RGBA raster: `pixels` holds `width * height * 4` bytes, rows top to bottom,
/// each pixel R, G, B, A with straight (non-premultiplied) alpha.
///
/// Every initializer checks the pixel count against a cap (default 40 megapixels, 160 MB)
/// before allocating, so an attacker-controlled size cannot exhaust memory.
struct RasterImage: Sendable, Equatable {
    static let defaultPixelLimit = 40_000_000

    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    /// Wraps an existing RGBA8 buffer.
    init(width: Int, height: Int, pixels: [UInt8], pixelLimit: Int = Self.defaultPixelLimit) throws(ImagingError) {
        let count = try Self.checkedPixelCount(width: width, height: height, limit: pixelLimit)
        guard pixels.count == count * 4 else { throw .pixelCountMismatch(expected: count * 4, actual: pixels.count) }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A canvas filled with one colour.
    init(width: Int, height: Int, fill: RGBA = .transparent, pixelLimit: Int = Self.defaultPixelLimit) throws(ImagingError) {
        let count = try Self.checkedPixelCount(width: width, height: height, limit: pixelLimit)
        self.width = width
        self.height = height
        if fill == .transparent {
            pixels = [UInt8](repeating: 0, count: count * 4)
        } else {
            pixels = [UInt8](unsafeUninitializedCapacity: count * 4) { buf, initialized in
                for i in 0..<count {
                    buf[4 * i] = fill.r
                    buf[4 * i + 1] = fill.g
                    buf[4 * i + 2] = fill.b
                    buf[4 * i + 3] = fill.a
                }
                initialized = count * 4
            }
        }
    }

    /// For operations that already validated the size; `pixels.count` must be right.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        assert(pixels.count == width * height * 4)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// `width * height`, or the error an initializer would throw. Overflow-safe; allocates nothing.
    static func checkedPixelCount(width: Int, height: Int, limit: Int = Self.defaultPixelLimit) throws(ImagingError) -> Int {
        guard width > 0, height > 0 else { throw .invalidDimensions(width: width, height: height) }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, count <= limit, count <= Int.max / 4 else {
            throw .tooLarge(width: width, height: height, limit: limit)
        }
        return count
    }

    var pixelCount: Int { width * height }

    /// True when every pixel has alpha 255.
    var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { buf in
            var i = 3
            while i < buf.count {
                if buf[i] != 255 { return false }
                i += 4
            }
            return true
        }
    }

    subscript(x: Int, y: Int) -> RGBA {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            let p = (y * width + x) * 4
            return RGBA(pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            let p = (y * width + x) * 4
            pixels[p] = newValue.r
            pixels[p + 1] = newValue.g
            pixels[p + 2] = newValue.b
            pixels[p + 3] = newValue.a
        }
    }

    /// Direct mutable access to the RGBA bytes (the count cannot change).
    mutating func withUnsafeMutablePixels<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Alpha-blends `color` over the pixel at (x, y) with extra `coverage` in 0...1; pixels
    /// outside the image are ignored. Used by the chart renderer.
    mutating func blend(x: Int, y: Int, color: RGBA, coverage: Double = 1) {
        guard x >= 0, x < width, y >= 0, y < height, coverage > 0 else { return }
        let a = Double(color.a) / 255 * min(coverage, 1)
        let p = (y * width + x) * 4
        let dstA = Double(pixels[p + 3]) / 255
        let outA = a + dstA * (1 - a)
        guard outA > 0 else { return }
        func mix(_ src: UInt8, _ dst: UInt8) -> UInt8 {
            UInt8(min(max(((Double(src) * a + Double(dst) * dstA * (1 - a)) / outA).rounded(), 0), 255))
        }
        pixels[p] = mix(color.r, pixels[p])
        pixels[p + 1] = mix(color.g, pixels[p + 1])
        pixels[p + 2] = mix(color.b, pixels[p + 2])
        pixels[p + 3] = UInt8(min(max((outA * 255).rounded(), 0), 255))
    }
}
