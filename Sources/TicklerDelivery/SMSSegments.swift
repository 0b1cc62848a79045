/// How a text message is split on the air: GSM-7 when every character is in the GSM 03.38 alphabet (160
/// characters in one segment, 153 per segment when split; the extension characters count twice), else
/// UCS-2 (70, or 67 per segment; a character outside the Basic Multilingual Plane counts twice).
public enum SMSSegments {
    static let gsmBasic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    static let gsmExtension: Set<Character> = Set("^{}\\[~]|€\u{0C}")

    public enum Encoding: Sendable, Equatable { case gsm7, ucs2 }

    public static func encoding(_ text: String) -> Encoding {
        text.allSatisfy { gsmBasic.contains($0) || gsmExtension.contains($0) } ? .gsm7 : .ucs2
    }

    /// Code units of `text` in its encoding (septets for GSM-7, 16-bit units for UCS-2).
    public static func units(_ text: String) -> Int {
        switch encoding(text) {
        case .gsm7: text.reduce(0) { $0 + (gsmExtension.contains($1) ? 2 : 1) }
        case .ucs2: text.utf16.count
        }
    }

    /// How many segments `text` takes.
    public static func count(_ text: String) -> Int {
        let n = units(text)
        let (single, multi) = encoding(text) == .gsm7 ? (160, 153) : (70, 67)
        if n <= single { return 1 }
        return (n + multi - 1) / multi
    }

    /// `text` cut to at most `segments` segments, on a word boundary where one is near, with `...` at the cut
    /// (three dots: a GSM-7 message stays GSM-7).
    public static func fit(_ text: String, segments: Int, shorterBy reserve: Int = 0) -> String {
        if reserve == 0 && count(text) <= segments { return text }
        var chars = Array(text)
        if reserve > 0 { chars.removeLast(min(reserve, chars.count)) }
        while !chars.isEmpty && count(String(chars) + "...") > segments { chars.removeLast() }
        if let space = chars.lastIndex(of: " "), space > chars.count * 3 / 4 { chars.removeSubrange(space...) }
        return String(chars) + "..."
    }
}
