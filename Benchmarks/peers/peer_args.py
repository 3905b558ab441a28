"""Command line shared by the Python peer programs (same options as the SimGrid program and the replsim runner)."""

import argparse


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Peer workload: N VMs x T upload threads sharing one link.")
    parser.add_argument("--vms", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--link-bps", type=float, required=True, help="link capacity in bits per second")
    parser.add_argument("--rtt-s", type=float, required=True)
    parser.add_argument("--extra-wait-s", type=float, required=True)
    parser.add_argument("--bytes-per-vm", type=int, required=True)
    parser.add_argument("--chunk-bytes", type=int, required=True)
    args = parser.parse_args(argv)
    if args.vms < 1 or args.threads < 1:
        parser.error("--vms and --threads must be at least 1")
    if not args.link_bps > 0:
        parser.error("--link-bps must be positive")
    if args.rtt_s < 0 or args.extra_wait_s < 0:
        parser.error("--rtt-s and --extra-wait-s must not be negative")
    if args.chunk_bytes <= 0 or args.bytes_per_vm < 0:
        parser.error("--chunk-bytes must be positive and --bytes-per-vm must not be negative")
    if args.bytes_per_vm % args.chunk_bytes != 0:
        parser.error(f"--bytes-per-vm ({args.bytes_per_vm}) is not a multiple of --chunk-bytes ({args.chunk_bytes})")
    return args
