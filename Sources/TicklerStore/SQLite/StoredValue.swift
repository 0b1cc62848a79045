import Foundation
import GRDB

/// Reading a column without trusting it. Integrations write the store directly, so any column may hold
/// a value of the wrong type, bytes that are not UTF-8, or a NUL. GRDB's typed subscripts stop the
/// process on a value they cannot convert; these accessors return nil instead, and the caller skips the
/// row (or, for a value that is only shown, leaves it out).
extension Row {
    /// The text at `index`: nil when NULL, not text, not valid UTF-8 or holding a NUL. A BLOB holding valid
    /// UTF-8 is read as text, as SQLite itself would compare it.
    func text(_ index: Int) -> String? {
        switch (self[index] as DatabaseValue).storage {
        case .string(let s): return StoredText.valid(s)
        case .blob(let data): return StoredText.decode(data)
        case .int64(let i): return String(i)
        case .double, .null: return nil
        }
    }

    /// The integer at `index`: nil when NULL or not an integer (a REAL with no fraction counts).
    func integer(_ index: Int) -> Int? { int64(index).flatMap { Int(exactly: $0) } }

    func int64(_ index: Int) -> Int64? {
        switch (self[index] as DatabaseValue).storage {
        case .int64(let i): return i
        case .double(let d): return Int64(exactly: d)
        case .string, .blob, .null: return nil
        }
    }
}

/// Text as the store's readers accept it: valid UTF-8 with no NUL.
enum StoredText {
    static func decode(_ data: Data) -> String? {
        data.withUnsafeBytes { raw in decode(raw.bindMemory(to: UInt8.self)) }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // Most stored text is ASCII: checked here in one pass, it needs no further validation.
        var high: UInt8 = 0
        for b in bytes {
            if b == 0 { return nil }
            high |= b
        }
        if high < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// GRDB reads TEXT with `String(cString:)`, which stops at a NUL (so none is left) and repairs bad bytes
    /// with U+FFFD: a repaired string is refused like the bytes it came from.
    static func valid(_ s: String) -> String? {
        s.unicodeScalars.contains("\u{FFFD}") ? nil : s
    }

    /// An id for a message about a bad row: its printable characters, at most 64 of them. Never client
    /// data (ids only), never a control character.
    static func printable(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        var out = ""
        for u in s.unicodeScalars.prefix(64) {
            out.unicodeScalars.append(u.properties.generalCategory == .control || u == "\u{FFFD}" ? "?" : u)
        }
        return out
    }
}
