import ArgumentParser
import TicklerConfig
import TicklerDelivery

/// `tickler check-config`: validate the configuration and list every error with its location.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration; print every error as FILE:LINE:COL: error: MESSAGE.",
        discussion: """
            Warnings (FILE:LINE:COL: warning: MESSAGE) name what works but reads badly to clients: a stage without text in a
            configured language, a text message that does not fit the sms channel's segments, HELP replies without the firm's
            phone and email. The configuration is still valid (exit 0).
            """)

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config = try options.loadConfiguration()
        let templates: TemplateCatalog
        do { templates = try TemplateCatalog.load(directory: config.templatesDirectory, policies: config.policies) } catch {
            throw CommandFailure.invalid(error.description)
        }
        // What works but reads badly to clients: said, located, without refusing the configuration.
        let warnings = (config.warnings + ClientContentCheck.warnings(config, templates: templates))
            .sorted { ($0.file, $0.line, $0.column, $0.message) < ($1.file, $1.line, $1.column, $1.message) }
        for w in warnings { Output.error(w.description) }
        let custom = config.channels.count - 1
        Output.standard.line("\(config.path): ok: \(config.policies.count) policies, \(config.calendars.count) calendars, "
            + "\(custom) channels besides the journal"
            + (config.templatesDirectory.map { ", templates from \($0)" } ?? ", built-in templates")
            + (warnings.isEmpty ? "" : "; \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"))
    }
}
