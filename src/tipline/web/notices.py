"""One-line confirmations after a staff form: "Note added.", "Status set.", or what went
wrong, shown once in the section of the page the form belongs to.

An action's view calls `back_to_section`, which keeps the line with `django.contrib.messages`
(in the session: a confirmation never says more than what was done, never content) tagged
with the section's id, and sends the browser back to that section's anchor. The page then
calls `by_section` and shows each line at the top of its section, announced to screen
readers (`web/notice.html`)."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

# Lines not tagged with a section of the page they are read on go at its top.
TOP = "top"


@dataclass(frozen=True)
class Notice:
    text: str
    error: bool


def back_to_section(
    request: HttpRequest, url: str, section: str, text: str, *, error: bool = False
) -> HttpResponseRedirect:
    """Redirect to `url#section`, where the page shows `text` once."""
    say(request, section, text, error=error)
    return HttpResponseRedirect(f"{url}#{section}")


def say(request: HttpRequest, section: str, text: str, *, error: bool = False) -> None:
    """Keep `text` for the next page that shows `section`'s notices."""
    level = messages.ERROR if error else messages.SUCCESS
    messages.add_message(request, level, text, extra_tags=section)


def by_section(request: HttpRequest, sections: set[str]) -> dict[str, list[Notice]]:
    """The lines kept for this page (each read once), under their section's id; those of a
    section the page does not have under `TOP`."""
    found: dict[str, list[Notice]] = defaultdict(list)
    for message in messages.get_messages(request):
        section = message.extra_tags if message.extra_tags in sections else TOP
        found[section].append(Notice(str(message.message), message.level >= messages.ERROR))
    return dict(found)
