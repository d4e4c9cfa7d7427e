"""Triage's writes: the detected language at submission, the encrypted index (analysed
where a recipient's key is present), and links between reports. Each is audited."""

import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.intake import conversation, storage
from tipline.intake.models import Report
from tipline.intake.uploads import attachment_context

from . import embedding, index, language
from .epochs import epoch_key_for
from .models import DetectedLanguage, Indexed, Link, Shard

# How many waiting reports one page view analyses (~25 ms each for the embedding).
ANALYSE_AT_ONCE = 20


class LinkKind:
    RELATED = "related"
    DUPLICATE_OF = "duplicate_of"
    HAS_DUPLICATE = "has_duplicate"

    OPPOSITE = {RELATED: RELATED, DUPLICATE_OF: HAS_DUPLICATE, HAS_DUPLICATE: DUPLICATE_OF}


class AlreadyLinked(Exception):
    pass


def record_detected_language(report: Report, text: str) -> None:
    """Detect the text's language (sub-millisecond) and keep it beside the report. Runs in
    the submission's transaction, so the report and its language commit together."""
    detected = language.detect(text)
    if detected:
        DetectedLanguage.objects.create(report=report, language=detected)


def report_text(opened: conversation.OpenedReport) -> str:
    """What the reporter wrote in the report: the description and every answer."""
    content = conversation.read_content(opened)
    parts = [str(content.get("description", ""))]
    for value in content.get("answers", {}).values():
        parts.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return "\n".join(part for part in parts if part.strip())


@dataclass(frozen=True)
class Prepared:
    report: Report
    entry: index.Entries


def analyse(reports: list[Report], user: StaffUser, private_key: vault.StaffPrivateKey) -> int:
    """Index reports this recipient can open; returns how many were added.

    Embedding runs here, in the recipient's request, because only here is a key present;
    the reporter's request does nothing heavier than language detection."""
    by_epoch: dict[int, tuple[Any, vault.TriageKey, list[tuple[Report, str, list[bytes]]]]] = {}
    for report in reports:
        try:
            opened = conversation.open_as_staff(report, user, private_key)
            epoch, key = epoch_key_for(report, user, private_key)
        except vault.DecryptionError:
            continue
        fingerprints = [_fingerprint(opened, key, a) for a in report.attachments.all()]
        group = by_epoch.setdefault(epoch.pk, (epoch, key, []))
        group[2].append((report, report_text(opened), fingerprints))
    added = 0
    for epoch, key, items in by_epoch.values():
        vectors = embedding.embed([text for _, text, _ in items])
        entries = index.empty()
        for (report, text, fingerprints), vector in zip(items, vectors, strict=True):
            one = index.entry(
                report.id,
                report.received_at.timestamp(),
                language.detect(text),
                vector,
                index.sketch(key, text),
                fingerprints,
            )
            entries = index.concatenate(entries, one)
        added += _append(epoch, key, [r for r, _, _ in items], entries, user)
    return added


def analyse_waiting(desk_id: int, user: StaffUser, private_key: vault.StaffPrivateKey) -> int:
    """Analyse up to `ANALYSE_AT_ONCE` of the desk's reports sealed to this user and not yet
    indexed, oldest first (they are the earlier reports the newer ones compare against)."""
    waiting = list(
        Report.objects.filter(
            desk_id=desk_id, seals__staff=user, triage_indexed__isnull=True
        ).order_by("received_at", "id")[:ANALYSE_AT_ONCE]
    )
    return analyse(waiting, user, private_key) if waiting else 0


def waiting_count(desk_id: int, user: StaffUser) -> int:
    return Report.objects.filter(
        desk_id=desk_id, seals__staff=user, triage_indexed__isnull=True
    ).count()


def shard_context(epoch_id: int, shard_id: int) -> str:
    return f"triage/epoch/{epoch_id}/shard/{shard_id}"


def _fingerprint(opened: conversation.OpenedReport, key: vault.TriageKey, attachment: Any) -> bytes:
    report_id = opened.report.id
    with open(storage.attachment_path(report_id, attachment.id), "rb") as source:
        chunks = vault.decrypt_stream(
            opened.report_key, source, context=attachment_context(report_id, attachment.id)
        )
        return vault.attachment_fingerprint(key, chunks)


def _append(
    epoch: Any, key: vault.TriageKey, reports: list[Report], new: index.Entries, user: StaffUser
) -> int:
    """Add entries to the epoch's open shard: read, decrypt, append, encrypt, write only if
    nobody rewrote it meanwhile (conditional update), else try again."""
    for _attempt in range(5):
        shard = (
            Shard.objects.filter(epoch=epoch, entries__lte=index.SHARD_SIZE - len(new))
            .order_by("-id")
            .first()
        )
        try:
            with transaction.atomic():
                if shard is None:
                    shard = Shard.objects.create(epoch=epoch, blob=b"")
                    current = index.empty()
                else:
                    current = index.unpack(
                        vault.decrypt_triage_index(
                            key, bytes(shard.blob), context=shard_context(epoch.pk, shard.pk)
                        )
                    )
                    alive = set(
                        Indexed.objects.filter(shard=shard).values_list("report_id", flat=True)
                    )
                    keep = [current.report_id(row) in alive for row in range(len(current))]
                    current = index.keep_rows(current, _bool_array(keep))
                combined = index.concatenate(current, new)
                blob = vault.encrypt_triage_index(
                    key, index.pack(combined), context=shard_context(epoch.pk, shard.pk)
                )
                updated = Shard.objects.filter(pk=shard.pk, version=shard.version).update(
                    blob=blob, entries=len(combined), version=F("version") + 1
                )
                if not updated:
                    raise _Retry
                Indexed.objects.bulk_create(Indexed(report=r, shard=shard) for r in reports)
                record(
                    "triage.analysed",
                    actor=user,
                    desk=epoch.desk,
                    reports=len(reports),
                )
            return len(reports)
        except _Retry:
            continue
        except IntegrityError:  # another recipient indexed one of them a moment ago
            return 0
    return 0


class _Retry(Exception):
    pass


def _bool_array(values: list[bool]) -> Any:
    import numpy as np

    return np.array(values, dtype=bool)


def link(
    first: conversation.OpenedReport,
    second: conversation.OpenedReport,
    user: StaffUser,
    kind: str,
) -> None:
    """Link two reports (`kind` from `first`'s side); both sides get an encrypted link row
    and an audit event, which names only its own report (a readable audit row naming both
    would tell a seized database which reports belong together)."""
    if first.report.pk == second.report.pk or first.report.desk_id != second.report.desk_id:
        raise ValueError("a report links only to another report of its desk")
    if kind not in LinkKind.OPPOSITE:
        raise ValueError("unknown link kind")
    if second.report.pk in {other for other, _ in links_of(first)}:
        raise AlreadyLinked
    with transaction.atomic():
        for this, other, this_kind in (
            (first, second, kind),
            (second, first, LinkKind.OPPOSITE[kind]),
        ):
            link_row = Link(report=this.report)
            link_row.body = vault.encrypt_text(
                this.report_key,
                json.dumps({"other": str(other.report.pk), "kind": this_kind}),
                context=_link_context(this.report.pk, link_row.id),
            )
            link_row.save()
            record(
                "triage.linked",
                actor=user,
                desk=this.report.desk,
                report_id=this.report.pk,
                kind=this_kind,
            )


def links_of(opened: conversation.OpenedReport) -> list[tuple[Any, str]]:
    """(other report id, kind) of each link of this report, decrypted with its key."""
    found = []
    for row in Link.objects.filter(report=opened.report).order_by("created_at"):
        body = json.loads(
            vault.decrypt_text(
                opened.report_key, bytes(row.body), context=_link_context(opened.report.pk, row.id)
            )
        )
        found.append((_uuid(body["other"]), str(body["kind"])))
    return found


def _uuid(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


def _link_context(report_id: Any, link_id: Any) -> str:
    return f"report/{report_id}/triage-link/{link_id}"
