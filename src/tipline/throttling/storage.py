"""Where throttle counts and gate slots live: this process's memory, or one Redis for all.

With `TIPLINE_REDIS_URL` (or a `redis://` broker URL) every process on every host counts
in the same Redis, so a throttle hit on one web host is felt on the others. Without it,
counts live in this process's memory, as the embedded mode needs. Either way nothing is
written to disk by Tipline; Redis should run without persistence (see docs/deploy.md),
and every key expires within a minute or two.
"""

import threading
from functools import cache

import redis
from django.conf import settings
from limits.storage import MemoryStorage, RedisStorage, Storage

KEY_PREFIX = "tipline"

_lock = threading.Lock()
_memory: MemoryStorage | None = None


def shared() -> bool:
    """True when counts and slots are kept in Redis, shared by every process."""
    return bool(settings.REDIS_URL)


def storage() -> Storage:
    """The `limits` storage for throttles (memory, or Redis when configured)."""
    if shared():
        return _redis_storage(settings.REDIS_URL)
    global _memory
    with _lock:
        if _memory is None:
            _memory = MemoryStorage()
        return _memory


@cache
def _redis_storage(url: str) -> RedisStorage:
    return RedisStorage(url, key_prefix=f"{KEY_PREFIX}:limits")


@cache
def redis_client(url: str) -> "redis.Redis[bytes]":
    """One client (with its own connection pool) per process for the gate's scripts."""
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def forget_everything() -> None:
    """Drop every count in memory (tests; a restart does the same)."""
    global _memory
    with _lock:
        _memory = None
    if shared():
        storage().reset()
