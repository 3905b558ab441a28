import Foundation
import TestHarness
import Testing

@testable import Pcap

/// The standing adversarial suite for captures: 1,200 seeded mutations of a small valid capture (bytes flipped in
/// headers or anywhere, truncated at any byte, record lengths set to huge or zero values, records spliced out or
/// repeated, the file header damaged), each answered by a report or a `PcapError` naming the file, never a crash,
/// a hang or unbounded memory (a record claiming 4 GiB must not be allocated). The slowest case and the process's
/// peak memory are bounded (a hang or a blow-up fails, ordinary speed is not judged). Prints the counts and the seed;
/// `REPLSIM_FUZZ_SEED` reproduces a run.
@Suite(.cpuBound) struct AdversarialPcapTests {
    @Test func mutatedCapturesGiveAReportOrAPcapError() throws {
        let seed = ProcessInfo.processInfo.environment["REPLSIM_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_203
        print("adversarial pcaps: reproduce with seed \(seed) (REPLSIM_FUZZ_SEED=\(seed))")
        let (_, original, records) = try RobustnessTests.smallCapture("adversarial-source.pcap")
        let path = TestSupport.temporaryPath("adversarial.pcap")
        var rng = SeededRandom(seed: seed)
        var reports = 0, errors = 0, slowest = Duration.zero
        var kinds = [Int](repeating: 0, count: 6)
        let cases = 1_200
        for iteration in 0..<cases {
            let kind = Int.random(in: 0..<6, using: &rng)
            kinds[kind] += 1
            let bytes = Self.mutate(original, records: records, kind: kind, rng: &rng)
            try RobustnessTests.write(bytes, to: path)
            let started = ContinuousClock.now
            do {
                _ = try Calibration.analyze(path: path)
                reports += 1
            } catch let error as PcapError {
                errors += 1
                #expect(error.description.contains(path), "case \(iteration): \(error); reproduce with seed \(seed)")
            } catch {
                Issue.record("case \(iteration): not a PcapError: \(error); reproduce with seed \(seed)")
            }
            slowest = Swift.max(slowest, ContinuousClock.now - started)
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let peak = usage.ru_maxrss * 1024
        print(
            "adversarial pcaps: \(cases) cases (flips in headers \(kinds[0]), anywhere \(kinds[1]), truncations "
                + "\(kinds[2]), record lengths \(kinds[3]), splices \(kinds[4]), file headers \(kinds[5])): "
                + "\(reports) reports, \(errors) PcapErrors; slowest \(slowest), peak RSS \(peak >> 20) MiB")
        #expect(reports > 0 && errors > 0, "the mutations miss; reproduce with seed \(seed)")
        #expect(slowest < .seconds(30), "a case took \(slowest); reproduce with seed \(seed)")
        #expect(peak < 4 << 30, "the process peaked at \(peak >> 20) MiB; reproduce with seed \(seed)")
    }

    static func mutate(
        _ original: [UInt8], records: [Int], kind: Int, rng: inout SeededRandom
    ) -> [UInt8] {
        var bytes = original
        let record = records[Int.random(in: 0..<records.count, using: &rng)]
        switch kind {
        case 0:  // flips in a record header or the packet headers after it
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Swift.min(bytes.count - 1, record + Int.random(in: 0..<70, using: &rng))] ^=
                    UInt8.random(in: 1...255, using: &rng)
            }
        case 1:  // flips anywhere
            for _ in 0..<Int.random(in: 1...16, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
        case 2:  // truncated at any byte
            bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &rng)...)
        case 3:  // a record's captured or wire length set to an edge value
            let edges: [UInt32] = [0, 1, 13, 54, 65_535, 65_536, 262_144, 0x7FFF_FFFF, 0xFFFF_FFFF]
            let value = edges[Int.random(in: 0..<edges.count, using: &rng)]
            let field = record + (Bool.random(using: &rng) ? 8 : 12)
            for k in 0..<4 { bytes[field + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
        case 4:  // a run of records removed, or repeated
            let end = Swift.min(bytes.count, record + Int.random(in: 1...2_000, using: &rng))
            if Bool.random(using: &rng) {
                bytes.removeSubrange(record..<end)
            } else {
                bytes.insert(contentsOf: bytes[record..<end], at: record)
            }
        default:  // the 24-byte file header: magic, version, snaplen, link type
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                bytes[Int.random(in: 0..<24, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        }
        return bytes
    }
}
