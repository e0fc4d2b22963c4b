"""Sign-in lockout: after LOGIN_FAILURE_LIMIT wrong passwords for one user name from one address, that
pair is refused for LOGIN_LOCKOUT_SECONDS whatever the password, so a guesser learns nothing more.

A small cache-based equivalent of django-axes, whose releases do not yet declare Django 6.1. Keyed by
user name and address: a colleague behind the same address, or the same person elsewhere, still signs in.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from config.throttle import cache_key, client_ip, count_failure


class LockedOut(PermissionDenied):
    """Raised by the backend: Django's authenticate() then stops and tries no other backend."""


def _keys(request, username: str) -> tuple[str, str]:
    parts = (username.strip().lower(), client_ip(request))
    return cache_key("login-failures", *parts), cache_key("login-locked", *parts)


def seconds_left(request, username: str | None) -> int:
    """How long this user name stays locked from this address (0: not locked)."""
    if request is None or not username:
        return 0
    until = cache.get(_keys(request, username)[1])
    return max(0, math.ceil(until - time.time())) if until else 0


def record_failure(request, username: str) -> None:
    failures_key, locked_key = _keys(request, username)
    cooloff = settings.LOGIN_LOCKOUT_SECONDS
    if count_failure(failures_key, cooloff) >= settings.LOGIN_FAILURE_LIMIT:
        cache.set(locked_key, time.time() + cooloff, timeout=cooloff)
        cache.delete(failures_key)


def reset(request, username: str) -> None:
    cache.delete_many(_keys(request, username))


class LockoutBackend(ModelBackend):
    """The model backend, refusing locked pairs before the password is checked.

    Covers every sign-in that passes a request to authenticate(): the sign-in page and the admin's.
    The API accepts sessions and tokens only, never passwords.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or not username or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        if seconds_left(request, username):
            raise LockedOut
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username)
        else:
            reset(request, username)
        return user
