"""Labels: a desk's own vocabulary for grouping reports (for example an operation's name).

Label names are configuration chosen by administrators, readable like a category, and
applied by staff; nobody types free text into them on a report, so they carry no report
content (DESIGN.md guarantee 1; listed in `reports.cleartext`).
"""

from django.conf import settings
from django.db import models

from tipline.desks.models import Desk
from tipline.reports.models import Report


class Label(models.Model):
    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["desk", "name"], name="label_name_per_desk")]

    def __str__(self) -> str:
        return self.name


class ReportLabel(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="labels")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="reports")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["label", "report"], name="one_label_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.label} on {self.report_id}"


class Reading(models.Model):
    """When a staff member last opened a report. "New" (never opened) and "new message"
    (the reporter wrote since) are each person's own: one analyst opening a case must not
    hide it from the others who have not read it (`selectors.inbox`)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="readings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readings"
    )
    read_at = models.DateTimeField()
    # The last message of the conversation (`Message.position`) when they opened it. "New
    # message" compares places, not times: a reporter's message is dated to the day only
    # (docs/design.md, "Time kept of a reporter"), so times cannot tell a message written
    # after a reading on the same day from one written before it.
    seen_position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index of the inbox's lookup of the reader's own reading of each row.
            models.UniqueConstraint(fields=["user", "report"], name="one_reading_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.report_id} at {self.read_at:%Y-%m-%d %H:%M}"


class ReportTitle(models.Model):
    """A short title an analyst gives a report, shown in its inbox row instead of the report's
    first words. Encrypted under the report's key like a note (`casework.actions.set_title`):
    it names what the report is about, so it is report content."""

    report = models.OneToOneField(
        Report, primary_key=True, on_delete=models.CASCADE, related_name="title"
    )
    body = models.BinaryField()

    def __str__(self) -> str:
        return f"title of {self.report_id}"
