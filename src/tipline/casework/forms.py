from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tipline.desks.models import Desk
from tipline.reports.models import CloseReason, Status
from tipline.triage import language as detected_language

from .rows import language_name
from .selectors import InboxFilters, Sort


class InboxFilterForm(forms.Form):
    # The selects stand without a visible label (their first choice names them): each
    # carries an accessible name for screen readers.
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Any status")), *Status.choices],
        widget=forms.Select(attrs={"aria-label": _("Status")}),
    )
    category = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"aria-label": _("Category")}),
    )
    language = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"aria-label": _("Language")})
    )
    text_language = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"aria-label": _("Language of the text")})
    )
    assigned = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"aria-label": _("Assigned")})
    )
    received_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"aria-label": _("Label")}),
    )
    unread = forms.BooleanField(required=False, label=_("Unread"))
    overdue = forms.BooleanField(required=False, label=_("Deadline passed"))
    shared = forms.BooleanField(required=False, label=_("Shared with us"))
    search = forms.CharField(
        required=False,
        max_length=200,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            (Sort.NEWEST, _("Newest first")),
            (Sort.ACTIVITY, _("Latest reporter activity first")),
            (Sort.DUE, _("Deadline soonest first (open reports)")),
        ],
        widget=forms.Select(attrs={"aria-label": _("Order")}),
    )

    def __init__(
        self, desk: Desk, members: list[tuple[str, str]], *args: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", _("Any category"))] + [
            (str(c.id), str(c)) for c in desk.categories.all()
        ]
        self.fields["label"].choices = [("", _("Any label"))] + [
            (str(label.id), label.name) for label in desk.labels.all()
        ]
        # Named in the staff member's language, as the rows and the text-language filter are.
        self.fields["language"].choices = [
            ("", _("Any language")),
            *((code, language_name(code)) for code, _name in settings.LANGUAGES),
        ]
        self.fields["text_language"].choices = [
            ("", _("Any language of the text")),
            *detected_language.filter_choices(),
        ]
        self.fields["assigned"].choices = [
            ("", _("Anyone or nobody")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *members,
        ]

    def filters(self) -> InboxFilters:
        data = self.cleaned_data
        return InboxFilters(
            status=data["status"],
            category_id=data["category"],
            language=data["language"],
            text_language=data["text_language"],
            assigned=data["assigned"],
            label_id=data["label"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            unread=data["unread"],
            overdue=data["overdue"],
            shared=data["shared"],
        )


class ReplyForm(forms.Form):
    """A reply's text; its files come through the encrypting upload handler, not the form.
    The text may be empty when files come with it (`actions.reply` checks)."""

    text = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto", "id": "id_reply_text"}),
    )
    feedback = forms.BooleanField(
        required=False, label=_("This tells the reporter what was done (feedback deadline)")
    )
    # Sent by the "Send it again" button, which confirms a reply identical to one sent a
    # moment ago (`replies.SAME_REPLY_SECONDS`).
    again = forms.BooleanField(required=False)

    @staticmethod
    def problem_message(problem: str, desk: Desk, name: str = "") -> str:
        """Why files were not sent, for the staff member (nothing was sent)."""
        messages = {
            "too_many": gettext("At most %(count)s files per reply.")
            % {"count": desk.max_attachments},
            "too_large": gettext("Each file can be at most %(mb)s MB.")
            % {"mb": desk.max_attachment_megabytes},
            "uncleanable": gettext(
                "“%(name)s”: this kind of file cannot be cleaned of hidden data, and this "
                "desk does not accept it."
            )
            % {"name": name},
            "unreadable": gettext("“%(name)s” could not be read. It may be damaged.")
            % {"name": name},
            "archive_too_large": gettext(
                "“%(name)s” would unpack to far more than its size, so it was not accepted."
            )
            % {"name": name},
            "busy": gettext("Files cannot be checked just now. Try again in a few minutes."),
            "cleaner_unavailable": gettext(
                "No file can be cleaned of hidden data on this server now (no cleaning "
                "process starts): an administrator must look at the server's log."
            ),
        }
        return (
            messages.get(problem, gettext("The files could not be received."))
            + " "
            + (gettext("Nothing was sent."))
        )


class TitleForm(forms.Form):
    """A short title for the report's inbox row; empty takes it away."""

    title = forms.CharField(
        required=False,
        max_length=120,
        label=_("Title in the inbox"),
        widget=forms.TextInput(attrs={"dir": "auto", "id": "id_report_title"}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "id": "id_note_text"}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=Status.choices, widget=forms.Select(attrs={"aria-label": _("Status")})
    )
    close_reason = forms.ChoiceField(
        required=False,
        choices=[("", _("Reason (when closing)")), *CloseReason.choices],
        widget=forms.Select(attrs={"aria-label": _("Reason for closing")}),
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(required=False)  # labelled in the template

    def __init__(self, choices: list[tuple[str, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].choices = [("", _("Nobody")), *choices]


class LabelsForm(forms.Form):
    labels = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, desk: Desk, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["labels"].choices = [(label.id, label.name) for label in desk.labels.all()]


# How many reports one export may hold: a police file's worth, and a bound on the work (and
# the decrypted bytes in flight) that one request sets off.
MAX_EXPORTED = 50


class _ReportNumbers(forms.Field):
    """The inbox's ticked rows: report numbers of the desk, each once, in order."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            numbers = sorted({int(str(v)) for v in values})
        except ValueError:
            raise forms.ValidationError(
                _("A chosen report is not a report number."), code="invalid"
            ) from None
        if any(number <= 0 for number in numbers):
            raise forms.ValidationError(
                _("A chosen report is not a report number."), code="invalid"
            )
        return numbers

    def validate(self, value: list[int]) -> None:
        if not value:
            raise forms.ValidationError(_("Choose at least one report to export."), code="required")
        if len(value) > MAX_EXPORTED:
            raise forms.ValidationError(
                _(
                    "At most %(limit)s reports can be exported at once; %(count)s were "
                    "chosen. Export them in several parts."
                ),
                code="too_many",
                params={"limit": MAX_EXPORTED, "count": len(value)},
            )


class ExportSelectionForm(forms.Form):
    """Reports chosen in the inbox (checkboxes named `report`) for one export."""

    report = _ReportNumbers()
