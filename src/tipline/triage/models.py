"""What triage keeps. Everything that could tell two reports apart or together is
ciphertext (see `tipline.vault.triage`); the readable columns are listed in `cleartext.py`."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from tipline.desks.models import Desk
from tipline.reports.models import Report


class DetectedLanguage(models.Model):
    """The language the report's text is written in, detected at submission."""

    report = models.OneToOneField(
        Report, primary_key=True, on_delete=models.CASCADE, related_name="detected_language"
    )
    language = models.CharField(max_length=10)

    class Meta:
        # Uses index: the inbox filter joins on report and tests the language.
        indexes = [models.Index(fields=["language", "report"], name="detected_language")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.language}"

    @property
    def label(self) -> str:
        """How the language reads on a page ("Urdu (Latin letters)", "other: Hausa")."""
        from .language import label

        return label(self.language)

    @property
    def counted(self) -> str:
        """The language a desk counts it as (Urdu in Latin letters is Urdu)."""
        from .language import group

        return group(self.language)


class Epoch(models.Model):
    """One desk and one set of recipients, with its own triage key sealed to each of them."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="+")
    # The recipients' staff ids, sorted, comma-separated: the same facts as the report key
    # seals of the reports indexed under this epoch, so it tells nothing new.
    members = models.CharField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["desk", "members"], name="one_epoch_per_recipients")
        ]

    def __str__(self) -> str:
        return f"triage epoch {self.pk} of desk {self.desk_id}"


class EpochSeal(models.Model):
    epoch = models.ForeignKey(Epoch, on_delete=models.CASCADE, related_name="seals")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["epoch", "staff"], name="one_triage_seal_per_staff")
        ]

    def __str__(self) -> str:
        return f"triage key of epoch {self.epoch_id} for staff {self.staff_id}"


class Shard(models.Model):
    """Up to `index.SHARD_SIZE` reports' vectors, sketches and fingerprints, encrypted."""

    epoch = models.ForeignKey(Epoch, on_delete=models.CASCADE, related_name="shards")
    entries = models.PositiveIntegerField(default=0)
    # Raised at every rewrite: a writer updates only the version it read (no lost update).
    version = models.PositiveIntegerField(default=0)
    blob = models.BinaryField()

    def __str__(self) -> str:
        return f"triage shard {self.pk}"


class Indexed(models.Model):
    """Marks a report as analysed (its entry is in `shard`)."""

    report = models.OneToOneField(
        Report, primary_key=True, on_delete=models.CASCADE, related_name="triage_indexed"
    )
    shard = models.ForeignKey(Shard, on_delete=models.CASCADE, related_name="+")
    analysed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.report_id} in shard {self.shard_id}"


class Link(models.Model):
    """One side of a link between two reports, encrypted with this report's key: which
    report it points to and how ("related", "duplicate_of", "has_duplicate")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="triage_links")
    created_at = models.DateTimeField(default=timezone.now)
    body = models.BinaryField()

    def __str__(self) -> str:
        return f"link {self.id} of {self.report_id}"


class Claim(models.Model):
    """A report an analyser took on and has not finished: others leave it alone until
    `until` (a lease, so that a worker that died frees its reports). Deleted when the report
    is indexed. Says nothing of the report's content, like `Indexed`."""

    report = models.OneToOneField(
        Report, primary_key=True, on_delete=models.CASCADE, related_name="triage_claim"
    )
    # Random per pass of an analyser: which rows it won (rows another pass made keep theirs).
    token = models.CharField(max_length=32)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.report_id} claimed until {self.until}"


class SearchToken(models.Model):
    """One word of a report (its text, messages or notes) as a keyed token of its epoch
    (`tipline.vault.search_tokens`); never the word."""

    epoch = models.ForeignKey(Epoch, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.BigIntegerField()

    class Meta:
        constraints = [
            # Uses index: a search looks tokens up per epoch and reads the report beside them.
            models.UniqueConstraint(fields=["epoch", "token", "report"], name="search_token")
        ]

    def __str__(self) -> str:
        return f"search token of {self.report_id}"


class SearchWaiting(models.Model):
    """A report whose words changed (it arrived, the reporter wrote, staff replied or noted)
    and whose tokens a recipient's key must write again (`search.index_waiting`)."""

    report = models.OneToOneField(
        Report, primary_key=True, on_delete=models.CASCADE, related_name="search_waiting"
    )

    def __str__(self) -> str:
        return f"search waiting for {self.report_id}"
