"""Two installations on loopback exchange cards, share a report with an attachment, answer
back and report an outcome; a share queued while the partner is down (and the sender killed
mid-way) arrives exactly once after restart. On SQLite, and on PostgreSQL when
TIPLINE_TEST_DATABASE_URL and TIPLINE_TEST_ON_URL=1 are set (the suite's PostgreSQL run)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tipline.reports.tests.samples import jpeg_with_gps
from tipline.sharing.tests.two_installations import (
    Installation,
    databases,
    pair,
    staff_code,
    wait_for,
)
from tipline.testing.reporter_client import Reporter

SHARE = """
report = Report.objects.order_by("-received_at").first()
opened = conversation.open_as_staff(report, user, key)
share = actions.propose_share(
    opened, user=user, partner=Partner.objects.get(), desk_slug="customs",
    draft=actions.ShareDraft(
        description={description!r},
        answers={{"how_known": "Seen from the ANSWER-MARKER pier"}},
        attachment_ids=list(Attachment.objects.filter(report=report).values_list("id", flat=True)),
        cover_note="Boat leaves tonight",
    ),
)
print(share.id)
"""


@pytest.fixture
def installations(tmp_path: Path) -> Iterator[tuple[Installation, Installation]]:
    for url_a, url_b in databases():
        a = Installation(tmp_path / "a", "Agency A", "narcotics", url_a)
        b = Installation(tmp_path / "b", "Agency B", "customs", url_b)
        b.run("desksharing", "customs", "--accept")
        try:
            a.start()
            b.start()
            pair(a, b, tmp_path)
            yield a, b
        finally:
            a.close()
            b.close()


def count(installation: Installation, expression: str) -> int:
    code = "from tipline.sharing.models import *\nfrom tipline.reports.models import *\n"
    return int(installation.python(code + f"print({expression})").strip().splitlines()[-1])


def send_report(a: Installation, marker: str) -> str:
    status, receipt, _ = Reporter(a.port, "/en/report/narcotics/drug-trafficking/").submit(
        f"Crates at the jetty {marker}", photo=jpeg_with_gps()
    )
    assert status == 200 and receipt
    return receipt


@pytest.mark.slow
def test_two_installations_share_a_report_and_work_it_together(
    installations: tuple[Installation, Installation],
) -> None:
    a, b = installations
    wait_for(lambda: count(a, "Partner.objects.filter(paired_at__isnull=False).count()") == 1)
    wait_for(lambda: count(b, "Partner.objects.filter(paired_at__isnull=False).count()") == 1)
    receipt = send_report(a, "SHARED-MARKER-1")
    a.python(staff_code(a, SHARE.format(description="Crates at the jetty [redacted]")))
    wait_for(lambda: count(b, "ReceivedShare.objects.count()") == 1)
    shown = b.python(
        staff_code(
            b,
            """
report = ReceivedShare.objects.get().report
opened = conversation.open_as_staff(report, user, key)
print(conversation.read_content(opened)["description"])
print(conversation.answer_rows(opened, "en"))
print(Attachment.objects.filter(report=report).count())
actions.note_opened(ReceivedShare.objects.get(), user=user)
actions.write_back(opened, user=user, text="We will board it")
actions.write_back(opened, user=user, text="", outcome_kind="seizure", outcome_count=1)
""",
        )
    )
    assert "Crates at the jetty [redacted]" in shown and "\n1\n" in shown
    assert "('How do you know this?', 'Seen from the ANSWER-MARKER pier')" in shown
    wait_for(lambda: count(a, "Share.objects.filter(state='answered').count()") == 1)
    wait_for(lambda: count(a, "BackMessage.objects.filter(direction='received').count()") == 2)
    back = a.python(
        staff_code(
            a,
            """
share = Share.objects.get()
opened = conversation.open_as_staff(share.report, user, key)
for message in selectors.shares_of(opened)[0][2]:
    print(message.text, message.outcome, message.count)
print(share.opened_at is not None)
""",
        )
    )
    assert "We will board it" in back and "Seizures 1" in back and "True" in back
    # The sender's database and files hold no plaintext of the shared report, nor the
    # receiver's; the reporter's receipt exists only at the sender.
    for folder in (a.folder, b.folder):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix != ".log":
                data = path.read_bytes()
                assert b"SHARED-MARKER-1" not in data and b"We will board it" not in data, path
                assert b"Crates at the jetty" not in data and b"Boat leaves" not in data, path
                assert b"ANSWER-MARKER" not in data, path
                if folder == b.folder:
                    for form in (receipt, receipt.replace(" ", "")):
                        assert form.encode() not in data, path
    assert count(b, "Report.objects.filter(receipt_lookup__startswith='shared-').count()") == 1


@pytest.mark.slow
def test_a_share_queued_while_the_partner_is_down_arrives_exactly_once(
    installations: tuple[Installation, Installation],
) -> None:
    a, b = installations
    wait_for(lambda: count(a, "Partner.objects.filter(paired_at__isnull=False).count()") == 1)
    send_report(a, "DOWN-MARKER")
    b.stop()
    a.python(staff_code(a, SHARE.format(description="while the partner was down")))
    wait_for(
        lambda: count(a, "OutboxPackage.objects.filter(kind='share', attempts__gte=2).count()") == 1
    )
    a.kill_schedule()  # the sender dies (SIGKILL) with the package still queued
    b.start()
    a.start_schedule()
    wait_for(lambda: count(a, "Share.objects.filter(state='delivered').count()") == 1)
    assert count(b, "ReceivedShare.objects.count()") == 1
    assert count(b, "Report.objects.count()") == 1


@pytest.mark.slow
def test_a_restored_installation_receives_shares_with_the_secret_from_its_backup(
    installations: tuple[Installation, Installation], tmp_path: Path
) -> None:
    """Agency B backs up with a passphrase, its server is lost, and a new one (an empty data
    folder and database) is restored from the backup at the same address: it opens its
    identity again and files what Agency A shares with it."""
    a, b = installations
    wait_for(lambda: count(b, "Partner.objects.filter(paired_at__isnull=False).count()") == 1)
    passphrase = tmp_path / "backup-passphrase"
    passphrase.write_text("a long passphrase kept in the safe\n")
    backup = tmp_path / "b.backup"
    out = b.run("backup", str(backup), "--passphrase-file", str(passphrase))
    assert "wrapped under the passphrase" in out
    secret = (b.folder / "installation_secret").read_text().strip()
    assert secret.encode() not in backup.read_bytes()
    b.stop()

    for (url,) in databases(1):
        again = Installation(
            tmp_path / "b-restored", "Agency B", "customs", url, port=b.port, empty=True
        )
        try:
            out = again.run("restore", str(backup), "--passphrase-file", str(passphrase))
            assert "sharing works as before" in out, out
            assert (again.folder / "installation_secret").read_text().strip() == secret
            again.start()
            send_report(a, "AFTER-RESTORE")
            a.python(staff_code(a, SHARE.format(description="after the restore")))
            wait_for(lambda again=again: count(again, "ReceivedShare.objects.count()") == 1)
            wait_for(lambda: count(a, "Share.objects.filter(state='delivered').count()") == 1)
            shown = again.python(
                staff_code(
                    again,
                    """
report = ReceivedShare.objects.get().report
print(conversation.read_content(conversation.open_as_staff(report, user, key))["description"])
""",
                )
            )
            assert "after the restore" in shown
        finally:
            again.close()
