import Foundation
import JECPModels
import Testing

@testable import jecp

@Suite struct ArtifactTests {
    static let pdf = Array("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n".utf8)
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1]

    static func base64(_ bytes: [UInt8]) -> JSONValue { .string(Data(bytes).base64EncodedString()) }

    @Test(arguments: [
        ("application/pdf", "pdf"), ("image/png", "png"), ("image/jpeg", "jpg"), ("text/csv", "csv"), ("text/plain; charset=utf-8", "txt"),
        ("application/json", "json"), ("application/x-unknown", "bin"),
    ])
    func extensionFromMediaType(mediaType: String, ext: String) {
        #expect(Artifact.fileExtension(mediaType: mediaType, bytes: [1, 2, 3]) == ext)
    }

    @Test func magicBytesWinOverADeclaredType() {
        #expect(Artifact.fileExtension(mediaType: nil, bytes: Self.pdf) == "pdf")
        #expect(Artifact.fileExtension(mediaType: "application/octet-stream", bytes: Self.png) == "png")
        #expect(Artifact.fileExtension(mediaType: "image/png", bytes: Self.jpeg) == "jpg")
        #expect(Artifact.fileExtension(mediaType: nil, bytes: [0, 1, 2]) == "bin")
    }

    @Test func schemaDeclaredFieldsAreExtractedEvenWithoutMagic() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "pdf": ["type": "string", "contentEncoding": "base64", "contentMediaType": "application/pdf"],
                "report": ["type": "object", "properties": ["csv": ["type": "string", "contentEncoding": "base64", "contentMediaType": "text/csv"]]],
                "title": ["type": "string"],
            ],
        ]
        let output: JSONValue = ["pdf": Self.base64(Self.pdf), "report": ["csv": Self.base64(Array("a,b\n1,2\n".utf8))], "title": "Invoice 42"]
        let artifacts = Artifact.extract(from: output, outputSchema: schema)
        #expect(artifacts.map(\.pointer) == ["/pdf", "/report/csv"])
        #expect(artifacts.map(\.fileExtension) == ["pdf", "csv"])
        #expect(artifacts[0].bytes == Self.pdf)
    }

    @Test func undeclaredFieldsCountOnlyWithRecognizableMagic() {
        // Shorter than any real file: never mistaken for one.
        #expect(Artifact.extract(from: ["t": "JVBERi0x"], outputSchema: nil).isEmpty)
        let output: JSONValue = ["chart": Self.base64(Self.png), "note": "hello world, not base64 at all", "blob": Self.base64(Array(repeating: 7, count: 40))]
        let artifacts = Artifact.extract(from: output, outputSchema: nil)
        #expect(artifacts.map(\.pointer) == ["/chart"])
        #expect(artifacts.first?.mediaType == "image/png")
    }

    @Test func writesFilesWithTheRightExtensions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jecp-out-\(UUID().uuidString)/nested").path
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let artifacts = [Artifact(path: ["pdf"], mediaType: "application/pdf", bytes: Self.pdf), Artifact(path: ["image", "png"], mediaType: nil, bytes: Self.png)]
        let paths = try Artifact.write(artifacts, to: directory, stem: "req_abc/../x")
        #expect(paths == [directory + "/req_abcx-pdf.pdf", directory + "/req_abcx-image-png.png"])
        #expect(FileManager.default.contents(atPath: paths[0]).map { [UInt8]($0) } == Self.pdf)
    }
}
