"""The static files as a reporter's phone gets them: collected once into `STATIC_ROOT` with
content-hashed names (cached for a year, never asked for again), each stylesheet and script
also gzipped and brotli-compressed beside it (WhiteNoise's compressed manifest storage;
WhiteNoise serves the smallest the browser accepts).

`tipline serve` collects before its workers start, and only when the sources changed since
the last collection (a digest of every static file's name and content is kept beside them):
compressing Django admin's scripts takes seconds, which a restart need not pay. A lock lets
the clearnet and onion services share one data folder and start together.
"""

import fcntl
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

STAMP = ".sources-digest"


def sources_digest() -> str:
    """A digest of every file the static finders see (name and content), and the storage that
    collects them: it changes exactly when a collection would."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    found = []
    for finder in get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            found.append((path, storage.path(path)))
    for path, full_path in sorted(found):
        digest.update(path.encode() + b"\0")
        digest.update(hashlib.sha256(Path(full_path).read_bytes()).digest())
    return digest.hexdigest()


def collect_static_files(announce: Callable[[], None] = lambda: None) -> bool:
    """Collect into STATIC_ROOT unless what is there came from these very sources (calling
    `announce` first); True when it collected. Safe to call from several processes at once."""
    root = Path(settings.STATIC_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    wanted = sources_digest()
    stamp = root / STAMP
    # Beside the folder, not in it: collecting clears the folder.
    with open(root.with_name(root.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == wanted:
            return False
        announce()
        stamp.unlink(missing_ok=True)
        call_command("collectstatic", interactive=False, clear=True, verbosity=0)
        stamp.write_text(wanted)
        return True
