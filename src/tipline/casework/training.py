"""The training desk: synthetic reports for practice and joint exercises (`tipline demo`).

Everything is made through the real paths: the desk and accounts by their actions, reports
by the report room's submission (attachments through the same encrypting upload handler a browser's
request goes through), replies, notes, assignments and statuses by casework's actions. Only
the ages are set afterwards, so that deadlines and filters have something to show.

A training desk is marked `Desk.is_training`: every staff page and export says TRAINING,
and statistics (outcomes) and sharing must leave its reports out.
"""

import base64
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from tipline import vault
from tipline.accounts.actions import create_staff
from tipline.accounts.models import StaffUser
from tipline.desks.actions import create_desk
from tipline.desks.models import Desk
from tipline.reports import conversation, submission
from tipline.reports.categories import install_default_categories
from tipline.reports.models import CloseReason, Report, Status
from tipline.reports.receipts import Receipt
from tipline.reports.uploads import ATTACHMENT_FIELD, EncryptingUploadHandler, PendingUpload

from . import actions as casework

TRAINING_SLUG = "training"

# (language, description, reply, reporter's answer, note) in the three shipped languages.
STORIES = [
    (
        "en",
        "A white van unloads boxes at the north jetty every Tuesday after midnight.",
        "Thank you. Which jetty exactly, and since when?",
        "The old fishing jetty, since about March.",
        "Matches the harbour camera gaps on Tuesdays.",
    ),
    (
        "en",
        "A customs officer at the east crossing waves trucks through for cash.",
        "Thank you. Do you know the days this happens?",
        "Mostly Fridays, in the evening shift.",
        "Ask the border unit for the Friday shift roster.",
    ),
    (
        "en",
        "Someone at the market sells pistols from the back of a tea stall.",
        "Thank you for telling us. Are the pistols new or used?",
        "They looked new, still wrapped.",
        "Possible link to the arms seizure in May.",
    ),
    (
        "ur",
        "ہر منگل کی رات سرحد کے قریب گودام میں ایندھن کے ٹرک خالی کیے جاتے ہیں۔",
        "شکریہ۔ کیا آپ گودام کی جگہ بتا سکتے ہیں؟",
        "پرانی مل کے پیچھے، دریا کے کنارے۔",
        "Fuel smuggling pattern: compare with the tanker reports.",
    ),
    (
        "ur",
        "ایک شخص نوجوانوں کو بیرون ملک نوکری کا جھانسہ دے کر پاسپورٹ رکھ لیتا ہے۔",
        "شکریہ۔ کیا یہ ابھی بھی ہو رہا ہے؟",
        "جی ہاں، پچھلے ہفتے تین لڑکے گئے۔",
        "Urgent: possible trafficking, pass to the victims unit.",
    ),
    (
        "ur",
        "دکانداروں سے ہر مہینے تحفظ کے نام پر پیسے لیے جاتے ہیں۔",
        "شکریہ۔ کتنے دکاندار متاثر ہیں؟",
        "بازار کی تقریباً بیس دکانیں۔",
        "Extortion: the same market as report 2?",
    ),
    (
        "zh-hans",
        "每周三晚上有船在码头卸下没有报关的货物。",
        "谢谢。您知道是哪个码头吗？",
        "是旧渔港的三号码头。",
        "Customs: undeclared goods, check the Wednesday manifests.",
    ),
    (
        "zh-hans",
        "有人通过几家空壳公司转移大笔现金。",
        "谢谢。您知道公司的名称吗？",
        "我只知道其中一家在老城区。",
        "Money laundering: ask the financial unit.",
    ),
    (
        "zh-hans",
        "边境附近的一个仓库里存放着大量药品原料。",
        "谢谢。仓库现在还在使用吗？",
        "是的，每天晚上都有车进出。",
        "Precursor chemicals? Compare with the drug-trafficking reports.",
    ),
]
CATEGORIES = [
    "smuggling",
    "corruption",
    "arms-trafficking",
    "smuggling",
    "human-trafficking",
    "extortion",
    "smuggling",
    "money-laundering",
    "drug-trafficking",
]


@dataclass
class TrainingAccount:
    username: str
    role: str
    password: str
    totp_secret: str  # base32, as an authenticator app takes it


@dataclass
class TrainingDesk:
    desk: Desk
    accounts: list[TrainingAccount]
    reports: int


def training_desk_exists() -> bool:
    return Desk.objects.filter(slug=TRAINING_SLUG, is_training=True).exists()


def make_training_desk(*, reports: int = 36) -> TrainingDesk:
    """A training desk with staff and `reports` synthetic reports of every state and age."""
    desk = create_desk(
        slug=TRAINING_SLUG,
        name="Training desk",
        languages=["en", "ur", "zh-hans"],
        acting_user=None,
    )
    Desk.objects.filter(pk=desk.pk).update(is_training=True)
    desk.is_training = True
    install_default_categories(desk)
    accounts, users, keys = [], {}, {}
    for username, role, language in [
        ("trainer", "supervisor", "en"),
        ("analyst-ur", "analyst", "ur"),
        ("analyst-zh", "analyst", "zh-hans"),
        ("analyst-en", "analyst", "en"),
    ]:
        password = "-".join(secrets.token_hex(3) for _ in range(4))
        staff = create_staff(
            username=username, password=password, role=role, desks=[desk], acting_user=None
        )
        StaffUser.objects.filter(pk=staff.user.pk).update(language=language)
        accounts.append(
            TrainingAccount(
                username,
                role,
                password,
                base64.b32encode(bytes.fromhex(staff.device.key)).decode().rstrip("="),
            )
        )
        users[username] = staff.user
        keys[username] = vault.unlock_with_password(staff.user.key_record, password)
    for number in range(reports):
        _one_report(desk, number, users, keys)
    return TrainingDesk(desk, accounts, reports)


def _one_report(
    desk: Desk, number: int, users: dict[str, StaffUser], keys: dict[str, vault.StaffPrivateKey]
) -> None:
    language, description, reply, answer, note = STORIES[number % len(STORIES)]
    category = desk.categories.get(slug=CATEGORIES[number % len(CATEGORIES)])
    pending = submission.begin(desk)
    if number % 4 == 0:
        _attach(pending, f"photo-{number + 1}.png", _synthetic_photo(number))
    receipt = Receipt.new()
    submission.submit_report(
        pending,
        desk=desk,
        category=category,
        language=language,
        answers={"how_known": "saw"},
        description=description,
        receipt=receipt,
    )
    report = Report.objects.get(desk=desk, number=number + 1)
    analyst = users[{"en": "analyst-en", "ur": "analyst-ur", "zh-hans": "analyst-zh"}[language]]
    stage = number % 6  # new, assigned, answered, answered again, in progress, closed
    if stage >= 1:
        casework.record_view(report, users["trainer"])  # read by whoever worked on it
        casework.assign(report, users["trainer"], analyst)
    if stage >= 2:
        casework.record_view(report, analyst)
        opened = conversation.open_as_staff(report, analyst, keys[analyst.username])
        casework.reply(opened, analyst, reply)
        casework.add_note(opened, analyst, note)
    if stage >= 3:
        as_reporter = conversation.open_as_reporter(receipt)
        assert as_reporter is not None  # noqa: S101 - the code was just issued
        conversation.add_reporter_message(as_reporter, text=answer)
    if stage >= 4:  # at stage 3 the reporter's answer is a new message to the analyst
        casework.record_view(report, analyst)
        casework.set_status(report, analyst, Status.IN_PROGRESS)
    if stage == 5:
        reason = [CloseReason.ACTIONED, CloseReason.NO_ACTION, CloseReason.DUPLICATE][number % 3]
        casework.set_status(report, analyst, Status.CLOSED, reason)
    _age(report, days=(number * 37) % 120 + 1)


def _attach(pending: PendingUpload, name: str, content: bytes) -> None:
    """A file received as a browser's upload would be: the same encrypting handler."""
    handler = EncryptingUploadHandler(pending)
    handler.new_file(ATTACHMENT_FIELD, name, "image/png", len(content))
    handler.receive_data_chunk(content, 0)
    handler.file_complete(len(content))


def _synthetic_photo(seed: int) -> bytes:
    image = Image.new("RGB", (320, 200), ((seed * 53) % 256, (seed * 97) % 256, 140))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _age(report: Report, *, days: int) -> None:
    """Move a synthetic report and its conversation back in time, keeping their order."""
    shift = timedelta(days=days)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            received_at=timezone.now() - shift,
            last_reporter_activity_at=F("last_reporter_activity_at") - shift,
        )
        report.readings.update(read_at=F("read_at") - shift)  # still before or after it
        for field in ("acknowledged_at", "feedback_given_at", "closed_at"):
            for row in Report.objects.filter(pk=report.pk).exclude(**{f"{field}__isnull": True}):
                Report.objects.filter(pk=row.pk).update(**{field: getattr(row, field) - shift})
        report.messages.update(sent_at=timezone.now() - shift / 2)
        report.notes.update(written_at=timezone.now() - shift / 2)
