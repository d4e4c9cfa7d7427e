"""A training desk says TRAINING on every staff page and in every export; a real one never."""

import io
import zipfile

import pytest
from django.test import Client
from pypdf import PdfReader

from tipline.desks.models import Desk
from tipline.testing.fixtures import DeskWithRecipient, sign_in

from .helpers import report_in

CASE = "/staff/desk/narcotics/report/1/"


def pages_and_export(setup: DeskWithRecipient) -> tuple[list[str], str]:
    """The inbox, case and settings pages, and the export's summary.txt and summary.pdf's
    text (one string)."""
    report_in(setup)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    pages = [
        client.get(path).content.decode()
        for path in ("/staff/desk/narcotics/", CASE, "/staff/settings/")
    ]
    response = client.get(CASE + "export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    pdf = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    pdf_text = "\n".join(page.extract_text() for page in pdf.pages)
    return pages, archive.read("summary.txt").decode() + "\n----\n" + pdf_text


@pytest.mark.django_db
def test_every_page_and_export_of_a_training_desk_says_training() -> None:
    setup = DeskWithRecipient()
    Desk.objects.filter(pk=setup.desk.pk).update(is_training=True)
    pages, summary = pages_and_export(setup)
    for page in pages[:2]:
        assert '<strong class="training-banner" role="note">TRAINING</strong>' in page
    summary_text, pdf_text = summary.split("\n----\n")
    assert summary_text.startswith("TRAINING")
    assert pdf_text.startswith("TRAINING: a synthetic report from a training desk")


@pytest.mark.django_db
def test_a_real_desk_never_says_training() -> None:
    pages, summary = pages_and_export(DeskWithRecipient())
    assert not any("TRAINING" in page for page in pages)
    assert "TRAINING" not in summary


@pytest.mark.django_db
def test_training_reports_are_new_only_to_who_has_not_read_them(files_dir: object) -> None:
    from tipline.accounts.models import StaffUser
    from tipline.casework import training
    from tipline.casework.selectors import InboxFilters, inbox

    made = training.make_training_desk(reports=6)
    analyst_of = {r.number: r.assigned_to for r in made.desk.reports.all()}
    trainer = StaffUser.objects.get(username="trainer")
    seen = {
        user.username: {r.number: (r.is_new, bool(r.has_new_message)) for r in page}
        for user in [trainer, *{u for u in analyst_of.values() if u}]
        for page in [inbox(made.desk, user, InboxFilters())[0]]
    }
    assert seen["trainer"][1] == (True, False)  # stage 0: nobody has opened it
    assert [n for n, (new, _) in seen["trainer"].items() if new] == [1]
    fourth = analyst_of[4].username  # stage 3: the reporter answered the analyst's reply
    assert seen[fourth][4] == (False, True)
    closed = analyst_of[6].username  # stage 5: closed, read
    assert seen[closed][6] == (False, False)
