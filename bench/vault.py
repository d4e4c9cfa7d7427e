"""What each vault primitive costs on this machine, at the production parameters.

    make bench-vault        (or: .venv/bin/python bench/vault.py [--quick])

Prints figures; asserts nothing about speed. The receipt derivation bounds submissions per
second (one per submission), so it is also measured on every core at once.
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tipline import vault
from tipline.vault import params

MiB = 1024 * 1024


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def group_cpu_seconds(group: int) -> float:
    """User + system CPU of the live processes of a process group (the derivation service)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:  # field 5, the process group
                total += int(fields[11]) + int(fields[12])
    return total / ticks


def _derive_for(seconds: float, callers: int, derive: Callable[[], object]) -> tuple[int, float]:
    stop = time.perf_counter() + seconds
    counts = [0] * callers

    def work(index: int) -> None:
        while time.perf_counter() < stop:
            derive()
            counts[index] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=callers) as pool:
        list(pool.map(work, range(callers)))
    return sum(counts), time.perf_counter() - started


def receipt_ceiling(seconds: float = 3.0) -> tuple[float, float]:
    """The better of `receipt_ceilings`: (derivations per second, CPU seconds each)."""
    return max(receipt_ceilings(seconds).values())


def receipt_ceilings(seconds: float = 3.0) -> dict[str, tuple[float, float]]:
    """Receipt derivations per second with every core busy: the submission ceiling.

    One Argon2id call per submission, so no server can accept more reports per second than
    this. Measured both ways a server can run them: in threads of this process, and in the
    derivation service `tipline serve` uses (one single-threaded process per core, reached
    over its socket): {"threads": (rate, cpu each), "service": (rate, cpu each)}.
    bench/submit.py measures it in the same run as the submissions, on the same (shared,
    noisy) machine, and compares.
    """
    cores = len(os.sched_getaffinity(0))
    salt, code = vault.new_receipt_salt(), vault.new_receipt_code()
    cpu_started = os.times()
    count, wall = _derive_for(seconds, cores, lambda: vault.derive_receipt_secrets(code, salt))
    cpu_ended = os.times()
    cpu = cpu_ended.user - cpu_started.user + cpu_ended.system - cpu_started.system
    in_threads = (count / wall, cpu / max(1, count))
    running = vault.start_service(cores)
    try:
        service = running.service
        vault.derive_receipt_secrets(code, salt, service=service)  # every child is up
        group_started = group_cpu_seconds(running.pid)
        count, wall = _derive_for(
            seconds, cores, lambda: vault.derive_receipt_secrets(code, salt, service=service)
        )
        in_processes = (count / wall, (group_cpu_seconds(running.pid) - group_started) / count)
    finally:
        running.stop()
    return {"threads": in_threads, "service": in_processes}


def per_second(action: Callable[[], object], seconds: float = 1.0) -> float:
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        action()
        count += 1
    return count / elapsed


class CountingSink(io.RawIOBase):
    """Swallows ciphertext: measures the cipher, not the disk."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 9
    stream_mib = 64 if args.quick else 512
    cores = os.cpu_count() or 1

    print(f"Tipline vault benchmark: Python {sys.version.split()[0]}, {cores} cores")
    rc, sc = params.RECEIPT_COST, params.STAFF_PASSWORD_COST
    print(f"receipt cost: Argon2id {rc.memlimit // MiB} MiB, {rc.opslimit} passes")
    print(f"staff password cost: Argon2id {sc.memlimit // MiB} MiB, {sc.opslimit} passes\n")

    salt = vault.new_receipt_salt()
    code = vault.new_receipt_code()
    receipt = median_seconds(lambda: vault.derive_receipt_secrets(code, salt), repeat)
    print(f"receipt derivation (one call)        {receipt * 1000:8.1f} ms")

    for way, (rate, cpu) in receipt_ceilings(2.0 if args.quick else 5.0).items():
        print(
            f"receipt derivations, cores busy, {way:8} {rate:6.1f} /s  "
            f"({cpu * 1000:.0f} ms of CPU each)"
        )
    print("  (the better of the two is the submission ceiling bench/submit.py compares with)")

    enrolment = vault.enrol_staff("benchmark passphrase")
    unlock = median_seconds(
        lambda: vault.unlock_with_password(enrolment.record, "benchmark passphrase"),
        max(3, repeat // 3),
    )
    print(f"staff key unlock (sign-in)           {unlock * 1000:8.1f} ms")
    private_key = vault.unlock_with_password(enrolment.record, "benchmark passphrase")

    report_key = vault.new_report_key()
    sealed = vault.seal_report_key(report_key, private_key.public_key)
    print(
        "seal report key to a recipient       "
        f"{per_second(lambda: vault.seal_report_key(report_key, private_key.public_key)):8.0f} /s"
    )
    print(
        "open sealed report key               "
        f"{per_second(lambda: vault.open_sealed_report_key(sealed, private_key)):8.0f} /s"
    )

    text = "A boat unloads crates at the north jetty every Tuesday night. " * 16  # ~1 KiB
    blob = vault.encrypt_text(report_key, text, context="bench")
    print(
        "encrypt 1 KiB text                   "
        f"{per_second(lambda: vault.encrypt_text(report_key, text, context='bench')):8.0f} /s"
    )
    print(
        "decrypt 1 KiB text                   "
        f"{per_second(lambda: vault.decrypt_text(report_key, blob, context='bench')):8.0f} /s"
    )

    piece = os.urandom(MiB)
    sink = CountingSink()
    started = time.perf_counter()
    vault.encrypt_stream(report_key, (piece for _ in range(stream_mib)), sink, context="b")
    encrypt_rate = stream_mib / (time.perf_counter() - started)
    print(f"stream encryption ({stream_mib} MiB)         {encrypt_rate:8.0f} MiB/s")

    ciphertext = io.BytesIO()
    vault.encrypt_stream(report_key, (piece for _ in range(64)), ciphertext, context="b")
    started = time.perf_counter()
    for _ in vault.decrypt_stream(report_key, io.BytesIO(ciphertext.getvalue()), context="b"):
        pass
    decrypt_rate = 64 / (time.perf_counter() - started)
    print(f"stream decryption (64 MiB)           {decrypt_rate:8.0f} MiB/s")


if __name__ == "__main__":
    main()
