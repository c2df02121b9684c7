import Testing

@testable import JECPBuiltins

@Suite("Line chart")
struct LineChartTests {
    private let historyBlue = RGBA(31, 119, 180), forecastOrange = RGBA(230, 110, 0)

    private func sampleChart(width: Int = 800, height: Int = 400) throws -> LineChart {
        var history: [Double] = []
        var forecast: [Double] = []
        var lower: [Double] = []
        var upper: [Double] = []
        for i in 0..<48 {
            let wiggle = 400 * Double((i * 7) % 13) / 13
            history.append(1000 + wiggle + Double(i) * 10)
        }
        for i in 0..<12 {
            let value = 1500 + Double(i) * 8
            let spread = 50 + Double(i) * 10
            forecast.append(value)
            lower.append(value - spread)
            upper.append(value + spread)
        }
        return try LineChart(
            title: "Weekly revenue",
            history: history,
            forecast: forecast,
            lower: lower,
            upper: upper,
            intervalLabel: "80% interval",
            width: width,
            height: height
        )
    }

    private func count(_ image: RasterImage, where predicate: (RGBA) -> Bool, in xs: Range<Int>? = nil, _ ys: Range<Int>? = nil) -> Int {
        var n = 0
        for y in ys ?? 0..<image.height { for x in xs ?? 0..<image.width where predicate(image[x, y]) { n += 1 } }
        return n
    }

    @Test func rendersAnOpaquePNGWithAllElements() throws {
        let png = try sampleChart().renderPNG()
        #expect(Array(png.prefix(8)) == PNGDecoder.signature)
        #expect(png[25] == 2, "opaque chart is written as RGB")
        #expect(png.count < 60_000, "\(png.count) bytes")
        let image = try PNGDecoder.decode(png)
        #expect(image.width == 800 && image.height == 400 && image.isOpaque)
        #expect(image[0, 0] == .white && image[799, 399] == .white)
        // Lines in their colours, and the translucent orange band over white.
        #expect(count(image) { $0 == historyBlue } > 300)
        #expect(count(image) { $0 == forecastOrange } > 60)
        let band = count(image) { $0.r == 255 && $0.g > 200 && $0.g < 240 && $0.b > 140 && $0.b < 210 }
        #expect(band > 2000, "band pixels: \(band)")
        // Dark text: title top-left, y labels down the left, x labels along the bottom.
        let dark: (RGBA) -> Bool = { $0.r < 90 && $0.g < 90 && $0.b < 90 }
        #expect(count(image, where: dark, in: 0..<300, 0..<45) > 200, "title")
        #expect(count(image, where: dark, in: 0..<50, 60..<380) > 150, "y tick labels")
        #expect(count(image, where: dark, in: 60..<800, 375..<400) > 100, "x tick labels")
        // Axis lines: a long dark vertical and horizontal run.
        #expect((0..<800).contains { x in count(image, where: dark, in: x..<x + 1, 0..<400) > 250 })
        #expect((0..<400).contains { y in count(image, where: dark, in: 0..<800, y..<y + 1) > 650 })
    }

    @Test func renderingIsDeterministic() throws {
        #expect(try sampleChart().renderPNG() == sampleChart().renderPNG())
    }

    @Test func drawsTitleTextWithTheBitmapFont() throws {
        // The title drawn alone must equal the font's glyphs at scale 3 (label scale 2 + 1).
        let chart = LineChart(title: "A1", history: [.init(x: 0, y: 0), .init(x: 1, y: 1)], forecast: [])
        let image = try chart.render()
        let glyph = BitmapFont.glyph("A")
        for row in 0..<7 {
            for col in 0..<5 {
                let ink = glyph[row] & (1 << (4 - col)) != 0
                let pixel = image[16 + col * 3 + 1, 16 + row * 3 + 1]
                #expect((pixel.r < 60) == ink, "A at (\(col), \(row)): \(pixel)")
            }
        }
    }

    @Test func otherSizesAndShapes() throws {
        for (w, h) in [(200, 150), (400, 220), (1600, 900)] {
            let image = try sampleChart(width: w, height: h).render()
            #expect(image.width == w && image.height == h)
            #expect(count(image) { $0 == historyBlue } > 20)
        }
        // Forecast only, history only, single points, flat and negative series.
        let forecastOnly = LineChart(
            title: "f",
            history: [],
            forecast: [.init(x: 0, value: 5, lower: 4, upper: 6), .init(x: 1, value: 6, lower: 4, upper: 8)]
        )
        #expect(count(try forecastOnly.render()) { $0 == forecastOrange } > 10)
        let single = LineChart(title: "one", history: [.init(x: 3, y: 3)], forecast: [])
        #expect(count(try single.render()) { $0 == historyBlue } > 5)
        let flat = try LineChart(title: "flat", history: [7, 7, 7], forecast: [7], lower: [7], upper: [7])
        _ = try flat.render()
        let negative = try LineChart(title: "loss", history: [-5e6, -2e6, 1e6], forecast: [], lower: [], upper: [])
        _ = try negative.render()
        let tiny = try LineChart(title: "rate", history: [1e-9, 3e-9, 2e-9], forecast: [], lower: [], upper: [])
        _ = try tiny.render()
        let huge = try LineChart(title: "big", history: [1e20, 3e20], forecast: [], lower: [], upper: [])
        _ = try huge.render()
    }

    @Test func manyPointsRenderQuickly() throws {
        let history = (0..<20_000).map { Double(($0 * 7919) % 1000) }
        let chart = try LineChart(title: "noise", history: history, forecast: [1, 2], lower: [0, 0], upper: [3, 4])
        let image = try chart.render()
        #expect(image.width == 800)
    }

    @Test func invalidInputIsRejected() throws {
        let ok = [LineChart.Point(x: 0, y: 1)]
        let cases: [(LineChart, String)] = [
            (LineChart(title: "", history: [], forecast: []), "series"),
            (LineChart(title: "", history: [.init(x: 0, y: .nan)], forecast: []), "history[0]"),
            (LineChart(title: "", history: [.init(x: 1, y: 0), .init(x: 0, y: 0)], forecast: []), "history[1]"),
            (LineChart(title: "", history: ok, forecast: [.init(x: 1, value: 1, lower: 2, upper: 0)]), "forecast[0]"),
            (LineChart(title: "", history: ok, forecast: [.init(x: 1, value: .infinity, lower: 0, upper: 2)]), "forecast[0]"),
            (LineChart(title: "", history: ok, forecast: [], width: 100), "chart size"),
            (LineChart(title: "", history: ok, forecast: [], height: 5000), "chart size"),
            (LineChart(title: "", history: [.init(x: 0, y: 1e305)], forecast: []), "series"),
        ]
        for (chart, name) in cases {
            #expect {
                try chart.render()
            } throws: { error in
                guard case .invalidParameter(let got, _) = error as? ImagingError else { return false }
                return got == name
            }
        }
        #expect(throws: ImagingError.self) { try LineChart(title: "", history: [1], forecast: [1, 2], lower: [0], upper: [3, 4]) }
    }

    @Test func tickLabels() {
        let ticks = ChartTicks(low: 1000, high: 3000, target: 4)
        #expect(ticks.values == [1000, 1500, 2000, 2500, 3000])
        #expect(ticks.values.map(ticks.label) == ["1000", "1500", "2000", "2500", "3000"])
        let thousands = ChartTicks(low: 0, high: 250_000, target: 5)
        #expect(thousands.values.map(thousands.label) == ["0", "50K", "100K", "150K", "200K", "250K"])
        let millions = ChartTicks(low: -1.5e6, high: 0.5e6, target: 4)
        #expect(millions.values.map(millions.label) == ["-1.5M", "-1.0M", "-0.5M", "0", "0.5M"])
        let fractions = ChartTicks(low: 0, high: 0.04, target: 4)
        #expect(fractions.values.map(fractions.label) == ["0", "0.01", "0.02", "0.03", "0.04"])
        let quarter = ChartTicks(low: 0, high: 1, target: 4)
        #expect(quarter.values.map(quarter.label) == ["0", "0.25", "0.50", "0.75", "1.00"])
        let periods = ChartTicks(low: 0, high: 7, target: 8, integral: true)
        #expect(periods.step == 1 && periods.values.allSatisfy { $0 == $0.rounded() })
        let huge = ChartTicks(low: 0, high: 3e20, target: 3)
        #expect(huge.label(1e20) == "1.0E20")
        #expect(ChartTicks.fixed(-0.004, decimals: 2) == "0.00" && ChartTicks.fixed(-1.25, decimals: 1) == "-1.3")
    }

    @Test func bitmapFontCoversTheNeededCharacters() {
        for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:% ,/()+" {
            #expect(BitmapFont.hasGlyph(ch), "\(ch)")
            #expect(BitmapFont.glyph(ch).count == 7)
        }
        #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A"))
        #expect(BitmapFont.glyph("€") == BitmapFont.glyph("?"))
        #expect(BitmapFont.width("", scale: 2) == 0 && BitmapFont.width("AB", scale: 2) == 22)
        #expect(BitmapFont.truncated("ABCDEFGHIJ", toWidth: 40, scale: 1) == "ABCD..")
        // Distinct glyphs for everything (no copy-paste slips in the font table).
        let glyphs = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:%,/()+".map { BitmapFont.glyph($0) }
        #expect(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count == glyphs.count)
    }
}
