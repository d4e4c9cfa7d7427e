"""Search by words, with nothing readable at rest (docs/design.md, "Search").

A report's words (its text, every message, every staff note), folded (`words`), are kept
as keyed tokens of its triage epoch (`vault.search_tokens`): the search key is a subkey of
the epoch's triage key, sealed to the report's recipients and nobody else. Tokens are
written where a recipient's key is present: by the background analyser that a signed-in
session hands its key to (`index_waiting`, called in each pass of
`actions.analyse_waiting`), and by `tipline searchindex` for reports that came before.
What changes a report's words (it arrives, the reporter writes, staff reply or note) marks
it waiting (`mark_waiting`) in the same transaction; its tokens are then written again.

A search computes the tokens of the typed words under each epoch key the analyst holds
(one X25519 opening per epoch) and returns the reports holding all of them, among the
reports sealed to the analyst.
"""

from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.models import Note, Report

from . import words as folding
from .actions import report_text
from .epochs import epoch_key_for, keys_of
from .models import SearchToken, SearchWaiting

# Reports a pass of the analyser indexes for search (decrypting and hashing a report's
# words takes a few milliseconds).
INDEX_AT_ONCE = 50
# Words of a search beyond these are ignored (a search is a few words, not a text).
MOST_SEARCH_WORDS = 12


def mark_waiting(report: Report) -> None:
    """Its words changed: a recipient's key writes its tokens again."""
    SearchWaiting.objects.bulk_create([SearchWaiting(report=report)], ignore_conflicts=True)


def report_words(opened: conversation.OpenedReport) -> list[str]:
    """Every word of the report: what the reporter wrote, the messages both ways, the notes."""
    texts = [report_text(opened)]
    texts += [message.text for message in conversation.read_conversation(opened)]
    for note in Note.objects.filter(report=opened.report):
        texts.append(
            vault.decrypt_text(
                opened.report_key,
                bytes(note.body),
                context=conversation.note_context(note.report_id, note.id),
            )
        )
    return folding.words("\n".join(texts))


def index_report(report: Report, user: StaffUser, private_key: vault.StaffPrivateKey) -> bool:
    """Write the report's tokens afresh under its epoch's key; False when `user` is not one
    of its recipients (its tokens wait for one who is)."""
    try:
        opened = conversation.open_as_staff(report, user, private_key)
        epoch, key = epoch_key_for(report, user, private_key)
    except vault.DecryptionError:
        return False
    tokens = set(vault.search_tokens(key, report_words(opened)))
    with transaction.atomic():
        SearchToken.objects.filter(report=report).delete()
        SearchToken.objects.bulk_create(
            [SearchToken(epoch=epoch, report=report, token=token) for token in tokens],
            ignore_conflicts=True,
        )
        SearchWaiting.objects.filter(report=report).delete()
    return True


def index_waiting(
    desk_id: int, user: StaffUser, private_key: vault.StaffPrivateKey, *, limit: int = INDEX_AT_ONCE
) -> int:
    """Index up to `limit` of the desk's waiting reports sealed to `user`; how many."""
    reports = Report.objects.filter(
        desk_id=desk_id, seals__staff=user, search_waiting__isnull=False
    ).select_related("desk", "category")[:limit]
    return sum(index_report(report, user, private_key) for report in reports)


def index_all(desk_id: int, user: StaffUser, private_key: vault.StaffPrivateKey) -> int:
    """Index every report of the desk sealed to `user` (reports from before search)."""
    done = 0
    for report in (
        Report.objects.filter(desk_id=desk_id, seals__staff=user)
        .select_related("desk", "category")
        .iterator(chunk_size=200)
    ):
        done += index_report(report, user, private_key)
    return done


def matching(
    desk_id: int, user: StaffUser, private_key: vault.StaffPrivateKey, typed: str
) -> "QuerySet[Any]":
    """The ids of the desk's reports sealed to `user` that hold every word typed, as a
    subquery for the inbox; none when nothing searchable was typed.

    Uses index: triage_searchtoken search_token (epoch, token, report)."""
    wanted = folding.words(typed)[:MOST_SEARCH_WORDS]
    if not wanted:
        return Report.objects.none().values("id")
    which = Q(pk__in=[])
    for epoch_id, key in keys_of(user, private_key, desk_id).items():
        which |= Q(epoch_id=epoch_id, token__in=vault.search_tokens(key, wanted))
    return (
        SearchToken.objects.filter(which)
        .filter(report__seals__staff=user, report__desk_id=desk_id)
        .values("report_id")
        .annotate(found=Count("token", distinct=True))
        .filter(found=len(wanted))
        .values("report_id")
    )
