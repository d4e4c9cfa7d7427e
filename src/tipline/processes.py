"""Child processes that must not outlive the process that started them."""

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def end_with_parent(expected_parent: int | None = None) -> bool:
    """In a child: ask Linux for SIGTERM when the parent dies, even by SIGKILL.

    The request is tied to the parent alive *now*: if it died between the fork (or spawn)
    and this call, no signal will ever come, so a child told who its parent should be exits
    at once when someone else (init) has adopted it already. Safe to call between fork and
    exec (no lock, no logging). False where Linux's prctl is missing or refused: the caller
    then ends its children itself, or says so.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        asked = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) == 0
    except (OSError, AttributeError):
        asked = False
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(0)
    return asked
