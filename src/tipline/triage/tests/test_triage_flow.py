"""Triage through the real pages: the case view shows the detected language and related
earlier reports, linking is audited and shown on both cases, a staff member added later
gains nothing, and nothing triage keeps is readable at rest."""

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline import vault
from tipline.accounts.actions import create_staff
from tipline.accounts.models import StaffUser
from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.reports import conversation
from tipline.reports.attachments import read_attachment
from tipline.reports.models import Report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.reports.tests.test_nothing_readable_at_rest import (
    data_folder_bytes,
    database_bytes,
    forms_of,
)
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in
from tipline.triage import actions, embedding, selectors
from tipline.triage.background import ANALYSER
from tipline.triage.epochs import keys_of
from tipline.triage.models import DetectedLanguage, EpochSeal, Indexed, Link

pytestmark = pytest.mark.django_db
CASE = "/staff/desk/narcotics/report/{}/"


def test_language_is_detected_at_submission_beside_the_page_language(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    report, _ = report_in(desk_with_recipient, description="رات کو ایک سفید ٹرک سرحد پار گیا")
    assert report.language == "en"
    assert DetectedLanguage.objects.get(report=report).language == "ur"


def test_related_report_is_shown_and_linking_is_audited_on_both_cases(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    setup = desk_with_recipient
    report_in(setup, description="A white truck crossed the Torkham border at 2 am with heroin.")
    report_in(setup, description="Someone sells stolen motorbikes behind the cinema.")
    report_in(setup, description="رات دو بجے سفید ٹرک ہیروئن لے کر طورخم سرحد سے گزرا۔")
    # What the background analyser does (test_background_analysis.py); here only the pages.
    actions.analyse(list(Report.objects.all()), setup.analyst, setup.private_key)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    page = client.get(CASE.format(3)).content.decode()
    assert "Related earlier reports" in page
    related = page.split("Related earlier reports")[1]
    # A young desk ranks without a cut: the same event ranks first.
    assert related.index("#1") < related.index("#2")
    assert "not a match" in related
    assert AuditEvent.objects.filter(action="triage.analysed").exists()

    response = client.post(CASE.format(3) + "triage/link/", {"other": 1, "kind": "duplicate_of"})
    assert response.status_code == 302
    assert "duplicate of" in client.get(CASE.format(3)).content.decode()
    assert "has duplicate" in client.get(CASE.format(1)).content.decode()
    events = AuditEvent.objects.filter(action="triage.linked")
    assert events.count() == 2
    for event in events:  # each names only its own report, never the other
        assert set(event.detail) == {"kind"}
    # Linking again, to itself, or with bad input changes nothing.
    client.post(CASE.format(3) + "triage/link/", {"other": 1, "kind": "related"})
    client.post(CASE.format(3) + "triage/link/", {"other": 3, "kind": "related"})
    client.post(CASE.format(3) + "triage/link/", {"other": "x", "kind": "nope"})
    assert Link.objects.count() == 2
    assert client.get(CASE.format(3) + "triage/link/").status_code == 405


def _newcomer(setup: DeskWithRecipient) -> tuple[StaffUser, vault.StaffPrivateKey]:
    """A second analyst added to the desk now: later reports are sealed to both (a new
    epoch), earlier ones to the first analyst only."""
    newcomer = create_staff(
        username="newcomer",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[setup.desk],
        acting_user=None,
    ).user
    return newcomer, vault.unlock_with_password(newcomer.key_record, STRONG_PASSWORD)


def _opened(report: Report, user: StaffUser, key: vault.StaffPrivateKey) -> Any:
    return conversation.open_as_staff(report, user, key)


def test_the_panel_shows_linking_errors_and_never_the_conversation(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    """The case page names its conversation `messages`; the panel's own notices must not
    be read from that name (it printed each message's decrypted text)."""
    setup = desk_with_recipient
    _report, code = report_in(setup, description="Crates of rifles at the jetty every night")
    reporter = Client()
    reporter.post("/en/receipt/message/", {"receipt": code, "text": "PANELMARKER9 more"})
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    page = client.get(CASE.format(1)).content.decode()
    assert "ShownMessage" not in page
    assert page.count("PANELMARKER9") == 1  # in the conversation, once
    client.post(CASE.format(1) + "triage/link/", {"other": 1, "kind": "duplicate_of"})
    page = client.get(CASE.format(1)).content.decode()
    panel = page.split('id="triage-heading"')[1]
    assert "A report cannot be linked to itself." in panel


def test_a_staff_member_added_later_gains_no_similarity_over_earlier_reports(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    setup = desk_with_recipient
    text = "Boats bring diesel across the gulf every Tuesday and the coast guard looks away."
    first, _ = report_in(setup, description=text, photo=True)
    actions.analyse([first], setup.analyst, setup.private_key)
    newcomer, newcomer_key = _newcomer(setup)
    second, _ = report_in(setup, description=text + "!", photo=True)
    assert actions.analyse([second], newcomer, newcomer_key) == 1
    assert not EpochSeal.objects.filter(staff=newcomer, epoch__members=str(setup.analyst.pk))
    # Not the text, not the near-duplicate, not the same photo: nothing of before.
    assert (
        selectors.related_reports(_opened(second, newcomer, newcomer_key), newcomer, newcomer_key)
        == []
    )
    # The analyst, recipient of both, holds both epochs' keys and finds it by all three.
    found = selectors.related_reports(
        _opened(second, setup.analyst, setup.private_key), setup.analyst, setup.private_key
    )
    assert found and found[0].report_id == first.id
    assert set(found[0].reasons) == {"attachment", "near_duplicate", "text"}


def test_the_same_attachment_is_found_across_epochs(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    """Keyed hashes differ between epochs; the analyst's case page hashes the report's file
    under the earlier epoch's key too, and finds the earlier report with the same photo."""
    setup = desk_with_recipient
    first, _ = report_in(
        setup, description="Crates of rifles at warehouse 12 of the port.", photo=True
    )
    unrelated, _ = report_in(setup, description="Stolen motorbikes are sold behind the cinema.")
    actions.analyse([first, unrelated], setup.analyst, setup.private_key)
    newcomer, newcomer_key = _newcomer(setup)
    second, _ = report_in(setup, description="My cousin took this picture last night.", photo=True)
    actions.analyse([second], setup.analyst, setup.private_key)
    epochs = {i.shard.epoch_id for i in Indexed.objects.select_related("shard")}
    assert len(epochs) == 2

    found = selectors.related_reports(
        _opened(second, setup.analyst, setup.private_key), setup.analyst, setup.private_key
    )
    assert found is not None
    assert found[0].report_id == first.id and found[0].reasons[0] == "attachment"
    assert all("attachment" not in m.reasons for m in found[1:])
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    page = client.get(CASE.format(second.number)).content.decode()
    row = page.split("Related earlier reports")[1].split("</tr>")[1]
    assert f"#{first.number}" in row and "same attachment" in row
    # The newcomer, recipient of the later report only, finds nothing before they came.
    assert (
        selectors.related_reports(_opened(second, newcomer, newcomer_key), newcomer, newcomer_key)
        == []
    )


def test_the_desks_own_files_in_replies_are_no_reason(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    """The same file sent to two reporters says nothing about their reports."""
    setup = desk_with_recipient
    first, _ = report_in(setup, description="Crates of rifles at warehouse 12 of the port.")
    second, _ = report_in(setup, description="Stolen motorbikes are sold behind the cinema.")
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    for report in (first, second):
        response = client.post(
            f"/staff/desk/narcotics/report/{report.number}/reply/",
            {
                "text": "Is this the place?",
                "attachments": [SimpleUploadedFile("map.jpg", jpeg_with_gps())],
            },
        )
        assert response.status_code == 302
    actions.analyse([first, second], setup.analyst, setup.private_key)
    found = selectors.related_reports(
        _opened(second, setup.analyst, setup.private_key), setup.analyst, setup.private_key
    )
    assert found and found[0].report_id == first.id
    assert found[0].reasons == ["text"]


def test_identical_attachment_and_near_duplicate_text_are_reasons(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    setup = desk_with_recipient
    text = "Crates of rifles are unloaded at warehouse 12 of the port at night."
    first, _ = report_in(setup, description=text, photo=True)
    second, _ = report_in(setup, description=text + " Again.", photo=True)
    actions.analyse([first, second], setup.analyst, setup.private_key)
    best = selectors.related_reports(
        _opened(second, setup.analyst, setup.private_key), setup.analyst, setup.private_key
    )
    assert best is not None
    assert best[0].report_id == first.id
    assert set(best[0].reasons) == {"attachment", "near_duplicate", "text"}


@pytest.mark.django_db(transaction=True)
def test_nothing_triage_keeps_is_readable_at_rest(files_dir: Path) -> None:
    """Analysed the way production does it (the inbox hands the session's key to the
    background analyser), linked, then the database and every file are searched for the
    text, the vectors, plain hashes of the file and the keys that were in memory."""
    setup = DeskWithRecipient()
    text = "MARKER7Q3Z a white truck crossed the border with heroin"
    first, _ = report_in(setup, description=text, photo=True)
    second, _ = report_in(setup, description=text, photo=True)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    assert client.get("/staff/desk/narcotics/").status_code == 200
    assert ANALYSER.wait_until_idle()
    assert ANALYSER.holding() == 0
    assert Indexed.objects.count() == 2
    opened = [
        conversation.open_as_staff(r, setup.analyst, setup.private_key) for r in (first, second)
    ]
    actions.link(opened[1], opened[0], setup.analyst, actions.LinkKind.DUPLICATE_OF)

    at_rest = database_bytes()
    assert b"Narcotics desk" in at_rest
    files = b"".join(content for _, content in data_folder_bytes())
    vector = embedding.embed([text])[0]
    quantised = np.round(vector / np.max(np.abs(vector)) * 127).astype(np.int8).tobytes()
    photo = read_attachment(opened[0].report_key, first.id, first.attachments.get().id)
    triage_keys = keys_of(setup.analyst, setup.private_key, setup.desk.pk).values()
    secrets = [
        *forms_of("MARKER7Q3Z"),
        vector.tobytes()[:64],  # the embedding, as float32 or int8
        quantised[:32],
        hashlib.sha256(photo).digest(),  # plain hashes of the cleaned file
        hashlib.blake2b(photo, digest_size=16).digest(),
        hashlib.sha256(photo).hexdigest().encode(),
        bytes(setup.private_key._key),  # the key the session handed over
        *(key._key for key in triage_keys),  # and the triage keys opened with it
    ]
    for secret in secrets:
        assert secret not in at_rest
        assert secret not in files
    for link in Link.objects.all():
        assert first.id.bytes not in bytes(link.body) and first.id.hex.encode() not in bytes(
            link.body
        )


def test_the_inbox_shows_and_filters_by_the_language_of_the_text(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    setup = desk_with_recipient
    report_in(setup, description="Crates of rifles at the jetty every night")
    report_in(setup, description="ہر رات جیٹی پر رائفلوں کے کریٹ اتارے جاتے ہیں")
    # Urdu typed in Latin letters, English words mixed in: the common case.
    report_in(setup, description="bhai ye smuggling ka maal hai, har raat jetty par aata hai")
    report_in(setup, description="help!")
    report_in(
        setup,
        description="Jeden Abend kommen Lastwagen mit Zigaretten über die Grenze, niemand prüft.",
    )
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    everything = client.get("/staff/desk/narcotics/").content.decode()
    assert 'text: <span dir="auto">Urdu</span>' in everything
    assert "Urdu (Latin letters)" in everything
    assert "other: German" in everything
    assert "unsure (Latin letters)" in everything

    def listed(choice: str) -> set[int]:
        page = client.get(f"/staff/desk/narcotics/?text_language={choice}").content.decode()
        return {n for n in range(1, 6) if f'href="/staff/desk/narcotics/report/{n}/"' in page}

    assert listed("ur") == {2, 3}  # Urdu takes Urdu in Latin letters too
    assert listed("ur-Latn") == {3}
    assert listed("en") == {1}
    assert listed("other") == {5}
    assert listed("unsure") == {4}
    assert client.get("/staff/desk/narcotics/?text_language=xx").status_code == 400
    case = client.get(CASE.format(3)).content.decode()
    assert "Language of the text: <strong>Urdu (Latin letters)</strong>" in case
