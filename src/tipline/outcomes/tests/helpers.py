"""People and reports for the outcomes tests, made through the real actions and pages."""

from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in


def staff_on(
    setup: DeskWithRecipient, username: str, role: str, *, step_offset: int = 0
) -> tuple[Client, object]:
    """A signed-in staff member of the desk (a recipient of new reports)."""
    new = create_staff(username=username, password=STRONG_PASSWORD, role=role, acting_user=None)
    add_member(setup.desk, new.user, receives_reports=True, acting_user=None)
    client = Client()
    sign_in(client, new.user, new.device, step_offset=step_offset)
    return client, new.user


def analyst_client(setup: DeskWithRecipient) -> Client:
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    return client
