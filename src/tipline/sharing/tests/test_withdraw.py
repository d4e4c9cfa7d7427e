"""Withdrawing a share that has left: a Tipline receiver (here, the other desk) seals the
report away and its case says so; a TAXII partner gets a revoked version of the report and
of each note (read back from a real medallion server). Audited on both sides."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.reports.models import ReportKeySeal
from tipline.sharing import actions, outbox, stix
from tipline.sharing.models import Partner, ReceivedShare, ShareState
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.test_handling import assert_valid
from tipline.sharing.tests.test_taxii_partner import (
    Medallion,
    add_partner_from_the_shell,
    share_with,
)
from tipline.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


@pytest.fixture
def server(tmp_path: Path) -> Medallion:
    running = Medallion(tmp_path)
    yield running  # type: ignore[misc]
    running.stop()


def test_a_withdrawn_share_is_sealed_away_at_the_receiver_and_its_case_says_so(
    desks: TwoDesks,
) -> None:
    report, _code = report_in(desks.sender, description="Crates")
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(description="Crates at the [redacted] jetty"),
    )
    outbox.deliver_due()
    received = ReceivedShare.objects.get()
    assert ReportKeySeal.objects.filter(report=received.report).exists()
    with pytest.raises(ValidationError):  # only what reached the partner can be withdrawn
        actions.cancel_share(share, user=desks.sender.analyst)
    actions.withdraw_share(share, user=desks.sender.analyst)
    outbox.deliver_due()
    share.refresh_from_db()
    received.refresh_from_db()
    assert share.state == ShareState.WITHDRAWN and received.withdrawn_at is not None
    assert not ReportKeySeal.objects.filter(report=received.report).exists()
    client = Client()
    sign_in(client, desks.receiver.analyst, desks.receiver.device)
    case = client.get("/staff/desk/customs/report/1/")
    shown = case.content.decode()
    assert case.status_code == 403 and "withdrew this shared report" in shown
    assert "Crates at the" not in shown
    assert AuditEvent.objects.filter(action="share.withdrawn").count() == 1
    assert AuditEvent.objects.filter(action="share.withdrawn_by_sender").count() == 1
    with pytest.raises(ValidationError):  # once is enough
        actions.withdraw_share(share, user=desks.sender.analyst)


def test_a_taxii_partner_gets_revoked_versions(
    desks: TwoDesks, server: Medallion, tmp_path: Path
) -> None:
    partner = add_partner_from_the_shell(server, tmp_path)
    share = share_with(desks, partner, stix.Handling(tlp="green", code="H1"))
    outbox.deliver_due()
    actions.withdraw_share(share, user=desks.sender.analyst)
    outbox.deliver_due()
    versions = server.collection().get_object(f"report--{share.id}", version="all")["objects"]
    assert len(versions) == 2
    latest = max(versions, key=lambda o: o["modified"])
    assert latest["revoked"] is True and latest["modified"] > min(v["modified"] for v in versions)
    assert latest["object_marking_refs"] == [stix.TLP_IDS["green"]]
    objects = server.collection().get_objects()["objects"]
    assert all(o.get("revoked") for o in objects if o["type"] == "note")
    assert_valid({"type": "bundle", "id": "bundle--" + str(share.id), "objects": [latest]})


def test_a_misp_share_is_withdrawn_in_misp_itself(desks: TwoDesks, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("k" * 40)
    from django.core.management import call_command

    call_command(
        "addpartner", "--misp", "https://misp.example/", "--name", "CERT",
        "--secret-file", str(secret),
    )  # fmt: skip
    report, _code = report_in(desks.sender, description="Crates")
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=Partner.objects.get(),
        desk_slug="events",
        draft=actions.ShareDraft(description="Crates"),
    )
    share.state = ShareState.DELIVERED
    share.save(update_fields=["state"])
    with pytest.raises(ValidationError, match="in MISP itself"):
        actions.withdraw_share(share, user=desks.sender.analyst)
