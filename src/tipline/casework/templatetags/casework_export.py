"""`{% max_exported %}`: how many reports the inbox's export takes at once (its button's
help), from the form that enforces it."""

from django import template

from ..forms import MAX_EXPORTED

register = template.Library()


@register.simple_tag
def max_exported() -> int:
    return MAX_EXPORTED
