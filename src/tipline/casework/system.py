"""The administrator's system page: what this installation can and cannot do, so that a
missing part (mat2, ffmpeg) or a host setting that costs capacity (huge pages) is seen by a
person, not only in a log."""

import shutil
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tipline.accounts.decorators import staff_required
from tipline.accounts.models import Role
from tipline.reports import isolation
from tipline.throttling.gate import allowed_methods

TRANSPARENT_HUGE_PAGES = Path("/sys/kernel/mm/transparent_hugepage")

HugePages = Literal["always", "partly", "small", "unknown"]


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
            "huge_pages": huge_pages_for_derivations(TRANSPARENT_HUGE_PAGES),
        },
    )


def huge_pages_for_derivations(root: Path) -> HugePages:
    """The pages the kernel backs each receipt derivation's 64 MiB with, read from `root`
    (the kernel's transparent huge page settings).

    libsodium maps that memory afresh for every derivation, without `madvise`, so only the
    kernel's "always" settings give it larger pages. With 4 KiB pages a third of the
    derivation's CPU goes to the kernel mapping and zeroing them (docs/deploy.md, "Capacity":
    a derivation alone took a third less with 2 MiB pages, a fifth less with 64 KiB ones;
    under load, reports per host rose by a fifth and by 3%), and every report costs one
    derivation. "always": the PMD-sized pages (2 MiB on x86-64) are always used;
    "partly": only smaller multi-size ones are; "small": neither (the usual `madvise`);
    "unknown": the kernel says nothing (not Linux, no transparent huge pages).
    """
    top = _chosen(root / "enabled")
    if top is None:
        return "unknown"
    # Each size's own setting (kernels since 6.8); "inherit" follows the top-level one.
    by_size: dict[int, str | None] = {}
    for size_file in root.glob("hugepages-*kB/enabled"):
        choice = _chosen(size_file)
        by_size[_kib(size_file.parent.name)] = top if choice == "inherit" else choice
    pmd_kib = _pmd_kib(root)
    by_size.setdefault(pmd_kib, top)  # older kernels: the top-level setting is the PMD size's
    if by_size[pmd_kib] == "always":
        return "always"
    return "partly" if "always" in by_size.values() else "small"


def _chosen(path: Path) -> str | None:
    """The bracketed choice of a sysfs setting ("always [madvise] never" gives "madvise")."""
    try:
        text = path.read_text()
    except OSError:
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1 : end] if 0 <= start < end else None


def _pmd_kib(root: Path) -> int:
    try:
        return int((root / "hpage_pmd_size").read_text()) // 1024
    except (OSError, ValueError):
        return 2048


def _kib(folder_name: str) -> int:
    """4 from "hugepages-4kB"."""
    return int(folder_name.removeprefix("hugepages-").removesuffix("kB"))
