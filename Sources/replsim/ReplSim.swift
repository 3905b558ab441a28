import ArgumentParser

@main
struct ReplSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replsim",
        abstract: "Simulate and measure disaster-recovery replication to cloud storage.",
        version: "0.1.0",
        subcommands: [
            Run.self, Sweep.self, Report.self, Check.self, Validate.self, CalibrateCommand.self, Serve.self,
            ValidateNS3.self,
            Live.self,
            BenchPeer.self,
        ]
    )
}
