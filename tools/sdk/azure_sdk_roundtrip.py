#!/usr/bin/env python3
"""Compatibility check of replsim's blob ingress with the official Azure SDK (azure-storage-blob, PyPI).

Usage: azure_sdk_roundtrip.py "<connection string>" [seed]

Creates a container, uploads a page blob (create_page_blob + upload_page, with MD5 transactional validation on
one page) and a block blob (staged in several blocks through stage_block/commit_block_list and a single-shot
upload_blob), reads all of them back and compares bytes. Prints one line per step and "SDK-ROUNDTRIP OK" at the
end; exits non-zero with the reason on any failure. Exit code 3 means the SDK is not installed.
"""
import random
import sys

try:
    from azure.core.exceptions import ResourceExistsError
    from azure.storage.blob import BlobServiceClient, BlobBlock
except ImportError as exc:  # the Swift test turns this into a clear failure
    print(f"azure-storage-blob is not installed: {exc}. Install it with: pip install azure-storage-blob", flush=True)
    sys.exit(3)


def main() -> int:
    conn = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    rng = random.Random(seed)
    service = BlobServiceClient.from_connection_string(conn)
    container = service.get_container_client(f"sdk-{seed}")
    try:
        container.create_container()
    except ResourceExistsError:
        # The SDK retries a create whose answer came late (a loaded machine); the retry then finds the container
        # its first attempt made. Anything else is a failure.
        print("container already existed after an SDK retry", flush=True)
    print("container created", flush=True)

    page = container.get_blob_client("disk0.vhd")
    size = 64 * 1024
    page.create_page_blob(size)
    first = rng.randbytes(8192)
    second = rng.randbytes(4096)
    page.upload_page(first, offset=0, length=len(first))
    page.upload_page(second, offset=32768, length=len(second), validate_content=True)
    expected = bytearray(size)
    expected[0:8192] = first
    expected[32768:36864] = second
    got = page.download_blob().readall()
    if got != bytes(expected):
        print(f"page blob differs: {len(got)} bytes back", flush=True)
        return 1
    ranged = page.download_blob(offset=4096, length=32768).readall()
    if ranged != bytes(expected[4096:36864]):
        print("page blob range differs", flush=True)
        return 1
    props = page.get_blob_properties()
    if props.size != size or props.blob_type != "PageBlob":
        print(f"page blob properties wrong: size={props.size} type={props.blob_type}", flush=True)
        return 1
    print("page blob ok", flush=True)

    block = container.get_blob_client("logs/replica.log")
    parts = [rng.randbytes(10_000 + i) for i in range(3)]
    ids = [f"block-{i:04d}" for i in range(3)]
    for block_id, part in zip(ids, parts):
        block.stage_block(block_id=block_id, data=part)
    block.commit_block_list([BlobBlock(block_id=i) for i in ids])
    if block.download_blob().readall() != b"".join(parts):
        print("block blob (staged) differs", flush=True)
        return 1
    single = container.get_blob_client("single.bin")
    body = rng.randbytes(100_000)
    single.upload_blob(body, overwrite=True)
    if single.download_blob().readall() != body:
        print("block blob (single put) differs", flush=True)
        return 1
    print("block blob ok", flush=True)
    single.delete_blob()
    print("SDK-ROUNDTRIP OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
