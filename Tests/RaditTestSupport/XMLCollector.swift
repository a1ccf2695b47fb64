import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Parses a document with Foundation's XMLParser (libxml2) and collects element names and
/// text, so tests check well-formedness and content together.
public final class XMLCollector: NSObject, XMLParserDelegate {
    public var elements: [String] = []
    public var text = ""
    public var attributes: [[String: String]] = []

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                       attributes: [String: String] = [:]) {
        elements.append(name)
        self.attributes.append(attributes)
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// Parses `xml`; fails the test with the parser's line and message if it is not well-formed.
    public static func parse(_ xml: String, file: StaticString = #filePath, line: UInt = #line) -> XMLCollector {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = collector
        if !parser.parse() {
            XCTFail("not well-formed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?")", file: file, line: line)
        }
        return collector
    }
}
