"""The background analyser: a signed-in session's page hands it the key, it indexes the
desk's waiting reports on its own thread, then lets the key go. Two analysers at once never
index a report twice nor lose a shard update.

Transactional tests: the analyser's thread has a database connection of its own and must see
what the test committed (on SQLite, the real file)."""

import gc
import threading
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.test import Client

from tipline import vault
from tipline.casework.tests.helpers import report_in
from tipline.reports.models import Report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in
from tipline.triage import actions, background, embedding, index, selectors
from tipline.triage.background import ANALYSER
from tipline.triage.epochs import keys_of
from tipline.triage.models import Claim, Indexed, Shard

pytestmark = pytest.mark.django_db(transaction=True)
INBOX = "/staff/desk/narcotics/"
CASE = "/staff/desk/narcotics/report/{}/"


@pytest.fixture
def embedded_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread of every call to the embedding model."""
    threads: list[str] = []
    real = embedding.embed

    def spy(texts: list[str]) -> Any:
        threads.append(threading.current_thread().name)
        return real(texts)

    monkeypatch.setattr(embedding, "embed", spy)
    return threads


@pytest.fixture(autouse=True)
def _no_job_left_behind() -> Any:
    yield
    assert ANALYSER.wait_until_idle(timeout=60)


def signed_in(setup: DeskWithRecipient) -> Client:
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    return client


def test_opening_the_inbox_hands_analysis_to_the_background(
    files_dir: Path, embedded_on: list[str], settings: Any
) -> None:
    # A broker nobody listens on: were anything sent to Celery, the page would fail.
    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    setup = DeskWithRecipient()
    report_in(setup, description="A white truck crossed the Torkham border at 2 am with heroin.")
    report_in(setup, description="Someone sells stolen motorbikes behind the cinema.")
    report_in(setup, description="رات دو بجے سفید ٹرک ہیروئن لے کر طورخم سرحد سے گزرا۔")
    client = signed_in(setup)

    assert client.get(INBOX).status_code == 200
    assert ANALYSER.wait_until_idle()
    assert Indexed.objects.count() == 3
    assert ANALYSER.holding() == 0
    assert embedded_on and set(embedded_on) == {"tipline-triage"}
    assert not Claim.objects.exists()

    # The case page shows related reports at once, and embeds nothing itself.
    embedded_on.clear()
    page = client.get(CASE.format(3)).content.decode()
    related = page.split("Related earlier reports")[1]
    assert related.index("#1") < related.index("#2")
    assert "being analysed" not in page
    assert ANALYSER.wait_until_idle()
    assert embedded_on == []


def test_a_case_page_says_analysis_is_under_way_and_leaves_it_to_the_background(
    files_dir: Path, embedded_on: list[str]
) -> None:
    setup = DeskWithRecipient()
    report_in(setup, description="Crates of rifles are unloaded at the jetty every night.")
    client = signed_in(setup)

    page = client.get(CASE.format(1)).content.decode()
    assert "This report is being analysed in the background" in page
    assert ANALYSER.wait_until_idle()
    assert "MainThread" not in embedded_on and embedded_on == ["tipline-triage"]
    assert Indexed.objects.count() == 1
    page = client.get(CASE.format(1)).content.decode()
    assert "No earlier report is similar." in page
    assert "being analysed" not in page


def test_the_key_is_gone_from_the_worker_after_the_job(files_dir: Path) -> None:
    setup = DeskWithRecipient()
    report_in(setup, description="Boats bring diesel across the gulf every Tuesday.")
    report_in(setup, description="A clerk asks for money to stamp land papers.")
    client = signed_in(setup)
    # A key object only the analyser will hold, as a request's would be.
    key = vault.unlock_with_password(setup.analyst.key_record, STRONG_PASSWORD)
    held, inner = weakref.ref(key), weakref.ref(key._key)
    ANALYSER.hand_over(setup.analyst, key, setup.desk.pk, session_key=client.session.session_key)
    del key
    assert ANALYSER.wait_until_idle()
    assert Indexed.objects.count() == 2
    gc.collect()
    assert ANALYSER.holding() == 0
    assert held() is None and inner() is None  # no reference left anywhere in the process


def test_a_signed_out_session_gets_nothing_analysed(files_dir: Path) -> None:
    setup = DeskWithRecipient()
    report_in(setup, description="Boats bring diesel across the gulf every Tuesday.")
    client = signed_in(setup)
    session_key = client.session.session_key
    client.post("/staff/signout/")
    key = vault.unlock_with_password(setup.analyst.key_record, STRONG_PASSWORD)
    held = weakref.ref(key)
    ANALYSER.hand_over(setup.analyst, key, setup.desk.pk, session_key=session_key)
    del key
    assert ANALYSER.wait_until_idle()
    gc.collect()
    assert held() is None
    assert not Indexed.objects.exists()


def test_the_key_is_held_no_longer_than_its_time(
    files_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = DeskWithRecipient()
    report_in(setup, description="Boats bring diesel across the gulf every Tuesday.")
    client = signed_in(setup)
    monkeypatch.setattr(background, "HOLD_SECONDS", -1)
    ANALYSER.hand_over(
        setup.analyst, setup.private_key, setup.desk.pk, session_key=client.session.session_key
    )
    assert ANALYSER.wait_until_idle()
    assert ANALYSER.holding() == 0
    assert not Indexed.objects.exists()


def test_reports_that_cannot_be_added_do_not_keep_the_analyser_spinning(
    files_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claimed report it cannot add (indexed by another meanwhile, or not to be opened)
    ends the job at once, rather than a loop over the same report until the hold runs out."""
    setup = DeskWithRecipient()
    report_in(setup, description="Boats bring diesel across the gulf every Tuesday.")
    client = signed_in(setup)
    passes: list[int] = []
    monkeypatch.setattr(actions, "analyse", lambda reports, *args: passes.append(1) or 0)
    ANALYSER.hand_over(
        setup.analyst, setup.private_key, setup.desk.pk, session_key=client.session.session_key
    )
    assert ANALYSER.wait_until_idle(timeout=20)  # the hold is 120 s
    assert passes == [1]
    assert not Claim.objects.exists()  # released for the next hand-over


def test_a_report_claimed_by_another_analyser_is_left_to_it_until_its_lease_ends(
    files_dir: Path,
) -> None:
    setup = DeskWithRecipient()
    report, _ = report_in(setup, description="Boats bring diesel across the gulf every Tuesday.")
    token, won = actions.claim_waiting(setup.desk.pk, setup.analyst)
    assert [r.pk for r in won] == [report.pk]
    assert actions.claim_waiting(setup.desk.pk, setup.analyst) == ("", [])
    assert actions.analyse_waiting(setup.desk.pk, setup.analyst, setup.private_key) == (0, 0)
    Claim.objects.filter(token=token).update(until=report.received_at)  # the lease ran out
    assert actions.analyse_waiting(setup.desk.pk, setup.analyst, setup.private_key) == (1, 1)
    assert not Claim.objects.exists()


def test_two_analysers_never_index_a_report_twice_nor_lose_a_shard_update(
    files_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = DeskWithRecipient()
    texts = [
        "Boats bring diesel across the gulf every Tuesday.",
        "A clerk asks for money to stamp land papers.",
        "Crates of rifles are unloaded at the jetty at night.",
        "Girls are recruited for hotel jobs abroad and their passports taken.",
        "Shopkeepers pay a gang every month or their shops burn.",
        "Fake antibiotics are made in a house in the industrial area.",
        "Gold bars come through the airport hidden in shoes.",
    ]
    for text in texts:
        report_in(setup, description=text)
    # One report first, so that both analysers find the same open shard.
    oldest = Report.objects.order_by("received_at", "number").first()
    assert oldest is not None
    assert actions.analyse([oldest], setup.analyst, setup.private_key) == 1

    # Both read the shard at the same version before either writes it: one must lose the
    # conditional update, read again and write both its entries and the winner's.
    both_read = threading.Barrier(2, timeout=10)
    packed: list[int] = []
    real_pack = index.pack

    def pack_when_both_read(entries: index.Entries) -> bytes:
        packed.append(len(entries))
        if len(packed) <= 2:
            both_read.wait()
        return real_pack(entries)

    monkeypatch.setattr(index, "pack", pack_when_both_read)
    results: list[tuple[int, int]] = []
    failures: list[BaseException] = []

    def analyser() -> None:
        from django.db import connection

        try:
            results.append(
                actions.analyse_waiting(setup.desk.pk, setup.analyst, setup.private_key, limit=3)
            )
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=analyser) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(results) == [(3, 3), (3, 3)]  # disjoint claims, everything added
    assert len(packed) >= 3  # the loser packed again after reading the winner's shard

    assert Indexed.objects.count() == len(texts)
    assert Shard.objects.count() == 1
    keys = keys_of(setup.analyst, setup.private_key, setup.desk.pk)
    loaded = selectors.load(setup.analyst, setup.private_key, setup.desk.pk)
    assert len(keys) == 1
    (entries,) = loaded.by_epoch.values()
    ids = [entries.report_id(row) for row in range(len(entries))]
    assert sorted(ids) == sorted(Report.objects.values_list("id", flat=True))
    assert len(set(ids)) == len(ids) == len(texts)
    assert np.all(entries.scales > 0)
    assert not Claim.objects.exists()
