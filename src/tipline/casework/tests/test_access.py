"""Who may see what: members see their desks; content opens only for recipients sealed to
at arrival; administrators read nothing unless they are recipients."""

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member, create_desk
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db

SECRET_TEXT = "The crates hold rifles"


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    report_in(desk_with_recipient, description=SECRET_TEXT)
    return desk_with_recipient


def staff(
    username: str, role: str, *desks: object, recipient: bool = True
) -> tuple[Client, object]:
    new = create_staff(username=username, password=STRONG_PASSWORD, role=role, acting_user=None)
    for desk in desks:
        add_member(desk, new.user, receives_reports=recipient, acting_user=None)  # type: ignore[arg-type]
    client = Client()
    sign_in(client, new.user, new.device)
    return client, new.user


def test_a_recipient_reads_the_report(setup: DeskWithRecipient) -> None:
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    assert SECRET_TEXT in client.get("/staff/desk/narcotics/report/1/").content.decode()


def test_an_administrator_who_is_not_a_member_gets_not_found(setup: DeskWithRecipient) -> None:
    client, _ = staff("root", "administrator")
    for path in [
        "/staff/desk/narcotics/",
        "/staff/desk/narcotics/report/1/",
        "/staff/desk/narcotics/report/1/export/",
    ]:
        response = client.get(path)
        assert response.status_code == 404
        assert SECRET_TEXT not in response.content.decode()


def test_an_administrator_on_the_desk_but_not_a_recipient_gets_no_content(
    setup: DeskWithRecipient,
) -> None:
    client, _ = staff("root", "administrator", setup.desk, recipient=False)
    assert client.get("/staff/desk/narcotics/").status_code == 200  # routing data only
    response = client.get("/staff/desk/narcotics/report/1/")
    assert response.status_code == 403
    assert SECRET_TEXT not in response.content.decode()
    assert "not sealed to you" in response.content.decode()
    assert client.get("/staff/desk/narcotics/report/1/export/").status_code == 403


def test_someone_added_after_the_report_arrived_cannot_open_it(setup: DeskWithRecipient) -> None:
    client, _ = staff("late", "analyst", setup.desk)
    response = client.get("/staff/desk/narcotics/report/1/")
    assert response.status_code == 403 and SECRET_TEXT not in response.content.decode()
    report, _ = report_in(setup, description="After joining")
    assert (
        "After joining"
        in client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    )


def test_a_member_of_another_desk_gets_not_found(setup: DeskWithRecipient) -> None:
    other = create_desk(slug="customs", name="Customs", acting_user=None)
    client, _ = staff("carla", "analyst", other)
    assert client.get("/staff/desk/narcotics/report/1/").status_code == 404
    assert client.get("/staff/desk/narcotics/report/999/").status_code == 404


def test_supervisors_see_the_audit_log_and_analysts_do_not(setup: DeskWithRecipient) -> None:
    supervisor, _ = staff("sue", "supervisor", setup.desk)
    response = supervisor.get("/staff/audit/?kind=report.received")
    assert response.status_code == 200 and "A reporter sent report" in response.content.decode()
    assert supervisor.get("/staff/workload/").status_code == 200
    analyst = Client()
    sign_in(analyst, setup.analyst, setup.device)
    assert analyst.get("/staff/audit/").status_code == 403
    assert analyst.get("/staff/workload/").status_code == 403


def test_staff_pages_need_both_factors(setup: DeskWithRecipient) -> None:
    client = Client()
    client.post("/staff/signin/", {"username": setup.analyst.username, "password": STRONG_PASSWORD})
    for path in [
        "/staff/",
        "/staff/desk/narcotics/",
        "/staff/desk/narcotics/report/1/",
        "/staff/audit/",
    ]:
        assert client.get(path)["Location"].startswith("/staff/signin/")


def test_without_the_key_cookie_content_is_not_shown(setup: DeskWithRecipient) -> None:
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    del client.cookies["tipline_key"]
    response = client.get("/staff/desk/narcotics/report/1/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/signin/")


NARCOTICS_CELL, ARMS_CELL = 'data-desk="narcotics"', 'data-desk="arms"'


def test_a_supervisor_sees_only_the_audit_events_of_their_desks(setup: DeskWithRecipient) -> None:
    from tipline.audit.models import AuditEvent

    other = DeskWithRecipient(slug="arms")
    report_in(other, description="Rifles at the border")
    supervisor, _ = staff("sue", "supervisor", setup.desk)
    page = supervisor.get("/staff/audit/?kind=report.received").content.decode()
    assert NARCOTICS_CELL in page and ARMS_CELL not in page
    # A member of the other desk, or the other desk, is not even a choice.
    response = supervisor.get(f"/staff/audit/?person={other.analyst.username}")
    assert response.status_code == 400 and ARMS_CELL not in response.content.decode()
    assert supervisor.get("/staff/audit/?desk=arms").status_code == 400
    administrator, admin_user = staff("ada", "administrator")
    page = administrator.get("/staff/audit/?kind=report.received").content.decode()
    assert NARCOTICS_CELL in page and ARMS_CELL in page
    reads = AuditEvent.objects.filter(action="audit.viewed")
    assert reads.filter(actor=admin_user, detail__scope="administrator").count() == 1
    assert reads.filter(detail__scope="supervisor").count() == 3
