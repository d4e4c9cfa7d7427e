"""A reporter's file names stay with the reporter: files reach the desk as `photo-1.jpg`,
`document-2.pdf` unless the reporter ticks the box to keep their names, and the form says
why in the reporter's language. Staff replies keep their names (test_reply_files)."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.reports import conversation
from tipline.reports.attachments import decrypt_details, neutral_name
from tipline.reports.models import Attachment, Report
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import receipt_from, send_report
from .samples import jpeg_with_gps, pdf_with_author

pytestmark = pytest.mark.django_db

TELLING = "IMG_20261205_Ahmed_Khan_03001234567.jpg"
WHY = {
    "en": "a file's name can give you away",
    "ur": "فائل کا نام آپ کی شناخت ظاہر کر سکتا ہے",
    "zh-hans": "文件名可能暴露您的身份",
    "ps": "د فایل نوم ستاسو پېژندنه ښکاره کولی شي",
    "fa": "نام فایل می‌تواند شما را لو بدهد",
}


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    return desk_with_recipient


def names_of(setup: DeskWithRecipient, report: Report) -> list[str]:
    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    return [
        decrypt_details(opened.report_key, report.id, a.id, bytes(a.details))["name"]
        for a in Attachment.objects.filter(report=report).order_by("uploaded_at", "id")
    ]


def test_a_reporters_file_names_are_replaced_by_kind_and_order(
    client: Client, setup: DeskWithRecipient
) -> None:
    drugs = setup.desk.categories.get(slug="drug-trafficking")
    response = send_report(
        client, drugs, files=[(TELLING, jpeg_with_gps()), ("Khan-statement.pdf", pdf_with_author())]
    )
    receipt_from(response)
    report = Report.objects.get()
    assert sorted(names_of(setup, report)) == ["document-2.pdf", "photo-1.jpg"]
    page = Client()
    opened_page = page.post("/en/receipt/", {"receipt": receipt_from(response)})
    assert "Ahmed" not in opened_page.content.decode()

    later = Client().post(
        "/en/receipt/message/",
        {
            "receipt": receipt_from(response),
            "text": "",
            "attachments": SimpleUploadedFile("Ahmed_later.jpg", jpeg_with_gps()),
        },
    )
    assert later.status_code == 200
    assert sorted(names_of(setup, report)) == ["document-2.pdf", "photo-1.jpg", "photo-3.jpg"]


def test_a_reporter_who_ticks_the_box_keeps_the_names(
    client: Client, setup: DeskWithRecipient
) -> None:
    drugs = setup.desk.categories.get(slug="drug-trafficking")
    code = receipt_from(
        send_report(client, drugs, files=[(TELLING, jpeg_with_gps())], keep_file_names="on")
    )
    report = Report.objects.get()
    assert names_of(setup, report) == [TELLING]
    Client().post(
        "/en/receipt/message/",
        {
            "receipt": code,
            "text": "",
            "keep_file_names": "on",
            "attachments": SimpleUploadedFile("harbour.pdf", pdf_with_author()),
        },
    )
    assert sorted(names_of(setup, report)) == [TELLING, "harbour.pdf"]


@pytest.mark.parametrize("language", sorted(WHY))
def test_the_form_says_why_in_the_reporters_language(
    client: Client, setup: DeskWithRecipient, language: str
) -> None:
    drugs = setup.desk.categories.get(slug="drug-trafficking")
    page = unescape(
        client.get(f"/{language}/report/{setup.desk.slug}/{drugs.slug}/").content.decode()
    )
    assert 'name="keep_file_names"' in page
    assert 'aria-describedby="id_keep_file_names_helptext"' in page
    assert WHY[language] in page
    code = receipt_from(send_report(client, drugs, language=language))
    come_back = unescape(Client().post(f"/{language}/receipt/", {"receipt": code}).content.decode())
    assert 'name="keep_file_names"' in come_back and WHY[language] in come_back


@pytest.mark.parametrize(
    ("media_type", "given", "expected"),
    [
        ("image/png", "Ahmed.gif", "photo-4.png"),  # the type its bytes showed, not the name's
        ("application/pdf", "x", "document-4.pdf"),
        ("audio/mpeg", "voice note 0300.m4a", "audio-4.mp3"),
        ("video/mp4", "VID_Ahmed.mov", "video-4.mp4"),
        ("application/octet-stream", "notes of Ahmed.txt", "file-4.txt"),
        ("application/octet-stream", "Ahmed.0300 1234567", "file-4"),
        ("application/octet-stream", "C:\\Users\\Ahmed\\a.RTF", "file-4.rtf"),
        ("application/octet-stream", "‮gpj.exe", "file-4.exe"),
    ],
)
def test_a_neutral_name_has_only_kind_order_and_a_plain_extension(
    media_type: str, given: str, expected: str
) -> None:
    assert neutral_name(4, media_type, given) == expected
