"""Every package up to the limit arrives: over real HTTP between two installations, a share
with a 3 MiB photo (larger than the admission gate's 1 MiB for forms) is filed at the
partner; against a partner whose limit is smaller, the share is refused with its signed
`too_large` at the first try and shown as such, never retried."""

import io
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tipline.sharing.tests.two_installations import (
    Installation,
    databases,
    pair,
    staff_code,
    wait_for,
)
from tipline.testing.reporter_client import Reporter

from .test_two_installations import SHARE, count

MiB = 1024 * 1024


def photo(megabytes: float) -> bytes:
    """A JPEG of noise of about `megabytes` MiB, still that large once cleaned (re-encoded)."""
    rng = random.Random(5)
    side = int((megabytes * MiB / 0.85) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    output = io.BytesIO()
    noise.save(output, format="JPEG", quality=92)
    return output.getvalue()


@pytest.fixture(params=["64", "1"], ids=["default-limit", "partner-takes-1-MiB"])
def installations(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Installation, Installation, str]]:
    for url_a, url_b in databases():
        a = Installation(tmp_path / "a", "Agency A", "narcotics", url_a)
        b = Installation(tmp_path / "b", "Agency B", "customs", url_b)
        b.env["TIPLINE_SHARING_MAX_PACKAGE_MB"] = request.param
        b.run("desksharing", "customs", "--accept")
        try:
            a.start()
            b.start()
            pair(a, b, tmp_path)
            yield a, b, request.param
        finally:
            a.close()
            b.close()


@pytest.mark.slow
def test_a_share_with_a_3_mib_photo_arrives_or_is_refused_as_too_large_for_good(
    installations: tuple[Installation, Installation, str],
) -> None:
    a, b, limit = installations
    wait_for(lambda: count(a, "Partner.objects.filter(paired_at__isnull=False).count()") == 1)
    wait_for(lambda: count(b, "Partner.objects.filter(paired_at__isnull=False).count()") == 1)
    picture = photo(3.2)
    assert len(picture) > 3 * MiB
    status, receipt, _ = Reporter(a.port, "/en/report/narcotics/drug-trafficking/").submit(
        "Crates at the jetty", photo=picture
    )
    assert status == 200 and receipt
    a.python(staff_code(a, SHARE.format(description="Crates at the jetty")))
    assert count(a, "len(OutboxPackage.objects.get(kind='share').body)") > 3 * MiB
    if limit == "64":
        wait_for(lambda: count(b, "ReceivedShare.objects.count()") == 1)
        assert count(b, "Attachment.objects.filter(size_bytes__gt=3 * 2**20).count()") == 1
        wait_for(lambda: count(a, "Share.objects.filter(state='delivered').count()") == 1)
        return
    try:
        wait_for(lambda: count(a, "Share.objects.filter(state='refused').count()") == 1)
    except AssertionError:
        fields = "'kind', 'state', 'attempts', 'last_error'"
        code = "from tipline.sharing.models import *\n"
        code += f"print(list(OutboxPackage.objects.values_list({fields})))"
        raise AssertionError(a.python(code)) from None  # what the sender's outbox says
    shown = a.python(
        staff_code(
            a,
            """
from tipline.sharing import outbox
package = OutboxPackage.objects.get(kind='share')
print(package.state, package.attempts, package.last_error)
print(outbox.share_problem(Share.objects.get()))
""",
        )
    )
    assert "refused 1 413 too_large" in shown  # the partner's signed word, at the first try
    assert "larger than the partner takes" in shown
    assert count(b, "ReceivedShare.objects.count()") == 0
