"""Cleaning runs in a separate process with a time and a memory limit.

A hostile file (a ZIP bomb, a video that sends ffmpeg into a loop, a PDF that makes a
parser allocate without end) must not hang or exhaust the web server. So every cleaning
runs in a child process (`python -m tipline.intake.cleaning_worker`) that limits itself
before it reads a byte: address space (`RLIMIT_AS`, also for ffmpeg, which it starts),
CPU seconds, and no core files. The parent kills the child's whole process group when the
wall-clock limit passes, and removes the child's scratch folder whatever happened.

The file goes to the child through a pipe, and comes back the same way. Where a parser
needs a file name (mat2), the child writes it into a private folder on a memory-backed file
system (`/dev/shm` by default), so no plaintext reaches a disk.

Protocol: the child reads one line of JSON ({"type": ...}) and then the file, and answers
with one line of JSON ({"outcome": "cleaned" | "uncleanable" | "unreadable", "type": ...})
followed, when cleaned, by the cleaned file.
"""

import contextlib
import functools
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 120
DEFAULT_MEMORY_MB = 1536
WORKER_MODULE = "tipline.intake.cleaning_worker"


class CleaningFailed(Exception):
    """The child could not clean the file. `outcome`: "uncleanable" or "unreadable"."""

    def __init__(self, outcome: str, detail: str = "") -> None:
        super().__init__(f"{outcome}: {detail}")
        self.outcome = outcome


@dataclass(frozen=True)
class Limits:
    seconds: int = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
    scratch: Path | None = None  # a memory-backed folder; /dev/shm when None and present


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
    )


def scratch_root(limits: Limits) -> str | None:
    if limits.scratch is not None:
        return str(limits.scratch)
    return "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - memory-backed


def clean_in_child(data: bytes, media_type: str, limits: Limits | None = None) -> tuple[bytes, str]:
    """The cleaned file and its type, from a limited child process; `CleaningFailed` else."""
    limits = limits or configured_limits()
    scratch = tempfile.mkdtemp(prefix="tipline-clean-", dir=scratch_root(limits))
    try:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                WORKER_MODULE,
                "--scratch",
                scratch,
                "--memory-mb",
                str(limits.memory_mb),
                "--cpu-seconds",
                str(limits.seconds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: ffmpeg dies with it
            env=_child_environment(),
        )
        header = json.dumps({"type": media_type}).encode() + b"\n"
        try:
            output, errors = process.communicate(header + data, timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise CleaningFailed("unreadable", "time limit") from None
        finally:
            _kill_group(process)  # whatever it left running (an orphaned ffmpeg)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _parse_answer(process.returncode, output, errors)


def _parse_answer(returncode: int, output: bytes, errors: bytes) -> tuple[bytes, str]:
    first_line, _, body = output.partition(b"\n")
    try:
        answer = json.loads(first_line) if first_line else {}
    except ValueError:
        answer = {}
    outcome = answer.get("outcome") if isinstance(answer, dict) else None
    if returncode == 0 and outcome == "cleaned":
        return body, str(answer["type"])
    if outcome == "uncleanable":
        raise CleaningFailed("uncleanable", str(answer.get("detail", "")))
    # A crash, a killed child (memory, CPU) or a file the parsers refused: never the file's
    # content in the log, only what went wrong.
    logger.info(
        "cleaning failed (exit %s): %s", returncode, errors.decode("utf-8", "replace")[-300:]
    )
    raise CleaningFailed("unreadable", str(answer.get("detail", f"exit {returncode}")))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _child_environment() -> dict[str, str]:
    """What the child needs to find Python, ffmpeg and its libraries; nothing of requests."""
    keep = ("PATH", "PYTHONPATH", "LANG", "LC_ALL", "HOME", "VIRTUAL_ENV", "SYSTEMROOT")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment["OMP_NUM_THREADS"] = "1"
    return environment


@dataclass(frozen=True)
class Mat2Status:
    available: bool
    detail: str  # a version when available, else what is missing


@functools.cache
def mat2_status() -> Mat2Status:
    """Whether mat2 (and ffmpeg, which it needs for audio and video) works here. Checked once
    per process, in a child like the cleaning itself, so the server never imports it."""
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
