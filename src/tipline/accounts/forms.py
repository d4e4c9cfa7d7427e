from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tipline.desks.models import Desk

from .models import Role


class AcceptInvitationForm(forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password_again = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    code = forms.CharField(
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("The six digits your authenticator app shows for Tipline."),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    old_password = forms.CharField(
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password", "new_password_again"]


class RecoverForm(NewPasswordForm):
    username = forms.CharField(max_length=150)
    recovery_code = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    code = forms.CharField(
        max_length=12,
        label=_("Code from your authenticator app"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["username", "recovery_code", "code", "new_password", "new_password_again"]


class SettingsForm(forms.Form):
    """A staff member's own preferences: for now, the language of the staff pages."""

    language = forms.ChoiceField(choices=settings.STAFF_LANGUAGES)


class InviteForm(forms.Form):
    """What an administrator chooses for a colleague; the colleague chooses the secrets."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. They sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ANALYST)
    desks = forms.ModelMultipleChoiceField(
        label=_("Desks"),
        queryset=Desk.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    receives_reports = forms.BooleanField(
        label=_("Receives the desks' reports (a recipient)"),
        required=False,
        initial=True,
        help_text=_(
            "Reports that arrive after they accept are sealed to them. Untick for someone who "
            "works on the desks without reading reports."
        ),
    )
