from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (expired, cookies off): say so plainly, keep nothing."""
    return render(request, "web/form_expired.html", status=403)
