"""Fuzzing the reporter's side and the staff sign-in (DESIGN.md guarantee 6).

For thousands of generated inputs: never a 500, never a hang, never a partial write. A
report or message exists afterwards exactly when the answer says it was received.
Fixed seed and bounded count here (TIPLINE_FUZZ_EXAMPLES, default 300 per test, three
times that for the cheap ones: about 2,900 inputs); `make fuzz` runs 5,000 per test.
"""

import os
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipline.reports.models import Attachment, Message, Report
from tipline.reports.tests.helpers import open_form, receipt_from, send_report
from tipline.reports.throttle import WRONG_RECEIPTS
from tipline.testing.fixtures import DeskWithRecipient
from tipline.testing.reporter_client import multipart

EXAMPLES = int(os.environ.get("TIPLINE_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The cheap properties get three times as many examples.
FUZZ_MORE = settings(FUZZ, max_examples=EXAMPLES * 3)
# Text a browser can send: any character but lone surrogates (not encodable in UTF-8).
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
NEVER = {500, 502, 504}

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: Path) -> DeskWithRecipient:
    desk = desk_with_recipient.desk
    desk.max_attachments, desk.max_attachment_megabytes = 2, 1
    desk.save()
    return desk_with_recipient


def post_raw(path: str, fields: dict, files: list[tuple[str, bytes]]) -> object:
    """POST a multipart body built by hand, so that hostile file names (slashes, quotes,
    line breaks, control characters) reach the server as a browser could send them."""
    flat = {k: v if isinstance(v, str) else (v[0] if v else "") for k, v in fields.items()}
    body = multipart(flat, {}, "fuzzboundary")
    if files:
        parts = [
            multipart({}, {"attachments": (name, content)}, "fuzzboundary")
            for name, content in files
        ]
        ending = b"--fuzzboundary--\r\n"
        body = body[: -len(ending)] + b"".join(p[: -len(ending)] for p in parts) + ending
    return Client().generic(
        "POST", path, body, content_type="multipart/form-data; boundary=fuzzboundary"
    )


def staging_is_empty(files_dir: Path) -> bool:
    incoming = files_dir / "incoming"
    return not incoming.exists() or not any(incoming.iterdir())


files_strategy = st.lists(
    st.tuples(
        ANY_TEXT,
        st.one_of(
            st.binary(max_size=2000),
            st.just(b"\xff\xd8\xff\xe0" + b"\x00" * 50),
            st.just(b"%PDF-1.4 broken"),
            st.just(b"\x89PNG\r\n\x1a\n" + b"\x01" * 20),
        ),
    ),
    max_size=3,
)


@FUZZ
@given(
    answers=st.dictionaries(
        st.sampled_from(
            [
                "description",
                "q_how_known",
                "q_where",
                "q_when",
                "q_substances",
                "q_quantity",
                "q_who",
                "q_vehicles",
                "receipt",
                "unexpected",
            ]
        ),
        st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)),
    ),
    files=files_strategy,
)
def test_report_form_never_fails_and_never_half_writes(
    setup: DeskWithRecipient, files_dir: Path, answers: dict, files: list
) -> None:
    category = setup.desk.categories.get(slug="drug-trafficking")
    data = open_form(Client(), category)
    data.update(answers)
    before = Report.objects.count()
    response = post_raw(f"/en/report/{setup.desk.slug}/drug-trafficking/", data, files)
    assert response.status_code not in NEVER
    received = response.status_code == 200 and b'id="receipt-code"' in response.content
    assert Report.objects.count() == before + (
        1 if received and b"already arrived" not in response.content else 0
    )
    assert staging_is_empty(files_dir)
    for report in Report.objects.all():
        assert report.seals.count() == 1


@FUZZ_MORE
@given(typed=ANY_TEXT)
def test_receipt_page_never_fails(setup: DeskWithRecipient, typed: str) -> None:
    WRONG_RECEIPTS.reset()
    response = Client().post("/en/receipt/", {"receipt": typed})
    assert response.status_code in (400, 404, 429)


@FUZZ
@given(typed=ANY_TEXT, text=ANY_TEXT, files=files_strategy, use_real=st.booleans())
def test_messages_never_fail_and_never_half_write(
    setup: DeskWithRecipient, files_dir: Path, typed: str, text: str, files: list, use_real: bool
) -> None:
    WRONG_RECEIPTS.reset()
    if not Report.objects.exists():
        send_report(Client(), setup.desk.categories.get(slug="corruption"))
    real = getattr(setup, "fuzz_receipt", None)
    if real is None:
        real = receipt_from(send_report(Client(), setup.desk.categories.get(slug="corruption")))
        setup.fuzz_receipt = real  # type: ignore[attr-defined]
    data = {"receipt": real if use_real else typed, "text": text}
    messages, attachments = Message.objects.count(), Attachment.objects.count()
    response = post_raw("/en/receipt/message/", data, files)
    assert response.status_code not in NEVER
    sent = response.status_code == 200 and b"Your message was sent" in response.content
    assert Message.objects.count() == messages + (1 if sent else 0)
    if not sent:
        assert Attachment.objects.count() == attachments
    assert staging_is_empty(files_dir)


@FUZZ_MORE
@given(body=st.binary(max_size=3000), boundary=st.sampled_from(["x", "----b", "", "\u00e9"]))
def test_malformed_multipart_never_fails(
    setup: DeskWithRecipient, files_dir: Path, body: bytes, boundary: str
) -> None:
    before = Report.objects.count()
    response = Client().generic(
        "POST",
        f"/en/report/{setup.desk.slug}/smuggling/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code not in NEVER
    assert Report.objects.count() == before
    assert staging_is_empty(files_dir)


@FUZZ
@given(username=ANY_TEXT, password=ANY_TEXT)
def test_staff_sign_in_never_fails(setup: DeskWithRecipient, username: str, password: str) -> None:
    from tipline.accounts import signin

    signin.FROM_SOURCE.reset()
    response = Client().post("/staff/signin/", {"username": username, "password": password})
    assert response.status_code in (302, 400, 429)
