"""The administrator's system page: what this installation can and cannot do, so that a
missing part (mat2, ffmpeg) is seen by a person, not only in a log."""

import shutil

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tipline.accounts.decorators import staff_required
from tipline.accounts.models import Role
from tipline.intake import isolation
from tipline.throttling.gate import allowed_methods


@allowed_methods("GET")
@staff_required
def system(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.ADMINISTRATOR:  # type: ignore[union-attr]
        raise PermissionDenied
    limits = isolation.configured_limits()
    return render(
        request,
        "casework/system.html",
        {
            "mat2": isolation.mat2_status(),
            "exiftool": shutil.which("exiftool") is not None,
            "limits": limits,
            "scratch": isolation.scratch_root(limits) or "",
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        },
    )
