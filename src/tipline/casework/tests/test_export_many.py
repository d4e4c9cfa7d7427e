"""Exports a police file wants: reports chosen in the inbox come in one zip, a folder each,
with summary.txt (outcomes, labels, links and shares included), a printable PDF in the
reporter's and the staff member's scripts, and the files; all or nothing, and only reports
the analyst can open with their own key."""

import io
import re
import sys
import zipfile

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from tipline.accounts.actions import create_staff
from tipline.audit.models import AuditEvent
from tipline.casework import actions as casework
from tipline.casework.forms import MAX_EXPORTED
from tipline.casework.models import Label
from tipline.outcomes.actions import OutcomeFacts, record_outcome
from tipline.sharing import actions as sharing
from tipline.sharing.tests.helpers import TwoDesks
from tipline.testing.fixtures import STRONG_PASSWORD, sign_in
from tipline.triage import actions as triage

from .helpers import report_in

pytestmark = pytest.mark.django_db

EXPORT = "/staff/desk/narcotics/export/"
URDU = "جیٹی پر رات کو سفید وین آتی ہے۔"
CHINESE = "码头上有人在卸货，白色面包车每晚都来。"
SECRET = "Crates of rifles at the north jetty"


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    """Three reports on the narcotics desk (Urdu with a photo, Chinese, English); the
    first labelled, linked to the second as its duplicate, with an outcome, and shared
    with the customs desk, all through the real actions."""
    desks = TwoDesks()
    setup = desks.sender
    first, _ = report_in(setup, language="ur", description=URDU, photo=True)
    second, _ = report_in(setup, language="zh-hans", description=CHINESE)
    report_in(setup, description=SECRET)
    analyst = setup.analyst
    harbour = Label.objects.create(desk=setup.desk, name="Operation Harbour")
    casework.set_labels(first, analyst, [harbour.id])
    triage.link(desks.open_as_sender(second), desks.open_as_sender(first), analyst, "duplicate_of")
    record_outcome(
        first,
        OutcomeFacts(kind="arrests", occurred_on=timezone.now().date(), count=2),
        acting_user=analyst,
    )
    sharing.propose_share(
        desks.open_as_sender(first),
        user=analyst,
        partner=None,
        desk_slug="customs",
        draft=sharing.ShareDraft(description=URDU),
    )
    return desks


def analyst_client(desks: TwoDesks) -> Client:
    client = Client()
    sign_in(client, desks.sender.analyst, desks.sender.device)
    return client


def unpacked(response: object) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def pdf_text_and_fonts(pdf: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            # "ABCDEF+Noto-Nastaliq-Urdu": a subset of the font, embedded.
            fonts.add(str(font.get_object()["/BaseFont"]).partition("+")[2])
    return text, fonts


def exported() -> int:
    return AuditEvent.objects.filter(action="report.exported").count()


def test_the_inbox_offers_a_checkbox_per_row(desks: TwoDesks) -> None:
    page = analyst_client(desks).get("/staff/desk/narcotics/").content.decode()
    assert f'action="{EXPORT}"' in page
    for number in (1, 2, 3):
        assert f'name="report" value="{number}"' in page
    assert f"At most {MAX_EXPORTED} at once" in page


def test_chosen_reports_come_in_one_zip_with_a_folder_each(desks: TwoDesks) -> None:
    response = analyst_client(desks).post(EXPORT, {"report": ["1", "2", "3"]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="narcotics-3-reports.zip"'
    archive = unpacked(response)
    assert set(archive.namelist()) == {
        "narcotics-1/summary.txt",
        "narcotics-1/summary.pdf",
        "narcotics-1/attachments/01-photo-1.jpg",
        "narcotics-2/summary.txt",
        "narcotics-2/summary.pdf",
        "narcotics-3/summary.txt",
        "narcotics-3/summary.pdf",
    }
    first = archive.read("narcotics-1/summary.txt").decode()
    assert URDU in first
    assert "Labels: Operation Harbour" in first
    assert "Linked reports:\n#2: has duplicate" in first
    assert re.search(r"Shares:\n\[[\d-]+ [\d:]+\] to customs: (Queued|Delivered)", first)
    assert re.search(r"Outcomes:\n\[[\d-]+\] Arrests: 2\n", first)
    second = archive.read("narcotics-2/summary.txt").decode()
    assert CHINESE in second and "#1: duplicate of" in second and "Labels: none" in second
    assert SECRET in archive.read("narcotics-3/summary.txt").decode()
    assert exported() == 3


def test_the_pdf_shows_urdu_in_nastaliq_and_chinese_in_noto_sans_cjk(desks: TwoDesks) -> None:
    archive = unpacked(analyst_client(desks).post(EXPORT, {"report": ["1", "2"]}))
    urdu_pdf = archive.read("narcotics-1/summary.pdf")
    assert urdu_pdf.startswith(b"%PDF-")
    text, fonts = pdf_text_and_fonts(urdu_pdf)
    assert "Noto-Nastaliq-Urdu" in fonts and "Noto-Sans" in fonts
    # Nastaliq draws letters from shared shapes, so a PDF's text layer gives back some of
    # its words exactly and others approximately; these come back whole.
    assert "جیٹی" in text and "وین" in text
    assert "Operation Harbour" in text and "#2" in text and "customs" in text
    text, fonts = pdf_text_and_fonts(archive.read("narcotics-2/summary.pdf"))
    assert "Noto-Sans-CJK-SC" in fonts
    assert CHINESE in text.replace("\n", "")


def test_the_pdf_speaks_the_staff_members_language(desks: TwoDesks) -> None:
    client = analyst_client(desks)
    archive = unpacked(client.post(EXPORT, {"report": ["2"]}, HTTP_ACCEPT_LANGUAGE="ur"))
    text, fonts = pdf_text_and_fonts(archive.read("narcotics-2/summary.pdf"))
    assert "Noto-Sans-CJK-SC" in fonts and CHINESE in text.replace("\n", "")
    assert "Internal notes" not in text and "Outcomes" not in text  # headings in Urdu
    # summary.txt stays in English, whoever exports it.
    assert "Internal notes:" in archive.read("narcotics-2/summary.txt").decode()


@pytest.mark.parametrize(
    ("chosen", "status", "words"),
    [
        ([], 400, "Choose at least one report to export."),
        (["1", "x"], 400, "A chosen report is not a report number."),
        (["1", "0"], 400, "A chosen report is not a report number."),
        ([str(n) for n in range(1, MAX_EXPORTED + 2)], 400, f"At most {MAX_EXPORTED} reports"),
        # A number of no report here, or of another desk's report: alike, and all refused.
        (["1", "99"], 404, "These reports cannot be opened from this desk: #99."),
    ],
)
def test_a_refused_selection_exports_nothing(
    desks: TwoDesks, chosen: list[str], status: int, words: str
) -> None:
    report_in(desks.receiver, description=SECRET)  # customs #1: never reachable from here
    response = analyst_client(desks).post(EXPORT, {"report": chosen})
    assert response.status_code == status
    page = response.content.decode()
    assert words in page and "Nothing was exported" in page
    assert response["Content-Type"].startswith("text/html")
    assert SECRET not in page and URDU not in page
    assert exported() == 0


def test_the_refusal_is_in_the_staff_members_language(desks: TwoDesks) -> None:
    response = analyst_client(desks).post(
        EXPORT, {"report": [str(n) for n in range(1, 60)]}, HTTP_ACCEPT_LANGUAGE="ur"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "At most" not in page and "Nothing was exported" not in page


def test_another_desk_is_not_found(desks: TwoDesks) -> None:
    response = analyst_client(desks).post("/staff/desk/customs/export/", {"report": ["1"]})
    assert response.status_code == 404 and exported() == 0


def test_a_report_not_sealed_to_the_analyst_stops_the_export(desks: TwoDesks) -> None:
    late = create_staff(
        username="late",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[desks.sender.desk],
        acting_user=None,
    )
    client = Client()
    sign_in(client, late.user, late.device)
    mine, _ = report_in(desks.sender, description="Sealed to the late analyst too")
    response = client.post(EXPORT, {"report": ["1", str(mine.number)]})
    assert response.status_code == 403
    page = response.content.decode()
    assert "These reports were not sealed to your key" in page and "#1." in page
    assert URDU not in page and exported() == 0
    alone = client.post(EXPORT, {"report": [str(mine.number)]})
    assert alone.status_code == 200 and exported() == 1


def test_export_is_post_only(desks: TwoDesks) -> None:
    assert analyst_client(desks).get(EXPORT + "?report=1").status_code == 405


def test_the_pdf_maker_fetches_nothing() -> None:
    from tipline.casework.export_pdf import refusing_fetcher

    fetcher = refusing_fetcher()
    for url in (
        "http://example.org/x.css",
        "https://example.org/font.woff2",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)


def test_without_weasyprint_the_export_says_why_there_is_no_pdf(
    desks: TwoDesks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server without Pango (an optional system package) still exports, without the PDF."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import raises ImportError
    archive = unpacked(analyst_client(desks).post(EXPORT, {"report": ["3"]}))
    assert set(archive.namelist()) == {"narcotics-3/summary.txt"}
    summary = archive.read("narcotics-3/summary.txt").decode()
    assert SECRET in summary and "No summary.pdf: this server cannot make PDFs" in summary
