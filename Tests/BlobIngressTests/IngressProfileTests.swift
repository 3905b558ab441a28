import AsyncHTTPClient
import Foundation
import TestHarness
import Testing

@testable import BlobIngress

@Suite struct ThrottleTests {
    @Test func requestRateRefusesAtTheConfiguredRateWithRetryAfter() {
        var throttle = IngressThrottle(profile: .init(perBlobRequestsPerSecond: 500))
        let ns: Int64 = 1_000_000_000
        var admitted = 0
        for _ in 0..<600 where throttle.requestArrived(blob: "c/b", bytes: 0, now: 0) == .admit { admitted += 1 }
        #expect(admitted == 500)  // a full 1-second bucket
        #expect(throttle.requestArrived(blob: "c/b", bytes: 0, now: 0) == .refuse(retryAfterSeconds: 1))
        #expect(throttle.requestArrived(blob: "c/other", bytes: 0, now: 0) == .admit)  // per blob
        // 10 ms later 5 tokens have come back.
        var later = 0
        for _ in 0..<10 where throttle.requestArrived(blob: "c/b", bytes: 0, now: ns / 100) == .admit { later += 1 }
        #expect(later == 5)
    }

    @Test func byteRateGivesRetryAfterFromTheShortfall() {
        let mib = 1_048_576
        var throttle = IngressThrottle(profile: .init(perBlobBytesPerSecond: Double(60 * mib)))
        for _ in 0..<15 { #expect(throttle.requestArrived(blob: "c/b", bytes: 4 * mib, now: 0) == .admit) }
        // 60 MiB spent; the next 4 MiB needs 4/60 s → Retry-After rounds up to 1 s.
        #expect(throttle.requestArrived(blob: "c/b", bytes: 4 * mib, now: 0) == .refuse(retryAfterSeconds: 1))
        #expect(throttle.requestArrived(blob: "c/b", bytes: 4 * mib, now: 70_000_000) == .admit)
    }

    @Test func accountLimitSpansBlobs() {
        var throttle = IngressThrottle(profile: .init(perAccountRequestsPerSecond: 2, burstSeconds: 2))
        #expect(throttle.requestArrived(blob: "c/1", bytes: 0, now: 0) == .admit)
        #expect(throttle.requestArrived(blob: "c/2", bytes: 0, now: 0) == .admit)
        #expect(throttle.requestArrived(blob: "c/3", bytes: 0, now: 0) == .admit)
        #expect(throttle.requestArrived(blob: "c/4", bytes: 0, now: 0) == .admit)
        #expect(throttle.requestArrived(blob: "c/5", bytes: 0, now: 0) == .refuse(retryAfterSeconds: 1))
    }

    @Test func liveServerAnswers503WithRetryAfter() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        // 4 requests of burst per blob, refilled at 1 per 100 s: the 5th request is refused however slow the
        // machine is (the container create counts against the container's own key).
        let profile = IngressProfile(perBlobRequestsPerSecond: 0.01, burstSeconds: 400)
        try await withServer(directory: dir.path, profile: profile) { client in
            _ = try await client.createContainer("disks")
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await client.send(.HEAD, "disks/none").status) }
            #expect(statuses == [404, 404, 404, 404, 503])
            let busy = try await client.send(.HEAD, "disks/none")
            #expect(busy.status == 503)
            let retry = Int(busy.header("Retry-After") ?? "") ?? 0
            #expect((1...100).contains(retry), "Retry-After \(busy.header("Retry-After") ?? "missing")")
            let get = try await client.get("disks/none")
            #expect(get.errorCode == "ServerBusy")
            #expect(String(decoding: get.body, as: UTF8.self).contains("<Code>ServerBusy</Code>"))
        }
    }
}

@Suite struct FaultTests {
    @Test func planIsDeterministicAndHitsItsShares() {
        let profile = FaultProfile(
            seed: 42,
            resetShare: 0.1,
            serverErrorShare: 0.2,
            slowShare: 0.1,
            slowMilliseconds: 5
        )
        let plan = FaultPlan(profile: profile)
        let again = FaultPlan(profile: profile)
        var counts = (reset: 0, error: 0, slow: 0)
        for n in 0..<10_000 as Range<UInt64> {
            let fault = plan.fault(forRequest: n)
            #expect(fault == again.fault(forRequest: n), "request \(n): reproduce with seed 42")
            switch fault {
            case .none: break
            case .reset: counts.reset += 1
            case .serverError: counts.error += 1
            case .slow(let ms):
                counts.slow += 1
                #expect(ms == 5)
            }
        }
        #expect((800...1200).contains(counts.reset), "resets \(counts.reset): reproduce with seed 42")
        #expect((1700...2300).contains(counts.error), "errors \(counts.error): reproduce with seed 42")
        #expect((800...1200).contains(counts.slow), "slow \(counts.slow): reproduce with seed 42")
        #expect(FaultPlan(profile: nil).fault(forRequest: 0) == .none)
    }

    @Test func liveServerInjectsTheFaultsThePlanSays() async throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let seed: UInt64 = 2024
        let faults = FaultProfile(
            seed: seed,
            resetShare: 0.25,
            serverErrorShare: 0.25,
            slowShare: 0.1,
            slowMilliseconds: 1
        )
        let plan = FaultPlan(profile: faults)
        try await withServer(directory: dir.path, profile: .init(faults: faults)) { client in
            // Requests are sequential, so arrival n is the n-th request sent here.
            var observed: [String] = []
            var expected: [String] = []
            for n in 0..<40 as Range<UInt64> {
                switch plan.fault(forRequest: n) {
                case .reset: expected.append("reset")
                case .serverError: expected.append("500")
                case .none, .slow: expected.append("404")
                }
                do {
                    let reply = try await client.send(.HEAD, "disks/none")
                    observed.append(reply.status == 500 ? "500" : "\(reply.status)")
                } catch {
                    observed.append("reset")
                }
            }
            #expect(observed == expected, "reproduce with seed \(seed)")
            #expect(expected.contains("reset") && expected.contains("500"))
        }
    }

    @Test func profileFileErrorsNameTheKey() throws {
        let dir = try TempDirectory()
        defer { dir.cleanUp() }
        let path = dir.path + "/p.json"
        try Data(#"{"perBlobRequestsPerSecond": "fast"}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect { try IngressProfile.load(path: path) } throws: { "\($0)".contains("perBlobRequestsPerSecond") }
        try Data(#"{"faults": {"seed": 1, "resetShare": 2}}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect { try IngressProfile.load(path: path) } throws: { "\($0)".contains("faults.resetShare") }
        try Data(#"{"perBlobBytesPerSecond": 62914560, "faults": {"seed": 7, "slowShare": 0.5}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let profile = try IngressProfile.load(path: path)
        #expect(profile.perBlobBytesPerSecond == 62_914_560 && profile.faults?.slowShare == 0.5)
    }
}
