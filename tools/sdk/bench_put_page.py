#!/usr/bin/env python3
"""Loopback throughput of `replsim serve` for Put Page, measured with wrk (Debian package `wrk`).

Usage: bench_put_page.py "<connection string>" [--connections N] [--seconds S] [--page-bytes B]

Sets up container `bench` and one 1 GiB page blob per connection through the official SDK, then has wrk send
Put Page requests of --page-bytes (default 4 MiB) over N persistent HTTP/1.1 connections for S seconds; each
connection writes its own blob, cycling over the blob's pages. A Shared Key signature does not depend on the
body, so one signed request per (connection, page) is prepared in advance. Prints requests/s, MiB/s and Gbit/s
and the share of non-201 answers. Bounded in time; loopback only.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

from azure.storage.blob import BlobServiceClient
from azure.storage.blob._shared import sign_string

LUA = r"""
local requests = {}
local body = string.rep("r", %(page)d)
local counter = 0
local nthreads = 0
setup = function(thread)
  thread:set("id", nthreads)
  nthreads = nthreads + 1
end
init = function(args)
  local lines = {}
  for line in io.lines("%(plan)s") do table.insert(lines, line) end
  for i, line in ipairs(lines) do
    local conn, path, range, auth = line:match("^(%%d+) (%%S+) (%%S+) (.+)$")
    if tonumber(conn) == id then
      table.insert(requests, wrk.format("PUT", path, {
        ["x-ms-date"] = "%(date)s", ["x-ms-version"] = "2025-01-05", ["x-ms-page-write"] = "update",
        ["x-ms-range"] = range, ["Authorization"] = auth, ["Content-Length"] = "%(page)d"}, body))
    end
  end
end
request = function()
  counter = counter + 1
  return requests[(counter %% #requests) + 1]
end
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("connection_string")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--page-bytes", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--pages-per-blob", type=int, default=64)
    args = parser.parse_args()
    fields = dict(part.split("=", 1) for part in args.connection_string.strip(";").split(";"))
    account, key, endpoint = fields["AccountName"], fields["AccountKey"], fields["BlobEndpoint"]
    match = re.match(r"http://([^/]+)(/.*)?$", endpoint)
    host, prefix = match.group(1), (match.group(2) or "")
    service = BlobServiceClient.from_connection_string(args.connection_string)
    container = service.get_container_client("bench")
    if not container.exists():
        container.create_container()
    date = "Wed, 25 Nov 2026 12:00:00 GMT"
    page = args.page_bytes
    with tempfile.TemporaryDirectory() as tmp:
        plan = os.path.join(tmp, "plan.txt")
        with open(plan, "w") as out:
            for conn in range(args.connections):
                blob = f"disk{conn}.vhd"
                container.get_blob_client(blob).create_page_blob(page * args.pages_per_blob)
                path = f"{prefix}/bench/{blob}"
                for n in range(args.pages_per_blob):
                    rng = f"bytes={n * page}-{(n + 1) * page - 1}"
                    sts = (f"PUT\n\n\n{page}\n\n\n\n\n\n\n\n\n"
                           f"x-ms-date:{date}\nx-ms-page-write:update\nx-ms-range:{rng}\nx-ms-version:2025-01-05\n"
                           f"/{account}{path}?comp=page".replace("?comp=page", "\ncomp:page"))
                    auth = f"SharedKey {account}:{sign_string(key, sts)}"
                    out.write(f"{conn} {path}?comp=page {rng} {auth}\n")
        script = os.path.join(tmp, "put.lua")
        with open(script, "w") as out:
            out.write(LUA % {"page": page, "plan": plan, "date": date})
        cmd = ["wrk", "-t", str(args.connections), "-c", str(args.connections), "-d", f"{args.seconds}s",
               "--timeout", "30s", "-s", script, f"http://{host}"]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + 60)
    text = result.stdout
    print(text)
    reqs = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    mib = reqs * page / 1048576
    print(f"RESULT connections={args.connections} page={page} req/s={reqs:.1f} MiB/s={mib:.1f} "
          f"Gbit/s={mib * 1048576 * 8 / 1e9:.2f} non2xx={non2xx.group(1) if non2xx else 0}")
    return 0 if not non2xx else 1


if __name__ == "__main__":
    sys.exit(main())
