/// The per-phase statistics of a run, computed here once for both drivers: the simulator (SimDriver) and a live
/// upload (LiveDriver) hand over what they observed and get the same `InitialReplication` and `CycleStats`.

extension InitialReplication {
    /// What one VM's initial replication did by the end of a run.
    public struct VMProgress: Sendable, Equatable {
        /// Seconds from the run's start until the VM's disks were fully copied; `nil` if it had not finished.
        public var completionSeconds: Double?
        /// Bytes the VM's initial replication copies (used bytes of its disks, before compression).
        public var bytesToCopy: Int64
        /// Bytes (before compression) the VM still had to copy at the end; 0 when it finished.
        public var bytesLeft: Int64
        /// The VM's copy rate (bytes of the disks, before compression, per second) to extrapolate `bytesLeft` at.
        public var copyBytesPerSecond: Double

        public init(completionSeconds: Double?, bytesToCopy: Int64, bytesLeft: Int64, copyBytesPerSecond: Double) {
            self.completionSeconds = completionSeconds
            self.bytesToCopy = bytesToCopy
            self.bytesLeft = bytesLeft
            self.copyBytesPerSecond = copyBytesPerSecond
        }
    }

    /// Initial replication per VM and in total. A VM that did not finish gets an estimated time: the run's end
    /// plus its bytes left at its copy rate (none without progress to extrapolate from); the total is the
    /// largest VM time and is marked as an estimate when any VM had not finished. Throughput is the payload of
    /// the copy (bytes to copy × `compressibility`) over the time.
    /// - Parameters:
    ///   - vms: each VM's progress, indexed by VM.
    ///   - endSeconds: when the run ended, seconds since its start.
    ///   - compressibility: bytes sent per byte copied (1 when nothing is compressed).
    public init(vms: [VMProgress], endSeconds: Double, compressibility: Double) {
        let perVM = vms.map(\.completionSeconds)
        let overall = perVM.contains { $0 == nil } ? nil : perVM.compactMap { $0 }.max()
        var bytesLeft: Int64 = 0
        var times: [Double?] = []
        for vm in vms {
            if let done = vm.completionSeconds {
                times.append(done)
                continue
            }
            bytesLeft += vm.bytesLeft
            let rate = vm.copyBytesPerSecond
            times.append(rate > 0 ? endSeconds + Double(vm.bytesLeft) / rate : nil)
        }
        let time: Double? = times.contains { $0 == nil } ? nil : times.compactMap { $0 }.max()
        let payloadBits = vms.map { Double($0.bytesToCopy) * compressibility * 8 }
        // Identical VMs: one VM's bits times the count (the sum of equal terms, rounded once).
        let identical = payloadBits.allSatisfy { $0 == payloadBits.first }
        let totalBits = identical ? (payloadBits.first ?? 0) * Double(vms.count) : payloadBits.reduce(0, +)
        self.init(
            perVMCompletionSeconds: perVM, overallSeconds: overall, bytesToCopy: vms.reduce(0) { $0 + $1.bytesToCopy },
            bytesLeft: bytesLeft, perVMTimeSeconds: times, timeSeconds: time, timeIsEstimate: overall == nil,
            throughputBitsPerSecond: time.map { totalBits / $0 },
            perVMThroughputBitsPerSecond: times.enumerated().map { vm, time in time.map { payloadBits[vm] / $0 } })
    }
}

extension CycleStats {
    /// One delta cycle as a driver saw it, in nanoseconds since the run's start.
    public struct Timing: Sendable, Equatable {
        /// When the cycle's log was sealed (its recovery point's data is as of then).
        public var sealedNanos: Int64
        /// When the cycle committed; `nil` if it had not by the end of the run.
        public var committedNanos: Int64?

        public init(sealedNanos: Int64, committedNanos: Int64?) {
            self.sealedNanos = sealedNanos
            self.committedNanos = committedNanos
        }
    }

    /// Judges the delta cycles each VM counted (in the order given): upload time = commit − seal; RPO just
    /// before the commit = upload time + frequency (the previous recovery point's data is one interval older).
    /// A cycle still uncommitted at `endNanos` counts with its RPO so far if that already exceeds the target;
    /// otherwise it is too young to judge and is left out. Violations are runs of one VM's consecutive cycles
    /// over the target.
    public init(perVM: [[Timing]], endNanos: Int64, frequencySeconds: Double, targetRPOSeconds: Double) {
        let frequency = frequencySeconds
        let target = targetRPOSeconds
        var uploads: [Double] = []
        var rpos: [Double] = []
        var count = 0
        var committed = 0
        var samples: [[(startSeconds: Double, rpoSeconds: Double)]] = []
        for cycles in perVM {
            var vmSamples: [(startSeconds: Double, rpoSeconds: Double)] = []
            for cycle in cycles {
                if let commit = cycle.committedNanos {
                    let upload = Double(commit - cycle.sealedNanos) / 1e9
                    uploads.append(upload)
                    rpos.append(upload + frequency)
                    vmSamples.append((Double(cycle.sealedNanos) / 1e9, upload + frequency))
                    committed += 1
                    count += 1
                } else {
                    let age = Double(endNanos - cycle.sealedNanos) / 1e9 + frequency
                    if age > target {
                        rpos.append(age)
                        vmSamples.append((Double(cycle.sealedNanos) / 1e9, age))
                        count += 1
                    }
                }
            }
            samples.append(vmSamples.sorted { $0.startSeconds < $1.startSeconds })
        }
        self.init(
            count: count, committed: committed, uploads: uploads, rpos: rpos, frequencySeconds: frequency,
            targetRPOSeconds: target)
        violations = RPOViolations(perVM: samples, targetSeconds: target, frequencySeconds: frequency)
    }
}
