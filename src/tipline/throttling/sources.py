"""The source of a request, as an opaque key that exists only in memory (or Redis).

Throttles count per source, yet guarantee 2 forbids keeping a reporter's address. So the
address is turned into a keyed hash at once (`web.middleware.forget_client_identity`) and
dropped. In the embedded mode the key is random and lives and dies with the process; with
Redis, every web host must name a source alike, so the key comes from the shared secret
key and the day, and the counts it labels expire within a minute. Behind a Tor onion
service every reporter arrives from 127.0.0.1; with the PROXY protocol
(`TIPLINE_PROXY_PROTOCOL`) the address is the circuit's, so each circuit is a source of its
own, and without it every reporter shares one: the throttles are built for both
(docs/design.md, "Throttles and the admission gate").
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings

from . import storage

_PROCESS_KEY = secrets.token_bytes(32)


def _key() -> bytes:
    if not storage.shared():
        return _PROCESS_KEY
    day = int(time.time() // 86400)
    return hmac.new(
        settings.SECRET_KEY.encode(), f"tipline-source-{day}".encode(), hashlib.sha256
    ).digest()


def client_bucket(address: str) -> str:
    """An opaque key for throttling, derived from the address, which is then forgotten."""
    return hashlib.blake2b(address.encode(), key=_key(), digest_size=12).hexdigest()
