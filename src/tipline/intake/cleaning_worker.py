"""The cleaning process (see `isolation`): limits itself, cleans one file, answers, ends.

It imports no Django and nothing of the server's state: only the cleaners.
"""

import argparse
import json
import resource
import sys
from pathlib import Path


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


def _answer(outcome: str, media_type: str = "", detail: str = "", body: bytes = b"") -> None:
    header = {"outcome": outcome, "type": media_type, "detail": detail[:200]}
    sys.stdout.buffer.write(json.dumps(header).encode() + b"\n" + body)
    sys.stdout.buffer.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scratch", required=True, type=Path)
    parser.add_argument("--memory-mb", required=True, type=int)
    parser.add_argument("--cpu-seconds", required=True, type=int)
    arguments = parser.parse_args()
    _limit(arguments.memory_mb, arguments.cpu_seconds)

    from tipline.intake import cleaning  # after the limits: importing parsers costs memory

    header = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read()
    try:
        cleaned, media_type = cleaning.clean_here(data, str(header["type"]), arguments.scratch)
    except cleaning.CannotClean as error:
        _answer("uncleanable", detail=str(error))
        return 0
    except (cleaning.UnreadableFile, MemoryError, RecursionError) as error:
        _answer("unreadable", detail=f"{type(error).__name__}: {error}")
        return 0
    _answer("cleaned", media_type, body=cleaned)
    return 0


if __name__ == "__main__":
    sys.exit(main())
