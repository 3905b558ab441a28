import ArgumentParser
import Foundation

@main
struct ReplSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replsim",
        abstract: "Simulate and measure disaster-recovery replication to cloud storage.",
        version: "0.1.0",
        subcommands: [
            Run.self, Sweep.self, PlanCommand.self, Merge.self, Report.self, Check.self, Compare.self, Validate.self, CalibrateCommand.self,
            Serve.self,
            ValidateNS3.self,
            Live.self,
            BenchPeer.self,
        ]
    )

    /// As `ParsableCommand.main()`, except for the exit codes, decided here and nowhere else: scripts and CI read
    /// 0 = fine, 1 = a run that failed or found a regression (a command says so by throwing `ExitCode(1)`), 2 = bad
    /// input. A usage error (an unknown option, a missing argument, a value that does not parse, a failed
    /// `validate()`) exits 2, not argument-parser's 64 (EX_USAGE), and so does every other error a command throws
    /// (a file that cannot be read or parsed, a folder that cannot be written, an address that cannot be bound).
    /// `--help` and `--version` still exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
