"""Triage keys per desk and recipient set (see `tipline.vault.triage`).

A report is indexed under the epoch whose members are exactly the staff its key was sealed
to. Making an epoch needs only public keys; opening one needs a member's private key.
"""

from django.db import IntegrityError, transaction

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.reports.models import Report

from .models import Epoch, EpochSeal


def members_of(report: Report) -> str:
    return ",".join(str(s) for s in sorted(report.seals.values_list("staff_id", flat=True)))


def epoch_key_for(
    report: Report, user: StaffUser, private_key: vault.StaffPrivateKey
) -> tuple[Epoch, vault.TriageKey]:
    """The epoch of the report's recipients and its key, made if it does not exist yet.

    Raises `vault.DecryptionError` when `user` is not one of the report's recipients."""
    members = members_of(report)
    epoch = Epoch.objects.filter(desk_id=report.desk_id, members=members).first()
    if epoch is None:
        epoch = _new_epoch(report, members)
    seal = EpochSeal.objects.filter(epoch=epoch, staff=user).first()
    if seal is None:
        raise vault.DecryptionError("this staff member is not a recipient of the epoch")
    return epoch, vault.open_sealed_triage_key(bytes(seal.sealed), private_key)


def keys_of(
    user: StaffUser, private_key: vault.StaffPrivateKey, desk_id: int
) -> dict[int, vault.TriageKey]:
    """Every triage key of the desk this staff member holds (one X25519 opening each)."""
    keys = {}
    for seal in EpochSeal.objects.filter(staff=user, epoch__desk_id=desk_id):
        keys[seal.epoch_id] = vault.open_sealed_triage_key(bytes(seal.sealed), private_key)
    return keys


def _new_epoch(report: Report, members: str) -> Epoch:
    key = vault.new_triage_key()
    recipients = list(StaffUser.objects.filter(pk__in=[int(m) for m in members.split(",") if m]))
    try:
        with transaction.atomic():
            epoch = Epoch.objects.create(desk_id=report.desk_id, members=members)
            EpochSeal.objects.bulk_create(
                EpochSeal(
                    epoch=epoch,
                    staff=staff,
                    sealed=vault.seal_triage_key(key, bytes(staff.public_key)),
                )
                for staff in recipients
            )
    except IntegrityError:  # made a moment ago by another recipient's request
        return Epoch.objects.get(desk_id=report.desk_id, members=members)
    return epoch
