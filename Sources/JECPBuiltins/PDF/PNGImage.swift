import Foundation

/// A PNG decoded just far enough to become a PDF image XObject.
///
/// 8-bit gray and RGB images without transparency keep their zlib stream as is: PDF's
/// FlateDecode with PNG predictors understands PNG's IDAT data natively, so nothing needs
/// re-encoding (the stream is still inflated once, by zlib, to validate it). Everything else
/// supported (alpha, palette, low bit depths, colour-key transparency) is decoded by
/// `PNGDecoder` and flattened onto white, because an invoice page is white anyway and this
/// avoids soft masks.
///
/// The accepted subset is deliberately unchanged from the original logo support: 16-bit
/// samples, interlacing and sub-8-bit grayscale are rejected as `.unsupported` even though
/// `PNGDecoder` handles them.
struct PNGImage: Sendable {
    enum ColorSpace: String, Sendable {
        case deviceGray = "DeviceGray"
        case deviceRGB = "DeviceRGB"
    }

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

        init(_ error: ImagingError) {
            switch error {
            case .notPNG: self = .notPNG
            case .tooLarge(let w, let h, _): self = .tooLarge(width: w, height: h)
            case .unsupported(let what): self = .unsupported(what)
            case .malformed(let why), .truncated(let why): self = .malformed(why)
            case .crcMismatch(let chunk): self = .malformed("CRC mismatch in \(chunk) chunk")
            case .compression(let zlib): self = .malformed(zlib.description)
            default: self = .malformed(error.description)
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
        let chunks: PNGDecoder.Chunks
        do { chunks = try PNGDecoder.readChunks([UInt8](pngData), pixelLimit: Self.maxPixels) } catch { throw Error(error) }
        let header = chunks.header
        guard !header.interlaced else { throw .unsupported("interlaced images") }
        guard header.bitDepth != 16 else { throw .unsupported("16-bit samples") }
        guard header.colorType == .indexed || header.bitDepth == 8 else {
            throw .unsupported("bit depth \(header.bitDepth) with color type \(header.colorType.rawValue)")
        }
        width = header.width
        height = header.height

        if (header.colorType == .gray || header.colorType == .rgb) && chunks.transparency == nil {
            // Inflate and unfilter once so a corrupt stream fails here, not in the PDF viewer.
            do { _ = try PNGDecoder.unfilteredScanlines(chunks) } catch { throw Error(error) }
            colorSpace = header.colorType == .gray ? .deviceGray : .deviceRGB
            data = chunks.imageData
            isFlateWithPredictor = true
            return
        }

        let image: RasterImage
        do { image = try PNGDecoder.decode(chunks: chunks) } catch { throw Error(error) }
        let gray = header.colorType == .gray || header.colorType == .grayAlpha
        colorSpace = gray ? .deviceGray : .deviceRGB
        isFlateWithPredictor = false
        // Blend each sample over white: c*a + 255*(1-a), rounded. Gray images have R = G = B.
        let components = gray ? 1 : 3
        let count = width * height
        data = image.pixels.withUnsafeBufferPointer { px in
            [UInt8](unsafeUninitializedCapacity: count * components) { out, initialized in
                for i in 0..<count {
                    let alpha = Int(px[4 * i + 3])
                    for c in 0..<components {
                        out[i * components + c] = UInt8((Int(px[4 * i + c]) * alpha + 255 * (255 - alpha) + 127) / 255)
                    }
                }
                initialized = count * components
            }
        }
    }
}
