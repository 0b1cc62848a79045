import Foundation
import Synchronization
import Testing
import TicklerTestKit

/// `.ownThreads` takes a suite's tests off Swift's cooperative pool, so that their synchronous waits hold up
/// no other test.
@Suite(.ownThreads) struct OwnThreadsTests {
    @Test func aSynchronousTestRunsOnAThreadOfItsOwn() {
        #expect(ThreadsExecutor.isCurrent)
    }

    @Test func anAsynchronousTestComesBackToItsOwnThreadsAfterEachWait() async throws {
        await Task.yield()
        #expect(ThreadsExecutor.isCurrent)
        let child = await Task { ThreadsExecutor.isCurrent }.value
        #expect(!child, "an unstructured task runs on the shared pool")
        async let inherited = { ThreadsExecutor.isCurrent }()
        #expect(await inherited)
    }

    /// A task on the shared pool is run while this test blocks its own thread waiting for it.
    @Test func aBlockedTestLeavesTheSharedPoolFree() {
        let done = Mutex(false)
        Task.detached { done.withLock { $0 = true } }
        let end = Date().addingTimeInterval(60)
        while !done.withLock({ $0 }) && Date() < end { usleep(1_000) }
        #expect(done.withLock { $0 })
    }
}

