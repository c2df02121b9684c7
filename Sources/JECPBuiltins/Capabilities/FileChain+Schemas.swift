import JECPModels

extension FileChain {
    static func op(_ name: String, _ properties: [String: JSONValue] = [:], required: [JSONValue] = []) -> JSONValue {
        var all = properties
        all["op"] = ["const": .string(name)]
        return ["type": "object", "additionalProperties": false, "required": .array(["op"] + required), "properties": .object(all)]
    }

    static let side: JSONValue = ["type": "integer", "minimum": 1, "maximum": 20_000]
    static let percent: JSONValue = ["type": "number", "minimum": -100, "maximum": 100]

    static let pipelineInput: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "additionalProperties": false, "required": ["image_png", "operations"],
        "properties": [
            "image_png": ["type": "string", "contentEncoding": "base64", "contentMediaType": "image/png", "maxLength": 5_000_000,
                          "description": "Any standard PNG (all color types and bit depths, interlaced too), at most 40 megapixels decoded."],
            "operations": ["type": "array", "maxItems": 20, "items": ["oneOf": [
                op("resize", ["width": side, "height": side, "keep_aspect": ["type": "boolean", "default": false]], required: ["width", "height"]),
                op("crop", ["x": ["type": "integer", "minimum": 0], "y": ["type": "integer", "minimum": 0], "width": side, "height": side],
                   required: ["x", "y", "width", "height"]),
                op("rotate", ["degrees": ["enum": [90, 180, 270]]], required: ["degrees"]),
                op("flip", ["direction": ["enum": ["horizontal", "vertical"]]], required: ["direction"]),
                op("grayscale"),
                op("blur", ["radius": ["type": "number", "minimum": 1, "maximum": 50]], required: ["radius"]),
                op("brightness", ["amount": percent], required: ["amount"]),
                op("contrast", ["amount": percent], required: ["amount"]),
            ]]],
        ],
    ]

    static let pipelineOutput: JSONValue = [
        "type": "object", "required": ["png", "metadata"],
        "properties": [
            "png": ["type": "string", "contentEncoding": "base64", "contentMediaType": "image/png", "minLength": 40],
            "metadata": ["type": "object", "required": ["width", "height", "size_bytes", "steps_applied"],
                         "properties": ["width": ["type": "integer", "minimum": 1], "height": ["type": "integer", "minimum": 1],
                                        "size_bytes": ["type": "integer", "minimum": 1], "steps_applied": ["type": "integer", "minimum": 0]]],
        ],
    ]

    static let pipelineExample: JSONValue = [
        "input": ["image_png": "<base64 PNG>",
                  "operations": [["op": "resize", "width": 256, "height": 256, "keep_aspect": true], ["op": "grayscale"], ["op": "rotate", "degrees": 90]]],
    ]
}
