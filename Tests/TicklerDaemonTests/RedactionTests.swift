import Testing
import TicklerCore
@testable import TicklerDaemon
@testable import TicklerJournal

@Suite struct RedactionTests {
    let hidden = Redaction(includeClient: false)

    @Test func addressesBecomeStableShortHashesAndIdsStay() {
        let tag = "address:" + SHA256.hex("ann@example.test").prefix(8)
        #expect(hidden.recipients(["p1", "client", "Ann@Example.test", "ann@example.test"]) == ["p1", "client", tag, tag])
        #expect(Redaction(includeClient: true).recipient("ann@example.test") == "ann@example.test")
    }

    @Test func errorsAreScrubbedOfAddressesInAnyPunctuation() {
        let text = "RCPT failed: 550 5.1.1 <ann@example.test>: no such user (ann@example.test); try later"
        let scrubbed = hidden.scrub(text)
        #expect(!scrubbed.contains("@"))
        #expect(scrubbed == "RCPT failed: 550 5.1.1 <\(hidden.recipient("ann@example.test"))>: no such user "
            + "(\(hidden.recipient("ann@example.test"))); try later")
        #expect(hidden.scrub("no address here") == "no address here")
    }
}
