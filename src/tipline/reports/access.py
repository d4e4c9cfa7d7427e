"""Checked lookups: every staff view gets its desk and report through these.

"Not found" and "not allowed" give the same `Http404`, so nobody learns which reports or
desks exist by probing. Views never call `Report.objects.get` themselves.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from tipline import vault
from tipline.accounts import session_keys
from tipline.accounts.models import StaffUser
from tipline.accounts.session_keys import KeyUnavailable
from tipline.desks.models import Desk
from tipline.reports.conversation import OpenedReport, open_as_staff
from tipline.reports.models import Report


def desks_of(user: StaffUser) -> list[Desk]:
    return list(Desk.objects.filter(memberships__staff=user).order_by("name"))


def access_desk(user: StaffUser, desk_slug: str) -> Desk:
    desk = Desk.objects.filter(slug=desk_slug, memberships__staff=user).first()
    if desk is None or not user.is_active:
        raise Http404("no such desk")
    return desk


def access_report(user: StaffUser, desk_slug: str, number: int) -> Report:
    desk = access_desk(user, desk_slug)
    report = (
        Report.objects.select_related("desk", "category", "assigned_to")
        .filter(desk=desk, number=number)
        .first()
    )
    if report is None:
        raise Http404("no such report")
    return report


class ReportsNotFound(Http404):
    """Some of the asked-for numbers are no report this user can open (missing or
    forbidden alike): `numbers` are those, as the user gave them."""

    def __init__(self, numbers: list[int]) -> None:
        super().__init__("no such report")
        self.numbers = numbers


def access_reports(user: StaffUser, desk_slug: str, numbers: list[int]) -> list[Report]:
    """Several reports of one desk in the order of `numbers`, in one query; all or none:
    `ReportsNotFound` names the numbers that are not (`Http404` for the desk)."""
    desk = access_desk(user, desk_slug)
    found = {
        report.number: report
        for report in Report.objects.select_related("desk", "category", "assigned_to").filter(
            desk=desk, number__in=numbers
        )
    }
    missing = [number for number in numbers if number not in found]
    if missing:
        raise ReportsNotFound(missing)
    return [found[number] for number in numbers]


def private_key_of(request: HttpRequest, user: StaffUser) -> vault.StaffPrivateKey:
    """The session's private key; `KeyUnavailable` (sign in again) when it cannot be opened."""
    key = session_keys.private_key(request, user)
    if key is None:
        raise KeyUnavailable
    return key


def access_readable_report(
    request: HttpRequest, user: StaffUser, desk_slug: str, number: int
) -> OpenedReport:
    """The report opened with the session's key: for every write about a report's content
    or results (outcomes, rewards), as for the casework actions. A desk member to whom the
    report was not sealed gets `PermissionDenied`: whoever cannot read a report does not
    record what came of it."""
    report = access_report(user, desk_slug, number)
    try:
        return open_as_staff(report, user, private_key_of(request, user))
    except vault.DecryptionError:
        raise PermissionDenied from None
