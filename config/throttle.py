"""Who is asking, and how often they guessed wrong: shared by the sign-in lockout and the token links.

Counters live in the default cache, so every web process sees the same counts when the cache is Redis.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address our own proxies saw when TRUSTED_PROXY_COUNT of them are in front.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the entry TRUSTED_PROXY_COUNT places from the right; anything further left is whatever
    the client chose to send and is never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote


def cache_key(scope: str, *parts: str) -> str:
    """A short key that does not store user names or addresses in the cache in clear."""
    digest = salted_hmac("config.throttle", "|".join(parts), algorithm="sha256").hexdigest()
    return f"throttle:{scope}:{digest[:32]}"


def count_failure(key: str, window: int) -> int:
    """One more failure in the current window (the window starts at the first failure)."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


class TokenLookupThrottle:
    """Slows down guessing of anonymous token links (survey links, certificate codes).

    Only lookups of unknown tokens are counted, and only they are refused: a valid link always works,
    so a whole ministry behind one NAT address can answer the same shared link at once.
    """

    def __init__(self, scope: str) -> None:
        self.scope = scope

    @property
    def limit(self) -> int:
        return settings.TOKEN_LOOKUP_LIMIT

    @property
    def window(self) -> int:
        return settings.TOKEN_LOOKUP_WINDOW

    def _key(self, request) -> str:
        return cache_key(f"token:{self.scope}", client_ip(request))

    def refuse_unknown(self, request) -> bool:
        """Count a lookup that found nothing; True once the address has guessed wrong too often."""
        return count_failure(self._key(request), self.window) > self.limit

    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.window / 60))

    def message(self) -> str:
        minutes = self.retry_minutes()
        return ngettext(
            "Too many unknown links or codes were tried from your connection; try again in %(minutes)d "
            "minute.",
            "Too many unknown links or codes were tried from your connection; try again in %(minutes)d "
            "minutes.",
            minutes,
        ) % {"minutes": minutes}

    def api_error(self) -> Throttled:
        """For the API: 429 with Retry-After, in the API's {"detail": ...} shape."""
        return Throttled(wait=self.window, detail=self.message())
