import Foundation

/// `POST /v1/embeddings`.
public struct EmbeddingRequest: Codable, Sendable, Equatable {
    public var model: String
    public var input: [String]
    public init(model: String, input: [String]) { self.model = model; self.input = input }
    enum CodingKeys: String, CodingKey { case model, input }
    public init(from d: any Decoder) throws {
        let c = try d.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        if let one = try? c.decode(String.self, forKey: .input) { input = [one] } else {
            input = try c.decode([String].self, forKey: .input)
        }
    }
}

public struct EmbeddingResponse: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var object: String
        public var index: Int
        public var embedding: [Double]
        public init(index: Int, embedding: [Double]) { object = "embedding"; self.index = index; self.embedding = embedding }
    }
    public var object: String
    public var data: [Item]
    public var model: String
    public var usage: OpenAIUsage?
    public init(data: [Item], model: String, usage: OpenAIUsage?) {
        object = "list"; self.data = data; self.model = model; self.usage = usage
    }
}
