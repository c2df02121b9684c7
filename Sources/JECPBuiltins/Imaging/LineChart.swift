import Foundation

/// Renders a time-series chart as PNG without any system font or graphics library: a history
/// line, a dashed forecast line with a shaded prediction-interval band, axes with tick marks
/// and numeric labels, a title and a small legend, all with a built-in 5x7 bitmap font.
///
/// Labels are upper-case only (lower-case input is drawn in capitals); characters outside the
/// font (digits, A-Z, space and `.-:%,/()+_=#'!?`) are drawn as `?`. Large tick values use K / M
/// / B / T suffixes, tiny or huge ones exponent notation.
struct LineChart: Sendable {
    struct Point: Sendable, Equatable {
        var x: Double
        var y: Double
    }

    struct ForecastPoint: Sendable, Equatable {
        var x: Double
        var value: Double
        var lower: Double
        var upper: Double
    }

    static let sizeRange = (width: 200...4096, height: 150...4096)
    static let maxPoints = 100_000

    var title: String
    var history: [Point]
    var forecast: [ForecastPoint]
    /// Legend text for the band, e.g. "80% interval".
    var intervalLabel = "interval"
    var width = 800
    var height = 400

    init(title: String, history: [Point], forecast: [ForecastPoint], intervalLabel: String = "interval", width: Int = 800, height: Int = 400) {
        self.title = title
        self.history = history
        self.forecast = forecast
        self.intervalLabel = intervalLabel
        self.width = width
        self.height = height
    }

    /// Series indexed by period: history at x = 0..<n, the forecast continuing at n, n+1...
    init(
        title: String,
        history: [Double],
        forecast: [Double],
        lower: [Double],
        upper: [Double],
        intervalLabel: String = "interval",
        width: Int = 800,
        height: Int = 400
    ) throws(ImagingError) {
        guard lower.count == forecast.count, upper.count == forecast.count else {
            throw .invalidParameter(
                name: "forecast",
                reason: "forecast, lower and upper need the same length, got \(forecast.count), \(lower.count), \(upper.count)"
            )
        }
        let n = history.count
        self.init(
            title: title,
            history: history.enumerated().map { Point(x: Double($0.offset), y: $0.element) },
            forecast: forecast.indices.map { ForecastPoint(x: Double(n + $0), value: forecast[$0], lower: lower[$0], upper: upper[$0]) },
            intervalLabel: intervalLabel,
            width: width,
            height: height
        )
    }

    func renderPNG() throws(ImagingError) -> [UInt8] {
        try PNGEncoder.encode(try render())
    }

    func render() throws(ImagingError) -> RasterImage {
        try validate()
        var canvas = Canvas(image: try RasterImage(width: width, height: height, fill: .white))

        // Data ranges.
        let xs = history.map(\.x) + forecast.map(\.x)
        let ys = history.map(\.y) + forecast.flatMap { [$0.value, $0.lower, $0.upper] }
        var (xMin, xMax) = (xs.min()!, xs.max()!)
        var (yMin, yMax) = (ys.min()!, ys.max()!)
        if xMax - xMin < 1e-12 * max(1, abs(xMax)) {
            xMin -= 1
            xMax += 1
        }
        if yMax - yMin < 1e-12 * max(1, abs(yMax)) {
            yMin -= max(1, abs(yMin) * 0.1)
            yMax += max(1, abs(yMax) * 0.1)
        }
        // 5% headroom, but never across zero when the data stays on one side of it.
        let padding = (yMax - yMin) * 0.05
        let paddedLow = yMin >= 0 ? max(0, yMin - padding) : yMin - padding
        let paddedHigh = yMax <= 0 ? min(0, yMax + padding) : yMax + padding
        let yTicks = ChartTicks(low: paddedLow, high: paddedHigh, target: max(3, height / 70))
        let (yLow, yHigh) = (min(yTicks.values.first!, paddedLow), max(yTicks.values.last!, paddedHigh))

        let grid = RGBA(228, 228, 228)
        let axis = RGBA(70, 70, 70)
        let text = RGBA(40, 40, 40)
        let historyColor = RGBA(31, 119, 180)
        let forecastColor = RGBA(230, 110, 0)
        let bandColor = RGBA(255, 160, 60, 90)

        // Layout: room on the left for the widest y label, on top for title and legend.
        let font = BitmapFont.self
        let labelScale = height >= 300 && width >= 400 ? 2 : 1
        let titleScale = labelScale + 1
        let yLabels = yTicks.values.map { yTicks.label($0) }
        let yLabelWidth = yLabels.map { font.width($0, scale: labelScale) }.max() ?? 0
        let left = yLabelWidth + 16
        let right = width - 24
        // Legend entries: text, colour, drawn as a box (band) or a line. They share the title
        // row when both fit, otherwise they get a row of their own below it.
        var legend: [(String, RGBA, Bool)] = []
        if !history.isEmpty { legend.append(("history", historyColor, false)) }
        if !forecast.isEmpty { legend += [("forecast", forecastColor, false), (String(intervalLabel.prefix(24)), bandColor, true)] }
        var legendWidth = legend.reduce(0) { $0 + 16 + 6 + font.width($1.0, scale: labelScale) + 16 } - (legend.isEmpty ? 0 : 16)
        if legendWidth > width - 24 - 16 { (legend, legendWidth) = ([], 0) }  // too narrow a chart for a legend
        let titleWidth = font.width(title, scale: titleScale)
        let sharedRow = 16 + titleWidth + 24 + legendWidth <= width - 24
        let legendY = sharedRow ? 16 + (7 * titleScale - 7 * labelScale) / 2 : 16 + 7 * titleScale + 10
        let top = (sharedRow ? 16 + 7 * titleScale : legendY + 7 * labelScale) + 16
        let bottom = height - (7 * labelScale + 20)
        guard right - left >= 40, bottom - top >= 40 else {
            throw .invalidParameter(name: "chart size", reason: "\(width)x\(height) leaves no room for the plot with these labels")
        }
        let plot = Plot(
            left: Double(left),
            top: Double(top),
            right: Double(right),
            bottom: Double(bottom),
            xMin: xMin,
            xMax: xMax,
            yMin: yLow,
            yMax: yHigh
        )

        let integralX = xs.allSatisfy { $0 == $0.rounded() }
        let xTicks = ChartTicks(low: xMin, high: xMax, target: max(2, (right - left) / 110), integral: integralX)

        // Grid lines and ticks.
        for (value, label) in zip(yTicks.values, yLabels) {
            let y = Int(plot.py(value).rounded(.down))
            guard y >= top - 1 && y <= bottom + 1 else { continue }
            canvas.hLine(y: y, from: left, to: right, color: grid)
            canvas.hLine(y: y, from: left - 5, to: left - 1, color: axis)
            font.draw(
                label,
                into: &canvas.image,
                x: left - 8 - font.width(label, scale: labelScale),
                y: y - 7 * labelScale / 2,
                scale: labelScale,
                color: text
            )
        }
        for value in xTicks.values where value >= xMin - 1e-9 * abs(xMax - xMin) && value <= xMax + 1e-9 * abs(xMax - xMin) {
            let x = Int(plot.px(value).rounded(.down))
            canvas.vLine(x: x, from: top, to: bottom, color: grid)
            canvas.vLine(x: x, from: bottom + 1, to: bottom + 5, color: axis)
            let label = xTicks.label(value)
            let w = font.width(label, scale: labelScale)
            font.draw(label, into: &canvas.image, x: min(max(0, x - w / 2), width - w), y: bottom + 9, scale: labelScale, color: text)
        }

        // Forecast: band, then the divider, then lines on top.
        var band = forecast.map { (x: $0.x, low: $0.lower, high: $0.upper) }
        var forecastLine = forecast.map { Point(x: $0.x, y: $0.value) }
        if let last = history.last, !forecast.isEmpty, last.x <= forecast[0].x {
            band.insert((x: last.x, low: last.y, high: last.y), at: 0)
            forecastLine.insert(last, at: 0)
            let divider = Int(plot.px(last.x).rounded(.down))
            canvas.vLine(x: divider, from: top, to: bottom, color: RGBA(150, 150, 150), dash: (4, 4))
        }
        canvas.fillBand(band, plot: plot, color: bandColor)
        canvas.polyline(history.map { (plot.px($0.x), plot.py($0.y)) }, width: 2.5, color: historyColor)
        canvas.polyline(forecastLine.map { (plot.px($0.x), plot.py($0.y)) }, width: 2.5, color: forecastColor, dash: (10, 6))
        if history.count == 1 { canvas.dot(plot.px(history[0].x), plot.py(history[0].y), radius: 3, color: historyColor) }
        if forecastLine.count == 1 { canvas.dot(plot.px(forecastLine[0].x), plot.py(forecastLine[0].y), radius: 3, color: forecastColor) }

        // Axes over everything inside the plot.
        canvas.hLine(y: bottom, from: left, to: right, color: axis)
        canvas.vLine(x: left, from: top, to: bottom, color: axis)

        // Legend, right-aligned; then the title, shortened only if it cannot fit on its row.
        var legendX = right - legendWidth
        for (label, color, isBox) in legend {
            let midY = Double(legendY) + Double(7 * labelScale) / 2
            if isBox {
                canvas.fillRect(x: legendX, y: legendY, width: 16, height: 7 * labelScale, color: color)
            } else {
                canvas.polyline([(Double(legendX), midY), (Double(legendX + 16), midY)], width: 2.5, color: color)
            }
            legendX += 22
            font.draw(label, into: &canvas.image, x: legendX, y: legendY, scale: labelScale, color: text)
            legendX += font.width(label, scale: labelScale) + 16
        }
        let titleRoom = (sharedRow ? right - legendWidth - 24 : right) - 16
        font.draw(
            font.truncated(title, toWidth: titleRoom, scale: titleScale),
            into: &canvas.image,
            x: 16,
            y: 16,
            scale: titleScale,
            color: RGBA(20, 20, 20)
        )
        return canvas.image
    }

    private func validate() throws(ImagingError) {
        guard Self.sizeRange.width.contains(width), Self.sizeRange.height.contains(height) else {
            throw .invalidParameter(name: "chart size", reason: "width must be 200...4096 and height 150...4096, got \(width)x\(height)")
        }
        guard !history.isEmpty || !forecast.isEmpty else {
            throw .invalidParameter(name: "series", reason: "history and forecast are both empty")
        }
        guard history.count <= Self.maxPoints, forecast.count <= Self.maxPoints else {
            throw .invalidParameter(name: "series", reason: "at most \(Self.maxPoints) points per series")
        }
        for (i, p) in history.enumerated() {
            guard p.x.isFinite, p.y.isFinite else { throw .invalidParameter(name: "history[\(i)]", reason: "values must be finite numbers") }
            if i > 0, p.x < history[i - 1].x { throw .invalidParameter(name: "history[\(i)]", reason: "x values must not decrease") }
        }
        for (i, p) in forecast.enumerated() {
            guard p.x.isFinite, p.value.isFinite, p.lower.isFinite, p.upper.isFinite else {
                throw .invalidParameter(name: "forecast[\(i)]", reason: "values must be finite numbers")
            }
            guard p.lower <= p.upper else {
                throw .invalidParameter(name: "forecast[\(i)]", reason: "lower bound \(p.lower) is above upper bound \(p.upper)")
            }
            if i > 0, p.x < forecast[i - 1].x { throw .invalidParameter(name: "forecast[\(i)]", reason: "x values must not decrease") }
        }
        // Spans beyond ~1e300 would overflow the coordinate arithmetic.
        let all = history.flatMap { [$0.x, $0.y] } + forecast.flatMap { [$0.x, $0.value, $0.lower, $0.upper] }
        guard all.allSatisfy({ abs($0) < 1e300 }) else {
            throw .invalidParameter(name: "series", reason: "values must be smaller than 1e300 in magnitude")
        }
    }
}

// MARK: - Plot geometry

private struct Plot {
    let left: Double, top: Double, right: Double, bottom: Double
    let xMin: Double, xMax: Double, yMin: Double, yMax: Double

    /// Pixel-space coordinates (pixel centres at +0.5).
    func px(_ x: Double) -> Double { left + 0.5 + (x - xMin) / (xMax - xMin) * (right - left) }
    func py(_ y: Double) -> Double { bottom + 0.5 - (y - yMin) / (yMax - yMin) * (bottom - top) }
    func dataX(_ px: Double) -> Double { xMin + (px - left - 0.5) / (right - left) * (xMax - xMin) }
}

/// "Nice" tick positions (1, 2, 2.5 or 5 times a power of ten) and their labels.
struct ChartTicks {
    let values: [Double]
    let step: Double
    private let divisor: Double
    private let suffix: String
    private let decimals: Int
    private let scientific: Bool

    /// `integral`: steps of at least 1 and never 2.5 (for period indices).
    init(low: Double, high: Double, target: Int, integral: Bool = false) {
        let span = max(high - low, 1e-300)
        let rough = span / Double(max(1, target))
        let power = pow10(floor(log10(rough)))
        let fraction = rough / power
        var nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        if integral && nice == 2.5 { nice = power >= 1 ? 2 : 5 }
        let step = integral ? max(1, nice * power) : nice * power
        self.step = step
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        values = stride(from: first, through: last, by: 1).prefix(50).map { $0 * step }
        let magnitude = max(abs(low), abs(high))
        if magnitude >= 1e15 || (magnitude > 0 && step < 1e-6) {
            (divisor, suffix, decimals, scientific) = (1, "", 0, true)
        } else {
            let (d, s): (Double, String) =
                magnitude >= 1e12
                ? (1e12, "T")
                : magnitude >= 1e9
                    ? (1e9, "B")
                    : magnitude >= 1e6 ? (1e6, "M") : magnitude >= 1e4 ? (1e3, "K") : (1, "")
            (divisor, suffix, scientific) = (d, s, false)
            let scaledStep = step / d
            // Enough decimals to tell neighbouring ticks apart (2.5 steps need one more).
            var digits = max(0, Int(-floor(log10(scaledStep) + 1e-9)))
            let units = scaledStep / pow10(-Double(digits))
            if abs(units - units.rounded()) > 1e-6 { digits += 1 }
            decimals = min(digits, 8)
        }
    }

    func label(_ value: Double) -> String {
        if abs(value) < step * 1e-9 { return "0" }
        if scientific { return Self.exponential(value) }
        return Self.fixed(value / divisor, decimals: decimals) + suffix
    }

    /// `value` with exactly `decimals` digits after the point, no Foundation needed.
    static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = pow10(Double(decimals))
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return exponential(value) }
        let digits = String(Int64(scaled))
        let negative = value < 0 && scaled > 0
        var body: String
        if decimals == 0 {
            body = digits
        } else {
            let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
            body = String(padded.dropLast(decimals)) + "." + String(padded.suffix(decimals))
        }
        if negative { body = "-" + body }
        return body
    }

    static func exponential(_ value: Double) -> String {
        guard value != 0 else { return "0" }
        var exponent = Int(floor(log10(abs(value))))
        var mantissa = value / pow10(Double(exponent))
        if abs(mantissa) >= 9.95 {
            mantissa /= 10
            exponent += 1
        }  // 9.96 would print as "10.0"
        if abs(mantissa) < 1 {
            mantissa *= 10
            exponent -= 1
        }
        return fixed(mantissa, decimals: 1) + "E" + String(exponent)
    }
}

private func pow10(_ e: Double) -> Double { pow(10, e) }

// MARK: - Canvas

private struct Canvas {
    var image: RasterImage

    mutating func hLine(y: Int, from x0: Int, to x1: Int, color: RGBA) {
        guard x0 <= x1 else { return }
        for x in x0...x1 { image.blend(x: x, y: y, color: color) }
    }

    mutating func vLine(x: Int, from y0: Int, to y1: Int, color: RGBA, dash: (on: Int, off: Int)? = nil) {
        guard y0 <= y1 else { return }
        for y in y0...y1 {
            if let dash, (y - y0) % (dash.on + dash.off) >= dash.on { continue }
            image.blend(x: x, y: y, color: color)
        }
    }

    mutating func fillRect(x: Int, y: Int, width: Int, height: Int, color: RGBA) {
        for yy in y..<(y + height) { for xx in x..<(x + width) { image.blend(x: xx, y: yy, color: color) } }
    }

    mutating func dot(_ cx: Double, _ cy: Double, radius: Double, color: RGBA) {
        let x0 = Int((cx - radius - 1).rounded(.down))
        let x1 = Int((cx + radius + 1).rounded(.up))
        let y0 = Int((cy - radius - 1).rounded(.down))
        let y1 = Int((cy + radius + 1).rounded(.up))
        for y in y0...y1 {
            for x in x0...x1 {
                let d = ((Double(x) + 0.5 - cx) * (Double(x) + 0.5 - cx) + (Double(y) + 0.5 - cy) * (Double(y) + 0.5 - cy)).squareRoot()
                image.blend(x: x, y: y, color: color, coverage: radius + 0.5 - d)
            }
        }
    }

    /// Anti-aliased polyline: per-pixel coverage from the distance to the nearest segment,
    /// accumulated as a maximum so joints are not drawn twice; optional dash pattern in pixels.
    mutating func polyline(_ points: [(Double, Double)], width lineWidth: Double, color: RGBA, dash: (on: Double, off: Double)? = nil) {
        guard points.count >= 2 else { return }
        let half = lineWidth / 2
        let w = image.width
        var coverage = [Float](repeating: 0, count: w * image.height)
        var (minX, maxX, minY, maxY) = (Int.max, -1, Int.max, -1)
        var travelled = 0.0
        for i in 1..<points.count {
            let (ax, ay) = points[i - 1]
            let (bx, by) = points[i]
            let dx = bx - ax
            let dy = by - ay
            let length2 = dx * dx + dy * dy
            let length = length2.squareRoot()
            let x0 = max(0, Int((min(ax, bx) - half - 1).rounded(.down)))
            let x1 = min(w - 1, Int((max(ax, bx) + half + 1).rounded(.up)))
            let y0 = max(0, Int((min(ay, by) - half - 1).rounded(.down)))
            let y1 = min(image.height - 1, Int((max(ay, by) + half + 1).rounded(.up)))
            if x0 <= x1 && y0 <= y1 {
                (minX, maxX, minY, maxY) = (min(minX, x0), max(maxX, x1), min(minY, y0), max(maxY, y1))
                for y in y0...y1 {
                    for x in x0...x1 {
                        let px = Double(x) + 0.5
                        let py = Double(y) + 0.5
                        let t = length2 > 0 ? min(1, max(0, ((px - ax) * dx + (py - ay) * dy) / length2)) : 0
                        let cx = ax + t * dx - px
                        let cy = ay + t * dy - py
                        var c = min(1, half + 0.5 - (cx * cx + cy * cy).squareRoot())
                        guard c > 0 else { continue }
                        if let dash {
                            let along = (travelled + t * length).truncatingRemainder(dividingBy: dash.on + dash.off)
                            if along > dash.on { continue }
                            c = min(c, along + 0.5, dash.on - along + 0.5)
                        }
                        coverage[y * w + x] = max(coverage[y * w + x], Float(c))
                    }
                }
            }
            travelled += length
        }
        guard minX <= maxX else { return }
        for y in minY...maxY {
            for x in minX...maxX where coverage[y * w + x] > 0 {
                image.blend(x: x, y: y, color: color, coverage: Double(coverage[y * w + x]))
            }
        }
    }

    /// Fills between `low` and `high`, linearly interpolated between the given x positions,
    /// with fractional coverage at the top and bottom edges.
    mutating func fillBand(_ band: [(x: Double, low: Double, high: Double)], plot: Plot, color: RGBA) {
        guard band.count >= 2 else { return }
        let startX = Int(plot.px(band.first!.x).rounded(.down))
        let endX = Int(plot.px(band.last!.x).rounded(.down))
        let (firstColumn, lastColumn) = (max(0, startX), min(image.width - 1, max(startX, endX)))
        guard firstColumn <= lastColumn else { return }
        var segment = 0
        for x in firstColumn...lastColumn {
            let dataX = plot.dataX(Double(x) + 0.5)
            while segment < band.count - 2 && dataX > band[segment + 1].x { segment += 1 }
            let a = band[segment]
            let b = band[segment + 1]
            let t = b.x > a.x ? min(1, max(0, (dataX - a.x) / (b.x - a.x))) : 1
            let top = plot.py(a.high + t * (b.high - a.high)) - 0.5
            let bottom = plot.py(a.low + t * (b.low - a.low)) - 0.5
            let y0 = max(0, Int(top.rounded(.down)))
            let y1 = min(image.height - 1, Int(bottom.rounded(.down)))
            guard y0 <= y1 else { continue }
            for y in y0...y1 {
                let overlap = min(Double(y + 1), bottom) - max(Double(y), top)
                image.blend(x: x, y: y, color: color, coverage: max(overlap, 0))
            }
        }
    }
}

// MARK: - Bitmap font

/// A 5x7 pixel font (upper case, digits, common punctuation), drawn at integer scales with
/// one column of spacing per character.
enum BitmapFont {
    static let glyphWidth = 5, glyphHeight = 7

    /// Width in pixels of `text` drawn at `scale`.
    static func width(_ text: String, scale: Int) -> Int {
        let n = text.count
        return n == 0 ? 0 : (n * (glyphWidth + 1) - 1) * scale
    }

    /// `text` shortened with a trailing ".." so that it fits in `maxWidth` pixels.
    static func truncated(_ text: String, toWidth maxWidth: Int, scale: Int) -> String {
        if width(text, scale: scale) <= maxWidth { return text }
        let fitting = max(0, maxWidth / scale + 1) / (glyphWidth + 1)  // characters that fit
        return fitting <= 2 ? "" : String(text.prefix(fitting - 2)) + ".."
    }

    static func draw(_ text: String, into image: inout RasterImage, x: Int, y: Int, scale: Int, color: RGBA) {
        var penX = x
        for ch in text {
            let rows = glyph(ch)
            for (row, bits) in rows.enumerated() {
                for col in 0..<glyphWidth where bits & (1 << (glyphWidth - 1 - col)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale { image.blend(x: penX + col * scale + dx, y: y + row * scale + dy, color: color) }
                    }
                }
            }
            penX += (glyphWidth + 1) * scale
        }
    }

    /// Rows of a glyph, top first, bit 4 = leftmost column.
    static func glyph(_ ch: Character) -> [UInt8] {
        let key = Character(ch.uppercased())
        return glyphs[key] ?? glyphs["?"]!
    }

    static func hasGlyph(_ ch: Character) -> Bool { glyphs[Character(ch.uppercased())] != nil }

    private static let glyphs: [Character: [UInt8]] = {
        var table: [Character: [UInt8]] = [:]
        for (ch, art) in source {
            let rows = art.split(separator: " ").map { row in
                row.reduce(UInt8(0)) { $0 << 1 | ($1 == "#" ? 1 : 0) }
            }
            precondition(rows.count == glyphHeight, "glyph \(ch) needs \(glyphHeight) rows")
            table[ch] = rows
        }
        return table
    }()

    // Each glyph: seven rows of five columns, '#' = ink.
    private static let source: [(Character, String)] = [
        (" ", "..... ..... ..... ..... ..... ..... ....."),
        ("0", ".###. #...# #..## #.#.# ##..# #...# .###."),
        ("1", "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###."),
        ("2", ".###. #...# ....# ...#. ..#.. .#... #####"),
        ("3", "##### ...#. ..#.. ...#. ....# #...# .###."),
        ("4", "...#. ..##. .#.#. #..#. ##### ...#. ...#."),
        ("5", "##### #.... ####. ....# ....# #...# .###."),
        ("6", "..##. .#... #.... ####. #...# #...# .###."),
        ("7", "##### ....# ...#. ..#.. .#... .#... .#..."),
        ("8", ".###. #...# #...# .###. #...# #...# .###."),
        ("9", ".###. #...# #...# .#### ....# ...#. .##.."),
        ("A", ".###. #...# #...# ##### #...# #...# #...#"),
        ("B", "####. #...# #...# ####. #...# #...# ####."),
        ("C", ".###. #...# #.... #.... #.... #...# .###."),
        ("D", "###.. #..#. #...# #...# #...# #..#. ###.."),
        ("E", "##### #.... #.... ####. #.... #.... #####"),
        ("F", "##### #.... #.... ####. #.... #.... #...."),
        ("G", ".###. #...# #.... #.### #...# #...# .####"),
        ("H", "#...# #...# #...# ##### #...# #...# #...#"),
        ("I", ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###."),
        ("J", "..### ...#. ...#. ...#. ...#. #..#. .##.."),
        ("K", "#...# #..#. #.#.. ##... #.#.. #..#. #...#"),
        ("L", "#.... #.... #.... #.... #.... #.... #####"),
        ("M", "#...# ##.## #.#.# #.#.# #...# #...# #...#"),
        ("N", "#...# #...# ##..# #.#.# #..## #...# #...#"),
        ("O", ".###. #...# #...# #...# #...# #...# .###."),
        ("P", "####. #...# #...# ####. #.... #.... #...."),
        ("Q", ".###. #...# #...# #...# #.#.# #..#. .##.#"),
        ("R", "####. #...# #...# ####. #.#.. #..#. #...#"),
        ("S", ".#### #.... #.... .###. ....# ....# ####."),
        ("T", "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#.."),
        ("U", "#...# #...# #...# #...# #...# #...# .###."),
        ("V", "#...# #...# #...# #...# #...# .#.#. ..#.."),
        ("W", "#...# #...# #...# #.#.# #.#.# #.#.# .#.#."),
        ("X", "#...# #...# .#.#. ..#.. .#.#. #...# #...#"),
        ("Y", "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#.."),
        ("Z", "##### ....# ...#. ..#.. .#... #.... #####"),
        (".", "..... ..... ..... ..... ..... .##.. .##.."),
        (",", "..... ..... ..... ..... .##.. ..#.. .#..."),
        ("-", "..... ..... ..... .###. ..... ..... ....."),
        ("+", "..... ..#.. ..#.. ##### ..#.. ..#.. ....."),
        ("=", "..... ..... ##### ..... ##### ..... ....."),
        (":", "..... .##.. .##.. ..... .##.. .##.. ....."),
        ("%", "##... ##..# ...#. ..#.. .#... #..## ...##"),
        ("/", "..... ....# ...#. ..#.. .#... #.... ....."),
        ("(", "...#. ..#.. .#... .#... .#... ..#.. ...#."),
        (")", ".#... ..#.. ...#. ...#. ...#. ..#.. .#..."),
        ("_", "..... ..... ..... ..... ..... ..... #####"),
        ("#", ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#."),
        ("'", "..#.. ..#.. .#... ..... ..... ..... ....."),
        ("!", "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#.."),
        ("?", ".###. #...# ....# ...#. ..#.. ..... ..#.."),
    ]
}
