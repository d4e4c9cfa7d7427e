"""The derivation service: the same secrets as in a thread, hostile requests refused, its
processes replaced when one dies, gone with the process that started it."""

import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tipline import vault
from tipline.vault import derivations, params


@pytest.fixture
def service() -> Iterator[vault.RunningService]:
    running = vault.start_service(2)
    try:
        yield running
    finally:
        running.stop()


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:  # field 4, the parent
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def test_the_service_derives_what_a_thread_derives(service: vault.RunningService) -> None:
    salt, code = vault.new_receipt_salt(), vault.new_receipt_code()
    here = vault.derive_receipt_secrets(code, salt)
    there = vault.derive_receipt_secrets(code, salt, service=service.service)
    assert there.lookup == here.lookup
    assert there.reporter_key == here.reporter_key
    other = vault.derive_receipt_secrets(vault.new_receipt_code(), salt, service=service.service)
    assert other.lookup != here.lookup


def test_only_its_own_user_can_reach_the_socket(service: vault.RunningService) -> None:
    path = Path(service.service.socket_path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"XXXX" + b"\0" * 40,  # not our protocol
        struct.pack("!4sIQ16sH", b"TLD1", 999, 64 * 1024 * 1024, b"s" * 16, 4) + b"1234",
        struct.pack("!4sIQ16sH", b"TLD1", 2, 1 << 40, b"s" * 16, 4) + b"1234",  # 1 TiB
        struct.pack("!4sIQ16sH", b"TLD1", 2, 64 * 1024 * 1024, b"s" * 16, 60000),
        b"",  # connects and says nothing
    ],
    ids=["magic", "passes", "memory", "long-password", "empty"],
)
def test_a_hostile_request_is_refused_and_the_service_goes_on(
    service: vault.RunningService, request_bytes: bytes
) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(10)
        connection.connect(service.service.socket_path)
        connection.sendall(request_bytes)
        connection.shutdown(socket.SHUT_WR)
        answer = connection.recv(100)
    assert answer in (b"NO", b"")
    cost = params.Argon2Cost(opslimit=1, memlimit=8 * 1024 * 1024)
    assert len(service.service.derive(b"1" * 20, b"s" * 16, cost)) == 32


def test_a_child_that_dies_is_replaced(service: vault.RunningService) -> None:
    children = children_of(service.pid)
    assert len(children) == 2
    os.kill(next(iter(children)), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(children_of(service.pid) - children) < 1:
        time.sleep(0.05)
    assert len(children_of(service.pid)) == 2
    cost = params.Argon2Cost(opslimit=1, memlimit=8 * 1024 * 1024)
    for _ in range(4):
        assert len(service.service.derive(b"1" * 20, b"s" * 16, cost)) == 32


def test_a_stopped_service_is_unavailable_and_leaves_nothing(
    service: vault.RunningService,
) -> None:
    folder = Path(service.service.socket_path).parent
    service.stop()
    assert not folder.exists()
    with pytest.raises(vault.DerivationUnavailable):
        vault.derive_receipt_secrets(
            vault.new_receipt_code(), vault.new_receipt_salt(), service=service.service
        )


def test_the_service_ends_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from tipline import vault\n"
        "running = vault.start_service(2)\n"
        "print(running.pid, running.service.socket_path, flush=True)\n"
        "time.sleep(120)\n"
    )
    starter = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert starter.stdout is not None
    pid_text, path = starter.stdout.readline().split()
    service_pid = int(pid_text)
    children = children_of(service_pid)
    assert len(children) == 2
    starter.kill()
    starter.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in {service_pid, *children}):
        time.sleep(0.05)
    assert not any(alive(p) for p in {service_pid, *children})
    assert not Path(path).exists()


def test_requests_beyond_the_children_wait_their_turn(service: vault.RunningService) -> None:
    """Eight callers on two children: every one answered, none refused."""
    from concurrent.futures import ThreadPoolExecutor

    cost = params.Argon2Cost(opslimit=1, memlimit=8 * 1024 * 1024)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda n: service.service.derive(str(n).encode() * 4, b"s" * 16, cost), range(32)
            )
        )
    assert len(set(answers)) == 32
    assert derivations.MASTER_SIZE == 32
