import Foundation
import JECPHubCore
import JECPModels

/// `file-chain`: image processing on PNGs (decoded and encoded with the system zlib).
public struct FileChain: HubCapability {
    public init() {}

    public var descriptor: CapabilityDescriptor {
        CapabilityDescriptor(
            name: "file-chain", displayName: "File Chain",
            description: "Image pipeline: decode any standard PNG, apply ordered operations, return a PNG.",
            version: "1.0.0", tags: ["image", "png"],
            actions: [
                ActionDescriptor(name: "image-pipeline",
                                 description: "resize (bilinear, optional keep-aspect), crop, rotate 90/180/270, flip, grayscale, blur, brightness, contrast — in order.",
                                 price: Money(micros: 10_000), trustTierRequired: .gold, rateLimitPerMinute: 30,
                                 inputSchema: Self.pipelineInput, outputSchema: Self.pipelineOutput, examples: [Self.pipelineExample],
                                 streaming: true)
            ])
    }

    public func execute(action: String, input: JSONValue, context: ExecutionContext) async throws -> JSONValue {
        guard action == "image-pipeline" else { throw JECPError(.actionNotFound, "file-chain has no action '\(action)'.") }
        guard let data = Data(base64Encoded: input["image_png"]?.stringValue ?? "", options: .ignoreUnknownCharacters) else {
            throw Self.violation("/image_png", "is not valid base64")
        }
        let operations = try (input["operations"]?.arrayValue ?? []).enumerated().map { index, value in
            try Self.operation(value, path: "/operations/\(index)")
        }
        do {
            await context.progress("decoding", 0)
            var image = try PNGDecoder.decode(Array(data))
            for (index, operation) in operations.enumerated() {
                await context.progress("operation \(index + 1)/\(operations.count)", Double(index + 1) / Double(operations.count + 2))
                do {
                    image = try operation.apply(to: image)
                } catch {
                    throw error.sizeError ? Self.tooLarge(error) : Self.violation("/operations/\(index)", error.description)
                }
            }
            await context.progress("encoding", Double(operations.count + 1) / Double(operations.count + 2))
            let png = try PNGEncoder.encode(image)
            return [
                "png": .string(Data(png).base64EncodedString()),
                "metadata": ["width": .number(JSONNumber(image.width)), "height": .number(JSONNumber(image.height)),
                             "size_bytes": .number(JSONNumber(png.count)), "steps_applied": .number(JSONNumber(operations.count))],
            ]
        } catch let error as ImagingError {
            throw error.sizeError ? Self.tooLarge(error) : Self.violation("/image_png", error.description)
        }
    }

    static func operation(_ value: JSONValue, path: String) throws -> ImageOperation {
        func int(_ key: String) -> Int { Int(value[key]?.numberValue?.integerValue ?? 0) }
        func double(_ key: String) -> Double { value[key]?.numberValue?.double ?? 0 }
        switch value["op"]?.stringValue {
        case "resize":
            return value["keep_aspect"]?.boolValue == true
                ? .fit(maxWidth: int("width"), maxHeight: int("height"), allowUpscaling: true) : .resize(width: int("width"), height: int("height"))
        case "crop": return .crop(x: int("x"), y: int("y"), width: int("width"), height: int("height"))
        case "rotate": return .rotate(degrees: int("degrees"))
        case "flip": return .flip(value["direction"]?.stringValue == "vertical" ? .vertical : .horizontal)
        case "grayscale": return .grayscale
        case "blur": return .blur(radius: double("radius"))
        case "brightness": return .brightness(double("amount"))
        case "contrast": return .contrast(double("amount"))
        default: throw violation(path + "/op", "unknown operation")
        }
    }

    static func violation(_ path: String, _ reason: String) -> JECPError {
        JECPError(.inputSchemaViolation, "The image cannot be processed: \(reason).",
                  details: ["errors": [["instance_path": .string(path), "schema_path": "", "reason": .string(reason)]]])
    }

    static func tooLarge(_ error: ImagingError) -> JECPError {
        JECPError(.inputTooLarge, "The image is too large: \(error.description).",
                  details: ["reason": .string(error.description), "limit_pixels": .number(JSONNumber(RasterImage.defaultPixelLimit))])
    }
}

extension ImagingError {
    var sizeError: Bool {
        // Inflation is capped at the size the header implies, so going past it means corrupt data, not a big image.
        if case .tooLarge = self { return true }
        return false
    }
}
