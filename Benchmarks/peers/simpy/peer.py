#!/usr/bin/env python3
"""Peer benchmark for replsim: N VMs x T upload threads sharing ONE link, in SimPy.

Workload (identical in replsim, SimGrid and SimPy; see ../README.md):
  - thread k (k = 0 .. N*T-1, VM-major) starts at k * W / (N*T), where W = RTT + extra wait;
  - a thread takes the next chunk from its VM's queue while the VM has chunks left, sends it over the
    shared link (processor sharing: n active transfers get C/n each; no per-flow cap, no latency),
    then waits W, and repeats;
  - makespan = the time the last chunk finishes.

Usage: peer.py --vms N --threads T --link-bps C --rtt-s R --extra-wait-s E --bytes-per-vm D --chunk-bytes B
Prints one JSON line: {"tool":"simpy","makespan_s":...,"transfers":...,"wall_s":...,"cpu_s":...}
wall_s covers building the model and running it, not interpreter start or imports; cpu_s is the process CPU
time over the same span (less disturbed than wall_s on a loaded machine).
"""

import heapq
import json
import os
import sys
import time

import simpy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_args import parse_args  # noqa: E402  (shared with analytic.py)

# Transfers whose virtual finish points lie within this many bytes of the current virtual time are finished
# together (floating-point round-off only; 1e-3 B is about 1e-12 s at 10 Gbit/s).
_TIE_BYTES = 1e-3


class FluidLink:
    """One link of capacity C bytes/s shared equally (processor sharing) by all active transfers.

    Virtual time ``v`` is the service (bytes) each active transfer has received since the start; it grows at
    C / n while n transfers are active. A transfer of B bytes starting at virtual time v0 finishes when
    v reaches v0 + B, so a heap of these finish points, ordered once at arrival, stays valid whatever later
    arrivals and departures do to n.

    Complexity: O(log n) per arrival and per departure (heap push/pop plus one SimPy timeout). SimPy
    timeouts cannot be cancelled, so a rescheduled departure leaves a stale timer that fires and is ignored
    (generation check); there is at most one stale timer per arrival or departure.
    """

    def __init__(self, env, bytes_per_s):
        self.env = env
        self.rate = bytes_per_s
        self.v = 0.0  # virtual service per flow, bytes
        self.t = 0.0  # simulated time at which v was last brought up to date
        self.heap = []  # (finish point in v, sequence number, SimPy event to succeed)
        self.seq = 0
        self.generation = 0  # identifies the only departure timer that is still valid

    def _advance(self):
        now = self.env.now
        if self.heap:
            self.v += (now - self.t) * self.rate / len(self.heap)
        self.t = now

    def _schedule_next_departure(self):
        self.generation += 1
        if not self.heap:
            return
        delay = (self.heap[0][0] - self.v) * len(self.heap) / self.rate
        generation = self.generation
        timer = self.env.timeout(delay if delay > 0 else 0.0)
        timer.callbacks.append(lambda _event: self._departure_timer_fired(generation))

    def _departure_timer_fired(self, generation):
        if generation != self.generation:
            return  # stale: an arrival or departure since then rescheduled the departure
        self._advance()
        # The head finishes now by construction; snap v to it so round-off cannot leave it a hair short.
        if self.v < self.heap[0][0]:
            self.v = self.heap[0][0]
        while self.heap and self.heap[0][0] <= self.v + _TIE_BYTES:
            heapq.heappop(self.heap)[2].succeed()
        self._schedule_next_departure()

    def transfer(self, nbytes):
        """Starts a transfer of ``nbytes`` now; returns the event that succeeds when it finishes."""
        self._advance()
        done = self.env.event()
        heapq.heappush(self.heap, (self.v + nbytes, self.seq, done))
        self.seq += 1
        self._schedule_next_departure()
        return done


class Run:
    def __init__(self, vms, chunks_per_vm):
        self.chunks_left = [chunks_per_vm] * vms
        self.makespan_s = 0.0
        self.transfers = 0


def upload_thread(env, link, run, vm, start_s, wait_s, chunk_bytes):
    """One upload thread (one TCP connection) of VM ``vm``."""
    if start_s > 0:
        yield env.timeout(start_s)
    while run.chunks_left[vm] > 0:
        run.chunks_left[vm] -= 1
        yield link.transfer(chunk_bytes)
        run.transfers += 1
        run.makespan_s = env.now
        if run.chunks_left[vm] == 0:
            break  # no further chunk for this thread: skip the idle wait
        yield env.timeout(wait_s)


def main(argv):
    args = parse_args(argv)
    t0 = time.perf_counter()
    c0 = time.process_time()
    env = simpy.Environment()
    link = FluidLink(env, args.link_bps / 8.0)
    run = Run(args.vms, args.bytes_per_vm // args.chunk_bytes)
    wait_s = args.rtt_s + args.extra_wait_s
    total_threads = args.vms * args.threads
    for k in range(total_threads):
        start_s = k * wait_s / total_threads
        env.process(upload_thread(env, link, run, k // args.threads, start_s, wait_s, args.chunk_bytes))
    env.run()
    wall_s = time.perf_counter() - t0
    cpu_s = time.process_time() - c0
    print(json.dumps({"tool": "simpy", "makespan_s": round(run.makespan_s, 9), "transfers": run.transfers,
                      "wall_s": round(wall_s, 6), "cpu_s": round(cpu_s, 6)}))


if __name__ == "__main__":
    main(sys.argv[1:])
