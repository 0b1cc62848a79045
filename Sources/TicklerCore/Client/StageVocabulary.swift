/// `stages:`: each practice area's stages, with what a client is told about each in every configured
/// language: its name, what it means, what happens next and what the firm needs from them.
public struct StageVocabulary: Sendable {
    /// What a client reads about one stage in one language.
    public struct Text: Sendable, Equatable {
        public var name: String
        public var means: String
        public var next: String
        public var needs: String

        public init(name: String, means: String = "", next: String = "", needs: String = "") {
            self.name = name
            self.means = means
            self.next = next
            self.needs = needs
        }
    }

    public struct Stage: Sendable, Equatable {
        public var id: String
        /// A stage whose very name could reveal privileged or sensitive matters: clients are told only that
        /// there is an update and to call or log in.
        public var sensitive: Bool
        /// By language.
        public var texts: [String: Text]

        public init(id: String, sensitive: Bool = false, texts: [String: Text] = [:]) {
            self.id = id
            self.sensitive = sensitive
            self.texts = texts
        }
    }

    /// The practice area whose stages apply to cases of areas not listed (and cases with none).
    public static let defaultArea = "default"

    /// Stages by practice area, in the order written.
    public let areas: [String: [Stage]]

    public init(areas: [String: [Stage]] = [:]) {
        self.areas = areas
    }

    /// Stage `id` of a case in `practiceArea`: from the area's list, else the default list.
    public func stage(_ id: String, practiceArea: String?) -> Stage? {
        if let area = practiceArea, let list = areas[area] { return list.first { $0.id == id } }
        return areas[Self.defaultArea]?.first { $0.id == id }
    }

    /// Whether stage `a` comes before stage `b` in their practice area's list (a case moved back).
    public func isEarlier(_ a: String, than b: String?, practiceArea: String?) -> Bool {
        guard let b else { return false }
        let list = practiceArea.flatMap { areas[$0] } ?? areas[Self.defaultArea] ?? []
        guard let i = list.firstIndex(where: { $0.id == a }), let j = list.firstIndex(where: { $0.id == b }) else { return false }
        return i < j
    }

    /// What a client in `language` reads about stage `id` (in `fallback` when the stage has no text in
    /// theirs), with the language used; nil for a stage not in the vocabulary or without text.
    public func text(_ id: String, practiceArea: String?, language: String, fallback: String) -> (Text, language: String)? {
        guard let s = stage(id, practiceArea: practiceArea) else { return nil }
        if let t = s.texts[language] { return (t, language) }
        return s.texts[fallback].map { ($0, fallback) }
    }
}
