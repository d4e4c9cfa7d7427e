"""How a share's markings read: the TLP 2.0 levels, SIENA's handling codes and the 4x4
grading, worded the same for the sender who chooses them and the receiver who reads them."""

from django.utils.translation import gettext_lazy as _

from . import stix

TLP_CHOICES = [
    ("clear", _("TLP:CLEAR: may be shared without limit")),
    ("green", _("TLP:GREEN: within the recipient's community")),
    ("amber", _("TLP:AMBER: within the recipient's organisation, on a need-to-know basis")),
    ("amber+strict", _("TLP:AMBER+STRICT: within the recipient's organisation only")),
    ("red", _("TLP:RED: for the people it is addressed to only")),
]
HANDLING_CHOICES = [
    ("H0", _("H0: for law-enforcement purposes only")),
    ("H1", _("H1: not to be used in court without the provider's permission")),
    ("H2", _("H2: not to be passed on without the provider's permission")),
    ("H3", _("H3: other conditions (written with it)")),
]
SOURCE_CHOICES = [
    ("A", _("A: no doubt about the source's reliability")),
    ("B", _("B: the source has mostly proved reliable")),
    ("C", _("C: the source has mostly proved unreliable")),
    ("X", _("X: the source's reliability cannot be judged")),
]
INFORMATION_CHOICES = [
    ("1", _("1: no doubt about its accuracy")),
    ("2", _("2: known personally to the source, not to the officer passing it on")),
    ("3", _("3: not known personally to the source, but corroborated")),
    ("X", _("X: its accuracy cannot be judged")),
]


def describe(handling: stix.Handling) -> list[str]:
    """The markings in words, one line each, in the reader's language."""
    lines = [
        str(dict(TLP_CHOICES)[handling.tlp]),
        str(dict(HANDLING_CHOICES)[handling.code]),
        str(dict(SOURCE_CHOICES)[handling.source]),
        str(dict(INFORMATION_CHOICES)[handling.information]),
    ]
    if handling.condition:
        lines.append(str(_("Conditions: %(text)s") % {"text": handling.condition}))
    if not handling.may_pass_on:
        lines.append(str(_("May not be passed on to another partner or desk.")))
    if handling.chain:
        lines.append(str(_("Shared before by: %(names)s") % {"names": " → ".join(handling.chain)}))
    return lines
