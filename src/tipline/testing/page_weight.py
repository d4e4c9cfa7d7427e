"""What a reporter's phone downloads: every reporter page in every reporter language, loaded
by a real Chromium (JavaScript off, 360 px wide) from a real `tipline serve`, counting each
response's bytes on the wire (headers and body as sent, compressed where it was).

Each page is loaded twice, each time in a browser context of its own:

- cold: nothing cached, as on the reporter's first visit (for a page that answers a form,
  the page before it is loaded first, then the cache is switched off for the answer);
- warm: after another page in the same language, as when the reporter goes on; only the
  page itself should come over the wire, everything else from the cache.

`bench/page_weight.py` prints the figures; `reporter/tests/test_page_weight.py` holds the
budgets (docs/design.md, "What a reporter's phone downloads").
"""

import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Request

from tipline.testing.fixtures import CHROMIUM, CHROMIUM_ARGS, STRONG_PASSWORD
from tipline.testing.server import ServerProcess, free_port, tipline_command

LANGUAGES = ["en", "ur", "zh-hans", "ps", "fa"]
KIB = 1024
# Cold, on the wire. Urdu's includes its Nastaliq face.
BUDGETS = {"ur": 180 * KIB}
BUDGET = 25 * KIB
DESK, CATEGORY = "narcotics", "drug-trafficking"
BODY_FONT, NAME_FONT = "nastaliq-urdu.", "nastaliq-urdu-name."

REPORT_TEXT = {
    "en": "A boat unloads crates at the north jetty every Tuesday night.",
    "ur": "ہر منگل کی رات شمالی جیٹی پر ایک کشتی کریٹ اتارتی ہے۔",
    "zh-hans": "每个星期二晚上，一艘船在北码头卸下箱子。",
    "ps": "هره سې شنبه شپه یوه کښتۍ په شمالي بندر کې صندوقونه کوزوي.",
    "fa": "هر سه‌شنبه شب یک قایق در اسکلهٔ شمالی جعبه خالی می‌کند.",
}
REPLY_TEXT = {
    "en": "Thank you. Which boat is it, and when did you last see it?",
    "ur": "شکریہ۔ یہ کون سی کشتی ہے، اور آپ نے اسے آخری بار کب دیکھا؟",
    "zh-hans": "谢谢。是哪艘船？你最后一次看到它是什么时候？",
    "ps": "مننه. دا کومه کښتۍ ده، او تاسو وروستی ځل کله ولیده؟",
    "fa": "سپاس. کدام قایق است و آخرین بار کی آن را دیدید؟",
}

SETUP = f"""
from decimal import Decimal
from tipline.accounts.actions import create_staff
from tipline.desks.actions import create_desk
from tipline.reports.categories import install_default_categories
from tipline.outcomes import rewards
desk = create_desk(slug="{DESK}", name="Narcotics desk", languages={LANGUAGES!r}, acting_user=None)
install_default_categories(desk)
create_staff(username="analyst", password={STRONG_PASSWORD!r}, role="analyst", desks=[desk],
             acting_user=None)
rewards.set_programme(desk, currency="PKR", ceiling=Decimal(1000), acting_user=None,
                      publish_results=True)
"""

REPLY_TO_EVERY_REPORT = f"""
from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.models import Report
analyst = StaffUser.objects.get(username="analyst")
key = vault.unlock_with_password(analyst.key_record, {STRONG_PASSWORD!r})
replies = {REPLY_TEXT!r}
for report in Report.objects.all():
    opened = conversation.open_as_staff(report, analyst, key)
    conversation.add_staff_reply(opened, author=analyst, text=replies[report.language])
"""


@dataclass
class Fetched:
    url: str
    status: int
    bytes: int  # response headers and body as they came over the wire
    document: bool  # the page itself (not a style sheet, font or image)


@dataclass
class Load:
    fetched: list[Fetched] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # requests that got no answer

    @property
    def requests(self) -> int:
        return len(self.fetched)

    @property
    def bytes(self) -> int:
        return sum(item.bytes for item in self.fetched)

    def fonts(self) -> list[str]:
        return [item.url for item in self.fetched if ".woff2" in item.url]

    def documents(self) -> list[Fetched]:
        return [item for item in self.fetched if item.document]


@dataclass
class PageWeight:
    page: str
    language: str
    cold: Load
    warm: Load


class Installation:
    """A fresh data folder with one desk in every reporter language (its analyst receives,
    its results are public), served by a real `tipline serve` on loopback."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tipline.settings",
            "TIPLINE_DATA_DIR": str(folder),
        }
        for variable in ("DATABASE_URL", "TIPLINE_BROKER_URL", "TIPLINE_REDIS_URL"):
            self.env.pop(variable, None)
        self.run("migrate", "-v0")
        self.run("shell", "-c", SETUP)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(folder / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self._server = ServerProcess(self.env, self.port, self._log)
        try:
            self._server.wait_until_ready(seconds=120)
        except (RuntimeError, TimeoutError):
            self.stop()
            raise

    def run(self, *arguments: str) -> str:
        done = subprocess.run(
            [tipline_command(), *arguments],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        return done.stdout

    def reply_to_every_report(self) -> None:
        self.run("shell", "-c", REPLY_TO_EVERY_REPORT)

    def stop(self) -> None:
        self._server.stop()
        self._log.close()


def launch_phone(playwright: Any, *, with_nastaliq: bool, scratch: Path) -> Browser:
    """Debian's Chromium as a phone that has Noto Nastaliq Urdu, or as one that has not (most
    phones: fontconfig is told to hide the system's copy, so local() finds nothing)."""
    env = dict(os.environ)
    if not with_nastaliq:
        config = scratch / "fonts-without-nastaliq.conf"
        config.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            "  <selectfont><rejectfont><glob>*NotoNastaliq*</glob></rejectfont></selectfont>\n"
            "</fontconfig>\n"
        )
        env["FONTCONFIG_FILE"] = str(config)
    return playwright.chromium.launch(  # type: ignore[no-any-return]
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env
    )


@contextmanager
def phone_context(browser: Browser, language: str) -> Iterator[BrowserContext]:
    """What we plan for: a small phone, JavaScript off (Tor Browser's "Safest"), asking for
    the reporter's language (the first page speaks the browser's language)."""
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        extra_http_headers={"Accept-Language": language},
    )
    try:
        yield context
    finally:
        context.close()


class Recording:
    """The requests a page makes from `start` until each of them has finished, and what
    came over the wire for each. A request answered from the browser's cache brings nothing
    over the wire (no headers, no body) and is left out."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._started: list[Request] = []
        self._finished: list[Request] = []
        page.on("request", self._start)
        page.on("requestfinished", self._finish)
        page.on("requestfailed", self._finish)

    def _start(self, request: Request) -> None:
        self._started.append(request)

    def _finish(self, request: Request) -> None:
        self._finished.append(request)

    def settle(self) -> None:
        """Until the page has asked for everything it needs and has it. Fonts are asked for
        as the page is laid out and painted: paint it (a screenshot), then wait."""
        self.page.screenshot()
        for _ in range(2400):  # a bound for a stuck request, not a measure of speed
            if len(self._finished) >= len(self._started):
                return
            self.page.wait_for_timeout(25)
        raise TimeoutError(f"requests of {self.page.url} did not finish")

    def start(self) -> None:
        """Count from here: what the page before needed is no part of the next one."""
        self.settle()
        self._started.clear()
        self._finished.clear()

    def stop(self) -> Load:
        self.settle()
        load = Load()
        for request in self._finished:
            response = request.response()
            if response is None:
                load.failed.append(f"{request.url}: {request.failure}")
                continue
            sizes = request.sizes()
            wire = sizes["responseHeadersSize"] + sizes["responseBodySize"]
            if wire:
                load.fetched.append(
                    Fetched(
                        url=request.url,
                        status=response.status,
                        bytes=wire,
                        document=request.resource_type == "document",
                    )
                )
        return load


# A step drives the page; a page to weigh is (steps before it, the step that loads it).
Step = Callable[[Page], None]


class Reporter:
    """The reporter's ways to each page, in one language, on one installation."""

    def __init__(self, base: str, language: str) -> None:
        self.base, self.language = base, language
        self.receipt = ""

    def url(self, path: str) -> str:
        return f"{self.base}/{self.language}/{path}"

    def go(self, path: str) -> Step:
        return lambda page: _goto(page, self.url(path) if path != "/" else f"{self.base}/")

    def fill_form(self, page: Page) -> None:
        _goto(page, self.url(f"report/{DESK}/{CATEGORY}/"))
        page.fill("textarea[name=description]", REPORT_TEXT[self.language])
        page.check("input[name=q_how_known] >> nth=0")

    def send(self, page: Page) -> None:
        with page.expect_navigation():
            page.click("form[method=post] button[type=submit]")

    def send_and_keep_receipt(self, page: Page) -> None:
        """Send a report; keep the first receipt (the report the desk answers)."""
        self.send(page)
        self.receipt = self.receipt or page.inner_text("#receipt-code").strip()

    def forget_cookies(self, page: Page) -> None:
        page.context.clear_cookies()

    def open_form(self, page: Page) -> None:
        _goto(page, self.url(f"report/{DESK}/{CATEGORY}/"))

    def type_receipt(self, page: Page) -> None:
        _goto(page, self.url("receipt/"))
        page.fill("input[name=receipt]", self.receipt)

    def pages(self) -> dict[str, tuple[list[Step], Step]]:
        return {
            "first page": ([], self.go("/")),
            "desk": ([], self.go(f"report/{DESK}/")),
            "form": ([], self.go(f"report/{DESK}/{CATEGORY}/")),
            "form, errors": ([self.open_form], self.send),
            "receipt": ([self.fill_form], self.send_and_keep_receipt),
            "come back": ([], self.go("receipt/")),
            "replies": ([self.type_receipt], self.send),
            "results": ([], self.go(f"results/{DESK}/")),
            "not found": ([], self.go("no-such-page/")),
            "form expired": ([self.fill_form, self.forget_cookies], self.send),
        }


def _goto(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")


def weigh_cold(browser: Browser, reporter: Reporter, name: str) -> Load:
    """The page on a first visit: a browser context of its own, the cache off for the page
    (after the steps before it, which filled it)."""
    before, load = reporter.pages()[name]
    with phone_context(browser, reporter.language) as context:
        page = context.new_page()
        recording = Recording(page)
        for step in before:
            step(page)
        recording.start()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        load(page)
        return recording.stop()


def weigh_warm(browser: Browser, reporter: Reporter, names: list[str]) -> dict[str, Load]:
    """Each page as the reporter goes on: one browser context that has seen another page in
    the same language (the come-back page) first, then each page in turn."""
    weights = {}
    with phone_context(browser, reporter.language) as context:
        page = context.new_page()
        recording = Recording(page)
        reporter.go("receipt/")(page)
        for name in names:
            before, load = reporter.pages()[name]
            for step in before:
                step(page)
            recording.start()
            load(page)
            weights[name] = recording.stop()
    return weights


def weigh_everything(
    browser: Browser, installation: Installation, languages: list[str] = LANGUAGES
) -> list[PageWeight]:
    """Every reporter page in every language, cold and warm. Sends a report per language
    first (the cold receipt page), which the desk answers before the replies are weighed."""
    reporters = {language: Reporter(installation.url, language) for language in languages}
    names = list(Reporter("", "en").pages())
    cold = {
        (language, "receipt"): weigh_cold(browser, reporters[language], "receipt")
        for language in languages
    }
    installation.reply_to_every_report()
    weights = []
    for language in languages:
        for name in names:
            if (language, name) not in cold:
                cold[language, name] = weigh_cold(browser, reporters[language], name)
        warm = weigh_warm(browser, reporters[language], names)
        weights += [PageWeight(name, language, cold[language, name], warm[name]) for name in names]
    return weights


def used_fonts(page: Page, selector: str) -> dict[str, bool]:
    """The fonts Chromium drew the text of the first element matching `selector` with (its
    own text, not its children's), each with whether it came from the site (a web font) or
    from the phone."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"]: font["isCustomFont"] for font in fonts}


def budget(language: str) -> int:
    return BUDGETS.get(language, BUDGET)
