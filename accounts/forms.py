"""Sign-in forms that say plainly when a user name is locked out, and for how long."""

from __future__ import annotations

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext

from accounts import lockout


class LockoutMessageMixin:
    """Checks the lockout before the password, and again after the failure that set it."""

    def _refuse_if_locked(self, username: str | None) -> None:
        seconds = lockout.seconds_left(self.request, username)
        if seconds:
            minutes = math.ceil(seconds / 60)
            raise forms.ValidationError(
                ngettext(
                    "Too many failed sign-ins; try again in %(minutes)d minute.",
                    "Too many failed sign-ins; try again in %(minutes)d minutes.",
                    minutes,
                ),
                code="locked_out",
                params={"minutes": minutes},
            )

    def clean(self):
        username = self.cleaned_data.get("username")
        self._refuse_if_locked(username)
        try:
            return super().clean()
        except forms.ValidationError:
            self._refuse_if_locked(username)
            raise


class SignInForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminSignInForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
