#!/usr/bin/env python3
"""Analytic lower bound on the makespan of the peer workload (same command line as the peer programs).

Two independent bounds; the makespan is at least the larger one:
  - link bound: all N*D bytes cross one link of C bit/s starting at t = 0, so makespan >= 8 N D / C.
    It is reached exactly when the link is never idle before the last chunk finishes (cases A, B, C).
  - thread-chain bound: some thread of VM v must send at least m = ceil(D / (chunk * T)) chunks one after
    another, each taking at least chunk * 8 / C, with a wait W = RTT + extra between consecutive chunks,
    and no thread of VM v starts before s_v = (v T) W / (N T). So makespan >= max over v of
    s_v + m * chunk * 8 / C + (m - 1) * W. It is reached exactly when transfers never overlap (case D).
Prints {"tool":"analytic","makespan_s":bound,"transfers":N*D/chunk,"wall_s":0,"link_bound_s":...,
"chain_bound_s":...}.
"""

import json
import sys

from peer_args import parse_args


def bounds(args):
    chunk_s = args.chunk_bytes * 8.0 / args.link_bps
    wait_s = args.rtt_s + args.extra_wait_s
    chunks_per_vm = args.bytes_per_vm // args.chunk_bytes
    total_threads = args.vms * args.threads
    link_bound = args.vms * args.bytes_per_vm * 8.0 / args.link_bps
    m = -(-chunks_per_vm // args.threads)  # ceil
    chain_bound = 0.0
    if m > 0:
        last_vm_start = (args.vms - 1) * args.threads * wait_s / total_threads
        chain_bound = last_vm_start + m * chunk_s + (m - 1) * wait_s
    return link_bound, chain_bound, args.vms * chunks_per_vm


def main(argv):
    args = parse_args(argv)
    link_bound, chain_bound, transfers = bounds(args)
    print(json.dumps({"tool": "analytic", "makespan_s": round(max(link_bound, chain_bound), 9),
                      "transfers": transfers, "wall_s": 0.0, "link_bound_s": round(link_bound, 9),
                      "chain_bound_s": round(chain_bound, 9)}))


if __name__ == "__main__":
    main(sys.argv[1:])
