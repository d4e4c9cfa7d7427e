"""Shares delivered per second between two installations, and the time from "send" to
"filed at the partner".

    make bench-sharing
    .venv/bin/python bench/sharing.py [--shares 40] [--photo]

Starts two installations on loopback (two data folders, two SQLite databases, two
`tipline serve`, each with its `tipline schedule`), pairs them with the documented
commands, files N reports at the sender over HTTP, then proposes N shares in one process
(each: open the report, read the chosen answer and files, build the STIX bundle, sign,
encrypt, queue) and waits until the partner has filed them all (each delivery: POST, open,
verify, file with the answer and the photo cleaned and encrypted, sign the answer; the
sender verifies it). Prints shares per second from the first
proposal to the last filing, and the median and p95 of (filed at the partner - proposed),
from the two databases' timestamps (one machine, one clock).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tipline.reports.tests.samples import jpeg_with_gps
from tipline.sharing.tests.two_installations import (
    Installation,
    pair,
    staff_code,
    wait_for,
)
from tipline.testing.reporter_client import Reporter

PROPOSE = """
import time
partner = Partner.objects.get()
started = time.time()
for report in Report.objects.order_by("received_at"):
    opened = conversation.open_as_staff(report, user, key)
    actions.propose_share(
        opened, user=user, partner=partner, desk_slug="customs",
        draft=actions.ShareDraft(
            description="bench share",
            answers={"how_known": "I saw it myself"},
            attachment_ids=list(
                Attachment.objects.filter(report=report).values_list("id", flat=True)
            ),
        ),
    )
print("proposed", time.time() - started)
"""

TIMES = """
from tipline.sharing.models import {model}
for row in {model}.objects.all():
    print(row.{id_field}, row.{time_field}.timestamp())
"""


def times(installation: Installation, model: str, id_field: str, time_field: str) -> dict:
    out = installation.python(TIMES.format(model=model, id_field=id_field, time_field=time_field))
    rows = [line.split() for line in out.splitlines() if len(line.split()) == 2]
    return {key: float(value) for key, value in rows if key.count("-") == 4}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shares", type=int, default=40)
    parser.add_argument("--photo", action="store_true", help="each share carries a photo")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tipline-bench-sharing-") as folder:
        root = Path(folder)
        a = Installation(root / "a", "Agency A", "narcotics")
        b = Installation(root / "b", "Agency B", "customs")
        b.run("desksharing", "customs", "--accept")
        try:
            a.start()
            b.start()
            pair(a, b, root)
            wait_for(
                lambda: (
                    "1"
                    in a.python(
                        "from tipline.sharing.models import Partner\n"
                        "print(Partner.objects.filter(paired_at__isnull=False).count())"
                    ).splitlines()[-1]
                )
            )
            reporter = Reporter(a.port, "/en/report/narcotics/drug-trafficking/")
            photo = jpeg_with_gps() if options.photo else None
            for i in range(options.shares):
                status, _, _ = reporter.submit(f"bench report {i}", photo=photo)
                if status != 200:
                    raise SystemExit(f"a report was not taken: HTTP {status}")
            started = time.time()
            print(a.python(staff_code(a, PROPOSE)).strip().splitlines()[-1])
            wait_for(
                lambda: (
                    int(
                        b.python(
                            "from tipline.sharing.models import ReceivedShare\n"
                            "print(ReceivedShare.objects.count())"
                        ).splitlines()[-1]
                    )
                    >= options.shares
                ),
                seconds=600,
            )
            proposed = times(a, "Share", "id", "proposed_at")
            filed = times(b, "ReceivedShare", "remote_share_id", "received_at")
            latencies = sorted(filed[k] - proposed[k] for k in proposed if k in filed)
            span = max(filed.values()) - min(proposed.values())
            print(f"shares: {len(latencies)} (photo: {options.photo})")
            print(
                f"delivered per second (first proposal to last filing): {len(latencies) / span:.1f}"
            )
            median = statistics.median(latencies) * 1000
            p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
            print(f"send -> filed at the partner: median {median:.0f} ms, p95 {p95:.0f} ms")
            print(f"wall time of the run after reports were in: {time.time() - started:.1f} s")
        finally:
            a.close()
            b.close()


if __name__ == "__main__":
    main()
