import ArgumentParser
import TicklerConfig
import TicklerDelivery

/// `tickler check-config`: validate the configuration and list every error with its location.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration; print every error as FILE:LINE:COL: error: MESSAGE.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config = try options.loadConfiguration()
        do { _ = try TemplateCatalog.load(directory: config.templatesDirectory, policies: config.policies) } catch {
            throw CommandFailure.invalid(error.description)
        }
        let custom = config.channels.count - 1
        Output.standard.line("\(config.path): ok: \(config.policies.count) policies, \(config.calendars.count) calendars, "
            + "\(custom) channels besides the journal"
            + (config.templatesDirectory.map { ", templates from \($0)" } ?? ", built-in templates"))
    }
}
