"""What a reporter's phone downloads, per page and language: requests and bytes on the wire
from a real Chromium (Debian's; JavaScript off, 360 px wide) against a real `tipline serve`
on a throwaway data folder, cold (nothing cached) and warm (after another page in the same
language).

    make bench-page-weight
    .venv/bin/python bench/page_weight.py [--languages en,ur] [--with-nastaliq]

By default the phone has no Noto Nastaliq Urdu of its own (most have none), so Urdu pages
download the site's Nastaliq subset; --with-nastaliq is a phone that has it (local() finds
it: nothing to download). Budgets (cold): 25 KiB, Urdu 180 KiB; warm: the page alone.
Prints a table; asserts nothing (reporter/tests/test_page_weight.py holds the budgets).
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from playwright.sync_api import sync_playwright

from tipline.testing import page_weight


def kib(count: int) -> str:
    return f"{count / 1024:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default=",".join(page_weight.LANGUAGES))
    parser.add_argument("--with-nastaliq", action="store_true")
    arguments = parser.parse_args()
    languages = arguments.languages.split(",")
    with tempfile.TemporaryDirectory(prefix="tipline-bench-") as folder:
        installation = page_weight.Installation(Path(folder) / "data")
        try:
            with sync_playwright() as playwright:
                browser = page_weight.launch_phone(
                    playwright, with_nastaliq=arguments.with_nastaliq, scratch=Path(folder)
                )
                weights = page_weight.weigh_everything(browser, installation, languages)
                browser.close()
        finally:
            installation.stop()
    phone = "with" if arguments.with_nastaliq else "without"
    print(f"Bytes on the wire (KiB, response headers and bodies), a phone {phone} Nastaliq")
    print(
        f"{'language':8} {'page':14} {'cold req':>8} {'cold KiB':>8} {'warm req':>8} "
        f"{'warm KiB':>8} {'budget':>6}  fonts (cold)"
    )
    for weight in weights:
        fonts = ", ".join(url.rsplit("/", 1)[-1].split(".")[0] for url in weight.cold.fonts())
        print(
            f"{weight.language:8} {weight.page:14} {weight.cold.requests:8} "
            f"{kib(weight.cold.bytes):>8} {weight.warm.requests:8} {kib(weight.warm.bytes):>8} "
            f"{kib(page_weight.budget(weight.language)):>6}  {fonts}"
        )


if __name__ == "__main__":
    main()
