import Results
import SimKernel
import UploadCore

/// What the kernel's queue holds in a simulated replication run.
enum DriverEvent: TraceableEvent {
    /// The network model has something due; stale if `generation` is not the latest scheduled one.
    case netWake(generation: UInt64)
    /// A core timer fell due; stale if the VM restarted since (`epoch`).
    case coreTimer(vm: Int, timer: TimerID, epoch: Int)
    /// Storage's answer to a request reaches the host (one RTT plus server latency after the body was sent).
    case response(vm: Int, chunk: ChunkID, outcome: ResponseOutcome, epoch: Int)
    /// All VMs record the writes of the last churn interval.
    case churnTick
    /// The VMs of a host go down (their cores are dropped) or come back (rebuilt from their journals).
    case hostDown(host: Int)
    case hostUp(host: Int)
    /// A throttling storm starts or ends.
    case storm(index: Int, active: Bool)
    /// The measured interval starts (attribution is snapshotted).
    case measurementStart

    var traceCode: UInt64 {
        switch self {
        case .netWake: return 1
        case .coreTimer(let vm, let timer, _): return 2 | UInt64(vm) << 8 | UInt64(timer.code) << 40
        case .response(let vm, let chunk, let outcome, _):
            return 3 | UInt64(vm) << 8 | chunk.rawValue << 24 | UInt64(outcome.code) << 60
        case .churnTick: return 4
        case .hostDown(let host): return 5 | UInt64(host) << 8
        case .hostUp(let host): return 6 | UInt64(host) << 8
        case .storm(let index, let active): return 7 | UInt64(index) << 8 | (active ? 1 << 40 : 0)
        case .measurementStart: return 8
        }
    }
}

/// How storage answered a request.
enum ResponseOutcome {
    case success
    case throttled(retryAfterNanos: Int64, kind: BottleneckKind)

    var code: UInt64 {
        switch self {
        case .success: return 0
        case .throttled: return 1
        }
    }
}

extension TimerID {
    var code: Int {
        switch self {
        case .cycle: return 0
        case .backoff: return 1
        case .pacing: return 2
        }
    }
}
