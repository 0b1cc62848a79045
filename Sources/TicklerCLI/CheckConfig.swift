import ArgumentParser
import TicklerConfig

/// `tickler check-config`: validate the configuration and list every error with its location.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration; print every error as FILE:LINE:COL: error: MESSAGE.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config = try options.loadConfiguration()
        let custom = config.channels.count - 1
        Output.standard.line("\(config.path): ok: \(config.policies.count) policies, \(config.calendars.count) calendars, "
            + "\(custom) channels besides the journal")
    }
}
