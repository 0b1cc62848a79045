import Testing
@testable import TicklerDaemon

@Suite struct InFlightTests {
    /// One delivery is sent by one lane at a time, even across a reload's old and new lanes.
    @Test func aDeliveryIsClaimedOnceUntilReleased() {
        let inFlight = InFlight()
        #expect(inFlight.claim(7))
        #expect(!inFlight.claim(7))
        #expect(inFlight.claim(8))
        inFlight.release(7)
        #expect(inFlight.claim(7))
    }
}
