"""Labels: a desk's own vocabulary for grouping reports (for example an operation's name).

Label names are configuration chosen by administrators, readable like a category, and
applied by staff; nobody types free text into them on a report, so they carry no report
content (DESIGN.md guarantee 1; listed in `intake.cleartext`).
"""

from django.db import models

from tipline.desks.models import Desk
from tipline.intake.models import Report


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
