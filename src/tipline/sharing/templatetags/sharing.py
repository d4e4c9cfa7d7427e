from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("sharing/case_part.html", takes_context=True)
def sharing_part(context: dict[str, Any]) -> dict[str, Any]:
    """The case page's sharing section: "shared by", share states, the back channel."""
    from tipline.sharing.views import case_context

    return case_context(context["request"], context["report"])
