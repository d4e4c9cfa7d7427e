from django.conf import settings
from django.http import HttpRequest

from .languages import language_links as links_to


def language_links(request: HttpRequest) -> dict[str, object]:
    """The same page in each of the site's languages, as plain links (reporter pages show
    them; a page within a desk puts its desk's languages in their place, web.languages)."""
    return {"language_links": links_to(request, [code for code, _ in settings.LANGUAGES])}
