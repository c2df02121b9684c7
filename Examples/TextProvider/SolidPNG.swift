/// A PNG of one solid colour, written by hand: 8-bit RGB, no interlace, the pixels in "stored"
/// (uncompressed) deflate blocks inside the zlib stream, so no zlib is needed. Every decoder reads it.
enum SolidPNG {
    static func encode(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) -> [UInt8] {
        precondition(width > 0 && height > 0, "a PNG has at least one pixel")
        // Each scanline: filter type 0 (none), then the pixels.
        var row: [UInt8] = [0]
        for _ in 0..<width { row += [red, green, blue] }
        var raw: [UInt8] = []
        raw.reserveCapacity(row.count * height)
        for _ in 0..<height { raw += row }

        var zlib: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no dictionary; (0x78 << 8 | 0x01) % 31 == 0
        var offset = 0
        repeat {
            let length = min(65_535, raw.count - offset)
            let isLast = offset + length == raw.count
            zlib.append(isLast ? 1 : 0)  // BFINAL, BTYPE 00 = stored
            zlib += littleEndian16(UInt16(length)) + littleEndian16(~UInt16(length))
            zlib += raw[offset..<offset + length]
            offset += length
        } while offset < raw.count
        zlib += bigEndian32(adler32(raw))

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian32(UInt32(width)) + bigEndian32(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian32(UInt32(data.count)) + typeAndData + bigEndian32(crc32(typeAndData))
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as PNG chunks require.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    static func bigEndian32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func littleEndian16(_ value: UInt16) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8)]
    }
}
