"""Receipt derivations in processes of their own, one per core, shared by a host's workers.

Why not in the web worker's threads: libsodium maps, fills and unmaps 64 MiB for every
Argon2id call. In a process of many threads each map, page fault and unmap takes that
process's one memory-map lock and interrupts every core running one of its threads to
flush its address cache, so derivations in threads of one process stop scaling after a few
cores (measured on 16 cores: 39-44/s in threads past 4 threads, 64/s in 8 processes). And
with several gunicorn workers, each counting its own share of the cores, a busy worker
could not use the cores of an idle one, while more derivations than cores only slow each
other. A derivation process has a single thread and nothing else to do.

So `tipline serve` starts one *derivation service* (`start_service`): a small process
that binds a Unix socket in a private folder (0700) and forks one child per core, which
take turns accepting on it. A worker thread connects,
sends one request, and reads the 32-byte master secret; the kernel's accept queue orders
the waiting requests, and no more derivations run at once than there are children, across
every worker of the host. The master secret is split into the lookup value and the
reporter key in the caller (`receipts`), as before; nothing is written anywhere.

Request: magic `TLD1`, opslimit (u32), memlimit (u64), salt (16 bytes), password length
(u16), password. Answer: `OK` + 32 bytes, or `NO` (a request the service will not run).
Costs above `params.MAX_ACCEPTED_COST` are refused: whoever can reach the socket (only the
service's own user can) must not make a child allocate without bound.
"""

import contextlib
import ctypes
import os
import signal
import socket
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import nacl.pwhash.argon2id
from nacl.encoding import RawEncoder

from . import params
from .errors import VaultError

MAGIC = b"TLD1"
_HEADER = struct.Struct("!4sIQ16sH")
MASTER_SIZE = 32
MAX_PASSWORD = 256
# How long a request may wait for a free child and its answer. Generous: the admission gate
# keeps the queue short; a service that is gone answers at once (connection refused).
ANSWER_SECONDS = 30.0


class DerivationUnavailable(VaultError):
    """The service did not answer (stopped, overloaded past the wait, or refused)."""


@dataclass(frozen=True)
class DerivationService:
    """Where a host's derivation service listens."""

    socket_path: str

    def derive(self, password: bytes, salt: bytes, cost: params.Argon2Cost) -> bytes:
        """Argon2id(password, salt) at `cost`, 32 bytes, computed by one of the children."""
        request = _HEADER.pack(MAGIC, cost.opslimit, cost.memlimit, salt, len(password))
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(ANSWER_SECONDS)
            try:
                connection.connect(self.socket_path)
                connection.sendall(request + password)
                answer = _read_exactly(connection, 2 + MASTER_SIZE)
            except OSError as error:
                raise DerivationUnavailable(type(error).__name__) from None
        if answer is None or answer[:2] != b"OK":
            raise DerivationUnavailable("refused")
        return answer[2:]


def argon2id(password: bytes, salt: bytes, cost: params.Argon2Cost) -> bytes:
    """The derivation itself, in this thread (also what each child of the service runs)."""
    return bytes(
        nacl.pwhash.argon2id.kdf(
            MASTER_SIZE,
            password,
            salt,
            opslimit=cost.opslimit,
            memlimit=cost.memlimit,
            encoder=RawEncoder,
        )
    )


@dataclass
class RunningService:
    """A service started by `start_service`; `stop` ends its processes and its folder."""

    service: DerivationService
    pid: int

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        folder = Path(self.service.socket_path).parent
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.service.socket_path)
        with contextlib.suppress(OSError):
            folder.rmdir()


def start_service(processes: int, *, ready_seconds: float = 30.0) -> RunningService:
    """Start the service in a new process group (ended with its parent) and wait for it."""
    folder = tempfile.mkdtemp(prefix="tipline-derivations-")  # 0700: only this user
    path = os.path.join(folder, "socket")
    pid = os.posix_spawn(
        sys.executable,
        # Not `-m`: the package would import this module once more as __main__.
        [sys.executable, "-c", f"from {__name__} import main; main({path!r}, {processes})"],
        dict(os.environ),
        setpgroup=0,
    )
    deadline = time.monotonic() + ready_seconds
    while not os.path.exists(path):
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished or time.monotonic() > deadline:
            raise DerivationUnavailable("the derivation service did not start")
        time.sleep(0.02)
    return RunningService(DerivationService(path), pid)


def _read_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, received = [], 0
    while received < size:
        chunk = connection.recv(size - received)
        if not chunk:
            return None
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _answer(connection: socket.socket) -> None:
    header = _read_exactly(connection, _HEADER.size)
    if header is None:
        return
    magic, opslimit, memlimit, salt, length = _HEADER.unpack(header)
    ceiling = params.MAX_ACCEPTED_COST
    password = _read_exactly(connection, length) if length <= MAX_PASSWORD else None
    if (
        magic != MAGIC
        or password is None
        or not 1 <= opslimit <= ceiling.opslimit
        or not 8192 <= memlimit <= ceiling.memlimit
    ):
        connection.sendall(b"NO")
        return
    master = argon2id(password, salt, params.Argon2Cost(opslimit=opslimit, memlimit=memlimit))
    connection.sendall(b"OK" + master)


def _child(listener: socket.socket) -> NoReturn:
    """Accept, derive, answer, forever: one request at a time, one thread."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(5)  # a request arrives whole at once, or not at all
            with contextlib.suppress(OSError):
                _answer(connection)


def _end_with_parent() -> None:
    """Linux sends SIGTERM to this process when its parent dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def main(path: str, processes: int) -> None:
    """The service: bind, fork the children, keep their number up until told to stop."""
    _end_with_parent()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = path + ".binding"
    listener.bind(partial)
    os.chmod(partial, 0o600)
    listener.listen(256)
    os.rename(partial, path)  # the path appears only once it accepts
    children: set[int] = set()

    def stop(*_: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        while len(children) < processes:
            child = os.fork()
            if child == 0:
                _end_with_parent()
                _child(listener)
            children.add(child)
        finished, _ = os.wait()
        children.discard(finished)
