"""Triage's writes: the detected language at submission, the encrypted index (analysed
where a recipient's key is present), and links between reports. Each is audited."""

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.reports import conversation, storage
from tipline.reports.models import Report
from tipline.reports.uploads import attachment_context

from . import embedding, index, language
from .epochs import epoch_key_for
from .models import Claim, DetectedLanguage, Indexed, Link, Shard

# How many waiting reports one pass of an analyser takes on (each costs an embedding:
# bench/triage.py).
ANALYSE_AT_ONCE = 8
# A claimed report is left to its analyser this long; then another may take it over (the
# first one died, or its process was stopped).
CLAIM_SECONDS = 300
CLAIM_ROUNDS = 3
# Rewrites of a shard another analyser changed meanwhile, before this pass gives up (its
# reports stay waiting for the next one).
APPEND_ATTEMPTS = 8


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

    Embedding runs only where a recipient's key is present: in the background analyser
    (`background`) that a signed-in session hands its key to. The reporter's request does
    nothing heavier than language detection."""
    by_epoch: dict[int, tuple[Any, vault.TriageKey, list[tuple[Report, str, list[bytes]]]]] = {}
    for report in reports:
        try:
            opened = conversation.open_as_staff(report, user, private_key)
            epoch, key = epoch_key_for(report, user, private_key)
        except vault.DecryptionError:
            continue
        fingerprints = [file_fingerprints(opened, a, [key])[0] for a in reporter_files(report)]
        group = by_epoch.setdefault(epoch.pk, (epoch, key, []))
        group[2].append((report, report_text(opened), fingerprints))
    added = 0
    for epoch, key, items in by_epoch.values():
        vectors = embedding.embed([text for _, text, _ in items])
        entries = index.concatenate_all(
            [
                index.entry(
                    report.id,
                    _arrival_order(report),
                    index.indexed_language(language.detect(text), language.too_short(text)),
                    vector,
                    index.sketch(key, text),
                    fingerprints,
                )
                for (report, text, fingerprints), vector in zip(items, vectors, strict=True)
            ]
        )
        added += _append(epoch, key, [r for r, _, _ in items], entries, user)
    return added


def _waiting(desk_id: int, user: StaffUser) -> Any:
    return Report.objects.filter(desk_id=desk_id, seals__staff=user, triage_indexed__isnull=True)


def claim_waiting(
    desk_id: int, user: StaffUser, *, limit: int = ANALYSE_AT_ONCE, first: Iterable[Any] = ()
) -> tuple[str, list[Report]]:
    """Take on up to `limit` of the desk's reports sealed to `user`, not indexed and not
    claimed by another analyser: those in `first` before the rest, then oldest first (they
    are the earlier reports newer ones compare against). Returns the claim's token and the
    reports won.

    Two analysers (threads, processes, hosts) never win the same report: a claim is an
    insert that ignores a conflict, or a conditional update of a lease that ran out, and
    each keeps only the rows that bear its own random token."""
    token = uuid.uuid4().hex
    first = list(first)
    won: set[Any] = set()
    for _round in range(CLAIM_ROUNDS):  # another analyser won some: take the next ones
        now = timezone.now()
        free = _waiting(desk_id, user).exclude(triage_claim__until__gt=now).exclude(pk__in=won)
        wanted = limit - len(won)
        ids = list(free.filter(pk__in=first).values_list("pk", flat=True)[:wanted]) if first else []
        if len(ids) < wanted:
            ids += list(
                free.exclude(pk__in=ids)
                .order_by("received_at", "id")
                .values_list("pk", flat=True)[: wanted - len(ids)]
            )
        if not ids:
            break
        until = now + dt.timedelta(seconds=CLAIM_SECONDS)
        Claim.objects.filter(report_id__in=ids, until__lte=now).update(token=token, until=until)
        Claim.objects.bulk_create(
            [Claim(report_id=pk, token=token, until=until) for pk in ids], ignore_conflicts=True
        )
        won |= set(
            Claim.objects.filter(report_id__in=ids, token=token).values_list("report_id", flat=True)
        )
        if len(won) >= limit:
            break
    if not won:
        return "", []
    reports = list(
        Report.objects.filter(pk__in=won).select_related("desk").order_by("received_at", "id")
    )
    return token, reports


def release(token: str) -> None:
    """Drop what a pass still claims (reports indexed meanwhile, or that it could not open)."""
    if token:
        Claim.objects.filter(token=token).delete()


def analyse_waiting(
    desk_id: int,
    user: StaffUser,
    private_key: vault.StaffPrivateKey,
    *,
    limit: int = ANALYSE_AT_ONCE,
    first: Iterable[Any] = (),
) -> tuple[int, int]:
    """One pass: claim up to `limit` waiting reports of the desk sealed to this user, index
    them, release the claim. Returns (reports claimed, reports added)."""
    token, reports = claim_waiting(desk_id, user, limit=limit, first=first)
    try:
        return len(reports), analyse(reports, user, private_key) if reports else 0
    finally:
        release(token)


def waiting_count(desk_id: int, user: StaffUser) -> int:
    return int(_waiting(desk_id, user).count())


def shard_context(epoch_id: int, shard_id: int) -> str:
    return f"triage/epoch/{epoch_id}/shard/{shard_id}"


def reporter_files(report: Report) -> Any:
    """The files the reporter sent (with the report or a later message), never the desk's
    replies: the same form sent to two reporters says nothing of their reports."""
    return report.attachments.filter(Q(message__isnull=True) | Q(message__author__isnull=True))


def file_fingerprints(
    opened: conversation.OpenedReport, attachment: Any, keys: list[vault.TriageKey]
) -> list[bytes]:
    """The cleaned file's keyed fingerprint under each key, decrypting it once."""
    report_id = opened.report.id
    with open(storage.attachment_path(report_id, attachment.id), "rb") as source:
        chunks = vault.decrypt_stream(
            opened.report_key, source, context=attachment_context(report_id, attachment.id)
        )
        return vault.attachment_fingerprints(keys, chunks)


def _append(
    epoch: Any, key: vault.TriageKey, reports: list[Report], new: index.Entries, user: StaffUser
) -> int:
    """Add entries to the epoch's open shard: read, decrypt, append, encrypt, then write only
    if nobody rewrote it meanwhile (conditional update on its version), else read again.

    The shard is decrypted and encrypted outside the write transaction, which holds only
    the conditional update and the `Indexed` rows (on SQLite the write lock is the whole
    installation's: submissions must not wait for triage's crypto). A report indexed
    meanwhile by another analyser is left out: `Indexed` is keyed by the report, so a second
    row cannot be written, and the write would roll back with it."""
    for _attempt in range(APPEND_ATTEMPTS):
        done = set(
            Indexed.objects.filter(report_id__in=[r.pk for r in reports]).values_list(
                "report_id", flat=True
            )
        )
        if done:
            new = index.keep_rows(new, np.array([r.pk not in done for r in reports], bool))
            reports = [r for r in reports if r.pk not in done]
        if not reports:
            return 0
        shard = (
            Shard.objects.filter(epoch=epoch, entries__lte=index.SHARD_SIZE - len(new))
            .order_by("-id")
            .first()
        ) or Shard.objects.create(epoch=epoch, blob=b"")
        context = shard_context(epoch.pk, shard.pk)
        current = index.empty()
        if shard.blob:
            current = index.unpack(
                vault.decrypt_triage_index(key, bytes(shard.blob), context=context)
            )
            # Entries of reports deleted since the last rewrite are dropped now.
            alive = set(Indexed.objects.filter(shard=shard).values_list("report_id", flat=True))
            keep = [current.report_id(row) in alive for row in range(len(current))]
            current = index.keep_rows(current, np.array(keep, bool))
        combined = index.concatenate(current, new)
        blob = vault.encrypt_triage_index(key, index.pack(combined), context=context)
        try:
            with transaction.atomic():
                updated = Shard.objects.filter(pk=shard.pk, version=shard.version).update(
                    blob=blob, entries=len(combined), version=F("version") + 1
                )
                if not updated:
                    raise _Retry
                Indexed.objects.bulk_create(Indexed(report=r, shard=shard) for r in reports)
                record("triage.analysed", actor=user, desk=epoch.desk, reports=len(reports))
            return len(reports)
        except (_Retry, IntegrityError):  # rewritten, or indexed, by another analyser
            continue
    return 0


class _Retry(Exception):
    pass


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


def _arrival_order(report: Report) -> float:
    """When the report arrived, as the index compares it ("earlier reports"): the hour it is
    kept to (`reports.reporter_time`), then its number on the desk, which orders the reports
    of one hour (an epoch is one desk's; a float64 tells microseconds apart here)."""
    return report.received_at.timestamp() + report.number * 1e-6
