"""How finely Tipline keeps the time of what a reporter does (docs/design.md, "Time").

Whoever gets the database, a backup or a staff account must not be able to line up a
reporter's moments with network records (a Tor guard's, an ISP's, a building's Wi-Fi). So a
report's arrival is kept to the hour (the deadlines need the day; the order of reports is
their number), and every later moment a reporter was on a page (a follow-up, reading the
replies, a download, a reward becoming claimable) to the day. Staff moments are kept
exactly: they are the audit trail of people who answer for their work.
"""

import datetime as dt

from django.utils import timezone


def arrival_hour(moment: dt.datetime | None = None) -> dt.datetime:
    """The readable arrival time of a report: the hour (UTC) it arrived in."""
    return (moment or timezone.now()).astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def reporter_day(moment: dt.datetime | None = None) -> dt.datetime:
    """The readable time of anything else a reporter does: the day (UTC), at midnight."""
    return (
        (moment or timezone.now())
        .astimezone(dt.UTC)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
