"""The cleaning process (see `isolation`): limits itself, cleans one file, answers, ends.

Forked from a fork server that has already imported the cleaners (no interpreter start and
no imports per file), it imports no Django and shares nothing with the web server but a
pipe. Answers are bytes and JSON, never pickles: a child whose parser was exploited must
not be able to run code in the server through its answer.
"""

import json
import os
import resource
from multiprocessing.connection import Connection
from pathlib import Path

from tipline.reports import cleaners  # preloaded in the fork server: Pillow, pikepdf


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    """Before a byte of the file is read: these limits hold for this process and for every
    process it starts (ffmpeg)."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # mat2 unpacks archives into the scratch folder (memory-backed): a ZIP bomb must not
    # fill it. No file it writes may be larger than the memory it may use.
    resource.setrlimit(resource.RLIMIT_FSIZE, (memory, memory))


def _answer(connection: Connection, outcome: str, media_type: str = "", detail: str = "") -> None:
    # Peak resident memory and CPU of this process and of what it started (ffmpeg), for
    # bench/.
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(usage.ru_utime + usage.ru_stime for usage in used)
    header = {
        "outcome": outcome,
        "type": media_type,
        "detail": detail[:200],
        "peak_kb": peak_kb,
        "cpu_s": round(cpu, 3),
    }
    connection.send_bytes(json.dumps(header).encode())


def run(
    connection: Connection, scratch: str, memory_mb: int, cpu_seconds: int, media_type: str
) -> None:
    """Receive one file on `connection`, send back a JSON header and the cleaned file."""
    os.setsid()  # a process group of its own: the parent kills it and ffmpeg together
    _limit(memory_mb, cpu_seconds)
    data = connection.recv_bytes()
    try:
        cleaned, cleaned_type = cleaners.clean_here(data, media_type, Path(scratch))
    except cleaners.CannotClean as error:
        _answer(connection, "uncleanable", detail=str(error))
        return
    except (cleaners.UnreadableFile, MemoryError, RecursionError) as error:
        _answer(connection, "unreadable", detail=f"{type(error).__name__}: {error}")
        return
    del data
    _answer(connection, "cleaned", cleaned_type)
    connection.send_bytes(cleaned)
