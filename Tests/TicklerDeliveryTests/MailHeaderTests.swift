import Foundation
import Testing
import TicklerCore
@testable import TicklerDelivery

/// Header folding by RFC 5322 over values a firm's data can produce: long case numbers without spaces,
/// runs of spaces, long subjects.
@Suite struct MailHeaderTests {
    /// Decodes a value made of `=?UTF-8?B?…?=` words only (adjacent encoded words join without the space).
    static func decode(_ value: String) -> String? {
        var bytes = Data()
        for word in value.split(separator: " ") {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                  let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
            bytes += data
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func check(_ name: String, _ value: String) {
        let encoded = MailHeader.encodedText(value)
        let folded = MailHeader.fold(name, encoded)
        let lines = folded.components(separatedBy: "\r\n")
        #expect(folded.replacingOccurrences(of: "\r\n", with: "") == name + ": " + encoded, "unfolding changed the value")
        for (i, line) in lines.enumerated() {
            #expect(line.utf8.count <= 998)
            #expect(!line.allSatisfy { $0 == " " }, "a whitespace-only line in \(lines)")
            if i > 0 {
                #expect(line.hasPrefix(" "))
                #expect(line.utf8.count <= 78, "line \(i) has \(line.utf8.count) characters")
            } else {
                #expect(line.utf8.count <= max(78, name.utf8.count + 2 + 75))
            }
        }
    }

    @Test func longCaseNumbersAndSubjectsFoldWithinTheLimits() {
        let number = String(repeating: "2026-CV-", count: 200)  // 1,600 characters, no space
        Self.check("Subject", "Reminder: client-update-cadence stage 1 for case \(number) is due")
        Self.check("X-Tickler-Case-Number", number)
        Self.check("Subject", String(repeating: "word ", count: 400))
        Self.check("Subject", "a" + String(repeating: " ", count: 200) + "b")
        Self.check("Subject", "   leading and trailing   ")
        Self.check("Subject", "Müller v. Ørsted — " + String(repeating: "ü", count: 500))
        let long = String(repeating: "x", count: 77)
        #expect(MailHeader.encodedText(long).hasPrefix("=?UTF-8?B?"))
        #expect(Self.decode(MailHeader.encodedText(number)) == number)
        let spaced = "a" + String(repeating: " ", count: 200) + "b"
        #expect(Self.decode(MailHeader.encodedText(spaced)) == spaced)
    }

    @Test func randomValuesFoldWithinTheLimits() {
        var rng = SplitMix64(seed: 5322)
        let alphabet = Array("abcdefghij-0123456789 ü ")
        for _ in 0..<500 {
            let length = Int(rng.next() % 1_200)
            var value = ""
            for _ in 0..<length {
                // Runs of spaces and long runs without one both come up.
                value.append(rng.next() % 8 == 0 ? " " : alphabet[Int(rng.next() % UInt64(alphabet.count))])
            }
            if rng.next() % 3 == 0 { value += String(repeating: "9", count: Int(rng.next() % 1_500)) }
            Self.check(rng.next() % 2 == 0 ? "Subject" : "X-Tickler-Case-Number", value)
        }
    }
}
