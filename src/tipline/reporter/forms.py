"""The reporter's forms, built from a category's questions in the reporter's language."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipline.reports.models import Category, Question, QuestionKind, YesNo, translated
from tipline.reports.text import clean_reporter_text

MAX_DESCRIPTION = 20_000
MAX_LONG_ANSWER = 5_000
MAX_SHORT_ANSWER = 500


class ReporterTextField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return clean_reporter_text(super().to_python(value)).strip()


YES_NO = YesNo.choices


def field_for(question: Question, language: str) -> forms.Field:
    label = translated(question.labels, language)
    help_text = translated(question.help_texts, language) if question.help_texts else ""
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": question.required}
    choices = [(c["value"], translated(c["labels"], language)) for c in question.choices]
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.PLACE):
        return ReporterTextField(max_length=MAX_SHORT_ANSWER, **common)
    if kind == QuestionKind.LONG_TEXT:
        return ReporterTextField(
            max_length=MAX_LONG_ANSWER, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == QuestionKind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
            **common,
        )
    if kind == QuestionKind.NUMBER:
        return forms.DecimalField(
            min_value=0,
            max_value=Decimal(10**15),
            max_digits=18,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    raise ValueError(f"unknown question kind {kind!r}")


def keep_file_names_field() -> forms.BooleanField:
    """The reporter's choice to keep their files' own names (the default replaces them)."""
    return forms.BooleanField(
        required=False,
        label=_("Keep my files' own names"),
        help_text=_(
            "Without this, each file is sent under a plain name such as photo-1.jpg, because "
            "a file's name can give you away: phones and cameras put dates in it, and people "
            "often add names or phone numbers. Tick this only if the names matter and say "
            "nothing about you."
        ),
    )


class ReportForm(forms.Form):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=200)
    keep_file_names = keep_file_names_field()

    def __init__(
        self,
        category: Category,
        language: str,
        *args: Any,
        questions: Sequence[Question] | None = None,
        **kwargs: Any,
    ) -> None:
        """`questions`: the category's questions when the caller has them (`form_setup`)."""
        super().__init__(*args, **kwargs)
        self.questions = list(category.questions.all() if questions is None else questions)
        for question in self.questions:
            self.fields[f"q_{question.key}"] = field_for(question, language)
        self.fields["description"] = ReporterTextField(
            label=_("What happened? Tell it in your own words."),
            help_text=_("Write only what you know. Leave out anything that could identify you."),
            max_length=MAX_DESCRIPTION,
            widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        )
        self.order_fields(["description"])

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q.key}"] for q in self.questions]

    def answers(self) -> dict[str, Any]:
        """Answers keyed by question, as JSON-friendly values; empty answers left out."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.key}")
            if value in (None, "", []):
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            answers[question.key] = value
        return answers


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "dir": "ltr",
                "spellcheck": "false",
            }
        ),
    )


class MessageForm(forms.Form):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=100)
    keep_file_names = keep_file_names_field()
    text = ReporterTextField(
        label=_("Write to the desk"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )
