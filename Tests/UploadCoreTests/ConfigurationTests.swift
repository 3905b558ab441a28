import TestHarness
import Testing

@testable import UploadCore

@Suite(.cpuBound) struct ConfigurationTests {
    @Test(arguments: [1, 4, 32])
    func acceptsThreadCountsInRange(threads: Int) throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: MiB, usedBytes: MiB)], threadsPerVM: threads)
        #expect(configuration.threadsPerVM == threads)
    }

    @Test(arguments: [0, 33, -1])
    func rejectsThreadCountsOutsideRange(threads: Int) {
        #expect(throws: UploadCoreError.invalidThreadsPerVM(threads)) {
            try UploadCoreConfiguration(disks: [DiskSpec(sizeBytes: MiB, usedBytes: 0)], threadsPerVM: threads)
        }
        #expect(
            UploadCoreError.invalidThreadsPerVM(threads).description
                == "UploadThreadsPerVM must be 1...32, got \(threads)")
    }

    @Test func defaultsFollowASR() throws {
        let configuration = try UploadCoreConfiguration(disks: [DiskSpec(sizeBytes: MiB, usedBytes: 0)])
        #expect(configuration.threadsPerVM == 4)
        #expect(configuration.chunkBytes == 4 * MiB)
        #expect(configuration.deltaFrequencyNanos == 5 * minute)
        #expect(configuration.resyncThreshold == 0.5)
        #expect(configuration.retryPolicy == .asrOutageSchedule)
    }

    @Test func rejectsBadFieldsWithClearErrors() {
        let disk = DiskSpec(sizeBytes: MiB, usedBytes: 0)
        #expect(throws: UploadCoreError.invalidChunkBytes(1000)) {
            try UploadCoreConfiguration(disks: [disk], chunkBytes: 1000)
        }
        #expect(throws: UploadCoreError.noDisks) { try UploadCoreConfiguration(disks: []) }
        #expect(throws: UploadCoreError.invalidDeltaFrequency(0)) {
            try UploadCoreConfiguration(disks: [disk], deltaFrequencyNanos: 0)
        }
        #expect(throws: UploadCoreError.invalidResyncThreshold(1.5)) {
            try UploadCoreConfiguration(disks: [disk], resyncThreshold: 1.5)
        }
        do {
            _ = try UploadCoreConfiguration(disks: [disk, DiskSpec(sizeBytes: MiB, usedExtents: [0..<(2 * MiB)])])
            Issue.record("an extent beyond the disk was accepted")
        } catch {
            #expect(error.description == "disks[1]: used extent 0..<2097152 is outside the disk (0..<1048576)")
        }
        #expect(throws: UploadCoreError.self) {
            try UploadCoreConfiguration(disks: [DiskSpec(sizeBytes: 1000, usedBytes: 0)])
        }
        #expect(throws: UploadCoreError.self) {
            try UploadCoreConfiguration(
                disks: [disk],
                retryPolicy: .exponential(base: second, cap: second, multiplier: 2, jitter: 1.5, maxAttempts: nil)
            )
        }
        #expect(throws: UploadCoreError.self) {
            try BandwidthThrottle(
                workStartHour: 18, workEndHour: 9, workHourBitsPerSecond: 1, nonWorkHourBitsPerSecond: 1)
        }
        #expect(throws: UploadCoreError.self) {
            try BandwidthThrottle(workHourBitsPerSecond: 0, nonWorkHourBitsPerSecond: 1)
        }
    }

    @Test func usedExtentsAreAlignedAndCoalesced() throws {
        let configuration = try UploadCoreConfiguration(
            disks: [DiskSpec(sizeBytes: 8192, usedExtents: [100..<600, 600..<1000, 4000..<4100])]
        )
        #expect(configuration.usedExtents[0].ranges == [0..<1024, 3584..<4608])
    }
}
