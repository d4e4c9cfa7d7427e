from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tipline.desks.models import Desk
from tipline.throttling.gate import allowed_methods


@allowed_methods("GET")
def landing(request: HttpRequest) -> HttpResponse:
    desks = Desk.objects.order_by("name")
    return render(request, "web/landing.html", {"desks": desks})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (expired, cookies off): say so plainly, keep nothing."""
    return render(request, "web/form_expired.html", status=403)
