"""Counters in the shared cache for throttles and lockouts.

The cache is the database (or Redis when RENKEI_REDIS_URL is set), never a process's own memory, so a
limit holds however many gunicorn workers answer. A counter lives `seconds` after its latest event:
that is the cool-off, after which a throttled address or account may try again.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def key(*parts: str | None) -> str:
    """A cache key from parts; personal parts (e-mail addresses) are hashed, keys stay short and ASCII."""
    return "renkei:" + ":".join(
        part if part and part.isascii() and len(part) <= 64 and "@" not in part
        else hashlib.sha256((part or "").encode()).hexdigest()[:32]
        for part in parts
    )


def count(counter: str) -> int:
    return int(cache.get(counter, 0))


def hit(counter: str, *, seconds: int) -> int:
    """Count one event and return the new count; the counter expires `seconds` after this event."""
    if cache.add(counter, 1, seconds):
        return 1
    try:
        value = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, seconds)
        return 1
    # Some backends' incr keeps the old expiry (Redis, memory), the database cache's resets it to the
    # default: set it explicitly so every backend cools off the same way.
    cache.touch(counter, seconds)
    return value


def clear(*counters: str) -> None:
    cache.delete_many(list(counters))
