import Foundation
import Testing
import TicklerCore
@testable import TicklerDelivery

/// Client messages: the built-in templates say only what the whitelist allows, the firm's own are held to
/// it with a located error, the most specific template in the contact's language wins, and a sensitive
/// stage says nothing about the case whatever the policy's templates say.
@Suite struct ClientTemplateTests {
    let stages = ["stage-update": 1, "hearing-reminder": 2]

    static func notice(_ kind: ClientNotice.Kind = .stage, language: String = "en") -> ClientNotice {
        ClientNotice(kind: kind, language: language, firmName: "Example Law", firstName: "Ann",
                     stage: StageVocabulary.Text(name: "Discovery", means: "Both sides exchange evidence.",
                                                 next: "We will send the other side our questions.", needs: "Your pay stubs."),
                     date: "Tuesday, December 1", time: "2:00 PM", staffName: "Pat Lee", staffPhone: "+13125550199",
                     documents: ["Pay stubs"])
    }

    @Test func everyBuiltInClientTemplateExistsAndUsesOnlyTheWhitelist() {
        for kind in ClientNotice.Kind.allCases {
            for language in ClientTemplates.languages {
                for part in ["subject", "text", "sms"] {
                    let name = "client-\(kind.rawValue).\(language).\(part)"
                    guard let text = ClientTemplates.all[name] else {
                        Issue.record("missing built-in \(name)")
                        continue
                    }
                    let allowed = kind == .sensitive ? ClientNotice.sensitiveVocabulary : ClientNotice.vocabulary
                    let used = Set(MustacheTags.scan(text).map(\.name))
                    #expect(used.isSubset(of: allowed), "\(name) uses \(used.subtracting(allowed).sorted())")
                }
            }
        }
    }

    @Test func theContactsLanguageAndTheMostSpecificTemplateWin() throws {
        let dir = scratch("client-templates")
        try "Etapa: {{stage_name}}".write(toFile: dir + "/stage-update.client.es.sms.mustache", atomically: true, encoding: .utf8)
        try "Stage: {{stage_name}}".write(toFile: dir + "/stage-update.client.sms.mustache", atomically: true, encoding: .utf8)
        let catalog = try TemplateCatalog.load(directory: dir, stages: stages)
        #expect(catalog.renderClient(.sms, policy: "stage-update", stage: 1, notice: Self.notice(language: "es"), fallback: "en")
            == "Etapa: Discovery")
        #expect(catalog.renderClient(.sms, policy: "stage-update", stage: 1, notice: Self.notice(language: "fr"), fallback: "en")
            == "Stage: Discovery")
        // No template of the policy: the built-in of the kind, in the contact's language.
        #expect(catalog.renderClient(.subject, policy: "hearing-reminder", stage: 2, notice: Self.notice(.reminder, language: "es"),
                                     fallback: "en") == "Example Law: recordatorio para el Tuesday, December 1")
        #expect(catalog.renderClient(.sms, policy: "hearing-reminder", stage: 2, notice: Self.notice(.reminder), fallback: "en")
            == "Example Law: reminder, you have a date on your case on Tuesday, December 1 at 2:00 PM. Questions? Call +13125550199.")
    }

    @Test func aSensitiveStageSaysNothingAboutTheCaseWhateverThePolicysTemplate() throws {
        let dir = scratch("client-templates")
        try "Stage: {{stage_name}}".write(toFile: dir + "/stage-update.client.sms.mustache", atomically: true, encoding: .utf8)
        let catalog = try TemplateCatalog.load(directory: dir, stages: stages)
        var n = Self.notice(.sensitive)
        // No portal is promised where the firm has none (clients.portal_url).
        #expect(catalog.renderClient(.sms, policy: "stage-update", stage: 1, notice: n, fallback: "en")
            == "Example Law: you have an update. Please call +13125550199.")
        n.staffPhone = ""
        n.portalURL = "https://portal.firm.test"
        #expect(catalog.renderClient(.sms, policy: "stage-update", stage: 1, notice: n, fallback: "en")
            == "Example Law: you have an update. Please call the office or log in at https://portal.firm.test.")
        // Its fields hold nothing of the stage even if a template asked.
        var full = Self.notice(.sensitive)
        full.portalURL = "https://portal.firm.test"
        #expect(Set(full.fields.keys) == ClientNotice.sensitiveVocabulary)
    }

    @Test func aClientTemplateNamingAFieldOutsideTheWhitelistIsRefusedWhereItIsUsed() {
        let dir = scratch("client-templates")
        try! "Hello {{first_name}},\nyour matter {{case_title}} ({{case_number}}) moved.\n"
            .write(toFile: dir + "/stage-update.client.en.text.mustache", atomically: true, encoding: .utf8)
        try! "{{firm_name}}: {{stage_name}} {{client_name}}".write(toFile: dir + "/client-sensitive.en.sms.mustache",
                                                                   atomically: true, encoding: .utf8)
        do {
            _ = try TemplateCatalog.load(directory: dir, stages: stages)
            Issue.record("accepted a template naming the matter to a client")
        } catch {
            let whitelist = "documents, date, firm_name, first_name, scale, stage_means, stage_name, stage_needs, stage_next, staff_name, "
                + "staff_phone, time, title, stage_back, what, where, attend, portal_url"
            let allowed = ClientNotice.vocabulary.sorted().joined(separator: ", ")
            #expect(allowed == whitelist.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted().joined(separator: ", "))
            #expect(error.problems.map { $0.description.replacingOccurrences(of: dir + "/", with: "") } == [
                "client-sensitive.en.sms.mustache:1:16: error: 'stage_name' may not appear in a client message; client templates may use only firm_name, first_name, portal_url, staff_name, staff_phone",
                "client-sensitive.en.sms.mustache:1:31: error: 'client_name' may not appear in a client message; client templates may use only firm_name, first_name, portal_url, staff_name, staff_phone",
                "stage-update.client.en.text.mustache:2:13: error: 'case_title' may not appear in a client message; client templates may use only \(allowed)",
                "stage-update.client.en.text.mustache:2:29: error: 'case_number' may not appear in a client message; client templates may use only \(allowed)",
            ])
        }
    }

    @Test func staffAndClientPartsDoNotMix() {
        for name in ["stage-update.sms", "stage-update.stage1.sms", "stage-update.client.html", "client-stage.en.html",
                     "client-nosuchkind.en.text", "stage-update.stage3.client.text", "other.client.text"] {
            #expect(TemplateCatalog.classify(name, stages: stages) == nil, "\(name)")
        }
        #expect(TemplateCatalog.classify("stage-update.stage1.client.pt-BR.sms", stages: stages)?.0 == .sms)
    }
}

@Suite struct SMSSegmentsTests {
    @Test func gsmTextTakes160CharactersInOneSegmentAnd153EachWhenSplit() {
        #expect(SMSSegments.encoding("Your hearing is on Dec 1 at 2:00 PM. Reply STOP to opt out.") == .gsm7)
        #expect(SMSSegments.count(String(repeating: "a", count: 160)) == 1)
        #expect(SMSSegments.count(String(repeating: "a", count: 161)) == 2)
        #expect(SMSSegments.count(String(repeating: "a", count: 306)) == 2)
        #expect(SMSSegments.count(String(repeating: "a", count: 307)) == 3)
        // Extension characters take two septets.
        #expect(SMSSegments.units("€[]") == 6)
        #expect(SMSSegments.count(String(repeating: "€", count: 80)) == 1)
        #expect(SMSSegments.count(String(repeating: "€", count: 81)) == 2)
    }

    @Test func anythingOutsideGSMMakesTheMessageUCS2() {
        // "ó" is not in the GSM alphabet (Spanish texts usually are not GSM-7).
        #expect(SMSSegments.encoding("Próximo paso") == .ucs2)
        #expect(SMSSegments.count(String(repeating: "ó", count: 70)) == 1)
        #expect(SMSSegments.count(String(repeating: "ó", count: 71)) == 2)
        #expect(SMSSegments.count(String(repeating: "ó", count: 134)) == 2)
        #expect(SMSSegments.count(String(repeating: "ó", count: 135)) == 3)
        // A character beyond the BMP is two UTF-16 units.
        #expect(SMSSegments.units("👍") == 2)
    }

    @Test func aLongMessageIsCutToItsSegmentsOnAWord() {
        let long = String(repeating: "word ", count: 100)
        let cut = SMSSegments.fit(long, segments: 2)
        #expect(SMSSegments.count(cut) == 2)
        #expect(cut.hasSuffix("word..."))
        #expect(SMSSegments.encoding(cut) == .gsm7)
        #expect(SMSSegments.fit("short", segments: 1) == "short")
    }

    @Test func formFieldsAreEncodedForTheMessagesAPI() {
        #expect(SMSSender.formEncode([("To", "+14155550100"), ("Body", "Próximo paso: 1 & 2 = ok")])
            == "To=%2B14155550100&Body=Pr%C3%B3ximo+paso%3A+1+%26+2+%3D+ok")
    }
}
