import Foundation
import Testing
import TicklerCore
@testable import TicklerDelivery

@Suite struct TemplateCatalogTests {
    let stages = ["client-update-cadence": 3, "deadline-approach": 3]

    func directory(_ files: [String: String]) -> String {
        let dir = scratch("templates")
        for (name, text) in files { try! text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func theMostSpecificTemplateWins() throws {
        let dir = directory([
            "client-update-cadence.stage2.subject.mustache": "stage two of {{case_number}}",
            "client-update-cadence.subject.mustache": "any stage of {{case_number}}",
            "default.text.mustache": "default text {{case_number}} {{explanation}}",
        ])
        let catalog = try TemplateCatalog.load(directory: dir, stages: stages)
        let fields = sampleNotice().fields(includeClient: true)
        #expect(catalog.render(.subject, policy: "client-update-cadence", stage: 2, fields: fields) == "stage two of 2026-0142")
        #expect(catalog.render(.subject, policy: "client-update-cadence", stage: 1, fields: fields) == "any stage of 2026-0142")
        #expect(catalog.render(.subject, policy: "deadline-approach", stage: 1, fields: fields).hasPrefix("[Tickler] Escalation"))
        #expect(catalog.render(.text, policy: "deadline-approach", stage: 1, fields: fields)
            == "default text 2026-0142 since: client_update, anchored at 2026-11-13T10:00:00-05:00\nafter: 10 business days on firm")
    }

    @Test func htmlEscapesAndTextDoesNot() throws {
        let dir = directory(["default.html.mustache": "<p>{{firm_name}}</p>", "default.text.mustache": "{{firm_name}}"])
        let catalog = try TemplateCatalog.load(directory: dir, stages: stages)
        var notice = sampleNotice()
        notice.firmName = "<script>Lee & Co</script>"
        let fields = notice.fields(includeClient: true)
        #expect(catalog.render(.html, policy: "x", stage: 1, fields: fields) == "<p>&lt;script&gt;Lee &amp; Co&lt;/script&gt;</p>")
        #expect(catalog.render(.text, policy: "x", stage: 1, fields: fields) == "<script>Lee & Co</script>")
    }

    @Test func everyProblemIsLocated() throws {
        let dir = directory([
            "client-update-cadence.stage9.text.mustache": "x",
            "nosuchpolicy.subject.mustache": "x",
            "default.text.mustache": "Hello {{recipient_nam}},\n\nCase {{case_numbr}} for {{#items}}{{/items}}\n",
            "default.html.mustache": "<p>\n  {{#case_number}}open\n",
            "notes.txt": "ignored: not a template",
        ])
        do {
            _ = try TemplateCatalog.load(directory: dir, stages: stages)
            Issue.record("expected problems")
        } catch {
            let lines = error.problems.map { $0.description.replacingOccurrences(of: dir + "/", with: "") }
            #expect(lines == [
                "client-update-cadence.stage9.text.mustache:1:1: error: 'client-update-cadence.stage9.text.mustache' names no template: use POLICY.stageN.PART, POLICY.PART, default.PART or digest.PART (PART is subject, text or html) with a policy id of the configuration, or for client messages POLICY[.stageN].client[.LANGUAGE].PART or client-KIND.LANGUAGE.PART (PART is subject, text or sms)",
                "default.html.mustache:3:1: error: Mustache syntax: expectedSectionEnd",
                "default.text.mustache:1:7: error: unknown variable 'recipient_nam'; did you mean 'recipient_name'?",
                "default.text.mustache:3:6: error: unknown variable 'case_numbr'; did you mean 'case_number'?",
                "default.text.mustache:3:25: error: unknown variable 'items'",
                "nosuchpolicy.subject.mustache:1:1: error: 'nosuchpolicy.subject.mustache' names no template: use POLICY.stageN.PART, POLICY.PART, default.PART or digest.PART (PART is subject, text or html) with a policy id of the configuration, or for client messages POLICY[.stageN].client[.LANGUAGE].PART or client-KIND.LANGUAGE.PART (PART is subject, text or sms)",
            ])
        }
    }

    @Test func subjectsAreOneLine() throws {
        let dir = directory(["default.subject.mustache": "{{case_number}}\n{{policy}}\n"])
        let catalog = try TemplateCatalog.load(directory: dir, stages: stages)
        #expect(catalog.render(.subject, policy: "p", stage: 1, fields: sampleNotice().fields(includeClient: false))
            == "2026-0142 client-update-cadence")
    }
}
