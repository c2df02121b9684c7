import CZlib

/// Errors from the zlib wrappers. Corrupt input is always reported, never trapped on.
enum ZlibError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The decompressed data would be larger than the caller's cap (zip-bomb guard).
    case outputLimitExceeded(limit: Int)
    /// The input ended before the end of the compressed stream.
    case truncated
    /// zlib rejected the data (bad header, invalid code, checksum mismatch...); zlib's own message.
    case corrupt(String)
    /// The stream asks for a preset dictionary, which no format used here defines.
    case needsDictionary
    /// zlib failed for a reason that is not the data's fault (out of memory, version mismatch).
    case library(code: Int32, message: String)

    var description: String {
        switch self {
        case .outputLimitExceeded(let limit): "decompressed data exceeds the limit of \(limit) bytes"
        case .truncated: "compressed data is truncated"
        case .corrupt(let why): "corrupt compressed data: \(why)"
        case .needsDictionary: "compressed data needs a preset dictionary"
        case .library(let code, let message): "zlib error \(code): \(message)"
        }
    }
}

/// Thin, bounded wrappers over the system zlib (linked as `CZlib`).
enum Zlib {
    /// Container around the DEFLATE data.
    enum Format: Sendable {
        /// RFC 1950: 2-byte header and Adler-32 trailer (PNG IDAT, PDF FlateDecode).
        case zlib
        /// RFC 1951 with no header or checksum.
        case raw
        /// RFC 1952 (header, CRC-32 and length trailer).
        case gzip

        var windowBits: Int32 {
            switch self {
            case .zlib: 15
            case .raw: -15
            case .gzip: 15 + 16
            }
        }
    }

    /// zlib's `Z_FILTERED` is tuned for PNG-filtered data, `Z_RLE` for flat artwork.
    enum Strategy: Sendable {
        case `default`, filtered, rle
        var raw: Int32 {
            switch self {
            case .default: Z_DEFAULT_STRATEGY
            case .filtered: Z_FILTERED
            case .rle: Z_RLE
            }
        }
    }

    /// Largest chunk handed to zlib at once (its counters are 32-bit).
    private static let maxChunk = Int(Int32.max)

    /// Decompresses one stream, refusing to produce more than `limit` bytes.
    ///
    /// - Parameters:
    ///   - expectedSize: a size hint (for example the exact size of a PNG's filtered scanlines);
    ///     the output buffer starts at that size (if the input is at least 1/16 of it), so a
    ///     well-formed stream is written without reallocating. Otherwise the buffer grows
    ///     geometrically, so memory follows the data actually produced, up to `limit`.
    /// - Throws: `.outputLimitExceeded` as soon as the stream would produce byte `limit + 1`
    ///   (memory use stays at about `limit`), `.truncated` when the input ends early, `.corrupt`
    ///   for invalid data, including a bad Adler-32 or CRC trailer.
    /// Bytes after the end of the stream are ignored (PNG decoders tolerate them too).
    static func inflate(
        _ input: [UInt8],
        limit: Int,
        expectedSize: Int? = nil,
        format: Format = .zlib
    ) throws(ZlibError) -> [UInt8] {
        precondition(limit >= 0, "limit must not be negative")
        // zlib keeps a pointer back to its z_stream and checks it, so the struct needs a
        // stable address: heap-allocate it rather than rely on a Swift local.
        let stream = newStream()
        defer { stream.deallocate() }
        let initStatus = inflateInit2_(stream, format.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw libraryError(initStatus, stream) }
        defer { inflateEnd(stream) }

        // One spare byte past the limit lets us tell "exactly limit bytes" from "more".
        let hardCap = limit == Int.max ? limit : limit + 1
        // Start from the expected size, but no more than 16x the input: a tiny stream whose
        // header claims a huge image must not reserve that memory before producing it.
        let ratioBound = input.count > Int.max / 16 ? Int.max : max(input.count * 16, 65536)
        var capacity = min(hardCap, expectedSize.map { $0 == Int.max ? $0 : $0 + 1 } ?? Int.max, ratioBound)
        var output = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var consumed = 0

        while true {
            if produced == capacity {
                if capacity >= hardCap { throw .outputLimitExceeded(limit: limit) }
                let grown = capacity > hardCap / 2 ? hardCap : capacity * 2
                output.append(contentsOf: repeatElement(0, count: grown - capacity))
                capacity = grown
            }
            let inChunk = min(input.count - consumed, maxChunk)
            let outChunk = min(capacity - produced, maxChunk)
            let status = pump(stream, input, &consumed, inChunk, &output, &produced, outChunk) { CZlib.inflate($0, Z_NO_FLUSH) }
            switch status {
            case Z_STREAM_END:
                if produced > limit { throw .outputLimitExceeded(limit: limit) }
                output.removeSubrange(produced...)
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either the output is full (grow and retry) or input ran out.
                if produced == capacity { continue }
                if consumed == input.count { throw .truncated }
                throw libraryError(status, stream)
            case Z_NEED_DICT:
                throw .needsDictionary
            case Z_DATA_ERROR:
                throw .corrupt(message(stream) ?? "invalid data")
            default:
                throw libraryError(status, stream)
            }
        }
    }

    /// Compresses `input` into a single stream. `level` is 0 (store) ... 9 (smallest).
    static func deflate(
        _ input: [UInt8],
        level: Int = 6,
        format: Format = .zlib,
        strategy: Strategy = .default
    ) throws(ZlibError) -> [UInt8] {
        precondition((0...9).contains(level), "zlib level must be 0...9")
        let stream = newStream()
        defer { stream.deallocate() }
        let initStatus = deflateInit2_(
            stream,
            Int32(level),
            Z_DEFLATED,
            format.windowBits,
            8,
            strategy.raw,
            ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size)
        )
        guard initStatus == Z_OK else { throw libraryError(initStatus, stream) }
        defer { deflateEnd(stream) }

        // deflateBound is exact enough for one-shot compression of inputs below 4 GiB.
        let bound = input.count < maxChunk ? Int(deflateBound(stream, uLong(input.count))) : input.count / 2 + 1024
        var output = [UInt8](repeating: 0, count: max(bound, 64))
        var produced = 0
        var consumed = 0
        while true {
            if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
            let inChunk = min(input.count - consumed, maxChunk)
            let outChunk = min(output.count - produced, maxChunk)
            let flush = consumed + inChunk == input.count ? Z_FINISH : Z_NO_FLUSH
            let status = pump(stream, input, &consumed, inChunk, &output, &produced, outChunk) { CZlib.deflate($0, flush) }
            switch status {
            case Z_STREAM_END:
                output.removeSubrange(produced...)
                return output
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                throw libraryError(status, stream)
            }
        }
    }

    /// zlib's CRC-32 (the PNG chunk checksum), optionally continuing from a previous value.
    static func crc32(_ bytes: some Collection<UInt8>, initial: UInt32 = 0) -> UInt32 {
        var crc = uLong(initial)
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            crc = checksum(buf, crc, CZlib.crc32)
        }
        if done == nil { crc = Array(bytes).withUnsafeBufferPointer { checksum($0, crc, CZlib.crc32) } }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// zlib's Adler-32 (the zlib stream trailer).
    static func adler32(_ bytes: some Collection<UInt8>) -> UInt32 {
        var sum: uLong = 1
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            sum = checksum(buf, sum, CZlib.adler32)
        }
        if done == nil { sum = Array(bytes).withUnsafeBufferPointer { checksum($0, 1, CZlib.adler32) } }
        return UInt32(truncatingIfNeeded: sum)
    }

    private static func checksum(
        _ buf: UnsafeBufferPointer<UInt8>,
        _ initial: uLong,
        _ update: (uLong, UnsafePointer<Bytef>?, uInt) -> uLong
    ) -> uLong {
        var value = initial
        var offset = 0
        while offset < buf.count {
            let n = min(buf.count - offset, maxChunk)
            value = update(value, buf.baseAddress! + offset, uInt(n))
            offset += n
        }
        return value
    }

    private static func newStream() -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())  // zalloc/zfree/opaque nil: zlib's default allocator
        return stream
    }

    private static func message(_ stream: UnsafeMutablePointer<z_stream>) -> String? {
        stream.pointee.msg.map { String(cString: $0) }
    }

    private static func libraryError(_ code: Int32, _ stream: UnsafeMutablePointer<z_stream>) -> ZlibError {
        .library(code: code, message: message(stream) ?? String(cString: zError(code)))
    }

    /// One inflate/deflate call from `input[consumed...]` into `output[produced...]`, advancing both.
    private static func pump(
        _ stream: UnsafeMutablePointer<z_stream>, _ input: [UInt8], _ consumed: inout Int, _ inChunk: Int,
        _ output: inout [UInt8], _ produced: inout Int, _ outChunk: Int, _ call: (UnsafeMutablePointer<z_stream>) -> Int32
    ) -> Int32 {
        let (inOffset, outOffset) = (consumed, produced)
        let status = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                // zlib never writes through next_in; the cast only satisfies its C signature.
                stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + inOffset })
                stream.pointee.avail_in = UInt32(inChunk)
                stream.pointee.next_out = outBuf.baseAddress.map { $0 + outOffset }
                stream.pointee.avail_out = UInt32(outChunk)
                return call(stream)
            }
        }
        consumed += inChunk - Int(stream.pointee.avail_in)
        produced += outChunk - Int(stream.pointee.avail_out)
        return status
    }
}

/// The name the PDF code and its tests used for the old hand-written decoder; only the
/// checksum helper survives, now backed by zlib.
typealias Inflater = Zlib
