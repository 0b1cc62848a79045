import TicklerCore

/// The answers to keywords, by language: one confirmation each, naming the firm. An opt-out's says that
/// court-date notices still come, by email or by phone.
enum InboundReplies {
    static func text(_ reply: InboundText.Reply, language: String, firm: String, autoreply: [String: String],
                     fallback: String) -> String? {
        let lang = language.hasPrefix("es") ? "es" : "en"
        switch reply {
        case .afterHours:
            return autoreply[language] ?? autoreply[fallback] ?? autoreply.values.sorted().first
        case .optedOut:
            return lang == "es"
                ? "\(firm): no recibirá más mensajes de texto. Los avisos de fechas judiciales le llegarán por correo o por teléfono. Responda COMENZAR para volver a recibirlos."
                : "\(firm): you will get no more text messages. Court-date notices will still reach you by email or phone. Reply START to resume."
        case .optedIn:
            return lang == "es"
                ? "\(firm): volverá a recibir mensajes de texto. Responda PARAR para dejar de recibirlos."
                : "\(firm): you will get text messages again. Reply STOP to opt out."
        case .help:
            return lang == "es"
                ? "\(firm): mensajes sobre su caso. Para hablar con nosotros, llame a la oficina. Responda PARAR para no recibir más."
                : "\(firm): messages about your case. To talk to us, call the office. Reply STOP to opt out."
        }
    }
}
