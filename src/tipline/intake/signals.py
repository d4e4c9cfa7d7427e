"""Signals other apps hook into without intake depending on them."""

from django.dispatch import Signal

# Sent inside the transaction that stores a new report, with `report` and the `text` the
# reporter wrote; receivers must be quick (the reporter waits) and never keep the text.
report_submitted = Signal()
