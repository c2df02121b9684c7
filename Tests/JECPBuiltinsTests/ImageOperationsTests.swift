import Testing

@testable import JECPBuiltins

@Suite("Image operations")
struct ImageOperationsTests {
    /// 3x2 image whose pixels are all different: (x, y) -> (10x + 1, 10y + 1, 7, 255).
    private func labelled(width: Int = 3, height: Int = 2) throws -> RasterImage {
        var image = try RasterImage(width: width, height: height)
        for y in 0..<height { for x in 0..<width { image[x, y] = RGBA(UInt8(10 * x + 1), UInt8(10 * y + 1), 7) } }
        return image
    }

    private func label(_ p: RGBA) -> (x: Int, y: Int) { ((Int(p.r) - 1) / 10, (Int(p.g) - 1) / 10) }

    // MARK: RasterImage

    @Test func rasterImageValidatesItsSize() throws {
        #expect(throws: ImagingError.invalidDimensions(width: 0, height: 5)) { try RasterImage(width: 0, height: 5) }
        #expect(throws: ImagingError.invalidDimensions(width: 3, height: -1)) { try RasterImage(width: 3, height: -1) }
        #expect(throws: ImagingError.pixelCountMismatch(expected: 8, actual: 7)) {
            try RasterImage(width: 2, height: 1, pixels: [0, 0, 0, 0, 0, 0, 0])
        }
        #expect(throws: ImagingError.tooLarge(width: Int.max, height: 2, limit: 40_000_000)) { try RasterImage(width: Int.max, height: 2) }
        #expect(throws: ImagingError.tooLarge(width: 8000, height: 6000, limit: 40_000_000)) {
            try RasterImage(width: 8000, height: 6000, fill: .white)
        }
        let ok = try RasterImage(width: 2, height: 2, fill: RGBA(1, 2, 3, 4))
        #expect(ok.pixels == Array([[UInt8]](repeating: [1, 2, 3, 4], count: 4).joined()))
        let white = try RasterImage(width: 1, height: 1, fill: .white)
        #expect(!ok.isOpaque && white.isOpaque)
    }

    // MARK: Resize

    @Test func resizeProducesTheRequestedSizeAndKeepsFlatColours() throws {
        let flat = try RasterImage(width: 37, height: 23, fill: RGBA(12, 200, 99, 255))
        for (w, h) in [(1, 1), (5, 80), (100, 3), (37, 23), (74, 46), (18, 11)] {
            let out = try flat.resized(width: w, height: h)
            #expect(out.width == w && out.height == h)
            #expect(out.pixels == (try RasterImage(width: w, height: h, fill: RGBA(12, 200, 99, 255))).pixels, "\(w)x\(h)")
        }
    }

    @Test func downscalingAveragesInsteadOfAliasing() throws {
        // 1-pixel checkerboard: plain bilinear sampling at 1/4 scale would hit only one colour.
        var checker = try RasterImage(width: 64, height: 64)
        for y in 0..<64 { for x in 0..<64 { checker[x, y] = (x + y) % 2 == 0 ? .white : .black } }
        let small = try checker.resized(width: 16, height: 16)
        for y in 0..<16 { for x in 0..<16 { #expect(abs(Int(small[x, y].r) - 128) <= 2, "(\(x), \(y)) = \(small[x, y])") } }
    }

    @Test func upscalingInterpolatesLinearly() throws {
        var ramp = try RasterImage(width: 2, height: 1)
        ramp[0, 0] = RGBA(0, 0, 0)
        ramp[1, 0] = RGBA(200, 200, 200)
        let wide = try ramp.resized(width: 8, height: 1)
        let values = (0..<8).map { Int(wide[$0, 0].r) }
        #expect(values.first == 0 && values.last == 200)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "\(values)")
        #expect(values[3] > 40 && values[4] < 160)
    }

    @Test func transparentPixelsDoNotBleedTheirColour() throws {
        // Opaque red next to fully transparent *black*: the blend must stay pure red.
        var image = try RasterImage(width: 2, height: 1)
        image[0, 0] = RGBA(255, 0, 0, 255)
        image[1, 0] = RGBA(0, 0, 0, 0)
        let out = try image.resized(width: 5, height: 1)
        for x in 0..<5 where out[x, 0].a > 0 { #expect(out[x, 0].r == 255 && out[x, 0].g == 0, "\(out[x, 0])") }
        #expect(out[0, 0].a == 255 && out[4, 0].a == 0)
        let blurred = try image.blurred(radius: 1)
        for x in 0..<2 where blurred[x, 0].a > 0 { #expect(blurred[x, 0].r == 255, "\(blurred[x, 0])") }
    }

    @Test func resizeRejectsBadSizes() throws {
        let image = try labelled()
        #expect(throws: ImagingError.invalidParameter(name: "size", reason: "width and height must be at least 1, got 0x5")) {
            try image.resized(width: 0, height: 5)
        }
        #expect(throws: ImagingError.tooLarge(width: 10_000, height: 5_000, limit: 40_000_000)) { try image.resized(width: 10_000, height: 5_000) }
        #expect(throws: ImagingError.tooLarge(width: 100, height: 100, limit: 1000)) { try image.resized(width: 100, height: 100, pixelLimit: 1000) }
        #expect(throws: ImagingError.invalidParameter(name: "box", reason: "width and height must be at least 1, got -1x5")) {
            try image.resized(fittingWidth: -1, height: 5)
        }
    }

    @Test func fitKeepsTheAspectRatio() throws {
        let wide = try RasterImage(width: 400, height: 200, fill: .white)
        let fitted = try wide.resized(fittingWidth: 100, height: 100)
        #expect(fitted.width == 100 && fitted.height == 50)
        let tall = try wide.rotated(.clockwise90).resized(fittingWidth: 100, height: 100)
        #expect(tall.width == 50 && tall.height == 100)
        #expect(try wide.resized(fittingWidth: 1000, height: 1000) == wide)  // no upscaling by default
        let up = try wide.resized(fittingWidth: 1000, height: 1000, allowUpscaling: true)
        #expect(up.width == 1000 && up.height == 500)
        let sliver = try RasterImage(width: 1000, height: 1, fill: .white).resized(fittingWidth: 10, height: 10)
        #expect(sliver.width == 10 && sliver.height == 1)
    }

    // MARK: Geometry

    @Test func cropCopiesTheRectangle() throws {
        let image = try labelled(width: 5, height: 4)
        let crop = try image.cropped(x: 1, y: 2, width: 3, height: 2)
        #expect(crop.width == 3 && crop.height == 2)
        for y in 0..<2 { for x in 0..<3 { #expect(label(crop[x, y]) == (x + 1, y + 2)) } }
        #expect(try image.cropped(x: 0, y: 0, width: 5, height: 4) == image)
        #expect(try image.cropped(x: 4, y: 3, width: 1, height: 1)[0, 0] == image[4, 3])
    }

    @Test func cropOutsideTheImageIsAnError() throws {
        let image = try labelled(width: 5, height: 4)
        for (x, y, w, h) in [(-1, 0, 2, 2), (0, -1, 2, 2), (4, 0, 2, 1), (0, 3, 1, 2), (0, 0, 6, 4), (Int.max, 0, 1, 1), (1, 1, Int.max, 1)] {
            #expect(throws: ImagingError.cropOutOfBounds(x: x, y: y, width: w, height: h, imageWidth: 5, imageHeight: 4)) {
                try image.cropped(x: x, y: y, width: w, height: h)
            }
        }
        #expect(throws: ImagingError.invalidParameter(name: "crop size", reason: "width and height must be at least 1, got 0x2")) {
            try image.cropped(x: 0, y: 0, width: 0, height: 2)
        }
    }

    @Test func rotationMovesPixelsClockwise() throws {
        let image = try labelled()  // 3 wide, 2 high
        let r90 = image.rotated(.clockwise90)
        #expect(r90.width == 2 && r90.height == 3)
        // Clockwise: the bottom-left corner becomes the top-left.
        #expect(label(r90[0, 0]) == (0, 1) && label(r90[1, 0]) == (0, 0) && label(r90[0, 2]) == (2, 1))
        let r180 = image.rotated(.clockwise180)
        #expect(label(r180[0, 0]) == (2, 1) && label(r180[2, 1]) == (0, 0))
        let r270 = image.rotated(.clockwise270)
        #expect(r270.width == 2 && label(r270[0, 0]) == (2, 0) && label(r270[1, 2]) == (0, 1))
        #expect(r90.rotated(.clockwise90).rotated(.clockwise90).rotated(.clockwise90) == image)
        #expect(try image.rotated(degrees: -90) == r270)
        #expect(try image.rotated(degrees: 360) == image)
        #expect(throws: ImagingError.invalidParameter(name: "rotation", reason: "must be a multiple of 90 between -360 and 360, got 45")) {
            try image.rotated(degrees: 45)
        }
        #expect(throws: ImagingError.self) { try image.rotated(degrees: 450) }
    }

    @Test func flipsMirrorAndAreTheirOwnInverse() throws {
        let image = try labelled()
        let h = image.flipped(.horizontal)
        let v = image.flipped(.vertical)
        #expect(label(h[0, 0]) == (2, 0) && label(h[2, 1]) == (0, 1))
        #expect(label(v[0, 0]) == (0, 1) && label(v[2, 1]) == (2, 0))
        #expect(h.flipped(.horizontal) == image && v.flipped(.vertical) == image)
        #expect(h.flipped(.vertical) == image.rotated(.clockwise180))
    }

    // MARK: Colour

    @Test func grayscaleUsesRec709Luma() throws {
        var image = try RasterImage(width: 4, height: 1)
        image[0, 0] = RGBA(255, 0, 0, 10)
        image[1, 0] = RGBA(0, 255, 0)
        image[2, 0] = RGBA(0, 0, 255)
        image[3, 0] = RGBA(255, 255, 255, 0)
        let gray = image.grayscale()
        #expect(gray[0, 0] == RGBA(54, 54, 54, 10))  // 0.2126 * 255 = 54.2
        #expect(gray[1, 0] == RGBA(182, 182, 182))  // 0.7152 * 255 = 182.4
        #expect(gray[2, 0] == RGBA(18, 18, 18))  // 0.0722 * 255 = 18.4
        #expect(gray[3, 0] == RGBA(255, 255, 255, 0))
    }

    @Test func brightnessAndContrast() throws {
        var image = try RasterImage(width: 3, height: 1)
        image[0, 0] = RGBA(0, 100, 255, 40)
        image[1, 0] = RGBA(64, 128, 192)
        image[2, 0] = RGBA(10, 20, 30)
        #expect(try image.adjustingBrightness(0) == image)
        #expect(try image.adjustingContrast(0) == image)
        #expect(try image.adjustingBrightness(100).pixels == [255, 255, 255, 40, 255, 255, 255, 255, 255, 255, 255, 255])
        #expect(try image.adjustingBrightness(-100).pixels == [0, 0, 0, 40, 0, 0, 0, 255, 0, 0, 0, 255])
        #expect(try image.adjustingBrightness(20)[1, 0] == RGBA(115, 179, 243))  // +51
        #expect(try image.adjustingContrast(-100).pixels.enumerated().allSatisfy { $0.offset % 4 == 3 || $0.element == 128 })
        let stronger = try image.adjustingContrast(50)[1, 0]  // factor 2.25 around 127.5
        #expect(stronger == RGBA(0, 129, 255))
        let softer = try image.adjustingContrast(-50)[1, 0]  // factor 0.25
        #expect(softer == RGBA(112, 128, 144))
        for bad in [-100.5, 101, .nan, .infinity] {
            #expect(throws: ImagingError.self) { try image.adjustingBrightness(bad) }
            #expect(throws: ImagingError.self) { try image.adjustingContrast(bad) }
        }
    }

    // MARK: Blur

    @Test func blurSpreadsASpotSymmetricallyAndConservesEnergy() throws {
        var image = try RasterImage(width: 41, height: 41, fill: .black)
        for y in 19...21 { for x in 19...21 { image[x, y] = .white } }
        for radius in [1.0, 2, 3.5] {
            let out = try image.blurred(radius: radius)
            #expect(out[20, 20].r < 255 && out[23, 20].r > 0)
            #expect(out[17, 20] == out[23, 20] && out[20, 17] == out[20, 23] && out[20, 17] == out[23, 20])
            var total = 0
            for y in 0..<41 { for x in 0..<41 { total += Int(out[x, y].r) } }
            #expect(abs(total - 9 * 255) <= 9 * 255 / 10, "radius \(radius): total \(total)")
            let row = (20..<41).map { Int(out[$0, 20].r) }
            #expect(zip(row, row.dropFirst()).allSatisfy { $0 >= $1 }, "monotone fall-off: \(row)")
        }
        // A larger radius spreads further: compare next to a hard edge.
        var edge = try RasterImage(width: 60, height: 3, fill: .black)
        for y in 0..<3 { for x in 0..<30 { edge[x, y] = .white } }
        let near = try edge.blurred(radius: 2)
        let far = try edge.blurred(radius: 10)
        #expect(near[38, 1].r == 0 && far[38, 1].r > 10)
        #expect(abs(Int(far[29, 1].r) + Int(far[30, 1].r) - 255) <= 4, "symmetric around the edge")
    }

    @Test func blurKeepsFlatImagesAndEdgesIntact() throws {
        let flat = try RasterImage(width: 13, height: 7, fill: RGBA(30, 60, 90, 200))
        #expect(try flat.blurred(radius: 50) == flat)
        let one = try RasterImage(width: 1, height: 1, fill: RGBA(1, 2, 3, 4))
        #expect(try one.blurred(radius: 5) == one)
        for bad in [0, 0.99, 50.5, -3, .nan] {
            #expect(throws: ImagingError.invalidParameter(name: "blur radius", reason: "must be 1...50, got \(bad)")) {
                try flat.blurred(radius: bad)
            }
        }
    }

    @Test func operationListsApplyInOrder() throws {
        let image = try labelled(width: 6, height: 4)
        let ops: [ImageOperation] = [
            .crop(x: 1, y: 1, width: 4, height: 2), .rotate(degrees: 90), .flip(.vertical), .resize(width: 4, height: 8),
            .grayscale, .brightness(10), .contrast(5), .blur(radius: 1), .fit(maxWidth: 2, maxHeight: 2, allowUpscaling: false),
        ]
        let out = try ImageOperation.apply(ops, to: image)
        #expect(out.width == 1 && out.height == 2)
        #expect(throws: ImagingError.self) { try ImageOperation.apply([.grayscale, .crop(x: 0, y: 0, width: 7, height: 1)], to: image) }
        #expect(throws: ImagingError.tooLarge(width: 100, height: 100, limit: 5000)) {
            try ImageOperation.apply([.resize(width: 100, height: 100)], to: image, pixelLimit: 5000)
        }
    }
}
