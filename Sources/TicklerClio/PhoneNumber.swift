import TicklerCore

/// A phone number as people type it (`(212) 555-0101`, `212.555.0101`, `+44 20 7946 0958`), in E.164, the
/// form Tickler stores: a number with `+` keeps its country code; one without is read in the firm's
/// default country (North American numbering: ten digits, or eleven starting with 1). Anything else is
/// no number (nil), never a guess.
public enum PhoneNumber {
    public static func e164(_ text: String) -> String? {
        // The number, then perhaps an extension (`x12`, `ext. 12`, `#12`), which is not part of it.
        let lower = text.lowercased().drop { $0 == " " }
        let main = lower.prefix { $0.isASCII && ($0.isNumber || " -.()+/".contains($0)) }
        let rest = lower.dropFirst(main.count)
        guard rest.isEmpty || rest.hasPrefix("x") || rest.hasPrefix("ext") || rest.hasPrefix("#") else { return nil }
        let digits = main.filter(\.isNumber)
        let candidate: String
        if main.first == "+" {
            candidate = "+" + digits
        } else if digits.count == 10, let first = digits.first, first != "0", first != "1" {
            candidate = "+1" + digits
        } else if digits.count == 11, digits.first == "1" {
            candidate = "+" + digits
        } else {
            return nil
        }
        return Contact.isE164(candidate) ? candidate : nil
    }
}
