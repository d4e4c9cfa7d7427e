from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OutcomeKind

MAX_TEXT = 20_000


class CardForm(forms.Form):
    card_file = forms.FileField(label=_("Partner card file"), required=False)
    card_text = forms.CharField(
        label=_("or paste the card"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    fingerprint_compared = forms.BooleanField(
        label=_("I compared the fingerprint with the partner by phone or in person"),
    )


class DeskRulesForm(forms.Form):
    desk = forms.SlugField(widget=forms.HiddenInput)
    accepts_shares = forms.BooleanField(label=_("Accepts shares"), required=False)
    requires_approval = forms.BooleanField(
        label=_("Sending needs a supervisor's approval"), required=False
    )


class ShareForm(forms.Form):
    """Where to, what goes (each text editable: redact here), which files, a cover note.

    Each answer and each message of the report is a pair of fields: `include_<part>` (send
    it) and `text_<part>` (the copy that is sent), where <part> is `answer-<question key>`
    or `message-<message id>`.
    """

    target = forms.ChoiceField(label=_("Share with"))
    description = forms.CharField(
        label=_("What the reporter wrote (edit to redact)"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        max_length=MAX_TEXT,
        required=False,
    )
    cover_note = forms.CharField(
        label=_("Cover note (in the partner's language if you can)"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=MAX_TEXT,
        required=False,
    )
    files = forms.MultipleChoiceField(
        label=_("Files to send"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(
        self,
        targets: list[tuple[str, str]],
        parts: list[tuple[str, str, str]],
        files: list[tuple[str, str]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """`parts`: (part name, label, text) for each answer and message that may go."""
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets
        self.fields["files"].choices = files
        self.part_names = []
        for name, label, text in parts:
            self.fields[f"include_{name}"] = forms.BooleanField(
                label=_("Send: %(part)s") % {"part": label}, required=False
            )
            self.fields[f"text_{name}"] = forms.CharField(
                label=_("Text of %(part)s (edit to redact)") % {"part": label},
                widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
                initial=text,
                max_length=MAX_TEXT,
                required=False,
            )
            self.part_names.append(name)

    def chosen(self, kind: str) -> dict[str, str]:
        """The parts of `kind` ("answer", "message") ticked to go: part id -> text sent."""
        prefix = f"{kind}-"
        return {
            name.removeprefix(prefix): self.cleaned_data[f"text_{name}"]
            for name in self.part_names
            if name.startswith(prefix) and self.cleaned_data.get(f"include_{name}")
        }

    def part_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"include_{n}"], self[f"text_{n}"]) for n in self.part_names]


class BackForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        max_length=MAX_TEXT,
        required=False,
    )
    outcome_kind = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("No outcome, a message only")), *OutcomeKind.choices],
        required=False,
    )
    outcome_count = forms.IntegerField(
        label=_("How many"), min_value=0, max_value=1_000_000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("outcome_kind"):
            raise forms.ValidationError(_("Write a message or choose an outcome."))
        if data.get("outcome_kind") and data.get("outcome_count") is None:
            self.add_error("outcome_count", _("Say how many."))
        return data
