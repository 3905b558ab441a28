// Times SyntheticUploadWorkload (100 VMs × 32 connections × 10 GiB in 4 MiB chunks over 10 Gbps, RTT 10 ms,
// +5 ms wait) with the wall clock. Usage: SyntheticWorkloadTimer [repetitions]
import Dispatch
import NetModel

let repetitions = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 3 : 3
for run in 1...repetitions {
    let start = DispatchTime.now().uptimeNanoseconds
    do {
        let result = try SyntheticUploadWorkload.run(
            vms: 100, threadsPerVM: 32, linkBitsPerSecond: 10e9, rttSeconds: 0.010, extraWaitSeconds: 0.005,
            bytesPerVM: 10 << 30, chunkBytes: 4 << 20)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            "run \(run): wall \(wall) s, makespan \(result.makespanSeconds) s, transfers \(result.transfers), "
                + "events \(result.events)")
    } catch {
        print("error: \(error)")
    }
}
