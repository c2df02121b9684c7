import Foundation
import JECPTestProcess
import Testing

/// PNG files written and read by Python's `zlib` and `struct`, independent of our codec.
enum PythonImaging {
    static func run(_ script: String, input: Data = Data()) throws -> Data {
        let python = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script], input: .bytes(Array(input)))
        try #require(python.status == 0, "python3 failed: \(String(decoding: python.errors, as: UTF8.self))")
        return Data(python.output)
    }

    static let chunk = """
        import sys, zlib, struct
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
        """

    /// A `width`×`height` PNG of the given bit depth and color type (2 = RGB, 0 = gray), a gradient.
    static func png(width: Int, height: Int, bitDepth: Int, colorType: Int) throws -> Data {
        try run(chunk + """

            w, h, depth, ctype = \(width), \(height), \(bitDepth), \(colorType)
            channels = 3 if ctype == 2 else 1
            top = (1 << depth) - 1
            rows = b""
            for y in range(h):
                samples = [(x * 7 + y * 13 + c * 29) * top // max(1, w * 7 + h * 13 + 58) for x in range(w) for c in range(channels)]
                if depth == 16:
                    row = b"".join(struct.pack(">H", v) for v in samples)
                elif depth == 8:
                    row = bytes(samples)
                else:  # 1, 2 and 4 bits: samples packed from the high bits, rows padded to a byte
                    bits = "".join(format(v, "0%db" % depth) for v in samples)
                    bits += "0" * (-len(bits) % 8)
                    row = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
                rows += b"\\x00" + row
            png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
            png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
            sys.stdout.buffer.write(png)
            """)
    }

    /// `(width, height, bit depth, color type)` from the IHDR, after checking every chunk's CRC and
    /// that the image data inflates to exactly the size the header implies.
    static func inspect(_ png: Data) throws -> (width: Int, height: Int, bitDepth: Int, colorType: Int) {
        let text = String(decoding: try run("""
            import sys, zlib, struct
            data = sys.stdin.buffer.read()
            assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
            pos, idat, ihdr = 8, b"", None
            while pos < len(data):
                (length,) = struct.unpack(">I", data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + length]
                (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
                assert crc == zlib.crc32(kind + body) & 0xffffffff, kind
                if kind == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
                if kind == b"IDAT": idat += body
                pos += 12 + length
            w, h, depth, ctype, _, _, interlace = ihdr
            channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
            assert interlace == 0
            assert len(zlib.decompress(idat)) == h * (1 + (w * channels * depth + 7) // 8)
            print(w, h, depth, ctype)
            """, input: png), as: UTF8.self)
        let numbers = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(numbers.count == 4, "unexpected inspection output: \(text)")
        return (numbers[0], numbers[1], numbers[2], numbers[3])
    }
}
