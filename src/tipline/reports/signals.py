"""Signals other apps hook into without the report room depending on them."""

from django.dispatch import Signal

# Sent inside the transaction that stores a new report (`creation.store_report`), with
# `report` and the `text` the reporter (or the sharing partner) wrote, and for a share
# `shared_by` and `marking`; receivers must be quick (the reporter waits) and never keep
# the text.
report_submitted = Signal()

# Sent inside the transaction that stores a reporter's follow-up message, with `report`;
# receivers must be quick and queue anything slow with `transaction.on_commit`.
reporter_wrote = Signal()
