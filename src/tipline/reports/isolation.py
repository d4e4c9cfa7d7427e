"""Cleaning runs in a separate process with a time and a memory limit.

A hostile file (a ZIP bomb, a video that sends ffmpeg into a loop, a PDF that makes a
parser allocate without end) must not hang or exhaust the web server. So every cleaning
runs in a child process (`cleaning_worker.run`, forked from a fork server) that limits
itself before it reads a byte: address space (`RLIMIT_AS`, also for ffmpeg, which it
starts), CPU seconds, file size, no core files. The parent kills the child's whole process
group when the wall-clock limit passes, and removes its scratch folder whatever happened.

Cleanings have slots of their own (`CLEANING_CONCURRENCY` per process), apart from the
admission gate's: a request gives back its gate slot before it waits for a cleaning slot
(`reports.attachments`), so that hostile files keep at most these slots' cores busy, each
for at most the CPU limit, while sign-in, receipts and reports without files go on. A file
that finds no cleaning slot within `CLEANING_WAIT_SECONDS` is refused as "busy".

The file goes to the child through a pipe, and comes back the same way. Where a parser
needs a file name (mat2), the child writes it into a private folder on a memory-backed file
system (`/dev/shm` by default), so no plaintext reaches a disk.

Protocol: the parent sends the file; the child answers with a JSON header ({"outcome":
"cleaned" | "uncleanable" | "unreadable", "type": ...}) and, when cleaned, the file.
"""

import contextlib
import functools
import importlib.util
import json
import logging
import multiprocessing
import multiprocessing.process
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 120
DEFAULT_CPU_SECONDS = 20
DEFAULT_MEMORY_MB = 1536
DEFAULT_SLOTS = 1
DEFAULT_WAIT_SECONDS = 60
WORKER_MODULE = "tipline.reports.cleaning_worker"


class CleanerUnavailable(Exception):
    """No cleaning process could be started here (the fork server is missing or broken):
    nothing about the file is known, and trying the same file again will not help."""


class CleaningFailed(Exception):
    """The child could not clean the file. `outcome`: "uncleanable", "unreadable", or "busy"
    (no cleaning slot came free in time)."""

    def __init__(self, outcome: str, detail: str = "") -> None:
        super().__init__(f"{outcome}: {detail}")
        self.outcome = outcome


@dataclass(frozen=True)
class Limits:
    seconds: int = DEFAULT_SECONDS  # wall clock
    memory_mb: int = DEFAULT_MEMORY_MB
    scratch: Path | None = None  # a memory-backed folder; /dev/shm when None and present
    cpu_seconds: int = DEFAULT_CPU_SECONDS
    slots: int = DEFAULT_SLOTS  # cleanings at once in this process
    wait_seconds: int = DEFAULT_WAIT_SECONDS  # for a cleaning slot


def configured_limits() -> Limits:
    """The limits from Django settings when they are configured, else the defaults."""
    from django.conf import settings

    if not settings.configured:
        return Limits()
    scratch = getattr(settings, "CLEANING_SCRATCH_DIR", None)
    return Limits(
        seconds=getattr(settings, "CLEANING_SECONDS", DEFAULT_SECONDS),
        memory_mb=getattr(settings, "CLEANING_MEMORY_MB", DEFAULT_MEMORY_MB),
        scratch=Path(scratch) if scratch else None,
        cpu_seconds=getattr(settings, "CLEANING_CPU_SECONDS", DEFAULT_CPU_SECONDS),
        slots=getattr(settings, "CLEANING_CONCURRENCY", DEFAULT_SLOTS),
        wait_seconds=getattr(settings, "CLEANING_WAIT_SECONDS", DEFAULT_WAIT_SECONDS),
    )


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


@contextlib.contextmanager
def cleaning_slot(limits: Limits) -> Iterator[None]:
    """One of this process's cleaning slots for the block; `CleaningFailed("busy")` when
    none comes free within the limits' wait."""
    with _slots_lock:
        slots = _slots.setdefault(limits.slots, threading.BoundedSemaphore(limits.slots))
    if not slots.acquire(timeout=limits.wait_seconds):
        raise CleaningFailed("busy", "no cleaning slot came free")
    try:
        yield
    finally:
        slots.release()


def scratch_root(limits: Limits) -> str | None:
    if limits.scratch is not None:
        return str(limits.scratch)
    return "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - memory-backed


# Children are forked from a fork server started once per process, single-threaded, with
# the cleaners already imported: a fresh, limited process per file without the cost of
# starting an interpreter (the web server's threads are never forked).
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([WORKER_MODULE])


def _forget_the_parents_fork_server() -> None:
    """In a forked child (a gunicorn worker forked by a master that had cleaned files, as
    `tipline demo` does while it builds its reports), the fork server multiprocessing
    remembers is the parent's: not this process's child, so multiprocessing's liveness
    check (`waitpid`) fails with ChildProcessError on every file. The child forgets it and
    starts its own on first use; it closes its copy of the parent's "alive" pipe, so the
    parent's server still ends with the parent."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver  # no public way to reset it
    alive = server._forkserver_alive_fd
    server._forkserver_pid = None
    server._forkserver_address = None
    server._forkserver_alive_fd = None
    server._lock = threading.Lock()  # a lock held by a parent's thread stays held here
    if alive is not None:
        with contextlib.suppress(OSError):
            os.close(alive)


os.register_at_fork(after_in_child=_forget_the_parents_fork_server)


def start_fork_server() -> None:
    """Start this process's fork server now rather than on the first file (web workers):
    one empty round trip, so that its imports are done before the first request."""
    try:
        clean_in_child(b"", "application/x-empty", Limits())
    except CleaningFailed:
        pass  # expected: nothing cleans an empty file of no type
    except CleanerUnavailable as error:  # each file will try again, and fail clearly
        logger.error("the cleaning fork server did not start: %s", error)


def clean_in_child(
    data: bytes,
    media_type: str,
    limits: Limits | None = None,
    measured: dict[str, float] | None = None,
) -> tuple[bytes, str]:
    """The cleaned file and its type, from a limited child process; `CleaningFailed` else.
    `measured` receives the child's peak memory in MB and CPU seconds (for benchmarks)."""
    limits = limits or configured_limits()
    with cleaning_slot(limits):
        return _clean_in_child(data, media_type, limits, measured)


def _clean_in_child(
    data: bytes, media_type: str, limits: Limits, measured: dict[str, float] | None
) -> tuple[bytes, str]:
    from . import cleaning_worker

    scratch = tempfile.mkdtemp(prefix="tipline-clean-", dir=scratch_root(limits))
    ours, theirs = _CONTEXT.Pipe()
    process = _CONTEXT.Process(
        target=cleaning_worker.run,
        args=(theirs, scratch, limits.memory_mb, limits.cpu_seconds, media_type),
        daemon=True,
    )
    try:
        try:
            process.start()
        except OSError as error:  # no fork server, no process: a fault of this server
            logger.error("no cleaning process could start: %r", error)
            raise CleanerUnavailable(type(error).__name__) from None
        theirs.close()
        deadline = time.monotonic() + limits.seconds
        try:
            ours.send_bytes(data)
            header = _receive(ours, deadline)
            answer = json.loads(header)
            outcome = answer.get("outcome") if isinstance(answer, dict) else None
            if measured is not None and outcome:
                measured["peak_mb"] = float(answer.get("peak_kb", 0)) / 1024
                measured["cpu_s"] = float(answer.get("cpu_s", 0))
            if outcome == "cleaned":
                return _receive(ours, deadline), str(answer["type"])
        except (OSError, EOFError, ValueError, TypeError, KeyError) as error:
            # The child died (memory or CPU limit, a crash) or answered nonsense.
            raise CleaningFailed("unreadable", f"{type(error).__name__}") from None
        if outcome == "uncleanable":
            raise CleaningFailed("uncleanable", str(answer.get("detail", "")))
        logger.info("cleaning refused a file: %s", str(answer.get("detail", ""))[:200])
        raise CleaningFailed("unreadable", str(answer.get("detail", "")))
    finally:
        _kill_group(process)
        ours.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _receive(connection: Connection, deadline: float) -> bytes:
    if not connection.poll(max(0.0, deadline - time.monotonic())):
        raise CleaningFailed("unreadable", "time limit")
    return connection.recv_bytes()


def _kill_group(process: multiprocessing.process.BaseProcess) -> None:
    """Kill the child's process group (ffmpeg with it) while the child still runs.

    The fork server, not this process, reaps the child, so once it is known dead its pid
    (and group id) may be reused: the group is killed only while the child is not known to
    have ended. A child that ended normally has waited for ffmpeg already."""
    if process.pid is not None:
        if process.exitcode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):  # just ended
                os.killpg(process.pid, signal.SIGKILL)
        process.join()
    process.close()


def _child_environment() -> dict[str, str]:
    """What the child needs to find Python, ffmpeg and its libraries; nothing of requests."""
    keep = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "HOME", "VIRTUAL_ENV", "SYSTEMROOT")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment["OMP_NUM_THREADS"] = "1"
    return environment


def mat2_usable() -> bool:
    """Whether mat2, PyGObject and ffmpeg are installed: a cheap look (no import, nothing
    started) for request paths. Should they be installed but broken, the cleaning process
    fails to import them and the file follows the desk's rule, as without them; the
    administrator's System page runs the real check (`mat2_status`)."""
    return (
        importlib.util.find_spec("libmat2") is not None
        and importlib.util.find_spec("gi") is not None
        and shutil.which("ffmpeg") is not None
    )


@dataclass(frozen=True)
class Mat2Status:
    available: bool
    detail: str  # a version when available, else what is missing


@functools.cache
def mat2_status() -> Mat2Status:
    """Whether mat2 (and ffmpeg, which it needs for audio and video) works here, with the
    reason when not: imported for real, once per process, in a child (the server never
    imports it). For the System page; request paths use `mat2_usable`."""
    probe = (
        "import importlib.metadata, shutil, sys\n"
        "from libmat2 import parser_factory\n"
        "version = importlib.metadata.version('mat2')\n"
        "sys.stdout.write(version + ('' if shutil.which('ffmpeg') else ' noffmpeg'))"
    )
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed probe
            [sys.executable, "-c", probe],
            capture_output=True,
            timeout=60,
            env=_child_environment(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Mat2Status(False, f"could not run the probe: {error}")
    if result.returncode != 0:
        last = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return Mat2Status(False, f"mat2 cannot be loaded ({last[0]})")
    version = result.stdout.decode()
    if version.endswith(" noffmpeg"):
        return Mat2Status(False, "ffmpeg is not installed")
    return Mat2Status(True, f"mat2 {version}")
