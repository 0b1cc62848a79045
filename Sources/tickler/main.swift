import Foundation
import TicklerCLI

exit(await TicklerCommand.run(arguments: Array(CommandLine.arguments.dropFirst())))
