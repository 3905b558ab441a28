import ArgumentParser
import Foundation

@main
struct ReplSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replsim",
        abstract: "Simulate and measure disaster-recovery replication to cloud storage.",
        version: "0.1.0",
        subcommands: [
            Run.self, Sweep.self, Merge.self, Report.self, Check.self, Validate.self, CalibrateCommand.self, Serve.self,
            ValidateNS3.self,
            Live.self,
            BenchPeer.self,
        ]
    )

    /// As `ParsableCommand.main()`, except that a usage error (an unknown option, a missing argument, a value
    /// that does not parse, a failed `validate()`) exits 2 like every other bad input, not argument-parser's 64 (EX_USAGE): scripts and
    /// CI read 0 = fine, 1 = regression (`check`), 2 = bad input. `--help` and `--version` still exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
