/// What a policy's clock watches on a case: the case itself or one of its records.
public struct SubjectRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case `case`, communication
        case documentRequest = "document_request"
        case deadline, appointment
    }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    /// Parses `case:c1`, `deadline:d1`…
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = Kind(rawValue: String(text[..<colon])) else { return nil }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { return nil }
        self.init(kind, id)
    }

    /// `case:c1`, `communication:m1`, `document_request:r1`, `deadline:d1`, `appointment:ap1`.
    public var description: String { kind.rawValue + ":" + id }

    public static func < (l: SubjectRef, r: SubjectRef) -> Bool { l.description < r.description }
}

/// A subject with its anchor: one open cycle of a policy.
public struct Subject: Sendable, Equatable {
    public var ref: SubjectRef
    public var anchor: Instant
    /// When the cycle ends by itself (an appointment once it starts); nil if only data ends it.
    public var endsAt: Instant?
    /// Where the anchor comes from, for explanations (`latest outbound status update m3`); no client data.
    public var anchorSource: String

    public init(ref: SubjectRef, anchor: Instant, endsAt: Instant? = nil, anchorSource: String) {
        self.ref = ref
        self.anchor = anchor
        self.endsAt = endsAt
        self.anchorSource = anchorSource
    }
}
