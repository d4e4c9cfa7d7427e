"""Receipt derivations in processes of their own, one per core, shared by a host's workers.

Why not in the web worker's threads: libsodium maps, fills and unmaps 64 MiB for every
Argon2id call. In a process of many threads each map, page fault and unmap takes that
process's one memory-map lock and interrupts every core running one of its threads to
flush its address cache, so derivations in threads of one process stop scaling after a few
cores (measured: docs/deploy.md, Capacity). And
with several gunicorn workers, each counting its own share of the cores, a busy worker
could not use the cores of an idle one, while more derivations than cores only slow each
other. A derivation process has a single thread and nothing else to do.

So `tipline serve` starts one *derivation service* (`start_service`): a small process that
binds a Unix socket in a private folder it makes (0700; the socket 0600) and forks one child per
core, which take turns accepting on it. A worker thread connects, sends one request, and
reads the 32-byte master secret; the kernel's accept queue orders the waiting requests, and
no more derivations run at once than there are children, across every worker of the host.
The master secret is split into the lookup value and the reporter key in the caller
(`receipts`), as before; nothing is written anywhere.

Request: magic `TLD1`, opslimit (u32), memlimit (u64), salt (16 bytes), password length
(u16), password. Answer: `OK` + 32 bytes, or `NO`. The service runs only the one cost it
was started with: whoever else can reach the socket (only the service's own user can, and
the file cleaners run as that user) cannot make a child allocate more than a receipt needs.

Lifetime: the service and each child ask Linux to end them when their parent dies, and
exit at once if it died before they could ask (`tipline.processes`); a child that dies is
replaced; the children are the first the kernel kills when memory runs out (their
`oom_score_adj` is raised), so the small parent survives to replace them. On SIGTERM the
service ends its children and removes its socket and folder.
"""

import contextlib
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from secrets import token_hex

import nacl.pwhash.argon2id
from nacl.encoding import RawEncoder

from tipline.processes import end_with_parent

from . import params
from .errors import VaultError

MAGIC = b"TLD1"
_HEADER = struct.Struct("!4sIQ16sH")
MASTER_SIZE = 32
MAX_PASSWORD = 256
# How long a request may wait for a free child and its answer. The admission gate keeps the
# queue short (a few requests per core), so this is reached only by a host in trouble.
ANSWER_SECONDS = 30.0
CHILD_OOM_SCORE = 500  # of -1000..1000: out of memory, a child goes before its parent


class DerivationUnavailable(VaultError):
    """The service is not there (never started, stopped, died) or would not run this
    request, or its child died while answering: derive in this process instead."""


class DerivationBusy(VaultError):
    """The service is there but did not answer within `ANSWER_SECONDS`: the host is past
    its capacity. Deriving here as well would only add to it; the answer is "come back"."""


@dataclass(frozen=True)
class DerivationService:
    """Where a host's derivation service listens."""

    socket_path: str

    def derive(self, password: bytes, salt: bytes, cost: params.Argon2Cost) -> bytes:
        """Argon2id(password, salt) at `cost`, 32 bytes, computed by one of the children."""
        request = _HEADER.pack(MAGIC, cost.opslimit, cost.memlimit, salt, len(password))
        deadline = time.monotonic() + ANSWER_SECONDS
        with self._connect(deadline) as connection:
            try:
                connection.settimeout(max(0.1, deadline - time.monotonic()))
                connection.sendall(request + password)
                answer = _read_exactly(connection, 2 + MASTER_SIZE)
            except TimeoutError:
                raise DerivationBusy("no answer in time") from None
            except OSError as error:
                raise DerivationUnavailable(type(error).__name__) from None
        if answer is None:
            raise DerivationUnavailable("the answer was cut off")
        if answer[:2] != b"OK":
            raise DerivationUnavailable("the service refused the request")
        return answer[2:]

    def _connect(self, deadline: float) -> socket.socket:
        """A connection, waiting while every child is busy and the accept queue is full."""
        while True:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                connection.connect(self.socket_path)
                return connection
            except (FileNotFoundError, ConnectionRefusedError) as error:
                connection.close()
                raise DerivationUnavailable(type(error).__name__) from None
            except (BlockingIOError, TimeoutError):
                connection.close()
                if time.monotonic() >= deadline:
                    raise DerivationBusy("every child busy, the queue full") from None
                time.sleep(0.01)
            except OSError as error:
                connection.close()
                raise DerivationUnavailable(type(error).__name__) from None


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
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        shutil.rmtree(Path(self.service.socket_path).parent, ignore_errors=True)


def start_service(
    processes: int,
    cost: params.Argon2Cost | None = None,
    *,
    folder: str | None = None,
    ready_seconds: float = 30.0,
) -> RunningService:
    """Start the service for `cost` (the receipt cost) and wait until it accepts.

    Its socket lives in a new private folder under `folder` (else the system's temporary
    folder; a deployment gives a runtime folder that nothing cleans up behind its back).
    Call it from the thread that lives as long as the service should: Linux ends the
    service when that thread ends.
    """
    cost = cost or params.RECEIPT_COST
    # The service makes this folder itself (0700, failing if the name exists), once it knows
    # it is not orphaned already: a starter killed at any moment leaves nothing behind.
    private = os.path.join(folder or tempfile.gettempdir(), f"tipline-derivations-{token_hex(8)}")
    path = os.path.join(private, "socket")
    # Not `-m`: the package would import this module once more as __main__.
    command = (
        f"from {__name__} import main; "
        f"main({path!r}, {processes}, {cost.opslimit}, {cost.memlimit}, {os.getpid()})"
    )
    pid = os.posix_spawn(
        sys.executable, [sys.executable, "-c", command], dict(os.environ), setpgroup=0
    )
    running = RunningService(DerivationService(path), pid)
    deadline = time.monotonic() + ready_seconds
    while not os.path.exists(path):
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished or time.monotonic() > deadline:
            running.stop()
            raise DerivationUnavailable("the derivation service did not start")
        time.sleep(0.02)
    return running


def _read_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, received = [], 0
    while received < size:
        chunk = connection.recv(size - received)
        if not chunk:
            return None
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _answer(connection: socket.socket, cost: params.Argon2Cost) -> None:
    header = _read_exactly(connection, _HEADER.size)
    if header is None:
        return
    magic, opslimit, memlimit, salt, length = _HEADER.unpack(header)
    password = _read_exactly(connection, length) if length <= MAX_PASSWORD else None
    if magic != MAGIC or password is None or (opslimit, memlimit) != (cost.opslimit, cost.memlimit):
        connection.sendall(b"NO")
        return
    connection.sendall(b"OK" + argon2id(password, salt, cost))


def _child(listener: socket.socket, cost: params.Argon2Cost, service: int) -> None:
    """Accept, derive, answer, forever: one request at a time, one thread."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    end_with_parent(service)
    with contextlib.suppress(OSError):
        Path("/proc/self/oom_score_adj").write_text(str(CHILD_OOM_SCORE))
    while True:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(5)  # a request arrives whole at once, or not at all
            with contextlib.suppress(OSError):
                _answer(connection, cost)


def main(path: str, processes: int, opslimit: int, memlimit: int, parent: int) -> None:
    """The service: bind, fork the children, keep their number up until told to stop."""
    cost = params.Argon2Cost(opslimit=opslimit, memlimit=memlimit)
    service, folder = os.getpid(), os.path.dirname(path)
    children: set[int] = set()
    made_folder = False

    def stop(*_: object) -> None:
        if os.getpid() != service:  # a child that has not reset its handlers yet
            os._exit(0)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        if made_folder:
            shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    end_with_parent(parent)  # from here, the parent's death ends this process
    os.mkdir(folder, 0o700)
    made_folder = True
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = path + ".binding"
    listener.bind(partial)
    os.chmod(partial, 0o600)
    listener.listen(256)
    os.rename(partial, path)  # the path appears only once it accepts
    while True:
        while len(children) < processes:
            child = os.fork()
            if child == 0:
                try:
                    _child(listener, cost, service)
                finally:
                    os._exit(1)
            children.add(child)
        finished, _ = os.wait()
        children.discard(finished)
