"""A 1 GiB file streams through the vault in constant memory.

Measured in a child process (peak RSS is per process and never goes down): the same
script encrypts and decrypts 1 MiB and 1 GiB, generated on the fly, through a real file;
the peaks must be about the same. The bound is generous on purpose: a whole-file buffer
would add a gigabyte.
"""

import subprocess
import sys
from pathlib import Path

import pytest

MiB = 1024 * 1024

SCRIPT = r"""
import hashlib, os, resource, sys
from tipline import vault

size = int(sys.argv[1]); path = sys.argv[2]
block = os.urandom(MiB := 1024 * 1024)

def generate():
    for index in range(size // MiB):
        yield index.to_bytes(8, "big") + block[8:]

written = hashlib.sha256()
def hashed(pieces):
    for piece in pieces:
        written.update(piece)
        yield piece

key = vault.new_report_key()
with open(path, "wb") as sink:
    sizes = vault.encrypt_stream(key, hashed(generate()), sink, context="big")
read = hashlib.sha256()
with open(path, "rb") as source:
    for piece in vault.decrypt_stream(key, source, context="big"):
        read.update(piece)
assert sizes.plaintext_bytes == size, sizes
assert read.digest() == written.digest()
assert os.path.getsize(path) == vault.encrypted_size(size)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


def peak_rss_kib(size: int, folder: Path) -> int:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(size), str(folder / f"{size}.enc")],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return int(result.stdout.strip())


@pytest.mark.slow
def test_one_gib_streams_in_the_memory_of_one_mib(tmp_path: Path) -> None:
    small = peak_rss_kib(1 * MiB, tmp_path)
    large = peak_rss_kib(1024 * MiB, tmp_path)
    print(f"peak RSS: 1 MiB file {small / 1024:.1f} MiB, 1 GiB file {large / 1024:.1f} MiB")
    assert large - small < 64 * 1024, (small, large)
