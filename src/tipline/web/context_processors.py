from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def language_links(request: HttpRequest) -> dict[str, object]:
    """The same page in each language, as plain links (reporter pages show them)."""
    return {
        "language_links": [
            (code, name, translate_url(request.path, code)) for code, name in settings.LANGUAGES
        ]
    }
