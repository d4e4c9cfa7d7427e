"""Throttling wrong receipt codes.

A receipt code has 66 bits and each guess costs the server one Argon2id derivation, so the
receipt space needs no protection from guessing (at a thousand guesses a second for a
year, the chance of hitting one of a million receipts is about one in 2,300): what
a flood of wrong codes threatens is the CPU, which the admission gate (`tipline.throttling.
gate`) bounds. This throttle only keeps one source from taking more than its share: the
key is `request.client_bucket` (a keyed hash of the address, never the address), and the
limits are high enough for the typos of many people at once, because behind a Tor onion
service without the PROXY protocol every reporter shares one source (with it, each circuit
is its own). To keep the others out on a shared source, a flood must go on at more than a
wrong code a second; a minute after it stops, every count is gone.
"""

from tipline.throttling.throttle import Throttle

WRONG_RECEIPTS = Throttle("wrong-receipt", "10/10 seconds;60/minute")
