import TicklerConfig
import TicklerCore
import TicklerDelivery

/// What `check-config` says of client messages beyond the configuration's own checks: each stage's
/// text message as a stage-change policy would send it, rendered with a long first name and a staff
/// line, against the sms channel's `max_segments`. One that does not fit is sent in its short form (or
/// cut): said at its stage, so the firm can shorten the text.
enum ClientContentCheck {
    static func warnings(_ config: Configuration, templates: TemplateCatalog) -> [Diagnostic] {
        guard let clients = config.clients, let smsName = clients.channels[.sms], case .sms(let sms)? = config.channels[smsName] else {
            return []
        }
        let composer = MessageComposer(templates: templates)
        var out: [Diagnostic] = []
        for policy in config.policies where policy.clientFacing && ClientNotice.kind(of: policy) == .stage {
            for (area, stages) in clients.stages.areas.sorted(by: { $0.key < $1.key }) {
                for stage in stages where !stage.sensitive {
                    for language in clients.languages {
                        guard let text = stage.texts[language] else { continue }
                        let notice = ClientNotice(kind: .stage, language: language, firmName: config.firmName, firstName: "Alexandrina",
                                                  stage: text, staffName: "Pat Lee", staffPhone: "+13125550199")
                        let (message, form) = composer.clientSMSForm(notice, policy: policy.id, stage: 1, fallback: clients.fallbackLanguage,
                                                                     maxSegments: sms.maxSegments)
                        guard form != .whole, let at = config.stageLocations[area + "/" + stage.id] else { continue }
                        let how = form == .short ? "its short form is sent instead" : "it is cut"
                        out.append(at.warning("stage '\(stage.id)' of \(area) in \(language) does not fit a text of \(sms.maxSegments) "
                            + "segment\(sms.maxSegments == 1 ? "" : "s") by policy \(policy.id): \(how): \"\(message)\""))
                    }
                }
            }
        }
        return out
    }
}
