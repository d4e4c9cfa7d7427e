"""The audit log in sentences: each kind of event that Tipline records, said in the reader's
language ("amina opened report 14 of Border desk."), with report numbers and desk names
instead of ids. A kind with no sentence here is shown as its kind, never guessed at; the
test `test_every_recorded_kind_has_a_sentence` reads every `record(...)` in the code.

Only what an event holds is said: names of staff, desks, partners and labels (written by
staff), counts, states. Nothing a reporter wrote is in an event, so none can be shown."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipline.accounts.models import Role
from tipline.reports.models import CloseReason, Status

from .rows import language_name

# Placeholders: %(actor)s who did it, %(report)s "report 14 of Border desk", %(desk)s the
# desk's name; the others are the event's own details (see each `record` call).
SENTENCES: dict[str, Any] = {
    # Reports, as staff work on them
    "report.viewed": gettext_lazy("%(actor)s opened %(report)s."),
    "report.attachment_previewed": gettext_lazy("%(actor)s looked at a file of %(report)s."),
    "report.attachment_downloaded": gettext_lazy("%(actor)s downloaded a file of %(report)s."),
    "report.exported": gettext_lazy("%(actor)s exported %(report)s."),
    "report.note_added": gettext_lazy("%(actor)s added a note to %(report)s."),
    "report.status_changed": gettext_lazy(
        "%(actor)s changed the status of %(report)s from %(previous)s to %(status)s."
    ),
    "report.assigned": gettext_lazy("%(actor)s assigned %(report)s to %(assignee)s."),
    "report.labels_changed": gettext_lazy("%(actor)s set the labels of %(report)s to: %(labels)s."),
    "report.title_changed": gettext_lazy("%(actor)s changed the title of %(report)s."),
    "report.replied": gettext_lazy("%(actor)s replied to the reporter of %(report)s."),
    "report.expired": gettext_lazy("%(report)s was deleted at the end of its retention period."),
    # Reports, as reporters and partners bring them (times kept to the day)
    "report.received": gettext_lazy("A reporter sent %(report)s."),
    "share.received": gettext_lazy("%(report)s arrived, shared by %(partner)s."),
    "report.reporter_message": gettext_lazy("The reporter wrote again on %(report)s."),
    "report.opened_by_reporter": gettext_lazy("The reporter opened %(report)s with their receipt."),
    "report.file_downloaded_by_reporter": gettext_lazy(
        "The reporter downloaded a file from %(report)s."
    ),
    # The audit log itself
    "audit.viewed": gettext_lazy("%(actor)s read the audit log."),
    "audit.exported": gettext_lazy("%(actor)s exported the audit log as CSV."),
    # Signing in and out
    "signin.succeeded": gettext_lazy("%(staff)s signed in."),
    "signout": gettext_lazy("%(staff)s signed out."),
    "signin.password_failed": gettext_lazy("A sign-in as %(staff)s failed: wrong password."),
    "signin.key_did_not_open": gettext_lazy(
        "A sign-in as %(staff)s failed: the password did not open their key."
    ),
    "signin.code_failed": gettext_lazy("A sign-in as %(staff)s failed: wrong code."),
    "signin.security_key_failed": gettext_lazy(
        "A sign-in as %(staff)s failed: the security key was not accepted."
    ),
    "signin.security_key_cloned": gettext_lazy(
        "A sign-in as %(staff)s failed: the security key looks copied."
    ),
    "signin.name_under_attack": gettext_lazy(
        "Many failed sign-ins as %(staff)s: someone may be guessing."
    ),
    "staff.recovery_failed": gettext_lazy("A recovery of the account %(staff)s failed."),
    # Staff accounts
    "staff.created": gettext_lazy("%(actor)s created the account %(staff)s (%(role)s)."),
    "staff.invited": gettext_lazy("%(actor)s invited %(staff)s (%(role)s)."),
    "staff.invitation_accepted": gettext_lazy("%(staff)s accepted their invitation."),
    "staff.invitation_revoked": gettext_lazy("%(actor)s withdrew the invitation of %(staff)s."),
    "staff.reset_issued": gettext_lazy("%(actor)s gave %(staff)s a new start (a reset)."),
    "staff.reset_completed": gettext_lazy("%(staff)s completed their reset."),
    "staff.revoked": gettext_lazy("%(actor)s removed the access of %(staff)s."),
    "staff.language_changed": gettext_lazy(
        "%(actor)s set the language of %(staff)s to %(language)s."
    ),
    "staff.password_changed": gettext_lazy("%(staff)s changed their password."),
    "staff.recovered": gettext_lazy("%(staff)s recovered their account with the recovery code."),
    "staff.second_factor_enrolled": gettext_lazy("%(staff)s set up their second factor."),
    "staff.security_key_added": gettext_lazy("%(staff)s added the security key %(key)s."),
    "staff.security_key_removed": gettext_lazy("%(staff)s removed the security key %(key)s."),
    # Desks and the installation
    "desk.created": gettext_lazy("%(actor)s created the desk %(desk)s."),
    "desk.member_added": gettext_lazy("%(actor)s added %(staff)s to %(desk)s."),
    "desk.categories_installed": gettext_lazy("%(actor)s added %(added)s categories to %(desk)s."),
    "admin.created": gettext_lazy("%(actor)s added %(model)s “%(object)s” in the administration."),
    "admin.changed": gettext_lazy(
        "%(actor)s changed %(model)s “%(object)s” in the administration."
    ),
    "admin.deleted": gettext_lazy(
        "%(actor)s deleted %(model)s “%(object)s” in the administration."
    ),
    "backup.restored": gettext_lazy("%(actor)s restored a backup of %(reports)s reports."),
    "search.indexed": gettext_lazy("%(actor)s indexed %(reports)s reports of %(desk)s for search."),
    "triage.analysed": gettext_lazy("%(actor)s analysed %(reports)s reports of %(desk)s."),
    "triage.linked": gettext_lazy("%(actor)s linked %(report)s to a related report."),
    # Outcomes and rewards
    "campaign.created": gettext_lazy("%(actor)s created the campaign %(name)s."),
    "outcome.recorded": gettext_lazy("%(actor)s recorded an outcome of %(report)s."),
    "outcome.recorded_by_partner": gettext_lazy("%(partner)s reported an outcome of %(report)s."),
    "outcome.corrected": gettext_lazy("%(actor)s corrected an outcome of %(report)s."),
    "outcome.withdrawn": gettext_lazy("%(actor)s withdrew an outcome of %(report)s."),
    "rewards.programme_set": gettext_lazy("%(actor)s set the reward programme of %(desk)s."),
    "reward.proposed": gettext_lazy(
        "%(actor)s proposed a reward of %(amount)s %(currency)s for %(report)s."
    ),
    "reward.approved": gettext_lazy("%(actor)s approved a reward for %(report)s."),
    "reward.refused": gettext_lazy("%(actor)s refused a reward for %(report)s."),
    "reward.claimable": gettext_lazy("The reporter of %(report)s may now claim their reward."),
    "reward.paid": gettext_lazy(
        "%(actor)s paid a reward of %(amount)s %(currency)s for %(report)s."
    ),
    "reward.expired": gettext_lazy("A reward for %(report)s expired unclaimed."),
    # Partners and shares
    "partner.added": gettext_lazy("%(actor)s added the partner %(partner)s."),
    "partner.updated": gettext_lazy("%(actor)s updated the partner %(partner)s."),
    "partner.active": gettext_lazy("%(actor)s resumed the partner %(partner)s."),
    "partner.suspended": gettext_lazy("%(actor)s suspended the partner %(partner)s."),
    "partner.removed": gettext_lazy("%(actor)s removed the partner %(partner)s."),
    "partner.hello_received": gettext_lazy("The partner %(partner)s answered our hello."),
    "sharing.desk_rules": gettext_lazy("%(actor)s changed the sharing rules of %(desk)s."),
    "share.proposed": gettext_lazy("%(actor)s proposed sharing %(report)s with %(partner)s."),
    "share.approved": gettext_lazy("%(actor)s approved sharing %(report)s with %(partner)s."),
    "share.declined": gettext_lazy("%(actor)s declined sharing %(report)s."),
    "share.cancelled": gettext_lazy("%(actor)s cancelled sharing %(report)s with %(partner)s."),
    "share.sent": gettext_lazy("%(report)s was queued for %(partner)s."),
    "share.withdrawn": gettext_lazy("%(actor)s withdrew %(report)s from %(partner)s."),
    "share.opened": gettext_lazy("%(actor)s opened %(report)s, shared by %(partner)s."),
    "share.opened_by_partner": gettext_lazy("%(partner)s opened %(report)s."),
    "share.withdrawn_by_sender": gettext_lazy("%(partner)s withdrew %(report)s."),
    "share.message_sent": gettext_lazy("%(actor)s sent %(partner)s a message about %(report)s."),
    "share.outcome_sent": gettext_lazy("%(actor)s sent %(partner)s an outcome of %(report)s."),
    "share.message_received": gettext_lazy("%(partner)s sent a message about %(report)s."),
    "share.outcome_received": gettext_lazy("%(partner)s reported an outcome of %(report)s."),
}

# admin.<model>.<verb>: one sentence per verb, the model named by its own verbose name.
ADMIN_VERBS = ("created", "changed", "deleted")

# A reporter's later moments are kept to the day (`reports.reporter_time`): shown as a date
# alone, never as a midnight that did not happen. (An arrival is kept to the hour, shown so.)
REPORTER_KINDS = frozenset(
    {
        "report.reporter_message",
        "report.opened_by_reporter",
        "report.file_downloaded_by_reporter",
        "reward.claimable",
    }
)


def sentence_key(kind: str) -> str | None:
    """The entry of SENTENCES that says this kind, or None: the kind is shown as it is."""
    if kind in SENTENCES:
        return kind
    parts = kind.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[2] in ADMIN_VERBS:
        return f"admin.{parts[2]}"
    return None


@dataclass(frozen=True)
class ReportName:
    """What a report is called: its desk's name and its number (None: no longer kept)."""

    desk: str
    number: int | None


def _yes_no(value: object) -> str:
    return _("yes") if value else _("no")


def _model_name(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return str(model._meta.verbose_name)
    return model_name


def _choice(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _facts(kind: str, detail: Mapping[str, Any]) -> dict[str, str]:
    """The event's details as words of the reader's language."""
    facts = {key: "" if value is None else str(value) for key, value in detail.items()}
    staff = detail.get("staff") or detail.get("account")
    facts["staff"] = _("an unknown name") if not staff or staff == "unknown" else str(staff)
    for key in ("status", "previous"):
        if key in detail:
            facts[key] = _choice(Status, detail[key])
    if detail.get("close_reason"):
        facts["status"] = _("%(status)s (%(reason)s)") % {
            "status": facts["status"],
            "reason": _choice(CloseReason, detail["close_reason"]),
        }
    if "role" in detail:
        facts["role"] = _choice(Role, detail["role"])
    if "language" in detail:
        facts["language"] = language_name(str(detail["language"]))
    if kind == "report.assigned" and not detail.get("assignee"):
        facts["assignee"] = _("nobody")
    if kind == "report.labels_changed" and not detail.get("labels"):
        facts["labels"] = _("none")
    for key, value in detail.items():
        if isinstance(value, bool):
            facts[key] = _yes_no(value)
    if kind.startswith("admin."):
        facts["model"] = _model_name(kind.split(".")[1])
    return facts


class _Facts(dict[str, Any]):
    """A detail an older event lacks reads as a dash, never an error."""

    def __missing__(self, key: str) -> str:
        return "—"


def say(
    kind: str,
    *,
    actor: str | None,
    desk: str | None,
    report: ReportName | None,
    detail: Mapping[str, Any],
    html: bool,
) -> str:
    """The event as one sentence in the active language: escaped HTML with names isolated
    (`<bdi>`) for the page, plain text for the CSV. An unknown kind is its kind, as is."""
    key = sentence_key(kind)
    if key is None:
        return format_html('<span dir="ltr">{}</span>', kind) if html else kind
    facts = _Facts(_facts(kind, detail))
    facts["actor"] = actor or _("Tipline")
    facts["desk"] = desk or "—"
    template = str(SENTENCES[key])
    # "report 14 of …" opening a sentence takes a capital (where the script has capitals).
    capital = template.startswith("%(report)s")
    if not html:
        facts["report"] = _report_words(report, capital=capital)
        return template % facts
    isolated = _Facts({k: format_html("<bdi>{}</bdi>", v) for k, v in facts.items()})
    isolated["report"] = _report_words(report, html=True, capital=capital)
    return mark_safe(conditional_escape(template) % isolated)  # noqa: S308 - all escaped


def _report_words(report: ReportName | None, *, html: bool = False, capital: bool = False) -> str:
    if report is None:
        return _("A report") if capital else _("a report")
    if report.number is None:
        words, values = _("a report of %(desk)s no longer kept"), {"desk": report.desk}
    else:
        words = _("report %(number)s of %(desk)s")
        values = {"number": str(report.number), "desk": report.desk}
    if capital:
        words = words[:1].upper() + words[1:]
    if not html:
        return words % values
    isolated = {k: format_html("<bdi>{}</bdi>", v) for k, v in values.items()}
    return mark_safe(conditional_escape(words) % isolated)  # noqa: S308 - both escaped
