/// The kinds of journal entry `ticklerd` writes, each with a fixed MESSAGE_ID (documented in
/// `systemd/tickler.catalog`) and its priority, so ops can filter: `journalctl MESSAGE_ID=…`.
public enum JournalEvent: String, CaseIterable, Sendable {
    case reminderFired, escalationFired, deliveryFailed, delivered, configLoaded, reloadFailed, storeOutage,
         storeRecovered, started, stopping, rowSkipped, channelOutage, channelRecovered, digestQueued, recipientRedirected, deadlineMoved, metricsUnwritable,
         storeReplaced, caughtUp, clockOffset, clockAgrees, claimLost, clientMessageHeld, clientMessageNotSent, clientStaffTask,
         inboundRecorded, inboundKeyword, inboundRejected, inboundKept, inboundUnforwarded, startFailed, syncOutage, syncRecovered,
         syncPassed, syncRecordSkipped, syncWebhook, mailOutage, mailRecovered, mailRead

    public var messageID: String {
        switch self {
        case .reminderFired: "74046f60a840438597970918207c2b2f"
        case .escalationFired: "07375ca842e147c3bdca0cd6f430391b"
        case .deliveryFailed: "388262a9e30d4deba90617fbfc5e2a68"
        case .delivered: "322203dcd24244eea38969b0bde4a90e"
        case .configLoaded: "1185d79f7af94ab0891309e9ab1e7cc9"
        case .reloadFailed: "5d54fe4fc78a4695a0cc1f00c0a752fa"
        case .storeOutage: "5c969da84f074339b4089e31e1b089a3"
        case .storeRecovered: "7e83e0e6f50347deb2d21c4343827a09"
        case .started: "4752238b4c20467aaf1628b533de3610"
        case .stopping: "8813b76c169f44acb73e5af180e3a214"
        case .rowSkipped: "6554987fb18f49258ebebcf44c79e6cf"
        case .channelOutage: "b0e7a6c2f43d4c1f9a8e5d2c71f04e93"
        case .channelRecovered: "4c2d9e81a07b4f6d8e3a1b5c9f7d2e60"
        case .digestQueued: "9a41f3e7c2d84b0e8f6a5c3d1e7b9f24"
        case .recipientRedirected: "e5b8c1d74a2f4e3b9c6d0a7f18e2b453"
        case .deadlineMoved: "d7c3a9e15b6f4082a4e9c1f3b5d7e820"
        case .metricsUnwritable: "3f9b2e71c8d04a5e96f1a0b4c7e2d835"
        case .storeReplaced: "5ed1d26862f949a0ad21f7534e285a26"
        case .caughtUp: "c1a7e4b2d9f04e3c8b6a2f5d0e9c7b41"
        case .clockOffset: "8b2f61d4e93a4c07a5d1e8c2f7b0a396"
        case .clockAgrees: "2e7c94a1b5d84f36a0c9e3b7d1f58a42"
        case .claimLost: "6a3e9d27c4f14b58b1d0e7a9c5f28b63"
        case .clientMessageHeld: "ec78107f8df8461a9b059ae6890434c5"
        case .clientMessageNotSent: "48a38957a04f4ea085ce2f28e8ee2f48"
        case .clientStaffTask: "2633d099d88044559e54fb8284a70daf"
        case .inboundRecorded: "f5163b89baff4bae8b3ad27645fa789b"
        case .inboundKeyword: "20b728649a4e417c82b5bce55f2f9f31"
        case .inboundRejected: "cd51781445ff419c80050159fc016402"
        case .inboundKept: "5294f8d85a3e4a29b8c37faaf798d8dc"
        case .inboundUnforwarded: "e128767ef47e46a8bec382855a80b3bb"
        case .startFailed: "ed48af5fe6b943918debaeacf8912182"
        case .syncOutage: "a5685b01e8fe4933b3b5b0c65106e132"
        case .syncRecovered: "c1290f8f27814c6ba667f519b561705f"
        case .syncPassed: "14637d343f9f455a87c4907deca78ed5"
        case .syncRecordSkipped: "b77ab5d4c6d141ffad2582a15e4053ae"
        case .syncWebhook: "f28015cccda64fd3b7a7afec987d2cfc"
        case .mailOutage: "6f0d2b8e4c7a4e19b3a5d8c1e2f4a790"
        case .mailRecovered: "0b7e4c2a9d1f4a36b8e5c3d7f9a1b264"
        case .mailRead: "d41c8e7a2b5f4e90a6c3b1d8e7f2a593"
        }
    }

    /// syslog priority: escalations 4, reminders 5, failures 3, routine 6, delivered 7.
    public var priority: Int {
        switch self {
        case .reminderFired, .storeRecovered, .channelRecovered, .clockAgrees, .clientMessageNotSent, .inboundKeyword, .syncRecovered, .mailRecovered: 5
        case .escalationFired, .rowSkipped, .recipientRedirected, .deadlineMoved, .metricsUnwritable, .storeReplaced, .clockOffset, .claimLost,
             .clientStaffTask, .inboundRejected, .inboundKept, .inboundUnforwarded, .syncRecordSkipped: 4
        case .deliveryFailed, .reloadFailed, .storeOutage, .channelOutage, .startFailed, .syncOutage, .mailOutage: 3
        case .configLoaded, .started, .stopping, .digestQueued, .caughtUp, .clientMessageHeld, .inboundRecorded, .syncPassed, .syncWebhook, .mailRead: 6
        case .delivered: 7
        }
    }
}
