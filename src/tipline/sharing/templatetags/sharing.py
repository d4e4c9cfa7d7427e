from typing import Any

from django import template

from tipline.sharing import marking, selectors, stix

register = template.Library()


@register.inclusion_tag("sharing/case_part.html", takes_context=True)
def sharing_part(context: dict[str, Any]) -> dict[str, Any]:
    """The case page's sharing section: "shared by", share states, the back channel."""
    from tipline.sharing.views import case_context

    part = case_context(context["request"], context["report"])
    # The lines the sharing forms left for this section (`web.notices`, kept by the case page).
    part["shown"] = (context.get("notices") or {}).get("sharing", [])
    return part


@register.simple_tag
def shared_origin(report: Any) -> selectors.SharedOrigin | None:
    """Where a report came from when it was shared with us (None for a reporter's own):
    `{% shared_origin report as origin %}` marks it "shared by" wherever it is shown."""
    return selectors.shared_origin(report.id)


@register.filter
def passed_on_by(origin: selectors.SharedOrigin | None, message_id: Any) -> str:
    """ "reporter" or "desk" when the message came with the share (written there by its
    reporter or its desk), else "": `{{ origin|passed_on_by:message.message_id }}`."""
    return origin.author_of(message_id) if isinstance(origin, selectors.SharedOrigin) else ""


@register.filter
def handling(value: Any) -> stix.Handling | None:
    """A share's markings as kept (`ReceivedShare.handling`, `Share.handling`) for
    "sharing/handling.html"; None when it came unmarked or they do not read."""
    if isinstance(value, stix.Handling):
        return value
    try:
        return stix.Handling.from_json(value)
    except stix.MalformedContent:
        return None


@register.filter
def described(value: stix.Handling | None) -> list[str]:
    """The markings in words, one line each: `{{ handling|described }}`."""
    return marking.describe(value) if value is not None else []
