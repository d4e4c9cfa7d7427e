"""The cleaner's fork server belongs to the process that uses it, and a server that cannot
start one says so to the reporter instead of losing the report with a generic error."""

import os
from collections.abc import Iterator
from multiprocessing import forkserver
from typing import Any

import pytest
from django.test import Client

from tipline.reports import isolation
from tipline.reports.models import Report
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import send_report
from .samples import jpeg_with_gps


def _server() -> Any:
    """multiprocessing's fork server record of this process (no public way to read it)."""
    return forkserver._forkserver


def test_a_forked_child_cleans_with_its_own_fork_server_not_its_parents() -> None:
    isolation.start_fork_server()  # the parent's, as `tipline demo` has before gunicorn forks
    parents = _server()._forkserver_pid
    assert parents is not None
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            cleaned, media_type = isolation.clean_in_child(jpeg_with_gps(), "image/jpeg")
            own = _server()._forkserver_pid
            answer = f"{media_type} {len(cleaned) > 0} {own not in (None, parents)}"
        except BaseException as error:  # anything goes back to the test
            answer = repr(error)
        os.write(write, answer.encode())
        os._exit(0)
    os.close(write)
    answer = os.read(read, 4096).decode()
    os.close(read)
    os.waitpid(child, 0)
    assert answer == "image/jpeg True True"
    assert _server()._forkserver_pid == parents  # the parent's is intact


@pytest.fixture
def no_cleaner_starts() -> Iterator[None]:
    """multiprocessing believes in a fork server that is not this process's child (what a
    forked worker saw before it forgot its parent's): no cleaning process can start."""
    server = _server()
    saved = (server._forkserver_pid, server._forkserver_alive_fd, server._forkserver_address)
    server._forkserver_pid = os.getppid()
    try:
        yield
    finally:
        server._forkserver_pid, server._forkserver_alive_fd, server._forkserver_address = saved


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "cannot remove hidden data from files at the moment"),
        ("ur", "فائلوں سے چھپی معلومات نہیں ہٹا سکتی"),
    ],
)
def test_a_server_that_cannot_clean_says_so_and_keeps_nothing(
    client: Client,
    desk_with_recipient: DeskWithRecipient,
    files_dir: object,
    no_cleaner_starts: None,
    language: str,
    said: str,
) -> None:
    drugs = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    response = send_report(client, drugs, language=language, files=[("a.jpg", jpeg_with_gps())])
    page = response.content.decode()
    assert response.status_code == 503
    assert said in page
    assert "try again" not in page.lower()
    assert Report.objects.count() == 0
