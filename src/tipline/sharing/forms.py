from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import stix
from .marking import HANDLING_CHOICES, INFORMATION_CHOICES, SOURCE_CHOICES, TLP_CHOICES
from .models import OutcomeKind

MAX_TEXT = 20_000
MAX_CARD_TEXT = 20_000  # cards.MAX_CARD_BYTES


class CardForm(forms.Form):
    """Step 1 of adding a partner: its card, as a file or as text (from its QR code)."""

    card_file = forms.FileField(label=_("Partner card file"), required=False)
    card_text = forms.CharField(
        label=_("or paste the card"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        max_length=MAX_CARD_TEXT,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("card_file") and not data.get("card_text", "").strip():
            raise forms.ValidationError(_("Choose the partner's card file, or paste its text."))
        return data

    def card(self) -> str | bytes:
        """The card's bytes or text, as given (`cards.parse_card` checks it)."""
        upload = self.cleaned_data.get("card_file")
        return upload.read(MAX_CARD_TEXT + 1) if upload else self.cleaned_data["card_text"]


class ConfirmCardForm(forms.Form):
    """Step 2: the card as read in step 1, and the administrator's word that the partner
    read out the same fingerprint."""

    card_text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_CARD_TEXT)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=60)
    fingerprint_compared = forms.BooleanField(
        label=_("The partner's administrator read me these same digits (by phone or in person)"),
        required=False,
    )


class SystemPartnerForm(forms.Form):
    """A partner that does not run Tipline: a TAXII 2.1 collection or a MISP instance."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("taxii", _("TAXII 2.1 collection (OpenCTI, ...)")), ("misp", _("MISP"))],
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.CharField(
        label=_("Address (TAXII: the API root)"),
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    collection_id = forms.CharField(label=_("TAXII collection id"), max_length=100, required=False)
    username = forms.CharField(
        label=_("User name (HTTP basic; empty for a token or a MISP key)"),
        max_length=200,
        required=False,
    )
    secret = forms.CharField(
        label=_("Password, token or API key"),
        max_length=4000,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    ca_file = forms.CharField(
        label=_("CA file on this server (optional)"), max_length=500, required=False
    )
    allow_http = forms.BooleanField(
        label=_("Allow plain HTTP (what is shared travels unencrypted)"), required=False
    )


class DeskRulesForm(forms.Form):
    desk = forms.SlugField(widget=forms.HiddenInput)
    accepts_shares = forms.BooleanField(label=_("Accepts shares"), required=False)
    requires_approval = forms.BooleanField(
        label=_("Sending needs a supervisor's approval"), required=False
    )


HANDLING_FIELDS = (
    "tlp",
    "handling_code",
    "handling_condition",
    "source_reliability",
    "information_credibility",
)


class ShareForm(forms.Form):
    """Where to, what goes (each text editable: redact here), which files, a cover note,
    and how the partner may use it (TLP, handling code) and how far to trust it (grading).

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
    tlp = forms.ChoiceField(label=_("Traffic Light Protocol"), choices=TLP_CHOICES, initial="amber")
    handling_code = forms.ChoiceField(
        label=_("Handling code"), choices=HANDLING_CHOICES, initial="H0"
    )
    handling_condition = forms.CharField(
        label=_("The conditions (H3)"),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        max_length=stix.MAX_CONDITION,
        required=False,
    )
    source_reliability = forms.ChoiceField(label=_("Source"), choices=SOURCE_CHOICES, initial="X")
    information_credibility = forms.ChoiceField(
        label=_("Information"), choices=INFORMATION_CHOICES, initial="X"
    )

    def __init__(
        self,
        targets: list[tuple[str, str]],
        parts: list[tuple[str, str, str]],
        files: list[tuple[str, str]],
        *args: Any,
        kept_handling: stix.Handling | None = None,
        **kwargs: Any,
    ) -> None:
        """`parts`: (part name, label, text) for each answer and message that may go.
        `kept_handling`: a report shared with us goes on under its sender's markings, which
        the form then does not ask for."""
        super().__init__(*args, **kwargs)
        self.kept_handling = kept_handling
        if kept_handling is not None:
            for name in HANDLING_FIELDS:
                del self.fields[name]
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        condition = data.get("handling_condition", "")
        if data.get("handling_code") == "H3" and not condition.strip():
            self.add_error("handling_condition", _("Write the conditions of H3."))
        return data

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
