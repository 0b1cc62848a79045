import Testing
@testable import TicklerCore

@Suite struct SMSKeywordTests {
    @Test(arguments: ["STOP", "stop", " Stop. ", "STOP!", "quit", "End", "revoke", "opt out", "Opt-Out", "OPTOUT",
                      "cancel", "Unsubscribe", "stopall", "PARAR", "alto", "Baja", "no más", "NO MA\u{301}S", "Cancelar", "STOP STOP", "help stop",
                      String(repeating: "STOP ", count: 20)])
    func optOutWords(_ body: String) {
        #expect(SMSKeyword(message: body) == .stop)
    }

    @Test(arguments: ["START", "start", "Unstop", "comenzar", "INICIAR"])
    func optInWords(_ body: String) {
        #expect(SMSKeyword(message: body) == .start)
    }

    @Test(arguments: ["HELP", "help?", "Info", "ayuda", "¿Ayuda?"])
    func helpWords(_ body: String) {
        #expect(SMSKeyword(message: body) == .help)
    }

    @Test(arguments: ["", "Stop calling me at work", "Stopp", "Thanks, see you at 3", "1", "5", "停止", "stop 5"])
    func ordinaryMessagesAreNotKeywords(_ body: String) {
        #expect(SMSKeyword(message: body) == nil)
    }
}
