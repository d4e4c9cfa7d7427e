"""Throttling wrong reward claim codes exactly like wrong receipts (see `reports.throttle`).

A claim code has 66 bits, like a receipt; a flood of wrong codes threatens the supervisor's
time and the CPU, not the code space. Per source (`request.client_bucket`), moving windows
of at most a minute, so a right code is never kept out long after a flood stops.
"""

from tipline.throttling.throttle import Throttle

WRONG_CLAIMS = Throttle("wrong-claim", "10/10 seconds;60/minute")
