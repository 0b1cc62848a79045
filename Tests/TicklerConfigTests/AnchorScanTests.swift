import Testing
@testable import TicklerConfig

@Suite struct AnchorScanTests {
    @Test(arguments: [
        "a: b & c",
        "subject: \"*urgent* & pressing\"",
        "subject: '&amp; it''s *fine*'",
        "# a comment with *stars* and &amps\nkey: value  # *x",
        "text: |\n  - *bold* item\n  &nbsp;\nnext: 1",
        "folded: >-\n  *a*\n\n  &b\nnext: 2",
        "list: [a*b, c&d]",
        "url: https://x.test/a*b?c=&d",
        "multi: \"line one\n  *still quoted*\"",
    ])
    func textThatOnlyLooksLikeAnAnchorIsNotOne(text: String) {
        #expect(AnchorScan.first(in: text) == nil)
    }

    @Test func anchorsAndAliasesAreFoundWhereTheyStart() {
        #expect(AnchorScan.first(in: "a: &x 1\nb: *x") == .init(line: 1, column: 4, isAlias: false))
        #expect(AnchorScan.first(in: "b: [1, *x]") == .init(line: 1, column: 8, isAlias: true))
        #expect(AnchorScan.first(in: "- *x") == .init(line: 1, column: 3, isAlias: true))
        #expect(AnchorScan.first(in: "text: |\n  ok\nb: {k: *x}") == .init(line: 3, column: 8, isAlias: true))
        #expect(AnchorScan.first(in: "? &k key\n: v") == .init(line: 1, column: 3, isAlias: false))
    }

    @Test func anOversizedConfigurationIsRefusedBeforeItIsParsed() {
        let big = "policies: []\n" + String(repeating: "# padding\n", count: ConfigurationLoader.maximumSize / 10 + 1)
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.parse(big, path: "/etc/tickler/tickler.yaml") }
        do { _ = try ConfigurationLoader.parse(big, path: "/etc/tickler/tickler.yaml") } catch {
            #expect(error.diagnostics.map(\.description) == [
                "/etc/tickler/tickler.yaml:1:1: error: the configuration is \(big.utf8.count) bytes; at most 1048576 are read",
            ])
        }
    }
}
