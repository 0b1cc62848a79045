import TicklerCore

/// The answers to keywords, by language: one confirmation each, naming the firm. An opt-out's says that
/// court-date notices still come, by email or by phone; HELP's gives the firm's phone and email.
enum InboundReplies {
    static func text(_ reply: InboundText.Reply, language: String, firm: String, autoreply: [String: String],
                     fallback: String, phone: String? = nil, email: String? = nil) -> String? {
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
            // Carriers require a HELP reply to say how to reach the sender: the firm's phone and email.
            let reach = [phone, email].compactMap { $0 }
            if lang == "es" {
                let how = reach.isEmpty ? "llame a la oficina" : "escriba o llame a " + reach.joined(separator: " o ")
                return "\(firm): mensajes sobre su caso. Para hablar con nosotros, \(how). Responda PARAR para no recibir más."
            }
            let how = reach.isEmpty ? "call the office" : "call or write to " + reach.joined(separator: " or ")
            return "\(firm): messages about your case. To talk to us, \(how). Reply STOP to opt out."
        }
    }
}
