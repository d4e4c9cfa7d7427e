"""Settings for the test suite: the real settings, on a throwaway data folder.

With TIPLINE_TEST_ON_URL=1 and TIPLINE_TEST_DATABASE_URL set (CI: PostgreSQL), the suite
runs on that database instead of SQLite.
"""

import atexit
import os
import shutil
import tempfile

_data_dir = tempfile.mkdtemp(prefix="tipline-test-")
atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
os.environ["TIPLINE_DATA_DIR"] = _data_dir
os.environ.pop("DATABASE_URL", None)
if os.environ.get("TIPLINE_TEST_ON_URL") == "1":
    os.environ["DATABASE_URL"] = os.environ["TIPLINE_TEST_DATABASE_URL"]

# The collected static files live as long as their sources stay the same, for every run and
# every `tipline serve` a test starts (compressing them takes seconds; tipline.server.static_files).
os.environ.setdefault(
    "TIPLINE_STATIC_ROOT",
    os.path.abspath(os.path.join(__file__, "..", "..", "..", "..", "test-output", "static")),
)

from tipline.settings import *  # noqa: E402, F403
from tipline.settings import DATA_DIR, DATABASES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A real file (not Django's in-memory default), so that WAL mode is what runs and
    # tests can read the database file the way someone who seized it would.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# Argon2 for Django's password hashes stays Argon2id, only cheaper (the vault's own costs
# are lowered by the `fast_vault` fixture, never by a switch in production code).
PASSWORD_HASHERS = ["tipline.testing.hashers.FastArgon2PasswordHasher"]

# Playwright's sync API runs an event loop in the test's thread; Django's ORM would refuse
# to run there without this (browser tests only; never set outside the test suite).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Production keeps one SQLite connection per thread (settings.py); in the suite, threads of
    # live servers and of concurrency tests come and go, so each connection closes at the end
    # of its request, as Django's default does. (The "disk I/O error" that `tipline serve`
    # processes met in the whole suite came from a test reading the database's files in this
    # process: closing them dropped SQLite's POSIX locks here. Read them from another process.)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
