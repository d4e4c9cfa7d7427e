"""A machine where mat2 cannot be installed: Tipline still works, the administrator's system
page says what is missing, and office files follow the desk's rule for uncleanable files.

What is missing is missing for real: ffmpeg is taken off PATH (what request paths look at),
or the System page's check runs with a folder first on PYTHONPATH holding a `libmat2` that
cannot be imported."""

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.reports import cleaning, conversation, isolation
from tipline.reports.models import Report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import send_report

pytestmark = pytest.mark.django_db


def _office_document() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


@pytest.fixture
def without_mat2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """ffmpeg gone from PATH, and libmat2 unimportable for the System page's check."""
    shadow = tmp_path / "shadow" / "libmat2"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('libmat2 is not installed')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent))
    bin_without_ffmpeg = tmp_path / "bin"
    bin_without_ffmpeg.mkdir()
    monkeypatch.setenv("PATH", str(bin_without_ffmpeg))
    isolation.mat2_status.cache_clear()
    yield
    isolation.mat2_status.cache_clear()


@pytest.fixture
def with_mat2_status_fresh() -> Iterator[None]:
    isolation.mat2_status.cache_clear()
    yield
    isolation.mat2_status.cache_clear()


def test_office_files_cannot_be_cleaned_and_a_refusing_desk_says_so(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: Path, without_mat2: None
) -> None:
    assert not isolation.mat2_usable()
    assert not cleaning.is_cleanable("application/zip")
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    form = client.get(f"/en/report/narcotics/{category.slug}/").content.decode()
    assert "office documents (Word" not in form  # the form promises only what is cleaned here
    response = send_report(client, category, files=[("letter.docx", _office_document())])
    assert response.status_code == 400
    assert "cannot be cleaned of hidden data" in response.content.decode()
    assert not Report.objects.exists()


def test_a_warning_desk_keeps_an_office_file_as_it_is(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: Path, without_mat2: None
) -> None:
    desk_with_recipient.desk.uncleanable_files = "warn"
    desk_with_recipient.desk.save()
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    response = send_report(client, category, files=[("letter.docx", _office_document())])
    assert response.status_code == 200
    opened = conversation.open_as_staff(
        Report.objects.get(), desk_with_recipient.analyst, desk_with_recipient.private_key
    )
    assert conversation.read_conversation(opened)[0].attachments[0].metadata == "kept"


def _administrator(desk: DeskWithRecipient) -> object:
    return create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )


def test_the_system_page_says_mat2_is_missing(
    client: Client, desk_with_recipient: DeskWithRecipient, without_mat2: None
) -> None:
    admin = _administrator(desk_with_recipient)
    sign_in(client, admin.user, admin.device)
    page = client.get("/staff/system/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not available:" in text and "libmat2 is not installed" in text


def test_the_system_page_says_mat2_works_and_only_administrators_see_it(
    client: Client, desk_with_recipient: DeskWithRecipient, with_mat2_status_fresh: None
) -> None:
    if not isolation.mat2_status().available:
        pytest.skip("mat2 is not installed here (make test installs it)")
    admin = _administrator(desk_with_recipient)
    sign_in(client, admin.user, admin.device)
    text = client.get("/staff/system/").content.decode()
    assert "Available:" in text and "mat2 0." in text
    assert client.post("/staff/system/").status_code == 405
    analyst = Client()
    sign_in(analyst, desk_with_recipient.analyst, desk_with_recipient.device, step_offset=1)
    assert analyst.get("/staff/system/").status_code == 403
