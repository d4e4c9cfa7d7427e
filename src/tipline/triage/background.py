"""Analysis in the background of the web process, with the key a signed-in session hands it.

Embedding a report needs its text, so a recipient's private key, and only a signed-in
recipient's session has one (sealed in the session, opened with the cookie's secret). When
such a session opens its inbox or a case, the page hands the key to this process's
analyser, a thread that indexes the desk's waiting reports sealed to that recipient
(`actions.analyse_waiting`) and writes the search tokens of reports whose words changed
(`search.index_waiting`), a few at a time, and then lets go of the key.

Why in the web process and not in Celery: a Celery task's arguments travel through the
broker (Redis) and rest there until a worker takes them, and in Redis's snapshot on disk
if it keeps one; the key would be readable there. Sealing it for the workers would need a
key the workers hold on their own, which would let the server open every report unattended
(guarantee 3). So the key never leaves the process whose request opened it: nothing
readable (no key, no text, no vector) goes to the broker, Redis, the database or disk; what
is written is the encrypted shard (`actions._append`).

What a job holds, and for how long: per session that handed work over, the staff member's
private key, the desks to analyse and the reports to do first. It is dropped, and with it
this process's last reference to the key, as soon as (a) nothing waits on those desks that
this analyser could take on, (b) `HOLD_SECONDS` have passed since that session's last page
handed work over (checked between passes of `actions.ANALYSE_AT_ONCE` reports), or (c)
the session is gone (signed out, or expired and cleared). Triage keys opened for a pass,
texts and vectors live only for that pass.

Several workers and hosts: each web process has its own analyser and they share the work
through the database. A report is claimed before it is embedded (`actions.claim_waiting`: a
lease, so two never embed the same report and a dead worker's claims run out); a shard is
rewritten only at the version read (a loser reads again); `Indexed` is keyed by the report,
so no report is indexed twice.

Limits: Python cannot wipe memory, so a dropped key's bytes stay in the freed heap of this
process until reused (as with every request's key); keep swap off and core dumps disabled
(docs/deploy.md). A process stopped mid-pass leaves its claims until they run out
(`actions.CLAIM_SECONDS`).
"""

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from tipline import vault
from tipline.accounts import session_keys
from tipline.accounts.models import StaffUser

from . import actions, search

logger = logging.getLogger(__name__)

# How long a key stays with the analyser after the last page of its session handed it over.
HOLD_SECONDS = 120
# Below the request threads (and the submissions' Argon2id), which come first on 2 cores.
NICENESS = 10


@dataclass(eq=False)
class _Job:
    user_id: int
    session_key: str
    private_key: vault.StaffPrivateKey | None = field(repr=False)
    until: float
    # desk id -> reports of it to do first (a case page waiting for its own report)
    desks: dict[int, list[Any]] = field(default_factory=dict)
    # raised at every hand-over: the worker drops a desk or the job only if unchanged since
    # it looked, so that work handed over meanwhile is not lost
    generation: int = 0


class Analyser:
    """One per process (`ANALYSER`): a thread that runs while it holds jobs, and ends when
    it holds none."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._jobs: dict[tuple[int, str], _Job] = {}
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def hand_over(
        self,
        user: StaffUser,
        private_key: vault.StaffPrivateKey,
        desk_id: int,
        *,
        session_key: str,
        first: Any = None,
    ) -> None:
        """Analyse the desk's waiting reports sealed to `user` (`first` before the rest)
        with this key, for at most `HOLD_SECONDS` from now."""
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's thread is not ours
                self._jobs, self._thread, self._pid = {}, None, os.getpid()
            job = self._jobs.get((user.pk, session_key))
            if job is None:
                job = _Job(user.pk, session_key, private_key, 0.0)
                self._jobs[user.pk, session_key] = job
            job.until = time.monotonic() + HOLD_SECONDS
            job.generation += 1
            firsts = job.desks.setdefault(desk_id, [])
            if first is not None and first not in firsts:
                firsts.append(first)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="tipline-triage", daemon=True
                )
                self._thread.start()

    def holding(self) -> int:
        """How many keys this analyser holds now."""
        with self._lock:
            return len(self._jobs)

    def wait_until_idle(self, timeout: float = 60) -> bool:
        """Block until no job is left and the thread ended (tests, shutdown)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: not self._jobs and self._thread is None, timeout=timeout
            )

    def _run(self) -> None:
        _lower_priority()
        try:
            while True:
                with self._lock:
                    jobs = list(self._jobs.values())
                    if not jobs:
                        self._thread = None
                        self._changed.notify_all()
                        return
                for job in jobs:
                    self._step(job)
        except BaseException:
            with self._lock:  # never leave keys behind a dead thread
                for job in self._jobs.values():
                    job.private_key = None
                self._jobs.clear()
                self._thread = None
                self._changed.notify_all()
            raise
        finally:
            connection.close()

    def _step(self, job: _Job) -> None:
        """One pass over one job's desks; drops the job when it is done or may not go on."""
        with self._lock:
            generation = job.generation
            desks = {desk: list(firsts) for desk, firsts in job.desks.items()}
            private_key = job.private_key
        finished = []
        try:
            user = StaffUser.objects.filter(pk=job.user_id, is_active=True).first()
            if (
                private_key is None
                or user is None
                or time.monotonic() > job.until
                or not _session_alive(job.session_key)
            ):
                self._drop(job, None)
                return
            for desk_id, firsts in desks.items():
                claimed, added = actions.analyse_waiting(desk_id, user, private_key, first=firsts)
                # The words of new reports, messages and notes, for search (same key, same pass).
                searched = search.index_waiting(desk_id, user, private_key)
                # Nothing waits that this analyser may take on; or what it took it could not
                # add (indexed meanwhile by another, or not to be opened): no busy loop over
                # the same reports, the next hand-over tries again. Search goes on only while
                # a pass fills its batch (more may wait).
                if (not claimed or not added) and searched < search.INDEX_AT_ONCE:
                    finished.append(desk_id)
        except Exception:
            # The job goes, key and all; its reports stay waiting for the next hand-over.
            logger.exception("triage analysis failed; its job is dropped")
            self._drop(job, None)
            return
        with self._lock:
            for desk_id, firsts in desks.items():
                if desk_id in job.desks:
                    job.desks[desk_id] = [f for f in job.desks[desk_id] if f not in firsts]
            if job.generation == generation:  # nothing handed over while this pass ran
                for desk_id in finished:
                    job.desks.pop(desk_id, None)
            empty = not job.desks
        if empty:
            self._drop(job, generation)

    def _drop(self, job: _Job, generation: int | None) -> None:
        """Forget a job and its key (if `generation` is given: only if nothing was handed
        over since)."""
        with self._lock:
            if generation is not None and job.generation != generation:
                return
            job.private_key = None
            if self._jobs.get((job.user_id, job.session_key)) is job:
                del self._jobs[job.user_id, job.session_key]
            self._changed.notify_all()


ANALYSER = Analyser()


def hand_over_from(
    request: HttpRequest, user: StaffUser, desk_id: int, *, first: Any = None
) -> None:
    """Give this signed-in session's key to the background analyser for the desk, once the
    request's transaction commits (never for a request that rolled back)."""
    private_key = session_keys.private_key(request, user)
    session_key = request.session.session_key
    if private_key is None or not session_key:
        return
    transaction.on_commit(
        lambda: ANALYSER.hand_over(user, private_key, desk_id, session_key=session_key, first=first)
    )


def _session_alive(session_key: str) -> bool:
    """Whether the session still exists (signing out deletes it)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return bool(store().exists(session_key))


def _lower_priority() -> None:
    # Linux gives each thread its own nice value; elsewhere the thread keeps the process's.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
