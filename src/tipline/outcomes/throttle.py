"""Throttling wrong reward claim codes like wrong receipts: in memory, per client bucket
(see `intake.throttle`), with an overall cap."""

from tipline.throttling.throttle import Throttle

WRONG_CLAIMS = Throttle(per_bucket=10, overall=300, window_seconds=600)
