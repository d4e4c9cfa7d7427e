"""Throttling wrong receipt codes, in memory only.

Each wrong code costs the server an Argon2id derivation and gives a guesser one try, so
repeated wrong codes are slowed down. Nothing about the client is written anywhere: the
key is `request.client_bucket` (a keyed hash of the address under a random key that lives
and dies with the process, see `web.middleware`), and counts live in this process's
memory. Behind a Tor onion service every reporter shares one bucket, so the per-bucket
limit is set to bear legitimate typos from many people at once; the global limit caps the
CPU a flood of guesses can take.
"""

from tipline.throttling.throttle import Throttle

WRONG_RECEIPTS = Throttle(per_bucket=10, overall=300, window_seconds=600)
